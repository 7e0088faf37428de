package knowledge_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/settlehq/settle/internal/errs"
	"github.com/settlehq/settle/knowledge"
)

func TestSearchValidation(t *testing.T) {
	_, store := ingested(t)
	r := knowledge.NewRetriever(store, knowledge.NewLocalEmbedder(0))
	tests := []struct {
		name, q, market string
		k               int
		field           string
	}{
		{"empty query", "", "", 5, "q"},
		{"blank query", "   \n ", "", 5, "q"},
		{"overlong query", strings.Repeat("refund ", 143) + "now", "", 5, "q"},
		{"k of 0", "refund", "", 0, "k"},
		{"k over 50", "refund", "", 51, "k"},
		{"unknown market", "refund", "FR", 5, "market"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := r.Search(context.Background(), tt.q, tt.market, tt.k)
			e, ok := errs.As(err)
			if !ok || e.Kind != errs.Invalid || e.Field != tt.field {
				t.Fatalf("got %v, want an invalid-%s error", err, tt.field)
			}
		})
	}
	t.Run("1,000 characters are allowed, market case is ignored", func(t *testing.T) {
		if _, err := r.Search(context.Background(), strings.Repeat("é", 1000), "uk", 50); err != nil {
			t.Fatal(err)
		}
	})
}

func TestSearchResults(t *testing.T) {
	ctx := context.Background()
	_, store := ingested(t)
	r := knowledge.NewRetriever(store, knowledge.NewLocalEmbedder(0))
	res, err := r.Search(ctx, "my shoes never came, what do I do", "", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 5 || res[0].DocumentID != "items-not-received" {
		t.Fatalf("a parcel that never came: %+v", res)
	}
	seen := map[string]bool{}
	for i, x := range res {
		if seen[x.SectionID] {
			t.Errorf("section %s twice", x.SectionID)
		}
		seen[x.SectionID] = true
		if x.URL != "/policies/"+x.DocumentID+"#"+x.Section || x.Snippet == "" || x.HeadingPath == "" || x.Title == "" || x.ChunkID == "" {
			t.Errorf("result %d lacks a field: %+v", i, x)
		}
		if i > 0 && x.Score > res[i-1].Score {
			t.Errorf("result %d scores above the one before it", i)
		}
		if _, err := r.Section(ctx, x.SectionID); err != nil {
			t.Errorf("cited section %s: %v", x.SectionID, err)
		}
	}
}

// A market's search returns sections that apply there: tagged for it, or
// untagged in a document that lists it.
func TestSearchMarketFilter(t *testing.T) {
	ctx := context.Background()
	_, store := ingested(t)
	r := knowledge.NewRetriever(store, knowledge.NewLocalEmbedder(0))
	for _, mode := range []knowledge.Mode{knowledge.Hybrid, knowledge.Vector, knowledge.FullText} {
		for market, other := range map[string]string{"US": "UK", "UK": "US"} {
			res, err := r.SearchQuery(ctx, knowledge.Query{Text: "how much is the late fee and what is the cap in the " + other, Market: market, K: 50, Mode: mode})
			if err != nil {
				t.Fatal(err)
			}
			tagged := 0
			for _, x := range res {
				s, err := r.Section(ctx, x.SectionID)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(strings.Join(s.Markets, ","), market) {
					t.Errorf("%s search in %s returned %s, which applies in %v", mode, market, x.SectionID, s.Markets)
				}
				if len(s.Markets) == 1 {
					tagged++
				}
			}
			if tagged == 0 {
				t.Errorf("%s search in %s returned no %s-only section", mode, market, market)
			}
		}
	}
}

// The SQL repeats the partial index's expression and predicate. With table
// scans and sorts priced out, the HNSW index is the only way left to honour
// ORDER BY distance, so the planner uses it if and only if the SQL matches
// it. (On 386 chunks it rightly prefers a scan; the benchmark checks the
// plan at 100,000.)
func TestSearchCanUseTheHNSWIndex(t *testing.T) {
	ctx := context.Background()
	pool, store := ingested(t)
	emb := knowledge.NewLocalEmbedder(0)
	r := knowledge.NewRetriever(store, emb)
	for _, setting := range []string{"enable_seqscan", "enable_bitmapscan", "enable_sort"} {
		if _, err := pool.Exec(ctx, `ALTER DATABASE `+currentDB(t, pool)+` SET `+setting+` = off`); err != nil {
			t.Fatal(err)
		}
	}
	pool.Reset() // new connections pick the setting up
	plan, err := r.ExplainSearch(ctx, "late fee while my dispute is open", 5)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan, "Index Scan using "+knowledge.VectorIndexName(emb.Info())) {
		t.Fatalf("the plan does not use the HNSW index:\n%s", plan)
	}
}

func currentDB(t *testing.T, pool *pgxpool.Pool) string {
	t.Helper()
	var name string
	if err := pool.QueryRow(context.Background(), `SELECT current_database()`).Scan(&name); err != nil {
		t.Fatal(err)
	}
	return pgx.Identifier{name}.Sanitize()
}

// The evaluation set's quality targets hold (DONE criteria of the issue):
// hybrid recall@5 of at least 0.90 with the local embedder, and no worse
// than either ranking alone.
func TestRetrievalQuality(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	ctx := context.Background()
	_, store := ingested(t)
	r := knowledge.NewRetriever(store, knowledge.NewLocalEmbedder(0))
	qs, err := knowledge.EvalSet()
	if err != nil {
		t.Fatal(err)
	}
	got := map[knowledge.Mode]knowledge.Metrics{}
	for _, mode := range []knowledge.Mode{knowledge.Hybrid, knowledge.Vector, knowledge.FullText} {
		if got[mode], _, err = knowledge.Evaluate(ctx, r, qs, mode); err != nil {
			t.Fatal(err)
		}
	}
	h, v, f := got[knowledge.Hybrid], got[knowledge.Vector], got[knowledge.FullText]
	t.Logf("recall@5: hybrid %.3f, vector %.3f, full text %.3f", h.RecallAt5, v.RecallAt5, f.RecallAt5)
	if h.RecallAt5 < 0.90 || h.RecallAt5 < v.RecallAt5 || h.RecallAt5 < f.RecallAt5 {
		t.Fatalf("hybrid recall@5 %.3f; want >= 0.90 and >= vector %.3f and full text %.3f", h.RecallAt5, v.RecallAt5, f.RecallAt5)
	}
}
