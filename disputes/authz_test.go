package disputes_test

import (
	"context"
	"testing"
)

// Every endpoint × every kind of caller × own or someone else's resource. A
// refused call changes nothing; the last caller of each row is the one allowed.
func TestAuthorization(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	oA := e.placeOrder(orderOpts{ref: "A", customer: "cus_1", unit: 15900, capturedAt: "2026-11-10T10:00:00Z"})
	e.event("mer_a", oA, "delivered", "2026-11-12T10:00:00Z")
	dA := e.report("cus_1", oA, "defective_or_not_as_described").body["id"].(string)
	oB := e.placeOrder(orderOpts{merchant: "mer_b", ref: "B", customer: "cus_2", unit: 9900, capturedAt: "2026-11-10T10:00:00Z"})
	dB := e.report("cus_2", oB, "defective_or_not_as_described").body["id"].(string)
	oC := e.placeOrder(orderOpts{ref: "C", customer: "cus_1", unit: 5900, capturedAt: "2026-11-10T10:00:00Z"})
	e.event("mer_a", oC, "cancelled", "2026-11-11T10:00:00Z")
	e.report("cus_1", oC, "refund_not_processed")
	var decC string
	e.pool.QueryRow(context.Background(), `SELECT x.id FROM decisions x JOIN disputes d ON d.id = x.dispute_id WHERE d.order_id = $1`, oC).Scan(&decC)
	oD := e.placeOrder(orderOpts{ref: "D", customer: "cus_1", unit: 34900, capturedAt: "2026-11-16T10:00:00Z"})
	dD := e.report("cus_1", oD, "unauthorized").body["id"].(string)
	var hD string
	e.pool.QueryRow(context.Background(), `SELECT id FROM handoffs WHERE dispute_id = $1`, dD).Scan(&hD)
	oE := e.placeOrder(orderOpts{ref: "E", customer: "cus_1", unit: 4900, capturedAt: "2026-11-16T10:00:00Z"})

	who := map[string]string{
		"anonymous": "", "customer": e.customerToken("cus_1"), "other customer": e.customerToken("cus_2"),
		"merchant": e.keys["mer_a"], "other merchant": e.keys["mer_b"],
		"agent": e.login("agent", "agent"), "other agent": e.login("agent2", "agent"),
		"ops": e.login("ops", "ops"), "admin": e.login("admin", "admin"),
	}
	type call struct {
		caller string
		status int
	}
	staffRefused := []call{{"customer", 403}, {"merchant", 403}}
	rows := []struct {
		method, path string
		body         any
		calls        []call
	}{
		{"GET", "/v1/me/orders", nil, []call{{"anonymous", 401}, {"merchant", 403}, {"agent", 403}, {"ops", 403}, {"customer", 200}}},
		{"GET", "/v1/me/orders/" + oA, nil, []call{{"anonymous", 401}, {"other customer", 404}, {"merchant", 403}, {"customer", 200}}},
		{"GET", "/v1/me/disputes", nil, []call{{"anonymous", 401}, {"merchant", 403}, {"admin", 403}, {"customer", 200}}},
		{"GET", "/v1/disputes/" + dA, nil, []call{{"anonymous", 401}, {"other customer", 404}, {"merchant", 403}, {"agent", 403}, {"ops", 403}, {"customer", 200}}},
		{"GET", "/v1/merchant/orders/" + oA, nil, []call{{"anonymous", 401}, {"customer", 403}, {"other merchant", 404}, {"agent", 403}, {"merchant", 200}}},
		{"GET", "/v1/merchant/disputes", nil, []call{{"anonymous", 401}, {"customer", 403}, {"ops", 403}, {"merchant", 200}}},
		{"GET", "/v1/agent/queue", nil, append(staffRefused, call{"anonymous", 401}, call{"ops", 403}, call{"admin", 200}, call{"agent", 200})},
		{"GET", "/v1/agent/cases/" + dA, nil, append(staffRefused, call{"anonymous", 401}, call{"ops", 403}, call{"admin", 200}, call{"agent", 200})},
		{"GET", "/v1/ops/outcomes", nil, append(staffRefused, call{"anonymous", 401}, call{"agent", 403}, call{"admin", 200}, call{"ops", 200})},
		{"GET", "/v1/ops/metrics", nil, append(staffRefused, call{"agent", 403}, call{"ops", 200})},
		{"GET", "/v1/ops/rules", nil, append(staffRefused, call{"agent", 403}, call{"ops", 200})},
		{"GET", "/v1/ops/disputes/" + dA, nil, append(staffRefused, call{"agent", 403}, call{"ops", 200})},
		{"GET", "/v1/ops/disputes/" + dA + "/audit", nil, append(staffRefused, call{"anonymous", 401}, call{"agent", 403}, call{"ops", 200})},
		{"POST", "/v1/disputes", map[string]any{"order_id": oB, "reason": "not_received"}, []call{{"anonymous", 401}, {"merchant", 403}, {"agent", 403}, {"customer", 404}}},
		{"POST", "/v1/disputes", map[string]any{"order_id": oE, "reason": "not_received"}, []call{{"other customer", 404}, {"ops", 403}, {"customer", 201}}},
		{"POST", "/v1/disputes/" + dA + "/evidence", map[string]any{"text": "photo attached"}, []call{{"anonymous", 401}, {"other customer", 404}, {"merchant", 403}, {"agent", 403}, {"customer", 201}}},
		{"POST", "/v1/disputes/" + dB + "/withdraw", nil, []call{{"customer", 404}}},
		{"POST", "/v1/merchant/disputes/" + dA + "/response", map[string]any{"action": "contest", "evidence": map[string]any{"text": "as described"}},
			[]call{{"anonymous", 401}, {"customer", 403}, {"other merchant", 404}, {"agent", 403}, {"merchant", 200}}},
		{"POST", "/v1/agent/handoffs/" + hD + "/claim", nil, append(staffRefused, call{"anonymous", 401}, call{"ops", 403}, call{"agent", 200}, call{"other agent", 409})},
		{"POST", "/v1/agent/cases/" + dD + "/decision", map[string]any{"outcome": "customer_favor", "note": "confirmed fraud"},
			append(staffRefused, call{"anonymous", 401}, call{"ops", 403}, call{"other agent", 403}, call{"agent", 200})},
		{"POST", "/v1/ops/outcomes/" + decC + "/review", map[string]any{"verdict": "agree"},
			append(staffRefused, call{"anonymous", 401}, call{"agent", 403}, call{"ops", 200})},
		{"PUT", "/v1/ops/rules/small-amount", map[string]any{"mode": "auto"}, append(staffRefused, call{"agent", 403}, call{"ops", 200})},
		{"POST", "/v1/disputes/" + dA + "/withdraw", nil, []call{{"anonymous", 401}, {"other customer", 404}, {"merchant", 403}, {"agent", 403}, {"customer", 200}}},
	}
	for _, row := range rows {
		for _, c := range row.calls {
			t.Run(row.method+" "+row.path+" as "+c.caller, func(t *testing.T) {
				before := e.counts()
				r := e.call(row.method, row.path, who[c.caller], row.body)
				if r.status != c.status {
					t.Fatalf("got %d, want %d: %s", r.status, c.status, r.raw)
				}
				if c.status >= 400 {
					e.assertUnchanged(before)
				}
			})
		}
	}
}
