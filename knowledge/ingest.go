package knowledge

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// IngestOptions adjust an ingest.
type IngestOptions struct {
	// Reembed recomputes every vector of the embedder, and removes the
	// vectors (and indexes) of every other embedder: what to run after
	// switching embedders for good, or when a remote model changed behind
	// the same name.
	Reembed  bool
	Chunking ChunkOptions // zero: DefaultChunkOptions
	Now      time.Time    // recorded as ingested_at
}

// IngestReport says what an ingest changed. A chunk is identified by its
// slot (document, section, part): a slot that gets a new id is changed.
type IngestReport struct {
	Documents    int // in the corpus
	Chunks       int // in the corpus
	Added        int
	Changed      int
	Removed      int
	Embedder     string // the embedder's key
	ModelUpdated bool   // the embedder learned different statistics from this corpus
	Embedded     int    // vectors computed
}

func (r IngestReport) String() string {
	s := fmt.Sprintf("%d documents, %d chunks: %d added, %d changed, %d removed; %d vectors computed with %s",
		r.Documents, r.Chunks, r.Added, r.Changed, r.Removed, r.Embedded, r.Embedder)
	if r.ModelUpdated {
		s += " (corpus statistics updated, every chunk re-embedded)"
	}
	return s
}

// Ingest makes the stored corpus equal docs, in one transaction, and makes
// sure every chunk has a vector from emb. It is idempotent: an unchanged
// corpus writes nothing. Concurrent ingests take turns.
func (s *Store) Ingest(ctx context.Context, docs []Document, emb Embedder, o IngestOptions) (IngestReport, error) {
	if o.Chunking == (ChunkOptions{}) {
		o.Chunking = DefaultChunkOptions
	}
	if o.Now.IsZero() {
		o.Now = time.Now().UTC()
	}
	if err := checkEmbedderInfo(emb.Info()); err != nil {
		return IngestReport{}, err
	}
	chunks, err := ChunkDocuments(docs, o.Chunking)
	if err != nil {
		return IngestReport{}, err
	}
	rep := IngestReport{Documents: len(docs), Chunks: len(chunks), Embedder: emb.Info().Key()}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('settle.knowledge.ingest'))`); err != nil {
			return err
		}
		if err := syncCorpus(ctx, tx, docs, chunks, o.Now, &rep); err != nil {
			return err
		}
		return syncVectors(ctx, tx, chunks, emb, o.Reembed, o.Now, &rep)
	})
	if err != nil {
		return IngestReport{}, fmt.Errorf("knowledge: ingest: %w", err)
	}
	return rep, nil
}

type slot struct {
	doc, section string
	part         int
}

// syncCorpus writes documents, sections and chunks that differ from what is
// stored, and deletes what the corpus no longer has.
func syncCorpus(ctx context.Context, tx pgx.Tx, docs []Document, chunks []Chunk, now time.Time, rep *IngestReport) error {
	stored, err := storedChunks(ctx, tx)
	if err != nil {
		return err
	}
	keep := map[string]bool{}
	slots := map[slot]bool{}
	var insert []Chunk
	for _, c := range chunks {
		keep[c.ID] = true
		sl := slot{c.DocumentID, c.Section, c.Part}
		slots[sl] = true
		old, ok := stored[sl]
		switch {
		case !ok:
			rep.Added++
			insert = append(insert, c)
		case old != c.ID:
			rep.Changed++
			insert = append(insert, c)
		}
	}
	var drop []string
	for sl, id := range stored {
		if !keep[id] {
			drop = append(drop, id)
			if !slots[sl] {
				rep.Removed++
			}
		}
	}
	if _, err := tx.Exec(ctx, `DELETE FROM knowledge_chunks WHERE id = ANY ($1)`, drop); err != nil {
		return fmt.Errorf("delete chunks: %w", err)
	}
	if err := syncDocuments(ctx, tx, docs, now); err != nil {
		return err
	}
	if err := copyChunks(ctx, tx, insert); err != nil {
		return err
	}
	if len(insert) == 0 && len(drop) == 0 {
		return nil
	}
	return refreshLexemes(ctx, tx)
}

// refreshLexemes recounts the chunks each lexeme occurs in.
func refreshLexemes(ctx context.Context, tx pgx.Tx) error {
	for _, sql := range []string{
		`DELETE FROM knowledge_lexemes`,
		`INSERT INTO knowledge_lexemes (lexeme, ndoc) SELECT word, ndoc FROM ts_stat('SELECT tsv FROM knowledge_chunks')`,
		`INSERT INTO knowledge_corpus (chunks) SELECT count(*) FROM knowledge_chunks
			ON CONFLICT (singleton) DO UPDATE SET chunks = excluded.chunks`,
	} {
		if _, err := tx.Exec(ctx, sql); err != nil {
			return fmt.Errorf("count lexemes: %w", err)
		}
	}
	return nil
}

func storedChunks(ctx context.Context, tx pgx.Tx) (map[slot]string, error) {
	rows, err := tx.Query(ctx, `SELECT id, document_id, section, part FROM knowledge_chunks`)
	if err != nil {
		return nil, fmt.Errorf("read chunks: %w", err)
	}
	out := map[slot]string{}
	var id string
	var sl slot
	_, err = pgx.ForEachRow(rows, []any{&id, &sl.doc, &sl.section, &sl.part}, func() error {
		out[sl] = id
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read chunks: %w", err)
	}
	return out, nil
}

func copyChunks(ctx context.Context, tx pgx.Tx, chunks []Chunk) error {
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"knowledge_chunks"},
		[]string{"id", "document_id", "section", "part", "title", "heading_path", "body", "markets", "concepts"},
		pgx.CopyFromSlice(len(chunks), func(i int) ([]any, error) {
			c := chunks[i]
			return []any{c.ID, c.DocumentID, c.Section, c.Part, c.Title, c.HeadingPath, c.Body, c.Markets, c.Concepts}, nil
		}))
	if err != nil {
		return fmt.Errorf("insert chunks: %w", err)
	}
	return nil
}

func sourceHash(d Document) string {
	h := sha256.Sum256([]byte(d.Source))
	return hex.EncodeToString(h[:])[:16]
}
