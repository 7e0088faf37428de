package disputes

import (
	"context"
	"fmt"
)

// AccrueLateFees charges the market's late fee on installments overdue past the
// grace period: once per installment, capped at 25% of the order
// (late-fees-and-missed-payments#3.2, #4.2). One fee per order per run, so the
// cap check always sees the fees already charged. Only scheduled installments are
// touched: a paused one never gets a fee (payment-pause#3.1), and the database
// refuses it even if a bug tried. It returns how many fees were charged.
func (s *Service) AccrueLateFees(ctx context.Context) (int, error) {
	tag, err := s.db.Exec(ctx, `
		UPDATE installments i SET late_fee = t.fee
		FROM orders o
		JOIN (SELECT market, max(value) FILTER (WHERE name = 'late_fee') AS fee,
		             max(value) FILTER (WHERE name = 'late_fee_grace_days') AS grace
		      FROM market_terms GROUP BY market) t ON t.market = o.market
		WHERE i.order_id = o.id
		  AND (i.order_id, i.seq) IN (
		      SELECT DISTINCT ON (x.order_id) x.order_id, x.seq FROM installments x JOIN orders xo ON xo.id = x.order_id
		      JOIN market_terms g ON g.market = xo.market AND g.name = 'late_fee_grace_days'
		      WHERE x.status = 'scheduled' AND x.late_fee = 0 AND x.due_date + g.value::int < $1::date
		      ORDER BY x.order_id, x.seq)
		  AND t.fee + (SELECT coalesce(sum(late_fee), 0) FROM installments x WHERE x.order_id = o.id) <= o.captured_amount / 4`,
		s.clock.Now())
	if err != nil {
		return 0, fmt.Errorf("accrue late fees: %w", err)
	}
	return int(tag.RowsAffected()), nil
}
