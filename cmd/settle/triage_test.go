package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/settlehq/settle/disputes"
	"github.com/settlehq/settle/internal/config"
	"github.com/settlehq/settle/internal/db/dbtest"
)

// noDatabase points DATABASE_URL at a port nothing listens on: a command
// that tried to use the database would fail.
var noDatabase = map[string]string{"DATABASE_URL": "postgres://nobody@127.0.0.1:1/none?sslmode=disable"}

func runTriage(t *testing.T, input string, args ...string) []map[string]any {
	t.Helper()
	in := filepath.Join(t.TempDir(), "in.jsonl")
	if err := os.WriteFile(in, []byte(input), 0o600); err != nil {
		t.Fatal(err)
	}
	a, out, errOut := testApp(noDatabase)
	if err := a.run(context.Background(), append([]string{"triage", "--in", in}, args...)); err != nil {
		t.Fatalf("triage: %v\n%s", err, errOut.String())
	}
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("output line is not JSON: %q", l)
		}
		lines = append(lines, m)
	}
	return lines
}

func TestTriageCLI(t *testing.T) {
	input := strings.Join([]string{
		`{"text": "I was charged twice for one order from Stride, $30 each, yesterday"}`,
		`not json at all`,
		``,
		`{"text": "how does pay in 4 work?"}`,
		`{"text": ""}`,
		`{"text": "the shoes never arrived", "orders": [{"id": "ord_1", "merchant": "Stride", "items": ["Trail Running Shoes"], "amount": 12000, "currency": "USD"}]}`,
		`{"txt": "a misspelt field"}`,
		"{\"text\": \"bad \xff utf-8\"}",
		`{"text": "` + strings.Repeat("a", 4001) + `"}`,
		`{"text": "can I talk to a human"}`,
	}, "\n")
	out := runTriage(t, input)
	want := []struct {
		line    float64
		err     bool
		dispute bool
		reason  string
	}{
		{1, false, true, "duplicate_charge"},
		{2, true, false, ""},
		{4, false, false, "none"},
		{5, true, false, ""},
		{6, false, true, "not_received"},
		{7, true, false, ""},
		{8, true, false, ""},
		{9, true, false, ""},
		{10, false, false, "none"},
	}
	if len(out) != len(want) {
		t.Fatalf("%d output lines for %d non-blank input lines: %v", len(out), len(want), out)
	}
	for i, w := range want {
		got := out[i]
		if got["line"] != w.line {
			t.Fatalf("output %d is for line %v, want %v: order is not kept", i, got["line"], w.line)
		}
		if _, isErr := got["error"]; isErr != w.err {
			t.Fatalf("line %v: error %v, want error %v", w.line, got["error"], w.err)
		}
		if !w.err && (got["is_dispute"] != w.dispute || got["reason"] != w.reason) {
			t.Fatalf("line %v: %v", w.line, got)
		}
	}
	first := out[0]
	for _, field := range []string{"is_dispute", "reason", "sub_reason", "confidence", "slots", "wants_human", "injection_suspected", "engine"} {
		if _, ok := first[field]; !ok {
			t.Errorf("output lacks %q: %v", field, first)
		}
	}
	slots := first["slots"].(map[string]any)
	if slots["amount"] != 3000.0 || slots["dates"].([]any)[0] != testNow.AddDate(0, 0, -1).Format("2006-01-02") {
		t.Errorf("slots resolved against the app's clock: %v", slots)
	}
	if out[4]["slots"].(map[string]any)["order_id"] != "ord_1" {
		t.Errorf("orders given on the line are matched: %v", out[4])
	}
	if out[8]["wants_human"] != true {
		t.Errorf("line 10 asks for a person: %v", out[8])
	}
}

func TestTriageCLIRejectsBadFlags(t *testing.T) {
	a, _, _ := testApp(noDatabase)
	if err := a.run(context.Background(), []string{"triage", "--engine", "magic"}); err == nil {
		t.Fatal("an unknown engine must be refused")
	}
	a, _, _ = testApp(noDatabase)
	if err := a.run(context.Background(), []string{"triage", "--engine", "llm"}); err == nil || !strings.Contains(err.Error(), "OPENAI") {
		t.Fatalf("the llm engine without a key must say what is missing: %v", err)
	}
}

// triageServer serves the real router on a migrated database with one
// agent, one ops user, one merchant and a customer token.
type triageServer struct {
	url                            string
	agent, ops, merchant, customer string
}

func newTriageServer(t *testing.T) triageServer {
	t.Helper()
	env := map[string]string{"DATABASE_URL": dbtest.URL(t), "SETTLE_CUSTOMER_JWT_SECRET": strings.Repeat("s", 32)}
	ctx := context.Background()
	for _, args := range [][]string{
		{"staff", "add", "--email", "agent@triage.test", "--role", "agent", "--password", "agent-password-1"},
		{"staff", "add", "--email", "ops@triage.test", "--role", "ops", "--password", "ops-password-12"},
	} {
		a, _, _ := testApp(env)
		if err := a.run(ctx, args); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	a, out, _ := testApp(env)
	if err := a.run(ctx, []string{"merchant", "add", "--name", "Stride", "--json"}); err != nil {
		t.Fatal(err)
	}
	var m struct {
		APIKey string `json:"api_key"`
	}
	json.Unmarshal([]byte(out.String()), &m)

	a, _, _ = testApp(env)
	cfg, err := config.Load(a.getenv)
	if err != nil {
		t.Fatal(err)
	}
	pool, err := a.openDB(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	tokens, err := a.customerTokens(cfg)
	if err != nil {
		t.Fatal(err)
	}
	svc := disputes.NewService(pool, a.clock, a.ids)
	srv := httptest.NewServer(a.router(cfg, services{pool: pool, tokens: tokens, disputes: svc}, slog.New(slog.DiscardHandler)))
	t.Cleanup(srv.Close)
	customer, _ := tokens.Issue("cus_1", time.Hour)
	s := triageServer{url: srv.URL, merchant: m.APIKey, customer: customer}
	s.agent = login(t, srv.URL, "agent@triage.test", "agent-password-1")
	s.ops = login(t, srv.URL, "ops@triage.test", "ops-password-12")
	return s
}

func login(t *testing.T, base, email, password string) string {
	t.Helper()
	res, err := http.Post(base+"/v1/staff/login", "application/json", strings.NewReader(`{"email":"`+email+`","password":"`+password+`"}`))
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("login %s: %v %v", email, err, res.Status)
	}
	defer res.Body.Close()
	var tok struct{ Token string }
	json.NewDecoder(res.Body).Decode(&tok)
	return tok.Token
}

func (s triageServer) post(t *testing.T, token, contentType string, body []byte) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.url+"/v1/triage", bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var m map[string]any
	json.Unmarshal(b, &m)
	return res.StatusCode, m
}

func TestTriageEndpoint(t *testing.T) {
	s := newTriageServer(t)
	body := []byte(`{"text":"I returned the jacket to Stride two weeks ago and I'm still being charged"}`)
	t.Run("staff get the triage", func(t *testing.T) {
		for _, token := range []string{s.agent, s.ops} {
			code, m := s.post(t, token, "application/json", body)
			if code != 200 || m["is_dispute"] != true || m["reason"] != "refund_not_processed" {
				t.Fatalf("%d %v", code, m)
			}
			for _, f := range []string{"confidence", "slots", "wants_human"} {
				if _, ok := m[f]; !ok {
					t.Fatalf("response lacks %q: %v", f, m)
				}
			}
		}
	})
	t.Run("only staff", func(t *testing.T) {
		for _, c := range []struct {
			name, token string
			want        int
		}{{"anonymous", "", 401}, {"customer", s.customer, 403}, {"merchant", s.merchant, 403}, {"bad token", "st_bogus", 401}} {
			if code, m := s.post(t, c.token, "application/json", body); code != c.want {
				t.Errorf("%s: %d %v, want %d", c.name, code, m, c.want)
			}
		}
	})
	t.Run("bad input", func(t *testing.T) {
		for _, c := range []struct {
			name, contentType string
			body              []byte
			want              int
			field             string
		}{
			{"empty body", "application/json", nil, 400, ""},
			{"not JSON", "application/json", []byte(`{"text":`), 400, ""},
			{"unknown field", "application/json", []byte(`{"text":"hi","extra":1}`), 400, "extra"},
			{"text not a string", "application/json", []byte(`{"text":42}`), 400, "text"},
			{"no text", "application/json", []byte(`{}`), 422, "text"},
			{"blank text", "application/json", []byte(`{"text":"   "}`), 422, "text"},
			{"too long", "application/json", []byte(`{"text":"` + strings.Repeat("é", 4001) + `"}`), 422, "text"},
			{"invalid UTF-8", "application/json", []byte("{\"text\":\"caf\xe9\"}"), 400, "text"},
			{"wrong content type", "text/plain", body, 415, ""},
		} {
			code, m := s.post(t, s.agent, c.contentType, c.body)
			e, _ := m["error"].(map[string]any)
			if code != c.want || e == nil || (c.field != "" && e["field"] != c.field) {
				t.Errorf("%s: %d %v, want %d field %q", c.name, code, m, c.want, c.field)
			}
		}
	})
	t.Run("exactly 4000 characters is fine", func(t *testing.T) {
		if code, m := s.post(t, s.agent, "application/json", []byte(`{"text":"`+strings.Repeat("é", 4000)+`"}`)); code != 200 {
			t.Fatalf("%d %v", code, m)
		}
	})
}
