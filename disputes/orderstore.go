package disputes

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/settlehq/settle/internal/db"
)

const orderColumns = `o.id, o.merchant_id, m.name, o.merchant_order_ref, o.customer_id, o.market, o.currency,
	o.shipping_amount, o.discount_amount, o.captured_amount, o.captured_at, o.expected_delivery_by,
	o.payment_plan, o.created_at, o.updated_at`

func scanOrder(row pgx.CollectableRow) (Order, error) {
	o := Order{Items: []Item{}, Events: []Event{}}
	err := row.Scan(&o.ID, &o.MerchantID, &o.MerchantName, &o.MerchantOrderRef, &o.CustomerID, &o.Market,
		&o.Currency, &o.ShippingAmount, &o.DiscountAmount, &o.CapturedAmount, &o.CapturedAt,
		&o.ExpectedDeliveryBy, &o.Plan.Kind, &o.CreatedAt, &o.UpdatedAt)
	o.CapturedAt = o.CapturedAt.UTC()
	return o, err
}

// queryOrders runs a query selecting orderColumns (from orders o JOIN merchants m)
// and fills in each order's items, events and installments.
func queryOrders(ctx context.Context, q db.Querier, sql string, args ...any) ([]Order, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("query orders: %w", err)
	}
	orders, err := pgx.CollectRows(rows, scanOrder)
	if err != nil || len(orders) == 0 {
		return orders, err
	}
	byID := make(map[string]*Order, len(orders))
	ids := make([]string, len(orders))
	for i := range orders {
		byID[orders[i].ID] = &orders[i]
		ids[i] = orders[i].ID
	}
	if err := loadItems(ctx, q, ids, byID); err != nil {
		return nil, err
	}
	if err := loadEvents(ctx, q, ids, byID); err != nil {
		return nil, err
	}
	return orders, loadInstallments(ctx, q, ids, byID)
}

func loadItems(ctx context.Context, q db.Querier, ids []string, byID map[string]*Order) error {
	rows, err := q.Query(ctx, `SELECT order_id, sku, name, quantity, unit_amount FROM order_items
		WHERE order_id = ANY($1) ORDER BY order_id, line`, ids)
	if err != nil {
		return fmt.Errorf("load items: %w", err)
	}
	var oid string
	var it Item
	_, err = pgx.ForEachRow(rows, []any{&oid, &it.SKU, &it.Name, &it.Quantity, &it.UnitAmount}, func() error {
		byID[oid].Items = append(byID[oid].Items, it)
		return nil
	})
	return err
}

func loadEvents(ctx context.Context, q db.Querier, ids []string, byID map[string]*Order) error {
	rows, err := q.Query(ctx, `SELECT order_id, id, type, at, carrier, tracking_number, amount, received_at
		FROM order_events WHERE order_id = ANY($1) ORDER BY order_id, at, received_at`, ids)
	if err != nil {
		return fmt.Errorf("load events: %w", err)
	}
	var oid string
	var e Event
	_, err = pgx.ForEachRow(rows, []any{&oid, &e.ID, &e.Type, &e.At, &e.Carrier, &e.TrackingNumber, &e.Amount, &e.ReceivedAt}, func() error {
		ev := e
		ev.At, ev.ReceivedAt = ev.At.UTC(), ev.ReceivedAt.UTC()
		byID[oid].Events = append(byID[oid].Events, ev)
		return nil
	})
	return err
}

func loadInstallments(ctx context.Context, q db.Querier, ids []string, byID map[string]*Order) error {
	rows, err := q.Query(ctx, `SELECT order_id, seq, due_date, amount, status, paid_at, refunded_amount, late_fee
		FROM installments WHERE order_id = ANY($1) ORDER BY order_id, seq`, ids)
	if err != nil {
		return fmt.Errorf("load installments: %w", err)
	}
	var oid string
	var in Installment
	_, err = pgx.ForEachRow(rows, []any{&oid, &in.Seq, &in.DueDate.Time, &in.Amount, &in.Status, &in.PaidAt, &in.RefundedAmount, &in.LateFee}, func() error {
		i := in
		if i.PaidAt != nil {
			t := i.PaidAt.UTC()
			i.PaidAt = &t
		}
		byID[oid].Plan.Installments = append(byID[oid].Plan.Installments, i)
		return nil
	})
	return err
}

// getOrder loads one order by id; forUpdate locks its row for the transaction.
func getOrder(ctx context.Context, q db.Querier, orderID string, forUpdate bool) (Order, error) {
	sql := `SELECT ` + orderColumns + ` FROM orders o JOIN merchants m ON m.id = o.merchant_id WHERE o.id = $1`
	if forUpdate {
		sql += ` FOR UPDATE OF o`
	}
	orders, err := queryOrders(ctx, q, sql, orderID)
	if err != nil {
		return Order{}, err
	}
	if len(orders) == 0 {
		return Order{}, ErrOrderNotFound
	}
	return orders[0], nil
}

func insertOrder(ctx context.Context, tx pgx.Tx, o Order) error {
	_, err := tx.Exec(ctx, `INSERT INTO orders (id, merchant_id, merchant_order_ref, customer_id, market, currency,
		shipping_amount, discount_amount, captured_amount, captured_at, expected_delivery_by, payment_plan,
		created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$13)`,
		o.ID, o.MerchantID, o.MerchantOrderRef, o.CustomerID, o.Market, o.Currency, o.ShippingAmount,
		o.DiscountAmount, o.CapturedAmount, o.CapturedAt, o.ExpectedDeliveryBy, o.Plan.Kind, o.CreatedAt)
	if err != nil {
		return fmt.Errorf("insert order: %w", err)
	}
	if err := replaceItems(ctx, tx, o.ID, o.Items); err != nil {
		return err
	}
	return replaceInstallments(ctx, tx, o.ID, o.Plan.Installments)
}

func updateOrder(ctx context.Context, tx pgx.Tx, o Order) error {
	_, err := tx.Exec(ctx, `UPDATE orders SET shipping_amount = $2, discount_amount = $3, captured_amount = $4,
		captured_at = $5, expected_delivery_by = $6, payment_plan = $7, updated_at = $8 WHERE id = $1`,
		o.ID, o.ShippingAmount, o.DiscountAmount, o.CapturedAmount, o.CapturedAt, o.ExpectedDeliveryBy,
		o.Plan.Kind, o.UpdatedAt)
	if err != nil {
		return fmt.Errorf("update order: %w", err)
	}
	return replaceItems(ctx, tx, o.ID, o.Items)
}

func replaceItems(ctx context.Context, tx pgx.Tx, orderID string, items []Item) error {
	if _, err := tx.Exec(ctx, `DELETE FROM order_items WHERE order_id = $1`, orderID); err != nil {
		return fmt.Errorf("replace items: %w", err)
	}
	rows := make([][]any, len(items))
	for i, it := range items {
		rows[i] = []any{orderID, i + 1, it.SKU, it.Name, it.Quantity, it.UnitAmount}
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"order_items"},
		[]string{"order_id", "line", "sku", "name", "quantity", "unit_amount"}, pgx.CopyFromRows(rows))
	if err != nil {
		return fmt.Errorf("insert items: %w", err)
	}
	return nil
}

// replaceInstallments writes a plan's installments, replacing any before.
func replaceInstallments(ctx context.Context, tx pgx.Tx, orderID string, insts []Installment) error {
	if _, err := tx.Exec(ctx, `DELETE FROM installments WHERE order_id = $1`, orderID); err != nil {
		return fmt.Errorf("replace installments: %w", err)
	}
	b := &pgx.Batch{}
	for _, in := range insts {
		b.Queue(`INSERT INTO installments (order_id, seq, due_date, amount, status, paid_at, refunded_amount, late_fee)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
			orderID, in.Seq, in.DueDate.Time, in.Amount, in.Status, in.PaidAt, in.RefundedAmount, in.LateFee)
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("insert installments: %w", err)
	}
	return nil
}

// saveInstallments updates the mutable fields of existing installments.
func saveInstallments(ctx context.Context, tx pgx.Tx, orderID string, insts []Installment) error {
	b := &pgx.Batch{}
	for _, in := range insts {
		b.Queue(`UPDATE installments SET due_date = $3, status = $4, paid_at = $5, refunded_amount = $6, late_fee = $7
			WHERE order_id = $1 AND seq = $2`,
			orderID, in.Seq, in.DueDate.Time, in.Status, in.PaidAt, in.RefundedAmount, in.LateFee)
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("save installments: %w", err)
	}
	return nil
}

// insertEvent stores an event; a duplicate of a stored one (same type, time,
// tracking number and amount) is not stored again, and the stored one is returned
// with created false.
func insertEvent(ctx context.Context, tx pgx.Tx, orderID string, e Event) (Event, bool, error) {
	_, err := tx.Exec(ctx, `INSERT INTO order_events (id, order_id, type, at, carrier, tracking_number, amount, received_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT DO NOTHING`,
		e.ID, orderID, e.Type, e.At, e.Carrier, e.TrackingNumber, e.Amount, e.ReceivedAt)
	if err != nil {
		return Event{}, false, fmt.Errorf("insert event: %w", err)
	}
	var got Event
	err = tx.QueryRow(ctx, `SELECT id, type, at, carrier, tracking_number, amount, received_at FROM order_events
		WHERE order_id = $1 AND type = $2 AND at = $3 AND tracking_number = $4 AND coalesce(amount, 0) = coalesce($5, 0)`,
		orderID, e.Type, e.At, e.TrackingNumber, e.Amount).
		Scan(&got.ID, &got.Type, &got.At, &got.Carrier, &got.TrackingNumber, &got.Amount, &got.ReceivedAt)
	if err != nil {
		return Event{}, false, fmt.Errorf("read event: %w", err)
	}
	got.At, got.ReceivedAt = got.At.UTC(), got.ReceivedAt.UTC()
	return got, got.ID == e.ID, nil
}

func orderIDByRef(ctx context.Context, tx pgx.Tx, merchantID, ref string) (string, error) {
	var id string
	err := tx.QueryRow(ctx, `SELECT id FROM orders WHERE merchant_id = $1 AND merchant_order_ref = $2 FOR UPDATE`,
		merchantID, ref).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return id, err
}

func ensureCustomer(ctx context.Context, tx pgx.Tx, customerID, market string, now time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO customers (id, market, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO NOTHING`, customerID, market, now)
	if err != nil {
		return fmt.Errorf("ensure customer: %w", err)
	}
	return nil
}
