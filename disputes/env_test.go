package disputes_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/crypto/bcrypt"

	"github.com/settlehq/settle/disputes"
	"github.com/settlehq/settle/internal/clock"
	"github.com/settlehq/settle/internal/db/dbtest"
	"github.com/settlehq/settle/internal/httpx"
	"github.com/settlehq/settle/internal/id"
)

var testNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

const testSecret = "test-secret-test-secret-test-secret!"

// env is a real router on a real database: the disputes routes behind the
// platform's authentication and idempotency middleware.
type env struct {
	t        *testing.T
	pool     *pgxpool.Pool
	clock    *clock.Manual
	svc      *disputes.Service
	srv      *httptest.Server
	tokens   *httpx.CustomerTokens
	keys     map[string]string // merchant id -> API key
	staff    map[string]string // "agent", "agent2", "ops", "admin" -> bearer token
	staffIDs map[string]string
	ids      *id.Generator
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{t: t, pool: dbtest.New(t), clock: clock.NewManual(testNow), keys: map[string]string{}, staffIDs: map[string]string{}, ids: id.New(nil)}
	e.svc = disputes.NewService(e.pool, e.clock, e.ids)
	var err error
	e.tokens, err = httpx.NewCustomerTokens([]byte(testSecret), "", e.clock)
	if err != nil {
		t.Fatal(err)
	}
	auth := httpx.NewAuth(e.pool, httpx.AuthConfig{Customers: e.tokens, Clock: e.clock, IDs: e.ids, SessionTTL: 90 * 24 * time.Hour})
	r := chi.NewRouter()
	r.NotFound(httpx.NotFound)
	r.Use(httpx.LimitBody(1<<20), auth.Authenticate, httpx.NewIdempotency(e.pool, e.clock).Middleware)
	auth.StaffRoutes(r)
	disputes.NewHandler(e.svc).Routes(r)
	e.srv = httptest.NewServer(r)
	t.Cleanup(e.srv.Close)
	e.merchant("mer_a", "Alpha Shoes")
	e.merchant("mer_b", "Beta Books")
	e.staff = map[string]string{}
	return e
}

// login creates a staff account named name with role and returns its bearer
// token (created on first use: bcrypt is slow on purpose).
func (e *env) login(name, role string) string {
	e.t.Helper()
	if tok, ok := e.staff[name]; ok {
		return tok
	}
	// A minimum-cost hash keeps the many logins of these tests fast; the real
	// cost is tested in internal/httpx.
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

func (e *env) merchant(mid, name string) {
	e.t.Helper()
	err := pgx.BeginFunc(context.Background(), e.pool, func(tx pgx.Tx) error {
		if _, err := e.svc.WithDB(tx).CreateMerchant(context.Background(), disputes.Merchant{ID: mid, Name: name}); err != nil {
			return err
		}
		key, err := httpx.IssueMerchantKey(context.Background(), tx, e.ids, mid, testNow)
		e.keys[mid] = key
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) customerToken(customerID string) string {
	tok, err := e.tokens.Issue(customerID, time.Hour)
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

type resp struct {
	status int
	header http.Header
	body   map[string]any
	raw    []byte
}

// errField returns the error's field, "" when none.
func (r resp) errField() string {
	if e, ok := r.body["error"].(map[string]any); ok {
		f, _ := e["field"].(string)
		return f
	}
	return ""
}

func (r resp) errCode() string {
	if e, ok := r.body["error"].(map[string]any); ok {
		c, _ := e["code"].(string)
		return c
	}
	return ""
}

// call sends a request with a bearer token; body may be a string (sent as is)
// or any value (sent as JSON).
func (e *env) call(method, path, token string, body any, headers ...string) resp {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	out := resp{status: res.StatusCode, header: res.Header}
	out.raw, _ = io.ReadAll(res.Body)
	if len(out.raw) > 0 && json.Unmarshal(out.raw, &out.body) != nil {
		e.t.Fatalf("%s %s: response is not a JSON object: %s", method, path, out.raw)
	}
	return out
}

// counts snapshots the order book's row counts, to show a refused request
// changed nothing.
func (e *env) counts() map[string]int {
	e.t.Helper()
	out := map[string]int{}
	for _, tbl := range []string{"customers", "orders", "order_items", "order_events", "installments",
		"disputes", "dispute_events", "decisions", "decision_reviews", "deadlines", "handoffs", "dispute_evidence", "rule_settings"} {
		var n int
		if err := e.pool.QueryRow(context.Background(), "SELECT count(*) FROM "+tbl).Scan(&n); err != nil {
			e.t.Fatal(err)
		}
		out[tbl] = n
	}
	var refunded int
	e.pool.QueryRow(context.Background(), "SELECT coalesce(sum(refunded_amount), 0) FROM installments").Scan(&refunded)
	out["refunded"] = refunded
	var versions, claimed int
	e.pool.QueryRow(context.Background(), "SELECT coalesce(sum(version), 0) FROM disputes").Scan(&versions)
	e.pool.QueryRow(context.Background(), "SELECT count(*) FROM handoffs WHERE status <> 'open'").Scan(&claimed)
	out["dispute versions"], out["handoffs not open"] = versions, claimed
	return out
}

func (e *env) assertUnchanged(before map[string]int) {
	e.t.Helper()
	after := e.counts()
	for k, v := range before {
		if after[k] != v {
			e.t.Errorf("%s changed from %d to %d", k, v, after[k])
		}
	}
}

// validOrder is a complete, valid order request.
func validOrder(ref, customer string) map[string]any {
	return map[string]any{
		"merchant_order_ref": ref,
		"customer_id":        customer,
		"currency":           "USD",
		"items": []any{
			map[string]any{"sku": "RUN-42", "name": "Running shoes", "quantity": 1, "unit_amount": 12900},
			map[string]any{"sku": "SOCK-3", "name": "Socks", "quantity": 2, "unit_amount": 1200},
		},
		"shipping_amount":      599,
		"discount_amount":      1000,
		"captured_amount":      14899,
		"captured_at":          "2026-11-20T10:00:00Z",
		"payment_plan":         "pay_in_4",
		"expected_delivery_by": "2026-11-27T00:00:00Z",
	}
}

func installments(t *testing.T, body map[string]any) []map[string]any {
	t.Helper()
	plan, ok := body["payment_plan"].(map[string]any)
	if !ok {
		t.Fatalf("no payment_plan in %v", body)
	}
	raw := plan["installments"].([]any)
	out := make([]map[string]any, len(raw))
	for i, r := range raw {
		out[i] = r.(map[string]any)
	}
	return out
}
