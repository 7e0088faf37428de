package disputes

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Metrics are ops' figures for disputes submitted in [From, To).
type Metrics struct {
	From                  time.Time          `json:"from"`
	To                    time.Time          `json:"to"`
	Submitted             int                `json:"submitted"`
	AutoResolved          int                `json:"auto_resolved"`
	AutoResolutionRate    float64            `json:"auto_resolution_rate"`
	Escalated             int                `json:"escalated"`
	EscalationRate        float64            `json:"escalation_rate"`
	OverturnRateByRule    map[string]float64 `json:"overturn_rate_per_rule"`
	HandoffReasons        map[string]int     `json:"handoff_reason_counts"`
	MedianResolutionHours *float64           `json:"median_time_to_resolution_hours"`
	ByMerchant            []MerchantRate     `json:"disputes_per_merchant"`
	Daily                 []DailyRates       `json:"daily"`
}

// MerchantRate is a merchant's disputes per 1,000 orders in the period.
type MerchantRate struct {
	MerchantID string  `json:"merchant_id"`
	Name       string  `json:"name"`
	Disputes   int     `json:"disputes"`
	Orders     int     `json:"orders"`
	Per1000    float64 `json:"per_1000_orders"`
}

// DailyRates are the rates per day, for charts.
type DailyRates struct {
	Day          string `json:"day"`
	Submitted    int    `json:"submitted"`
	AutoResolved int    `json:"auto_resolved"`
	Escalated    int    `json:"escalated"`
}

// Metrics computes the ops figures.
func (s *Service) Metrics(ctx context.Context, from, to time.Time) (Metrics, error) {
	m := Metrics{From: from, To: to, OverturnRateByRule: map[string]float64{}, HandoffReasons: map[string]int{}}
	err := s.db.QueryRow(ctx, `SELECT count(*),
		count(*) FILTER (WHERE EXISTS (SELECT 1 FROM decisions x WHERE x.dispute_id = d.id AND x.decided_by = 'rule' AND x.action = 'resolve')),
		count(*) FILTER (WHERE EXISTS (SELECT 1 FROM handoffs h WHERE h.dispute_id = d.id)),
		percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM d.closed_at - d.submitted_at) / 3600)
			FILTER (WHERE d.closed_at IS NOT NULL)
		FROM disputes d WHERE d.submitted_at >= $1 AND d.submitted_at < $2`, from, to).
		Scan(&m.Submitted, &m.AutoResolved, &m.Escalated, &m.MedianResolutionHours)
	if err != nil {
		return m, fmt.Errorf("metrics: %w", err)
	}
	if m.Submitted > 0 {
		m.AutoResolutionRate = float64(m.AutoResolved) / float64(m.Submitted)
		m.EscalationRate = float64(m.Escalated) / float64(m.Submitted)
	}
	if err := s.metricMaps(ctx, &m); err != nil {
		return m, err
	}
	if m.ByMerchant, err = s.merchantRates(ctx, from, to); err != nil {
		return m, err
	}
	m.Daily, err = s.dailyRates(ctx, from, to)
	return m, err
}

func (s *Service) metricMaps(ctx context.Context, m *Metrics) error {
	rows, err := s.db.Query(ctx, `SELECT x.rule_id, count(*) FILTER (WHERE r.verdict = 'overturn')::float / count(*)
		FROM decision_reviews r JOIN decisions x ON x.id = r.decision_id
		WHERE x.decided_by = 'rule' AND x.decided_at >= $1 AND x.decided_at < $2 GROUP BY x.rule_id`, m.From, m.To)
	if err != nil {
		return err
	}
	var k string
	var f float64
	if _, err := pgx.ForEachRow(rows, []any{&k, &f}, func() error { m.OverturnRateByRule[k] = f; return nil }); err != nil {
		return err
	}
	rows, err = s.db.Query(ctx, `SELECT reason_category, count(*) FROM handoffs WHERE created_at >= $1 AND created_at < $2
		GROUP BY reason_category`, m.From, m.To)
	if err != nil {
		return err
	}
	var n int
	_, err = pgx.ForEachRow(rows, []any{&k, &n}, func() error { m.HandoffReasons[k] = n; return nil })
	return err
}

func (s *Service) merchantRates(ctx context.Context, from, to time.Time) ([]MerchantRate, error) {
	rows, err := s.db.Query(ctx, `SELECT m.id, m.name,
		(SELECT count(*) FROM disputes d WHERE d.merchant_id = m.id AND d.created_at >= $1 AND d.created_at < $2),
		(SELECT count(*) FROM orders o WHERE o.merchant_id = m.id AND o.captured_at < $2)
		FROM merchants m ORDER BY m.name`, from, to)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (MerchantRate, error) {
		var mr MerchantRate
		err := r.Scan(&mr.MerchantID, &mr.Name, &mr.Disputes, &mr.Orders)
		if mr.Orders > 0 {
			mr.Per1000 = float64(mr.Disputes) * 1000 / float64(mr.Orders)
		}
		return mr, err
	})
	return out, err
}

func (s *Service) dailyRates(ctx context.Context, from, to time.Time) ([]DailyRates, error) {
	rows, err := s.db.Query(ctx, `SELECT to_char(date_trunc('day', d.submitted_at), 'YYYY-MM-DD'), count(*),
		count(*) FILTER (WHERE EXISTS (SELECT 1 FROM decisions x WHERE x.dispute_id = d.id AND x.decided_by = 'rule' AND x.action = 'resolve')),
		count(*) FILTER (WHERE EXISTS (SELECT 1 FROM handoffs h WHERE h.dispute_id = d.id))
		FROM disputes d WHERE d.submitted_at >= $1 AND d.submitted_at < $2 GROUP BY 1 ORDER BY 1`, from, to)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[DailyRates])
}
