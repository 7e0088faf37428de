package disputes_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/settlehq/settle/disputes"
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
	// Every day of November, the disputes on the 22nd.
	daily := m["daily"].([]any)
	if len(daily) != 30 || daily[21].(map[string]any)["day"] != "2026-11-22" || daily[21].(map[string]any)["submitted"].(float64) != 3 {
		t.Fatalf("daily %v", m["daily"])
	}
}

// metricsFixture writes rows straight into the tables, so that every time
// (submission, decision, review, close, capture) is exactly where the test
// needs it. The period under test is [2026-10-01, 2026-10-04).
type metricsFixture struct {
	e   *env
	ctx context.Context
	n   int
}

func (f *metricsFixture) exec(sql string, args ...any) {
	f.e.t.Helper()
	if _, err := f.e.pool.Exec(f.ctx, sql, args...); err != nil {
		f.e.t.Fatalf("%s: %v", sql, err)
	}
}

// orders places count orders of merchant captured at the given time (each
// with its one installment: the plan must add up) and returns their ids.
func (f *metricsFixture) orders(merchant, capturedAt string, count int) []string {
	f.e.t.Helper()
	var ids []string
	for range count {
		f.n++
		id := fmt.Sprintf("ord_m%03d", f.n)
		f.exec(`WITH o AS (INSERT INTO orders (id, merchant_id, merchant_order_ref, customer_id, market, currency, shipping_amount,
			discount_amount, captured_amount, captured_at, payment_plan, created_at, updated_at)
			VALUES ($1, $2, $1, 'cus_m', 'US', 'USD', 0, 0, 1000, $3, 'pay_now', $3, $3) RETURNING id)
			INSERT INTO installments (order_id, seq, due_date, amount, status) SELECT id, 1, '2026-10-01', 1000, 'paid' FROM o`,
			id, merchant, capturedAt)
		ids = append(ids, id)
	}
	return ids
}

// dispute files a dispute on order; submitted and closed may be "" (a draft,
// an open dispute).
func (f *metricsFixture) dispute(id, order, merchant, reason, submitted, closed, outcome string) {
	f.e.t.Helper()
	var sub, cl *string
	if submitted != "" {
		sub = &submitted
	}
	status := "submitted"
	if closed != "" {
		cl, status = &closed, "closed_customer_favor"
		if outcome == "withdrawn" {
			status = "withdrawn"
		}
	}
	f.exec(`INSERT INTO disputes (id, order_id, customer_id, merchant_id, market, currency, reason, amount, status, outcome,
		submitted_at, closed_at, created_at, updated_at) VALUES ($1, $2, 'cus_m', $3, 'US', 'USD', $4, 1000, $5, $6, $7::timestamptz, $8::timestamptz,
		coalesce($7::timestamptz, '2026-10-01T00:00:00Z'), now())`, id, order, merchant, reason, status, outcome, sub, cl)
}

func (f *metricsFixture) decision(id, dispute, by, rule, action, at string) {
	f.e.t.Helper()
	f.exec(`INSERT INTO decisions (id, dispute_id, decided_by, rule_id, action, decided_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		id, dispute, by, rule, action, at)
}

func (f *metricsFixture) review(decision, verdict, at string) {
	f.e.t.Helper()
	f.exec(`INSERT INTO decision_reviews (decision_id, verdict, reviewer_id, reviewed_at) VALUES ($1, $2, 'stf_ops', $3)`, decision, verdict, at)
}

// handoff: dispute "" is a handoff before any dispute (a conversation's).
func (f *metricsFixture) handoff(id, dispute, reason, at string) {
	f.e.t.Helper()
	var d, conv *string
	if dispute != "" {
		d = &dispute
	} else {
		c := "conv_" + id
		conv = &c
	}
	f.exec(`INSERT INTO handoffs (id, dispute_id, conversation_id, customer_id, reason_category, packet, status, deadline_at, created_at)
		VALUES ($1, $2, $3, 'cus_m', $4, '{}', 'closed', $5::timestamptz + interval '1 day', $5)`, id, d, conv, reason, at)
}

func newMetricsFixture(t *testing.T) *metricsFixture {
	e := newEnv(t)
	f := &metricsFixture{e: e, ctx: context.Background()}
	e.merchant("mer_c", "Gamma Garden")
	e.merchant("mer_d", "Delta Dishes")
	f.exec(`INSERT INTO customers (id, created_at) VALUES ('cus_m', '2026-01-01T00:00:00Z')`)

	// Alpha Shoes: 20 orders in the period, 7 of them disputed (D1–D6 and D8).
	a := f.orders("mer_a", "2026-10-01T08:00:00Z", 20)
	// Day 1 (Oct 1).
	f.dispute("D1", a[0], "mer_a", "refund_not_processed", "2026-10-01T10:00:00Z", "2026-10-01T11:00:00Z", "customer_favor") // 1 h exactly
	f.decision("x1", "D1", "rule", "cancelled-refund", "resolve", "2026-10-01T10:00:00Z")
	f.review("x1", "agree", "2026-10-02T09:00:00Z")
	f.dispute("D2", a[1], "mer_a", "refund_not_processed", "2026-10-01T12:00:00Z", "2026-10-03T12:00:00Z", "customer_favor") // 48 h
	f.decision("x2", "D2", "rule", "cancelled-refund", "resolve", "2026-10-01T12:00:00Z")
	f.review("x2", "overturn", "2026-10-02T09:00:00Z")
	f.handoff("h2", "D2", "overturned", "2026-10-05T09:00:00Z") // after the period: counts with its dispute
	f.decision("x2b", "D2", "agent", "", "resolve", "2026-10-03T12:00:00Z")
	f.dispute("D3", a[2], "mer_a", "unauthorized", "2026-10-01T23:59:59Z", "", "") // still open
	f.decision("x3", "D3", "rule", "fraud-screen", "escalate", "2026-10-01T23:59:59Z")
	f.handoff("h3", "D3", "fraud", "2026-10-01T23:59:59Z")
	// Day 2 (Oct 2): no disputes; one handoff before any dispute.
	f.handoff("h4", "", "asked_for_person", "2026-10-02T15:00:00Z")
	// Day 3 (Oct 3).
	f.dispute("D4", a[3], "mer_a", "defective_or_not_as_described", "2026-10-03T00:00:00Z", "2026-10-13T00:00:00Z", "customer_favor") // 240 h
	f.decision("x4", "D4", "rule", "small-amount", "resolve", "2026-10-03T00:00:00Z")
	f.review("x4", "overturn", "2026-10-20T00:00:00Z") // reviewed long after: still the dispute's day
	f.dispute("D5", a[4], "mer_a", "defective_or_not_as_described", "2026-10-03T08:00:00Z", "2026-10-03T09:00:00Z", "withdrawn")
	f.dispute("D6", a[5], "mer_a", "not_received", "2026-10-03T09:00:00Z", "2026-11-10T09:00:00Z", "customer_favor") // 912 h
	f.decision("x6", "D6", "rule", "late-delivery", "resolve", "2026-10-03T09:00:00Z")

	// Outside the period.
	before := f.orders("mer_a", "2026-09-29T00:00:00Z", 1)
	f.dispute("D7", before[0], "mer_a", "unauthorized", "2026-09-30T23:59:59Z", "2026-10-01T01:00:00Z", "customer_favor")
	f.decision("x7", "D7", "rule", "cancelled-refund", "resolve", "2026-10-01T00:30:00Z") // decided inside, submitted before
	f.review("x7", "overturn", "2026-10-01T02:00:00Z")
	f.handoff("h7", "D7", "fraud", "2026-10-01T03:00:00Z")
	f.dispute("D8", a[6], "mer_a", "unauthorized", "2026-10-04T00:00:00Z", "", "") // at `to`: not in the period
	f.handoff("h8", "", "asked_for_person", "2026-10-04T00:00:00Z")
	f.dispute("D9", a[7], "mer_a", "unauthorized", "", "", "") // a draft, never submitted
	late := f.orders("mer_a", "2026-10-04T00:00:00Z", 1)
	f.dispute("D11", late[0], "mer_a", "unauthorized", "2026-10-05T00:00:00Z", "", "")

	// Beta Books: 40 orders, 1 disputed (after the period: the order is in it).
	b := f.orders("mer_b", "2026-10-02T00:00:00Z", 40)
	f.dispute("D10", b[0], "mer_b", "not_received", "2026-10-06T00:00:00Z", "", "")
	// Gamma Garden: 5 orders, 3 disputed: a high rate on too few orders to say.
	c := f.orders("mer_c", "2026-10-03T23:59:59Z", 5)
	for i := range 3 {
		f.dispute(fmt.Sprintf("DC%d", i), c[i], "mer_c", "not_received", "2026-10-07T00:00:00Z", "", "")
	}
	return f
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-4 }

func ptrNear(p *float64, want float64) bool { return p != nil && near(*p, want) }

func TestOpsMetricsPeriod(t *testing.T) {
	t.Parallel()
	f := newMetricsFixture(t)
	from, to := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 10, 4, 0, 0, 0, 0, time.UTC)
	m, err := f.e.svc.Metrics(f.ctx, from, to)
	if err != nil {
		t.Fatal(err)
	}
	// D1–D6; D4 and D6 count, D7 (before), D8 (at to) and D9 (a draft) do not.
	if m.Submitted != 6 || m.AutoResolved != 4 || m.Escalated != 2 || m.Reviewed != 3 || m.Overturned != 2 {
		t.Errorf("counts: submitted %d auto %d escalated %d reviewed %d overturned %d; want 6 4 2 3 2",
			m.Submitted, m.AutoResolved, m.Escalated, m.Reviewed, m.Overturned)
	}
	if !near(m.AutoResolutionRate, 4.0/6) || !near(m.EscalationRate, 2.0/6) || !ptrNear(m.OverturnRate, 2.0/3) {
		t.Errorf("rates: %v %v %v", m.AutoResolutionRate, m.EscalationRate, m.OverturnRate)
	}

	type day struct {
		day                              string
		sub, auto, esc, reviewed, overtn int
		autoR, escR, overR               *float64
	}
	fp := func(v float64) *float64 { return &v }
	want := []day{
		{"2026-10-01", 3, 2, 2, 2, 1, fp(2.0 / 3), fp(2.0 / 3), fp(0.5)},
		{"2026-10-02", 0, 0, 0, 0, 0, nil, nil, nil},
		{"2026-10-03", 3, 2, 0, 1, 1, fp(2.0 / 3), fp(0), fp(1)},
	}
	if len(m.Daily) != len(want) {
		t.Fatalf("daily: %+v", m.Daily)
	}
	sameRate := func(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || near(*a, *b)) }
	for i, w := range want {
		g := m.Daily[i]
		if g.Day != w.day || g.Submitted != w.sub || g.AutoResolved != w.auto || g.Escalated != w.esc || g.Reviewed != w.reviewed ||
			g.Overturned != w.overtn || !sameRate(g.AutoResolutionRate, w.autoR) || !sameRate(g.EscalationRate, w.escR) || !sameRate(g.OverturnRate, w.overR) {
			t.Errorf("day %d: %+v; want %+v", i, g, w)
		}
	}

	// Automated outcomes only (fraud-screen escalated; x2b is an agent's).
	if len(m.Rules) != 3 {
		t.Fatalf("rules: %+v", m.Rules)
	}
	for i, w := range []struct {
		rule                  string
		decided, reviewed, ov int
		rate                  *float64
	}{{"cancelled-refund", 2, 2, 1, fp(0.5)}, {"late-delivery", 1, 0, 0, nil}, {"small-amount", 1, 1, 1, fp(1)}} {
		g := m.Rules[i]
		if g.RuleID != w.rule || g.Decided != w.decided || g.Reviewed != w.reviewed || g.Overturned != w.ov || !sameRate(g.OverturnRate, w.rate) {
			t.Errorf("rule %d: %+v; want %+v", i, g, w)
		}
	}
	if len(m.OverturnRateByRule) != 2 || m.OverturnRateByRule["cancelled-refund"] != 0.5 || m.OverturnRateByRule["small-amount"] != 1 {
		t.Errorf("overturn_rate_per_rule %v", m.OverturnRateByRule)
	}
	if len(m.HandoffReasons) != 3 || m.HandoffReasons["overturned"] != 1 || m.HandoffReasons["fraud"] != 1 || m.HandoffReasons["asked_for_person"] != 1 {
		t.Errorf("handoff reasons %v", m.HandoffReasons)
	}

	// Resolved in 1, 48, 240 and 912 hours; D3 open, D5 withdrawn.
	r := m.Resolution
	if r.Resolved != 4 || r.Open != 1 || r.Withdrawn != 1 || !ptrNear(r.P50Hours, 144) || !ptrNear(r.P90Hours, 710.4) || !ptrNear(m.MedianResolutionHours, 144) {
		t.Errorf("resolution: %+v p50 %v p90 %v", r, deref(r.P50Hours), deref(r.P90Hours))
	}
	if got := bucketCounts(r.Histogram); !slices.Equal(got, []int{0, 1, 1, 0, 1, 0, 1}) {
		t.Errorf("histogram %v", got)
	}
	if h := r.Histogram; h[0].Label != "< 1 h" || h[0].MinHours != 0 || *h[0].MaxHours != 1 || h[2].MinHours != 24 || *h[2].MaxHours != 72 || h[6].MinHours != 720 || h[6].MaxHours != nil {
		t.Errorf("buckets %+v", h)
	}
	reasons := map[string]disputes.ReasonResolution{}
	var order []string
	for _, x := range m.ResolutionByReason {
		reasons[x.Reason] = x
		order = append(order, x.Reason)
	}
	if !slices.Equal(order, []string{"defective_or_not_as_described", "not_received", "refund_not_processed", "unauthorized"}) {
		t.Errorf("reasons %v", order)
	}
	if x := reasons["refund_not_processed"]; x.Resolved != 2 || !ptrNear(x.P50Hours, 24.5) || !ptrNear(x.P90Hours, 43.3) ||
		!slices.Equal(bucketCounts(x.Histogram), []int{0, 1, 1, 0, 0, 0, 0}) {
		t.Errorf("refund_not_processed: %+v %v %v", x, deref(x.P50Hours), deref(x.P90Hours))
	}
	if x := reasons["defective_or_not_as_described"]; x.Resolved != 1 || x.Withdrawn != 1 || !ptrNear(x.P50Hours, 240) || !ptrNear(x.P90Hours, 240) {
		t.Errorf("defective: %+v", x)
	}
	if x := reasons["unauthorized"]; x.Resolved != 0 || x.Open != 1 || x.P50Hours != nil || x.P90Hours != nil || !slices.Equal(bucketCounts(x.Histogram), make([]int, 7)) {
		t.Errorf("unauthorized: %+v", x)
	}

	// 11 of 65 orders in the period disputed: 16.923 per 100.
	if o := m.Overall; o.Disputes != 11 || o.Orders != 65 || !near(o.Per100, 1100.0/65) || o.MinOrders != 20 {
		t.Errorf("overall %+v", o)
	}
	merchants := map[string]disputes.MerchantRate{}
	for _, x := range m.ByMerchant {
		merchants[x.MerchantID] = x
	}
	if len(m.ByMerchant) != 4 || m.ByMerchant[0].Name != "Alpha Shoes" || m.ByMerchant[3].Name != "Gamma Garden" {
		t.Errorf("merchants %+v", m.ByMerchant)
	}
	// Alpha: 7/20 = 35 per 100; Wilson 95% lower bound 18.119 > 16.923: unusual.
	if x := merchants["mer_a"]; x.Disputes != 7 || x.Orders != 20 || !near(x.Per100, 35) || !near(x.Per1000, 350) ||
		!ptrNear(x.WilsonLowPer100, 18.118955) || !ptrNear(x.ZScore, 2.156054) || !x.Unusual {
		t.Errorf("mer_a %+v wilson %v z %v", x, deref(x.WilsonLowPer100), deref(x.ZScore))
	}
	// Beta: 1/40.
	if x := merchants["mer_b"]; x.Disputes != 1 || x.Orders != 40 || !near(x.Per100, 2.5) || !ptrNear(x.WilsonLowPer100, 0.442672) ||
		!ptrNear(x.ZScore, -2.432809) || x.Unusual {
		t.Errorf("mer_b %+v wilson %v z %v", x, deref(x.WilsonLowPer100), deref(x.ZScore))
	}
	// Gamma: 3/5 = 60 per 100, lower bound 23.072 — above the overall, but 5 orders are too few.
	if x := merchants["mer_c"]; x.Disputes != 3 || x.Orders != 5 || !near(x.Per100, 60) || !ptrNear(x.WilsonLowPer100, 23.071993) ||
		!ptrNear(x.ZScore, 2.568915) || x.Unusual {
		t.Errorf("mer_c %+v wilson %v z %v", x, deref(x.WilsonLowPer100), deref(x.ZScore))
	}
	if x := merchants["mer_d"]; x.Disputes != 0 || x.Orders != 0 || x.Per100 != 0 || x.WilsonLowPer100 != nil || x.ZScore != nil || x.Unusual {
		t.Errorf("mer_d %+v", x)
	}
	if len(m.Unusual) != 1 || m.Unusual[0].MerchantID != "mer_a" {
		t.Errorf("unusual %+v", m.Unusual)
	}

	// Bounds that are not midnights: [Oct 1 12:00, Oct 3 06:00) holds D2, D3
	// and D4, on three days.
	m, err = f.e.svc.Metrics(f.ctx, from.Add(12*time.Hour), to.Add(-18*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	var days []string
	var subs []int
	for _, d := range m.Daily {
		days, subs = append(days, d.Day), append(subs, d.Submitted)
	}
	if m.Submitted != 3 || !slices.Equal(days, []string{"2026-10-01", "2026-10-02", "2026-10-03"}) || !slices.Equal(subs, []int{2, 0, 1}) {
		t.Errorf("partial days: %d %v %v", m.Submitted, days, subs)
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func bucketCounts(h []disputes.ResolutionBucket) []int {
	var out []int
	for _, b := range h {
		out = append(out, b.Count)
	}
	return out
}

func TestOpsMetricsEmptyPeriod(t *testing.T) {
	t.Parallel()
	f := newMetricsFixture(t)
	r := f.e.call("GET", "/v1/ops/metrics?from=2025-01-01&to=2025-01-03", f.e.login("ops", "ops"), nil)
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	var m disputes.Metrics
	if err := json.Unmarshal(r.raw, &m); err != nil {
		t.Fatal(err)
	}
	if m.Submitted != 0 || m.AutoResolutionRate != 0 || m.OverturnRate != nil || m.MedianResolutionHours != nil || len(m.Rules) != 0 ||
		len(m.HandoffReasons) != 0 || len(m.ResolutionByReason) != 0 || len(m.Unusual) != 0 || m.Overall.Orders != 0 || m.Overall.Per100 != 0 {
		t.Errorf("empty period: %s", r.raw)
	}
	if len(m.Daily) != 2 || m.Daily[0].Day != "2025-01-01" || m.Daily[1].Day != "2025-01-02" || m.Daily[0].Submitted != 0 || m.Daily[1].AutoResolutionRate != nil {
		t.Errorf("daily %+v", m.Daily)
	}
	if h := m.Resolution.Histogram; len(h) != 7 || !slices.Equal(bucketCounts(h), make([]int, 7)) || m.Resolution.P50Hours != nil {
		t.Errorf("histogram %+v", m.Resolution)
	}
	if len(m.ByMerchant) != 4 || m.ByMerchant[0].Orders != 0 || m.ByMerchant[0].WilsonLowPer100 != nil || m.ByMerchant[0].ZScore != nil {
		t.Errorf("merchants %+v", m.ByMerchant)
	}
	// Empty collections are [] and {} in JSON, not null.
	for _, k := range []string{`"overturns_per_rule":[]`, `"time_to_resolution_per_reason":[]`, `"unusual_merchants":[]`, `"handoff_reason_counts":{}`, `"overturn_rate_per_rule":{}`} {
		if !strings.Contains(string(r.raw), k) {
			t.Errorf("want %s in %s", k, r.raw)
		}
	}
}

func TestOpsMetricsBadPeriod(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ops := e.login("ops", "ops")
	for _, c := range []struct{ query, field string }{
		{"from=yesterday", "from"},
		{"to=2026-13-01", "to"},
		{"from=2026-10-02&to=2026-10-01", "from"},
		{"from=2026-10-01&to=2026-10-01", "from"},
		{"from=2024-01-01&to=2026-01-01", "to"},
		{"to=2026-10-01T00:00:00", "to"}, // no zone
	} {
		r := e.call("GET", "/v1/ops/metrics?"+c.query, ops, nil)
		if r.status != 400 || r.errField() != c.field {
			t.Errorf("%s: %d %s; want 400 on %s", c.query, r.status, r.raw, c.field)
		}
	}
	// 366 days is the longest period.
	if r := e.call("GET", "/v1/ops/metrics?from=2025-01-01&to=2026-01-02", ops, nil); r.status != 200 || len(r.body["daily"].([]any)) != 366 {
		t.Errorf("366 days: %d", r.status)
	}
	if r := e.call("GET", "/v1/ops/metrics", e.login("agent", "agent"), nil); r.status != 403 {
		t.Errorf("agent: %d", r.status)
	}
}
