package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/settlehq/settle/internal/db/dbtest"
)

// dump renders the order book canonically, to compare two seeds.
func dump(t *testing.T, pool *pgxpool.Pool) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT id, name, email, phone, address, market FROM customers ORDER BY id`,
		`SELECT id, name, market, auto_accept_threshold FROM merchants ORDER BY id`,
		`SELECT id, merchant_id, merchant_order_ref, customer_id, currency, shipping_amount, discount_amount,
			captured_amount, captured_at, expected_delivery_by, payment_plan FROM orders ORDER BY id`,
		`SELECT order_id, line, sku, quantity, unit_amount FROM order_items ORDER BY order_id, line`,
		`SELECT id, order_id, type, at, tracking_number, amount FROM order_events ORDER BY id`,
		`SELECT order_id, seq, due_date, amount, status, paid_at, refunded_amount FROM installments ORDER BY order_id, seq`,
		`SELECT email, role FROM staff ORDER BY email`,
	} {
		rows, err := pool.Query(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			vals, _ := rows.Values()
			fmt.Fprintln(&b, vals...)
		}
		rows.Close()
	}
	return b.String()
}

func seeded(t *testing.T) *pgxpool.Pool {
	t.Helper()
	pool := dbtest.New(t)
	if _, err := seedDemo(context.Background(), pool, testNow); err != nil {
		t.Fatal(err)
	}
	return pool
}

func TestSeedIsDeterministic(t *testing.T) {
	a, b := dump(t, seeded(t)), dump(t, seeded(t))
	if a != b {
		t.Fatal("two seeds with the same clock differ")
	}
}

// The seed covers every situation the dispute reasons need, found from the data
// itself rather than from the seed's own labels.
func TestSeedCoversEverySituation(t *testing.T) {
	pool := seeded(t)
	checks := []struct {
		name string
		sql  string
		min  int
	}{
		{"customers", `SELECT count(*) FROM customers`, 40},
		{"merchants", `SELECT count(*) FROM merchants`, 12},
		{"orders", `SELECT count(*) FROM orders`, 400},
		{"UK orders in GBP", `SELECT count(*) FROM orders WHERE currency = 'GBP'`, 20},
		{"pay in 4", `SELECT count(*) FROM orders WHERE payment_plan = 'pay_in_4'`, 50},
		{"pay in 30", `SELECT count(*) FROM orders WHERE payment_plan = 'pay_in_30'`, 30},
		{"pay now", `SELECT count(*) FROM orders WHERE payment_plan = 'pay_now'`, 30},
		{"delivered", `SELECT count(DISTINCT order_id) FROM order_events WHERE type = 'delivered'`, 100},
		{"late: shipped, past expected delivery + 5 days, no delivery scan", `SELECT count(*) FROM orders o
			WHERE o.expected_delivery_by < $1::timestamptz - interval '5 days'
			AND EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id AND e.type = 'shipped')
			AND NOT EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id AND e.type = 'delivered')`, 10},
		{"never shipped", `SELECT count(*) FROM orders o WHERE o.expected_delivery_by < $1
			AND NOT EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id)`, 10},
		{"returned and received, not refunded", `SELECT count(*) FROM orders o
			WHERE EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id AND e.type = 'return_received' AND e.at <= $1::timestamptz - interval '3 days')
			AND NOT EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id AND e.type = 'refunded')`, 10},
		{"returned, not received", `SELECT count(*) FROM orders o
			WHERE EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id AND e.type = 'return_shipped')
			AND NOT EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id AND e.type = 'return_received')`, 5},
		{"cancelled, not refunded", `SELECT count(*) FROM orders o
			WHERE EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id AND e.type = 'cancelled')
			AND NOT EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id AND e.type = 'refunded')`, 10},
		{"cancelled and refunded", `SELECT count(*) FROM orders o
			WHERE EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id AND e.type = 'cancelled')
			AND EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id AND e.type = 'refunded')`, 2},
		{"partially refunded", `SELECT count(*) FROM orders o WHERE (SELECT sum(amount) FROM order_events e
			WHERE e.order_id = o.id AND e.type = 'refunded') < o.captured_amount`, 5},
		{"duplicate captures: same merchant, customer and amount within 10 minutes", `SELECT count(*) FROM orders a JOIN orders b
			ON a.merchant_id = b.merchant_id AND a.customer_id = b.customer_id AND a.captured_amount = b.captured_amount
			AND a.id < b.id AND abs(extract(epoch FROM a.captured_at - b.captured_at)) <= 600`, 5},
		{"invoice mismatches", `SELECT count(*) FROM orders o WHERE o.captured_amount <>
			(SELECT sum(quantity * unit_amount) FROM order_items i WHERE i.order_id = o.id) + o.shipping_amount - o.discount_amount`, 5},
		{"subscriptions billed after a cancellation", `SELECT count(*) FROM orders o JOIN orders prev
			ON prev.merchant_id = o.merchant_id AND prev.customer_id = o.customer_id AND prev.captured_at < o.captured_at
			JOIN order_events c ON c.order_id = prev.id AND c.type = 'cancelled' AND c.at < o.captured_at
			WHERE o.merchant_id IN ('mer_demo_streambox', 'mer_demo_fitclub')`, 5},
		{"paid installments", `SELECT count(*) FROM installments WHERE status = 'paid'`, 200},
		{"scheduled installments", `SELECT count(*) FROM installments WHERE status = 'scheduled'`, 100},
		{"every customer has orders", `SELECT count(*) FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id)`, 48},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			var n int
			args := []any{}
			if strings.Contains(c.sql, "$1") {
				args = append(args, testNow)
			}
			if err := pool.QueryRow(context.Background(), c.sql, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n < c.min {
				t.Fatalf("%d, want at least %d", n, c.min)
			}
		})
	}
}
