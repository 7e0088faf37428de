package knowledge

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pgvector/pgvector-go"
)

// syncVectors makes sure every chunk has a vector from emb. A Fitter is
// fitted to the corpus first; when what it learns differs from the stored
// model (the corpus changed), every vector is recomputed, because old and
// new vectors would not be comparable.
func syncVectors(ctx context.Context, tx pgx.Tx, chunks []Chunk, emb Embedder, reembed bool, now time.Time, rep *IngestReport) error {
	info := emb.Info()
	key := info.Key()
	st, err := loadEmbedder(ctx, tx, key)
	if err != nil {
		return err
	}
	var model []byte
	var modelHash string
	if f, ok := emb.(Fitter); ok {
		texts := make([]string, len(chunks))
		for i, c := range chunks {
			texts[i] = c.Text()
		}
		if emb, err = f.Fit(texts); err != nil {
			return err
		}
		model, modelHash = emb.(Fitter).Model()
		rep.ModelUpdated = st.exists && modelHash != st.modelHash
		reembed = reembed || rep.ModelUpdated
	}
	if !st.exists || modelHash != st.modelHash {
		if _, err := tx.Exec(ctx, `
			INSERT INTO knowledge_embedders (key, name, version, dims, model, model_hash, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (key) DO UPDATE SET model = excluded.model, model_hash = excluded.model_hash, updated_at = excluded.updated_at`,
			key, info.Name, info.Version, info.Dims, model, modelHash, now); err != nil {
			return fmt.Errorf("save embedder %s: %w", key, err)
		}
	}
	if reembed {
		if err := dropOtherEmbedders(ctx, tx, key); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM knowledge_vectors WHERE embedder = $1`, key); err != nil {
			return fmt.Errorf("delete vectors: %w", err)
		}
	}
	todo, err := chunksWithoutVector(ctx, tx, chunks, key)
	if err != nil {
		return err
	}
	if err := embedAndCopy(ctx, tx, emb, todo); err != nil {
		return err
	}
	rep.Embedded = len(todo)
	// A large build gets the memory it needs to build the graph in one pass.
	if _, err := tx.Exec(ctx, `SET LOCAL maintenance_work_mem = '1GB'`); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, hnswIndexSQL(info)); err != nil {
		return fmt.Errorf("create vector index: %w", err)
	}
	if len(todo) == 0 {
		return nil
	}
	// Fresh statistics now, rather than whenever autovacuum gets round to it:
	// with none the planner guesses the table holds a couple of vectors.
	if _, err := tx.Exec(ctx, `ANALYZE knowledge_chunks, knowledge_vectors, knowledge_lexemes`); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return nil
}

// dropOtherEmbedders removes every other embedder's vectors and index.
func dropOtherEmbedders(ctx context.Context, tx pgx.Tx, key string) error {
	rows, _ := tx.Query(ctx, `DELETE FROM knowledge_embedders WHERE key <> $1 RETURNING key`, key)
	others, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("delete other embedders: %w", err)
	}
	for _, k := range others {
		if _, err := tx.Exec(ctx, "DROP INDEX IF EXISTS "+vectorIndexName(k)); err != nil {
			return fmt.Errorf("drop vector index of %s: %w", k, err)
		}
	}
	return nil
}

func chunksWithoutVector(ctx context.Context, tx pgx.Tx, chunks []Chunk, key string) ([]Chunk, error) {
	rows, _ := tx.Query(ctx, `SELECT chunk_id FROM knowledge_vectors WHERE embedder = $1`, key)
	have, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("read vectors: %w", err)
	}
	done := make(map[string]bool, len(have))
	for _, id := range have {
		done[id] = true
	}
	var todo []Chunk
	for _, c := range chunks {
		if !done[c.ID] {
			todo = append(todo, c)
		}
	}
	return todo, nil
}

// embedBatch bounds how many chunks are embedded and copied at a time, so a
// large corpus never holds all its vectors in memory at once.
const embedBatch = 4096

func embedAndCopy(ctx context.Context, tx pgx.Tx, emb Embedder, chunks []Chunk) error {
	for start := 0; start < len(chunks); start += embedBatch {
		part := chunks[start:min(start+embedBatch, len(chunks))]
		texts := make([]string, len(part))
		for i, c := range part {
			texts[i] = c.Text()
		}
		vecs, err := emb.EmbedDocuments(ctx, texts)
		if err != nil {
			return fmt.Errorf("embed chunks: %w", err)
		}
		if err := checkVectors(emb.Info(), texts, vecs); err != nil {
			return err
		}
		_, err = tx.CopyFrom(ctx, pgx.Identifier{"knowledge_vectors"}, []string{"embedder", "chunk_id", "markets", "embedding"},
			pgx.CopyFromSlice(len(part), func(i int) ([]any, error) {
				return []any{emb.Info().Key(), part[i].ID, part[i].Markets, pgvector.NewVector(vecs[i])}, nil
			}))
		if err != nil {
			return fmt.Errorf("insert vectors: %w", err)
		}
	}
	return nil
}
