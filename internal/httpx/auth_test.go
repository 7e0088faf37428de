package httpx_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/golang-jwt/jwt/v5"
	"github.com/jackc/pgx/v5"

	"github.com/settlehq/settle/internal/clock"
	"github.com/settlehq/settle/internal/db/dbtest"
	"github.com/settlehq/settle/internal/httpx"
	"github.com/settlehq/settle/internal/id"
)

var now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

const secret = "0123456789abcdef0123456789abcdef"

func sign(t *testing.T, method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestCustomerTokens(t *testing.T) {
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	der, _ := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	pemKey := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	c := clock.NewManual(now)
	v, err := httpx.NewCustomerTokens([]byte(secret), pemKey, c)
	if err != nil {
		t.Fatal(err)
	}
	valid := jwt.MapClaims{"sub": "cus_1", "exp": now.Add(time.Hour).Unix()}
	otherRSA, _ := rsa.GenerateKey(rand.Reader, 2048)
	tests := []struct {
		name  string
		token string
		want  string // customer id, or the error code
	}{
		{"valid HS256", sign(t, jwt.SigningMethodHS256, []byte(secret), valid), "cus_1"},
		{"valid RS256", sign(t, jwt.SigningMethodRS256, rsaKey, valid), "cus_1"},
		{"expired", sign(t, jwt.SigningMethodHS256, []byte(secret), jwt.MapClaims{"sub": "cus_1", "exp": now.Add(-time.Hour).Unix()}), "token_expired"},
		{"no expiry", sign(t, jwt.SigningMethodHS256, []byte(secret), jwt.MapClaims{"sub": "cus_1"}), "invalid_token"},
		{"no subject", sign(t, jwt.SigningMethodHS256, []byte(secret), jwt.MapClaims{"exp": now.Add(time.Hour).Unix()}), "invalid_token"},
		{"wrong secret", sign(t, jwt.SigningMethodHS256, []byte("another-secret-another-secret-xx"), valid), "invalid_token"},
		{"wrong RSA key", sign(t, jwt.SigningMethodRS256, otherRSA, valid), "invalid_token"},
		{"HS384 not accepted", sign(t, jwt.SigningMethodHS384, []byte(secret), valid), "invalid_token"},
		{"alg none", sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, valid), "invalid_token"},
		{"not before in the future", sign(t, jwt.SigningMethodHS256, []byte(secret), jwt.MapClaims{"sub": "cus_1", "exp": now.Add(2 * time.Hour).Unix(), "nbf": now.Add(time.Hour).Unix()}), "invalid_token"},
		{"garbage", "not.a.jwt", "invalid_token"},
		// An HMAC token signed with the RSA public key as the secret: the classic
		// algorithm-confusion attack.
		{"HS256 signed with the public key", sign(t, jwt.SigningMethodHS256, []byte(pemKey), valid), "invalid_token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := v.Verify(tt.token)
			if err != nil {
				got = err.(interface{ Error() string }).Error()
				if !strings.HasPrefix(got, tt.want+":") {
					t.Fatalf("error %q, want code %s", got, tt.want)
				}
				return
			}
			if got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("no key configured refuses everything", func(t *testing.T) {
		none, _ := httpx.NewCustomerTokens(nil, "", c)
		if _, err := none.Verify(tests[0].token); err == nil {
			t.Fatal("want an error")
		}
	})
	t.Run("issued tokens verify", func(t *testing.T) {
		tok, err := v.Issue("cus_9", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := v.Verify(tok); err != nil || got != "cus_9" {
			t.Fatalf("got %q %v", got, err)
		}
		c.Advance(2 * time.Minute)
		defer c.Set(now)
		if _, err := v.Verify(tok); err == nil {
			t.Fatal("expired issued token accepted")
		}
	})
}

// authEnv serves one route per kind/role behind Authenticate and Require.
type authEnv struct {
	srv    *httptest.Server
	auth   *httpx.Auth
	tokens *httpx.CustomerTokens
	key    string
	clock  *clock.Manual
}

func newAuthEnv(t *testing.T) *authEnv {
	pool := dbtest.New(t)
	c := clock.NewManual(now)
	ids := id.New(nil)
	tokens, _ := httpx.NewCustomerTokens([]byte(secret), "", c)
	a := httpx.NewAuth(pool, httpx.AuthConfig{Customers: tokens, Clock: c, IDs: ids, SessionTTL: time.Hour})
	ctx := context.Background()
	for _, s := range []struct{ email, role string }{{"agent@x.test", "agent"}, {"ops@x.test", "ops"}, {"admin@x.test", "admin"}} {
		if _, err := httpx.CreateStaff(ctx, pool, ids, s.email, httpx.Role(s.role), "password-"+s.role, now); err != nil {
			t.Fatal(err)
		}
	}
	var key string
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO merchants (id, name, created_at) VALUES ('mer_1', 'M', now())`); err != nil {
			return err
		}
		var err error
		key, err = httpx.IssueMerchantKey(ctx, tx, ids, "mer_1", now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	r := chi.NewRouter()
	r.Use(a.Authenticate)
	a.StaffRoutes(r)
	ok := func(w http.ResponseWriter, r *http.Request) {
		p, _ := httpx.CurrentPrincipal(r.Context())
		httpx.WriteJSON(w, 200, map[string]string{"id": p.ID})
	}
	r.With(httpx.Require(httpx.KindCustomer)).Get("/customer", ok)
	r.With(httpx.Require(httpx.KindMerchant)).Get("/merchant", ok)
	r.With(httpx.Require(httpx.KindStaff, httpx.RoleAgent)).Get("/agent", ok)
	r.With(httpx.Require(httpx.KindStaff, httpx.RoleOps)).Get("/ops", ok)
	r.Get("/public", ok)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return &authEnv{srv: srv, auth: a, tokens: tokens, key: key, clock: c}
}

func (e *authEnv) get(t *testing.T, path, bearer string, cookies ...*http.Cookie) int {
	req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func (e *authEnv) login(t *testing.T, email, password string) (int, string, *http.Cookie) {
	res, err := http.Post(e.srv.URL+"/v1/staff/login", "application/json",
		strings.NewReader(`{"email":"`+email+`","password":"`+password+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body struct{ Token string }
	decode(t, res, &body)
	var cookie *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "settle_session" {
			cookie = c
		}
	}
	return res.StatusCode, body.Token, cookie
}
