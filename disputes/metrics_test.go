package disputes_test

import (
	"testing"
	"time"
)

func TestOpsMetrics(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cancelled := e.placeOrder(orderOpts{ref: "M-1", customer: "cus_1", unit: 5900, capturedAt: "2026-11-10T10:00:00Z"})
	e.event("mer_a", cancelled, "cancelled", "2026-11-11T10:00:00Z")
	e.report("cus_1", cancelled, "refund_not_processed") // auto-resolved at once
	e.report("cus_1", e.placeOrder(orderOpts{ref: "M-2", customer: "cus_1", unit: 34900, capturedAt: "2026-11-10T10:00:00Z"}), "unauthorized")
	e.clock.Advance(time.Hour)
	std := e.placeOrder(orderOpts{ref: "M-3", customer: "cus_2", unit: 15900, capturedAt: "2026-11-10T10:00:00Z"})
	e.event("mer_a", std, "delivered", "2026-11-12T10:00:00Z")
	e.report("cus_2", std, "defective_or_not_as_described")
	e.placeOrder(orderOpts{merchant: "mer_b", ref: "M-4", customer: "cus_2", unit: 1000, capturedAt: "2026-11-10T10:00:00Z"})

	r := e.call("GET", "/v1/ops/metrics?from=2026-11-01&to=2026-12-01", e.login("ops", "ops"), nil)
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	m := r.body
	if m["submitted"].(float64) != 3 || m["auto_resolved"].(float64) != 1 || m["escalated"].(float64) != 1 {
		t.Fatalf("counts: %s", r.raw)
	}
	if rate := m["auto_resolution_rate"].(float64); rate < 0.33 || rate > 0.34 {
		t.Fatalf("auto-resolution rate %v", rate)
	}
	if m["handoff_reason_counts"].(map[string]any)["fraud"].(float64) != 1 {
		t.Fatalf("handoff reasons %v", m["handoff_reason_counts"])
	}
	if m["median_time_to_resolution_hours"].(float64) != 0 {
		t.Fatalf("median %v", m["median_time_to_resolution_hours"])
	}
	for _, x := range m["disputes_per_merchant"].([]any) {
		mr := x.(map[string]any)
		if mr["merchant_id"] == "mer_a" && mr["per_1000_orders"].(float64) != 1000 {
			t.Fatalf("merchant rate %v", mr)
		}
		if mr["merchant_id"] == "mer_b" && mr["per_1000_orders"].(float64) != 0 {
			t.Fatalf("merchant rate %v", mr)
		}
	}
	if len(m["daily"].([]any)) != 1 {
		t.Fatalf("daily %v", m["daily"])
	}
}
