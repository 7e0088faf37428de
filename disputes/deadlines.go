package disputes

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// ExpireDeadline acts on a deadline that has passed, exactly once: the
// deadline row is locked, acted on only while pending, and marked expired in
// the same transaction as the action (the durable job completes in it too).
// It reports whether it acted; a deadline not yet due is left alone.
func (s *Service) ExpireDeadline(ctx context.Context, tx pgx.Tx, deadlineID string) (bool, error) {
	now := s.clock.Now()
	dl, err := getDeadlineForUpdate(ctx, tx, deadlineID)
	if err != nil || dl.Status != "pending" || dl.DueAt.After(now) {
		return false, err
	}
	d, err := getDispute(ctx, tx, dl.DisputeID)
	if err != nil {
		return false, err
	}
	o, err := getOrder(ctx, tx, d.OrderID, false)
	if err != nil {
		return false, err
	}
	if _, err := tx.Exec(ctx, `UPDATE deadlines SET status = 'expired', resolved_at = $2 WHERE id = $1`, dl.ID, now); err != nil {
		return false, err
	}
	if err := appendEvent(ctx, tx, d.ID, "system", "deadline_expired", map[string]any{
		"deadline_id": dl.ID, "kind": dl.Kind, "due_at": dl.DueAt, "on_expiry": dl.OnExpiry}, now); err != nil {
		return false, err
	}
	return true, s.onExpiry(ctx, tx, &d, o, dl, now)
}

func (s *Service) onExpiry(ctx context.Context, tx pgx.Tx, d *Dispute, o Order, dl Deadline, now time.Time) error {
	switch dl.OnExpiry {
	case ExpireCustomerFavor: // the merchant was silent on a request
		if d.Status != StatusMerchantWindow {
			return saveDispute(ctx, tx, d, now) // already moved on: nothing to decide
		}
		dec, err := s.silenceDecision(ctx, tx, d.ID)
		if err != nil {
			return err
		}
		dec.Amount = d.Amount
		decisionID, err := s.recordDecision(ctx, tx, d.ID, dec, "", "merchant silent", now)
		if err != nil {
			return err
		}
		return s.close(ctx, tx, d, o, closing{decisionID: decisionID, outcome: CustomerFavor, amount: d.Amount,
			actor: "rule:" + dec.RuleID + "@" + dec.RuleVersion}, now)
	case ExpireEvidenceRequest: // the standard window passed unresolved
		to, err := Next(d.Status, StepWindowElapsed)
		if err != nil {
			return saveDispute(ctx, tx, d, now)
		}
		d.Status = to
		if err := saveDispute(ctx, tx, d, now); err != nil {
			return err
		}
		return s.requestCustomerEvidence(ctx, tx, d, "system", now)
	case ExpireDecide:
		if d.Status != StatusMerchantEvidence {
			return saveDispute(ctx, tx, d, now)
		}
		return s.endEvidenceStage(ctx, tx, d, o, StepEvidenceElapsed, "system", now)
	}
	return saveDispute(ctx, tx, d, now)
}

// silenceDecision is the resolution the rule that asked the merchant promised
// if the merchant stayed silent: the same rule, now resolving.
func (s *Service) silenceDecision(ctx context.Context, tx pgx.Tx, disputeID string) (Decision, error) {
	var dec Decision
	err := tx.QueryRow(ctx, `SELECT detail FROM decisions WHERE dispute_id = $1 AND action = 'request_merchant'
		ORDER BY seq DESC LIMIT 1`, disputeID).Scan(&dec)
	if err != nil {
		return Decision{}, err
	}
	dec.Action, dec.Outcome, dec.Amount = ActResolve, CustomerFavor, 0
	dec.Explanation = "The merchant did not respond by the deadline: " + dec.Explanation
	return dec, nil
}

// DueDeadlines lists pending deadlines that have passed, oldest first: what a
// sweep (or a restart) must act on.
func (s *Service) DueDeadlines(ctx context.Context, limit int) ([]string, error) {
	rows, err := s.db.Query(ctx, `SELECT id FROM deadlines WHERE status = 'pending' AND due_at <= $1 ORDER BY due_at LIMIT $2`,
		s.clock.Now(), limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}
