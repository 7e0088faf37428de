package disputes_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/settlehq/settle/disputes"
	"github.com/settlehq/settle/internal/httpx"
)

// sse is one Server-Sent Event as a client sees it.
type sse struct {
	event, id string
	data      string
}

// streamEnv is env's database and service behind a router whose agent queue
// stream is fed by a running QueueFeed (LISTEN/NOTIFY on the test database).
type streamEnv struct {
	*env
	url    string
	stop   context.CancelFunc // stops the feed, as a server shutting down does
	feed   *disputes.QueueFeed
	active atomic.Int32 // stream handlers still running
}

func newStreamEnv(t *testing.T) *streamEnv {
	e := newEnv(t)
	s := &streamEnv{env: e}
	s.feed = disputes.NewQueueFeed(e.svc, e.pool.Config().ConnConfig, nil)
	s.feed.Debounce = 10 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	s.stop = cancel
	go s.feed.Run(ctx)
	t.Cleanup(func() { cancel(); <-s.feed.Done() })

	auth := httpx.NewAuth(e.pool, httpx.AuthConfig{Customers: e.tokens, Clock: e.clock, IDs: e.ids, SessionTTL: 90 * 24 * time.Hour})
	r := chi.NewRouter()
	r.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s.active.Add(1)
			defer s.active.Add(-1)
			next.ServeHTTP(w, r)
		})
	}, httpx.AccessLog(httpx.NewMetrics(prometheus.NewRegistry())), auth.Authenticate)
	disputes.NewHandler(e.svc).UseQueueFeed(s.feed).Routes(r)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	s.url = srv.URL
	return s
}

// open connects to the stream; events arrive on the channel, which closes
// when the stream ends. heartbeats counts comment lines.
func (s *streamEnv) open(ctx context.Context, token string) (*http.Response, <-chan sse, *atomic.Int32) {
	s.t.Helper()
	req, _ := http.NewRequestWithContext(ctx, "GET", s.url+"/v1/agent/queue/stream", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "text/event-stream")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	events := make(chan sse, 64)
	var heartbeats atomic.Int32
	go func() {
		defer close(events)
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
		var cur sse
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if cur.event != "" || cur.data != "" {
					events <- cur
				}
				cur = sse{}
			case strings.HasPrefix(line, ":"):
				heartbeats.Add(1)
			case strings.HasPrefix(line, "event: "):
				cur.event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "id: "):
				cur.id = strings.TrimPrefix(line, "id: ")
			case strings.HasPrefix(line, "data: "):
				cur.data += strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	return res, events, &heartbeats
}

type queueEvent struct {
	Handoffs []struct {
		ID             string    `json:"id"`
		DisputeID      string    `json:"dispute_id"`
		Status         string    `json:"status"`
		Reason         string    `json:"reason"`
		ReasonCategory string    `json:"reason_category"`
		Amount         int64     `json:"amount"`
		DeadlineAt     time.Time `json:"deadline_at"`
		CreatedAt      time.Time `json:"created_at"`
	} `json:"handoffs"`
}

// next waits for the next event (not a heartbeat) and decodes its queue.
func next(t *testing.T, events <-chan sse) (sse, queueEvent) {
	t.Helper()
	select {
	case ev, ok := <-events:
		if !ok {
			t.Fatal("the stream ended")
		}
		var q queueEvent
		if err := json.Unmarshal([]byte(ev.data), &q); err != nil {
			t.Fatalf("event %q: data is not the queue: %v: %s", ev.event, err, ev.data)
		}
		return ev, q
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10 s")
	}
	panic("unreachable")
}

func TestQueueStream(t *testing.T) {
	restore := disputes.SetStreamTimings(100*time.Millisecond, 5*time.Second)
	defer restore()
	s := newStreamEnv(t)
	agent := s.login("agent", "agent")

	t.Run("only agents may watch the queue", func(t *testing.T) {
		for _, c := range []struct {
			name, token string
			status      int
		}{{"no credentials", "", 401}, {"ops", s.login("ops", "ops"), 403}, {"customer", s.customerToken("cus_1"), 403}} {
			r := s.call("GET", "/v1/agent/queue/stream", c.token, nil)
			if r.status != c.status {
				t.Errorf("%s: %d, want %d", c.name, r.status, c.status)
			}
		}
	})

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res, events, heartbeats := s.open(ctx, agent)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("%d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "no-cache") {
		t.Errorf("Cache-Control %q", cc)
	}

	ev, q := next(t, events)
	if ev.event != "snapshot" || len(q.Handoffs) != 0 {
		t.Fatalf("first event %q with %d handoffs, want an empty snapshot", ev.event, len(q.Handoffs))
	}

	var fraudHandoff string
	t.Run("a new handoff is pushed", func(t *testing.T) {
		oid := s.placeOrder(orderOpts{ref: "S-1", customer: "cus_1", unit: 34900, capturedAt: "2026-11-16T10:00:00Z"})
		fraudID := s.report("cus_1", oid, "unauthorized").body["id"].(string)
		ev, q := next(t, events)
		if ev.event != "update" || len(q.Handoffs) != 1 {
			t.Fatalf("%q with %d handoffs, want an update with one", ev.event, len(q.Handoffs))
		}
		h := q.Handoffs[0]
		if h.DisputeID != fraudID || h.Reason != "unauthorized" || h.ReasonCategory != "fraud" || h.Amount != 34900 || h.Status != "open" {
			t.Fatalf("handoff %+v", h)
		}
		fraudHandoff = h.ID
	})

	var otherID string
	t.Run("the queue stays sorted by deadline", func(t *testing.T) {
		oid := s.placeOrder(orderOpts{ref: "S-2", customer: "cus_2", unit: 5900, capturedAt: "2026-11-16T10:00:00Z"})
		r := s.report("cus_2", oid, "unauthorized")
		otherID = r.body["id"].(string)
		_, q := next(t, events)
		if len(q.Handoffs) != 2 {
			t.Fatalf("%d handoffs, want 2", len(q.Handoffs))
		}
		if q.Handoffs[0].DeadlineAt.After(q.Handoffs[1].DeadlineAt) {
			t.Fatalf("not sorted by deadline: %v after %v", q.Handoffs[0].DeadlineAt, q.Handoffs[1].DeadlineAt)
		}
	})

	t.Run("a claim takes the handoff off the queue", func(t *testing.T) {
		if r := s.call("POST", "/v1/agent/handoffs/"+fraudHandoff+"/claim", agent, nil); r.status != 200 {
			t.Fatalf("claim: %d %s", r.status, r.raw)
		}
		_, q := next(t, events)
		if len(q.Handoffs) != 1 || q.Handoffs[0].DisputeID != otherID {
			t.Fatalf("after the claim: %+v", q.Handoffs)
		}
	})

	t.Run("closing a handoff (the customer withdraws) takes it off", func(t *testing.T) {
		if r := s.call("POST", "/v1/disputes/"+otherID+"/withdraw", s.customerToken("cus_2"), map[string]any{}); r.status != 200 {
			t.Fatalf("withdraw: %d %s", r.status, r.raw)
		}
		_, q := next(t, events)
		if len(q.Handoffs) != 0 {
			t.Fatalf("after the withdrawal: %+v", q.Handoffs)
		}
	})

	t.Run("a burst of handoffs ends in one queue holding them all", func(t *testing.T) {
		var wg sync.WaitGroup
		for i := range 5 {
			oid := s.placeOrder(orderOpts{ref: "B-" + string(rune('0'+i)), customer: "cus_3", unit: 1000 + int64(i), capturedAt: "2026-11-16T10:00:00Z"})
			wg.Add(1)
			go func() {
				defer wg.Done()
				s.report("cus_3", oid, "unauthorized")
			}()
		}
		wg.Wait()
		deadline := time.Now().Add(10 * time.Second)
		for {
			_, q := next(t, events)
			if len(q.Handoffs) == 5 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("queue has %d handoffs, want 5", len(q.Handoffs))
			}
		}
	})

	t.Run("an idle stream sends heartbeats", func(t *testing.T) {
		before := heartbeats.Load()
		time.Sleep(350 * time.Millisecond)
		if heartbeats.Load() < before+2 {
			t.Fatalf("%d heartbeats in 350 ms at one per 100 ms", heartbeats.Load()-before)
		}
	})

	t.Run("the stream ends when the client goes away", func(t *testing.T) {
		ctx2, cancel2 := context.WithCancel(context.Background())
		_, ev2, _ := s.open(ctx2, agent)
		if e, _ := next(t, ev2); e.event != "snapshot" {
			t.Fatalf("first event %q", e.event)
		}
		if n := s.active.Load(); n != 2 {
			t.Fatalf("%d streams running, want 2", n)
		}
		cancel2()
		waitFor(t, func() bool { return s.active.Load() == 1 }, "the handler to return after the client left")
	})

	t.Run("the stream ends when the server shuts down", func(t *testing.T) {
		s.stop()
		select {
		case _, ok := <-events:
			for ok {
				_, ok = <-events
			}
		case <-time.After(5 * time.Second):
			t.Fatal("the stream is still open 5 s after the feed stopped")
		}
		waitFor(t, func() bool { return s.active.Load() == 0 }, "every stream handler to return")
	})
}

// Without a feed (a server that runs none) the stream says so.
func TestQueueStreamWithoutFeed(t *testing.T) {
	e := newEnv(t)
	r := e.call("GET", "/v1/agent/queue/stream", e.login("agent", "agent"), nil)
	if r.status != 503 || r.errCode() != "stream_unavailable" {
		t.Fatalf("%d %s", r.status, r.raw)
	}
}

func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func TestHandoffSummaryIsReadable(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	oid := e.placeOrder(orderOpts{ref: "R-1", customer: "cus_1", unit: 18911, capturedAt: "2026-11-16T10:00:00Z"})
	e.report("cus_1", oid, "unauthorized")
	q := e.call("GET", "/v1/agent/queue", e.login("agent", "agent"), nil).body["handoffs"].([]any)
	want := "Unauthorized: 189.11 USD disputed on Alpha Shoes order R-1; handed over: fraud"
	if got := q[0].(map[string]any)["summary"]; got != want {
		t.Fatalf("summary %q, want %q", got, want)
	}
}

// A stream outlives the server's ReadTimeout (which bounds reading a
// request, not how long a response may stream).
func TestQueueStreamOutlivesReadTimeout(t *testing.T) {
	restore := disputes.SetStreamTimings(time.Hour, 5*time.Second)
	defer restore()
	s := newStreamEnv(t)
	agent := s.login("agent", "agent")
	auth := httpx.NewAuth(s.pool, httpx.AuthConfig{Customers: s.tokens, Clock: s.clock, IDs: s.ids, SessionTTL: 90 * 24 * time.Hour})
	r := chi.NewRouter()
	r.Use(auth.Authenticate)
	disputes.NewHandler(s.svc).UseQueueFeed(s.feed).Routes(r)
	srv := httptest.NewUnstartedServer(r)
	srv.Config.ReadTimeout = 300 * time.Millisecond
	srv.Start()
	defer srv.Close()
	s.url = srv.URL

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, events, _ := s.open(ctx, agent)
	if ev, _ := next(t, events); ev.event != "snapshot" {
		t.Fatalf("first event %q", ev.event)
	}
	time.Sleep(700 * time.Millisecond)
	oid := s.placeOrder(orderOpts{ref: "RT-1", customer: "cus_1", unit: 5000, capturedAt: "2026-11-16T10:00:00Z"})
	s.report("cus_1", oid, "unauthorized")
	if ev, q := next(t, events); ev.event != "update" || len(q.Handoffs) != 1 {
		t.Fatalf("after the read timeout: %q with %d handoffs", ev.event, len(q.Handoffs))
	}
}
