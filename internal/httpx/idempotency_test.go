package httpx_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/settlehq/settle/internal/clock"
	"github.com/settlehq/settle/internal/db/dbtest"
	"github.com/settlehq/settle/internal/httpx"
)

// idemEnv serves a handler that counts how often it really runs.
type idemEnv struct {
	srv   *httptest.Server
	runs  atomic.Int64
	clock *clock.Manual
	gate  chan struct{} // when set, the handler waits on it
}

func newIdemEnv(t *testing.T) *idemEnv {
	e := &idemEnv{clock: clock.NewManual(now)}
	m := httpx.NewIdempotency(dbtest.New(t), e.clock)
	r := chi.NewRouter()
	r.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			who := r.Header.Get("X-Test-Caller")
			if who == "" {
				who = "m1"
			}
			next.ServeHTTP(w, r.WithContext(httpx.WithPrincipal(r.Context(), httpx.Principal{Kind: httpx.KindMerchant, ID: who})))
		})
	}, m.Middleware)
	r.Post("/things", func(w http.ResponseWriter, r *http.Request) {
		if e.gate != nil {
			<-e.gate
		}
		n := e.runs.Add(1)
		body, _ := io.ReadAll(r.Body)
		if strings.Contains(string(body), "boom") {
			httpx.WriteError(w, r, fmt.Errorf("internal failure"))
			return
		}
		httpx.WriteJSON(w, 201, map[string]any{"run": n, "echo": string(body)})
	})
	e.srv = httptest.NewServer(r)
	t.Cleanup(e.srv.Close)
	return e
}

func (e *idemEnv) post(t *testing.T, key, body string, caller ...string) (int, string, http.Header) {
	req, _ := http.NewRequest("POST", e.srv.URL+"/things", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	if len(caller) > 0 {
		req.Header.Set("X-Test-Caller", caller[0])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res.Header
}

func TestIdempotency(t *testing.T) {
	e := newIdemEnv(t)
	t.Run("same key and body returns the first response without running again", func(t *testing.T) {
		s1, b1, _ := e.post(t, "k1", `{"a":1}`)
		s2, b2, h2 := e.post(t, "k1", `{"a":1}`)
		if s1 != 201 || s2 != 201 || b1 != b2 || h2.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("first %d %s, second %d %s", s1, b1, s2, b2)
		}
		if e.runs.Load() != 1 {
			t.Fatalf("handler ran %d times", e.runs.Load())
		}
	})
	t.Run("same key with another body is a conflict", func(t *testing.T) {
		s, b, _ := e.post(t, "k1", `{"a":2}`)
		if s != 409 || !strings.Contains(b, "idempotency_key_reused") {
			t.Fatalf("got %d %s", s, b)
		}
	})
	t.Run("keys are per caller", func(t *testing.T) {
		before := e.runs.Load()
		if s, _, _ := e.post(t, "k1", `{"a":1}`, "m2"); s != 201 || e.runs.Load() != before+1 {
			t.Fatalf("another caller's key replayed: %d", s)
		}
	})
	t.Run("no key runs every time", func(t *testing.T) {
		before := e.runs.Load()
		e.post(t, "", `{}`)
		e.post(t, "", `{}`)
		if e.runs.Load() != before+2 {
			t.Fatal("requests without a key were deduplicated")
		}
	})
	t.Run("a server error is not stored, so a retry runs", func(t *testing.T) {
		before := e.runs.Load()
		s1, _, _ := e.post(t, "k-boom", `"boom"`)
		s2, _, _ := e.post(t, "k-boom", `"boom"`)
		if s1 != 500 || s2 != 500 || e.runs.Load() != before+2 {
			t.Fatalf("got %d, %d, runs +%d", s1, s2, e.runs.Load()-before)
		}
	})
	t.Run("keys expire after a day", func(t *testing.T) {
		e.post(t, "k-old", `{"x":1}`)
		e.clock.Advance(25 * time.Hour)
		defer e.clock.Set(now)
		before := e.runs.Load()
		if s, _, h := e.post(t, "k-old", `{"x":2}`); s != 201 || h.Get("Idempotent-Replayed") != "" || e.runs.Load() != before+1 {
			t.Fatalf("expired key: %d", s)
		}
	})
	t.Run("bad keys are refused", func(t *testing.T) {
		if s, _, _ := e.post(t, strings.Repeat("k", 300), `{}`); s != 400 {
			t.Fatalf("overlong key: %d", s)
		}
	})
}

// Concurrent requests with one key run the handler once; the others are told
// the first is in progress, or get its response.
func TestIdempotencyConcurrent(t *testing.T) {
	e := newIdemEnv(t)
	e.gate = make(chan struct{})
	var wg sync.WaitGroup
	statuses := make(chan int, 10)
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, _, _ := e.post(t, "same", `{"n":1}`)
			statuses <- s
		}()
	}
	time.Sleep(300 * time.Millisecond) // let every request reach the key
	close(e.gate)
	wg.Wait()
	close(statuses)
	created, conflicts := 0, 0
	for s := range statuses {
		switch s {
		case 201:
			created++
		case 409:
			conflicts++
		default:
			t.Errorf("unexpected status %d", s)
		}
	}
	if e.runs.Load() != 1 || created < 1 || created+conflicts != 10 {
		t.Fatalf("runs %d, 201s %d, 409s %d", e.runs.Load(), created, conflicts)
	}
	_ = context.Background()
}
