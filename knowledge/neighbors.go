package knowledge

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/pgvector/pgvector-go"
)

// Neighbors returns the ids of the k chunks whose vectors are nearest the
// query's, best first: from the HNSW index, or by scanning every vector
// when exact. Comparing the two measures the index's recall.
func (r *Retriever) Neighbors(ctx context.Context, query string, k int, exact bool) ([]string, error) {
	emb, err := r.queryEmbedder(ctx)
	if err != nil {
		return nil, err
	}
	vec, err := emb.EmbedQuery(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("knowledge: embed query: %w", err)
	}
	var ids []string
	nearest := nearestCandidates(k)
	err = r.inSearchTx(ctx, nearest, exact, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT chunk_id FROM (`+vectorRankingSQL(r.emb.Info(), "$4")+`) v ORDER BY rank`,
			pgvector.NewVector(vec), "", k, nearest)
		ids, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("knowledge: nearest chunks: %w", err)
	}
	return ids, nil
}

// ExplainSearch returns PostgreSQL's plan for a hybrid search, so a test or
// a benchmark can check that the embedder's HNSW index serves the vector
// ranking.
func (r *Retriever) ExplainSearch(ctx context.Context, query string, k int) (string, error) {
	emb, err := r.queryEmbedder(ctx)
	if err != nil {
		return "", err
	}
	vec, err := emb.EmbedQuery(ctx, query)
	if err != nil {
		return "", fmt.Errorf("knowledge: embed query: %w", err)
	}
	n := candidates(k)
	var plan []string
	err = r.inSearchTx(ctx, nearestCandidates(n), false, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, "EXPLAIN "+searchSQL(r.emb.Info()),
			pgvector.NewVector(vec), "", n, query+" "+ConceptTerms(query), n, ftsBudget, nearestCandidates(n))
		plan, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	if err != nil {
		return "", fmt.Errorf("knowledge: explain search: %w", err)
	}
	return vectorLiteral.ReplaceAllString(strings.Join(plan, "\n"), "'[…]'"), nil
}

// vectorLiteral matches the query vector as a plan prints it.
var vectorLiteral = regexp.MustCompile(`'\[[-0-9.,e]*\]'`)

// VectorIndexName is the name of the embedder's HNSW index, to look for in
// a plan.
func VectorIndexName(info EmbedderInfo) string { return vectorIndexName(info.Key()) }

// inSearchTx runs fn in a transaction set up as a search's: the HNSW search
// breadth for nearest chunks and, for an exact search, no index scans.
func (r *Retriever) inSearchTx(ctx context.Context, nearest int, exact bool, fn func(pgx.Tx) error) error {
	sets := append(slices.Clone(searchSettings), fmt.Sprintf(`SET LOCAL hnsw.ef_search = %d`, efSearch(nearest)))
	if exact {
		sets = append(sets, `SET LOCAL enable_indexscan = off`)
	}
	return pgx.BeginFunc(ctx, r.store.pool, func(tx pgx.Tx) error {
		for _, set := range sets {
			if _, err := tx.Exec(ctx, set); err != nil {
				return err
			}
		}
		return fn(tx)
	})
}
