package knowledge

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/settlehq/settle/internal/db"
	"github.com/settlehq/settle/internal/errs"
)

// Store is the knowledge tables in PostgreSQL (migrations/00004_knowledge.sql).
type Store struct {
	pool *pgxpool.Pool
}

// NewStore returns a store on pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// Errors a caller can cause.
var (
	ErrSectionNotFound  = errs.New(errs.NotFound, "section_not_found", "no such policy section")
	ErrDocumentNotFound = errs.New(errs.NotFound, "document_not_found", "no such policy document")
)

// SectionText is a stored section, for checking and quoting citations.
type SectionText struct {
	ID          string // <document>#<number>
	DocumentID  string
	Number      string
	Title       string
	HeadingPath string
	Markets     []string
	Body        string
	URL         string
}

// Section returns the section with citation id "<document>#<number>".
func (s *Store) Section(ctx context.Context, id string) (SectionText, error) {
	doc, number, ok := strings.Cut(id, "#")
	if !ok || doc == "" || number == "" {
		return SectionText{}, errs.Field(errs.Invalid, "section", "a section id looks like returns-and-refunds#3.2")
	}
	t := SectionText{ID: id, DocumentID: doc, Number: number, URL: CitationURL(doc, number)}
	err := s.pool.QueryRow(ctx, `
		SELECT title, heading_path, markets, body FROM knowledge_sections
		WHERE document_id = $1 AND number = $2`, doc, number).
		Scan(&t.Title, &t.HeadingPath, &t.Markets, &t.Body)
	if errors.Is(err, pgx.ErrNoRows) {
		return SectionText{}, ErrSectionNotFound
	}
	if err != nil {
		return SectionText{}, fmt.Errorf("knowledge: read section %s: %w", id, err)
	}
	return t, nil
}

// StoredDocument is an ingested document as served at /policies/{id}.
type StoredDocument struct {
	ID      string
	Title   string
	Version string
	Markets []string
	Source  string
}

// Document returns an ingested document's markdown.
func (s *Store) Document(ctx context.Context, id string) (StoredDocument, error) {
	d := StoredDocument{ID: id}
	err := s.pool.QueryRow(ctx, `SELECT title, version, markets, source FROM knowledge_documents WHERE id = $1`, id).
		Scan(&d.Title, &d.Version, &d.Markets, &d.Source)
	if errors.Is(err, pgx.ErrNoRows) {
		return StoredDocument{}, ErrDocumentNotFound
	}
	if err != nil {
		return StoredDocument{}, fmt.Errorf("knowledge: read document %s: %w", id, err)
	}
	return d, nil
}

// Documents lists the ingested documents by title (without their source).
func (s *Store) Documents(ctx context.Context) ([]StoredDocument, error) {
	rows, _ := s.pool.Query(ctx, `SELECT id, title, version, markets, '' FROM knowledge_documents ORDER BY title`)
	docs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[StoredDocument])
	if err != nil {
		return nil, fmt.Errorf("knowledge: list documents: %w", err)
	}
	return docs, nil
}

// Markets lists the markets the ingested documents apply to.
func (s *Store) Markets(ctx context.Context) ([]string, error) {
	rows, _ := s.pool.Query(ctx, `SELECT DISTINCT unnest(markets) AS m FROM knowledge_documents ORDER BY m`)
	markets, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("knowledge: list markets: %w", err)
	}
	return markets, nil
}

// embedderState is an embedder's row: whether it exists and its model.
type embedderState struct {
	exists    bool
	model     []byte
	modelHash string
}

func loadEmbedder(ctx context.Context, q db.Querier, key string) (embedderState, error) {
	var st embedderState
	err := q.QueryRow(ctx, `SELECT model, model_hash FROM knowledge_embedders WHERE key = $1`, key).Scan(&st.model, &st.modelHash)
	if errors.Is(err, pgx.ErrNoRows) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("knowledge: read embedder %s: %w", key, err)
	}
	st.exists = true
	return st, nil
}

// embedderModelHash is the cheap check search makes before every query: the
// stored model's hash, to notice a re-ingest.
func embedderModelHash(ctx context.Context, q db.Querier, key string) (string, bool, error) {
	var h string
	err := q.QueryRow(ctx, `SELECT model_hash FROM knowledge_embedders WHERE key = $1`, key).Scan(&h)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("knowledge: read embedder %s: %w", key, err)
	}
	return h, true, nil
}

var embedderKeyPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$`)

// sqlLiteral quotes an embedder key for the SQL that must name it literally:
// a partial index predicate, and searches that must match it. Keys are
// checked to be plain before they get here.
func sqlLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// vectorIndexName is the HNSW index of one embedder's vectors.
func vectorIndexName(key string) string {
	h := sha256.Sum256([]byte(key))
	return "knowledge_vectors_hnsw_" + hex.EncodeToString(h[:6])
}

// hnswIndexSQL creates the embedder's partial expression HNSW index (see
// the migration for why the column has no fixed dimension). TF-IDF vectors
// are sparse and most pairs are nearly orthogonal, which is hard on a graph
// index: with pgvector's defaults (m 16, ef_construction 64) the index found
// 0.90 of the exact ten nearest at 100,000 chunks; twice the links and
// construction breadth find 0.97 at the same search cost, for a build about
// twice as long (`settle bench retrieval`).
func hnswIndexSQL(info EmbedderInfo) string {
	return fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %s ON knowledge_vectors
		USING hnsw ((embedding::vector(%d)) vector_cosine_ops) WITH (m = 32, ef_construction = 128)
		WHERE embedder = %s`,
		vectorIndexName(info.Key()), info.Dims, sqlLiteral(info.Key()))
}

func checkEmbedderInfo(info EmbedderInfo) error {
	if !embedderKeyPattern.MatchString(info.Key()) {
		return fmt.Errorf("knowledge: embedder key %q has characters other than letters, digits and ._:/-", info.Key())
	}
	if info.Dims < 1 || info.Dims > 2000 {
		return fmt.Errorf("knowledge: embedder %s has %d dimensions; pgvector's HNSW index takes 1 to 2000 (text-embedding-3 models can be shortened with SETTLE_EMBEDDING_DIMS)", info.Key(), info.Dims)
	}
	return nil
}

// CreateVectorIndex builds the embedder's HNSW index if it is missing.
func (s *Store) CreateVectorIndex(ctx context.Context, info EmbedderInfo) error {
	if err := checkEmbedderInfo(info); err != nil {
		return err
	}
	if _, err := s.pool.Exec(ctx, hnswIndexSQL(info)); err != nil {
		return fmt.Errorf("knowledge: create vector index for %s: %w", info.Key(), err)
	}
	return nil
}

// DropVectorIndex removes the embedder's HNSW index, so a bulk load does not
// maintain it row by row (build it after with CreateVectorIndex).
func (s *Store) DropVectorIndex(ctx context.Context, info EmbedderInfo) error {
	if _, err := s.pool.Exec(ctx, "DROP INDEX IF EXISTS "+vectorIndexName(info.Key())); err != nil {
		return fmt.Errorf("knowledge: drop vector index for %s: %w", info.Key(), err)
	}
	return nil
}
