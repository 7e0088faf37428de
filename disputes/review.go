package disputes

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/settlehq/settle/internal/errs"
)

// ReviewInput is an ops reviewer's verdict on an automated (or agent) outcome.
type ReviewInput struct {
	Verdict string `json:"verdict"` // agree | overturn
	Note    string `json:"note"`
}

// Review records a verdict on a decision. An overturn reopens the dispute for an
// agent: the plan effects of the decision are reverted, unpaid installments are
// paused again, and a handoff goes to the queue. Both are audited.
func (s *Service) Review(ctx context.Context, reviewerID, decisionID string, in ReviewInput) error {
	if in.Verdict != "agree" && in.Verdict != "overturn" {
		return errs.Invalidf("verdict", "verdict must be agree or overturn")
	}
	if !utf8.ValidString(in.Note) || utf8.RuneCountInString(in.Note) > 4000 {
		return errs.Invalidf("note", "note is at most 4,000 characters")
	}
	if in.Verdict == "overturn" && strings.TrimSpace(in.Note) == "" {
		return errs.Invalidf("note", "an overturn needs a note saying why")
	}
	var disputeID, action string
	var effects struct {
		PlanEffects []Effect `json:"plan_effects"`
	}
	var detail []byte
	err := s.db.QueryRow(ctx, `SELECT dispute_id, action, detail FROM decisions WHERE id = $1`, decisionID).Scan(&disputeID, &action, &detail)
	if err == pgx.ErrNoRows {
		return errs.NotFoundf("no decision %s", decisionID)
	}
	if err != nil {
		return err
	}
	if action != string(ActResolve) {
		return errs.Conflictf("not_an_outcome", "only decisions that resolved a dispute can be reviewed")
	}
	if err := json.Unmarshal(detail, &effects); err != nil {
		return fmt.Errorf("review: read plan effects of %s: %w", decisionID, err)
	}
	_, err = s.change(ctx, disputeID, func(tx pgx.Tx, d *Dispute, o Order, now time.Time) error {
		tag, err := tx.Exec(ctx, `INSERT INTO decision_reviews (decision_id, verdict, note, reviewer_id, reviewed_at)
			VALUES ($1,$2,$3,$4,$5) ON CONFLICT DO NOTHING`, decisionID, in.Verdict, in.Note, reviewerID, now)
		if err != nil {
			return fmt.Errorf("record review: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return errs.Conflictf("already_reviewed", "this decision has already been reviewed")
		}
		actor := "staff:" + reviewerID
		if err := appendEvent(ctx, tx, d.ID, actor, "reviewed", map[string]any{
			"decision_id": decisionID, "verdict": in.Verdict, "note": in.Note}, now); err != nil {
			return err
		}
		if in.Verdict == "agree" {
			return saveDispute(ctx, tx, d, now)
		}
		return s.reopen(ctx, tx, d, o, decisionID, effects.PlanEffects, in.Note, actor, now)
	})
	return err
}

func (s *Service) reopen(ctx context.Context, tx pgx.Tx, d *Dispute, o Order, decisionID string, effects []Effect, note, actor string, now time.Time) error {
	var latest string
	if err := tx.QueryRow(ctx, `SELECT id FROM decisions WHERE dispute_id = $1 AND action = 'resolve'
		ORDER BY seq DESC LIMIT 1`, d.ID).Scan(&latest); err != nil {
		return err
	}
	if latest != decisionID {
		return errs.Conflictf("superseded", "a later decision replaced this one; review that one instead")
	}
	to, err := Next(d.Status, StepReopen)
	if err != nil {
		return err
	}
	before := o.Plan.Installments
	after := PausePlan(Revert(before, effects))
	if err := saveInstallments(ctx, tx, o.ID, after); err != nil {
		return err
	}
	d.Status, d.Outcome, d.OutcomeAmount, d.ClosedAt, d.PausedAt = to, "", 0, nil, &now
	if err := appendEvent(ctx, tx, d.ID, actor, "reopened", map[string]any{
		"decision_id": decisionID, "plan": Diff(before, after)}, now); err != nil {
		return err
	}
	o.Plan.Installments = after
	return s.escalate(ctx, tx, d, o, escalation{category: CatOverturned, actor: actor,
		note: "Ops overturned decision " + decisionID + ": " + note}, now)
}

// EscalateInput asks for a person on an open dispute (the chatbot's handoff).
type EscalateInput struct {
	Category       string
	Packet         map[string]any // added to the packet: summary, transcript, facts gathered
	Actor          string
	ConversationID string
}

// Escalate hands an open dispute to a person.
func (s *Service) Escalate(ctx context.Context, id string, in EscalateInput) (Handoff, error) {
	var h Handoff
	_, err := s.change(ctx, id, func(tx pgx.Tx, d *Dispute, o Order, now time.Time) error {
		if !d.Status.Open() {
			return errs.Conflictf("dispute_closed", "this dispute is %s", d.Status)
		}
		e := escalation{category: in.Category, extra: in.Packet, actor: in.Actor, conversationID: in.ConversationID}
		if err := s.escalate(ctx, tx, d, o, e, now); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT `+handoffColumns+` FROM handoffs WHERE dispute_id = $1 AND status = 'open'`, d.ID).
			Scan(h.fields()...)
	})
	return h, err
}
