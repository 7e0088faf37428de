package cobrowse

import (
	"slices"
	"strings"
	"testing"

	"github.com/settlehq/settle/internal/errs"
)

func TestNext(t *testing.T) {
	const illegal = Status("")
	tests := []struct {
		from Status
		step Step
		want Status
	}{
		{StatusRequested, StepDeliver, StatusAwaitingConsent},
		{StatusRequested, StepGrant, StatusActive},
		{StatusRequested, StepDecline, StatusEnded},
		{StatusRequested, StepEnd, StatusEnded},
		{StatusAwaitingConsent, StepDeliver, StatusAwaitingConsent},
		{StatusAwaitingConsent, StepGrant, StatusActive},
		{StatusAwaitingConsent, StepDecline, StatusEnded},
		{StatusAwaitingConsent, StepEnd, StatusEnded},
		{StatusActive, StepDeliver, illegal},
		{StatusActive, StepGrant, StatusActive},
		{StatusActive, StepDecline, StatusEnded},
		{StatusActive, StepEnd, StatusEnded},
		{StatusEnded, StepDeliver, illegal},
		{StatusEnded, StepGrant, illegal},
		{StatusEnded, StepDecline, illegal},
		{StatusEnded, StepEnd, illegal},
	}
	for _, tt := range tests {
		name := string(tt.from) + " " + string(tt.step) + " → " + string(tt.want)
		if tt.want == illegal {
			name = string(tt.from) + " " + string(tt.step) + " is refused"
		}
		t.Run(name, func(t *testing.T) {
			got, err := Next(tt.from, tt.step)
			if tt.want == illegal {
				e, ok := errs.As(err)
				if !ok || e.Kind != errs.Conflict || got != tt.from {
					t.Fatalf("got %s, %v; want a conflict", got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %s, %v", got, err)
			}
		})
	}
}

func TestCheckCapabilities(t *testing.T) {
	tests := []struct {
		name string
		in   []Capability
		want []Capability // nil: refused
	}{
		{"view alone", []Capability{CapView}, []Capability{CapView}},
		{"all, out of order", []Capability{CapControl, CapView, CapDraw, CapPointer}, AllCapabilities},
		{"empty", nil, nil},
		{"without view", []Capability{CapPointer}, nil},
		{"unknown", []Capability{CapView, "teleport"}, nil},
		{"repeated", []Capability{CapView, CapView}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := checkCapabilities("capabilities", tt.in)
			if tt.want == nil {
				if e, ok := errs.As(err); !ok || e.Field != "capabilities" {
					t.Fatalf("got %v, %v; want a field error", got, err)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Fatalf("got %v, %v", got, err)
			}
		})
	}
}

// Starting a session from a dispute: the dispute must be open, a person's,
// and if claimed, claimed by the caller.
func TestCreateFromDispute(t *testing.T) {
	e := newEnv(t, withNotifier())
	ann := e.login("ann", "agent")
	e.login("bob", "agent")
	tests := []struct {
		name   string
		c      *Case
		status int
		code   string
	}{
		{"unknown dispute", nil, 404, "not_found"},
		{"closed", &Case{CustomerID: "cus_1", HumanOwned: true}, 409, "dispute_closed"},
		{"not escalated", &Case{CustomerID: "cus_1", Open: true}, 409, "not_escalated"},
		{"handoff not claimed", &Case{CustomerID: "cus_1", Open: true, HumanOwned: true, Handoff: "open"}, 409, "not_claimed"},
		{"claimed by another agent", &Case{CustomerID: "cus_1", Open: true, HumanOwned: true, Handoff: "claimed", ClaimedBy: e.staffIDs["bob"]}, 403, "claimed_by_other"},
		{"claimed by this agent", &Case{CustomerID: "cus_1", Open: true, HumanOwned: true, Handoff: "claimed", ClaimedBy: e.staffIDs["ann"]}, 201, ""},
		{"a second live session for the customer", &Case{CustomerID: "cus_1", Open: true, HumanOwned: true}, 409, "session_exists"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dispute := "dsp_" + string(rune('a'+i))
			if tt.c != nil {
				e.caseFor(dispute, *tt.c)
			}
			r := e.call("POST", "/v1/cobrowse/sessions", ann, map[string]any{"dispute_id": dispute})
			if r.status != tt.status || r.errCode() != tt.code {
				t.Fatalf("got %d %s", r.status, r.raw)
			}
			if r.status == 201 {
				// The notifier told the customer, so the session awaits consent.
				n := e.notifications()
				if r.body["status"] != "awaiting_consent" || r.body["dispute_id"] != dispute || len(n) != 1 ||
					n[0].Type != "cobrowse_request" || n[0].SessionID != r.body["session_id"] || !slices.Equal(n[0].Capabilities, defaultRequest) {
					t.Fatalf("session %s, notifications %+v", r.raw, n)
				}
			}
		})
	}
	t.Run("bad bodies", func(t *testing.T) {
		for body, field := range map[string]map[string]any{
			"dispute_id":   {},
			"code":         {"dispute_id": "dsp_x", "code": "123456"},
			"capabilities": {"dispute_id": "dsp_x", "capabilities": []string{"pointer"}},
		} {
			if r := e.call("POST", "/v1/cobrowse/sessions", ann, field); r.status != 422 || r.body["error"].(map[string]any)["field"] != body {
				t.Errorf("%v: %d %s", field, r.status, r.raw)
			}
		}
	})
}

// Without a notifier the customer app finds the request by polling, which
// delivers it.
func TestCustomerPollsForRequests(t *testing.T) {
	e := newEnv(t)
	sid := e.session("ann", "cus_1")
	if r := e.call("GET", "/v1/cobrowse/sessions/"+sid, e.staff["ann"], nil); r.body["status"] != "requested" {
		t.Fatalf("before the customer looked: %s", r.raw)
	}
	r := e.call("GET", "/v1/me/cobrowse/sessions?status=awaiting_consent", e.customer("cus_1"), nil)
	list, _ := r.body["sessions"].([]any)
	if r.status != 200 || len(list) != 1 || list[0].(map[string]any)["session_id"] != sid || list[0].(map[string]any)["status"] != "awaiting_consent" {
		t.Fatalf("poll: %d %s", r.status, r.raw)
	}
	if r := e.call("GET", "/v1/me/cobrowse/sessions", e.customer("cus_2"), nil); len(r.body["sessions"].([]any)) != 0 {
		t.Fatalf("another customer sees %s", r.raw)
	}
	if r := e.call("GET", "/v1/me/cobrowse/sessions?status=paused", e.customer("cus_1"), nil); r.status != 422 {
		t.Fatalf("bad status: %d", r.status)
	}
	for who, want := range map[string]int{e.customer("cus_1"): 200, e.customer("cus_2"): 403, e.staff["ann"]: 200,
		e.login("bob", "agent"): 403, e.login("olga", "ops"): 200} {
		if r := e.call("GET", "/v1/cobrowse/sessions/"+sid, who, nil); r.status != want {
			t.Errorf("GET as %s…: %d, want %d", who[:12], r.status, want)
		}
	}
}

func TestConsent(t *testing.T) {
	e := newEnv(t)
	sid := e.session("ann", "cus_1")
	path := "/v1/cobrowse/sessions/" + sid + "/consent"
	for _, tt := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"granted missing", map[string]any{"capabilities": []string{"view"}}, "granted"},
		{"no view", map[string]any{"granted": true, "capabilities": []string{"control"}}, "capabilities"},
		{"unknown capability", map[string]any{"granted": true, "capabilities": []string{"view", "x"}}, "capabilities"},
		{"refusal with capabilities", map[string]any{"granted": false, "capabilities": []string{"view"}}, "capabilities"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := e.call("POST", path, e.customer("cus_1"), tt.body)
			if r.status != 422 || r.body["error"].(map[string]any)["field"] != tt.field {
				t.Fatalf("got %d %s", r.status, r.raw)
			}
		})
	}
	if r := e.call("POST", path, e.customer("cus_2"), map[string]any{"granted": true, "capabilities": []string{"view"}}); r.status != 403 {
		t.Fatalf("another customer's consent: %d", r.status)
	}
	r := e.call("POST", path, e.customer("cus_1"), map[string]any{"granted": true, "capabilities": []string{"pointer", "view"}})
	if r.status != 200 || r.body["status"] != "active" || r.body["consented_at"] == nil {
		t.Fatalf("grant: %d %s", r.status, r.raw)
	}
	r = e.call("POST", path, e.customer("cus_1"), map[string]any{"granted": false})
	if r.status != 200 || r.body["status"] != "ended" || r.body["end_reason"] != EndWithdrawn {
		t.Fatalf("withdraw: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", path, e.customer("cus_1"), map[string]any{"granted": true, "capabilities": []string{"view"}}); r.status != 409 || r.errCode() != "session_ended" {
		t.Fatalf("consent after the end: %d %s", r.status, r.raw)
	}
	receipts, err := e.svc.Receipts(t.Context(), sid)
	if err != nil || len(receipts) != 2 {
		t.Fatalf("receipts %+v %v", receipts, err)
	}
	first := receipts[0]
	if !first.Granted || !slices.Equal(first.Capabilities, []Capability{CapView, CapPointer}) || first.PolicyVersion != "default-1" ||
		first.CustomerID != "cus_1" || first.Via != ViaHTTP || !first.At.Equal(testNow) || receipts[1].Granted {
		t.Fatalf("receipts %+v", receipts)
	}
	t.Run("declining a request ends it", func(t *testing.T) {
		sid := e.session("bob", "cus_3")
		r := e.call("POST", "/v1/cobrowse/sessions/"+sid+"/consent", e.customer("cus_3"), map[string]any{"granted": false})
		if r.body["status"] != "ended" || r.body["end_reason"] != EndDeclined || r.body["ended_by"] != "customer" {
			t.Fatalf("got %s", r.raw)
		}
	})
}

// The privacy policy comes from a table; admins replace it, the customer's
// app receives it first thing, and new sessions record its version.
func TestPolicy(t *testing.T) {
	e := newEnv(t)
	admin := e.login("ada", "admin")
	bad := e.call("PUT", "/v1/admin/cobrowse/policy", admin, map[string]any{"unredact_selectors": []string{"div:has(p)"}})
	if bad.status != 422 {
		t.Fatalf("unsupported selector: %d %s", bad.status, bad.raw)
	}
	if r := e.call("PUT", "/v1/admin/cobrowse/policy", e.login("olga", "ops"), map[string]any{}); r.status != 403 {
		t.Fatalf("ops setting the policy: %d", r.status)
	}
	r := e.call("PUT", "/v1/admin/cobrowse/policy", admin, map[string]any{"unredact_selectors": []string{".summary"}, "secret_selectors": []string{"[name=cvc]"}, "version": "2026-11"})
	if r.status != 201 {
		t.Fatalf("set: %d %s", r.status, r.raw)
	}
	if again := e.call("PUT", "/v1/admin/cobrowse/policy", admin, map[string]any{"version": "2026-11"}); again.status != 409 {
		t.Fatalf("reused version: %d", again.status)
	}
	if got := e.call("GET", "/v1/ops/cobrowse/policy", e.staff["olga"], nil); got.body["version"] != "2026-11" {
		t.Fatalf("current: %s", got.raw)
	}
	sid := e.session("ann", "cus_1")
	c := e.customerWS(sid, "cus_1")
	m, raw, err := c.next()
	if err != nil || m.typ() != "policy" || m["version"] != "2026-11" || !strings.Contains(string(raw), `"unredact_selectors":[".summary"]`) ||
		!strings.Contains(string(raw), `"secret_selectors":["[name=cvc]"]`) {
		t.Fatalf("policy message %s %v", raw, err)
	}
	s, err := e.svc.Session(t.Context(), sid)
	if err != nil || s.PolicyVersion != "2026-11" {
		t.Fatalf("session policy %q %v", s.PolicyVersion, err)
	}
}
