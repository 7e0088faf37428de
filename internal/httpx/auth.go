package httpx

import (
	"context"
	"crypto/sha256"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/settlehq/settle/internal/clock"
	"github.com/settlehq/settle/internal/errs"
	"github.com/settlehq/settle/internal/id"
)

// Kind is the kind of caller.
type Kind string

const (
	KindCustomer Kind = "customer"
	KindStaff    Kind = "staff"
	KindMerchant Kind = "merchant"
)

// Role is a staff member's role.
type Role string

const (
	RoleAgent Role = "agent"
	RoleOps   Role = "ops"
	RoleAdmin Role = "admin"
)

// ValidRole reports whether r is a known role.
func ValidRole(r Role) bool { return r == RoleAgent || r == RoleOps || r == RoleAdmin }

// Principal is the authenticated caller of a request.
type Principal struct {
	Kind  Kind
	ID    string // customer id, staff id or merchant id
	Role  Role   // staff only
	Email string // staff only
}

// Scope names the caller for per-caller state such as idempotency keys.
func (p Principal) Scope() string { return string(p.Kind) + ":" + p.ID }

// CurrentPrincipal returns the request's authenticated caller.
func CurrentPrincipal(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey).(Principal)
	return p, ok
}

// WithPrincipal returns ctx carrying p (for tests and internal calls).
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey, p)
}

type authErrKey struct{}

// Token prefixes tell the three kinds of bearer credential apart without a lookup.
const (
	merchantKeyPrefix  = "sk_"
	staffTokenPrefix   = "st_"
	sessionCookieName  = "settle_session"
	merchantKeyEntropy = 32
)

// Auth identifies callers: customers by JWT, staff by session token or cookie,
// merchants by API key.
type Auth struct {
	pool       *pgxpool.Pool
	customers  *CustomerTokens
	clock      clock.Clock
	ids        *id.Generator
	sessionTTL time.Duration
	secure     bool
	logins     *Limiter
}

// AuthConfig configures NewAuth.
type AuthConfig struct {
	Customers    *CustomerTokens
	Clock        clock.Clock
	IDs          *id.Generator
	SessionTTL   time.Duration
	SecureCookie bool
}

// NewAuth returns an authenticator backed by pool.
func NewAuth(pool *pgxpool.Pool, c AuthConfig) *Auth {
	return &Auth{
		pool: pool, customers: c.Customers, clock: c.Clock, ids: c.IDs,
		sessionTTL: c.SessionTTL, secure: c.SecureCookie,
		logins: NewLimiter(10, 15*time.Minute, c.Clock),
	}
}

// Customers returns the customer token verifier.
func (a *Auth) Customers() *CustomerTokens { return a.customers }

// Authenticate reads the request's credentials, if any, and records who the
// caller is — or why the credentials were refused — for Require to act on.
// Requests without credentials pass through: public routes need none.
func (a *Auth) Authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := a.identify(r)
		ctx := r.Context()
		switch {
		case err != nil:
			ctx = context.WithValue(ctx, authErrKey{}, err)
		case p != nil:
			ctx = context.WithValue(ctx, principalKey, *p)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func (a *Auth) identify(r *http.Request) (*Principal, error) {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || tok == "" {
			return nil, errs.New(errs.Unauthenticated, "bad_authorization", "use Authorization: Bearer <token>")
		}
		switch {
		case strings.HasPrefix(tok, merchantKeyPrefix):
			return a.merchantByKey(ctx, tok)
		case strings.HasPrefix(tok, staffTokenPrefix):
			return a.staffBySession(ctx, tok)
		default:
			sub, err := a.customers.Verify(tok)
			if err != nil {
				return nil, err
			}
			return &Principal{Kind: KindCustomer, ID: sub}, nil
		}
	}
	if c, err := r.Cookie(sessionCookieName); err == nil && c.Value != "" {
		return a.staffBySession(ctx, c.Value)
	}
	return nil, nil
}

func hashSecret(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

func (a *Auth) merchantByKey(ctx context.Context, key string) (*Principal, error) {
	var mid string
	err := a.pool.QueryRow(ctx,
		`SELECT merchant_id FROM merchant_api_keys WHERE key_hash = $1 AND revoked_at IS NULL`,
		hashSecret(key)).Scan(&mid)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errs.New(errs.Unauthenticated, "invalid_api_key", "the API key is not valid")
	}
	if err != nil {
		return nil, err
	}
	return &Principal{Kind: KindMerchant, ID: mid}, nil
}

// Require lets a request through only when its caller is of the given kind and,
// for staff, holds one of roles (any role when none are named). Admins pass every
// staff check.
func Require(kind Kind, roles ...Role) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if err, ok := r.Context().Value(authErrKey{}).(error); ok {
				WriteError(w, r, err)
				return
			}
			p, ok := CurrentPrincipal(r.Context())
			if !ok {
				WriteError(w, r, errs.New(errs.Unauthenticated, "unauthenticated", "this endpoint needs "+article(kind)+" credentials"))
				return
			}
			if p.Kind != kind {
				WriteError(w, r, errs.New(errs.Forbidden, "forbidden", "this endpoint is for "+string(kind)+"s"))
				return
			}
			if kind == KindStaff && len(roles) > 0 && p.Role != RoleAdmin && !slices.Contains(roles, p.Role) {
				WriteError(w, r, errs.New(errs.Forbidden, "forbidden", "your role ("+string(p.Role)+") cannot use this endpoint"))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func article(k Kind) string {
	if k == KindCustomer {
		return "customer"
	}
	return string(k)
}

// IssueMerchantKey creates a new API key for a merchant inside the caller's
// transaction and returns it. Only its hash is stored: this is the one time the
// key exists in clear.
func IssueMerchantKey(ctx context.Context, tx pgx.Tx, ids *id.Generator, merchantID string, now time.Time) (string, error) {
	key := merchantKeyPrefix + ids.Token(merchantKeyEntropy)
	_, err := tx.Exec(ctx,
		`INSERT INTO merchant_api_keys (key_hash, merchant_id, prefix, created_at) VALUES ($1, $2, $3, $4)`,
		hashSecret(key), merchantID, key[:10], now)
	if err != nil {
		return "", err
	}
	return key, nil
}

// RegisterMerchantKey stores a key chosen by the caller (the demo seed, whose keys
// are printed at start). Production keys come from IssueMerchantKey.
func RegisterMerchantKey(ctx context.Context, tx pgx.Tx, merchantID, key string, now time.Time) error {
	if !strings.HasPrefix(key, merchantKeyPrefix) {
		return errors.New("merchant keys start with " + merchantKeyPrefix)
	}
	_, err := tx.Exec(ctx,
		`INSERT INTO merchant_api_keys (key_hash, merchant_id, prefix, created_at) VALUES ($1, $2, $3, $4)
		 ON CONFLICT (key_hash) DO NOTHING`,
		hashSecret(key), merchantID, key[:min(10, len(key))], now)
	return err
}
