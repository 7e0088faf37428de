package knowledge

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestScore(t *testing.T) {
	qs := []EvalQuestion{
		{Q: "a", Relevant: []string{"d#1"}},
		{Q: "b", Relevant: []string{"d#2", "d#3"}},
		{Q: "c", Relevant: []string{"d#9"}},
	}
	ranked := [][]string{
		{"d#1", "d#2"}, // first: recall@1 1, RR 1
		{"d#4", "d#3", "d#5", "d#6", "d#7", "d#2"}, // one of two in the top 5, first at rank 2
		{"d#1"}, // nothing
	}
	m := Score(qs, ranked)
	want := Metrics{Questions: 3, RecallAt1: 1.0 / 3, RecallAt5: (1 + 0.5) / 3, MRR: (1 + 0.5) / 3}
	if m.Questions != want.Questions || !near(m.RecallAt1, want.RecallAt1) || !near(m.RecallAt5, want.RecallAt5) || !near(m.MRR, want.MRR) {
		t.Fatalf("got %+v, want %+v", m, want)
	}
	if z := Score(nil, nil); z != (Metrics{}) {
		t.Fatalf("empty set: %+v", z)
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestLoadEvalSetRejectsBadLines(t *testing.T) {
	for name, line := range map[string]string{
		"unknown field":     `{"q":"x","relevant":["a#1"],"extra":1}`,
		"no relevant":       `{"q":"x","relevant":[]}`,
		"empty question":    `{"q":" ","relevant":["a#1"]}`,
		"not JSON":          `q: x`,
		"relevant a string": `{"q":"x","relevant":"a#1"}`,
	} {
		if _, err := LoadEvalSet(strings.NewReader(line + "\n")); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}

// Every label names a section that exists and applies in the question's
// market, and questions are not repeated: a wrong label would make the
// figures lie.
func TestEvalSetLabels(t *testing.T) {
	qs, err := EvalSet()
	if err != nil {
		t.Fatal(err)
	}
	docs, err := LoadCorpus(Corpus())
	if err != nil {
		t.Fatal(err)
	}
	sections := map[string]Section{}
	for _, d := range docs {
		for _, s := range d.Sections {
			sections[s.ID()] = s
		}
	}
	seen := map[string]bool{}
	paraphrases := 0
	for _, q := range qs {
		if seen[q.Q] {
			t.Errorf("question %q is in the set twice", q.Q)
		}
		seen[q.Q] = true
		if q.Paraphrase {
			paraphrases++
		}
		if q.Kind != "customer" && q.Kind != "agent" {
			t.Errorf("%q: kind %q", q.Q, q.Kind)
		}
		for _, id := range q.Relevant {
			s, ok := sections[id]
			switch {
			case !ok:
				t.Errorf("%q: no section %s", q.Q, id)
			case q.Market != "" && !slices.Contains(s.Markets, q.Market):
				t.Errorf("%q is asked in %s but %s applies in %v", q.Q, q.Market, id, s.Markets)
			}
		}
	}
	if len(qs) < 120 || paraphrases < 40 {
		t.Fatalf("%d questions, %d paraphrases", len(qs), paraphrases)
	}
}
