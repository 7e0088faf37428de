package cobrowse

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/settlehq/settle/internal/clock"
	"github.com/settlehq/settle/internal/db"
	"github.com/settlehq/settle/internal/errs"
	"github.com/settlehq/settle/internal/httpx"
	"github.com/settlehq/settle/internal/id"
)

// Cases tells cobrowse about the dispute an agent starts a session from.
// cmd/settle implements it over the disputes service: cobrowse never imports
// disputes.
type Cases interface {
	CobrowseCase(ctx context.Context, disputeID string) (Case, error)
}

// CasesFunc adapts a function to Cases.
type CasesFunc func(ctx context.Context, disputeID string) (Case, error)

// CobrowseCase calls f.
func (f CasesFunc) CobrowseCase(ctx context.Context, disputeID string) (Case, error) {
	return f(ctx, disputeID)
}

// Case is what a session needs to know of a dispute. Cases returns an
// errs.NotFound error for a dispute that does not exist.
type Case struct {
	CustomerID string
	Open       bool   // still in progress
	HumanOwned bool   // escalated: a person, not the engine, decides it
	Handoff    string // the active handoff: "" (none), "open" (unclaimed) or "claimed"
	ClaimedBy  string // the agent who claimed it
}

// Notifier tells a customer that an agent asks to see their app. The chatbot
// implements it by pushing Request on the customer's conversation socket; a
// nil error means the customer was told.
type Notifier interface {
	CobrowseRequested(ctx context.Context, customerID string, r Request) error
}

// Request is the conversation-socket message of API.md:
// {"type":"cobrowse_request","session_id","capabilities"}.
type Request struct {
	Type         string       `json:"type"`
	SessionID    string       `json:"session_id"`
	Capabilities []Capability `json:"capabilities"`
}

// Config configures the Service; zero durations take the defaults.
type Config struct {
	Clock          clock.Clock
	IDs            *id.Generator
	Cases          Cases
	Notifier       Notifier // nil: the customer app learns by polling
	Log            *slog.Logger
	IdleTimeout    time.Duration // active without customer events: 5 min
	ConsentTimeout time.Duration // requested and unanswered: 10 min
	Retention      time.Duration // recordings kept after the end: 90 days
}

// Service is cobrowse's storage and rules over PostgreSQL: sessions and
// their lifecycle, consent receipts, join codes, recordings and the policy.
type Service struct {
	pool    *pgxpool.Pool
	cfg     Config
	guesses *httpx.Limiter // wrong join codes per agent
	changed func(Session)
}

// Code-guessing limit: an agent gets this many wrong codes a minute.
const (
	maxWrongCodes   = 5
	wrongCodeWindow = time.Minute
)

// NewService returns the service on pool.
func NewService(pool *pgxpool.Pool, cfg Config) *Service {
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = 5 * time.Minute
	}
	if cfg.ConsentTimeout == 0 {
		cfg.ConsentTimeout = 10 * time.Minute
	}
	if cfg.Retention == 0 {
		cfg.Retention = 90 * 24 * time.Hour
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	return &Service{pool: pool, cfg: cfg, guesses: httpx.NewLimiter(maxWrongCodes, wrongCodeWindow, cfg.Clock), changed: func(Session) {}}
}

// OnChange sets what hears about every committed state change; the hub's
// Changed, wired in cmd/settle.
func (s *Service) OnChange(f func(Session)) { s.changed = f }

// Config returns the service's configuration (with defaults filled in).
func (s *Service) Config() Config { return s.cfg }

// ErrSessionNotFound is a 404.
var ErrSessionNotFound = errs.New(errs.NotFound, "session_not_found", "no such cobrowse session")

const sessionColumns = `s.id, s.status, s.origin, coalesce(s.dispute_id, ''), s.customer_id, s.agent_id,
	s.requested_capabilities, s.capabilities, s.policy_version, s.created_at, s.delivered_at, s.consented_at,
	s.ended_at, s.end_reason, s.ended_by, s.last_activity_at, s.version, p.unredact_selectors, p.secret_selectors`

const sessionFrom = ` FROM cobrowse_sessions s JOIN cobrowse_policies p ON p.version = s.policy_version `

func scanSession(row pgx.CollectableRow) (Session, error) {
	var s Session
	var requested, granted []string
	err := row.Scan(&s.ID, &s.Status, &s.Origin, &s.DisputeID, &s.CustomerID, &s.AgentID, &requested, &granted,
		&s.PolicyVersion, &s.CreatedAt, &s.DeliveredAt, &s.ConsentedAt, &s.EndedAt, &s.EndReason, &s.EndedBy,
		&s.LastActivityAt, &s.Version, &s.Policy.UnredactSelectors, &s.Policy.SecretSelectors)
	s.Requested, s.Capabilities, s.Policy.Version = caps(requested), caps(granted), s.PolicyVersion
	return s, err
}

func caps(ss []string) []Capability {
	out := make([]Capability, len(ss))
	for i, c := range ss {
		out[i] = Capability(c)
	}
	return out
}

func strs(cs []Capability) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = string(c)
	}
	return out
}

func querySessions(ctx context.Context, q db.Querier, where string, args ...any) ([]Session, error) {
	rows, err := q.Query(ctx, `SELECT `+sessionColumns+sessionFrom+where, args...)
	if err != nil {
		return nil, fmt.Errorf("cobrowse: query sessions: %w", err)
	}
	return pgx.CollectRows(rows, scanSession)
}

func getSession(ctx context.Context, q db.Querier, id string, forUpdate bool) (Session, error) {
	lock := ""
	if forUpdate {
		lock = " FOR UPDATE OF s"
	}
	ss, err := querySessions(ctx, q, `WHERE s.id = $1`+lock, id)
	if err != nil {
		return Session{}, err
	}
	if len(ss) == 0 {
		return Session{}, ErrSessionNotFound
	}
	return ss[0], nil
}

// Session returns a session by id.
func (s *Service) Session(ctx context.Context, id string) (Session, error) {
	return getSession(ctx, s.pool, id, false)
}

// CreateInput is the body of POST /v1/cobrowse/sessions: exactly one of
// dispute_id and code, and optionally the capabilities asked for.
type CreateInput struct {
	DisputeID    string       `json:"dispute_id"`
	Code         string       `json:"code"`
	Capabilities []Capability `json:"capabilities"`
}

func (in CreateInput) requested() ([]Capability, error) {
	switch {
	case in.DisputeID == "" && in.Code == "":
		return nil, errs.Invalidf("dispute_id", "name the escalated dispute (dispute_id) or the customer's code (code)")
	case in.DisputeID != "" && in.Code != "":
		return nil, errs.Invalidf("code", "send either dispute_id or code, not both")
	case in.Capabilities == nil:
		return defaultRequest, nil
	}
	return checkCapabilities("capabilities", in.Capabilities)
}

// Create starts a session for agentID, from an escalated dispute the agent
// owns or from a code the customer read out, and asks the customer.
func (s *Service) Create(ctx context.Context, agentID string, in CreateInput) (Session, error) {
	requested, err := in.requested()
	if err != nil {
		return Session{}, err
	}
	var sess Session
	if in.DisputeID != "" {
		sess, err = s.createForDispute(ctx, agentID, in.DisputeID, requested)
	} else {
		sess, err = s.createFromCode(ctx, agentID, in.Code, requested)
	}
	if err != nil {
		return Session{}, err
	}
	return s.notify(ctx, sess), nil
}

func (s *Service) createForDispute(ctx context.Context, agentID, disputeID string, requested []Capability) (Session, error) {
	c, err := s.cfg.Cases.CobrowseCase(ctx, disputeID)
	if err != nil {
		return Session{}, err
	}
	if err := c.check(agentID); err != nil {
		return Session{}, err
	}
	var sess Session
	err = db.Tx(ctx, s.pool, func(tx pgx.Tx) error {
		sess, err = s.insert(ctx, tx, newSession{origin: OriginDispute, disputeID: disputeID, customerID: c.CustomerID, agentID: agentID, requested: requested})
		return err
	})
	return sess, err
}

// check applies the rules for starting a session from a dispute: it is open,
// a person owns it, and if its handoff was claimed, this agent claimed it.
func (c Case) check(agentID string) error {
	switch {
	case !c.Open:
		return errs.Conflictf("dispute_closed", "the dispute is closed")
	case !c.HumanOwned:
		return errs.Conflictf("not_escalated", "the dispute is not escalated to a person")
	case c.Handoff == "open":
		return errs.Conflictf("not_claimed", "claim this case from the queue before starting a cobrowse session")
	case c.Handoff == "claimed" && c.ClaimedBy != agentID:
		return errs.New(errs.Forbidden, "claimed_by_other", "another agent owns this case")
	}
	return nil
}

type newSession struct {
	origin                         Origin
	disputeID, customerID, agentID string
	requested                      []Capability
}

// insert adds a requested session under the policy now in force.
func (s *Service) insert(ctx context.Context, tx pgx.Tx, n newSession) (Session, error) {
	sid, now := s.cfg.IDs.Make("cbs"), s.cfg.Clock.Now()
	_, err := tx.Exec(ctx, `INSERT INTO cobrowse_sessions (id, origin, dispute_id, customer_id, agent_id, status,
		requested_capabilities, policy_version, created_at, last_activity_at)
		VALUES ($1, $2, NULLIF($3, ''), $4, $5, 'requested', $6,
		(SELECT version FROM cobrowse_policies ORDER BY seq DESC LIMIT 1), $7, $7)`,
		sid, n.origin, n.disputeID, n.customerID, n.agentID, strs(n.requested), now)
	if db.IsUniqueViolation(err, "cobrowse_sessions_one_live_per_customer") {
		return Session{}, errs.Conflictf("session_exists", "the customer already has a cobrowse session in progress; end it first")
	}
	if err != nil {
		return Session{}, fmt.Errorf("cobrowse: insert session: %w", err)
	}
	return getSession(ctx, tx, sid, false)
}

// notify asks the customer through the Notifier; once told, the session
// awaits consent. A failed notification leaves it requested: the customer
// app also polls.
func (s *Service) notify(ctx context.Context, sess Session) Session {
	if s.cfg.Notifier == nil {
		return sess
	}
	err := s.cfg.Notifier.CobrowseRequested(ctx, sess.CustomerID, Request{Type: "cobrowse_request", SessionID: sess.ID, Capabilities: sess.Requested})
	if err != nil {
		s.cfg.Log.Warn("cobrowse: the customer could not be notified", slog.String("session_id", sess.ID), slog.String("error", err.Error()))
		return sess
	}
	delivered, err := s.deliver(ctx, `s.id = $1`, sess.ID)
	if err != nil || len(delivered) == 0 {
		return sess
	}
	return delivered[0]
}

// deliver moves the requested sessions matching where to awaiting_consent.
func (s *Service) deliver(ctx context.Context, where string, arg string) ([]Session, error) {
	rows, err := s.pool.Query(ctx, `WITH d AS (UPDATE cobrowse_sessions s SET status = 'awaiting_consent',
		delivered_at = $2, version = version + 1 WHERE `+where+` AND s.status = 'requested' RETURNING s.*)
		SELECT `+sessionColumns+` FROM d s JOIN cobrowse_policies p ON p.version = s.policy_version`, arg, s.cfg.Clock.Now())
	if err != nil {
		return nil, fmt.Errorf("cobrowse: deliver: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanSession)
	for _, d := range out {
		s.changed(d)
	}
	return out, err
}

// ForCustomer returns the customer's session; reading it counts as the
// request reaching the customer.
func (s *Service) ForCustomer(ctx context.Context, customerID, id string) (Session, error) {
	sess, err := s.Session(ctx, id)
	if err != nil {
		return sess, err
	}
	if sess.CustomerID != customerID {
		return Session{}, errOtherCustomer
	}
	if sess.Status == StatusRequested {
		if d, err := s.deliver(ctx, `s.id = $1`, id); err == nil && len(d) == 1 {
			return d[0], nil
		}
	}
	return sess, nil
}

var (
	errOtherCustomer = errs.New(errs.Forbidden, "not_your_session", "this cobrowse session belongs to another customer")
	errOtherAgent    = errs.New(errs.Forbidden, "not_your_session", "only the agent who started this cobrowse session may join or end it")
)

// CustomerSessions lists the customer's sessions, newest first, optionally
// by status; listing delivers pending requests (so awaiting_consent also
// finds the ones just requested).
func (s *Service) CustomerSessions(ctx context.Context, customerID string, status Status) ([]Session, error) {
	if _, err := s.deliver(ctx, `s.customer_id = $1`, customerID); err != nil {
		return nil, err
	}
	switch status {
	case "", StatusRequested, StatusAwaitingConsent, StatusActive, StatusEnded:
	default:
		return nil, errs.Invalidf("status", "status must be requested, awaiting_consent, active or ended")
	}
	return querySessions(ctx, s.pool, `WHERE s.customer_id = $1 AND ($2 = '' OR s.status = $2)
		ORDER BY s.created_at DESC LIMIT 50`, customerID, string(status))
}

// End ends a session (a no-op on an ended one). The caller has checked that
// by may end it.
func (s *Service) End(ctx context.Context, id string, by Party, reason string) (Session, error) {
	var sess Session
	changed := false
	err := db.Tx(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		if sess, err = getSession(ctx, tx, id, true); err != nil || sess.Status == StatusEnded {
			return err
		}
		if _, err := Next(sess.Status, StepEnd); err != nil {
			return err
		}
		changed = true
		sess, err = endSession(ctx, tx, id, by, reason, s.cfg.Clock.Now())
		return err
	})
	if err == nil && changed {
		s.changed(sess)
	}
	return sess, err
}

func endSession(ctx context.Context, tx pgx.Tx, id string, by Party, reason string, now time.Time) (Session, error) {
	_, err := tx.Exec(ctx, `UPDATE cobrowse_sessions SET status = 'ended', ended_at = $2, ended_by = $3,
		end_reason = $4, capabilities = '{}', version = version + 1 WHERE id = $1`, id, now, by, reason)
	if err != nil {
		return Session{}, fmt.Errorf("cobrowse: end session: %w", err)
	}
	return getSession(ctx, tx, id, false)
}

// ExpireStale ends active sessions without customer activity for the idle
// timeout and requests unanswered for the consent timeout.
func (s *Service) ExpireStale(ctx context.Context) ([]Session, error) {
	now := s.cfg.Clock.Now()
	rows, err := s.pool.Query(ctx, `WITH e AS (UPDATE cobrowse_sessions s SET status = 'ended', ended_at = $1,
		ended_by = 'system', capabilities = '{}', version = version + 1,
		end_reason = CASE WHEN s.status = 'active' THEN 'idle_timeout' ELSE 'consent_timeout' END
		WHERE (s.status = 'active' AND s.last_activity_at < $2)
		   OR (s.status IN ('requested', 'awaiting_consent') AND s.created_at < $3)
		RETURNING s.*)
		SELECT `+sessionColumns+` FROM e s JOIN cobrowse_policies p ON p.version = s.policy_version`,
		now, now.Add(-s.cfg.IdleTimeout), now.Add(-s.cfg.ConsentTimeout))
	if err != nil {
		return nil, fmt.Errorf("cobrowse: expire sessions: %w", err)
	}
	ended, err := pgx.CollectRows(rows, scanSession)
	if err != nil {
		return nil, fmt.Errorf("cobrowse: expire sessions: %w", err)
	}
	for _, e := range ended {
		s.cfg.Log.Info("cobrowse: session timed out", slog.String("session_id", e.ID), slog.String("reason", e.EndReason))
		s.changed(e)
	}
	return ended, nil
}

// authorize checks that p may see session sess as role: the customer their
// own, the agent the sessions they started. Ops and admins read sessions
// (GET) but never join them live: they review recordings.
func authorize(p httpx.Principal, sess Session, role Role) error {
	switch {
	case role == RoleCustomer && p.Kind != httpx.KindCustomer:
		return errs.New(errs.Forbidden, "wrong_role", "role=customer is for the session's customer")
	case role == RoleCustomer && p.ID != sess.CustomerID:
		return errOtherCustomer
	case role == RoleAgent && p.Kind != httpx.KindStaff:
		return errs.New(errs.Forbidden, "wrong_role", "role=agent is for staff")
	case role == RoleAgent && p.ID != sess.AgentID:
		return errOtherAgent
	}
	return nil
}
