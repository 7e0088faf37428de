package disputes

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/settlehq/settle/internal/errs"
)

// AgentDecision is an agent's decision on a case they own.
type AgentDecision struct {
	Outcome Outcome `json:"outcome"`
	Amount  *int64  `json:"amount"`
	Note    string  `json:"note"`
}

func (in AgentDecision) amount(d Dispute) (int64, error) {
	switch in.Outcome {
	case CustomerFavor:
		if in.Amount == nil {
			return d.Amount, nil
		}
		if *in.Amount <= 0 || *in.Amount > d.Amount {
			return 0, errs.Invalidf("amount", "amount must be from 1 to the disputed %d %s", d.Amount, d.Currency)
		}
		return *in.Amount, nil
	case Partial:
		if in.Amount == nil || *in.Amount <= 0 || *in.Amount >= d.Amount {
			return 0, errs.Invalidf("amount", "a partial outcome needs an amount between 1 and %d %s", d.Amount-1, d.Currency)
		}
		return *in.Amount, nil
	case MerchantFavor:
		if in.Amount != nil && *in.Amount != 0 {
			return 0, errs.Invalidf("amount", "merchant_favor gives nothing back; leave amount out")
		}
		return 0, nil
	case "":
		return 0, errs.Invalidf("outcome", "outcome is required: customer_favor, merchant_favor or partial")
	}
	return 0, errs.Invalidf("outcome", "outcome must be customer_favor, merchant_favor or partial, not %q", in.Outcome)
}

// Decide records an agent's decision and closes the dispute. Only a case a
// person owns can be decided, and only by the agent who claimed its handoff.
func (s *Service) Decide(ctx context.Context, agentID, id string, in AgentDecision) (Dispute, error) {
	if strings.TrimSpace(in.Note) == "" || !utf8.ValidString(in.Note) || utf8.RuneCountInString(in.Note) > 4000 {
		return Dispute{}, errs.Invalidf("note", "a note (1 to 4,000 characters) explaining the decision is required")
	}
	return s.change(ctx, id, func(tx pgx.Tx, d *Dispute, o Order, now time.Time) error {
		amount, err := in.amount(*d)
		if err != nil {
			return err
		}
		if !d.Status.HumanOwned() {
			return errs.Conflictf("illegal_transition", "a dispute that is %s is not waiting for an agent's decision", d.Status)
		}
		if err := checkClaim(ctx, tx, d.ID, agentID); err != nil {
			return err
		}
		dec := Decision{Action: ActResolve, Outcome: in.Outcome, Amount: amount, DecidedBy: "agent",
			PolicyVersion: PolicyVersion, Explanation: in.Note}
		decisionID, err := s.recordDecision(ctx, tx, d.ID, dec, agentID, in.Note, now)
		if err != nil {
			return err
		}
		actor := "staff:" + agentID
		if err := appendEvent(ctx, tx, d.ID, actor, "agent_decision", map[string]any{
			"decision_id": decisionID, "outcome": in.Outcome, "amount": amount, "note": in.Note}, now); err != nil {
			return err
		}
		return s.close(ctx, tx, d, o, closing{decisionID: decisionID, outcome: in.Outcome, amount: amount, actor: actor}, now)
	})
}

// checkClaim requires the dispute's active handoff to be claimed by agentID.
func checkClaim(ctx context.Context, tx pgx.Tx, disputeID, agentID string) error {
	var status, claimedBy string
	err := tx.QueryRow(ctx, `SELECT status, claimed_by FROM handoffs WHERE dispute_id = $1 AND status <> 'closed'`, disputeID).
		Scan(&status, &claimedBy)
	switch {
	case err == pgx.ErrNoRows:
		return nil // no handoff (an ops reviewer's case): the role check is enough
	case err != nil:
		return err
	case status == "open":
		return errs.Conflictf("not_claimed", "claim this case from the queue before deciding it")
	case claimedBy != agentID:
		return errs.New(errs.Forbidden, "claimed_by_other", "another agent owns this case")
	}
	return nil
}
