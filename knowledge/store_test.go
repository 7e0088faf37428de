package knowledge_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/settlehq/settle/internal/db/dbtest"
	"github.com/settlehq/settle/knowledge"
)

var ingestNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func corpus(t *testing.T) []knowledge.Document {
	t.Helper()
	docs, err := knowledge.LoadCorpus(knowledge.Corpus())
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

// ingested is a fresh database holding the built-in corpus.
func ingested(t *testing.T) (*pgxpool.Pool, *knowledge.Store) {
	t.Helper()
	pool := dbtest.New(t)
	store := knowledge.NewStore(pool)
	if _, err := store.Ingest(context.Background(), corpus(t), knowledge.NewLocalEmbedder(0), knowledge.IngestOptions{Now: ingestNow}); err != nil {
		t.Fatal(err)
	}
	return pool, store
}

func count(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestIngestIsIdempotent(t *testing.T) {
	ctx := context.Background()
	pool := dbtest.New(t)
	store := knowledge.NewStore(pool)
	docs := corpus(t)
	emb := knowledge.NewLocalEmbedder(0)
	first, err := store.Ingest(ctx, docs, emb, knowledge.IngestOptions{Now: ingestNow})
	if err != nil {
		t.Fatal(err)
	}
	if first.Added != first.Chunks || first.Chunks < 300 || first.Changed+first.Removed != 0 || first.Embedded != first.Chunks {
		t.Fatalf("first ingest: %+v", first)
	}
	if n := count(t, pool, `SELECT count(*) FROM knowledge_vectors`); n != first.Chunks {
		t.Fatalf("%d vectors for %d chunks", n, first.Chunks)
	}
	// A row rewritten with the same values would still get a new xmin.
	versions := func() string {
		var s string
		pool.QueryRow(ctx, `SELECT (SELECT string_agg(xmin::text, ',' ORDER BY id) FROM knowledge_chunks) ||
			(SELECT string_agg(xmin::text, ',' ORDER BY id) FROM knowledge_documents) ||
			(SELECT string_agg(xmin::text, ',' ORDER BY key) FROM knowledge_embedders)`).Scan(&s)
		return s
	}
	before := versions()
	again, err := store.Ingest(ctx, docs, emb, knowledge.IngestOptions{Now: ingestNow.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if again.Added+again.Changed+again.Removed+again.Embedded != 0 || again.ModelUpdated {
		t.Fatalf("re-ingesting an unchanged corpus changed something: %+v", again)
	}
	if versions() != before {
		t.Fatal("re-ingesting an unchanged corpus rewrote rows")
	}
}

func TestIngestReportsChanges(t *testing.T) {
	ctx := context.Background()
	pool, store := ingested(t)
	docs := corpus(t)
	var edited []knowledge.Document
	for _, d := range docs {
		switch d.ID {
		case "complaints":
			continue // removed
		case "returns-and-refunds":
			src := strings.Replace(d.Source, "Merchants should process a refund within 7 days of receiving a return.",
				"Merchants should process a refund within 5 days of receiving a return.", 1)
			src = strings.Replace(src, "## 8. Opening a refund dispute", "## 9. Asking for help\nAsk us in chat.\n\n## 8. Opening a refund dispute", 1)
			d, err := knowledge.ParseDocument("returns-and-refunds.md", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			edited = append(edited, d)
			continue
		}
		edited = append(edited, d)
	}
	keep := count(t, pool, `SELECT count(*) FROM knowledge_chunks WHERE document_id = 'installment-plans'`)
	complaints := count(t, pool, `SELECT count(*) FROM knowledge_chunks WHERE document_id = 'complaints'`)
	rep, err := store.Ingest(ctx, edited, knowledge.NewLocalEmbedder(0), knowledge.IngestOptions{Now: ingestNow})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added != 1 || rep.Changed != 1 || rep.Removed != complaints {
		t.Fatalf("got %+v, want 1 added, 1 changed, %d removed", rep, complaints)
	}
	// The corpus statistics changed, so every vector was recomputed.
	if !rep.ModelUpdated || rep.Embedded != rep.Chunks {
		t.Fatalf("got %+v", rep)
	}
	if n := count(t, pool, `SELECT count(*) FROM knowledge_chunks WHERE document_id = 'installment-plans'`); n != keep {
		t.Fatalf("an unchanged document went from %d to %d chunks", keep, n)
	}
	if n := count(t, pool, `SELECT count(*) FROM knowledge_documents WHERE id = 'complaints'`) +
		count(t, pool, `SELECT count(*) FROM knowledge_sections WHERE document_id = 'complaints'`); n != 0 {
		t.Fatal("a removed document is still stored")
	}
	if _, err := store.Section(ctx, "returns-and-refunds#9"); err != nil {
		t.Fatalf("the new section: %v", err)
	}
	sec, err := store.Section(ctx, "returns-and-refunds#4")
	if err != nil || !strings.Contains(sec.Body, "within 5 days") {
		t.Fatalf("the edited section: %+v %v", sec, err)
	}
}

func TestSectionsAndDocuments(t *testing.T) {
	ctx := context.Background()
	_, store := ingested(t)
	s, err := store.Section(ctx, "late-fees-and-missed-payments#3.1")
	if err != nil {
		t.Fatal(err)
	}
	if s.Title != "Amount and timing in the US" || !slices.Equal(s.Markets, []string{"US"}) ||
		s.URL != "/policies/late-fees-and-missed-payments#3.1" || !strings.Contains(s.Body, "$8") ||
		s.HeadingPath != "Late fees and missed payments > 3. Late fees in the United States > 3.1 Amount and timing in the US" {
		t.Fatalf("got %+v", s)
	}
	for _, id := range []string{"late-fees-and-missed-payments#99", "nope#1"} {
		if _, err := store.Section(ctx, id); !errors.Is(err, knowledge.ErrSectionNotFound) {
			t.Errorf("%s: got %v", id, err)
		}
	}
	if _, err := store.Section(ctx, "no-hash"); err == nil || errors.Is(err, knowledge.ErrSectionNotFound) {
		t.Errorf("a malformed id: got %v", err)
	}
	docs, err := store.Documents(ctx)
	if err != nil || len(docs) != len(corpus(t)) {
		t.Fatalf("%d documents, %v", len(docs), err)
	}
	markets, err := store.Markets(ctx)
	if err != nil || !slices.Equal(markets, []string{"UK", "US"}) {
		t.Fatalf("markets %v %v", markets, err)
	}
	if _, err := store.Document(ctx, "nope"); !errors.Is(err, knowledge.ErrDocumentNotFound) {
		t.Fatalf("got %v", err)
	}
}

// fakeEmbedder gives every text the same 8-dimension vector: enough to show
// that it gets its own vectors and index, and is never compared with
// another embedder's.
type fakeEmbedder struct{}

func (fakeEmbedder) Info() knowledge.EmbedderInfo {
	return knowledge.EmbedderInfo{Name: "fake", Version: "v1", Dims: 8}
}

func (fakeEmbedder) EmbedDocuments(_ context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i := range out {
		out[i] = []float32{1, 0, 0, 0, 0, 0, 0, 0}
	}
	return out, nil
}

func (fakeEmbedder) EmbedQuery(context.Context, string) ([]float32, error) {
	return []float32{1, 0, 0, 0, 0, 0, 0, 0}, nil
}

func TestEmbeddersCoexistAndReembedReplaces(t *testing.T) {
	ctx := context.Background()
	pool, store := ingested(t)
	chunks := count(t, pool, `SELECT count(*) FROM knowledge_chunks`)
	rep, err := store.Ingest(ctx, corpus(t), fakeEmbedder{}, knowledge.IngestOptions{Now: ingestNow})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added+rep.Changed+rep.Removed != 0 || rep.Embedded != chunks {
		t.Fatalf("switching embedder: %+v", rep)
	}
	byEmbedder := count(t, pool, `SELECT count(DISTINCT embedder) FROM knowledge_vectors`)
	indexes := count(t, pool, `SELECT count(*) FROM pg_indexes WHERE tablename = 'knowledge_vectors' AND indexdef LIKE '%hnsw%'`)
	if byEmbedder != 2 || indexes != 2 {
		t.Fatalf("%d embedders with vectors, %d HNSW indexes; want 2 and 2", byEmbedder, indexes)
	}
	// Searching with one embedder only ranks its own vectors: the fake
	// embedder's identical vectors tie, the local one's do not.
	local := knowledge.NewRetriever(store, knowledge.NewLocalEmbedder(0))
	res, err := local.SearchQuery(ctx, knowledge.Query{Text: "my parcel never arrived", K: 3, Mode: knowledge.Vector})
	if err != nil || len(res) != 3 || !strings.HasPrefix(res[0].DocumentID, "items-not-received") {
		t.Fatalf("local search: %+v %v", res, err)
	}
	rep, err = store.Ingest(ctx, corpus(t), fakeEmbedder{}, knowledge.IngestOptions{Reembed: true, Now: ingestNow})
	if err != nil || rep.Embedded != chunks {
		t.Fatalf("reembed: %+v %v", rep, err)
	}
	if n := count(t, pool, `SELECT count(*) FROM knowledge_vectors WHERE embedder <> 'fake:v1:8'`); n != 0 {
		t.Fatalf("%d vectors of another embedder survived --reembed", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM pg_indexes WHERE tablename = 'knowledge_vectors' AND indexdef LIKE '%hnsw%'`); n != 1 {
		t.Fatalf("%d HNSW indexes after --reembed", n)
	}
	if _, err := local.Search(ctx, "my parcel never arrived", "", 3); err == nil || !strings.Contains(err.Error(), "settle ingest") {
		t.Fatalf("searching with an embedder that has no vectors: got %v", err)
	}
}

func TestIngestRejectsAnUnindexableEmbedder(t *testing.T) {
	store := knowledge.NewStore(dbtest.New(t))
	e, err := knowledge.NewOpenAIEmbedder(knowledge.OpenAIConfig{Model: "text-embedding-3-large"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = store.Ingest(context.Background(), corpus(t), e, knowledge.IngestOptions{})
	if err == nil || !strings.Contains(err.Error(), "SETTLE_EMBEDDING_DIMS") {
		t.Fatalf("got %v", err)
	}
}

func TestLoadCorpusFromADirectory(t *testing.T) {
	src := "---\nid: tiny\ntitle: Tiny\nversion: 1\nmarkets: US\neffective_date: 2026-01-01\n---\n## 1. One\nHello.\n"
	docs, err := knowledge.LoadCorpus(fstest.MapFS{"tiny.md": {Data: []byte(src)}, "notes.txt": {Data: []byte("ignored")}})
	if err != nil || len(docs) != 1 || docs[0].Sections[0].ID() != "tiny#1" {
		t.Fatalf("%+v %v", docs, err)
	}
}
