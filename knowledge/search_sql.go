package knowledge

import (
	"fmt"

	"github.com/jackc/pgx/v5"
)

// searchSQL is the hybrid query for one embedder. Parameters: $1 the query
// vector, $2 the market ("" for all), $3 how many vector candidates, $4 the
// query text, $5 how many full-text candidates (a limit of 0 turns a ranking
// off).
//
// The vector ranking repeats the embedder's index expression and predicate
// literally (embedding::vector(D), embedder = 'key'), which is what lets the
// planner use that embedder's partial HNSW index; a parameter there would
// not. The full-text ranking ORs the query's words (a question rarely has
// every word of its answer) and ranks with ts_rank, which weighs heading
// matches (A) over body matches (B). The two rankings are fused with
// reciprocal rank fusion.
func searchSQL(info EmbedderInfo) string {
	return fmt.Sprintf(`
WITH vec AS (
    SELECT chunk_id, row_number() OVER (ORDER BY distance, chunk_id) AS rank
    FROM (
        SELECT chunk_id, embedding::vector(%[1]d) <=> $1::vector(%[1]d) AS distance
        FROM knowledge_vectors
        WHERE embedder = %[2]s AND ($2 = '' OR $2 = ANY (markets))
        ORDER BY distance
        LIMIT $3
    ) v
), tsq AS (
    SELECT replace(plainto_tsquery('english', $4)::text, ' & ', ' | ')::tsquery AS q
), fts AS (
    SELECT id AS chunk_id, row_number() OVER (ORDER BY r DESC, id) AS rank
    FROM (
        SELECT c.id, ts_rank('{0.1, 0.8, 0.8, 1.0}', c.tsv, tsq.q) AS r
        FROM knowledge_chunks c, tsq
        WHERE c.tsv @@ tsq.q AND ($2 = '' OR $2 = ANY (c.markets))
        ORDER BY r DESC, c.id
        LIMIT $5
    ) t
), fused AS (
    SELECT coalesce(vec.chunk_id, fts.chunk_id) AS chunk_id,
           coalesce(1.0 / (%[3]d + vec.rank), 0) + coalesce(1.0 / (%[3]d + fts.rank), 0) AS score
    FROM vec FULL OUTER JOIN fts ON fts.chunk_id = vec.chunk_id
)
SELECT c.id, c.document_id, c.section, c.title, c.heading_path, c.body, f.score::float8
FROM fused f JOIN knowledge_chunks c ON c.id = f.chunk_id
ORDER BY f.score DESC, c.id`, info.Dims, sqlLiteral(info.Key()), rrfK)
}

// collectResults keeps the best chunk of each section (a long section's
// parts would otherwise crowd others out), up to q.K.
func collectResults(rows pgx.Rows, q Query) ([]Result, error) {
	out := []Result{}
	seen := map[string]bool{}
	var r Result
	_, err := pgx.ForEachRow(rows, []any{&r.ChunkID, &r.DocumentID, &r.Section, &r.Title, &r.HeadingPath, &r.Body, &r.Score}, func() error {
		r.SectionID = r.DocumentID + "#" + r.Section
		if seen[r.SectionID] || len(out) == q.K {
			return nil
		}
		seen[r.SectionID] = true
		r.URL = CitationURL(r.DocumentID, r.Section)
		r.Snippet = snippet(r.Body, q.Text)
		out = append(out, r)
		return nil
	})
	return out, err
}
