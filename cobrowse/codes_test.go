package cobrowse

import (
	"context"
	"regexp"
	"testing"
	"time"
)

func (e *env) code(customer string) string {
	e.t.Helper()
	r := e.call("POST", "/v1/cobrowse/codes", e.customer(customer), nil)
	if r.status != 201 {
		e.t.Fatalf("code: %d %s", r.status, r.raw)
	}
	return r.body["code"].(string)
}

func (e *env) redeem(agent, code string) resp {
	e.t.Helper()
	return e.call("POST", "/v1/cobrowse/sessions", e.login(agent, "agent"), map[string]any{"code": code})
}

func TestCodes(t *testing.T) {
	e := newEnv(t)
	t.Run("a code starts a session with its customer, once", func(t *testing.T) {
		r := e.call("POST", "/v1/cobrowse/codes", e.customer("cus_1"), nil)
		code, _ := r.body["code"].(string)
		if r.status != 201 || !regexp.MustCompile(`^[0-9]{6}$`).MatchString(code) || r.body["expires_at"] != testNow.Add(CodeTTL).Format(time.RFC3339) {
			t.Fatalf("issue: %d %s", r.status, r.raw)
		}
		s := e.redeem("ann", code)
		if s.status != 201 || s.body["customer_id"] != "cus_1" || s.body["origin"] != "code" || s.body["agent_id"] != e.staffIDs["ann"] {
			t.Fatalf("redeem: %d %s", s.status, s.raw)
		}
		if again := e.redeem("bob", code); again.status != 422 || again.errCode() != "wrong_code" {
			t.Fatalf("second use: %d %s", again.status, again.raw)
		}
		e.call("POST", "/v1/cobrowse/sessions/"+s.body["session_id"].(string)+"/end", e.staff["ann"], nil)
	})
	t.Run("a code expires after 10 minutes", func(t *testing.T) {
		code := e.code("cus_2")
		e.clock.Advance(CodeTTL)
		if r := e.redeem("ann", code); r.status != 422 || r.errCode() != "wrong_code" {
			t.Fatalf("expired code: %d %s", r.status, r.raw)
		}
	})
	t.Run("a new code replaces the unused one", func(t *testing.T) {
		old := e.code("cus_3")
		fresh := e.code("cus_3")
		if old != fresh {
			if r := e.redeem("ann", old); r.status != 422 {
				t.Fatalf("replaced code: %d %s", r.status, r.raw)
			}
		}
		if r := e.redeem("ann", fresh); r.status != 201 {
			t.Fatalf("fresh code: %d %s", r.status, r.raw)
		}
	})
	t.Run("five wrong codes a minute, then 429", func(t *testing.T) {
		good := e.code("cus_4")
		wrong := []string{"000000", "12ab56", "999999", "123", "555555"}
		for _, w := range wrong {
			if w == good {
				w = "000001"
			}
			if r := e.redeem("carl", w); r.status != 422 || r.errCode() != "wrong_code" {
				t.Fatalf("wrong code %s: %d %s", w, r.status, r.raw)
			}
		}
		if r := e.redeem("carl", good); r.status != 429 || r.errCode() != "too_many_wrong_codes" {
			t.Fatalf("sixth attempt: %d %s", r.status, r.raw)
		}
		if r := e.redeem("dora", good); r.status != 201 {
			t.Fatalf("another agent is not limited: %d %s", r.status, r.raw)
		}
		e.clock.Advance(time.Minute)
		if r := e.redeem("carl", e.code("cus_5")); r.status != 201 {
			t.Fatalf("after a minute: %d %s", r.status, r.raw)
		}
	})
	t.Run("codes are stored hashed", func(t *testing.T) {
		code := e.code("cus_6")
		var n int
		e.pool.QueryRow(context.Background(), `SELECT count(*) FROM cobrowse_codes WHERE code_hash = $1`, codeHash(code)).Scan(&n)
		if n != 1 {
			t.Fatalf("%d rows hold the code's hash", n)
		}
	})
	t.Run("only customers get codes, only agents redeem them", func(t *testing.T) {
		if r := e.call("POST", "/v1/cobrowse/codes", e.login("ann", "agent"), nil); r.status != 403 {
			t.Fatalf("agent asking for a code: %d", r.status)
		}
		if r := e.call("POST", "/v1/cobrowse/sessions", e.customer("cus_7"), map[string]any{"code": "123456"}); r.status != 403 {
			t.Fatalf("customer redeeming: %d", r.status)
		}
	})
}
