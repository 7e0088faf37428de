package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/settlehq/settle/chatbot/nlu"
)

// Targets of issue 5 for the local engine on the held-out split.
const (
	targetReasonAccuracy = 0.90
	targetFalsePositives = 0.05
)

// evalNLU is `settle eval nlu`.
func (a *app) evalNLU(ctx context.Context, args []string) error {
	fs := a.flags("eval nlu", "eval nlu [--engine local|llm] [--folds 5] [--errors]",
		`Measures triage on the labelled sets in chatbot/nlu/data: heldout.jsonl
(the issue's targets: dispute-reason accuracy >= 0.90, non-disputes called
disputes <= 5%), realistic.jsonl (public-complaint style, written before the
model's errors were seen), train.jsonl by k-fold cross-validation (local
engine only), and adversarial.jsonl (injection_suspected recall). Only
train.jsonl is ever trained on.`)
	engineName := fs.String("engine", "local", "local or llm")
	folds := fs.Int("folds", 5, "cross-validation folds on train.jsonl; 0 to skip")
	showErrors := fs.Bool("errors", false, "list every misclassified line")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	start := a.clock.Now()
	engine, err := a.cliEngine(*engineName)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "engine %s (built in %s, training included)\n\n", *engineName, a.clock.Now().Sub(start).Round(1e6))
	var reports []nlu.Report
	for _, set := range []string{nlu.HeldoutSet, nlu.RealisticSet} {
		rep, err := evalSet(ctx, engine, set)
		if err != nil {
			return err
		}
		reports = append(reports, rep)
		printReport(a.stdout, rep, *showErrors)
	}
	if *folds > 1 && *engineName == "local" {
		if err := a.crossValidate(ctx, *folds, *showErrors); err != nil {
			return err
		}
	}
	if err := a.evalAdversarial(ctx, engine); err != nil {
		return err
	}
	printTargets(a.stdout, reports[0])
	return nil
}

func evalSet(ctx context.Context, engine nlu.Engine, set string) (nlu.Report, error) {
	examples, err := nlu.LoadSet(set)
	if err != nil {
		return nlu.Report{}, err
	}
	return nlu.Evaluate(ctx, engine, set, examples)
}

func printReport(w io.Writer, rep nlu.Report, showErrors bool) {
	rep.Print(w)
	if showErrors {
		for _, m := range rep.Errors {
			fmt.Fprintf(w, "    want %-30s got %-30s %s\n", m.Want, m.Got, m.Text)
		}
	}
	fmt.Fprintln(w)
}

func (a *app) crossValidate(ctx context.Context, folds int, showErrors bool) error {
	train, err := nlu.LoadSet(nlu.TrainSet)
	if err != nil {
		return err
	}
	rep, err := nlu.CrossValidate(ctx, train, folds, nlu.LocalOptions{})
	if err != nil {
		return err
	}
	rep.Set = fmt.Sprintf("train, %d-fold cross-validation", folds)
	printReport(a.stdout, rep, showErrors)
	return nil
}

// evalAdversarial reports how many attacks are flagged, per kind, and
// whether the complaint inside an attack is still triaged right.
func (a *app) evalAdversarial(ctx context.Context, engine nlu.Engine) error {
	examples, err := nlu.LoadSet(nlu.AdversarialSet)
	if err != nil {
		return err
	}
	flagged, byKind := 0, map[string][2]int{}
	reasonRight, withReason := 0, 0
	for _, e := range examples {
		r, err := engine.Parse(ctx, e.Text, nlu.Context{})
		if err != nil {
			return err
		}
		k := byKind[e.Kind]
		k[1]++
		if r.InjectionSuspected {
			flagged++
			k[0]++
		}
		byKind[e.Kind] = k
		if e.Reason != nlu.ReasonNone {
			withReason++
			if r.Reason == e.Reason {
				reasonRight++
			}
		}
	}
	fmt.Fprintf(a.stdout, "adversarial: %d lines\n  injection_suspected recall       %.3f (%d/%d)\n", len(examples), ratio(flagged, len(examples)), flagged, len(examples))
	for _, kind := range slices.Sorted(maps.Keys(byKind)) {
		fmt.Fprintf(a.stdout, "    %-22s %d/%d\n", kind, byKind[kind][0], byKind[kind][1])
	}
	fmt.Fprintf(a.stdout, "  complaint inside an attack triaged right  %d/%d\n\n", reasonRight, withReason)
	return nil
}

func printTargets(w io.Writer, held nlu.Report) {
	fmt.Fprintln(w, "targets (issue 5, local engine, held-out split):")
	fmt.Fprintf(w, "  dispute-reason accuracy >= %.2f   %.3f  %s\n", targetReasonAccuracy, held.ReasonAccuracy, verdict(held.ReasonAccuracy >= targetReasonAccuracy))
	fmt.Fprintf(w, "  non-disputes called disputes <= %.2f   %.3f  %s\n", targetFalsePositives, held.FalsePositiveRate, verdict(held.FalsePositiveRate <= targetFalsePositives))
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT MET"
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
