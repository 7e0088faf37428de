package cobrowse

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestTickets(t *testing.T) {
	e := newEnv(t)
	sid := e.session("ann", "cus_1")
	refused := func(t *testing.T, url string, status int, code string) {
		t.Helper()
		c, res := e.dial(url, nil)
		if c != nil {
			t.Fatal("the socket was accepted")
		}
		if res.StatusCode != status {
			t.Fatalf("got %s, want %d", res.Status, status)
		}
		var body resp
		jsonBody(res, &body.body)
		if body.errCode() != code {
			t.Fatalf("got %v, want %s", body.body, code)
		}
	}
	t.Run("needs credentials", func(t *testing.T) {
		if r := e.call("POST", "/v1/ws-tickets", "", nil); r.status != 401 {
			t.Fatalf("got %d", r.status)
		}
	})
	t.Run("single use", func(t *testing.T) {
		r := e.call("POST", "/v1/ws-tickets", e.customer("cus_1"), nil)
		tk, _ := r.body["ticket"].(string)
		if r.status != 201 || !strings.HasPrefix(tk, "wst_") || r.body["expires_at"] != e.clock.Now().Add(TicketTTL).Format(time.RFC3339) {
			t.Fatalf("issue: %d %s", r.status, r.raw)
		}
		c, res := e.dial(e.wsURL(sid, RoleCustomer, "ticket="+tk), nil)
		if c == nil {
			t.Fatalf("first use refused: %s", res.Status)
		}
		c.expect("policy")
		refused(t, e.wsURL(sid, RoleCustomer, "ticket="+tk), 401, "invalid_ticket")
	})
	t.Run("valid 30 seconds", func(t *testing.T) {
		tk := e.ticket(e.customer("cus_1"))
		e.clock.Advance(TicketTTL)
		refused(t, e.wsURL(sid, RoleCustomer, "ticket="+tk), 401, "expired_ticket")
	})
	t.Run("bound to the principal", func(t *testing.T) {
		refused(t, e.wsURL(sid, RoleCustomer, "ticket="+e.ticket(e.customer("cus_2"))), 403, "not_your_session")
		refused(t, e.wsURL(sid, RoleAgent, "ticket="+e.ticket(e.login("bob", "agent"))), 403, "not_your_session")
		c, res := e.dial(e.wsURL(sid, RoleAgent, "ticket="+e.ticket(e.staff["ann"])), nil)
		if c == nil {
			t.Fatalf("the session's agent with a ticket: %s", res.Status)
		}
	})
	t.Run("a bad ticket is refused even with other credentials", func(t *testing.T) {
		c, res := e.dial(e.wsURL(sid, RoleAgent, "ticket=wst_forged"), map[string][]string{"Authorization": {"Bearer " + e.staff["ann"]}})
		if c != nil || res.StatusCode != 401 {
			t.Fatalf("got %v", res.Status)
		}
	})
	t.Run("stored hashed, never logged", func(t *testing.T) {
		tk := e.ticket(e.customer("cus_1"))
		var n int
		e.pool.QueryRow(context.Background(), `SELECT count(*) FROM ws_tickets WHERE ticket_hash = $1 AND principal_id = 'cus_1'`, ticketHash(tk)).Scan(&n)
		if n != 1 {
			t.Fatalf("%d rows", n)
		}
		e.dial(e.wsURL(sid, RoleCustomer, "ticket="+tk), nil)
		e.assertLogsClean(tk, strings.TrimPrefix(tk, "wst_"))
	})
}

// A page on another site cannot ride on an agent's session cookie; the
// customer SDK, which proves itself with a ticket, may connect from the host
// app's origin.
func TestOriginCheck(t *testing.T) {
	e := newEnv(t)
	sid := e.session("ann", "cus_1")
	cookie := map[string][]string{"Cookie": {"settle_session=" + e.staff["ann"]}}
	withOrigin := func(h map[string][]string, origin string) map[string][]string {
		out := map[string][]string{"Origin": {origin}}
		for k, v := range h {
			out[k] = v
		}
		return out
	}
	host := strings.TrimPrefix(e.srv.URL, "http://")
	if c, res := e.dial(e.wsURL(sid, RoleAgent, ""), withOrigin(cookie, "https://evil.example")); c != nil || res.StatusCode != 403 {
		t.Fatalf("cross-site page with the agent's cookie: %v", res)
	}
	if c, res := e.dial(e.wsURL(sid, RoleAgent, ""), withOrigin(cookie, "http://"+host)); c == nil {
		t.Fatalf("the agent console on Settle's origin: %s", res.Status)
	}
	if c, res := e.dial(e.wsURL(sid, RoleCustomer, "ticket="+e.ticket(e.customer("cus_1"))), withOrigin(nil, "https://app.lender.example")); c == nil {
		t.Fatalf("the customer SDK on the host app's origin: %s", res.Status)
	}
}
