package knowledge

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/pgvector/pgvector-go"

	"github.com/settlehq/settle/internal/errs"
)

// Result is one retrieved section, best first.
type Result struct {
	ChunkID     string  `json:"chunk_id"`
	DocumentID  string  `json:"document"`
	Section     string  `json:"section"`    // the section number, "3.2"
	SectionID   string  `json:"section_id"` // the citation id, "returns-and-refunds#3.2"
	Title       string  `json:"title"`      // the document's title
	HeadingPath string  `json:"heading_path"`
	Snippet     string  `json:"snippet"`
	Score       float64 `json:"score"` // reciprocal rank fusion score; higher is better
	URL         string  `json:"url"`   // where a reader can check the citation
	Body        string  `json:"-"`     // the chunk's full text, for grounding an answer
}

// CitationURL is where a section can be read: its document's page, at the
// section's anchor.
func CitationURL(documentID, section string) string {
	return "/policies/" + documentID + "#" + section
}

// Mode chooses the rankings a search uses; the evaluation compares them.
type Mode int

const (
	Hybrid   Mode = iota // vector and full-text, fused
	Vector               // vector similarity only
	FullText             // PostgreSQL full-text search only
)

func (m Mode) String() string { return [...]string{"hybrid", "vector", "full-text"}[m] }

// Query is a search request.
type Query struct {
	Text   string
	Market string // "" searches every market; otherwise sections that apply there
	K      int    // how many sections to return, 1..MaxK
	Mode   Mode
	Exact  bool // scan every vector instead of using the HNSW index (the benchmark's baseline)
}

// Limits on a query.
const (
	MaxQueryChars = 1000
	MaxK          = 50
)

// Retriever answers questions from the ingested corpus with the sections
// that answer them. It is safe for concurrent use.
type Retriever struct {
	store *Store
	emb   Embedder

	mu     sync.Mutex
	fitted Fitter // emb with the stored corpus model, when emb is a Fitter
}

// NewRetriever searches store with query vectors from emb, which must be the
// embedder the corpus was ingested with (only its vectors are compared).
func NewRetriever(store *Store, emb Embedder) *Retriever {
	return &Retriever{store: store, emb: emb}
}

// Embedder is the embedder queries are embedded with.
func (r *Retriever) Embedder() Embedder { return r.emb }

// Search returns up to k sections for query, best first, from sections that
// apply in market ("" for all). It is what the chatbot calls.
func (r *Retriever) Search(ctx context.Context, query, market string, k int) ([]Result, error) {
	return r.SearchQuery(ctx, Query{Text: query, Market: market, K: k})
}

// Section returns the text of a cited section, or ErrSectionNotFound: the
// way a caller checks that a citation it is about to make exists.
func (r *Retriever) Section(ctx context.Context, id string) (SectionText, error) {
	return r.store.Section(ctx, id)
}

// SearchQuery runs a search with every option.
func (r *Retriever) SearchQuery(ctx context.Context, q Query) ([]Result, error) {
	q.Text = strings.TrimSpace(q.Text)
	q.Market = strings.ToUpper(strings.TrimSpace(q.Market))
	if err := r.validate(ctx, q); err != nil {
		return nil, err
	}
	var vec []float32
	if q.Mode != FullText {
		emb, err := r.queryEmbedder(ctx)
		if err != nil {
			return nil, err
		}
		if vec, err = emb.EmbedQuery(ctx, q.Text); err != nil {
			return nil, fmt.Errorf("knowledge: embed query: %w", err)
		}
	}
	out, err := r.store.search(ctx, r.emb.Info(), q, vec, q.Text+" "+ConceptTerms(q.Text))
	if err == nil && len(out) == 0 && q.Market != "" {
		// Only an unknown market finds nothing at all (every chunk lists
		// the markets it applies in), so the market list is read only then
		// rather than before every search.
		err = r.knownMarket(ctx, q.Market)
	}
	return out, err
}

func (r *Retriever) validate(ctx context.Context, q Query) error {
	switch {
	case q.Text == "":
		return errs.Field(errs.Invalid, "q", "q is required: the question to search the policies for")
	case utf8.RuneCountInString(q.Text) > MaxQueryChars:
		return errs.Field(errs.Invalid, "q", fmt.Sprintf("q is longer than %d characters", MaxQueryChars))
	case q.K < 1 || q.K > MaxK:
		return errs.Field(errs.Invalid, "k", fmt.Sprintf("k must be between 1 and %d", MaxK))
	}
	return nil
}

// knownMarket is nil for a market the policies cover, else a 4xx naming
// those they do.
func (r *Retriever) knownMarket(ctx context.Context, market string) error {
	markets, err := r.store.Markets(ctx)
	if err != nil {
		return err
	}
	if !slices.Contains(markets, market) {
		return errs.Field(errs.Invalid, "market", fmt.Sprintf("unknown market %q; the policies cover %s", market, strings.Join(markets, ", ")))
	}
	return nil
}

// queryEmbedder returns the embedder to embed queries with. For a Fitter it
// is fitted with the stored model, reloaded whenever an ingest changed it.
func (r *Retriever) queryEmbedder(ctx context.Context) (Embedder, error) {
	f, ok := r.emb.(Fitter)
	if !ok {
		return r.emb, nil
	}
	key := r.emb.Info().Key()
	hash, found, err := embedderModelHash(ctx, r.store.pool, key)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("knowledge: nothing is ingested with embedder %s: run `settle ingest`", key)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fitted != nil {
		if _, h := r.fitted.Model(); h == hash {
			return r.fitted, nil
		}
	}
	st, err := loadEmbedder(ctx, r.store.pool, key)
	if err != nil {
		return nil, err
	}
	if r.fitted, err = f.Load(st.model); err != nil {
		return nil, err
	}
	return r.fitted, nil
}

// candidates is how deep each ranking goes before fusion: deeper than k, so
// a section ranked modestly by both rankings can still win.
func candidates(k int) int { return min(max(4*k, 40), 200) }

// ftsBudget bounds how many chunks the full-text ranking scores (see
// searchSQL). On the policy corpus no question reaches it (the evaluation
// scores the same at 20,000); at 100,000 chunks it keeps a search within its
// latency target (`settle bench retrieval`), at the price of ignoring a
// question's commonest words, which carry the least information anyway.
const ftsBudget = 1000

// rrfK is reciprocal rank fusion's constant (Cormack, Clarke and Büttcher,
// 2009): a result's score is the sum over rankings of weight/(rrfK + rank).
const rrfK = 60

// fullTextWeight is the full-text ranking's vote against the vector
// ranking's 1. Plain RRF treats both as equally reliable, so a section the
// vector ranking puts first but full text misses (a paraphrase: "I'm 17, can
// I sign up?") loses to sections both rank middling. The vector ranking
// carries IDF, the lexicon and length normalisation, and is the stronger
// one here; at 0.6, measured on the evaluation set, fusion keeps the vector
// ranking's answers and still gains full text's exact-word ones.
const fullTextWeight = 0.6

// search runs the fused query and keeps the best chunk of each section.
func (s *Store) search(ctx context.Context, info EmbedderInfo, q Query, vec []float32, terms string) ([]Result, error) {
	n := candidates(q.K)
	vecLimit, textLimit := n, n
	switch {
	case q.Mode == FullText || vec == nil || isZero(vec):
		vecLimit = 0
	case q.Mode == Vector:
		textLimit = 0
	}
	if vec == nil || isZero(vec) {
		vec = make([]float32, info.Dims) // a typed placeholder; the vector ranking is off
	}
	nearest := nearestCandidates(vecLimit)
	b := &pgx.Batch{}
	b.Queue(`BEGIN`)
	b.Queue(fmt.Sprintf(`SET LOCAL hnsw.ef_search = %d`, efSearch(nearest)))
	for _, set := range searchSettings {
		b.Queue(set)
	}
	if q.Exact {
		b.Queue(`SET LOCAL enable_indexscan = off`)
	}
	rows := b.Queue(searchSQL(info), pgvector.NewVector(vec), q.Market, vecLimit, terms, textLimit, ftsBudget, nearest)
	var out []Result
	rows.Query(func(r pgx.Rows) error {
		var err error
		out, err = collectResults(r, q)
		return err
	})
	b.Queue(`COMMIT`)
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return nil, fmt.Errorf("knowledge: search: %w", err)
	}
	return out, nil
}

// searchSettings apply to a search's transaction. JIT compiling costs more
// than a search takes. A generic plan — which PostgreSQL switches a prepared
// statement to after five runs — cannot know the limits and the market, and
// scans every vector instead of using the HNSW index.
var searchSettings = []string{`SET LOCAL jit = off`, `SET LOCAL plan_cache_mode = force_custom_plan`}

// nearestCandidates is how many chunks the HNSW index supplies for the
// vector ranking's re-ranking: half as many again as it keeps, so that a
// chunk its length weight lifts from further down still makes it.
func nearestCandidates(n int) int {
	if n == 0 {
		return 0
	}
	return max(60, n*3/2)
}

// efSearch is the HNSW search breadth. The index returns at most ef_search
// rows, so it is at least the number of candidates wanted; that is also
// enough for a recall@10 above 0.95 at 100,000 chunks, measured by `settle
// bench retrieval` (searching wider costs time for little recall).
func efSearch(nearest int) int { return max(60, nearest) }

func isZero(v []float32) bool {
	for _, x := range v {
		if x != 0 {
			return false
		}
	}
	return true
}
