package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/settlehq/settle/internal/config"
	"github.com/settlehq/settle/knowledge"
)

func (a *app) benchRetrieval(ctx context.Context, args []string) ([]Figure, error) {
	fs := a.flags("bench retrieval", "bench retrieval [--chunks N] [--json]",
		`Builds a corpus of N chunks — the policy corpus plus generated sections written
with the same vocabulary — in a temporary database on DATABASE_URL's server
(the role needs CREATEDB; it is dropped afterwards), ingesting it as 'settle
ingest' does. It then runs every evaluation question as a search and reports:

  hybrid_p50_ms, hybrid_p95_ms   hybrid search latency (HNSW + full text),
                                 next to exact vector search (every vector
                                 scanned) measured in the same run
  hnsw_recall_at_10              share of the 10 nearest chunks of an exact
                                 search that the HNSW index also returns
  eval_hybrid_recall_at_5        hybrid recall@5 on the evaluation set (the
                                 policy corpus alone, as 'settle eval
                                 retrieval'), next to the better of
                                 vector-only and full-text-only

It also prints, on stderr, the evaluation's recall with the generated
sections in the index: they are drawn from the policies' own words, so they
compete with every answer, and that figure is far lower.`)
	chunks := fs.Int("chunks", 100000, "corpus size in chunks")
	keep := fs.Bool("keep", false, "keep the temporary database for inspection (its name is printed)")
	if err := a.parse(fs, args); err != nil {
		return nil, err
	}
	cfg, err := config.Load(a.getenv)
	if err != nil {
		return nil, err
	}
	qs, err := knowledge.EvalSet()
	if err != nil {
		return nil, err
	}
	real, err := knowledge.LoadCorpus(knowledge.Corpus())
	if err != nil {
		return nil, err
	}
	quality, err := a.evalOnCorpus(ctx, cfg, real, knowledge.NewLocalEmbedder(knowledge.DefaultLocalDims), qs)
	if err != nil {
		return nil, err
	}
	scratch, err := a.newScratchDB(ctx, cfg, "bench")
	if err != nil {
		return nil, err
	}
	if *keep {
		defer scratch.Pool.Close()
		fmt.Fprintf(a.stderr, "bench retrieval: keeping database %s\n", scratch.name)
	} else {
		defer scratch.Drop()
	}
	r, err := a.buildBenchCorpus(ctx, scratch, real, *chunks)
	if err != nil {
		return nil, err
	}
	figs, err := a.measureRetrieval(ctx, r, qs, *chunks)
	if err != nil {
		return nil, err
	}
	return append(figs, NewFigure("eval_hybrid_recall_at_5", round(quality[knowledge.Hybrid], 4), "ratio",
		round(max(quality[knowledge.Vector], quality[knowledge.FullText]), 4),
		">= 0.90 and >= baseline (best of vector-only, full-text-only)")), nil
}

// buildBenchCorpus ingests the real corpus plus filler up to n chunks.
func (a *app) buildBenchCorpus(ctx context.Context, s *scratchDB, real []knowledge.Document, n int) (*knowledge.Retriever, error) {
	realChunks, err := knowledge.ChunkDocuments(real, knowledge.DefaultChunkOptions)
	if err != nil {
		return nil, err
	}
	filler, err := synthCorpus(real, max(0, n-len(realChunks)), 100, 2026)
	if err != nil {
		return nil, err
	}
	emb := knowledge.NewLocalEmbedder(knowledge.DefaultLocalDims)
	store := knowledge.NewStore(s.Pool)
	start := time.Now()
	// Filler first: where a search scores an arbitrary subset of a common
	// word's chunks (see knowledge.ftsBudget), table order then favours the
	// filler, not the sections the evaluation looks for.
	rep, err := store.Ingest(ctx, append(filler, real...), emb, knowledge.IngestOptions{Now: a.clock.Now()})
	if err != nil {
		return nil, err
	}
	// Fresh statistics and visibility map, as autovacuum would leave them.
	if _, err := s.Pool.Exec(ctx, `VACUUM ANALYZE knowledge_chunks, knowledge_vectors`); err != nil {
		return nil, fmt.Errorf("bench: vacuum: %w", err)
	}
	fmt.Fprintf(a.stderr, "bench retrieval: built %d chunks (%d documents) in %s\n", rep.Chunks, rep.Documents, time.Since(start).Round(100*time.Millisecond))
	return knowledge.NewRetriever(store, emb), nil
}

func (a *app) measureRetrieval(ctx context.Context, r *knowledge.Retriever, qs []knowledge.EvalQuestion, chunks int) ([]Figure, error) {
	// Below some thousands of vectors PostgreSQL rightly scans them all
	// instead of walking the HNSW graph, so the plan is checked only at a
	// size where the index must be used.
	if chunks >= minIndexedChunks {
		if err := a.checkIndexUsed(ctx, r, qs[0].Q); err != nil {
			return nil, err
		}
	} else {
		fmt.Fprintf(a.stderr, "bench retrieval: %d chunks is below %d; the planner may scan instead of using the HNSW index\n", chunks, minIndexedChunks)
	}
	// Timing and index recall use every third question: an exact search
	// reads every vector, and a hundred of them are plenty for a p95.
	var sample []knowledge.EvalQuestion
	for i := 0; i < len(qs); i += 3 {
		sample = append(sample, qs[i])
	}
	hybrid, err := latencies(ctx, sample, func(q knowledge.EvalQuestion) error {
		_, err := r.SearchQuery(ctx, knowledge.Query{Text: q.Q, Market: q.Market, K: knowledge.DefaultK})
		return err
	})
	if err != nil {
		return nil, err
	}
	exact, err := latencies(ctx, sample, func(q knowledge.EvalQuestion) error {
		_, err := r.SearchQuery(ctx, knowledge.Query{Text: q.Q, Market: q.Market, K: knowledge.DefaultK, Mode: knowledge.Vector, Exact: true})
		return err
	})
	if err != nil {
		return nil, err
	}
	recall, err := hnswRecall(ctx, r, sample, 10)
	if err != nil {
		return nil, err
	}
	atScale, err := recallByMode(ctx, r, qs)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(a.stderr, "bench retrieval: evaluation recall@5 with the generated sections in the index: hybrid %.3f, vector %.3f, full text %.3f\n",
		atScale[knowledge.Hybrid], atScale[knowledge.Vector], atScale[knowledge.FullText])
	return []Figure{
		NewFigure("hybrid_p50_ms", ms(percentile(hybrid, 50)), "ms", ms(percentile(exact, 50)), "<= 0.2x baseline (exact vector search p50)"),
		NewFigure("hybrid_p95_ms", ms(percentile(hybrid, 95)), "ms", ms(percentile(exact, 95)), "<= 30 ms and <= 0.2x baseline (exact vector search p95)"),
		NewFigure("hnsw_recall_at_10", round(recall, 4), "ratio", 1, ">= 0.95 (baseline: exact search)"),
	}, nil
}

// minIndexedChunks is the corpus size from which the bench insists that the
// hybrid search plan uses the HNSW index.
const minIndexedChunks = 10000

// checkIndexUsed fails the benchmark when the plan of a hybrid search does
// not use the HNSW index: the figures would then measure the wrong thing.
func (a *app) checkIndexUsed(ctx context.Context, r *knowledge.Retriever, query string) error {
	plan, err := r.ExplainSearch(ctx, query, knowledge.DefaultK)
	if err != nil {
		return err
	}
	index := knowledge.VectorIndexName(r.Embedder().Info())
	if !strings.Contains(plan, index) {
		return fmt.Errorf("bench: the hybrid search plan does not use the HNSW index %s:\n%s", index, plan)
	}
	fmt.Fprintf(a.stderr, "bench retrieval: hybrid search plan uses the HNSW index %s\n", index)
	return nil
}

// latencies runs the first ten questions to warm caches, then times each
// question once.
func latencies(ctx context.Context, qs []knowledge.EvalQuestion, run func(knowledge.EvalQuestion) error) ([]time.Duration, error) {
	for _, q := range qs[:min(10, len(qs))] {
		if err := run(q); err != nil {
			return nil, err
		}
	}
	var out []time.Duration
	for _, q := range qs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		start := time.Now()
		if err := run(q); err != nil {
			return nil, err
		}
		out = append(out, time.Since(start))
	}
	return out, nil
}

// hnswRecall is the mean share of the exact k nearest chunks that the index
// also returns.
func hnswRecall(ctx context.Context, r *knowledge.Retriever, qs []knowledge.EvalQuestion, k int) (float64, error) {
	var sum float64
	for _, q := range qs {
		approx, err := r.Neighbors(ctx, q.Q, k, false)
		if err != nil {
			return 0, err
		}
		exact, err := r.Neighbors(ctx, q.Q, k, true)
		if err != nil {
			return 0, err
		}
		if len(exact) == 0 {
			return 0, errors.New("bench: exact search returned nothing")
		}
		found := 0
		for _, id := range exact {
			if slices.Contains(approx, id) {
				found++
			}
		}
		sum += float64(found) / float64(len(exact))
	}
	return sum / float64(len(qs)), nil
}

// evalOnCorpus ingests docs into a scratch database and returns the
// evaluation's recall@5 in each mode.
func (a *app) evalOnCorpus(ctx context.Context, cfg config.Config, docs []knowledge.Document, emb knowledge.Embedder, qs []knowledge.EvalQuestion) (map[knowledge.Mode]float64, error) {
	scratch, err := a.newScratchDB(ctx, cfg, "eval")
	if err != nil {
		return nil, err
	}
	defer scratch.Drop()
	store := knowledge.NewStore(scratch.Pool)
	if _, err := store.Ingest(ctx, docs, emb, knowledge.IngestOptions{Now: a.clock.Now()}); err != nil {
		return nil, err
	}
	return recallByMode(ctx, knowledge.NewRetriever(store, emb), qs)
}

// recallByMode is the evaluation's recall@5 in each mode.
func recallByMode(ctx context.Context, r *knowledge.Retriever, qs []knowledge.EvalQuestion) (map[knowledge.Mode]float64, error) {
	out := map[knowledge.Mode]float64{}
	for _, mode := range []knowledge.Mode{knowledge.Hybrid, knowledge.Vector, knowledge.FullText} {
		m, _, err := knowledge.Evaluate(ctx, r, qs, mode)
		if err != nil {
			return nil, err
		}
		out[mode] = m.RecallAt5
	}
	return out, nil
}

func percentile(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, (len(s)*p+99)/100-1)]
}

func ms(d time.Duration) float64 { return round(float64(d)/float64(time.Millisecond), 3) }
