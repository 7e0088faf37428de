package main

import (
	"context"
	"fmt"
	"reflect"
	"time"

	"github.com/settlehq/settle/disputes"
)

// benchDecide measures the policy engine against a no-op rule set on the same
// cases in the same run (the no-op still hashes each case's inputs, which every
// decision records), and checks determinism over the replay set.
func (a *app) benchDecide(ctx context.Context, args []string) ([]Figure, error) {
	fs := a.flags("bench decide", "bench decide [--cases 1000] [--duration 2s] [--json]",
		"Decisions per second of the starter rules next to a no-op rule set, and a determinism check: every replay case decided twice gives identical decisions.")
	n := fs.Int("cases", 1000, "replay cases to decide")
	dur := fs.Duration("duration", 2*time.Second, "how long to measure each rule set")
	if err := a.parse(fs, args); err != nil {
		return nil, err
	}
	cases := disputes.GenerateCases(2026, *n)
	engine, noop := disputes.NewEngine(disputes.StarterRules()), disputes.NewEngine(nil)
	for i, c := range cases {
		if first, second := engine.Decide(c), engine.Decide(c); !reflect.DeepEqual(first, second) {
			return nil, fmt.Errorf("replay case %d decided two ways", i)
		}
	}
	// Alternate the two in short rounds and keep each one's best round, so a
	// burst of load on this shared machine does not count against either.
	var rate, base float64
	for range 6 {
		base = max(base, decisionsPerSecond(noop, cases, *dur/6))
		rate = max(rate, decisionsPerSecond(engine, cases, *dur/6))
	}
	return []Figure{
		NewFigure("decisions_per_s", round(rate, 0), "1/s", round(base, 0), ">= 0.8x no-op rule set"),
		NewFigure("replay_deterministic_cases", float64(len(cases)), "cases", float64(len(cases)), "= all cases identical twice"),
	}, nil
}

func decisionsPerSecond(e *disputes.Engine, cases []disputes.Case, d time.Duration) float64 {
	start := time.Now()
	n := 0
	for time.Since(start) < d {
		for _, c := range cases {
			e.Decide(c)
		}
		n += len(cases)
	}
	return float64(n) / time.Since(start).Seconds()
}
