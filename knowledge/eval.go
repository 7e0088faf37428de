package knowledge

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// EvalQuestion is one labelled question of the retrieval evaluation set
// (eval/retrieval.jsonl): the sections that answer it, and the market it is
// asked in ("" for any).
type EvalQuestion struct {
	Q          string   `json:"q"`
	Market     string   `json:"market"`
	Relevant   []string `json:"relevant"`
	Kind       string   `json:"kind"`       // customer or agent
	Paraphrase bool     `json:"paraphrase"` // shares few words with its answer
}

//go:embed eval/retrieval.jsonl
var evalSet []byte

// EvalSet returns the evaluation set built into the binary.
func EvalSet() ([]EvalQuestion, error) { return LoadEvalSet(bytes.NewReader(evalSet)) }

// LoadEvalSet reads JSON lines of EvalQuestion, rejecting unknown fields and
// questions without a label.
func LoadEvalSet(r io.Reader) ([]EvalQuestion, error) {
	var out []EvalQuestion
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for line := 1; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.DisallowUnknownFields()
		var q EvalQuestion
		if err := dec.Decode(&q); err != nil {
			return nil, fmt.Errorf("knowledge: eval set line %d: %w", line, err)
		}
		if strings.TrimSpace(q.Q) == "" || len(q.Relevant) == 0 {
			return nil, fmt.Errorf("knowledge: eval set line %d: needs q and at least one relevant section", line)
		}
		out = append(out, q)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("knowledge: eval set: %w", err)
	}
	return out, nil
}

// Metrics are the retrieval quality figures over an evaluation set.
type Metrics struct {
	Questions int
	RecallAt1 float64 // mean share of a question's relevant sections in the top 1
	RecallAt5 float64 // ... in the top 5
	MRR       float64 // mean of 1/rank of the first relevant section (0 if none retrieved)
}

// Score computes Metrics from the ranked section ids retrieved for each
// question (ranked[i] for qs[i], best first, one entry per section).
// Recall counts every relevant section: a question with three relevant
// sections and one of them in the top 5 scores 1/3 there.
func Score(qs []EvalQuestion, ranked [][]string) Metrics {
	m := Metrics{Questions: len(qs)}
	if len(qs) == 0 {
		return m
	}
	for i, q := range qs {
		m.RecallAt1 += recallAt(q.Relevant, ranked[i], 1)
		m.RecallAt5 += recallAt(q.Relevant, ranked[i], 5)
		for r, id := range ranked[i] {
			if slices.Contains(q.Relevant, id) {
				m.MRR += 1 / float64(r+1)
				break
			}
		}
	}
	n := float64(len(qs))
	m.RecallAt1, m.RecallAt5, m.MRR = m.RecallAt1/n, m.RecallAt5/n, m.MRR/n
	return m
}

func recallAt(relevant, ranked []string, k int) float64 {
	found := 0
	for _, id := range ranked[:min(k, len(ranked))] {
		if slices.Contains(relevant, id) {
			found++
		}
	}
	return float64(found) / float64(len(relevant))
}

// Evaluate runs every question through r in mode, retrieving 10 sections
// each, and scores the rankings. It also returns them, for reports.
func Evaluate(ctx context.Context, r *Retriever, qs []EvalQuestion, mode Mode) (Metrics, [][]string, error) {
	ranked := make([][]string, len(qs))
	for i, q := range qs {
		res, err := r.SearchQuery(ctx, Query{Text: q.Q, Market: q.Market, K: 10, Mode: mode})
		if err != nil {
			return Metrics{}, nil, fmt.Errorf("knowledge: evaluate %q: %w", q.Q, err)
		}
		for _, x := range res {
			ranked[i] = append(ranked[i], x.SectionID)
		}
	}
	return Score(qs, ranked), ranked, nil
}
