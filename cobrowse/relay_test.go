package cobrowse

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// The relay's test page: an allowlisted summary carrying a marker, a card
// number in a masked block, a masked input holding a name, and an
// allowlisted button.
const (
	cardNumber = "4111 1111 1111 1111"
	inputName  = "Jane Customer"
)

func relayPage(t testing.TB, marker string) []byte {
	return rrSnapshot(t, rrDoc(
		rrElem(10, "div", map[string]any{"data-settle-unredact": ""},
			rrText(11, "Order total "+marker),
			rrElem(12, "button", nil, rrText(13, "Help"))),
		rrElem(20, "div", nil, rrText(21, "Card "+cardNumber)),
		rrElem(30, "input", map[string]any{"type": "text", "value": inputName}),
	))
}

func rrMeta(t testing.TB) []byte {
	return rrJSON(t, map[string]any{"type": 4, "timestamp": 900, "data": map[string]any{"href": "https://app.example/orders", "width": 390, "height": 844}})
}

// textChange sets the allowlisted summary's text.
func summaryText(t testing.TB, text string) []byte {
	return rrMutation(t, map[string]any{"texts": []any{map[string]any{"id": 11, "value": text}}})
}

func batch(events ...[]byte) map[string]any {
	raw := make([]json.RawMessage, len(events))
	for i, e := range events {
		raw[i] = e
	}
	return map[string]any{"type": "events", "events": raw}
}

// eventsOf returns an events message's events.
func eventsOf(t *testing.T, m wsMsg) []map[string]any {
	t.Helper()
	list, ok := m["events"].([]any)
	if !ok {
		t.Fatalf("events message without events: %v", m)
	}
	out := make([]map[string]any, len(list))
	for i, e := range list {
		out[i] = e.(map[string]any)
	}
	return out
}

// live starts a consented session with both sides connected and the page
// loaded; it returns the session, the customer and the agent sockets.
func (e *env) live(caps ...Capability) (string, *wsClient, *wsClient) {
	e.t.Helper()
	sid := e.session("ann", "cus_1")
	e.consent(sid, "cus_1", caps...)
	cust := e.customerWS(sid, "cus_1")
	cust.expect("policy")
	agent := e.agentWS(sid, "ann")
	agent.state(StatusActive)
	cust.send(batch(rrMeta(e.t), relayPage(e.t, "LOADED")))
	agent.expect("events")
	return sid, cust, agent
}

func (e *env) assertLogsClean(secrets ...string) {
	e.t.Helper()
	logs := e.logs.String()
	for _, s := range append(secrets, cardNumber, inputName) {
		if s != "" && strings.Contains(logs, s) {
			e.t.Errorf("the server log contains %q", s)
		}
	}
}

// Consent is protocol state: events sent before the receipt is stored reach
// neither the agent nor the recording; after it they do, gated.
func TestConsentGatesEvents(t *testing.T) {
	e := newEnv(t)
	sid := e.session("ann", "cus_1")
	agent := e.agentWS(sid, "ann")
	agent.state(StatusRequested)
	cust := e.customerWS(sid, "cus_1")
	if m, _, err := cust.next(); err != nil || m.typ() != "policy" {
		t.Fatalf("first message to the customer is %v (%v), want the policy", m, err)
	}

	cust.send(batch(relayPage(t, "BEFORE-CONSENT")))
	if m, _ := cust.expect("error"); m["code"] != "consent_required" {
		t.Fatalf("got %v", m)
	}
	e.consent(sid, "cus_1", CapView)
	agent.state(StatusActive)
	cust.send(batch(relayPage(t, "AFTER-CONSENT")))

	_, raw := agent.expect("events")
	got := string(raw)
	switch {
	case strings.Contains(got, "BEFORE-CONSENT"):
		t.Fatal("an event sent before consent reached the agent")
	case !strings.Contains(got, "AFTER-CONSENT"):
		t.Fatalf("the consented snapshot did not arrive: %s", got)
	case strings.Contains(got, cardNumber), strings.Contains(got, inputName):
		t.Fatalf("ungated content reached the agent: %s", got)
	}
	e.call("POST", "/v1/cobrowse/sessions/"+sid+"/end", e.staff["ann"], nil)
	rec := e.call("GET", "/v1/ops/recordings/"+sid, e.login("olga", "ops"), nil)
	if rec.status != 200 || strings.Contains(string(rec.raw), "BEFORE-CONSENT") || !strings.Contains(string(rec.raw), "AFTER-CONSENT") {
		t.Fatalf("recording: %d %s", rec.status, rec.raw)
	}
	e.assertLogsClean("BEFORE-CONSENT")
}

// A late-joining agent gets the latest snapshot (with the Meta before it) and
// everything since, in one message, then the live stream.
func TestLateJoinerGetsSnapshotAndTail(t *testing.T) {
	e := newEnv(t)
	sid, cust, first := e.live(CapView)
	cust.send(batch(summaryText(t, "TAIL-1")))
	cust.send(batch(summaryText(t, "TAIL-2")))
	first.expect("events")
	first.expect("events") // both relayed, so both are in the backlog

	late := e.agentWS(sid, "ann")
	late.state(StatusActive)
	m, _ := late.expect("events")
	evs := eventsOf(t, m)
	var types []float64
	for _, ev := range evs {
		types = append(types, ev["type"].(float64))
	}
	if len(evs) != 4 || types[0] != 4 || types[1] != 2 || types[2] != 3 || types[3] != 3 {
		t.Fatalf("backlog types %v, want meta, snapshot, two mutations", types)
	}
	cust.send(batch(summaryText(t, "LIVE-3")))
	if _, raw := late.expect("events"); !strings.Contains(string(raw), "LIVE-3") {
		t.Fatalf("live event after the backlog: %s", raw)
	}
}

// An agent joining a session whose page the server does not hold asks the
// customer's app for a snapshot.
func TestAgentJoiningWithoutSnapshotRequestsOne(t *testing.T) {
	e := newEnv(t)
	sid := e.session("ann", "cus_1")
	e.consent(sid, "cus_1", CapView)
	cust := e.customerWS(sid, "cus_1")
	cust.expect("policy")
	e.agentWS(sid, "ann")
	cust.expect("snapshot_request")
}

// A slow agent is cut off with a reason; the customer goes on and a healthy
// agent keeps receiving. The customer sends in step with the healthy agent,
// so only the agent that reads nothing can fall behind.
func TestSlowAgentIsCutOff(t *testing.T) {
	e := newEnv(t, withHub(func(c *HubConfig) { c.AgentQueue, c.AgentQueueBytes = 4, 1<<20 }))
	sid, cust, fast := e.live(CapView)
	slow := e.agentWS(sid, "ann") // never reads until the end
	slow.state(StatusActive)
	big := strings.Repeat("lorem ipsum ", 20000) // ~240 KB of masked text
	for i := 0; e.hub.Stats().CutOff == 0; i++ {
		if i == 2000 {
			t.Fatal("the slow agent was never cut off")
		}
		cust.send(batch(summaryText(t, big)))
		fast.expect("events")
	}
	cust.send(batch(summaryText(t, "AFTER-CUTOFF")))
	if _, raw := fast.expect("events"); !strings.Contains(string(raw), "AFTER-CUTOFF") {
		t.Fatalf("the healthy agent got %.100s", raw)
	}
	if ce := slow.closed(); ce.Code != CloseTooSlow || !strings.Contains(ce.Text, "too slow") {
		t.Fatalf("slow agent closed with %d %q", ce.Code, ce.Text)
	}
	if st := e.call("GET", "/v1/cobrowse/sessions/"+sid, e.staff["ann"], nil); st.body["status"] != "active" || e.hub.Stats().CutOff != 1 {
		t.Fatalf("session after the cut-off: %s", st.raw)
	}
}

// A newer customer connection replaces the older one.
func TestCustomerReconnectReplacesOldConnection(t *testing.T) {
	e := newEnv(t)
	sid, old, agent := e.live(CapView)
	fresh := e.customerWS(sid, "cus_1")
	fresh.expect("policy")
	if ce := old.closed(); ce.Code != CloseReplaced {
		t.Fatalf("old connection closed with %d %q", ce.Code, ce.Text)
	}
	fresh.send(batch(summaryText(t, "FROM-NEW")))
	if _, raw := agent.expect("events"); !strings.Contains(string(raw), "FROM-NEW") {
		t.Fatalf("got %s", raw)
	}
}

// Either side can end the session; both sockets close with the reason, and
// the session stays ended.
func TestEndClosesBothSides(t *testing.T) {
	for _, tt := range []struct {
		name, reason string
		end          func(e *env, sid string, cust, agent *wsClient)
	}{
		{"customer over HTTP", "session ended by the customer", func(e *env, sid string, _, _ *wsClient) {
			if r := e.call("POST", "/v1/cobrowse/sessions/"+sid+"/end", e.customer("cus_1"), nil); r.status != 200 || r.body["end_reason"] != EndByCustomer {
				e.t.Fatalf("end: %d %s", r.status, r.raw)
			}
		}},
		{"agent over the socket", "session ended by the agent", func(_ *env, _ string, _, agent *wsClient) {
			agent.send(map[string]any{"type": "end"})
		}},
		{"customer declines on the socket", "the customer withdrew consent", func(_ *env, _ string, cust, _ *wsClient) {
			cust.send(map[string]any{"type": "consent", "granted": false})
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			sid, cust, agent := e.live(CapView)
			tt.end(e, sid, cust, agent)
			for _, c := range []*wsClient{cust, agent} {
				if ce := c.closed(); ce.Code != CloseEnded || ce.Text != tt.reason {
					t.Fatalf("closed with %d %q, want 1000 %q", ce.Code, ce.Text, tt.reason)
				}
			}
			if r := e.call("GET", "/v1/cobrowse/sessions/"+sid, e.staff["ann"], nil); r.body["status"] != "ended" {
				t.Fatalf("session: %s", r.raw)
			}
			if _, res := e.dial(e.wsURL(sid, RoleAgent, ""), map[string][]string{"Authorization": {"Bearer " + e.staff["ann"]}}); res.StatusCode != 409 {
				t.Fatalf("joining an ended session: %s", res.Status)
			}
		})
	}
}

// Sessions idle past the timeout, and requests never answered, end on the
// sweep; activity recorded just before keeps a session alive.
func TestSweepEndsIdleAndUnansweredSessions(t *testing.T) {
	e := newEnv(t)
	sid, cust, agent := e.live(CapView)
	e.clock.Advance(4 * time.Minute)
	cust.send(batch(summaryText(t, "STILL-HERE")))
	agent.expect("events")
	e.clock.Advance(2 * time.Minute) // 6 min after consent, 2 after the last event
	sweep := func() {
		if err := e.hub.Sweep(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	status := func(id string) (any, any) {
		r := e.call("GET", "/v1/cobrowse/sessions/"+id, e.login("olga", "ops"), nil)
		return r.body["status"], r.body["end_reason"]
	}
	sweep()
	if st, _ := status(sid); st != "active" {
		t.Fatalf("a busy session was ended: %v", st)
	}
	pending := e.session("bob", "cus_2")
	e.clock.Advance(5*time.Minute + time.Second)
	sweep()
	if ce := cust.closed(); ce.Code != CloseEnded || !strings.Contains(ce.Text, "no activity") {
		t.Fatalf("idle session closed with %d %q", ce.Code, ce.Text)
	}
	if st, why := status(sid); st != "ended" || why != EndIdle {
		t.Fatalf("idle session: %v %v", st, why)
	}
	if st, _ := status(pending); st != "requested" {
		t.Fatalf("a fresh request was ended: %v", st)
	}
	e.clock.Advance(5 * time.Minute)
	sweep()
	if st, why := status(pending); st != "ended" || why != EndConsentTimeout {
		t.Fatalf("unanswered request: %v %v", st, why)
	}
}

// Bad input is refused with a clear reason; the session and its recording
// stay consistent.
func TestBadInput(t *testing.T) {
	e := newEnv(t, withHub(func(c *HubConfig) { c.CustomerReadLimit, c.AgentReadLimit = 256<<10, 1<<10 }))
	sid, _, agent := e.live(CapView, CapPointer)
	reconnect := func() *wsClient {
		c := e.customerWS(sid, "cus_1")
		c.expect("policy")
		return c
	}
	closes := []struct {
		name   string
		client func() *wsClient
		send   func(c *wsClient)
		code   int
		reason string
	}{
		{"malformed JSON", reconnect, func(c *wsClient) { c.sendRaw([]byte(`{"type":"events","events":[{"type":2`)) }, CloseMalformed, "malformed JSON"},
		{"malformed event", reconnect, func(c *wsClient) { c.sendRaw([]byte(`{"type":"events","events":[{"type":3,"data":tru}]}`)) }, CloseMalformed, "malformed JSON in event 0"},
		{"not an object", reconnect, func(c *wsClient) { c.sendRaw([]byte(`[1,2]`)) }, CloseViolation, "must be a JSON object"},
		{"unknown type", reconnect, func(c *wsClient) { c.send(map[string]any{"type": "hello"}) }, CloseViolation, `unknown message type "hello" from the customer`},
		{"events without events", reconnect, func(c *wsClient) { c.send(map[string]any{"type": "events"}) }, CloseViolation, "needs an events array"},
		{"oversize frame", reconnect, func(c *wsClient) { c.sendRaw(make([]byte, 300<<10)) }, CloseTooBig, "message larger than 262144 bytes"},
		{"binary frame", reconnect, func(c *wsClient) { c.ws.WriteMessage(websocket.BinaryMessage, []byte("{}")) }, CloseUnsupported, "binary frames"},
		{"agent sends events", func() *wsClient { return e.agentWS(sid, "ann") }, func(c *wsClient) { c.send(batch(relayPage(t, "X"))) }, CloseViolation, `unknown message type "events" from the agent`},
		{"agent oversize", func() *wsClient { return e.agentWS(sid, "ann") }, func(c *wsClient) { c.sendRaw(make([]byte, 2<<10)) }, CloseTooBig, "message larger than 1024 bytes"},
		{"agent pointer without x", func() *wsClient { return e.agentWS(sid, "ann") }, func(c *wsClient) { c.send(map[string]any{"type": "pointer", "y": 1}) }, CloseViolation, "x is required"},
	}
	for _, tt := range closes {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.client()
			tt.send(c)
			ce := c.closed()
			if ce.Code != tt.code || !strings.Contains(ce.Text, tt.reason) {
				t.Fatalf("closed with %d %q, want %d %q", ce.Code, ce.Text, tt.code, tt.reason)
			}
		})
	}
	t.Run("events for unknown nodes are dropped, the rest goes on", func(t *testing.T) {
		c := reconnect()
		unknown := rrMutation(t, map[string]any{"texts": []any{map[string]any{"id": 999, "value": "GHOST"}}})
		c.send(batch(unknown, summaryText(t, "KEPT")))
		_, raw := agent.expect("events")
		if strings.Contains(string(raw), "GHOST") || !strings.Contains(string(raw), "KEPT") {
			t.Fatalf("got %s", raw)
		}
		if !strings.Contains(e.logs.String(), "unknown_node") {
			t.Fatal("the drop was not logged with its reason")
		}
	})
	refusals := []struct {
		name   string
		url    string
		header map[string][]string
		status int
		code   string
	}{
		{"another customer's session", e.wsURL(sid, RoleCustomer, "ticket="+e.ticket(e.customer("cus_other"))), nil, 403, "not_your_session"},
		{"an agent not assigned", e.wsURL(sid, RoleAgent, ""), map[string][]string{"Authorization": {"Bearer " + e.login("bob", "agent")}}, 403, "not_your_session"},
		{"ops cannot join live", e.wsURL(sid, RoleAgent, ""), map[string][]string{"Authorization": {"Bearer " + e.login("olga", "ops")}}, 403, "not_your_session"},
		{"a customer as agent", e.wsURL(sid, RoleAgent, "ticket="+e.ticket(e.customer("cus_1"))), nil, 403, "wrong_role"},
		{"no role", strings.Replace(e.wsURL(sid, RoleAgent, ""), "role=agent", "role=boss", 1), map[string][]string{"Authorization": {"Bearer " + e.staff["ann"]}}, 422, "invalid_field"},
		{"no credentials", e.wsURL(sid, RoleCustomer, ""), nil, 401, "unauthenticated"},
		{"unknown session", e.wsURL("cbs_nope", RoleCustomer, "ticket="+e.ticket(e.customer("cus_1"))), nil, 404, "session_not_found"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			c, res := e.dial(tt.url, tt.header)
			if c != nil {
				t.Fatal("the socket was accepted")
			}
			var body resp
			json.NewDecoder(res.Body).Decode(&body.body)
			if res.StatusCode != tt.status || body.errCode() != tt.code {
				t.Fatalf("got %d %v, want %d %s", res.StatusCode, body.body, tt.status, tt.code)
			}
		})
	}
	// Still one active session, and its recording verifies.
	if r := e.call("GET", "/v1/cobrowse/sessions/"+sid, e.staff["ann"], nil); r.body["status"] != "active" {
		t.Fatalf("session: %s", r.raw)
	}
	e.call("POST", "/v1/cobrowse/sessions/"+sid+"/end", e.staff["ann"], nil)
	rec := e.call("GET", "/v1/ops/recordings/"+sid, e.login("olga", "ops"), nil)
	if rec.body["verified"] != true || strings.Contains(string(rec.raw), "GHOST") || !strings.Contains(string(rec.raw), "KEPT") {
		t.Fatalf("recording: %s", rec.raw)
	}
	e.assertLogsClean("GHOST", "KEPT", "LOADED")
}
