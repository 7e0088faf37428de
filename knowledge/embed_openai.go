package knowledge

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// OpenAIConfig configures the embedder for any OpenAI-compatible embeddings
// endpoint (OpenAI, Azure OpenAI's v1 API, Ollama, vLLM, llama.cpp).
type OpenAIConfig struct {
	BaseURL    string // "" for api.openai.com; e.g. http://localhost:11434/v1 for Ollama
	APIKey     string
	Model      string
	Dims       int           // 0: the model's default, which must then be known (see defaultDims)
	BatchSize  int           // texts per request; 0 means 128
	MaxRetries int           // retries after a 429 or 5xx; 0 means 4
	Backoff    time.Duration // wait before the first retry, doubled each time; 0 means 1s
	HTTPClient *http.Client  // nil: a client with a 60 s timeout
}

// defaultDims are the sizes of well-known models, so the dimension need not
// be configured for them.
var defaultDims = map[string]int{
	"text-embedding-3-small": 1536,
	"text-embedding-3-large": 3072,
	"text-embedding-ada-002": 1536,
}

// OpenAIEmbedder embeds through the embeddings API with go-openai, in
// batches, retrying with exponential backoff when the endpoint is rate
// limited (429) or failing (5xx).
type OpenAIEmbedder struct {
	client   *openai.Client
	cfg      OpenAIConfig
	sendDims bool
	info     EmbedderInfo
}

// NewOpenAIEmbedder checks c and returns the embedder. It makes no request.
func NewOpenAIEmbedder(c OpenAIConfig) (*OpenAIEmbedder, error) {
	if c.Model == "" {
		return nil, errors.New("knowledge: the OpenAI embedder needs a model (SETTLE_EMBEDDING_MODEL)")
	}
	dims, sendDims := c.Dims, c.Dims > 0
	if dims == 0 {
		if dims = defaultDims[c.Model]; dims == 0 {
			return nil, fmt.Errorf("knowledge: the size of embedding model %q is not known: set SETTLE_EMBEDDING_DIMS", c.Model)
		}
	}
	if c.BatchSize <= 0 {
		c.BatchSize = 128
	}
	if c.MaxRetries <= 0 {
		c.MaxRetries = 4
	}
	if c.Backoff <= 0 {
		c.Backoff = time.Second
	}
	cc := openai.DefaultConfig(c.APIKey)
	if c.BaseURL != "" {
		cc.BaseURL = strings.TrimRight(c.BaseURL, "/")
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: 60 * time.Second}
	}
	cc.HTTPClient = c.HTTPClient
	return &OpenAIEmbedder{
		client: openai.NewClientWithConfig(cc), cfg: c, sendDims: sendDims,
		info: EmbedderInfo{Name: "openai", Version: c.Model, Dims: dims},
	}, nil
}

// Info names the embedder by its model and dimensions.
func (e *OpenAIEmbedder) Info() EmbedderInfo { return e.info }

// EmbedDocuments embeds texts in batches.
func (e *OpenAIEmbedder) EmbedDocuments(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, 0, len(texts))
	for start := 0; start < len(texts); start += e.cfg.BatchSize {
		vecs, err := e.withRetry(ctx, texts[start:min(start+e.cfg.BatchSize, len(texts))])
		if err != nil {
			return nil, err
		}
		out = append(out, vecs...)
	}
	return out, nil
}

// EmbedQuery embeds one query.
func (e *OpenAIEmbedder) EmbedQuery(ctx context.Context, text string) ([]float32, error) {
	vecs, err := e.withRetry(ctx, []string{text})
	if err != nil {
		return nil, err
	}
	return vecs[0], nil
}

func (e *OpenAIEmbedder) withRetry(ctx context.Context, texts []string) ([][]float32, error) {
	wait := e.cfg.Backoff
	for attempt := 0; ; attempt++ {
		vecs, err := e.request(ctx, texts)
		if err == nil {
			return vecs, nil
		}
		if !retryable(err) || attempt == e.cfg.MaxRetries || ctx.Err() != nil {
			return nil, e.explain(err, attempt+1)
		}
		select {
		case <-time.After(wait):
			wait *= 2
		case <-ctx.Done():
			return nil, e.explain(ctx.Err(), attempt+1)
		}
	}
}

func (e *OpenAIEmbedder) request(ctx context.Context, texts []string) ([][]float32, error) {
	req := openai.EmbeddingRequestStrings{Model: openai.EmbeddingModel(e.cfg.Model), Input: make([]string, len(texts))}
	for i, t := range texts {
		// Newlines are documented to degrade some models' embeddings.
		req.Input[i] = strings.Join(strings.Fields(t), " ")
	}
	if e.sendDims {
		req.Dimensions = e.info.Dims
	}
	resp, err := e.client.CreateEmbeddings(ctx, req)
	if err != nil {
		return nil, err
	}
	if len(resp.Data) != len(texts) {
		return nil, fmt.Errorf("knowledge: the embeddings endpoint returned %d vectors for %d texts", len(resp.Data), len(texts))
	}
	sort.Slice(resp.Data, func(i, j int) bool { return resp.Data[i].Index < resp.Data[j].Index })
	out := make([][]float32, len(texts))
	for i, d := range resp.Data {
		if len(d.Embedding) != e.info.Dims {
			return nil, fmt.Errorf("knowledge: model %s returned %d dimensions, expected %d: set SETTLE_EMBEDDING_DIMS to match", e.cfg.Model, len(d.Embedding), e.info.Dims)
		}
		out[i] = d.Embedding
	}
	return out, nil
}

// httpStatus digs the HTTP status out of a go-openai error (0 if none).
func httpStatus(err error) int {
	var api *openai.APIError
	if errors.As(err, &api) {
		return api.HTTPStatusCode
	}
	var req *openai.RequestError
	if errors.As(err, &req) {
		return req.HTTPStatusCode
	}
	return 0
}

// retryable errors are the endpoint saying "later": rate limits, server
// errors, and connections that failed or timed out.
func retryable(err error) bool {
	if s := httpStatus(err); s != 0 {
		return s == http.StatusTooManyRequests || s >= 500
	}
	var ne net.Error
	return errors.As(err, &ne) && !errors.Is(err, context.Canceled)
}

// explain turns a final failure into an error that says what to do.
func (e *OpenAIEmbedder) explain(err error, attempts int) error {
	where := e.cfg.BaseURL
	if where == "" {
		where = "api.openai.com"
	}
	switch s := httpStatus(err); {
	case s == http.StatusUnauthorized || s == http.StatusForbidden:
		return fmt.Errorf("knowledge: the embeddings endpoint %s refused the API key (HTTP %d): check OPENAI_API_KEY: %w", where, s, err)
	case s == http.StatusNotFound:
		return fmt.Errorf("knowledge: the embeddings endpoint %s does not know model %q (HTTP 404): check SETTLE_EMBEDDING_MODEL and OPENAI_BASE_URL: %w", where, e.cfg.Model, err)
	case s == http.StatusTooManyRequests:
		return fmt.Errorf("knowledge: the embeddings endpoint %s is rate limiting (HTTP 429) after %d attempts: %w", where, attempts, err)
	case s >= 500:
		return fmt.Errorf("knowledge: the embeddings endpoint %s failed (HTTP %d) after %d attempts: %w", where, s, attempts, err)
	}
	return fmt.Errorf("knowledge: embeddings request to %s: %w", where, err)
}
