package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/settlehq/settle/internal/config"
	"github.com/settlehq/settle/knowledge"
)

func (a *app) evalRetrieval(ctx context.Context, args []string) error {
	fs := a.flags("eval retrieval", "eval retrieval [--set file.jsonl] [--corpus dir] [--embedder local|openai] [--misses]",
		`Measures retrieval on the labelled questions in knowledge/eval/retrieval.jsonl
(built into the binary): recall@1, recall@5 and MRR (over the top 10) for
vector-only, full-text-only and hybrid search, side by side. Recall counts
every section a question lists as relevant; results are one per section.

It works in a temporary database created on DATABASE_URL's server (the role
needs CREATEDB), into which it ingests the corpus, and which it drops
afterwards: your data is never touched.`)
	set := fs.String("set", "", "evaluation set (JSON lines); default: the built-in one")
	corpus := fs.String("corpus", "", "policy documents directory; default: the built-in corpus")
	kind := fs.String("embedder", "", "local or openai (default: from SETTLE_AI_ENGINE)")
	misses := fs.Bool("misses", false, "list the questions hybrid search misses in its top 5")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	qs, err := loadEvalSet(*set)
	if err != nil {
		return err
	}
	cfg, err := config.Load(a.getenv)
	if err != nil {
		return err
	}
	emb, err := newEmbedder(cfg, *kind)
	if err != nil {
		return err
	}
	docs, err := loadCorpus(*corpus)
	if err != nil {
		return err
	}
	scratch, err := a.newScratchDB(ctx, cfg, "eval")
	if err != nil {
		return err
	}
	defer scratch.Drop()
	store := knowledge.NewStore(scratch.Pool)
	rep, err := store.Ingest(ctx, docs, emb, knowledge.IngestOptions{Now: a.clock.Now()})
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "retrieval: %d questions, %d chunks, embedder %s\n\n", len(qs), rep.Chunks, rep.Embedder)
	return a.evalModes(ctx, knowledge.NewRetriever(store, emb), qs, *misses)
}

func loadEvalSet(path string) ([]knowledge.EvalQuestion, error) {
	if path == "" {
		return knowledge.EvalSet()
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("eval retrieval: %w", err)
	}
	defer f.Close()
	return knowledge.LoadEvalSet(f)
}

// evalModes prints the three modes side by side, and the share of
// paraphrased questions each finds in its top 5.
func (a *app) evalModes(ctx context.Context, r *knowledge.Retriever, qs []knowledge.EvalQuestion, misses bool) error {
	var para []knowledge.EvalQuestion
	for _, q := range qs {
		if q.Paraphrase {
			para = append(para, q)
		}
	}
	fmt.Fprintf(a.stdout, "%-10s %9s %9s %7s %22s\n", "mode", "recall@1", "recall@5", "MRR", fmt.Sprintf("paraphrases recall@5 (%d)", len(para)))
	for _, mode := range []knowledge.Mode{knowledge.Vector, knowledge.FullText, knowledge.Hybrid} {
		m, ranked, err := knowledge.Evaluate(ctx, r, qs, mode)
		if err != nil {
			return err
		}
		var paraRanked [][]string
		for i, q := range qs {
			if q.Paraphrase {
				paraRanked = append(paraRanked, ranked[i])
			}
		}
		p := knowledge.Score(para, paraRanked)
		fmt.Fprintf(a.stdout, "%-10s %9.3f %9.3f %7.3f %22.3f\n", mode, m.RecallAt1, m.RecallAt5, m.MRR, p.RecallAt5)
		if misses && mode == knowledge.Hybrid {
			defer printMisses(a.stdout, qs, ranked)
		}
	}
	return nil
}

func printMisses(w io.Writer, qs []knowledge.EvalQuestion, ranked [][]string) {
	fmt.Fprintln(w, "\nhybrid misses (a relevant section not in the top 5):")
	for i, q := range qs {
		top := ranked[i][:min(5, len(ranked[i]))]
		for _, want := range q.Relevant {
			if !slices.Contains(top, want) {
				fmt.Fprintf(w, "  %q [%s] wants %s, got %v\n", q.Q, q.Market, want, top)
			}
		}
	}
}
