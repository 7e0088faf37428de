package cobrowse

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/settlehq/settle/internal/clock"
	"github.com/settlehq/settle/internal/errs"
	"github.com/settlehq/settle/internal/httpx"
	"github.com/settlehq/settle/internal/id"
)

// WebSocket tickets (API.md, Auth). Browsers cannot set headers on a
// WebSocket, and tokens never travel in URLs, so an authenticated caller
// trades its credentials for a ticket — random, single use, valid 30 s,
// stored hashed and bound to the caller — and connects with ?ticket=. The
// access log records only the path, so tickets never reach the logs. Any
// WebSocket endpoint (the conversation socket too) can take tickets through
// Tickets.Authenticate.

// TicketTTL is how long a ticket can be used.
const TicketTTL = 30 * time.Second

const ticketPrefix = "wst_"

// Ticket is what POST /v1/ws-tickets returns.
type Ticket struct {
	Ticket    string    `json:"ticket"`
	ExpiresAt time.Time `json:"expires_at"`
}

// Tickets issues and redeems WebSocket tickets.
type Tickets struct {
	pool  *pgxpool.Pool
	clock clock.Clock
	ids   *id.Generator
}

// NewTickets returns the ticket store on pool.
func NewTickets(pool *pgxpool.Pool, c clock.Clock, ids *id.Generator) *Tickets {
	return &Tickets{pool: pool, clock: c, ids: ids}
}

func ticketHash(t string) []byte {
	h := sha256.Sum256([]byte(t))
	return h[:]
}

// Issue makes a ticket for p.
func (t *Tickets) Issue(ctx context.Context, p httpx.Principal) (Ticket, error) {
	tk := ticketPrefix + t.ids.Token(32)
	now := t.clock.Now()
	_, err := t.pool.Exec(ctx, `INSERT INTO ws_tickets (ticket_hash, principal_kind, principal_id, role, email, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, ticketHash(tk), p.Kind, p.ID, p.Role, p.Email, now, now.Add(TicketTTL))
	if err != nil {
		return Ticket{}, fmt.Errorf("cobrowse: issue ticket: %w", err)
	}
	return Ticket{Ticket: tk, ExpiresAt: now.Add(TicketTTL)}, nil
}

var (
	errBadTicket     = errs.New(errs.Unauthenticated, "invalid_ticket", "the ticket is unknown or already used; get a new one from POST /v1/ws-tickets")
	errExpiredTicket = errs.New(errs.Unauthenticated, "expired_ticket", "the ticket has expired (they last 30 seconds); get a new one")
)

// Consume redeems a ticket: it is deleted whether or not it is still valid,
// in one statement, so two connections can never share it.
func (t *Tickets) Consume(ctx context.Context, ticket string) (httpx.Principal, error) {
	var p httpx.Principal
	var expires time.Time
	err := t.pool.QueryRow(ctx, `DELETE FROM ws_tickets WHERE ticket_hash = $1
		RETURNING principal_kind, principal_id, role, email, expires_at`, ticketHash(ticket)).
		Scan(&p.Kind, &p.ID, &p.Role, &p.Email, &expires)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, errBadTicket
	}
	if err != nil {
		return p, fmt.Errorf("cobrowse: consume ticket: %w", err)
	}
	if !t.clock.Now().Before(expires) {
		return httpx.Principal{}, errExpiredTicket
	}
	return p, nil
}

// Authenticate lets a request authenticate with ?ticket=. A request that
// carries a ticket is authenticated by the ticket alone (consumed, right or
// wrong); one without passes through with whatever httpx.Auth found. Mount
// it after httpx.Auth.Authenticate, on WebSocket routes only.
func (t *Tickets) Authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tk := r.URL.Query().Get("ticket")
		if tk == "" {
			next.ServeHTTP(w, r)
			return
		}
		p, err := t.Consume(r.Context(), tk)
		if err != nil {
			httpx.WriteError(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(httpx.WithPrincipal(r.Context(), p)))
	})
}

// issue serves POST /v1/ws-tickets for any authenticated caller.
func (t *Tickets) issue(w http.ResponseWriter, r *http.Request) {
	p, ok := httpx.CurrentPrincipal(r.Context())
	if !ok {
		httpx.WriteError(w, r, errNoCredentials)
		return
	}
	tk, err := t.Issue(r.Context(), p)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, tk)
}

var errNoCredentials = errs.New(errs.Unauthenticated, "unauthenticated", "this endpoint needs valid credentials")
