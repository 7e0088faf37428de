package disputes_test

import (
	"context"
	"slices"
	"testing"
	"time"
)

// Scenario tests: one per rule of DESIGN.md §3, each from the merchant's order
// through the final outcome, over the HTTP API on a real database.

func TestScenarioReturnDelivered(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	oid := e.placeOrder(orderOpts{ref: "JACKET-1", customer: "cus_1", unit: 14900, capturedAt: "2026-11-01T10:00:00Z"})
	e.event("mer_a", oid, "shipped", "2026-11-02T10:00:00Z")
	e.event("mer_a", oid, "delivered", "2026-11-05T10:00:00Z")
	e.event("mer_a", oid, "return_shipped", "2026-11-06T10:00:00Z")
	e.event("mer_a", oid, "return_received", "2026-11-08T10:00:00Z")

	r := e.report("cus_1", oid, "refund_not_processed")
	if r.status != 201 || r.body["status"] != "merchant_window" || r.body["payments_paused"] != true {
		t.Fatalf("report: %d %s", r.status, r.raw)
	}
	id := r.body["id"].(string)
	if got := e.statuses(oid); !equal(got, "paid", "paused", "paused", "paused") {
		t.Fatalf("installments %v", got)
	}
	rule, action, _, cites := e.lastDecision(id)
	if rule != "return-delivered" || action != "request_merchant" || !slices.Contains(cites, "returns-and-refunds#4.1") {
		t.Fatalf("decision %s %s %v", rule, action, cites)
	}
	kind, due := e.pendingDeadline(id)
	if kind != "merchant_response" || !due.Equal(testNow.Add(7*24*time.Hour)) {
		t.Fatalf("deadline %s %s", kind, due)
	}
	if r.body["deadline_at"] == nil || len(r.body["timeline"].([]any)) < 3 {
		t.Fatalf("customer view lacks deadline or timeline: %s", r.raw)
	}

	if n := e.passTime(7*24*time.Hour - time.Minute); n != 0 {
		t.Fatalf("a deadline acted early (%d)", n)
	}
	if n := e.passTime(2 * time.Minute); n != 1 {
		t.Fatalf("deadline did not act (%d)", n)
	}
	v := e.call("GET", "/v1/disputes/"+id, e.customerToken("cus_1"), nil)
	if v.body["status"] != "closed_customer_favor" || v.body["payments_paused"] != false || v.body["outcome"] != "customer_favor" {
		t.Fatalf("after merchant silence: %s", v.raw)
	}
	if got := e.statuses(oid); !equal(got, "refunded", "waived", "waived", "waived") {
		t.Fatalf("installments %v", got)
	}
	if rule, action, outcome, _ := e.lastDecision(id); rule != "return-delivered" || action != "resolve" || outcome != "customer_favor" {
		t.Fatalf("final decision %s %s %s", rule, action, outcome)
	}
	e.assertAudit(id, "opened", "payments_paused", "rule_decision", "deadline_set", "deadline_expired", "closed")
	e.assertCited(id)
}

func TestScenarioNotReceivedNoProof(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	oid := e.placeOrder(orderOpts{ref: "SHOES-1", customer: "cus_1", unit: 12900, capturedAt: "2026-11-01T10:00:00Z",
		expected: "2026-11-10T00:00:00Z"})
	e.event("mer_a", oid, "shipped", "2026-11-02T10:00:00Z")
	id := e.report("cus_1", oid, "not_received").body["id"].(string)
	if rule, _, _, _ := e.lastDecision(id); rule != "not-received-no-proof" {
		t.Fatalf("rule %s", rule)
	}
	kind, due := e.pendingDeadline(id)
	if kind != "merchant_response" || !due.Equal(testNow.Add(21*24*time.Hour)) {
		t.Fatalf("deadline %s %s", kind, due)
	}
	e.passTime(21*24*time.Hour + time.Minute)
	if got := e.statuses(oid); !equal(got, "refunded", "waived", "waived", "waived") {
		t.Fatalf("installments %v", got)
	}
	e.assertAudit(id, "deadline_expired", "closed")
	e.assertCited(id)
}

func TestScenarioDeliveredButDisputed(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	oid := e.placeOrder(orderOpts{ref: "TV-1", customer: "cus_1", unit: 40000, capturedAt: "2026-11-01T10:00:00Z"})
	e.event("mer_a", oid, "delivered", "2026-11-04T10:00:00Z")
	id := e.report("cus_1", oid, "not_received").body["id"].(string)
	if rule, action, _, _ := e.lastDecision(id); rule != "delivered-but-disputed" || action != "escalate" {
		t.Fatalf("decision %s %s", rule, action)
	}
	agent := e.login("agent", "agent")
	q := e.call("GET", "/v1/agent/queue", agent, nil)
	items := q.body["handoffs"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["dispute_id"] != id {
		t.Fatalf("queue %s", q.raw)
	}
	hid := items[0].(map[string]any)["id"].(string)
	decide := map[string]any{"outcome": "merchant_favor", "note": "Signed proof of delivery at the customer's address."}
	if r := e.call("POST", "/v1/agent/cases/"+id+"/decision", agent, decide); r.status != 409 {
		t.Fatalf("deciding before claiming: %d %s", r.status, r.raw)
	}
	if r := e.call("POST", "/v1/agent/handoffs/"+hid+"/claim", agent, nil); r.status != 200 {
		t.Fatalf("claim: %d %s", r.status, r.raw)
	}
	c := e.call("GET", "/v1/agent/cases/"+id, agent, nil)
	packet := c.body["handoff"].(map[string]any)["packet"].(map[string]any)
	if packet["summary"] == "" || packet["cited_policy"] == nil || packet["risk_flags"] == nil || packet["order"] == nil || packet["timeline"] == nil {
		t.Fatalf("packet incomplete: %v", packet)
	}
	if r := e.call("POST", "/v1/agent/cases/"+id+"/decision", e.login("agent2", "agent"), decide); r.status != 403 {
		t.Fatalf("another agent decided: %d", r.status)
	}
	e.clock.Advance(10 * 24 * time.Hour)
	r := e.call("POST", "/v1/agent/cases/"+id+"/decision", agent, decide)
	if r.status != 200 || r.body["status"] != "closed_merchant_favor" {
		t.Fatalf("decide: %d %s", r.status, r.raw)
	}
	insts := installments(t, r.body)
	// Paused on 22 Nov, resumed 2 Dec: 10 days, but the next payment must be due
	// 14 days after the notice (16 Dec): originally 15 Nov, so it moves 31 days.
	if insts[1]["status"] != "scheduled" || insts[1]["due_date"] != "2026-12-16" || insts[3]["due_date"] != "2027-01-13" {
		t.Fatalf("resumed schedule %v", insts)
	}
	e.assertAudit(id, "escalated", "claimed", "agent_decision", "closed")
	e.assertCited(id)
}

func TestScenarioDuplicate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.placeOrder(orderOpts{ref: "BLEND-1", customer: "cus_1", unit: 15900, capturedAt: "2026-11-15T10:00:00Z"})
	dup := e.placeOrder(orderOpts{ref: "BLEND-1-2", customer: "cus_1", unit: 15900, capturedAt: "2026-11-15T10:03:00Z"})
	r := e.report("cus_1", dup, "duplicate_charge")
	if r.status != 201 || r.body["status"] != "closed_customer_favor" || r.body["outcome_amount"].(float64) != 15900 {
		t.Fatalf("report: %d %s", r.status, r.raw)
	}
	if rule, _, _, cites := e.lastDecision(r.body["id"].(string)); rule != "duplicate" || !slices.Contains(cites, "how-we-decide#2.1") {
		t.Fatalf("rule %s %v", rule, cites)
	}
	if got := e.statuses(dup); !equal(got, "refunded", "waived", "waived", "waived") {
		t.Fatalf("installments %v", got)
	}
	e.assertAudit(r.body["id"].(string), "rule_decision", "closed")
	e.assertCited(r.body["id"].(string))
}

func TestScenarioCancelledNotRefunded(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	oid := e.placeOrder(orderOpts{ref: "SHIRT-1", customer: "cus_1", unit: 5900, capturedAt: "2026-11-10T10:00:00Z", plan: "pay_in_30"})
	e.event("mer_a", oid, "cancelled", "2026-11-11T10:00:00Z")
	r := e.report("cus_1", oid, "refund_not_processed")
	if r.body["status"] != "closed_customer_favor" {
		t.Fatalf("report: %s", r.raw)
	}
	if rule, _, _, _ := e.lastDecision(r.body["id"].(string)); rule != "cancelled-not-refunded" {
		t.Fatalf("rule %s", rule)
	}
	if got := e.statuses(oid); !equal(got, "waived") {
		t.Fatalf("installments %v", got)
	}
	e.assertCited(r.body["id"].(string))
}

func TestScenarioInvoiceMismatch(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// 5400 - 1080 discount = 4320 owed, but 5400 captured.
	oid := e.placeOrder(orderOpts{ref: "PAL-1", customer: "cus_1", unit: 5400, discount: 1080, captured: 5400, capturedAt: "2026-11-10T10:00:00Z"})
	r := e.report("cus_1", oid, "incorrect_amount", map[string]any{"sub_reason": "missing_discount"})
	if r.body["status"] != "closed_customer_favor" || r.body["outcome"] != "partial" || r.body["outcome_amount"].(float64) != 1080 {
		t.Fatalf("report: %s", r.raw)
	}
	insts := installments(t, r.body)
	if insts[3]["refunded_amount"].(float64) != 1080 || insts[3]["status"] != "scheduled" || insts[2]["amount_due"].(float64) != 1350 {
		t.Fatalf("plan %v", insts)
	}
}

func TestScenarioSmallAmount(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if _, err := e.pool.Exec(context.Background(), `UPDATE merchants SET auto_accept_threshold = 2500 WHERE id = 'mer_a'`); err != nil {
		t.Fatal(err)
	}
	oid := e.placeOrder(orderOpts{ref: "SOCKS-1", customer: "cus_1", unit: 2400, capturedAt: "2026-11-18T10:00:00Z"})
	r := e.report("cus_1", oid, "defective_or_not_as_described", map[string]any{"sub_reason": "damaged"})
	if r.body["status"] != "closed_customer_favor" {
		t.Fatalf("report: %s", r.raw)
	}
	if rule, _, _, _ := e.lastDecision(r.body["id"].(string)); rule != "small-amount" {
		t.Fatalf("rule %s", rule)
	}
	e.assertCited(r.body["id"].(string))
}

func TestScenarioComplex(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	oid := e.placeOrder(orderOpts{ref: "SOFA-1", customer: "cus_1", unit: 189900, capturedAt: "2026-11-10T10:00:00Z"})
	r := e.report("cus_1", oid, "defective_or_not_as_described")
	if r.body["status"] != "escalated" || r.body["payments_paused"] != true {
		t.Fatalf("report: %s", r.raw)
	}
	if rule, action, _, _ := e.lastDecision(r.body["id"].(string)); rule != "complex" || action != "escalate" {
		t.Fatalf("decision %s %s", rule, action)
	}
	e.assertCited(r.body["id"].(string))
}

func TestScenarioUnauthorized(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	oid := e.placeOrder(orderOpts{ref: "CAM-1", customer: "cus_1", unit: 34900, capturedAt: "2026-11-16T10:00:00Z"})
	r := e.report("cus_1", oid, "unauthorized")
	if r.body["status"] != "agent_review" || r.body["payments_paused"] != true {
		t.Fatalf("report: %s", r.raw)
	}
	id := r.body["id"].(string)
	var cat string
	e.pool.QueryRow(context.Background(), `SELECT reason_category FROM handoffs WHERE dispute_id = $1`, id).Scan(&cat)
	if cat != "fraud" {
		t.Fatalf("handoff category %q", cat)
	}
	agent := e.login("agent", "agent")
	hid := e.call("GET", "/v1/agent/queue", agent, nil).body["handoffs"].([]any)[0].(map[string]any)["id"].(string)
	e.call("POST", "/v1/agent/handoffs/"+hid+"/claim", agent, nil)
	d := e.call("POST", "/v1/agent/cases/"+id+"/decision", agent, map[string]any{"outcome": "customer_favor", "note": "Device and address do not match the customer's."})
	if d.status != 200 || d.body["status"] != "closed_customer_favor" {
		t.Fatalf("decide: %d %s", d.status, d.raw)
	}
	if got := e.statuses(oid); !equal(got, "refunded", "waived", "waived", "waived") {
		t.Fatalf("installments %v", got)
	}
	e.assertCited(id)
}

func TestScenarioHumanRequested(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	oid := e.placeOrder(orderOpts{ref: "KNIFE-1", customer: "cus_1", unit: 8900, capturedAt: "2026-11-16T10:00:00Z"})
	r := e.report("cus_1", oid, "defective_or_not_as_described", map[string]any{"wants_human": true})
	if r.body["status"] != "escalated" {
		t.Fatalf("report: %s", r.raw)
	}
	if rule, _, _, _ := e.lastDecision(r.body["id"].(string)); rule != "human-requested" {
		t.Fatalf("rule %s", rule)
	}
	e.assertCited(r.body["id"].(string))
}

// The standard path: the merchant's window passes unresolved, the customer is
// asked for evidence, the evidence deadline passes, and the merchant (never
// having contested) loses.
func TestScenarioStandardWindowAndEvidenceStage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	oid := e.placeOrder(orderOpts{ref: "BLEND-9", customer: "cus_1", unit: 15900, capturedAt: "2026-11-10T10:00:00Z"})
	e.event("mer_a", oid, "delivered", "2026-11-12T10:00:00Z")
	id := e.report("cus_1", oid, "defective_or_not_as_described").body["id"].(string)
	if rule, _, _, _ := e.lastDecision(id); rule != "merchant-window" {
		t.Fatalf("rule %s", rule)
	}
	e.passTime(21*24*time.Hour + time.Minute)
	if kind, _ := e.pendingDeadline(id); kind != "customer_evidence" {
		t.Fatalf("deadline %s", kind)
	}
	e.passTime(21*24*time.Hour + time.Minute)
	v := e.call("GET", "/v1/disputes/"+id, e.customerToken("cus_1"), nil)
	if v.body["status"] != "closed_customer_favor" {
		t.Fatalf("after both deadlines: %s", v.raw)
	}
	if rule, _, _, _ := e.lastDecision(id); rule != "evidence-merchant-silent" {
		t.Fatalf("rule %s", rule)
	}
	e.assertCited(id)
}

// The merchant contests; the customer answers; a person decides.
func TestScenarioMerchantContests(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	oid := e.placeOrder(orderOpts{ref: "BOOTS-1", customer: "cus_1", unit: 18900, capturedAt: "2026-11-10T10:00:00Z"})
	e.event("mer_a", oid, "delivered", "2026-11-12T10:00:00Z")
	id := e.report("cus_1", oid, "defective_or_not_as_described").body["id"].(string)
	list := e.call("GET", "/v1/merchant/disputes?status=merchant_window", e.keys["mer_a"], nil)
	if ds := list.body["disputes"].([]any); len(ds) != 1 || ds[0].(map[string]any)["deadline_at"] == nil {
		t.Fatalf("merchant list: %s", list.raw)
	}
	contest := map[string]any{"action": "contest", "evidence": map[string]any{"text": "Photos show the boots undamaged at dispatch.",
		"attachments": []any{map[string]any{"name": "dispatch.jpg", "content_type": "image/jpeg", "size": 120000}}}}
	if r := e.call("POST", "/v1/merchant/disputes/"+id+"/response", e.keys["mer_a"], contest); r.status != 200 || r.body["status"] != "merchant_evidence" {
		t.Fatalf("contest: %d %s", r.status, r.raw)
	}
	ev := e.call("POST", "/v1/disputes/"+id+"/evidence", e.customerToken("cus_1"), map[string]any{"text": "The sole came off on day two."})
	if ev.status != 201 || ev.body["status"] != "escalated" {
		t.Fatalf("evidence: %d %s", ev.status, ev.raw)
	}
	if rule, action, _, _ := e.lastDecision(id); rule != "evidence-review" || action != "escalate" {
		t.Fatalf("decision %s %s", rule, action)
	}
	e.assertCited(id)
}

// Ops overturns an automated outcome: the plan is put back and paused, and the
// dispute returns to the agent queue.
func TestOverturnReopensForAnAgent(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	oid := e.placeOrder(orderOpts{ref: "SHIRT-2", customer: "cus_1", unit: 5900, capturedAt: "2026-11-10T10:00:00Z"})
	e.event("mer_a", oid, "cancelled", "2026-11-11T10:00:00Z")
	id := e.report("cus_1", oid, "refund_not_processed").body["id"].(string)
	ops := e.login("ops", "ops")
	out := e.call("GET", "/v1/ops/outcomes?decided_by=rule&rule_id=cancelled-not-refunded", ops, nil)
	rows := out.body["outcomes"].([]any)
	if len(rows) != 1 {
		t.Fatalf("outcomes: %s", out.raw)
	}
	did := rows[0].(map[string]any)["decision_id"].(string)
	if r := e.call("POST", "/v1/ops/outcomes/"+did+"/review", ops, map[string]any{"verdict": "overturn"}); r.status != 422 {
		t.Fatalf("overturn without a note: %d", r.status)
	}
	r := e.call("POST", "/v1/ops/outcomes/"+did+"/review", ops, map[string]any{"verdict": "overturn", "note": "The merchant refunded by bank transfer."})
	if r.status != 200 {
		t.Fatalf("overturn: %d %s", r.status, r.raw)
	}
	if got := e.statuses(oid); !equal(got, "paid", "paused", "paused", "paused") {
		t.Fatalf("installments after overturn %v", got)
	}
	q := e.call("GET", "/v1/agent/queue", e.login("agent", "agent"), nil).body["handoffs"].([]any)
	if len(q) != 1 || q[0].(map[string]any)["reason_category"] != "review_overturned" {
		t.Fatalf("queue after overturn: %v", q)
	}
	if r := e.call("POST", "/v1/ops/outcomes/"+did+"/review", ops, map[string]any{"verdict": "agree"}); r.status != 409 {
		t.Fatalf("second review: %d", r.status)
	}
	rules := e.call("GET", "/v1/ops/rules", ops, nil)
	for _, x := range rules.body["rules"].([]any) {
		if m := x.(map[string]any); m["rule_id"] == "cancelled-not-refunded" && m["overturned"].(float64) != 1 {
			t.Fatalf("rule stats %v", m)
		}
	}
	e.assertAudit(id, "reviewed", "reopened", "escalated")
}

// A rule switched to "propose only" by ops no longer resolves on its own: an
// agent gets its proposal.
func TestProposeOnly(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ops := e.login("ops", "ops")
	if r := e.call("PUT", "/v1/ops/rules/cancelled-not-refunded", ops, map[string]any{"mode": "propose_only"}); r.status != 200 {
		t.Fatalf("switch: %d %s", r.status, r.raw)
	}
	oid := e.placeOrder(orderOpts{ref: "SHIRT-3", customer: "cus_1", unit: 5900, capturedAt: "2026-11-10T10:00:00Z"})
	e.event("mer_a", oid, "cancelled", "2026-11-11T10:00:00Z")
	r := e.report("cus_1", oid, "refund_not_processed")
	if r.body["status"] != "escalated" {
		t.Fatalf("report: %s", r.raw)
	}
	c := e.call("GET", "/v1/agent/cases/"+r.body["id"].(string), e.login("agent", "agent"), nil)
	rec := c.body["handoff"].(map[string]any)["packet"].(map[string]any)["recommendation"].(map[string]any)
	if rec["outcome"] != "customer_favor" || rec["rule_id"] != "cancelled-not-refunded" {
		t.Fatalf("proposal %v", rec)
	}
	for _, bad := range []string{`{"mode":"sometimes"}`} {
		if r := e.call("PUT", "/v1/ops/rules/cancelled-not-refunded", ops, bad); r.status != 422 {
			t.Fatalf("bad mode: %d", r.status)
		}
	}
	if r := e.call("PUT", "/v1/ops/rules/no-such-rule", ops, map[string]any{"mode": "auto"}); r.status != 404 {
		t.Fatalf("unknown rule: %d", r.status)
	}
}
