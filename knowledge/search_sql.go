package knowledge

import (
	"fmt"

	"github.com/jackc/pgx/v5"
)

// searchSQL is the hybrid query for one embedder. Parameters: $1 the query
// vector, $2 the market ("" for all), $3 how many vector candidates, $4 the
// query text (with its lexicon concepts), $5 how many full-text candidates
// (a limit of 0 turns a ranking off), $6 the full-text budget, $7 how many
// nearest chunks to take from the HNSW index before re-ranking.
//
// The vector ranking takes the chunks nearest by cosine from the embedder's
// HNSW index and re-ranks them by inner product, which weighs each chunk by
// its vector's length (the local embedder's length normalisation; for unit
// vectors this changes nothing). The index scan repeats the index's
// expression and predicate literally (embedding::vector(D), embedder =
// 'key'), which is what lets the planner use that partial index; a
// parameter there would not. An exact search runs the same query with index
// scans turned off, so the nearest chunks are found by reading every vector.
//
// The full-text ranking ORs the query's lexemes (a question rarely has every
// word of its answer) and scores a chunk by the sum over the lexemes it
// contains of idf × ts_rank, so a rare word counts for more than a common
// one; ts_rank weighs a match in the heading path (A) over one in the body
// (B) or the concepts (C). Lexemes are taken rarest first while the chunks
// they occur in add up to at most the budget: on a large corpus a
// question's commonest words would otherwise make the ranking score most of
// the table, and they carry the least information. When even the rarest is
// that common, the full-text ranking abstains and the vector ranking alone
// decides: scoring an arbitrary budget's worth of its chunks added noise
// and, at 100,000 chunks, most of the search's tail latency.
//
// The two rankings are fused with weighted reciprocal rank fusion (see
// fullTextWeight).
func searchSQL(info EmbedderInfo) string {
	return fmt.Sprintf(`
WITH vec AS (%[1]s
), terms AS (
    SELECT l.lexeme, l.ndoc,
           quote_literal(l.lexeme)::tsquery AS q,
           ln(1 + (n.chunks - l.ndoc + 0.5) / (l.ndoc + 0.5)) AS idf,
           sum(l.ndoc) OVER (ORDER BY l.ndoc, l.lexeme) - l.ndoc AS before
    FROM (SELECT DISTINCT unnest(tsvector_to_array(to_tsvector('english', $4))) AS lexeme) w
    JOIN knowledge_lexemes l USING (lexeme), knowledge_corpus n
    WHERE $5 > 0 AND w.lexeme !~ '[''\\]'
), kept AS (
    SELECT * FROM terms WHERE before + ndoc <= $6
), tsq AS (
    SELECT string_agg(q::text, ' | ')::tsquery AS q FROM kept
), fts AS (
    SELECT id AS chunk_id, row_number() OVER (ORDER BY r DESC, id) AS rank
    FROM (
        SELECT c.id, (SELECT sum(k.idf * ts_rank('{0.1, 0.8, 0.8, 1.0}', c.tsv, k.q)) FROM kept k) AS r
        FROM (
            SELECT c.id, c.tsv FROM knowledge_chunks c, tsq
            WHERE c.tsv @@ tsq.q AND ($2 = '' OR $2 = ANY (c.markets))
            LIMIT $6
        ) c
        ORDER BY r DESC, c.id
        LIMIT $5
    ) t
), fused AS (
    SELECT coalesce(vec.chunk_id, fts.chunk_id) AS chunk_id,
           coalesce(1.0 / (%[2]d + vec.rank), 0) + %[3]g * coalesce(1.0 / (%[2]d + fts.rank), 0) AS score
    FROM vec FULL OUTER JOIN fts ON fts.chunk_id = vec.chunk_id
)
SELECT c.id, c.document_id, c.section, c.title, c.heading_path, c.body, f.score::float8
FROM fused f JOIN knowledge_chunks c ON c.id = f.chunk_id
ORDER BY f.score DESC, c.id`, vectorRankingSQL(info, "$7"), rrfK, fullTextWeight)
}

// vectorRankingSQL ranks chunks by the query vector (see searchSQL);
// nearest names the parameter holding the number of index candidates.
func vectorRankingSQL(info EmbedderInfo, nearest string) string {
	return fmt.Sprintf(`
    SELECT chunk_id, row_number() OVER (ORDER BY score DESC, chunk_id) AS rank
    FROM (
        SELECT chunk_id, -(embedding <#> $1::vector(%[1]d)) AS score
        FROM (
            SELECT chunk_id, embedding
            FROM knowledge_vectors
            WHERE embedder = %[2]s AND ($2 = '' OR $2 = ANY (markets))
            ORDER BY embedding::vector(%[1]d) <=> $1::vector(%[1]d)
            LIMIT %[3]s
        ) nearest
        ORDER BY score DESC
        LIMIT $3
    ) v`, info.Dims, sqlLiteral(info.Key()), nearest)
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
