package disputes

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/settlehq/settle/internal/errs"
)

// MerchantResponse is the merchant's answer to a dispute.
type MerchantResponse struct {
	Action   string        `json:"action"` // accept | refund | contest
	Amount   *int64        `json:"amount"`
	Evidence EvidenceInput `json:"evidence"`
}

// Respond records the merchant's answer. Accepting or refunding resolves the
// dispute for the customer; contesting opens the evidence stage, where the
// customer is asked to answer by a deadline.
func (s *Service) Respond(ctx context.Context, merchantID, id string, in MerchantResponse) (Dispute, error) {
	return s.change(ctx, id, func(tx pgx.Tx, d *Dispute, o Order, now time.Time) error {
		if d.MerchantID != merchantID {
			return ErrDisputeNotFound
		}
		if !d.Reason.AgainstMerchant() {
			return errs.Conflictf("not_merchant_dispute", "this dispute is about the lender's billing; there is nothing for the merchant to answer")
		}
		if d.Status != StatusMerchantWindow && d.Status != StatusMerchantEvidence {
			return errs.Conflictf("illegal_transition", "a dispute that is %s is not waiting for the merchant", d.Status)
		}
		actor := "merchant:" + merchantID
		switch in.Action {
		case "accept", "refund":
			return s.merchantResolves(ctx, tx, d, o, in, actor, now)
		case "contest":
			return s.merchantContests(ctx, tx, d, in, actor, now)
		case "":
			return errs.Invalidf("action", "action is required: accept, refund or contest")
		}
		return errs.Invalidf("action", "action must be accept, refund or contest, not %q", in.Action)
	})
}

func (s *Service) merchantResolves(ctx context.Context, tx pgx.Tx, d *Dispute, o Order, in MerchantResponse, actor string, now time.Time) error {
	amount := d.Amount
	if in.Action == "refund" {
		if in.Amount == nil {
			return errs.Invalidf("amount", "a refund needs the amount refunded")
		}
		if *in.Amount <= 0 || *in.Amount > d.Amount {
			return errs.Invalidf("amount", "the refund must be from 1 to the disputed %d %s", d.Amount, d.Currency)
		}
		amount = *in.Amount
	} else if in.Amount != nil {
		return errs.Invalidf("amount", "accept takes no amount: it accepts the disputed %d %s", d.Amount, d.Currency)
	}
	if err := appendEvent(ctx, tx, d.ID, actor, "merchant_responded", map[string]any{"action": in.Action, "amount": amount}, now); err != nil {
		return err
	}
	outcome := CustomerFavor
	if amount < d.Amount {
		outcome = Partial
	}
	return s.close(ctx, tx, d, o, closing{outcome: outcome, amount: amount, actor: actor, byMerchant: true}, now)
}

func (s *Service) merchantContests(ctx context.Context, tx pgx.Tx, d *Dispute, in MerchantResponse, actor string, now time.Time) error {
	if d.Status != StatusMerchantWindow {
		return errs.Conflictf("illegal_transition", "the merchant has already responded to this dispute")
	}
	if in.Amount != nil {
		return errs.Invalidf("amount", "contest takes no amount")
	}
	if err := in.Evidence.validate(); err != nil {
		return err
	}
	to, err := Next(d.Status, StepMerchantContest)
	if err != nil {
		return err
	}
	if err := s.saveEvidence(ctx, tx, d.ID, "merchant", in.Evidence, now); err != nil {
		return err
	}
	if err := appendEvent(ctx, tx, d.ID, actor, "merchant_responded", map[string]any{"action": "contest",
		"attachments": len(in.Evidence.Attachments), "tracking_number": in.Evidence.TrackingNumber}, now); err != nil {
		return err
	}
	d.Status = to
	if err := saveDispute(ctx, tx, d, now); err != nil {
		return err
	}
	if err := settleDeadlines(ctx, tx, d.ID, "met", now); err != nil {
		return err
	}
	return s.requestCustomerEvidence(ctx, tx, d, actor, now)
}

// requestCustomerEvidence starts the customer's evidence deadline: 7 days for
// unauthorized, 21 for the rest (merchant-obligations#3.2), per market.
func (s *Service) requestCustomerEvidence(ctx context.Context, tx pgx.Tx, d *Dispute, actor string, now time.Time) error {
	terms, err := marketTerms(ctx, tx, d.Market)
	if err != nil {
		return err
	}
	name := "evidence_days"
	if d.Reason == Unauthorized {
		name = "evidence_unauthorized_days"
	}
	due := now.Add(time.Duration(terms[name]) * day)
	return s.addDeadline(ctx, tx, d.ID, KindCustomerEvidence, due, "market:"+d.Market+":"+name, ExpireDecide, actor, now)
}
