package chatbot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/gorilla/websocket"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/settlehq/settle/chatbot"
	"github.com/settlehq/settle/chatbot/nlu"
	"github.com/settlehq/settle/disputes"
	"github.com/settlehq/settle/internal/clock"
	"github.com/settlehq/settle/internal/db/dbtest"
	"github.com/settlehq/settle/internal/httpx"
	"github.com/settlehq/settle/internal/id"
	"github.com/settlehq/settle/knowledge"
)

var now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// fakeKB is a function-field fake of the retriever: the knowledge package has
// its own tests against PostgreSQL; here only what the chatbot does with the
// passages matters.
type fakeKB struct {
	search  func(q string) []knowledge.Result
	section func(id string) (knowledge.SectionText, error)
}

func (f fakeKB) Search(_ context.Context, q, _ string, _ int) ([]knowledge.Result, error) {
	if f.search == nil {
		return nil, nil
	}
	return f.search(q), nil
}

func (f fakeKB) Section(_ context.Context, id string) (knowledge.SectionText, error) {
	if f.section != nil {
		return f.section(id)
	}
	return knowledge.SectionText{ID: id, HeadingPath: "Policy > " + id}, nil
}

var (
	engineOnce sync.Once
	engine     nlu.Engine
)

func localEngine(t *testing.T) nlu.Engine {
	engineOnce.Do(func() {
		ex, err := nlu.LoadSet("train")
		if err != nil {
			t.Fatal(err)
		}
		engine = nlu.NewLocal(ex, nlu.LocalOptions{})
	})
	return engine
}

type chatEnv struct {
	t      *testing.T
	srv    *httptest.Server
	svc    *chatbot.Service
	ds     *disputes.Service
	tokens *httpx.CustomerTokens
	clock  *clock.Manual
	key    string
	pool   *pgxpool.Pool
}

func newChatEnv(t *testing.T, kb fakeKB) *chatEnv {
	pool := dbtest.New(t)
	c := clock.NewManual(now)
	ids := id.New(nil)
	ds := disputes.NewService(pool, c, ids)
	tokens, _ := httpx.NewCustomerTokens([]byte("chat-test-secret-chat-test-secret!!"), "", c)
	auth := httpx.NewAuth(pool, httpx.AuthConfig{Customers: tokens, Clock: c, IDs: ids, SessionTTL: time.Hour})
	svc := chatbot.NewService(pool, c, ids, localEngine(t), kb, ds)
	r := chi.NewRouter()
	r.Use(auth.Authenticate)
	auth.StaffRoutes(r)
	disputes.NewHandler(ds).Routes(r)
	chatbot.NewHandler(svc).Routes(r)
	e := &chatEnv{t: t, srv: httptest.NewServer(r), svc: svc, ds: ds, tokens: tokens, clock: c, pool: pool}
	t.Cleanup(e.srv.Close)
	err := pgx.BeginFunc(context.Background(), pool, func(tx pgx.Tx) error {
		if _, err := ds.WithDB(tx).CreateMerchant(context.Background(), disputes.Merchant{ID: "mer_nw", Name: "Northwind Outfitters"}); err != nil {
			return err
		}
		var err error
		e.key, err = httpx.IssueMerchantKey(context.Background(), tx, ids, "mer_nw", now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *chatEnv) call(method, path, token string, body any) (int, map[string]any) {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

func (e *chatEnv) token(customer string) string {
	tok, _ := e.tokens.Issue(customer, time.Hour)
	return tok
}

// jacket places the demo's returned-jacket order for cus_1.
func (e *chatEnv) jacket() string {
	st, o := e.call("POST", "/v1/merchant/orders", e.key, map[string]any{
		"merchant_order_ref": "NOR-JACKET-1", "customer_id": "cus_1", "currency": "USD",
		"items":           []any{map[string]any{"sku": "NW-JKT", "name": "Waterproof rain jacket", "quantity": 1, "unit_amount": 14900}},
		"captured_amount": 14900, "captured_at": "2026-10-18T10:00:00Z", "payment_plan": "pay_in_4"})
	if st != 201 {
		e.t.Fatalf("order: %d %v", st, o)
	}
	oid := o["order_id"].(string)
	for _, ev := range []map[string]any{{"type": "delivered", "at": "2026-10-21T10:00:00Z"},
		{"type": "return_shipped", "at": "2026-11-06T10:00:00Z"}, {"type": "return_received", "at": "2026-11-08T10:00:00Z"}} {
		if st, b := e.call("POST", "/v1/merchant/orders/"+oid+"/events", e.key, ev); st != 201 {
			e.t.Fatalf("event: %d %v", st, b)
		}
	}
	return oid
}

func (e *chatEnv) say(tok, conv, text string) map[string]any {
	e.t.Helper()
	st, out := e.call("POST", "/v1/conversations/"+conv+"/messages", tok, map[string]any{"text": text})
	if st != 200 {
		e.t.Fatalf("%q: %d %v", text, st, out)
	}
	return out
}

func replyText(out map[string]any) string {
	var b strings.Builder
	for _, r := range out["replies"].([]any) {
		b.WriteString(r.(map[string]any)["text"].(string) + "\n")
	}
	return b.String()
}

// The demo's first story: a returned jacket still being charged ends in an
// open dispute, paused payments, the merchant asked, and a cited policy.
func TestChatReturnedJacket(t *testing.T) {
	e := newChatEnv(t, fakeKB{})
	oid := e.jacket()
	tok := e.token("cus_1")
	_, c := e.call("POST", "/v1/conversations", tok, nil)
	conv := c["conversation_id"].(string)

	out := e.say(tok, conv, "I returned my jacket two weeks ago and I'm still being charged")
	if !strings.Contains(replyText(out), "Northwind") {
		t.Fatalf("the bot should confirm the jacket order: %s", replyText(out))
	}
	out = e.say(tok, conv, "yes")
	if out["dispute"] != nil {
		t.Fatalf("a fact question comes before submitting: %v", out)
	}
	out = e.say(tok, conv, "I sent it back on the 6th with UPS")
	d, _ := out["dispute"].(map[string]any)
	if d == nil || d["status"] != "merchant_window" || d["payments_paused"] != true {
		t.Fatalf("dispute %v\n%s", out["dispute"], replyText(out))
	}
	reply := out["replies"].([]any)[0].(map[string]any)
	cites := reply["citations"].([]any)
	if !strings.Contains(reply["text"].(string), "paused") || len(cites) == 0 ||
		cites[0].(map[string]any)["url"] != "/policies/how-we-decide#2.4" {
		t.Fatalf("reply %v", reply)
	}
	_, o := e.call("GET", "/v1/me/orders/"+oid, tok, nil)
	insts := o["payment_plan"].(map[string]any)["installments"].([]any)
	if insts[1].(map[string]any)["status"] != "paused" {
		t.Fatalf("payments not paused: %v", insts)
	}
	_, tr := e.call("GET", "/v1/conversations/"+conv, tok, nil)
	if n := len(tr["messages"].([]any)); n != 6 {
		t.Fatalf("transcript has %d messages, want 6", n)
	}
}

func TestChatHumanAndAgentMessages(t *testing.T) {
	e := newChatEnv(t, fakeKB{})
	tok := e.token("cus_1")
	_, c := e.call("POST", "/v1/conversations", tok, nil)
	conv := c["conversation_id"].(string)

	ws, _, err := websocket.DefaultDialer.Dial(strings.Replace(e.srv.URL, "http", "ws", 1)+"/v1/conversations/"+conv+"/ws",
		http.Header{"Authorization": {"Bearer " + tok}})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ws.WriteJSON(map[string]any{"type": "message", "text": "I want to talk to a real person"})
	got := readUntil(t, ws, "handoff")
	if got["reason_category"] != "customer_request" {
		t.Fatalf("handoff %v", got)
	}
	hid := got["id"].(string)

	// An agent claims the handoff and writes; the customer's socket hears it.
	agent := e.staffToken("agent@lender.test", "agent")
	if st, b := e.call("POST", "/v1/agent/handoffs/"+hid+"/claim", agent, nil); st != 200 {
		t.Fatalf("claim %d %v", st, b)
	}
	if st, b := e.call("POST", "/v1/agent/conversations/"+conv+"/messages", agent, map[string]any{"text": "Hi, I'm Sam. How can I help?"}); st != 201 {
		t.Fatalf("agent message %d %v", st, b)
	}
	readUntil(t, ws, "agent_joined")
	if m := readUntil(t, ws, "agent_message"); m["text"] != "Hi, I'm Sam. How can I help?" {
		t.Fatalf("agent message %v", m)
	}
	// The bot is silent now.
	out := e.say(tok, conv, "my shoes never arrived")
	if len(out["replies"].([]any)) != 0 {
		t.Fatalf("the bot spoke while an agent owns the chat: %v", out)
	}
}

func (e *chatEnv) staffToken(email, role string) string {
	e.t.Helper()
	if _, err := httpx.CreateStaff(context.Background(), e.pool, id.New(nil), email, httpx.Role(role), "password-"+role, now); err != nil {
		e.t.Fatal(err)
	}
	st, b := e.call("POST", "/v1/staff/login", "", map[string]any{"email": email, "password": "password-" + role})
	if st != 200 {
		e.t.Fatalf("login %d %v", st, b)
	}
	return b["token"].(string)
}

func readUntil(t *testing.T, ws *websocket.Conn, typ string) map[string]any {
	t.Helper()
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		var m map[string]any
		if err := ws.ReadJSON(&m); err != nil {
			t.Fatalf("waiting for %s: %v", typ, err)
		}
		if m["type"] == typ {
			return m
		}
	}
}

// A customer who already disputed the order (in another conversation, or in
// the app) is told where that dispute stands; nothing new is opened and the
// turn does not fail.
func TestChatOrderAlreadyDisputed(t *testing.T) {
	e := newChatEnv(t, fakeKB{})
	oid := e.jacket()
	tok := e.token("cus_1")
	if st, d := e.call("POST", "/v1/disputes", tok, map[string]any{"order_id": oid, "reason": "refund_not_processed",
		"description": "returned it"}); st != 201 {
		t.Fatalf("open in the app: %d %v", st, d)
	}
	_, c := e.call("POST", "/v1/conversations", tok, nil)
	conv := c["conversation_id"].(string)
	e.say(tok, conv, "I returned my jacket two weeks ago and I'm still being charged")
	e.say(tok, conv, "yes")
	out := e.say(tok, conv, "I sent it back on the 6th with UPS")
	d, _ := out["dispute"].(map[string]any)
	text := replyText(out)
	if d == nil || d["payments_paused"] != true || !strings.Contains(text, "already have a dispute open") ||
		!strings.Contains(text, "paused") {
		t.Fatalf("dispute %v\n%s", out["dispute"], text)
	}
	var n int
	e.pool.QueryRow(context.Background(), `SELECT count(*) FROM disputes WHERE order_id = $1`, oid).Scan(&n)
	if n != 1 {
		t.Fatalf("%d disputes on the order, want 1", n)
	}
	// The conversation now follows that dispute.
	_, cv := e.call("GET", "/v1/conversations/"+conv, tok, nil)
	if cv["dispute_id"] != d["id"] {
		t.Fatalf("conversation follows %v, want %v", cv["dispute_id"], d["id"])
	}
}
