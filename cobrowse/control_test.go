package cobrowse

import (
	"testing"
)

// Control messages reach the customer only with the capability they need,
// and click, scroll and type never on a node the gate's mirror masks. On the
// test page, 12 is an allowlisted button, 20 a masked block, 30 a masked
// input; 999 does not exist.
func TestControlChannel(t *testing.T) {
	e := newEnv(t)
	sid, cust, agent := e.live(CapView)
	all := []Capability{CapView, CapPointer, CapDraw, CapControl}
	tests := []struct {
		name string
		caps []Capability
		msg  map[string]any
		want string // the type the customer receives, or the agent's error code
	}{
		{"pointer with pointer", []Capability{CapView, CapPointer}, map[string]any{"type": "pointer", "x": 10, "y": 20, "extra": "dropped"}, "pointer"},
		{"pointer without pointer", []Capability{CapView}, map[string]any{"type": "pointer", "x": 10, "y": 20}, "capability_missing"},
		{"highlight a known node", []Capability{CapView, CapPointer}, map[string]any{"type": "highlight", "node_id": 20}, "highlight"},
		{"highlight an unknown node", []Capability{CapView, CapPointer}, map[string]any{"type": "highlight", "node_id": 999}, "unknown_node"},
		{"draw with draw", []Capability{CapView, CapDraw}, map[string]any{"type": "draw", "points": []any{map[string]any{"x": 1, "y": 2}}}, "draw"},
		{"draw without draw", []Capability{CapView, CapPointer}, map[string]any{"type": "draw", "points": []any{map[string]any{"x": 1, "y": 2}}}, "capability_missing"},
		{"click without control", []Capability{CapView, CapPointer, CapDraw}, map[string]any{"type": "click", "node_id": 12}, "capability_missing"},
		{"click an allowlisted node", all, map[string]any{"type": "click", "node_id": 12}, "click"},
		{"click a masked node", all, map[string]any{"type": "click", "node_id": 20}, "masked_node"},
		{"type into a masked input", all, map[string]any{"type": "type", "node_id": 30, "text": "hello"}, "masked_node"},
		{"type into an allowlisted node", all, map[string]any{"type": "type", "node_id": 12, "text": "hello"}, "type"},
		{"scroll an unknown node", all, map[string]any{"type": "scroll", "node_id": 999, "x": 0, "y": 100}, "unknown_node"},
		{"scroll an allowlisted node", all, map[string]any{"type": "scroll", "node_id": 10, "x": 0, "y": 100}, "scroll"},
		{"request control with view only", []Capability{CapView}, map[string]any{"type": "request_control"}, "request_control"},
	}
	forwarded := map[string]bool{"pointer": true, "highlight": true, "draw": true, "click": true, "type": true, "scroll": true, "request_control": true}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.consent(sid, "cus_1", tt.caps...)
			agent.state(StatusActive)
			agent.send(tt.msg)
			if !forwarded[tt.want] {
				if m, _ := agent.expect("error"); m["code"] != tt.want {
					t.Fatalf("agent got %v, want %s", m, tt.want)
				}
			}
			if tt.want == "request_control" {
				if got := customerControls(t, cust); len(got) != 0 {
					t.Fatalf("customer got %v", got)
				}
			}
			// A marker (always allowed) sent after the message under test:
			// everything the customer receives up to it is checked.
			agent.send(map[string]any{"type": "request_control"})
			got := customerControls(t, cust)
			switch {
			case tt.want == "request_control":
			case forwarded[tt.want] && (len(got) != 1 || got[0].typ() != tt.want):
				t.Fatalf("customer got %v, want one %s", got, tt.want)
			case forwarded[tt.want]:
				if _, leaked := got[0]["extra"]; leaked {
					t.Fatal("an unknown field was forwarded")
				}
			case len(got) != 0:
				t.Fatalf("case %d: a refused message reached the customer: %v", i, got)
			}
		})
	}
	t.Run("the customer revokes control on the socket", func(t *testing.T) {
		e.consent(sid, "cus_1", all...)
		cust.send(map[string]any{"type": "consent", "granted": true, "capabilities": []string{"view", "pointer"}})
		for len(agent.state(StatusActive)["capabilities"].([]any)) != 2 {
		}
		agent.send(map[string]any{"type": "click", "node_id": 12})
		if m, _ := agent.expect("error"); m["code"] != "capability_missing" {
			t.Fatalf("got %v", m)
		}
		receipts, err := e.svc.Receipts(t.Context(), sid)
		if err != nil || receipts[len(receipts)-1].Via != ViaWebSocket || Has(receipts[len(receipts)-1].Capabilities, CapControl) {
			t.Fatalf("receipts %+v %v", receipts, err)
		}
	})
}

// customerControls reads the customer's messages up to the agent's
// request_control marker and returns the control messages before it.
func customerControls(t *testing.T, c *wsClient) []wsMsg {
	t.Helper()
	var got []wsMsg
	for {
		m, _, err := c.next()
		if err != nil {
			t.Fatalf("customer socket: %v", err)
		}
		switch m.typ() {
		case "request_control":
			return got
		case "state", "snapshot_request", "policy", "error":
		default:
			got = append(got, m)
		}
	}
}

// Control before consent is refused on the agent's side.
func TestControlBeforeConsent(t *testing.T) {
	e := newEnv(t)
	sid := e.session("ann", "cus_1")
	agent := e.agentWS(sid, "ann")
	agent.send(map[string]any{"type": "pointer", "x": 1, "y": 1})
	if m, _ := agent.expect("error"); m["code"] != "not_active" {
		t.Fatalf("got %v", m)
	}
}

// The customer's app may refuse a control message itself (it checks the page
// again); every agent hears of it as refused_by_customer, with words chosen
// by the server, never the app's.
func TestCustomerRefusesControl(t *testing.T) {
	e := newEnv(t)
	_, cust, agent := e.live(CapView)
	cust.send(map[string]any{"type": "control_refused", "action": "click", "node_id": 30, "reason": "masked_node"})
	m, _ := agent.expect("error")
	if m["code"] != "refused_by_customer" || m["reason"] != "the customer's app refused click on node 30: the element is redacted" {
		t.Fatalf("agent got %v", m)
	}
	cust.send(map[string]any{"type": "control_refused", "action": "<b>x</b>", "reason": "anything the app says"})
	m, _ = agent.expect("error")
	if m["code"] != "refused_by_customer" || m["reason"] != "the customer's app refused control on node -1: it refused" {
		t.Fatalf("agent got %v", m)
	}
}
