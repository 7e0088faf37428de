package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/settlehq/settle/disputes"
	"github.com/settlehq/settle/internal/config"
	"github.com/settlehq/settle/internal/db"
)

// Cobrowse wired as serve wires it: the real router and middleware, the
// disputes service answering for escalated cases, tickets and the relay.
func TestCobrowseThroughTheRouter(t *testing.T) {
	env := migrated(t)
	ctx := context.Background()
	a, _, _ := testApp(env)
	if err := a.run(ctx, []string{"seed"}); err != nil {
		t.Fatal(err)
	}
	env["SETTLE_CUSTOMER_JWT_SECRET"] = "cobrowse-test-secret-cobrowse-test!"
	a, _, _ = testApp(env)
	cfg, err := config.Load(a.getenv)
	if err != nil {
		t.Fatal(err)
	}
	pool, err := db.Open(ctx, cfg.DatabaseURL.Reveal())
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	tokens, err := a.customerTokens(cfg)
	if err != nil {
		t.Fatal(err)
	}
	svc := disputes.NewService(pool, a.clock, a.ids)
	log := slog.New(slog.DiscardHandler)
	chat, err := a.chatService(cfg, pool, svc, log)
	if err != nil {
		t.Fatal(err)
	}
	cb, err := a.startCobrowse(ctx, cfg, pool, svc, chatNotifier{chat.Hub()}, log)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.router(cfg, services{pool: pool, tokens: tokens, disputes: svc, chat: chat, cobrowse: cb.handler}, log))
	defer srv.Close()
	defer cb.stop(5 * time.Second)

	// An escalated dispute: the customer asked for a person.
	var customer, order string
	if err := pool.QueryRow(ctx, `SELECT customer_id, id FROM orders WHERE customer_id = 'cus_demo_01' ORDER BY id LIMIT 1`).Scan(&customer, &order); err != nil {
		t.Fatal(err)
	}
	d, err := svc.Open(ctx, disputes.OpenInput{CustomerID: customer, OrderID: order, Reason: "not_received", WantsHuman: true, Actor: "customer:" + customer})
	if err != nil {
		t.Fatal(err)
	}
	call := func(method, path, token string, body any) (int, map[string]any) {
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, srv.URL+path, rd)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]any
		json.NewDecoder(res.Body).Decode(&out)
		return res.StatusCode, out
	}
	_, login := call("POST", "/v1/staff/login", "", map[string]any{"email": "agent@settle.test", "password": "agent-demo-pass"})
	agent := login["token"].(string)
	staffID := login["staff"].(map[string]any)["id"].(string)
	create := map[string]any{"dispute_id": d.ID}
	if status, body := call("POST", "/v1/cobrowse/sessions", agent, create); status != 409 || body["error"].(map[string]any)["code"] != "not_claimed" {
		t.Fatalf("before the claim: %d %v", status, body)
	}
	var handoff string
	pool.QueryRow(ctx, `SELECT id FROM handoffs WHERE dispute_id = $1 AND status = 'open'`, d.ID).Scan(&handoff)
	if _, err := svc.Claim(ctx, handoff, staffID); err != nil {
		t.Fatal(err)
	}
	// The customer has the chat open: the request arrives on its socket.
	custToken, _ := tokens.Issue(customer, time.Hour)
	_, conv := call("POST", "/v1/conversations", custToken, map[string]any{})
	_, chatTicket := call("POST", "/v1/ws-tickets", custToken, nil)
	chatWS, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http")+"/v1/conversations/"+conv["conversation_id"].(string)+"/ws?ticket="+chatTicket["ticket"].(string), nil)
	if err != nil {
		t.Fatalf("conversation socket: %v", err)
	}
	defer chatWS.Close()
	status, sess := call("POST", "/v1/cobrowse/sessions", agent, create)
	if status != 201 || sess["customer_id"] != customer {
		t.Fatalf("create: %d %v", status, sess)
	}
	sid := sess["session_id"].(string)
	if sess["status"] != "awaiting_consent" {
		t.Errorf("a customer told on the chat socket is awaiting consent, got %v", sess["status"])
	}
	chatWS.SetReadDeadline(time.Now().Add(10 * time.Second))
	var asked map[string]any
	if err := chatWS.ReadJSON(&asked); err != nil || asked["type"] != "cobrowse_request" || asked["session_id"] != sid {
		t.Fatalf("conversation socket: want the cobrowse_request for %s, got %v %v", sid, asked, err)
	}
	if caps, _ := asked["capabilities"].([]any); len(caps) == 0 {
		t.Errorf("the request names no capabilities: %v", asked)
	}
	if status, _ := call("POST", "/v1/cobrowse/sessions/"+sid+"/consent", custToken, map[string]any{"granted": true, "capabilities": []string{"view"}}); status != 200 {
		t.Fatalf("consent: %d", status)
	}
	_, tk := call("POST", "/v1/ws-tickets", custToken, nil)
	wsURL := "ws" + strings.TrimPrefix(srv.URL, "http") + "/v1/cobrowse/sessions/" + sid + "/ws?role=customer&ticket=" + tk["ticket"].(string)
	// From the host app's own origin, as the customer SDK connects.
	ws, _, err := websocket.DefaultDialer.Dial(wsURL, http.Header{"Origin": {"https://app.lender.example"}})
	if err != nil {
		t.Fatalf("customer socket through the middleware: %v", err)
	}
	defer ws.Close()
	var first map[string]any
	if err := ws.ReadJSON(&first); err != nil || first["type"] != "policy" {
		t.Fatalf("first message %v %v", first, err)
	}
	if status, ended := call("POST", "/v1/cobrowse/sessions/"+sid+"/end", agent, nil); status != 200 || ended["status"] != "ended" {
		t.Fatalf("end: %d %v", status, ended)
	}
}

// `settle bench relay` runs end to end at a small scale and prints the
// figures by their names.
func TestBenchRelaySmall(t *testing.T) {
	if testing.Short() {
		t.Skip("benchmark smoke test")
	}
	a, out, _ := testApp(nil)
	err := a.run(context.Background(), []string{"bench", "relay", "--sessions", "4", "--duration", "100ms", "--rounds", "1",
		"--page-kb", "8", "--snapshot-mb", "1", "--snapshot-rounds", "1", "--json"})
	if err != nil {
		t.Fatal(err)
	}
	var figs []Figure
	if err := json.Unmarshal([]byte(out.String()), &figs); err != nil {
		t.Fatalf("not JSON: %s", out.String())
	}
	names := map[string]bool{}
	for _, f := range figs {
		names[f.Name] = f.Value > 0 && f.Baseline > 0
	}
	for _, n := range []string{"relay_events_per_s", "relay_p99_ms", "gate_snapshot_1mb_ms", "idle_session_bytes"} {
		if !names[n] {
			t.Errorf("figure %s missing or zero: %s", n, out.String())
		}
	}
}
