package disputes_test

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/settlehq/settle/disputes"
)

// orderOpts shapes a scenario's order.
type orderOpts struct {
	merchant   string
	ref        string
	customer   string
	unit       int64 // one line of this unit amount
	shipping   int64
	discount   int64
	captured   int64 // 0: lines + shipping - discount
	capturedAt string
	expected   string
	plan       string
}

// placeOrder creates the order through the merchant API and returns its id.
func (e *env) placeOrder(o orderOpts) string {
	e.t.Helper()
	if o.merchant == "" {
		o.merchant = "mer_a"
	}
	if o.plan == "" {
		o.plan = "pay_in_4"
	}
	if o.captured == 0 {
		o.captured = o.unit + o.shipping - o.discount
	}
	body := map[string]any{
		"merchant_order_ref": o.ref, "customer_id": o.customer, "currency": "USD",
		"items":           []any{map[string]any{"sku": "SKU-" + o.ref, "name": "Item " + o.ref, "quantity": 1, "unit_amount": o.unit}},
		"shipping_amount": o.shipping, "discount_amount": o.discount, "captured_amount": o.captured,
		"captured_at": o.capturedAt, "payment_plan": o.plan,
	}
	if o.expected != "" {
		body["expected_delivery_by"] = o.expected
	}
	r := e.call("POST", "/v1/merchant/orders", e.keys[o.merchant], body)
	if r.status != 201 {
		e.t.Fatalf("order %s: %d %s", o.ref, r.status, r.raw)
	}
	return r.body["order_id"].(string)
}

func (e *env) event(merchant, orderID, typ, at string, amount ...int64) {
	e.t.Helper()
	body := map[string]any{"type": typ, "at": at}
	if len(amount) > 0 {
		body["amount"] = amount[0]
	}
	if r := e.call("POST", "/v1/merchant/orders/"+orderID+"/events", e.keys[merchant], body); r.status != 201 {
		e.t.Fatalf("event %s: %d %s", typ, r.status, r.raw)
	}
}

// report opens a dispute as the customer through the API.
func (e *env) report(customer, orderID, reason string, extra ...map[string]any) resp {
	e.t.Helper()
	body := map[string]any{"order_id": orderID, "reason": reason, "description": "scenario"}
	for _, x := range extra {
		for k, v := range x {
			body[k] = v
		}
	}
	return e.call("POST", "/v1/disputes", e.customerToken(customer), body)
}

// statuses returns the order's installment statuses, in order.
func (e *env) statuses(orderID string) []string {
	e.t.Helper()
	rows, err := e.pool.Query(context.Background(), `SELECT status FROM installments WHERE order_id = $1 ORDER BY seq`, orderID)
	if err != nil {
		e.t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

// lastDecision returns the dispute's latest decision's rule, action and citations.
func (e *env) lastDecision(disputeID string) (rule, action, outcome string, citations []string) {
	e.t.Helper()
	err := e.pool.QueryRow(context.Background(), `SELECT rule_id, action, outcome, citations FROM decisions
		WHERE dispute_id = $1 ORDER BY seq DESC LIMIT 1`, disputeID).Scan(&rule, &action, &outcome, &citations)
	if err != nil {
		e.t.Fatal(err)
	}
	return
}

// pendingDeadline returns the dispute's pending deadline kind and due time.
func (e *env) pendingDeadline(disputeID string) (string, time.Time) {
	e.t.Helper()
	var kind string
	var due time.Time
	err := e.pool.QueryRow(context.Background(), `SELECT kind, due_at FROM deadlines WHERE dispute_id = $1 AND status = 'pending'`,
		disputeID).Scan(&kind, &due)
	if err != nil {
		e.t.Fatalf("pending deadline: %v", err)
	}
	return kind, due
}

// passTime moves the clock and acts on every deadline that passed, as the
// durable jobs do.
func (e *env) passTime(d time.Duration) int {
	e.t.Helper()
	e.clock.Advance(d)
	ids, err := e.svc.DueDeadlines(context.Background(), 100)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, id := range ids {
		err := pgx.BeginFunc(context.Background(), e.pool, func(tx pgx.Tx) error {
			_, err := e.svc.ExpireDeadline(context.Background(), tx, id)
			return err
		})
		if err != nil {
			e.t.Fatalf("expire %s: %v", id, err)
		}
	}
	return len(ids)
}

// assertAudit checks the dispute's audit log verifies through the ops API and
// holds the given event types.
func (e *env) assertAudit(disputeID string, types ...string) {
	e.t.Helper()
	r := e.call("GET", "/v1/ops/disputes/"+disputeID+"/audit", e.login("ops", "ops"), nil)
	if r.status != 200 || r.body["verified"] != true {
		e.t.Fatalf("audit: %d %s", r.status, r.raw)
	}
	seen := map[string]bool{}
	for _, ev := range r.body["events"].([]any) {
		seen[ev.(map[string]any)["type"].(string)] = true
	}
	for _, want := range types {
		if !seen[want] {
			e.t.Errorf("audit log lacks %q", want)
		}
	}
}

func equal(a []string, b ...string) bool {
	return fmt.Sprint(a) == fmt.Sprint(b)
}

func str(v any) string { return fmt.Sprint(v) }

// assertCited checks every rule decision on the dispute carries exactly the
// citations its rule declares, and that the audit log verifies.
func (e *env) assertCited(disputeID string) {
	e.t.Helper()
	cites := map[string][]string{}
	for _, r := range disputes.StarterRules() {
		cites[r.ID] = r.Cites
	}
	rows, err := e.pool.Query(context.Background(), `SELECT rule_id, citations FROM decisions WHERE dispute_id = $1 AND decided_by = 'rule'`, disputeID)
	if err != nil {
		e.t.Fatal(err)
	}
	var rule string
	var got []string
	n := 0
	pgx.ForEachRow(rows, []any{&rule, &got}, func() error {
		n++
		if !equal(got, cites[rule]...) {
			e.t.Errorf("decision by %s cites %v, want %v", rule, got, cites[rule])
		}
		return nil
	})
	if n == 0 {
		e.t.Error("no rule decision recorded")
	}
	e.assertAudit(disputeID)
}
