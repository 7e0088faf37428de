package httpx_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/settlehq/settle/internal/httpx"
)

// Cancelling the context lets a request already in flight finish with its full
// response before Serve returns; new connections are refused.
func TestServeFinishesInFlightRequests(t *testing.T) {
	started := make(chan struct{})
	release := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		io.WriteString(w, "finished")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	done := make(chan error, 1)
	go func() { done <- httpx.Serve(ctx, httpx.NewServer(h, log), ln, 5*time.Second, log) }()

	got := make(chan string, 1)
	go func() {
		res, err := http.Get("http://" + ln.Addr().String())
		if err != nil {
			got <- "error: " + err.Error()
			return
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		got <- string(b)
	}()
	<-started
	cancel()
	select {
	case err := <-done:
		t.Fatalf("Serve returned with a request in flight: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Error("new connections still accepted during shutdown")
	}
	close(release)
	if body := <-got; body != "finished" {
		t.Fatalf("in-flight request got %q", body)
	}
	if err := <-done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
}

func TestMiddleware(t *testing.T) {
	var logs strings.Builder
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	h := http.NewServeMux()
	h.HandleFunc("/panic", func(w http.ResponseWriter, r *http.Request) { panic("kaboom") })
	h.HandleFunc("/read", func(w http.ResponseWriter, r *http.Request) {
		var v map[string]any
		if err := httpx.DecodeJSON(r, &v); err != nil {
			httpx.WriteError(w, r, err)
			return
		}
		httpx.WriteJSON(w, 200, v)
	})
	var handler http.Handler = h
	for _, m := range []func(http.Handler) http.Handler{httpx.LimitBody(64), httpx.Recover, httpx.AccessLog(httpx.NewMetrics(prometheus.NewRegistry())), httpx.WithRequestID(log)} {
		handler = m(handler)
	}
	srv := httptest.NewServer(handler)
	defer srv.Close()

	t.Run("a panic is a logged 500 with the request id, and the server lives on", func(t *testing.T) {
		res, err := http.Get(srv.URL + "/panic")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		id := res.Header.Get("X-Request-Id")
		if res.StatusCode != 500 || id == "" || !strings.Contains(string(b), id) || strings.Contains(string(b), "kaboom") {
			t.Fatalf("%d %s (id %q)", res.StatusCode, b, id)
		}
		if !strings.Contains(logs.String(), "kaboom") {
			t.Error("panic not logged")
		}
	})
	t.Run("a caller's request id is kept", func(t *testing.T) {
		req, _ := http.NewRequest("GET", srv.URL+"/nothing", nil)
		req.Header.Set("X-Request-Id", "abc-123")
		res, _ := http.DefaultClient.Do(req)
		res.Body.Close()
		if res.Header.Get("X-Request-Id") != "abc-123" {
			t.Fatalf("got %q", res.Header.Get("X-Request-Id"))
		}
	})
	t.Run("bodies over the limit are 413", func(t *testing.T) {
		res, _ := http.Post(srv.URL+"/read", "application/json", strings.NewReader(`{"a":"`+strings.Repeat("x", 100)+`"}`))
		res.Body.Close()
		if res.StatusCode != 413 {
			t.Fatalf("got %d", res.StatusCode)
		}
	})
	t.Run("access log carries no query string", func(t *testing.T) {
		res, _ := http.Get(srv.URL + "/nothing?ticket=secret-ticket")
		res.Body.Close()
		if strings.Contains(logs.String(), "secret-ticket") {
			t.Fatal("query string logged")
		}
	})
}
