package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
)

// Figure is one measured number next to the baseline measured in the same run
// (whole-system benchmarks never compare against a number from another day or
// machine). Ratio is Value/Baseline; Target states the goal in words, e.g.
// ">= 0.8x baseline".
type Figure struct {
	Name     string  `json:"name"`
	Value    float64 `json:"value"`
	Unit     string  `json:"unit"`
	Baseline float64 `json:"baseline"`
	Ratio    float64 `json:"ratio"`
	Target   string  `json:"target"`
}

// NewFigure fills in the ratio (0 when there is no baseline).
func NewFigure(name string, value float64, unit string, baseline float64, target string) Figure {
	f := Figure{Name: name, Value: value, Unit: unit, Baseline: baseline, Target: target}
	if baseline != 0 {
		f.Ratio = round(value/baseline, 4)
	}
	return f
}

func round(v float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(v*p) / p
}

// benchmark is one `settle bench <name>` kind.
type benchmark struct {
	name    string
	summary string
	run     func(a *app, ctx context.Context, args []string) ([]Figure, error)
}

// benchmarks lists the whole-system benchmarks; each feature adds its own.
func benchmarks() []benchmark {
	return []benchmark{
		{"retrieval", "knowledge search at scale: hybrid latency vs exact scan, HNSW recall", (*app).benchRetrieval},
		{"decide", "policy engine decisions/s next to a no-op rule set; determinism over the replay set", (*app).benchDecide},
		{"chat", "chat turns/s and p50/p99 turn latency next to one retrieval + one transcript insert", (*app).benchChat},
		{"relay", "cobrowse relay through the redaction gate next to a bare relay; gate on 1/15 MB snapshots; idle memory", (*app).benchRelay}}
}

func (a *app) bench(ctx context.Context, args []string) error {
	var names []string
	for _, b := range benchmarks() {
		names = append(names, fmt.Sprintf("  %-10s %s", b.name, b.summary))
	}
	fs := a.flags("bench", "bench <kind> [flags] [--json]", "Runs a whole-system benchmark and prints each figure next to a baseline\nmeasured in the same run. Kinds:\n"+strings.Join(names, "\n"))
	if len(args) == 0 || args[0] == "--help" || args[0] == "-h" {
		fs.Usage()
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	for _, b := range benchmarks() {
		if b.name == args[0] {
			asJSON, rest := extractJSONFlag(args[1:])
			figs, err := b.run(a, ctx, rest)
			if err != nil {
				return err
			}
			return printFigures(a.stdout, figs, asJSON)
		}
	}
	fs.Usage()
	return errUsage
}

// extractJSONFlag removes --json from args, so each benchmark's own flag set
// need not declare it.
func extractJSONFlag(args []string) (bool, []string) {
	var rest []string
	found := false
	for _, a := range args {
		if a == "--json" || a == "-json" {
			found = true
			continue
		}
		rest = append(rest, a)
	}
	return found, rest
}

func printFigures(w io.Writer, figs []Figure, asJSON bool) error {
	if asJSON {
		if figs == nil {
			figs = []Figure{}
		}
		return json.NewEncoder(w).Encode(figs)
	}
	fmt.Fprintf(w, "%-28s %14s %-6s %14s %8s  %s\n", "figure", "value", "unit", "baseline", "ratio", "target")
	for _, f := range figs {
		fmt.Fprintf(w, "%-28s %14.3f %-6s %14.3f %8.3f  %s\n", f.Name, f.Value, f.Unit, f.Baseline, f.Ratio, f.Target)
	}
	return nil
}
