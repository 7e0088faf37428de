package disputes

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// closing is how a dispute ends: which decision, outcome and amount.
type closing struct {
	decisionID string
	outcome    Outcome
	amount     int64 // given back to the customer (customer_favor, partial)
	actor      string
	byMerchant bool // the merchant accepted or refunded
}

// close applies an outcome to the plan and ends the dispute: the customer's
// share is taken off what is owed (then refunded), and whatever is still owed
// resumes with shifted due dates (payment-pause#5).
func (s *Service) close(ctx context.Context, tx pgx.Tx, d *Dispute, o Order, c closing, now time.Time) error {
	final, err := s.closeStatus(d, c)
	if err != nil {
		return err
	}
	before := o.Plan.Installments
	after := before
	if c.outcome != MerchantFavor && c.amount > 0 {
		after = SettleForCustomer(after, c.amount)
	}
	if d.PausedAt != nil {
		after = ResumePlan(after, *d.PausedAt, now)
	}
	effects := Diff(before, after)
	if err := saveInstallments(ctx, tx, o.ID, after); err != nil {
		return err
	}
	if c.decisionID != "" {
		if err := saveEffects(ctx, tx, c.decisionID, effects); err != nil {
			return err
		}
	}
	d.Status, d.Outcome, d.OutcomeAmount, d.ClosedAt, d.PausedAt = final, string(c.outcome), c.amount, &now, nil
	if c.outcome == MerchantFavor {
		d.OutcomeAmount = 0
	}
	if err := saveDispute(ctx, tx, d, now); err != nil {
		return err
	}
	if err := settleDeadlines(ctx, tx, d.ID, "met", now); err != nil {
		return err
	}
	if err := closeHandoffs(ctx, tx, d.ID, now); err != nil {
		return err
	}
	return appendEvent(ctx, tx, d.ID, c.actor, "closed", map[string]any{
		"status": final, "outcome": c.outcome, "amount": d.OutcomeAmount, "decision_id": c.decisionID, "plan": effects}, now)
}

// closeStatus walks the lifecycle to the final status, refusing illegal moves.
func (s *Service) closeStatus(d *Dispute, c closing) (Status, error) {
	if c.byMerchant {
		return Next(d.Status, StepMerchantResolve)
	}
	decided, err := Next(d.Status, StepDecide)
	if err != nil {
		return "", err
	}
	step := StepCloseCustomer
	if c.outcome == MerchantFavor {
		step = StepCloseMerchant
	}
	return Next(decided, step)
}

func saveEffects(ctx context.Context, tx pgx.Tx, decisionID string, effects []Effect) error {
	raw, err := json.Marshal(map[string]any{"plan_effects": effects})
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE decisions SET detail = detail || $2::jsonb WHERE id = $1`, decisionID, raw)
	if err != nil {
		return fmt.Errorf("save effects: %w", err)
	}
	return nil
}

// Rule modes: automatic, or proposals an agent must approve.
const (
	ModeAuto        = "auto"
	ModeProposeOnly = "propose_only"
)

func ruleMode(ctx context.Context, tx pgx.Tx, ruleID string) (string, error) {
	var mode string
	err := tx.QueryRow(ctx, `SELECT mode FROM rule_settings WHERE rule_id = $1`, ruleID).Scan(&mode)
	if err == pgx.ErrNoRows {
		return ModeAuto, nil
	}
	if err != nil {
		return "", fmt.Errorf("rule mode: %w", err)
	}
	return mode, nil
}
