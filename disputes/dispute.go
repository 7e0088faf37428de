package disputes

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/settlehq/settle/internal/db"
	"github.com/settlehq/settle/internal/errs"
)

// Dispute is a customer's challenge of one order.
type Dispute struct {
	ID            string     `json:"id"`
	OrderID       string     `json:"order_id"`
	CustomerID    string     `json:"customer_id"`
	MerchantID    string     `json:"merchant_id"`
	Market        string     `json:"market"`
	Currency      string     `json:"currency"`
	Reason        Reason     `json:"reason"`
	SubReason     string     `json:"sub_reason"`
	Description   string     `json:"description"`
	Amount        int64      `json:"amount"`
	Status        Status     `json:"status"`
	Outcome       string     `json:"outcome"`
	OutcomeAmount int64      `json:"outcome_amount"`
	WantsHuman    bool       `json:"-"`
	NLUConfidence float64    `json:"-"`
	PausedAt      *time.Time `json:"paused_at"`
	SubmittedAt   *time.Time `json:"submitted_at"`
	ClosedAt      *time.Time `json:"closed_at"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
	Version       int        `json:"version"`
	AuditHead     []byte     `json:"-"`
}

// PaymentsPaused reports whether the dispute holds the plan paused.
func (d Dispute) PaymentsPaused() bool { return d.PausedAt != nil }

// Errors a caller can cause.
var (
	ErrDisputeNotFound = errs.New(errs.NotFound, "dispute_not_found", "no such dispute")
	ErrConcurrentWrite = errs.New(errs.Conflict, "concurrent_update", "the dispute changed while this request was handled; reload and try again")
	ErrDisputeExists   = errs.New(errs.Conflict, "dispute_exists", "this order already has an open dispute")
)

const disputeColumns = `id, order_id, customer_id, merchant_id, market, currency, reason, sub_reason, description,
	amount, status, outcome, outcome_amount, wants_human, nlu_confidence, paused_at, submitted_at, closed_at,
	created_at, updated_at, version, audit_head`

func scanDispute(row pgx.CollectableRow) (Dispute, error) {
	var d Dispute
	err := row.Scan(&d.ID, &d.OrderID, &d.CustomerID, &d.MerchantID, &d.Market, &d.Currency, &d.Reason, &d.SubReason,
		&d.Description, &d.Amount, &d.Status, &d.Outcome, &d.OutcomeAmount, &d.WantsHuman, &d.NLUConfidence,
		&d.PausedAt, &d.SubmittedAt, &d.ClosedAt, &d.CreatedAt, &d.UpdatedAt, &d.Version, &d.AuditHead)
	return d, err
}

func queryDisputes(ctx context.Context, q db.Querier, sql string, args ...any) ([]Dispute, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("query disputes: %w", err)
	}
	return pgx.CollectRows(rows, scanDispute)
}

func getDispute(ctx context.Context, q db.Querier, id string) (Dispute, error) {
	ds, err := queryDisputes(ctx, q, `SELECT `+disputeColumns+` FROM disputes WHERE id = $1`, id)
	if err != nil {
		return Dispute{}, err
	}
	if len(ds) == 0 {
		return Dispute{}, ErrDisputeNotFound
	}
	return ds[0], nil
}

func insertDispute(ctx context.Context, tx pgx.Tx, d Dispute) error {
	_, err := tx.Exec(ctx, `INSERT INTO disputes (id, order_id, customer_id, merchant_id, market, currency, reason,
		sub_reason, description, amount, status, wants_human, nlu_confidence, created_at, updated_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$14)`,
		d.ID, d.OrderID, d.CustomerID, d.MerchantID, d.Market, d.Currency, d.Reason, d.SubReason, d.Description,
		d.Amount, d.Status, d.WantsHuman, d.NLUConfidence, d.CreatedAt)
	if db.IsUniqueViolation(err, "disputes_one_open_per_order") {
		return ErrDisputeExists
	}
	if err != nil {
		return fmt.Errorf("insert dispute: %w", err)
	}
	return nil
}

// saveDispute writes d if nobody else changed it since it was read at
// d.Version: optimistic concurrency, so two concurrent writers never both win.
func saveDispute(ctx context.Context, tx pgx.Tx, d *Dispute, now time.Time) error {
	tag, err := tx.Exec(ctx, `UPDATE disputes SET status = $3, outcome = $4, outcome_amount = $5, paused_at = $6,
		submitted_at = $7, closed_at = $8, amount = $9, updated_at = $10, version = version + 1
		WHERE id = $1 AND version = $2`,
		d.ID, d.Version, d.Status, d.Outcome, d.OutcomeAmount, d.PausedAt, d.SubmittedAt, d.ClosedAt, d.Amount, now)
	if err != nil {
		return fmt.Errorf("save dispute: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ErrConcurrentWrite
	}
	d.Version++
	d.UpdatedAt = now
	return nil
}

// Deadline is a dated obligation on a dispute, acted on by a durable job when
// it passes.
type Deadline struct {
	ID         string     `json:"id"`
	DisputeID  string     `json:"dispute_id"`
	Kind       string     `json:"kind"`
	DueAt      time.Time  `json:"due_at"`
	Source     string     `json:"source"`
	OnExpiry   string     `json:"on_expiry"`
	Status     string     `json:"status"`
	CreatedAt  time.Time  `json:"created_at"`
	ResolvedAt *time.Time `json:"resolved_at,omitempty"`
}

// Deadline kinds and what happens when they pass.
const (
	KindMerchantResponse = "merchant_response"
	KindCustomerEvidence = "customer_evidence"

	ExpireCustomerFavor   = "customer_favor"   // merchant silent on a request
	ExpireEvidenceRequest = "evidence_request" // merchant window elapsed: ask the customer
	ExpireDecide          = "decide"           // evidence stage over: decide
)

func insertDeadline(ctx context.Context, tx pgx.Tx, dl Deadline) error {
	_, err := tx.Exec(ctx, `INSERT INTO deadlines (id, dispute_id, kind, due_at, source, on_expiry, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7)`, dl.ID, dl.DisputeID, dl.Kind, dl.DueAt, dl.Source, dl.OnExpiry, dl.CreatedAt)
	if err != nil {
		return fmt.Errorf("insert deadline: %w", err)
	}
	return nil
}

// settleDeadlines marks the dispute's pending deadlines met (or cancelled).
func settleDeadlines(ctx context.Context, tx pgx.Tx, disputeID, status string, now time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE deadlines SET status = $2, resolved_at = $3 WHERE dispute_id = $1 AND status = 'pending'`,
		disputeID, status, now)
	if err != nil {
		return fmt.Errorf("settle deadlines: %w", err)
	}
	return nil
}

func loadDeadlines(ctx context.Context, q db.Querier, disputeID string) ([]Deadline, error) {
	rows, err := q.Query(ctx, `SELECT id, dispute_id, kind, due_at, source, on_expiry, status, created_at, resolved_at
		FROM deadlines WHERE dispute_id = $1 ORDER BY created_at, due_at`, disputeID)
	if err != nil {
		return nil, fmt.Errorf("load deadlines: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Deadline])
}

func getDeadlineForUpdate(ctx context.Context, tx pgx.Tx, id string) (Deadline, error) {
	rows, err := tx.Query(ctx, `SELECT id, dispute_id, kind, due_at, source, on_expiry, status, created_at, resolved_at
		FROM deadlines WHERE id = $1 FOR UPDATE`, id)
	if err != nil {
		return Deadline{}, err
	}
	dl, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[Deadline])
	if errors.Is(err, pgx.ErrNoRows) {
		return Deadline{}, errs.NotFoundf("no deadline %s", id)
	}
	return dl, err
}

// marketTerms reads the market's configured values.
func marketTerms(ctx context.Context, q db.Querier, market string) (map[string]int64, error) {
	rows, err := q.Query(ctx, `SELECT name, value FROM market_terms WHERE market = $1`, market)
	if err != nil {
		return nil, fmt.Errorf("market terms: %w", err)
	}
	out := map[string]int64{}
	var name string
	var v int64
	_, err = pgx.ForEachRow(rows, []any{&name, &v}, func() error { out[name] = v; return nil })
	if err == nil && len(out) == 0 && market != "US" {
		// A market nobody configured gets the US defaults rather than no deadlines.
		return marketTerms(ctx, q, "US")
	}
	return out, err
}
