package disputes

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/settlehq/settle/internal/errs"
)

// The period ops metrics cover is at most this long (the daily series has a
// row per day).
const MaxMetricsPeriod = 366 * 24 * time.Hour

// A merchant is only flagged for an unusual dispute rate with at least this
// many orders in the period: fewer say too little about it.
const UnusualMinOrders = 20

// unusualZ is the z of the Wilson score interval whose lower bound must clear
// the overall rate (1.96: a 95% interval).
const unusualZ = 1.96

// Metrics are ops' figures for the disputes submitted in [From, To) — "the
// cohort" — as those disputes stand now: a dispute belongs to the period (and
// the UTC day) it was submitted in, and its resolution, escalation and reviews
// count there whenever they happened, so recent days fill in as cases close
// and reviews land. Handoffs count with their dispute's cohort (handoffs made
// before any dispute existed, by the day they were made). Merchant dispute
// rates are over the orders captured in [From, To): the share of those orders
// that were disputed.
type Metrics struct {
	From                  time.Time          `json:"from"`
	To                    time.Time          `json:"to"`
	Submitted             int                `json:"submitted"`
	AutoResolved          int                `json:"auto_resolved"`
	AutoResolutionRate    float64            `json:"auto_resolution_rate"`
	Escalated             int                `json:"escalated"`
	EscalationRate        float64            `json:"escalation_rate"`
	Reviewed              int                `json:"reviewed"`
	Overturned            int                `json:"overturned"`
	OverturnRate          *float64           `json:"overturn_rate"`
	OverturnRateByRule    map[string]float64 `json:"overturn_rate_per_rule"`
	Rules                 []RuleOverturns    `json:"overturns_per_rule"`
	HandoffReasons        map[string]int     `json:"handoff_reason_counts"`
	MedianResolutionHours *float64           `json:"median_time_to_resolution_hours"`
	Resolution            ResolutionTimes    `json:"time_to_resolution"`
	ResolutionByReason    []ReasonResolution `json:"time_to_resolution_per_reason"`
	ByMerchant            []MerchantRate     `json:"disputes_per_merchant"`
	Overall               OverallDisputeRate `json:"dispute_rate_overall"`
	Unusual               []MerchantRate     `json:"unusual_merchants"`
	Daily                 []DailyRates       `json:"daily"`
}

// MerchantRate is how many of a merchant's orders captured in the period were
// disputed, against the rate across all merchants.
type MerchantRate struct {
	MerchantID string  `json:"merchant_id"`
	Name       string  `json:"name"`
	Disputes   int     `json:"disputes"` // orders of the period with a submitted dispute
	Orders     int     `json:"orders"`
	Per1000    float64 `json:"per_1000_orders"`
	Per100     float64 `json:"per_100_orders"`
	// The lower end of the 95% Wilson score interval of the rate, per 100
	// orders; null without orders.
	WilsonLowPer100 *float64 `json:"wilson_lower_per_100_orders"`
	// How many binomial standard deviations the merchant's disputes are above
	// what the overall rate predicts; null when that rate is 0 (or 100%) or
	// the merchant has no orders.
	ZScore *float64 `json:"z_score"`
	// Unusual: at least UnusualMinOrders orders and a Wilson lower bound above
	// the overall rate.
	Unusual bool `json:"unusual"`
}

// OverallDisputeRate is the dispute rate over every merchant's orders in the period.
type OverallDisputeRate struct {
	Disputes  int     `json:"disputes"`
	Orders    int     `json:"orders"`
	Per100    float64 `json:"per_100_orders"`
	MinOrders int     `json:"unusual_min_orders"`
}

// DailyRates are one UTC day's disputes, for charts. Every day of the period
// has a row; rates are null on days without anything to divide by.
type DailyRates struct {
	Day                string   `json:"day"`
	Submitted          int      `json:"submitted"`
	AutoResolved       int      `json:"auto_resolved"`
	Escalated          int      `json:"escalated"`
	Reviewed           int      `json:"reviewed"`
	Overturned         int      `json:"overturned"`
	AutoResolutionRate *float64 `json:"auto_resolution_rate"`
	EscalationRate     *float64 `json:"escalation_rate"`
	OverturnRate       *float64 `json:"overturn_rate"`
}

// RuleOverturns are a rule's automated outcomes in the cohort and their reviews.
type RuleOverturns struct {
	RuleID       string   `json:"rule_id"`
	Decided      int      `json:"decided"`
	Reviewed     int      `json:"reviewed"`
	Overturned   int      `json:"overturned"`
	OverturnRate *float64 `json:"overturn_rate"` // null when none was reviewed
}

// ResolutionTimes is how long the cohort's disputes took from submission to
// resolution. Withdrawn disputes are not resolutions; open ones have no time
// yet (they are counted, so the distribution's coverage is visible).
type ResolutionTimes struct {
	Resolved  int                `json:"resolved"`
	Open      int                `json:"open"`
	Withdrawn int                `json:"withdrawn"`
	P50Hours  *float64           `json:"p50_hours"`
	P90Hours  *float64           `json:"p90_hours"`
	Histogram []ResolutionBucket `json:"histogram"`
}

// ResolutionBucket counts resolutions that took [MinHours, MaxHours) hours.
type ResolutionBucket struct {
	Label    string   `json:"label"`
	MinHours float64  `json:"min_hours"`
	MaxHours *float64 `json:"max_hours"` // null: no upper bound
	Count    int      `json:"count"`
}

// ReasonResolution is the resolution times of one dispute reason.
type ReasonResolution struct {
	Reason string `json:"reason"`
	ResolutionTimes
}

// resolutionBounds are the histogram's bucket edges in hours: <1 h, 1–24 h,
// 1–3 days, 3–7 days, 7–14 days, 14–30 days, over 30 days.
var resolutionBounds = []float64{1, 24, 72, 168, 336, 720}

var resolutionLabels = []string{"< 1 h", "1–24 h", "1–3 days", "3–7 days", "7–14 days", "14–30 days", "> 30 days"}

// CheckMetricsPeriod says whether [from, to) is a period metrics can cover.
func CheckMetricsPeriod(from, to time.Time) error {
	if !from.Before(to) {
		return errs.Field(errs.Invalid, "from", "from must be before to")
	}
	if to.Sub(from) > MaxMetricsPeriod {
		return errs.Field(errs.Invalid, "to", "the period is at most 366 days")
	}
	return nil
}

// Metrics computes the ops figures.
func (s *Service) Metrics(ctx context.Context, from, to time.Time) (Metrics, error) {
	m := Metrics{From: from, To: to, OverturnRateByRule: map[string]float64{}, HandoffReasons: map[string]int{}}
	if err := CheckMetricsPeriod(from, to); err != nil {
		return m, err
	}
	if err := s.dailyRates(ctx, &m); err != nil {
		return m, fmt.Errorf("metrics: daily: %w", err)
	}
	if err := s.ruleOverturns(ctx, &m); err != nil {
		return m, fmt.Errorf("metrics: rules: %w", err)
	}
	if err := s.handoffReasons(ctx, &m); err != nil {
		return m, fmt.Errorf("metrics: handoffs: %w", err)
	}
	if err := s.resolutionTimes(ctx, &m); err != nil {
		return m, fmt.Errorf("metrics: resolution: %w", err)
	}
	if err := s.merchantRates(ctx, &m); err != nil {
		return m, fmt.Errorf("metrics: merchants: %w", err)
	}
	return m, nil
}

// cohortSQL is the period's disputes with what became of them; $1 and $2 are
// the period's bounds.
const cohortSQL = `SELECT d.id, d.reason, (d.submitted_at AT TIME ZONE 'UTC')::date AS day,
		EXISTS (SELECT 1 FROM decisions x WHERE x.dispute_id = d.id AND x.decided_by = 'rule' AND x.action = 'resolve') AS auto,
		EXISTS (SELECT 1 FROM handoffs h WHERE h.dispute_id = d.id) AS escalated,
		(SELECT count(*) FROM decisions x JOIN decision_reviews r ON r.decision_id = x.id
			WHERE x.dispute_id = d.id AND x.decided_by = 'rule' AND x.action = 'resolve') AS reviewed,
		(SELECT count(*) FROM decisions x JOIN decision_reviews r ON r.decision_id = x.id
			WHERE x.dispute_id = d.id AND x.decided_by = 'rule' AND x.action = 'resolve' AND r.verdict = 'overturn') AS overturned
	FROM disputes d WHERE d.submitted_at >= $1 AND d.submitted_at < $2`

// dailyRates fills the daily series and, from its total row, the period's
// counts and rates.
func (s *Service) dailyRates(ctx context.Context, m *Metrics) error {
	rows, err := s.db.Query(ctx, `WITH cohort AS (`+cohortSQL+`),
	days AS (SELECT g::date AS day FROM generate_series(($1::timestamptz AT TIME ZONE 'UTC')::date,
		(($2::timestamptz - interval '1 microsecond') AT TIME ZONE 'UTC')::date, interval '1 day') g)
	SELECT to_char(days.day, 'YYYY-MM-DD'), count(c.id),
		count(*) FILTER (WHERE c.auto), count(*) FILTER (WHERE c.escalated),
		coalesce(sum(c.reviewed), 0), coalesce(sum(c.overturned), 0),
		(count(*) FILTER (WHERE c.auto))::float8 / NULLIF(count(c.id), 0),
		(count(*) FILTER (WHERE c.escalated))::float8 / NULLIF(count(c.id), 0),
		coalesce(sum(c.overturned), 0)::float8 / NULLIF(sum(c.reviewed), 0)
	FROM days LEFT JOIN cohort c ON c.day = days.day
	GROUP BY ROLLUP (days.day) ORDER BY days.day NULLS LAST`, m.From, m.To)
	if err != nil {
		return err
	}
	var day *string
	var r DailyRates
	_, err = pgx.ForEachRow(rows, []any{&day, &r.Submitted, &r.AutoResolved, &r.Escalated, &r.Reviewed, &r.Overturned,
		&r.AutoResolutionRate, &r.EscalationRate, &r.OverturnRate}, func() error {
		if day != nil {
			r.Day = *day
			m.Daily = append(m.Daily, r)
			return nil
		}
		m.Submitted, m.AutoResolved, m.Escalated, m.Reviewed, m.Overturned = r.Submitted, r.AutoResolved, r.Escalated, r.Reviewed, r.Overturned
		if r.AutoResolutionRate != nil {
			m.AutoResolutionRate, m.EscalationRate = *r.AutoResolutionRate, *r.EscalationRate
		}
		m.OverturnRate = r.OverturnRate
		return nil
	})
	return err
}

// ruleOverturns: each rule's automated outcomes in the cohort and how many
// reviews overturned.
func (s *Service) ruleOverturns(ctx context.Context, m *Metrics) error {
	rows, err := s.db.Query(ctx, `SELECT x.rule_id, count(*), count(r.decision_id),
		count(*) FILTER (WHERE r.verdict = 'overturn'),
		(count(*) FILTER (WHERE r.verdict = 'overturn'))::float8 / NULLIF(count(r.decision_id), 0)
		FROM decisions x JOIN disputes d ON d.id = x.dispute_id LEFT JOIN decision_reviews r ON r.decision_id = x.id
		WHERE x.decided_by = 'rule' AND x.action = 'resolve' AND d.submitted_at >= $1 AND d.submitted_at < $2
		GROUP BY x.rule_id ORDER BY x.rule_id`, m.From, m.To)
	if err != nil {
		return err
	}
	m.Rules, err = pgx.CollectRows(rows, pgx.RowToStructByPos[RuleOverturns])
	for _, r := range m.Rules {
		if r.OverturnRate != nil {
			m.OverturnRateByRule[r.RuleID] = *r.OverturnRate
		}
	}
	if m.Rules == nil {
		m.Rules = []RuleOverturns{}
	}
	return err
}

func (s *Service) handoffReasons(ctx context.Context, m *Metrics) error {
	rows, err := s.db.Query(ctx, `SELECT h.reason_category, count(*) FROM handoffs h LEFT JOIN disputes d ON d.id = h.dispute_id
		WHERE coalesce(d.submitted_at, h.created_at) >= $1 AND coalesce(d.submitted_at, h.created_at) < $2
		GROUP BY h.reason_category`, m.From, m.To)
	if err != nil {
		return err
	}
	var k string
	var n int
	_, err = pgx.ForEachRow(rows, []any{&k, &n}, func() error { m.HandoffReasons[k] = n; return nil })
	return err
}

// resolutionTimes: percentiles and a histogram of submission-to-close hours,
// over the cohort and per reason.
func (s *Service) resolutionTimes(ctx context.Context, m *Metrics) error {
	var buckets []string
	for i := range resolutionLabels {
		buckets = append(buckets, fmt.Sprintf("count(*) FILTER (WHERE width_bucket(c.hours, $3::float8[]) = %d)", i))
	}
	rows, err := s.db.Query(ctx, `WITH c AS (
		SELECT d.reason, d.closed_at IS NULL AS open, d.closed_at IS NOT NULL AND d.outcome = 'withdrawn' AS withdrawn,
			CASE WHEN d.closed_at IS NOT NULL AND d.outcome <> 'withdrawn' THEN extract(epoch FROM d.closed_at - d.submitted_at)::float8 / 3600 END AS hours
		FROM disputes d WHERE d.submitted_at >= $1 AND d.submitted_at < $2)
	SELECT c.reason, count(c.hours), count(*) FILTER (WHERE c.open), count(*) FILTER (WHERE c.withdrawn),
		percentile_cont(0.5) WITHIN GROUP (ORDER BY c.hours), percentile_cont(0.9) WITHIN GROUP (ORDER BY c.hours),
		ARRAY[`+strings.Join(buckets, ", ")+`]
	FROM c GROUP BY ROLLUP (c.reason) ORDER BY c.reason NULLS FIRST`, m.From, m.To, resolutionBounds)
	if err != nil {
		return err
	}
	var reason *string
	var t ResolutionTimes
	var counts []int
	m.ResolutionByReason = []ReasonResolution{}
	_, err = pgx.ForEachRow(rows, []any{&reason, &t.Resolved, &t.Open, &t.Withdrawn, &t.P50Hours, &t.P90Hours, &counts}, func() error {
		t.Histogram = histogram(counts)
		if reason == nil {
			m.Resolution = t
		} else {
			m.ResolutionByReason = append(m.ResolutionByReason, ReasonResolution{Reason: *reason, ResolutionTimes: t})
		}
		return nil
	})
	if m.Resolution.Histogram == nil { // no total row: nothing in the period
		m.Resolution.Histogram = histogram(make([]int, len(resolutionLabels)))
	}
	m.MedianResolutionHours = m.Resolution.P50Hours
	return err
}

func histogram(counts []int) []ResolutionBucket {
	out := make([]ResolutionBucket, len(resolutionLabels))
	for i, label := range resolutionLabels {
		out[i] = ResolutionBucket{Label: label, Count: counts[i]}
		if i > 0 {
			out[i].MinHours = resolutionBounds[i-1]
		}
		if i < len(resolutionBounds) {
			hi := resolutionBounds[i]
			out[i].MaxHours = &hi
		}
	}
	return out
}

// merchantRates: per merchant, the share of its orders captured in the period
// that were disputed (a dispute submitted on them, at any time), against the
// overall share. A merchant is unusual when, with enough orders, even the
// lower end of the 95% Wilson interval of its rate is above the overall rate —
// a test that allows for the noise of small numbers, unlike a fixed top-N.
func (s *Service) merchantRates(ctx context.Context, m *Metrics) error {
	rows, err := s.db.Query(ctx, `WITH per AS (
		SELECT mr.id, mr.name, count(o.id) AS n,
			count(o.id) FILTER (WHERE EXISTS (SELECT 1 FROM disputes d WHERE d.order_id = o.id AND d.submitted_at IS NOT NULL)) AS k
		FROM merchants mr LEFT JOIN orders o ON o.merchant_id = mr.id AND o.captured_at >= $1 AND o.captured_at < $2
		GROUP BY mr.id, mr.name),
	overall AS (SELECT coalesce(sum(k), 0)::int AS k, coalesce(sum(n), 0)::int AS n,
		sum(k)::float8 / NULLIF(sum(n), 0) AS p FROM per),
	rated AS (SELECT per.*, per.k::float8 / NULLIF(per.n, 0) AS ph, NULLIF(per.n, 0)::float8 AS nf, $3::float8 AS z FROM per)
	SELECT r.id, r.name, r.k, r.n, coalesce(r.ph, 0) * 100,
		CASE WHEN r.n > 0 THEN -- at 0 disputes the bound is 0, give or take rounding: never below
			greatest(0, 100 * (r.ph + r.z^2 / (2 * r.nf) - r.z * sqrt(r.ph * (1 - r.ph) / r.nf + r.z^2 / (4 * r.nf^2))) / (1 + r.z^2 / r.nf)) END,
		CASE WHEN o.p > 0 AND o.p < 1 AND r.n > 0 THEN (r.k - r.nf * o.p) / sqrt(r.nf * o.p * (1 - o.p)) END,
		o.k, o.n, coalesce(o.p, 0) * 100
	FROM rated r CROSS JOIN overall o ORDER BY r.name, r.id`, m.From, m.To, unusualZ)
	if err != nil {
		return err
	}
	var mr MerchantRate
	m.ByMerchant, m.Unusual = []MerchantRate{}, []MerchantRate{}
	m.Overall.MinOrders = UnusualMinOrders
	_, err = pgx.ForEachRow(rows, []any{&mr.MerchantID, &mr.Name, &mr.Disputes, &mr.Orders, &mr.Per100, &mr.WilsonLowPer100, &mr.ZScore,
		&m.Overall.Disputes, &m.Overall.Orders, &m.Overall.Per100}, func() error {
		mr.Per1000 = mr.Per100 * 10
		mr.Unusual = mr.Orders >= UnusualMinOrders && mr.WilsonLowPer100 != nil && *mr.WilsonLowPer100 > m.Overall.Per100
		m.ByMerchant = append(m.ByMerchant, mr)
		if mr.Unusual {
			m.Unusual = append(m.Unusual, mr)
		}
		return nil
	})
	// The most clearly unusual first.
	slices.SortStableFunc(m.Unusual, func(a, b MerchantRate) int { return cmp.Compare(*b.WilsonLowPer100, *a.WilsonLowPer100) })
	return err
}
