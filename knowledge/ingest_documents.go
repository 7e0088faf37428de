package knowledge

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// syncDocuments writes the documents whose source changed (with their
// sections) and deletes documents no longer in the corpus. Unchanged
// documents are not touched.
func syncDocuments(ctx context.Context, tx pgx.Tx, docs []Document, now time.Time) error {
	stored, err := storedDocumentHashes(ctx, tx)
	if err != nil {
		return err
	}
	ids := make([]string, 0, len(docs))
	var fresh, changed []Document
	for _, d := range docs {
		ids = append(ids, d.ID)
		switch h, ok := stored[d.ID]; {
		case !ok:
			fresh = append(fresh, d)
		case h != sourceHash(d):
			changed = append(changed, d)
		}
	}
	if _, err := tx.Exec(ctx, `DELETE FROM knowledge_documents WHERE id <> ALL ($1)`, ids); err != nil {
		return fmt.Errorf("delete documents: %w", err)
	}
	if err := copyDocuments(ctx, tx, fresh, now); err != nil {
		return err
	}
	for _, d := range changed {
		if err := updateDocument(ctx, tx, d, now); err != nil {
			return err
		}
	}
	return nil
}

func storedDocumentHashes(ctx context.Context, tx pgx.Tx) (map[string]string, error) {
	rows, err := tx.Query(ctx, `SELECT id, source_hash FROM knowledge_documents`)
	if err != nil {
		return nil, fmt.Errorf("read documents: %w", err)
	}
	out := map[string]string{}
	var id, h string
	_, err = pgx.ForEachRow(rows, []any{&id, &h}, func() error {
		out[id] = h
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read documents: %w", err)
	}
	return out, nil
}

// copyDocuments bulk-inserts documents new to the store, and their sections.
func copyDocuments(ctx context.Context, tx pgx.Tx, docs []Document, now time.Time) error {
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"knowledge_documents"},
		[]string{"id", "title", "version", "markets", "effective_date", "source", "source_hash", "ingested_at"},
		pgx.CopyFromSlice(len(docs), func(i int) ([]any, error) {
			d := docs[i]
			return []any{d.ID, d.Title, d.Version, d.Markets, d.EffectiveDate, d.Source, sourceHash(d), now}, nil
		}))
	if err != nil {
		return fmt.Errorf("insert documents: %w", err)
	}
	var rows [][]any
	for _, d := range docs {
		for i, s := range d.Sections {
			rows = append(rows, []any{d.ID, s.Number, s.Title, s.HeadingPath(), s.Markets, s.Body, i})
		}
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"knowledge_sections"},
		[]string{"document_id", "number", "title", "heading_path", "markets", "body", "position"}, pgx.CopyFromRows(rows))
	if err != nil {
		return fmt.Errorf("insert sections: %w", err)
	}
	return nil
}

// updateDocument rewrites a changed document and its sections in place:
// sections are upserted, never deleted and re-added, so the chunks of the
// sections that did not change stay as they are.
func updateDocument(ctx context.Context, tx pgx.Tx, d Document, now time.Time) error {
	b := &pgx.Batch{}
	b.Queue(`UPDATE knowledge_documents SET title = $2, version = $3, markets = $4, effective_date = $5,
		source = $6, source_hash = $7, ingested_at = $8 WHERE id = $1`,
		d.ID, d.Title, d.Version, d.Markets, d.EffectiveDate, d.Source, sourceHash(d), now)
	numbers := make([]string, 0, len(d.Sections))
	for _, s := range d.Sections {
		numbers = append(numbers, s.Number)
	}
	b.Queue(`DELETE FROM knowledge_sections WHERE document_id = $1 AND number <> ALL ($2)`, d.ID, numbers)
	for i, s := range d.Sections {
		b.Queue(`INSERT INTO knowledge_sections (document_id, number, title, heading_path, markets, body, position)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (document_id, number) DO UPDATE SET title = excluded.title,
				heading_path = excluded.heading_path, markets = excluded.markets,
				body = excluded.body, position = excluded.position`,
			d.ID, s.Number, s.Title, s.HeadingPath(), s.Markets, s.Body, i)
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("update document %s: %w", d.ID, err)
	}
	return nil
}
