package httpx_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

func decode(t *testing.T, res *http.Response, v any) {
	t.Helper()
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatalf("decode: %v", err)
	}
}

func TestRequire(t *testing.T) {
	e := newAuthEnv(t)
	_, agent, _ := e.login(t, "agent@x.test", "password-agent")
	_, ops, _ := e.login(t, "ops@x.test", "password-ops")
	_, admin, _ := e.login(t, "admin@x.test", "password-admin")
	customer, _ := e.tokens.Issue("cus_1", time.Hour)
	callers := []struct{ name, token string }{
		{"anonymous", ""}, {"customer", customer}, {"merchant", e.key},
		{"agent", agent}, {"ops", ops}, {"admin", admin},
		{"bad staff token", "st_bogus"}, {"bad merchant key", "sk_bogus"}, {"bad customer token", "eyJhbGciOi.x.y"},
	}
	want := map[string]map[string]int{
		"/customer": {"anonymous": 401, "customer": 200, "merchant": 403, "agent": 403, "ops": 403, "admin": 403},
		"/merchant": {"anonymous": 401, "customer": 403, "merchant": 200, "agent": 403, "ops": 403, "admin": 403},
		"/agent":    {"anonymous": 401, "customer": 403, "merchant": 403, "agent": 200, "ops": 403, "admin": 200},
		"/ops":      {"anonymous": 401, "customer": 403, "merchant": 403, "agent": 403, "ops": 200, "admin": 200},
	}
	for path, byCaller := range want {
		for _, c := range callers {
			status, ok := byCaller[c.name]
			if !ok {
				status = 401 // every bad credential is refused outright
			}
			t.Run(path+" as "+c.name, func(t *testing.T) {
				if got := e.get(t, path, c.token); got != status {
					t.Fatalf("got %d, want %d", got, status)
				}
			})
		}
	}
	t.Run("public routes need no credentials", func(t *testing.T) {
		if got := e.get(t, "/public", ""); got != 200 {
			t.Fatalf("got %d", got)
		}
	})
}

func TestStaffLogin(t *testing.T) {
	e := newAuthEnv(t)
	t.Run("login gives a token and a strict, http-only cookie", func(t *testing.T) {
		status, token, cookie := e.login(t, "Agent@X.test", "password-agent")
		if status != 200 || !strings.HasPrefix(token, "st_") {
			t.Fatalf("status %d token %q", status, token)
		}
		if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode || cookie.Value != token {
			t.Fatalf("cookie %+v", cookie)
		}
		if got := e.get(t, "/agent", "", cookie); got != 200 {
			t.Fatalf("cookie auth: %d", got)
		}
		if got := e.get(t, "/agent", token); got != 200 {
			t.Fatalf("bearer auth: %d", got)
		}
	})
	t.Run("wrong password and unknown email look the same", func(t *testing.T) {
		s1, _, _ := e.login(t, "agent@x.test", "wrong-password")
		s2, _, _ := e.login(t, "nobody@x.test", "wrong-password")
		if s1 != 401 || s2 != 401 {
			t.Fatalf("got %d and %d", s1, s2)
		}
	})
	t.Run("sessions expire", func(t *testing.T) {
		_, token, _ := e.login(t, "ops@x.test", "password-ops")
		e.clock.Advance(2 * time.Hour)
		defer e.clock.Set(now)
		if got := e.get(t, "/ops", token); got != 401 {
			t.Fatalf("expired session: %d", got)
		}
	})
	t.Run("logout ends the session", func(t *testing.T) {
		_, token, _ := e.login(t, "ops@x.test", "password-ops")
		req, _ := http.NewRequest("POST", e.srv.URL+"/v1/staff/logout", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil || res.StatusCode != 204 {
			t.Fatalf("logout: %v %v", err, res.Status)
		}
		if got := e.get(t, "/ops", token); got != 401 {
			t.Fatalf("after logout: %d", got)
		}
	})
	t.Run("repeated failures are rate limited", func(t *testing.T) {
		for i := 0; i < 10; i++ {
			e.login(t, "admin@x.test", "nope-nope-nope")
		}
		if s, _, _ := e.login(t, "admin@x.test", "password-admin"); s != 429 {
			t.Fatalf("11th attempt: %d, want 429", s)
		}
		e.clock.Advance(16 * time.Minute)
		defer e.clock.Set(now)
		if s, _, _ := e.login(t, "admin@x.test", "password-admin"); s != 200 {
			t.Fatalf("after the window: %d", s)
		}
	})
	t.Run("missing fields", func(t *testing.T) {
		for _, body := range []string{`{"email":"a@b.c"}`, `{"password":"x"}`, `{}`} {
			res, _ := http.Post(e.srv.URL+"/v1/staff/login", "application/json", strings.NewReader(body))
			res.Body.Close()
			if res.StatusCode != 422 {
				t.Errorf("%s: %d", body, res.StatusCode)
			}
		}
	})
}
