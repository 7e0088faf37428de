package chatbot_test

import "testing"

// The agent console reads a dispute's chat by the dispute's id: the
// transcript the customer wrote, and the agent's own messages once they
// take over.
func TestAgentCaseConversation(t *testing.T) {
	e := newChatEnv(t, fakeKB{})
	e.jacket()
	tok := e.token("cus_1")
	_, c := e.call("POST", "/v1/conversations", tok, nil)
	conv := c["conversation_id"].(string)
	e.say(tok, conv, "I returned my jacket two weeks ago and I'm still being charged")
	e.say(tok, conv, "yes")
	out := e.say(tok, conv, "I sent it back on the 6th with UPS")
	d, _ := out["dispute"].(map[string]any)
	if d == nil {
		t.Fatalf("no dispute: %v", out)
	}
	dispute := d["id"].(string)
	out = e.say(tok, conv, "I want to talk to a person")
	h, _ := out["handoff"].(map[string]any)
	if h == nil {
		t.Fatalf("no handoff: %v", out)
	}

	agent := e.staffToken("agent@lender.test", "agent")
	st, b := e.call("GET", "/v1/agent/cases/"+dispute+"/conversation", agent, nil)
	if st != 200 {
		t.Fatalf("%d %v", st, b)
	}
	if cv := b["conversation"].(map[string]any); cv["conversation_id"] != conv {
		t.Fatalf("conversation %v, want %s", cv, conv)
	}
	msgs := b["messages"].([]any)
	if first := msgs[0].(map[string]any); first["role"] != "customer" || first["text"] != "I returned my jacket two weeks ago and I'm still being charged" {
		t.Fatalf("first message %v", first)
	}

	if st, b := e.call("POST", "/v1/agent/handoffs/"+h["id"].(string)+"/claim", agent, nil); st != 200 {
		t.Fatalf("claim %d %v", st, b)
	}
	if st, b := e.call("POST", "/v1/agent/cases/"+dispute+"/messages", agent, map[string]any{"text": "Hi, I'm looking at your jacket now."}); st != 201 {
		t.Fatalf("agent message %d %v", st, b)
	}
	_, b = e.call("GET", "/v1/agent/cases/"+dispute+"/conversation", agent, nil)
	msgs = b["messages"].([]any)
	if last := msgs[len(msgs)-1].(map[string]any); last["role"] != "agent" || last["text"] != "Hi, I'm looking at your jacket now." {
		t.Fatalf("last message %v", last)
	}

	if st, b := e.call("GET", "/v1/agent/cases/dsp_none/conversation", agent, nil); st != 200 || b["conversation"] != nil || len(b["messages"].([]any)) != 0 {
		t.Fatalf("a dispute without a chat: %d %v, want 200 with no conversation", st, b)
	}
	if st, _ := e.call("GET", "/v1/agent/cases/"+dispute+"/conversation", tok, nil); st != 403 {
		t.Fatalf("a customer: %d, want 403", st)
	}
}
