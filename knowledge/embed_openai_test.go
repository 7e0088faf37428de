package knowledge

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// embeddingsServer speaks the embeddings wire protocol: each input becomes a
// vector of dims whose first component is the input's length, returned in
// reverse order with its index (as the API is allowed to). fail(n) may
// answer request n (from 1) with an error status instead.
type embeddingsServer struct {
	*httptest.Server
	requests atomic.Int32
	bodies   chan map[string]any
}

func newEmbeddingsServer(t *testing.T, dims int, fail func(n int) int) *embeddingsServer {
	s := &embeddingsServer{bodies: make(chan map[string]any, 100)}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(s.requests.Add(1))
		if r.Method != http.MethodPost || r.URL.Path != "/v1/embeddings" || r.Header.Get("Authorization") != "Bearer sk-test" {
			t.Errorf("unexpected request %s %s %q", r.Method, r.URL.Path, r.Header.Get("Authorization"))
		}
		if code := fail(n); code != 0 {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(code)
			json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": http.StatusText(code), "type": "test"}})
			return
		}
		var body map[string]any
		json.NewDecoder(r.Body).Decode(&body)
		s.bodies <- body
		inputs := body["input"].([]any)
		var data []map[string]any
		for i := len(inputs) - 1; i >= 0; i-- {
			v := make([]float32, dims)
			v[0] = float32(len(inputs[i].(string)))
			data = append(data, map[string]any{"object": "embedding", "index": i, "embedding": v})
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"object": "list", "model": body["model"], "data": data})
	}))
	t.Cleanup(s.Close)
	return s
}

func openAIFor(t *testing.T, s *embeddingsServer, dims int) *OpenAIEmbedder {
	t.Helper()
	e, err := NewOpenAIEmbedder(OpenAIConfig{
		BaseURL: s.URL + "/v1", APIKey: "sk-test", Model: "text-embedding-3-small", Dims: dims,
		BatchSize: 2, MaxRetries: 2, Backoff: time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func never(int) int { return 0 }

func TestOpenAIEmbedderBatchesInOrder(t *testing.T) {
	s := newEmbeddingsServer(t, 8, never)
	e := openAIFor(t, s, 8)
	texts := []string{"a", "bb", "ccc", "dddd", "eeeee"}
	vecs, err := e.EmbedDocuments(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vecs {
		if len(v) != 8 || int(v[0]) != len(texts[i]) {
			t.Fatalf("vector %d is %v: out of order", i, v)
		}
	}
	if n := s.requests.Load(); n != 3 {
		t.Fatalf("%d requests for 5 texts in batches of 2", n)
	}
	body := <-s.bodies
	if body["model"] != "text-embedding-3-small" || body["dimensions"] != float64(8) {
		t.Fatalf("request %v", body)
	}
	if e.Info().Key() != "openai:text-embedding-3-small:8" {
		t.Fatalf("key %s", e.Info().Key())
	}
}

func TestOpenAIEmbedderErrors(t *testing.T) {
	tests := []struct {
		name     string
		fail     func(n int) int
		wantErr  string // "" for success
		requests int32
	}{
		{"401 is not retried and names the key", func(int) int { return 401 }, "OPENAI_API_KEY", 1},
		{"429 is retried, then succeeds", func(n int) int {
			if n == 1 {
				return 429
			}
			return 0
		}, "", 2},
		{"500 is retried until the retries run out", func(int) int { return 500 }, "HTTP 500) after 3 attempts", 3},
		{"404 names the model", func(int) int { return 404 }, "SETTLE_EMBEDDING_MODEL", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newEmbeddingsServer(t, 4, tt.fail)
			v, err := openAIFor(t, s, 4).EmbedQuery(context.Background(), "hello")
			switch {
			case tt.wantErr == "" && (err != nil || len(v) != 4):
				t.Fatalf("got %v, %v", v, err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("got %v, want an error containing %q", err, tt.wantErr)
			}
			if n := s.requests.Load(); n != tt.requests {
				t.Fatalf("%d requests, want %d", n, tt.requests)
			}
		})
	}
}

func TestOpenAIEmbedderChecksDimensions(t *testing.T) {
	s := newEmbeddingsServer(t, 3, never)
	if _, err := openAIFor(t, s, 4).EmbedQuery(context.Background(), "hello"); err == nil || !strings.Contains(err.Error(), "SETTLE_EMBEDDING_DIMS") {
		t.Fatalf("got %v", err)
	}
	if _, err := NewOpenAIEmbedder(OpenAIConfig{Model: "nomic-embed-text"}); err == nil || !strings.Contains(err.Error(), "SETTLE_EMBEDDING_DIMS") {
		t.Fatalf("an unknown model without dimensions: got %v", err)
	}
	e, err := NewOpenAIEmbedder(OpenAIConfig{Model: "text-embedding-3-large"})
	if err != nil || e.Info().Dims != 3072 {
		t.Fatalf("%+v %v", e, err)
	}
	if err := checkEmbedderInfo(e.Info()); err == nil || !strings.Contains(err.Error(), "2000") {
		t.Fatalf("3072 dimensions cannot be HNSW-indexed: got %v", err)
	}
}
