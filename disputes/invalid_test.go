package disputes_test

import (
	"context"
	"testing"
	"time"
)

// Every invalid dispute request gets a clear 4xx and leaves the database as it was.
func TestInvalidDisputeRequests(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	oid := e.placeOrder(orderOpts{ref: "X-1", customer: "cus_1", unit: 15900, capturedAt: "2026-11-10T10:00:00Z"})
	other := e.placeOrder(orderOpts{ref: "X-2", customer: "cus_2", unit: 15900, capturedAt: "2026-11-10T10:00:00Z"})
	old := e.placeOrder(orderOpts{ref: "X-OLD", customer: "cus_1", unit: 15900, capturedAt: "2026-04-01T10:00:00Z"})
	refunded := e.placeOrder(orderOpts{ref: "X-REF", customer: "cus_1", unit: 4000, capturedAt: "2026-11-10T10:00:00Z"})
	e.event("mer_a", refunded, "refunded", "2026-11-11T10:00:00Z", 4000)
	withdrawn := e.placeOrder(orderOpts{ref: "X-W", customer: "cus_1", unit: 15900, capturedAt: "2026-11-10T10:00:00Z"})
	dW := e.report("cus_1", withdrawn, "defective_or_not_as_described").body["id"].(string)
	if r := e.call("POST", "/v1/disputes/"+dW+"/withdraw", e.customerToken("cus_1"), nil); r.status != 200 {
		t.Fatalf("withdraw: %d %s", r.status, r.raw)
	}
	open := e.placeOrder(orderOpts{ref: "X-OPEN", customer: "cus_1", unit: 15900, capturedAt: "2026-11-10T10:00:00Z"})
	dOpen := e.report("cus_1", open, "defective_or_not_as_described").body["id"].(string)
	cust := e.customerToken("cus_1")

	tests := []struct {
		name, method, path string
		token              string
		body               any
		status             int
		code               string
	}{
		{"unknown reason", "POST", "/v1/disputes", cust, map[string]any{"order_id": oid, "reason": "changed_my_mind"}, 422, "invalid_field"},
		{"missing reason", "POST", "/v1/disputes", cust, map[string]any{"order_id": oid}, 422, "invalid_field"},
		{"wrong sub-reason", "POST", "/v1/disputes", cust, map[string]any{"order_id": oid, "reason": "not_received", "sub_reason": "damaged"}, 422, "invalid_field"},
		{"other customer's order", "POST", "/v1/disputes", cust, map[string]any{"order_id": other, "reason": "not_received"}, 404, "order_not_found"},
		{"unknown order", "POST", "/v1/disputes", cust, map[string]any{"order_id": "ord_nope", "reason": "not_received"}, 404, "order_not_found"},
		{"amount over the order total", "POST", "/v1/disputes", cust, map[string]any{"order_id": oid, "reason": "incorrect_amount", "amount": 15901}, 422, "invalid_field"},
		{"negative amount", "POST", "/v1/disputes", cust, map[string]any{"order_id": oid, "reason": "incorrect_amount", "amount": -5}, 422, "invalid_field"},
		{"past the filing window", "POST", "/v1/disputes", cust, map[string]any{"order_id": old, "reason": "not_received"}, 422, "invalid_field"},
		{"fully refunded order", "POST", "/v1/disputes", cust, map[string]any{"order_id": refunded, "reason": "refund_not_processed"}, 422, "invalid_field"},
		{"second open dispute on an order", "POST", "/v1/disputes", cust, map[string]any{"order_id": open, "reason": "not_received"}, 409, "dispute_exists"},
		{"withdraw a withdrawn dispute", "POST", "/v1/disputes/" + dW + "/withdraw", cust, nil, 409, "illegal_transition"},
		{"evidence on a withdrawn dispute", "POST", "/v1/disputes/" + dW + "/evidence", cust, map[string]any{"text": "x"}, 409, "dispute_closed"},
		{"empty evidence", "POST", "/v1/disputes/" + dOpen + "/evidence", cust, map[string]any{"text": " "}, 422, "invalid_field"},
		{"evidence of a forbidden type", "POST", "/v1/disputes/" + dOpen + "/evidence", cust, map[string]any{"text": "x",
			"attachments": []any{map[string]any{"name": "a.exe", "content_type": "application/x-msdownload", "size": 10}}}, 422, "invalid_field"},
		{"merchant response to a withdrawn dispute", "POST", "/v1/merchant/disputes/" + dW + "/response", e.keys["mer_a"], map[string]any{"action": "accept"}, 409, "illegal_transition"},
		{"merchant refund above the dispute", "POST", "/v1/merchant/disputes/" + dOpen + "/response", e.keys["mer_a"], map[string]any{"action": "refund", "amount": 99999}, 422, "invalid_field"},
		{"unknown merchant action", "POST", "/v1/merchant/disputes/" + dOpen + "/response", e.keys["mer_a"], map[string]any{"action": "ignore"}, 422, "invalid_field"},
		{"agent decision on a dispute waiting for the merchant", "POST", "/v1/agent/cases/" + dOpen + "/decision", e.login("agent", "agent"), map[string]any{"outcome": "customer_favor", "note": "n"}, 409, "illegal_transition"},
		{"agent decision without a note", "POST", "/v1/agent/cases/" + dOpen + "/decision", e.login("agent", "agent"), map[string]any{"outcome": "customer_favor"}, 422, "invalid_field"},
		{"unknown outcome", "POST", "/v1/agent/cases/" + dOpen + "/decision", e.login("agent", "agent"), map[string]any{"outcome": "maybe", "note": "n"}, 422, "invalid_field"},
		{"review of an unknown decision", "POST", "/v1/ops/outcomes/dec_nope/review", e.login("ops", "ops"), map[string]any{"verdict": "agree"}, 404, "not_found"},
		{"unknown verdict", "POST", "/v1/ops/outcomes/dec_nope/review", e.login("ops", "ops"), map[string]any{"verdict": "meh"}, 422, "invalid_field"},
		{"bad metrics date", "GET", "/v1/ops/metrics?from=yesterday", e.login("ops", "ops"), nil, 400, "bad_request"},
		{"bad outcomes filter", "GET", "/v1/ops/outcomes?decided_by=robot", e.login("ops", "ops"), nil, 400, "bad_request"},
		{"unknown status filter", "GET", "/v1/merchant/disputes?status=lost", e.keys["mer_a"], nil, 400, "bad_request"},
		{"unknown dispute", "GET", "/v1/disputes/dsp_nope", cust, nil, 404, "dispute_not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.counts()
			r := e.call(tt.method, tt.path, tt.token, tt.body)
			if r.status != tt.status || r.errCode() != tt.code {
				t.Fatalf("got %d %q, want %d %q: %s", r.status, r.errCode(), tt.status, tt.code, r.raw)
			}
			e.assertUnchanged(before)
		})
	}
}

// Editing, deleting or reordering any stored audit event breaks verification.
func TestAuditChainDetectsTampering(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	oid := e.placeOrder(orderOpts{ref: "AUD-1", customer: "cus_1", unit: 14900, capturedAt: "2026-11-01T10:00:00Z"})
	e.event("mer_a", oid, "return_received", "2026-11-08T10:00:00Z")
	id := e.report("cus_1", oid, "refund_not_processed").body["id"].(string)
	e.passTime(8 * 24 * time.Hour)
	audit, err := e.svc.Audit(context.Background(), id)
	if err != nil || !audit.Verified || len(audit.Events) < 6 {
		t.Fatalf("untampered log: verified %v, %d events, %v", audit.Verified, len(audit.Events), err)
	}
	tampers := map[string]string{
		"data edited":   `UPDATE dispute_events SET data = '{"amount": 1}' WHERE dispute_id = $1 AND seq = $2`,
		"actor edited":  `UPDATE dispute_events SET actor = 'staff:mallory' WHERE dispute_id = $1 AND seq = $2`,
		"time edited":   `UPDATE dispute_events SET at = at + interval '1 second' WHERE dispute_id = $1 AND seq = $2`,
		"type edited":   `UPDATE dispute_events SET type = 'noop' WHERE dispute_id = $1 AND seq = $2`,
		"event deleted": `DELETE FROM dispute_events WHERE dispute_id = $1 AND seq = $2`,
	}
	for name, sql := range tampers {
		for seq := 1; seq <= len(audit.Events); seq++ {
			t.Run(name, func(t *testing.T) {
				ctx := context.Background()
				tx, err := e.pool.Begin(ctx)
				if err != nil {
					t.Fatal(err)
				}
				defer tx.Rollback(ctx) // each tamper is undone after it is checked
				if _, err := tx.Exec(ctx, sql, id, seq); err != nil {
					t.Fatal(err)
				}
				got, err := e.svc.WithDB(tx).Audit(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				if got.Verified {
					t.Fatalf("%s at seq %d still verifies", name, seq)
				}
			})
		}
	}
}
