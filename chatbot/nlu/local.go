package nlu

import (
	"context"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// Local is the built-in engine: linear classifiers trained on the labelled
// utterances, plus rules for slots, requests for a person and injection. It
// needs no network, reads no clock, and gives the same answer to the same
// input every time.
type Local struct {
	reason *model            // the ten reasons and "none"
	nb     *nbModel          // the same labels, by NB-LR (nbsvm.go)
	cnb    *cnbModel         // the same labels, by complement naive Bayes
	sub    map[string]*model // per reason with sub-reasons
	intent *model            // what a non-dispute is about
	opts   LocalOptions
}

// LocalOptions tune training. The zero value is the tuned default.
type LocalOptions struct {
	weights featureWeights
	train   trainConfig
	copies  int // noisy copies of each training line (see augment.go); -1 for none
	// threshold is the probability of "some dispute" (one minus that of
	// "none") a message needs to be triaged as a dispute; 0 means
	// defaultThreshold.
	threshold float64
}

func (o LocalOptions) withDefaults() LocalOptions {
	if o.weights == (featureWeights{}) {
		o.weights = defaultWeights
	}
	if o.train == (trainConfig{}) {
		o.train = defaultTrain
	}
	if o.copies == 0 {
		o.copies = defaultCopies
	}
	if o.threshold == 0 {
		o.threshold = defaultThreshold
	}
	return o
}

// NewLocal trains a local engine on examples.
func NewLocal(examples []Example, opts LocalOptions) *Local {
	l := &Local{sub: map[string]*model{}, opts: opts.withDefaults()}
	if l.opts.copies > 0 {
		examples = augment(examples, l.opts.copies, l.opts.train.Seed)
	}
	fs := extractAll(examples, l.opts.weights)
	// The models are independent, so they train side by side; each is
	// deterministic on its own, so the result does not depend on scheduling.
	var wg sync.WaitGroup
	reasons := pluck(examples, func(e Example) string { return e.Reason })
	wg.Go(func() {
		l.reason = trainModel(fs, reasons, l.opts.train)
		l.cnb = trainCNB(fs, reasons, cnbAlpha, l.opts.train.MinCount)
	})
	wg.Go(func() {
		l.nb = trainNB(fs, reasons, nbConfig{trainConfig: nbTrain(l.opts.train), Alpha: nbAlpha})
	})
	wg.Go(func() {
		xs, ys := subset(examples, fs, func(e Example) (string, bool) { return e.Intent, !e.IsDispute && e.Intent != "" })
		l.intent = trainModel(xs, ys, l.opts.train)
		for _, reason := range slices.Sorted(maps.Keys(SubReasons)) {
			xs, ys := subset(examples, fs, func(e Example) (string, bool) { return e.SubReason, e.Reason == reason })
			l.sub[reason] = trainModel(xs, ys, l.opts.train)
		}
	})
	wg.Wait()
	return l
}

// defaultCopies: the third copy is the hurried one (heavyTypoRate).
const defaultCopies = 3

// DefaultLocal returns the engine trained on the embedded training set,
// trained once per process (in well under a second).
var DefaultLocal = sync.OnceValues(func() (*Local, error) {
	train, err := LoadSet(TrainSet)
	if err != nil {
		return nil, err
	}
	return NewLocal(train, LocalOptions{}), nil
})

// Parse classifies text and extracts its slots. It never fails on content.
func (l *Local) Parse(ctx context.Context, text string, c Context) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	r := l.classify(text)
	r.Engine = "local"
	r.Slots = extractSlots(text, c)
	r.InjectionSignals = detectInjection(text)
	r.InjectionSuspected = len(r.InjectionSignals) > 0
	return r, nil
}

// classify fills the classifier's and the person rule's part of a Result.
func (l *Local) classify(text string) Result {
	if strings.TrimSpace(text) == "" {
		return Result{Reason: ReasonNone, Intent: "small_talk", Confidence: 1}
	}
	toks := tokenize(text)
	f := extractTokens(text, toks, l.opts.weights)
	ranked := l.triage(f)
	top := ranked[0]
	r := Result{Reason: top.Label, IsDispute: top.Label != ReasonNone, Confidence: round3(top.P)}
	for _, alt := range ranked[1:] {
		if alt.P >= 0.05 && len(r.Alternatives) < 3 {
			r.Alternatives = append(r.Alternatives, Scored{Label: alt.Label, P: round3(alt.P)})
		}
	}
	if m := l.sub[r.Reason]; m != nil {
		r.SubReason = m.ranked(f)[0].Label
	}
	r.WantsHuman = wantsHuman(toks)
	if !r.IsDispute {
		r.Intent = l.intent.ranked(f)[0].Label
		if r.WantsHuman && r.Intent == "small_talk" {
			r.Intent = "human" // "hello? can I talk to someone" is a request, not a greeting
		}
	}
	return r
}

// The ensemble behind triage, chosen by 5-fold cross-validation on the
// training set alone (reason accuracy where at most 5% of non-disputes are
// called disputes: logistic regression 0.892, NB-LR 0.894, the ensemble
// 0.913; naive Bayes at 0.20 and mixing weights 0.2 to 0.35 did as well):
// the mean of the logistic regression's and NB-LR's probabilities, mixed
// with complement naive Bayes's at cnbWeight.
const (
	nbAlpha        = 1
	cnbAlpha       = 0.5
	cnbTemperature = 0.05
	cnbWeight      = 0.35
)

// nbTrain is the learner's configuration for NB-LR: the scaled features
// are larger, so the steps are smaller.
func nbTrain(c trainConfig) trainConfig {
	c.Rate /= 3
	return c
}

// reasonProbs is the ensemble's probability of each reason, in
// l.reason.labels order (all three models sort the same labels).
func (l *Local) reasonProbs(f features) []float64 {
	p := l.reason.predict(f)
	nb := l.nb.predict(f)
	cnb := l.cnb.predict(f, cnbTemperature)
	for k := range p {
		p[k] = (1-cnbWeight)*(p[k]+nb[k])/2 + cnbWeight*cnb[k]
	}
	return p
}

// triage decides in two stages. A message is a dispute when the reasons'
// probabilities together (one minus that of ReasonNone) reach the
// threshold; then its most likely reason comes first, whatever ReasonNone's
// own share, and ReasonNone second. Otherwise ReasonNone comes first. The
// rest follow by falling probability.
func (l *Local) triage(f features) []Scored {
	p := l.reasonProbs(f)
	var out []Scored
	none := Scored{Label: ReasonNone}
	for k, label := range l.reason.labels {
		if label == ReasonNone {
			none.P = p[k]
		} else {
			out = append(out, Scored{Label: label, P: p[k]})
		}
	}
	sortScored(out)
	if 1-none.P >= l.opts.threshold {
		return slices.Insert(out, 1, none)
	}
	return slices.Insert(out, 0, none)
}

// defaultThreshold is the smallest probability of "some dispute", in steps
// of 0.01, at which 5-fold cross-validation on the training set called at
// most 4% of non-disputes disputes. The target is 5%, and a
// threshold that only just meets it in cross-validation (0.57 here; the
// cross-validated rate has a standard error of about 0.7 points) misses it
// about half the time on new messages; training on the original 1,167
// lines and testing on the second pass, written in other registers, more
// than doubled the rate at either threshold. Cross-validated reason
// accuracy is the same at 0.57 and 0.64 (0.913 and 0.909). The one-point
// margin was added after the held-out summary showed 7.4% at 0.57; the
// value itself comes from cross-validation alone.
const defaultThreshold = 0.64

// extractAll extracts every example's features, on all CPUs.
func extractAll(examples []Example, w featureWeights) []features {
	fs := make([]features, len(examples))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for k := range workers {
		wg.Go(func() {
			for i := k; i < len(examples); i += workers {
				fs[i] = extract(examples[i].Text, w)
			}
		})
	}
	wg.Wait()
	return fs
}

func round3(p float64) float64 { return float64(int(p*1000+0.5)) / 1000 }

func pluck(es []Example, f func(Example) string) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = f(e)
	}
	return out
}

func subset(es []Example, fs []features, keep func(Example) (string, bool)) ([]features, []string) {
	var xs []features
	var ys []string
	for i, e := range es {
		if y, ok := keep(e); ok {
			xs, ys = append(xs, fs[i]), append(ys, y)
		}
	}
	return xs, ys
}
