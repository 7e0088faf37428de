package disputes

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/settlehq/settle/internal/errs"
)

// OutcomeFilter narrows the outcomes list.
type OutcomeFilter struct {
	DecidedBy  string // rule | agent
	Reason     string
	RuleID     string
	MerchantID string
	From, To   *time.Time
	Limit      int
}

// Outcome rows are decisions that resolved a dispute, with their review.
type OutcomeRow struct {
	DecisionID    string          `json:"decision_id"`
	DisputeID     string          `json:"dispute_id"`
	DecidedBy     string          `json:"decided_by"`
	RuleID        string          `json:"rule_id"`
	RuleVersion   string          `json:"rule_version"`
	PolicyVersion string          `json:"policy_version"`
	AgentID       string          `json:"agent_id,omitempty"`
	Outcome       string          `json:"outcome"`
	Amount        int64           `json:"amount"`
	Currency      string          `json:"currency"`
	Citations     []string        `json:"citations"`
	InputHash     string          `json:"input_hash"`
	Reason        string          `json:"reason"`
	MerchantID    string          `json:"merchant_id"`
	MerchantName  string          `json:"merchant_name"`
	Explanation   string          `json:"explanation"`
	DecidedAt     time.Time       `json:"decided_at"`
	Review        json.RawMessage `json:"review"`
}

// Outcomes lists resolving decisions, newest first.
func (s *Service) Outcomes(ctx context.Context, f OutcomeFilter) ([]OutcomeRow, error) {
	if f.DecidedBy != "" && f.DecidedBy != "rule" && f.DecidedBy != "agent" {
		return nil, errs.Field(errs.Invalid, "decided_by", "decided_by must be rule or agent")
	}
	if f.Reason != "" && !Reason(f.Reason).Valid() {
		return nil, errs.Field(errs.Invalid, "reason", "unknown reason "+f.Reason)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 200
	}
	rows, err := s.db.Query(ctx, `SELECT x.id, x.dispute_id, x.decided_by, x.rule_id, x.rule_version, x.policy_version,
		x.agent_id, x.outcome, x.amount, d.currency, x.citations, x.input_hash, d.reason, d.merchant_id, m.name,
		coalesce(x.detail->>'explanation', ''), x.decided_at,
		CASE WHEN r.decision_id IS NULL THEN 'null'::json ELSE json_build_object('verdict', r.verdict, 'note', r.note,
			'reviewer_id', r.reviewer_id, 'reviewed_at', r.reviewed_at) END
		FROM decisions x JOIN disputes d ON d.id = x.dispute_id JOIN merchants m ON m.id = d.merchant_id
		LEFT JOIN decision_reviews r ON r.decision_id = x.id
		WHERE x.action = 'resolve' AND ($1 = '' OR x.decided_by = $1) AND ($2 = '' OR d.reason = $2)
		AND ($3 = '' OR x.rule_id = $3) AND ($4 = '' OR d.merchant_id = $4)
		AND ($5::timestamptz IS NULL OR x.decided_at >= $5) AND ($6::timestamptz IS NULL OR x.decided_at < $6)
		ORDER BY x.seq DESC LIMIT $7`, f.DecidedBy, f.Reason, f.RuleID, f.MerchantID, f.From, f.To, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("outcomes: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (OutcomeRow, error) {
		var o OutcomeRow
		var review []byte
		err := r.Scan(&o.DecisionID, &o.DisputeID, &o.DecidedBy, &o.RuleID, &o.RuleVersion, &o.PolicyVersion, &o.AgentID,
			&o.Outcome, &o.Amount, &o.Currency, &o.Citations, &o.InputHash, &o.Reason, &o.MerchantID, &o.MerchantName,
			&o.Explanation, &o.DecidedAt, &review)
		o.Review = review
		return o, err
	})
}

// RuleStatus is a rule as ops see it: what it cites, how it is switched, how
// often it fired and how often reviews overturned it.
type RuleStatus struct {
	ID          string   `json:"rule_id"`
	Version     string   `json:"version"`
	Cites       []string `json:"citations"`
	Mode        string   `json:"mode"`
	Fired       int      `json:"fired"`
	Reviewed    int      `json:"reviewed"`
	Overturned  int      `json:"overturned"`
	OverturnPct float64  `json:"overturn_rate"`
}

// Rules lists the engine's rules with their switches and statistics.
func (s *Service) Rules(ctx context.Context) ([]RuleStatus, error) {
	out := []RuleStatus{}
	for _, r := range s.engine.Rules() {
		rs := RuleStatus{ID: r.ID, Version: r.Version, Cites: r.Cites, Mode: ModeAuto}
		err := s.db.QueryRow(ctx, `SELECT coalesce((SELECT mode FROM rule_settings WHERE rule_id = $1), 'auto'),
			(SELECT count(*) FROM decisions WHERE rule_id = $1 AND decided_by = 'rule'),
			(SELECT count(*) FROM decision_reviews v JOIN decisions d ON d.id = v.decision_id WHERE d.rule_id = $1 AND d.decided_by = 'rule'),
			(SELECT count(*) FROM decision_reviews v JOIN decisions d ON d.id = v.decision_id WHERE d.rule_id = $1 AND d.decided_by = 'rule' AND v.verdict = 'overturn')`,
			r.ID).Scan(&rs.Mode, &rs.Fired, &rs.Reviewed, &rs.Overturned)
		if err != nil {
			return nil, fmt.Errorf("rule %s: %w", r.ID, err)
		}
		if rs.Reviewed > 0 {
			rs.OverturnPct = float64(rs.Overturned) / float64(rs.Reviewed)
		}
		out = append(out, rs)
	}
	return out, nil
}

// SetRuleMode switches a rule between automatic and propose-only, effective
// for the next decision, without a deploy.
func (s *Service) SetRuleMode(ctx context.Context, staffID, ruleID, mode string) error {
	if mode != ModeAuto && mode != ModeProposeOnly {
		return errs.Invalidf("mode", "mode must be auto or propose_only")
	}
	known := false
	for _, r := range s.engine.Rules() {
		known = known || r.ID == ruleID
	}
	if !known {
		return errs.NotFoundf("no rule %s", ruleID)
	}
	_, err := s.db.Exec(ctx, `INSERT INTO rule_settings (rule_id, mode, updated_by, updated_at) VALUES ($1,$2,$3,$4)
		ON CONFLICT (rule_id) DO UPDATE SET mode = $2, updated_by = $3, updated_at = $4`, ruleID, mode, staffID, s.clock.Now())
	return err
}
