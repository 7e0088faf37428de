package disputes

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// buildCase gathers everything the engine may look at for a dispute, inside
// the caller's transaction so the facts and the decision agree.
func (s *Service) buildCase(ctx context.Context, tx pgx.Tx, d Dispute, o Order, stage string, now time.Time) (Case, error) {
	terms, err := marketTerms(ctx, tx, d.Market)
	if err != nil {
		return Case{}, err
	}
	c := Case{
		Reason: d.Reason, SubReason: d.SubReason, Market: d.Market, Currency: d.Currency,
		DisputedAmount: d.Amount, Stage: stage, WantsHuman: d.WantsHuman, NLUConfidence: d.NLUConfidence, Now: now,
		Terms: MarketTerms{MerchantResponseDays: int(terms["merchant_response_days"]), HighAmount: terms["high_amount"]},
		Order: orderFacts(o),
	}
	if c.Duplicates, err = duplicateCaptures(ctx, tx, o); err != nil {
		return Case{}, err
	}
	if c.Customer, err = customerFacts(ctx, tx, d.CustomerID, now); err != nil {
		return Case{}, err
	}
	if err := tx.QueryRow(ctx, `SELECT auto_accept_threshold FROM merchants WHERE id = $1`, d.MerchantID).
		Scan(&c.Merchant.AutoAcceptThreshold); err != nil {
		return Case{}, fmt.Errorf("merchant facts: %w", err)
	}
	if stage == "evidence_closed" {
		c.Evidence, err = evidenceFacts(ctx, tx, d.ID)
	}
	return c, err
}

// orderFacts reads the merchant's events: the first time each thing happened.
func orderFacts(o Order) OrderFacts {
	f := OrderFacts{CapturedAmount: o.CapturedAmount, ExpectedTotal: o.ExpectedTotal(), RefundedTotal: o.RefundedTotal(),
		CapturedAt: o.CapturedAt, ExpectedDeliveryBy: o.ExpectedDeliveryBy}
	first := map[EventType]**time.Time{Shipped: &f.ShippedAt, Delivered: &f.DeliveredAt,
		ReturnShipped: &f.ReturnShippedAt, ReturnReceived: &f.ReturnReceivedAt, Cancelled: &f.CancelledAt}
	for _, e := range o.Events { // ordered by At
		if p, ok := first[e.Type]; ok && *p == nil {
			at := e.At
			*p = &at
		}
	}
	return f
}

func duplicateCaptures(ctx context.Context, tx pgx.Tx, o Order) ([]CaptureFacts, error) {
	rows, err := tx.Query(ctx, `SELECT id, captured_amount, captured_at FROM orders
		WHERE merchant_id = $1 AND customer_id = $2 AND id <> $3 AND captured_amount = $4
		AND captured_at BETWEEN $5::timestamptz - interval '10 minutes' AND $5::timestamptz + interval '10 minutes'
		ORDER BY captured_at, id`, o.MerchantID, o.CustomerID, o.ID, o.CapturedAmount, o.CapturedAt)
	if err != nil {
		return nil, fmt.Errorf("duplicate captures: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (CaptureFacts, error) {
		var c CaptureFacts
		err := r.Scan(&c.OrderID, &c.Amount, &c.CapturedAt)
		c.CapturedAt = c.CapturedAt.UTC()
		return c, err
	})
}

func customerFacts(ctx context.Context, tx pgx.Tx, customerID string, now time.Time) (CustomerFacts, error) {
	var f CustomerFacts
	err := tx.QueryRow(ctx, `SELECT c.vulnerable, c.restricted,
		(SELECT count(*) FROM disputes d WHERE d.customer_id = c.id AND d.created_at > $2::timestamptz - interval '90 days'),
		coalesce((SELECT max($2::date - i.due_date) FROM installments i JOIN orders o ON o.id = i.order_id
			WHERE o.customer_id = c.id AND i.status = 'scheduled' AND i.due_date < $2::date), 0)
		FROM customers c WHERE c.id = $1`, customerID, now).
		Scan(&f.Vulnerable, &f.Restricted, &f.DisputesLast90Days, &f.MaxDaysOverdue)
	if err != nil {
		return f, fmt.Errorf("customer facts: %w", err)
	}
	return f, nil
}

func evidenceFacts(ctx context.Context, tx pgx.Tx, disputeID string) (EvidenceFacts, error) {
	var f EvidenceFacts
	err := tx.QueryRow(ctx, `SELECT
		EXISTS (SELECT 1 FROM dispute_events WHERE dispute_id = $1 AND type = 'merchant_responded'),
		EXISTS (SELECT 1 FROM dispute_events WHERE dispute_id = $1 AND type = 'merchant_responded' AND data->>'action' = 'contest'),
		EXISTS (SELECT 1 FROM dispute_evidence WHERE dispute_id = $1 AND party = 'customer')`, disputeID).
		Scan(&f.MerchantResponded, &f.MerchantContested, &f.CustomerEvidence)
	if err != nil {
		return f, fmt.Errorf("evidence facts: %w", err)
	}
	f.Conflicting = f.MerchantContested && f.CustomerEvidence
	return f, nil
}
