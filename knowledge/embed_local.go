package knowledge

import (
	"context"
	"errors"
	"math"
	"runtime"
	"slices"
	"sync"
)

// DefaultLocalDims is the local embedder's vector size. Hashing a corpus's
// few thousand distinct words into fewer buckets makes unrelated words
// collide and costs accuracy (512 dimensions lose about 5 points of
// recall@5 on the evaluation set against 1024); HNSW indexes stop at 2000.
const DefaultLocalDims = 768

const localVersion = "v1"

// pivotSlope is the slope of pivoted length normalisation (Singhal, Buckley
// and Mitra, 1996): plain cosine favours short chunks — a one-line section
// intro beats the subsection that answers — and scoring against
// (1-s)·average + s·length instead of length evens that out. On the
// evaluation set it is worth about 5 points of vector recall@5.
const pivotSlope = 0.4

// LocalEmbedder is the built-in embedder: deterministic, offline, no model
// files. A text's features (stemmed words, lexicon concepts, word pairs and
// character n-grams; see features.go) are weighed by sublinear term
// frequency times the IDF learned from the corpus at ingest. Concepts get a
// dimension each; the other features are hashed into signed buckets. Features
// the corpus never contains weigh nothing: they could only match by hash
// collision. Cosine similarity of two such vectors is a TF-IDF cosine with a
// domain thesaurus.
//
// A chunk vector is its raw vector u divided by its pivoted length
// (1-s)·average + s·|u|, so its direction is u's and its length is the
// weight pivoting gives it; queries are unit vectors. The HNSW index compares
// directions (cosine), which keeps its graph as good as for unit vectors,
// and search re-ranks the index's candidates by inner product, which is
// q·u / ((1-s)·average + s·|u|): pivoted normalisation.
type LocalEmbedder struct {
	dims  int
	model *localModel // nil until fitted or loaded
}

// NewLocalEmbedder returns an unfitted local embedder; Fit or Load gives it
// the corpus statistics it needs before it can embed.
func NewLocalEmbedder(dims int) *LocalEmbedder {
	if dims <= 0 {
		dims = DefaultLocalDims
	}
	return &LocalEmbedder{dims: max(dims, len(conceptIndex)+16)}
}

// Info names the embedder.
func (e *LocalEmbedder) Info() EmbedderInfo {
	return EmbedderInfo{Name: "local", Version: localVersion, Dims: e.dims}
}

// ErrNotFitted is returned by a local embedder that has no corpus model yet.
var ErrNotFitted = errors.New("knowledge: the local embedder has no corpus model: run `settle ingest`")

// EmbedDocuments returns one vector per chunk text, of length |u|/pivoted
// (see LocalEmbedder). Large batches are spread over all CPUs.
func (e *LocalEmbedder) EmbedDocuments(ctx context.Context, texts []string) ([][]float32, error) {
	if e.model == nil {
		return nil, ErrNotFitted
	}
	out := make([][]float32, len(texts))
	err := parallel(ctx, len(texts), func(i int) {
		v, norm := e.rawVector(documentCounts(texts[i]))
		if p := e.model.pivoted(norm); p > 0 {
			scale(v, float32(1/p))
		}
		out[i] = v
	})
	return out, err
}

// EmbedQuery returns the query's unit vector, or the zero vector when the
// query has no feature the corpus knows.
func (e *LocalEmbedder) EmbedQuery(ctx context.Context, text string) ([]float32, error) {
	if e.model == nil {
		return nil, ErrNotFitted
	}
	v, _ := e.rawVector(termCounts(text))
	normalize(v)
	return v, nil
}

// rawVector is the weighed, hashed feature vector of counts and its length.
func (e *LocalEmbedder) rawVector(counts map[uint64]int32) ([]float32, float64) {
	v := make([]float32, e.dims)
	hashed := uint64(e.dims - len(conceptIndex))
	for _, key := range sortedKeys(counts) { // a fixed order makes the float sums reproducible
		tf := counts[key]
		df, ok := e.model.df[key]
		if !ok {
			continue
		}
		w := classWeight[classOf(key)] * (1 + float32(math.Log(float64(tf)))) * idf(e.model.docs, df)
		if i, ok := conceptIndex[key]; ok {
			v[i] += w
			continue
		}
		if (key*0x9E3779B97F4A7C15)>>63 == 1 { // the sign from other bits than the bucket
			w = -w
		}
		v[uint64(len(conceptIndex))+key%hashed] += w
	}
	var sum float64
	for _, x := range v {
		sum += float64(x) * float64(x)
	}
	return v, math.Sqrt(sum)
}

func normalize(v []float32) {
	var sum float64
	for _, x := range v {
		sum += float64(x) * float64(x)
	}
	if sum > 0 {
		scale(v, float32(1/math.Sqrt(sum)))
	}
}

func scale(v []float32, f float32) {
	for i := range v {
		v[i] *= f
	}
}

// Fit learns document frequencies and chunk lengths from texts (one per
// chunk).
func (e *LocalEmbedder) Fit(texts []string) (Fitter, error) {
	if len(texts) == 0 {
		return nil, errors.New("knowledge: cannot fit the local embedder to an empty corpus")
	}
	counts := make([]map[uint64]int32, len(texts))
	if err := parallel(context.Background(), len(texts), func(i int) { counts[i] = documentCounts(texts[i]) }); err != nil {
		return nil, err
	}
	df := map[uint64]uint32{}
	for _, c := range counts {
		for k := range c {
			df[k]++
		}
	}
	fitted := &LocalEmbedder{dims: e.dims, model: &localModel{docs: len(texts), df: df}}
	norms := make([]float64, len(texts))
	if err := parallel(context.Background(), len(texts), func(i int) { _, norms[i] = fitted.rawVector(counts[i]) }); err != nil {
		return nil, err
	}
	for _, n := range norms {
		fitted.model.avgNorm += n / float64(len(norms))
	}
	fitted.model.encode()
	return fitted, nil
}

// Model returns the learned statistics and their hash.
func (e *LocalEmbedder) Model() ([]byte, string) {
	if e.model == nil {
		return nil, ""
	}
	return e.model.data, e.model.hash
}

// Load restores a model saved by Model.
func (e *LocalEmbedder) Load(data []byte) (Fitter, error) {
	m, err := decodeModel(data)
	if err != nil {
		return nil, err
	}
	return &LocalEmbedder{dims: e.dims, model: m}, nil
}

// parallel runs fn(0..n-1) on all CPUs, stopping early if ctx ends.
func parallel(ctx context.Context, n int, fn func(i int)) error {
	workers := min(runtime.GOMAXPROCS(0), max(1, n/64))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	var err error
	for i := 0; i < n && err == nil; i++ {
		select {
		case next <- i:
		case <-ctx.Done():
			err = ctx.Err()
		}
	}
	close(next)
	wg.Wait()
	return err
}

func sortedKeys(m map[uint64]int32) []uint64 {
	ks := make([]uint64, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
