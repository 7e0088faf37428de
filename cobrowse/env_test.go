package cobrowse

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/gorilla/websocket"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/crypto/bcrypt"

	"github.com/settlehq/settle/internal/clock"
	"github.com/settlehq/settle/internal/db/dbtest"
	"github.com/settlehq/settle/internal/errs"
	"github.com/settlehq/settle/internal/httpx"
	"github.com/settlehq/settle/internal/id"
)

var testNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

const testSecret = "test-secret-test-secret-test-secret!"

// syncBuffer collects the server's log lines while it runs.
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

// env is the real router (access log, auth, idempotency, cobrowse routes) on
// a real database and a real httptest server, with a manual clock and a fake
// dispute lookup.
type env struct {
	t        *testing.T
	pool     *pgxpool.Pool
	clock    *clock.Manual
	ids      *id.Generator
	svc      *Service
	hub      *Hub
	srv      *httptest.Server
	tokens   *httpx.CustomerTokens
	logs     *syncBuffer
	cases    map[string]Case
	notified []Request
	staff    map[string]string // name -> bearer token
	staffIDs map[string]string // name -> staff id
	mu       sync.Mutex
}

type envOption func(*envConfig)

type envConfig struct {
	hub      HubConfig
	notifier bool
}

func withHub(f func(*HubConfig)) envOption { return func(c *envConfig) { f(&c.hub) } }
func withNotifier() envOption              { return func(c *envConfig) { c.notifier = true } }
func (e *env) lock() func()                { e.mu.Lock(); return e.mu.Unlock }
func (e *env) caseFor(id string, c Case)   { defer e.lock()(); e.cases[id] = c }
func (e *env) notifications() []Request {
	defer e.lock()()
	return append([]Request(nil), e.notified...)
}
func (e *env) CobrowseRequested(_ context.Context, _ string, r Request) error {
	defer e.lock()()
	e.notified = append(e.notified, r)
	return nil
}

func newEnv(t *testing.T, opts ...envOption) *env {
	t.Helper()
	var ec envConfig
	for _, o := range opts {
		o(&ec)
	}
	e := &env{t: t, pool: dbtest.New(t), clock: clock.NewManual(testNow), ids: id.New(nil), logs: &syncBuffer{},
		cases: map[string]Case{}, staff: map[string]string{}, staffIDs: map[string]string{}}
	log := slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg := Config{Clock: e.clock, IDs: e.ids, Log: log, Cases: CasesFunc(e.lookupCase)}
	if ec.notifier {
		cfg.Notifier = e
	}
	e.svc = NewService(e.pool, cfg)
	ec.hub.Clock, ec.hub.IDs, ec.hub.Log = e.clock, e.ids, log
	e.hub = NewHub(e.svc, NewMemoryBroker(), ec.hub)
	e.svc.OnChange(e.hub.Changed)
	var err error
	if e.tokens, err = httpx.NewCustomerTokens([]byte(testSecret), "", e.clock); err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(e.router(log))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		e.hub.Close(ctx)
		e.srv.Close()
	})
	return e
}

func (e *env) router(log *slog.Logger) http.Handler {
	auth := httpx.NewAuth(e.pool, httpx.AuthConfig{Customers: e.tokens, Clock: e.clock, IDs: e.ids, SessionTTL: 90 * 24 * time.Hour})
	r := chi.NewRouter()
	r.NotFound(httpx.NotFound)
	r.Use(httpx.WithRequestID(log), httpx.AccessLog(httpx.NewMetrics(prometheus.NewRegistry())), httpx.Recover, httpx.LimitBody(1<<20))
	r.Group(func(r chi.Router) {
		r.Use(auth.Authenticate, httpx.NewIdempotency(e.pool, e.clock).Middleware)
		auth.StaffRoutes(r)
		NewHandler(e.svc, e.hub, NewTickets(e.pool, e.clock, e.ids)).Routes(r)
	})
	return r
}

func (e *env) lookupCase(_ context.Context, disputeID string) (Case, error) {
	defer e.lock()()
	c, ok := e.cases[disputeID]
	if !ok {
		return Case{}, errNoDispute
	}
	return c, nil
}

var errNoDispute = errs.NotFoundf("no such dispute")

// login creates a staff account (first use) and returns its bearer token.
func (e *env) login(name, role string) string {
	e.t.Helper()
	if tok, ok := e.staff[name]; ok {
		return tok
	}
	hash, _ := bcrypt.GenerateFromPassword([]byte("password-"+name), bcrypt.MinCost)
	staffID := e.ids.Make("stf")
	if _, err := e.pool.Exec(context.Background(), `INSERT INTO staff (id, email, role, password_hash) VALUES ($1, $2, $3, $4)`,
		staffID, name+"@lender.test", role, string(hash)); err != nil {
		e.t.Fatal(err)
	}
	r := e.call("POST", "/v1/staff/login", "", map[string]any{"email": name + "@lender.test", "password": "password-" + name})
	if r.status != 200 {
		e.t.Fatalf("login %s: %d %s", name, r.status, r.raw)
	}
	e.staff[name], e.staffIDs[name] = r.body["token"].(string), staffID
	return e.staff[name]
}

func (e *env) customer(id string) string {
	tok, err := e.tokens.Issue(id, time.Hour)
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

type resp struct {
	status int
	body   map[string]any
	raw    []byte
}

func (r resp) errCode() string {
	if m, ok := r.body["error"].(map[string]any); ok {
		s, _ := m["code"].(string)
		return s
	}
	return ""
}

func (e *env) call(method, path, token string, body any) resp {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := resp{status: res.StatusCode, raw: raw}
	json.Unmarshal(raw, &out.body)
	return out
}

// session starts a session from an escalated dispute claimed by agent for
// customer, and returns its id.
func (e *env) session(agent, customer string) string {
	e.t.Helper()
	dispute := "dsp_" + customer
	e.login(agent, "agent")
	e.caseFor(dispute, Case{CustomerID: customer, Open: true, HumanOwned: true, Handoff: "claimed", ClaimedBy: e.staffIDs[agent]})
	r := e.call("POST", "/v1/cobrowse/sessions", e.staff[agent], map[string]any{"dispute_id": dispute})
	if r.status != 201 {
		e.t.Fatalf("create session: %d %s", r.status, r.raw)
	}
	return r.body["session_id"].(string)
}

// consent grants caps for customer.
func (e *env) consent(sessionID, customer string, caps ...Capability) {
	e.t.Helper()
	r := e.call("POST", "/v1/cobrowse/sessions/"+sessionID+"/consent", e.customer(customer), map[string]any{"granted": true, "capabilities": caps})
	if r.status != 200 {
		e.t.Fatalf("consent: %d %s", r.status, r.raw)
	}
}

// ticket gets a WebSocket ticket with token.
func (e *env) ticket(token string) string {
	e.t.Helper()
	r := e.call("POST", "/v1/ws-tickets", token, nil)
	if r.status != 201 {
		e.t.Fatalf("ticket: %d %s", r.status, r.raw)
	}
	return r.body["ticket"].(string)
}

func (e *env) wsURL(sessionID string, role Role, query string) string {
	u := "ws" + strings.TrimPrefix(e.srv.URL, "http") + "/v1/cobrowse/sessions/" + sessionID + "/ws?role=" + string(role)
	if query != "" {
		u += "&" + query
	}
	return u
}

// dial connects; it returns the HTTP response when the upgrade is refused.
func (e *env) dial(url string, header http.Header) (*wsClient, *http.Response) {
	e.t.Helper()
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	ws, res, err := d.Dial(url, header)
	if err != nil {
		if res == nil {
			e.t.Fatalf("dial %s: %v", url, err)
		}
		return nil, res
	}
	c := &wsClient{t: e.t, ws: ws}
	e.t.Cleanup(func() { ws.Close() })
	return c, res
}

// customerWS connects customer with a ticket, as a browser does.
func (e *env) customerWS(sessionID, customer string) *wsClient {
	e.t.Helper()
	c, res := e.dial(e.wsURL(sessionID, RoleCustomer, "ticket="+e.ticket(e.customer(customer))), nil)
	if c == nil {
		e.t.Fatalf("customer socket refused: %s", res.Status)
	}
	return c
}

// agentWS connects agent with the bearer token in the header.
func (e *env) agentWS(sessionID, agent string) *wsClient {
	e.t.Helper()
	c, res := e.dial(e.wsURL(sessionID, RoleAgent, ""), http.Header{"Authorization": {"Bearer " + e.staff[agent]}})
	if c == nil {
		e.t.Fatalf("agent socket refused: %s", res.Status)
	}
	return c
}

// wsClient reads and writes JSON messages. Reads carry a generous deadline
// only so a broken test fails instead of hanging; nothing asserts on time.
type wsClient struct {
	t  *testing.T
	ws *websocket.Conn
}

type wsMsg map[string]any

func (m wsMsg) typ() string { s, _ := m["type"].(string); return s }

func (c *wsClient) send(v any) {
	c.t.Helper()
	if err := c.ws.WriteJSON(v); err != nil {
		c.t.Fatalf("send: %v", err)
	}
}

func (c *wsClient) sendRaw(b []byte) {
	c.t.Helper()
	if err := c.ws.WriteMessage(websocket.TextMessage, b); err != nil {
		c.t.Fatalf("send: %v", err)
	}
}

// next reads one message, or returns the close error.
func (c *wsClient) next() (wsMsg, []byte, error) {
	c.ws.SetReadDeadline(time.Now().Add(20 * time.Second))
	_, b, err := c.ws.ReadMessage()
	if err != nil {
		return nil, nil, err
	}
	var m wsMsg
	if err := json.Unmarshal(b, &m); err != nil {
		c.t.Fatalf("server sent invalid JSON: %s", b)
	}
	return m, b, nil
}

// expect reads until a message of type typ, skipping others, and returns it
// with its raw bytes.
func (c *wsClient) expect(typ string) (wsMsg, []byte) {
	c.t.Helper()
	for {
		m, b, err := c.next()
		if err != nil {
			c.t.Fatalf("waiting for %s: %v", typ, err)
		}
		if m.typ() == typ {
			return m, b
		}
	}
}

// closed reads until the connection closes and returns the close frame.
func (c *wsClient) closed() *websocket.CloseError {
	c.t.Helper()
	for {
		_, _, err := c.next()
		if err == nil {
			continue
		}
		var ce *websocket.CloseError
		if !errors.As(err, &ce) {
			c.t.Fatalf("connection ended without a close frame: %v", err)
		}
		return ce
	}
}

// state reads until a state message with the given status.
func (c *wsClient) state(status Status) wsMsg {
	c.t.Helper()
	for {
		m, _ := c.expect("state")
		if m["status"] == string(status) {
			return m
		}
	}
}

func jsonBody(res *http.Response, v any) { json.NewDecoder(res.Body).Decode(v) }
