package knowledge

import (
	"context"
	"fmt"
)

// EmbedderInfo identifies what produced a vector. Vectors are stored under
// Key and only ever compared with query vectors of the same Key.
type EmbedderInfo struct {
	Name    string // "local", "openai"
	Version string // the algorithm's version, or the remote model's name
	Dims    int
}

// Key is the stored identity, e.g. "local:v1:512" or
// "openai:text-embedding-3-small:1536".
func (i EmbedderInfo) Key() string { return fmt.Sprintf("%s:%s:%d", i.Name, i.Version, i.Dims) }

// Embedder turns texts into vectors of Info().Dims. Documents (chunks) and
// queries are embedded by separate calls because some embedders treat them
// differently (the local one normalises chunk length; some remote models
// want a different prefix for each).
type Embedder interface {
	Info() EmbedderInfo
	// EmbedDocuments returns one vector per text, in order.
	EmbedDocuments(ctx context.Context, texts []string) ([][]float32, error)
	EmbedQuery(ctx context.Context, text string) ([]float32, error)
}

// Fitter is an embedder whose vectors depend on statistics learned from the
// corpus (the local embedder's IDF). Ingest fits it to the chunks and stores
// the model; search loads the stored model, so queries and chunks are
// weighed alike. Implementations return new values and never change the
// receiver, so a fitted embedder can be shared between goroutines.
type Fitter interface {
	Embedder
	Fit(texts []string) (Fitter, error)
	Model() (data []byte, hash string) // nil data before fitting
	Load(data []byte) (Fitter, error)
}

// checkVectors verifies an embedder kept its promise: one vector per text,
// each of the dimensions it announced.
func checkVectors(info EmbedderInfo, texts []string, vecs [][]float32) error {
	if len(vecs) != len(texts) {
		return fmt.Errorf("knowledge: embedder %s returned %d vectors for %d texts", info.Key(), len(vecs), len(texts))
	}
	for i, v := range vecs {
		if len(v) != info.Dims {
			return fmt.Errorf("knowledge: embedder %s returned a vector of %d dimensions (text %d), want %d", info.Key(), len(v), i, info.Dims)
		}
	}
	return nil
}
