package cobrowse

import (
	"context"
	"fmt"
	"regexp"

	"github.com/settlehq/settle/internal/db"
	"github.com/settlehq/settle/internal/errs"
)

// The privacy policy lives in a table: the newest row is in force, each
// session keeps the version it started under (and its consent receipts name
// it), and the migration installs a default that allowlists nothing but
// elements marked data-settle-unredact.

// CurrentPolicy returns the policy new sessions start under.
func (s *Service) CurrentPolicy(ctx context.Context) (Policy, error) {
	return currentPolicy(ctx, s.pool)
}

func currentPolicy(ctx context.Context, q db.Querier) (Policy, error) {
	var p Policy
	err := q.QueryRow(ctx, `SELECT version, unredact_selectors, secret_selectors FROM cobrowse_policies
		ORDER BY seq DESC LIMIT 1`).Scan(&p.Version, &p.UnredactSelectors, &p.SecretSelectors)
	if err != nil {
		return p, fmt.Errorf("cobrowse: current policy: %w", err)
	}
	return p, nil
}

var policyVersionRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// SetPolicy stores p as the policy in force for sessions started from now
// on. Every selector must be in the gate's supported subset; a version is
// made up when p has none.
func (s *Service) SetPolicy(ctx context.Context, staffID string, p Policy) (Policy, error) {
	if err := p.Validate(); err != nil {
		return Policy{}, err
	}
	if p.Version == "" {
		p.Version = s.cfg.IDs.Make("pol")
	}
	if !policyVersionRE.MatchString(p.Version) {
		return Policy{}, errs.Invalidf("version", "a version is 1 to 64 letters, digits, dots, dashes or underscores")
	}
	p.UnredactSelectors, p.SecretSelectors = nonNilStrings(p.UnredactSelectors), nonNilStrings(p.SecretSelectors)
	_, err := s.pool.Exec(ctx, `INSERT INTO cobrowse_policies (version, unredact_selectors, secret_selectors, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5)`, p.Version, p.UnredactSelectors, p.SecretSelectors, "staff:"+staffID, s.cfg.Clock.Now())
	if db.IsUniqueViolation(err, "") {
		return Policy{}, errs.Conflictf("policy_version_exists", "policy version %q exists; policies are never changed, only replaced", p.Version)
	}
	if err != nil {
		return Policy{}, fmt.Errorf("cobrowse: set policy: %w", err)
	}
	return p, nil
}
