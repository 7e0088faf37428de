package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/settlehq/settle/internal/clock"
	"github.com/settlehq/settle/internal/db/dbtest"
	"github.com/settlehq/settle/internal/id"
)

var testNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// syncBuffer is a bytes.Buffer safe to read while a server writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testApp runs commands in-process against env.
func testApp(env map[string]string) (*app, *syncBuffer, *syncBuffer) {
	out, errOut := &syncBuffer{}, &syncBuffer{}
	a := &app{
		getenv: func(k string) string { return env[k] },
		stdout: out, stderr: errOut,
		clock: clock.NewManual(testNow), ids: id.New(nil),
	}
	return a, out, errOut
}

func TestHelp(t *testing.T) {
	a, out, _ := testApp(nil)
	if err := a.run(context.Background(), []string{"--help"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range commands() {
		if !strings.Contains(out.String(), c.name) {
			t.Errorf("settle --help does not list %s", c.name)
		}
	}
	for _, args := range [][]string{{"serve", "--help"}, {"migrate", "--help"}, {"seed", "--help"},
		{"staff", "--help"}, {"staff", "add", "--help"}, {"merchant", "--help"}, {"merchant", "add", "--help"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			a, out, _ := testApp(nil)
			err := a.run(context.Background(), args)
			if err != nil && !errors.Is(err, flag.ErrHelp) {
				t.Fatalf("error %v", err)
			}
			if !strings.Contains(out.String(), "Usage: settle "+args[0]) || len(out.String()) < 80 {
				t.Fatalf("help is missing or thin:\n%s", out.String())
			}
		})
	}
	t.Run("unknown command", func(t *testing.T) {
		a, _, errOut := testApp(nil)
		if err := a.run(context.Background(), []string{"frobnicate"}); !errors.Is(err, errUsage) {
			t.Fatalf("got %v", err)
		}
		if !strings.Contains(errOut.String(), "unknown command") {
			t.Fatal(errOut.String())
		}
	})
}

func TestInvalidConfigNamesTheVariable(t *testing.T) {
	a, _, _ := testApp(map[string]string{"SETTLE_ADDR": "nonsense"})
	err := a.run(context.Background(), []string{"serve"})
	if err == nil || !strings.Contains(err.Error(), "SETTLE_ADDR") {
		t.Fatalf("got %v", err)
	}
}

func migrated(t *testing.T) map[string]string {
	t.Helper()
	return map[string]string{"DATABASE_URL": dbtest.URL(t)}
}

func TestMerchantAddJSON(t *testing.T) {
	env := migrated(t)
	a, out, _ := testApp(env)
	if err := a.run(context.Background(), []string{"merchant", "add", "--name", "Acme Outdoor", "--json"}); err != nil {
		t.Fatal(err)
	}
	var got map[string]string
	if err := json.Unmarshal([]byte(out.String()), &got); err != nil {
		t.Fatalf("not JSON: %q", out.String())
	}
	if len(got) != 2 || !strings.HasPrefix(got["merchant_id"], "mer_") || !strings.HasPrefix(got["api_key"], "sk_") {
		t.Fatalf("got %v", got)
	}
	t.Run("without a name it fails and creates nothing", func(t *testing.T) {
		a, _, _ := testApp(env)
		if err := a.run(context.Background(), []string{"merchant", "add", "--json"}); err == nil {
			t.Fatal("want an error")
		}
	})
}

func TestStaffAdd(t *testing.T) {
	env := migrated(t)
	a, out, _ := testApp(env)
	if err := a.run(context.Background(), []string{"staff", "add", "--email", "kim@lender.test", "--role", "ops", "--password", "long-enough-pw"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "kim@lender.test") {
		t.Fatal(out.String())
	}
	for _, args := range [][]string{
		{"--email", "kim@lender.test", "--role", "ops", "--password", "long-enough-pw"}, // duplicate
		{"--email", "x@lender.test", "--role", "boss", "--password", "long-enough-pw"},
		{"--email", "not-an-email", "--role", "agent", "--password", "long-enough-pw"},
		{"--email", "y@lender.test", "--role", "agent", "--password", "short"},
	} {
		a, _, _ := testApp(env)
		if err := a.run(context.Background(), append([]string{"staff", "add"}, args...)); err == nil {
			t.Errorf("%v: want an error", args)
		}
	}
}

func TestServeRefusesABehindSchema(t *testing.T) {
	a, _, _ := testApp(map[string]string{"DATABASE_URL": dbtest.Empty(t), "SETTLE_ADDR": "127.0.0.1:0"})
	err := a.run(context.Background(), []string{"serve"})
	if err == nil || !strings.Contains(err.Error(), "settle migrate up") {
		t.Fatalf("got %v", err)
	}
}

// The whole binary, in-process: migrate an empty database, seed it, serve on a
// random port, answer as the demo would, and shut down cleanly on cancel.
func TestServeEndToEnd(t *testing.T) {
	env := map[string]string{"DATABASE_URL": dbtest.Empty(t), "SETTLE_ADDR": "127.0.0.1:0", "SETTLE_DEMO": "1"}
	ctx := context.Background()
	for _, args := range [][]string{{"migrate", "up"}, {"seed", "--if-empty"}, {"seed", "--if-empty"}} {
		a, _, _ := testApp(env)
		if err := a.run(ctx, args); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	a, out, errOut := testApp(env)
	addr := make(chan string, 1)
	a.listening = func(s string) { addr <- s }
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.run(sctx, []string{"serve"}) }()
	var base string
	select {
	case s := <-addr:
		base = "http://" + s
	case err := <-done:
		t.Fatalf("serve exited: %v\n%s", err, errOut.String())
	}

	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/metrics": 200, "/v1/nothing": 404} {
		res, err := http.Get(base + path)
		if err != nil || res.StatusCode != want {
			t.Fatalf("GET %s: %v %v", path, err, res.Status)
		}
		res.Body.Close()
	}
	res, err := http.Post(base+"/v1/demo/token", "application/json", strings.NewReader(`{"customer_id":"cus_demo_01"}`))
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("demo token: %v %v", err, res.Status)
	}
	var tok struct{ Token string }
	json.NewDecoder(res.Body).Decode(&tok)
	res.Body.Close()
	req, _ := http.NewRequest("GET", base+"/v1/me/orders", nil)
	req.Header.Set("Authorization", "Bearer "+tok.Token)
	res, err = http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("my orders: %v %v", err, res.Status)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(body), "NOR-JACKET-1") {
		t.Fatalf("demo customer's orders lack the showcase jacket: %.300s", body)
	}
	checkChat(t, base, tok.Token)
	if !strings.Contains(out.String(), "agent@settle.test") || !strings.Contains(out.String(), "sk_demo_stride") {
		t.Errorf("demo access not printed:\n%s", out.String())
	}
	if strings.Contains(errOut.String(), "hunter") || !strings.Contains(errOut.String(), "DATABASE_URL") {
		t.Errorf("config not printed at start:\n%s", errOut.String())
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not shut down")
	}
}

// checkChat talks to the served chatbot as the demo customer would: over
// REST, and over the WebSocket authenticated by a single-use ticket.
func checkChat(t *testing.T, base, token string) {
	t.Helper()
	post := func(path, body string) map[string]any {
		req, _ := http.NewRequest("POST", base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]any
		json.NewDecoder(res.Body).Decode(&out)
		if res.StatusCode >= 300 {
			t.Fatalf("POST %s: %d %v", path, res.StatusCode, out)
		}
		return out
	}
	conv := post("/v1/conversations", "")["conversation_id"].(string)
	out := post("/v1/conversations/"+conv+"/messages", `{"text":"I returned my jacket two weeks ago and I'm still being charged"}`)
	if b, _ := json.Marshal(out); !strings.Contains(string(b), "Northwind") {
		t.Fatalf("chat reply: %s", b)
	}
	ticket := post("/v1/ws-tickets", "")["ticket"].(string)
	ws, resp, err := websocket.DefaultDialer.Dial(strings.Replace(base, "http", "ws", 1)+"/v1/conversations/"+conv+"/ws?ticket="+ticket, nil)
	if err != nil {
		var body []byte
		if resp != nil {
			body, _ = io.ReadAll(resp.Body)
		}
		t.Fatalf("chat socket with a ticket: %v %s", err, body)
	}
	defer ws.Close()
	ws.WriteJSON(map[string]string{"type": "message", "text": "yes"})
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	var m map[string]any
	if err := ws.ReadJSON(&m); err != nil || m["type"] != "reply" {
		t.Fatalf("socket reply: %v %v", m, err)
	}
	if _, _, err := websocket.DefaultDialer.Dial(strings.Replace(base, "http", "ws", 1)+"/v1/conversations/"+conv+"/ws?ticket="+ticket, nil); err == nil {
		t.Fatal("a ticket worked twice")
	}
}
