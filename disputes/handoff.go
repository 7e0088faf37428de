package disputes

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/settlehq/settle/internal/db"
	"github.com/settlehq/settle/internal/errs"
)

// Handoff hands a dispute to a person, with everything the bot and the engine
// learned (the packet), so the agent never has to ask again.
type Handoff struct {
	ID             string          `json:"id"`
	DisputeID      string          `json:"dispute_id"` // "" for a conversation's handoff
	ConversationID string          `json:"conversation_id,omitempty"`
	CustomerID     string          `json:"customer_id"`
	ReasonCategory string          `json:"reason_category"`
	Packet         json.RawMessage `json:"packet,omitempty"`
	Status         string          `json:"status"`
	DeadlineAt     time.Time       `json:"deadline_at"`
	ClaimedBy      string          `json:"claimed_by,omitempty"`
	ClaimedAt      *time.Time      `json:"claimed_at,omitempty"`
	CreatedAt      time.Time       `json:"created_at"`
}

// escalation says why a dispute goes to a person.
type escalation struct {
	category string
	decision *Decision      // the engine's decision that escalated, if any
	extra    map[string]any // what the caller adds to the packet (the chatbot: summary, transcript)
	actor    string
	note     string
	// conversationID links the handoff to the chat it came from.
	conversationID string
}

// handoffSLA is how soon a person should pick up each kind of handoff; the
// queue is ordered by the resulting deadline.
var handoffSLA = map[string]time.Duration{
	CatCustomerRequest: 4 * time.Hour, CatFraud: 24 * time.Hour, CatVulnerable: 24 * time.Hour,
	CatLowConfidence: 24 * time.Hour, CatToolFailure: 4 * time.Hour, CatOverturned: 48 * time.Hour,
}

func (s *Service) escalate(ctx context.Context, tx pgx.Tx, d *Dispute, o Order, e escalation, now time.Time) error {
	step := StepEscalate
	if e.category == CatFraud && d.Status == StatusSubmitted {
		step = StepFraudReview
	}
	if !d.Status.HumanOwned() || d.Status == StatusUnderReview {
		to, err := Next(d.Status, step)
		if err != nil {
			return err
		}
		d.Status = to
	}
	if err := saveDispute(ctx, tx, d, now); err != nil {
		return err
	}
	packet, err := s.packet(ctx, tx, *d, o, e, now)
	if err != nil {
		return err
	}
	sla, ok := handoffSLA[e.category]
	if !ok {
		sla = 72 * time.Hour
	}
	h := Handoff{ID: s.ids.Make("hnd"), DisputeID: d.ID, CustomerID: d.CustomerID, ConversationID: e.conversationID,
		ReasonCategory: e.category, Packet: packet, Status: "open", DeadlineAt: now.Add(sla), CreatedAt: now}
	if err := insertHandoff(ctx, tx, h); err != nil {
		return err
	}
	return appendEvent(ctx, tx, d.ID, e.actor, "escalated", map[string]any{
		"handoff_id": h.ID, "reason_category": e.category, "note": e.note}, now)
}

// packet is the handoff packet of DESIGN.md §4.
func (s *Service) packet(ctx context.Context, tx pgx.Tx, d Dispute, o Order, e escalation, now time.Time) (json.RawMessage, error) {
	events, err := loadAudit(ctx, tx, d.ID)
	if err != nil {
		return nil, err
	}
	p := map[string]any{
		"reason_category": e.category,
		"summary": fmt.Sprintf("%s: %s disputed on %s order %s; handed over: %s", words(string(d.Reason)),
			moneyText(d.Amount, d.Currency), o.MerchantName, o.MerchantOrderRef, strings.ReplaceAll(e.category, "_", " ")),
		"dispute":  d,
		"order":    o,
		"timeline": events,
		"facts":    orderFacts(o),
	}
	if e.decision != nil {
		p["recommendation"] = map[string]any{"action": e.decision.Action, "outcome": e.decision.Recommendation,
			"rule_id": e.decision.RuleID, "explanation": e.decision.Explanation}
		p["cited_policy"] = e.decision.Citations
		p["risk_flags"] = nonNil(e.decision.RiskFlags)
	}
	if e.note != "" {
		p["note"] = e.note
	}
	for k, v := range e.extra {
		p[k] = v
	}
	return json.Marshal(p)
}

// words turns a code into words for a person: "refund_not_processed" →
// "Refund not processed".
func words(code string) string {
	s := strings.ReplaceAll(code, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// moneyText writes minor units in major units: 18911 USD → "189.11 USD",
// 5000 JPY → "5000 JPY".
func moneyText(minor int64, currency string) string {
	switch currency {
	case "JPY", "KRW", "ISK", "CLP", "VND":
		return fmt.Sprintf("%d %s", minor, currency)
	}
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	return fmt.Sprintf("%s%d.%02d %s", sign, minor/100, minor%100, currency)
}

func insertHandoff(ctx context.Context, tx pgx.Tx, h Handoff) error {
	// A dispute has at most one active handoff: a new escalation replaces it.
	if h.DisputeID != "" {
		if err := closeHandoffs(ctx, tx, h.DisputeID, h.CreatedAt); err != nil {
			return err
		}
	}
	_, err := tx.Exec(ctx, `INSERT INTO handoffs (id, dispute_id, conversation_id, customer_id, reason_category, packet,
		status, deadline_at, created_at) VALUES ($1, nullif($2, ''), nullif($3, ''), $4, $5, $6, 'open', $7, $8)`,
		h.ID, h.DisputeID, h.ConversationID, h.CustomerID, h.ReasonCategory, h.Packet, h.DeadlineAt, h.CreatedAt)
	if err != nil {
		return fmt.Errorf("insert handoff: %w", err)
	}
	return notifyQueue(ctx, tx, h.ID, "open")
}

func closeHandoffs(ctx context.Context, tx pgx.Tx, disputeID string, now time.Time) error {
	rows, err := tx.Query(ctx, `UPDATE handoffs SET status = 'closed', closed_at = $2 WHERE dispute_id = $1 AND status <> 'closed'
		RETURNING id`, disputeID, now)
	if err != nil {
		return fmt.Errorf("close handoffs: %w", err)
	}
	closed, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("close handoffs: %w", err)
	}
	for _, id := range closed {
		if err := notifyQueue(ctx, tx, id, "closed"); err != nil {
			return err
		}
	}
	return nil
}

// ErrAlreadyClaimed is returned to every claimer but the first.
var ErrAlreadyClaimed = errs.New(errs.Conflict, "already_claimed", "another agent has already claimed this case")

// Claim gives an open handoff to one agent. Exactly one of any number of
// concurrent claimers wins: the update only matches while the handoff is open.
func (s *Service) Claim(ctx context.Context, handoffID, agentID string) (Handoff, error) {
	now := s.clock.Now()
	var h Handoff
	err := s.tx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `UPDATE handoffs SET status = 'claimed', claimed_by = $2, claimed_at = $3
			WHERE id = $1 AND status = 'open'
			RETURNING `+handoffColumns, handoffID, agentID, now).Scan(h.fields()...)
		if err == pgx.ErrNoRows {
			var exists bool
			tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM handoffs WHERE id = $1)`, handoffID).Scan(&exists)
			if !exists {
				return errs.NotFoundf("no handoff %s", handoffID)
			}
			return ErrAlreadyClaimed
		}
		if err != nil {
			return fmt.Errorf("claim: %w", err)
		}
		if err := notifyQueue(ctx, tx, h.ID, h.Status); err != nil {
			return err
		}
		if h.DisputeID == "" {
			return nil // a conversation's handoff has no dispute log
		}
		if _, err := tx.Exec(ctx, `SELECT 1 FROM disputes WHERE id = $1 FOR UPDATE`, h.DisputeID); err != nil {
			return err
		}
		return appendEvent(ctx, tx, h.DisputeID, "staff:"+agentID, "claimed", map[string]any{"handoff_id": h.ID}, now)
	})
	return h, err
}

// QueueItem is one open handoff in the agent queue.
type QueueItem struct {
	Handoff
	Reason   Reason `json:"reason"`
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
	Merchant string `json:"merchant"`
	Summary  string `json:"summary"`
}

// Queue lists open handoffs, soonest deadline first.
func (s *Service) Queue(ctx context.Context, limit int) ([]QueueItem, error) {
	rows, err := s.db.Query(ctx, `SELECT h.id, coalesce(h.dispute_id, ''), coalesce(h.conversation_id, ''), h.customer_id,
		h.reason_category, h.packet, h.status, h.deadline_at, h.claimed_by, h.claimed_at, h.created_at, coalesce(d.reason, ''), coalesce(d.amount, 0),
		coalesce(d.currency, ''), coalesce(m.name, ''), coalesce(h.packet->>'summary', '')
		FROM handoffs h LEFT JOIN disputes d ON d.id = h.dispute_id LEFT JOIN merchants m ON m.id = d.merchant_id
		WHERE h.status = 'open' ORDER BY h.deadline_at, h.created_at LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (QueueItem, error) {
		var q QueueItem
		err := r.Scan(append(q.fields(), &q.Reason, &q.Amount, &q.Currency, &q.Merchant, &q.Summary)...)
		q.Packet = nil // the queue shows the summary; the case view has the packet
		return q, err
	})
}

const handoffColumns = `id, coalesce(dispute_id, ''), coalesce(conversation_id, ''), customer_id, reason_category, packet,
	status, deadline_at, claimed_by, claimed_at, created_at`

func (h *Handoff) fields() []any {
	return []any{&h.ID, &h.DisputeID, &h.ConversationID, &h.CustomerID, &h.ReasonCategory, &h.Packet, &h.Status,
		&h.DeadlineAt, &h.ClaimedBy, &h.ClaimedAt, &h.CreatedAt}
}

// getHandoff loads one handoff.
func getHandoff(ctx context.Context, q db.Querier, id string) (Handoff, error) {
	var h Handoff
	err := q.QueryRow(ctx, `SELECT `+handoffColumns+` FROM handoffs WHERE id = $1`, id).Scan(h.fields()...)
	if err == pgx.ErrNoRows {
		return h, errs.NotFoundf("no handoff %s", id)
	}
	return h, err
}

// GetHandoff returns one handoff with its packet (the agent's view of a
// conversation handoff that has no dispute).
func (s *Service) GetHandoff(ctx context.Context, id string) (Handoff, error) {
	return getHandoff(ctx, s.db, id)
}

// ConversationHandoffInput asks for a person from a chat that has no dispute.
type ConversationHandoffInput struct {
	CustomerID     string
	ConversationID string
	Category       string
	Packet         map[string]any
}

// ConversationHandoff queues a chat for a person when no dispute exists yet
// ("talk to a human" before anything else): a person is always one tap away.
func (s *Service) ConversationHandoff(ctx context.Context, in ConversationHandoffInput) (Handoff, error) {
	now := s.clock.Now()
	packet, err := json.Marshal(in.Packet)
	if err != nil {
		return Handoff{}, err
	}
	sla, ok := handoffSLA[in.Category]
	if !ok {
		sla = 72 * time.Hour
	}
	h := Handoff{ID: s.ids.Make("hnd"), ConversationID: in.ConversationID, CustomerID: in.CustomerID,
		ReasonCategory: in.Category, Packet: packet, Status: "open", DeadlineAt: now.Add(sla), CreatedAt: now}
	err = s.tx(ctx, func(tx pgx.Tx) error {
		if err := ensureCustomer(ctx, tx, in.CustomerID, "US", now); err != nil {
			return err
		}
		return insertHandoff(ctx, tx, h)
	})
	return h, err
}
