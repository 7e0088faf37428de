package disputes

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// View is a dispute as its parties see it: status, deadline, outcome, the
// customer-readable timeline, and the order's current payment schedule.
type View struct {
	Dispute
	PaymentsPausedNow bool          `json:"payments_paused"`
	DeadlineAt        *time.Time    `json:"deadline_at"`
	DeadlineKind      string        `json:"deadline_kind,omitempty"`
	Timeline          []TimelineRow `json:"timeline"`
	PaymentPlan       PaymentPlan   `json:"payment_plan"`
	MerchantName      string        `json:"merchant_name"`
	OrderRef          string        `json:"merchant_order_ref"`
}

// TimelineRow is one step of the dispute in words a customer understands.
type TimelineRow struct {
	At   time.Time `json:"at"`
	Type string    `json:"type"`
	Text string    `json:"text"`
}

func (s *Service) view(ctx context.Context, d Dispute) (View, error) {
	v := View{Dispute: d, PaymentsPausedNow: d.PaymentsPaused(), Timeline: []TimelineRow{}}
	o, err := getOrder(ctx, s.db, d.OrderID, false)
	if err != nil {
		return v, err
	}
	v.PaymentPlan, v.MerchantName, v.OrderRef = o.Plan, o.MerchantName, o.MerchantOrderRef
	dls, err := loadDeadlines(ctx, s.db, d.ID)
	if err != nil {
		return v, err
	}
	for _, dl := range dls {
		if dl.Status == "pending" && (v.DeadlineAt == nil || dl.DueAt.Before(*v.DeadlineAt)) {
			due := dl.DueAt
			v.DeadlineAt, v.DeadlineKind = &due, dl.Kind
		}
	}
	events, err := loadAudit(ctx, s.db, d.ID)
	if err != nil {
		return v, err
	}
	for _, e := range events {
		if text := timelineText(e, d, o.MerchantName); text != "" {
			v.Timeline = append(v.Timeline, TimelineRow{At: e.At, Type: e.Type, Text: text})
		}
	}
	return v, nil
}

// timelineText words an audit event for the customer; internal events are
// left out.
func timelineText(e AuditEvent, d Dispute, merchant string) string {
	var data map[string]any
	json.Unmarshal(e.Data, &data)
	switch e.Type {
	case "opened":
		return "You reported a problem with this order."
	case "payments_paused":
		return "Your payments are paused while we look into it. No late fees while paused."
	case "deadline_set":
		due, _ := time.Parse(time.RFC3339Nano, fmt.Sprint(data["due_at"]))
		if data["kind"] == KindMerchantResponse {
			return fmt.Sprintf("We asked %s to respond by %s.", merchant, due.Format("2 January 2006"))
		}
		return fmt.Sprintf("We need your evidence by %s.", due.Format("2 January 2006"))
	case "merchant_responded":
		if data["action"] == "contest" {
			return merchant + " disagreed and sent evidence."
		}
		return merchant + " accepted your claim."
	case "evidence_added":
		return "Evidence was added to your dispute."
	case "escalated":
		return "A specialist is reviewing your case."
	case "closed":
		return closedText(fmt.Sprint(data["outcome"]))
	case "withdrawn":
		return "You withdrew the dispute. Your payments have resumed."
	case "reopened":
		return "Your case was reopened for another review. Payments are paused again."
	}
	return ""
}

func closedText(outcome string) string {
	switch Outcome(outcome) {
	case CustomerFavor:
		return "Decided in your favour. Your plan has been updated."
	case Partial:
		return "Decided partly in your favour. Your plan has been reduced."
	case MerchantFavor:
		return "Decided in the merchant's favour. Your remaining payments have resumed with new due dates."
	}
	return "Your dispute is closed."
}

// CustomerDispute returns one of the customer's disputes.
func (s *Service) CustomerDispute(ctx context.Context, customerID, id string) (View, error) {
	d, err := getDispute(ctx, s.db, id)
	if err != nil || d.CustomerID != customerID {
		return View{}, ErrDisputeNotFound
	}
	return s.view(ctx, d)
}

// DisputeView returns any dispute's view (for staff).
func (s *Service) DisputeView(ctx context.Context, id string) (View, error) {
	d, err := getDispute(ctx, s.db, id)
	if err != nil {
		return View{}, err
	}
	return s.view(ctx, d)
}

// CustomerDisputes lists the customer's disputes, newest first.
func (s *Service) CustomerDisputes(ctx context.Context, customerID string) ([]View, error) {
	ds, err := queryDisputes(ctx, s.db, `SELECT `+disputeColumns+` FROM disputes WHERE customer_id = $1
		ORDER BY created_at DESC LIMIT 200`, customerID)
	if err != nil {
		return nil, err
	}
	return s.views(ctx, ds)
}

func (s *Service) views(ctx context.Context, ds []Dispute) ([]View, error) {
	out := make([]View, 0, len(ds))
	for _, d := range ds {
		v, err := s.view(ctx, d)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// MerchantDisputes lists the merchant's disputes, optionally by status, soonest
// deadline first.
func (s *Service) MerchantDisputes(ctx context.Context, merchantID, status string) ([]View, error) {
	ds, err := queryDisputes(ctx, s.db, `SELECT `+disputeColumns+` FROM disputes d WHERE merchant_id = $1
		AND ($2 = '' OR status = $2)
		ORDER BY (SELECT min(due_at) FROM deadlines dl WHERE dl.dispute_id = d.id AND dl.status = 'pending') NULLS LAST,
		created_at DESC LIMIT 500`, merchantID, status)
	if err != nil {
		return nil, err
	}
	return s.views(ctx, ds)
}

// Audit returns the dispute's log and whether its hash chain verifies.
func (s *Service) Audit(ctx context.Context, id string) (AuditLog, error) {
	d, err := getDispute(ctx, s.db, id)
	if err != nil {
		return AuditLog{}, err
	}
	events, err := loadAudit(ctx, s.db, id)
	if err != nil {
		return AuditLog{}, err
	}
	ok, at := VerifyChain(id, events, d.AuditHead)
	return AuditLog{DisputeID: id, Events: events, Verified: ok, BrokenAt: at}, nil
}

// Case is the agent's view: the dispute, its handoff packet, decisions and
// evidence.
type CaseView struct {
	View
	Handoff   *Handoff          `json:"handoff"`
	Decisions []json.RawMessage `json:"decisions"`
	Evidence  []json.RawMessage `json:"evidence"`
	Order     Order             `json:"order"`
}

// AgentCase returns the case view for a dispute.
func (s *Service) AgentCase(ctx context.Context, id string) (CaseView, error) {
	v, err := s.DisputeView(ctx, id)
	if err != nil {
		return CaseView{}, err
	}
	cv := CaseView{View: v}
	if cv.Order, err = getOrder(ctx, s.db, v.OrderID, false); err != nil {
		return cv, err
	}
	var h Handoff
	err = s.db.QueryRow(ctx, `SELECT `+handoffColumns+` FROM handoffs WHERE dispute_id = $1 ORDER BY created_at DESC LIMIT 1`, id).
		Scan(h.fields()...)
	if err == nil {
		cv.Handoff = &h
	} else if err != pgx.ErrNoRows {
		return cv, err
	}
	if cv.Decisions, err = jsonRows(ctx, s, `SELECT row_to_json(x) FROM (SELECT d.*, r.verdict, r.note AS review_note
		FROM decisions d LEFT JOIN decision_reviews r ON r.decision_id = d.id WHERE d.dispute_id = $1 ORDER BY d.seq) x`, id); err != nil {
		return cv, err
	}
	cv.Evidence, err = jsonRows(ctx, s, `SELECT row_to_json(e) FROM dispute_evidence e WHERE dispute_id = $1 ORDER BY created_at`, id)
	return cv, err
}

func jsonRows(ctx context.Context, s *Service, sql string, args ...any) ([]json.RawMessage, error) {
	rows, err := s.db.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (json.RawMessage, error) {
		var b []byte
		err := r.Scan(&b)
		return json.RawMessage(b), err
	})
	if out == nil {
		out = []json.RawMessage{}
	}
	return out, err
}

// DecisionSummary is a dispute's latest decision, as the chatbot words it.
type DecisionSummary struct {
	RuleID      string   `json:"rule_id"`
	Action      string   `json:"action"`
	Outcome     string   `json:"outcome"`
	Amount      int64    `json:"amount"`
	Citations   []string `json:"citations"`
	Explanation string   `json:"explanation"`
}

// LatestDecision returns the dispute's most recent decision.
func (s *Service) LatestDecision(ctx context.Context, disputeID string) (DecisionSummary, error) {
	var d DecisionSummary
	err := s.db.QueryRow(ctx, `SELECT rule_id, action, outcome, amount, citations, coalesce(detail->>'explanation', '')
		FROM decisions WHERE dispute_id = $1 ORDER BY seq DESC LIMIT 1`, disputeID).
		Scan(&d.RuleID, &d.Action, &d.Outcome, &d.Amount, &d.Citations, &d.Explanation)
	return d, err
}
