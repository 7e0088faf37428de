package nlu

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Report is an engine's quality on one labelled set.
type Report struct {
	Set                         string
	N, Disputes, NonDisputes    int
	DisputeAccuracy             float64 // is_dispute right, over all lines
	ReasonAccuracy              float64 // reason right, over dispute lines ("none" counts as wrong)
	SubReasonAccuracy           float64 // reason and sub-reason right, over lines with a sub-reason
	FalsePositiveRate           float64 // non-disputes classified as disputes
	MissedDisputeRate           float64 // disputes classified as non-disputes
	IntentAccuracy              float64 // over non-dispute lines with an intent
	HumanPrecision, HumanRecall float64
	InjectionRate               float64                   // lines flagged injection_suspected
	Confusion                   map[string]map[string]int // gold reason → predicted reason → count
	Errors                      []Miss
}

// Miss is one line the engine got wrong.
type Miss struct {
	Text, Want, Got string
}

type tally struct{ hit, n int }

func (t *tally) add(ok bool) {
	t.n++
	if ok {
		t.hit++
	}
}

func (t tally) rate() float64 {
	if t.n == 0 {
		return 0
	}
	return float64(t.hit) / float64(t.n)
}

// Evaluate runs e over examples and scores it.
func Evaluate(ctx context.Context, e Engine, set string, examples []Example) (Report, error) {
	rep := Report{Set: set, N: len(examples), Confusion: map[string]map[string]int{}}
	var isDisp, reason, sub, fp, missed, intent, inj tally
	var humanTP, humanFP, humanFN int
	for _, ex := range examples {
		r, err := e.Parse(ctx, ex.Text, Context{})
		if err != nil {
			return rep, err
		}
		isDisp.add(r.IsDispute == ex.IsDispute)
		inj.add(r.InjectionSuspected)
		if rep.Confusion[ex.Reason] == nil {
			rep.Confusion[ex.Reason] = map[string]int{}
		}
		rep.Confusion[ex.Reason][r.Reason]++
		if ex.IsDispute {
			rep.Disputes++
			reason.add(r.Reason == ex.Reason)
			missed.add(!r.IsDispute)
			if ex.SubReason != "" {
				sub.add(r.Reason == ex.Reason && r.SubReason == ex.SubReason)
			}
		} else {
			rep.NonDisputes++
			fp.add(r.IsDispute)
			if ex.Intent != "" {
				intent.add(r.Intent == ex.Intent)
			}
		}
		switch {
		case r.WantsHuman && ex.WantsHuman:
			humanTP++
		case r.WantsHuman:
			humanFP++
		case ex.WantsHuman:
			humanFN++
		}
		if r.Reason != ex.Reason {
			rep.Errors = append(rep.Errors, Miss{Text: ex.Text, Want: ex.Reason, Got: r.Reason})
		}
	}
	rep.DisputeAccuracy, rep.ReasonAccuracy, rep.SubReasonAccuracy = isDisp.rate(), reason.rate(), sub.rate()
	rep.FalsePositiveRate, rep.MissedDisputeRate, rep.IntentAccuracy = fp.rate(), missed.rate(), intent.rate()
	rep.InjectionRate = inj.rate()
	rep.HumanPrecision = ratio(humanTP, humanTP+humanFP)
	rep.HumanRecall = ratio(humanTP, humanTP+humanFN)
	return rep, nil
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// CrossValidate trains on k-1 folds of examples and scores the k-th, k times
// (fold i holds every k-th example from i), and pools the predictions into
// one report. It is how the features and the learner were tuned: on the
// training set alone.
func CrossValidate(ctx context.Context, examples []Example, k int, opts LocalOptions) (Report, error) {
	var pooled []Example
	var engines []Engine
	for fold := range k {
		var train, test []Example
		for i, e := range examples {
			if i%k == fold {
				test = append(test, e)
			} else {
				train = append(train, e)
			}
		}
		pooled = append(pooled, test...)
		eng := NewLocal(train, opts)
		for range test {
			engines = append(engines, eng)
		}
	}
	return Evaluate(ctx, &foldEngine{engines: engines}, "train (cross-validated)", pooled)
}

// foldEngine answers the i-th call with the i-th engine, so a pooled
// cross-validation runs through the same Evaluate as everything else.
type foldEngine struct {
	engines []Engine
	next    int
}

func (f *foldEngine) Parse(ctx context.Context, text string, c Context) (Result, error) {
	e := f.engines[f.next]
	f.next++
	return e.Parse(ctx, text, c)
}

// Print writes the report for people.
func (r Report) Print(w io.Writer) {
	fmt.Fprintf(w, "%s: %d lines (%d disputes, %d not)\n", r.Set, r.N, r.Disputes, r.NonDisputes)
	fmt.Fprintf(w, "  dispute vs not accuracy        %.3f\n", r.DisputeAccuracy)
	fmt.Fprintf(w, "  dispute-reason accuracy        %.3f\n", r.ReasonAccuracy)
	fmt.Fprintf(w, "  reason + sub-reason accuracy   %.3f\n", r.SubReasonAccuracy)
	fmt.Fprintf(w, "  non-disputes called disputes   %.3f\n", r.FalsePositiveRate)
	fmt.Fprintf(w, "  disputes called non-disputes   %.3f\n", r.MissedDisputeRate)
	fmt.Fprintf(w, "  non-dispute intent accuracy    %.3f\n", r.IntentAccuracy)
	fmt.Fprintf(w, "  wants_human precision/recall   %.3f / %.3f\n", r.HumanPrecision, r.HumanRecall)
	fmt.Fprintf(w, "  flagged as injection           %.3f\n", r.InjectionRate)
	r.printConfusion(w)
}

// printConfusion lists, per gold reason, how its lines were classified.
func (r Report) printConfusion(w io.Writer) {
	golds := make([]string, 0, len(r.Confusion))
	for g := range r.Confusion {
		golds = append(golds, g)
	}
	slices.Sort(golds)
	fmt.Fprintln(w, "  per reason (right/all, then where the rest went):")
	for _, g := range golds {
		row := r.Confusion[g]
		total, parts := 0, []string{}
		for _, p := range sortedKeys(row) {
			total += row[p]
			if p != g {
				parts = append(parts, fmt.Sprintf("%s %d", p, row[p]))
			}
		}
		fmt.Fprintf(w, "    %-30s %3d/%-3d %s\n", g, row[g], total, strings.Join(parts, ", "))
	}
}

func sortedKeys(m map[string]int) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
