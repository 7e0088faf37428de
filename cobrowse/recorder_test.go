package cobrowse

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
)

func testChain(sessionID string, bodies ...string) []chunk {
	prev := GenesisHash(sessionID)
	var out []chunk
	for i, b := range bodies {
		h := ChainHash(prev, int64(i), []byte(b))
		out = append(out, chunk{seq: int64(i), events: []byte(b), prevHash: prev, hash: h})
		prev = h
	}
	return out
}

func TestVerifyChain(t *testing.T) {
	good := testChain("cbs_1", `[{"a":1}]`, `[{"b":2}]`, `[{"c":3}]`)
	head := good[2].hash
	edit := func(f func(c []chunk) []chunk) []chunk {
		cp := make([]chunk, len(good))
		copy(cp, good)
		return f(cp)
	}
	tests := []struct {
		name     string
		chunks   []chunk
		head     []byte
		count    int64
		brokenAt int64 // -1: verifies
	}{
		{"intact", good, head, 3, -1},
		{"empty", nil, nil, 0, -1},
		{"content changed", edit(func(c []chunk) []chunk { c[1].events = []byte(`[{"b":3}]`); return c }), head, 3, 1},
		{"chunk removed", edit(func(c []chunk) []chunk { return append(c[:1], c[2:]...) }), head, 3, 1},
		{"chunks swapped", edit(func(c []chunk) []chunk { c[0], c[1] = c[1], c[0]; return c }), head, 3, 0},
		{"last chunk removed", good[:2], head, 3, 2},
		{"moved from another session", testChain("cbs_2", `[{"a":1}]`), testChain("cbs_2", `[{"a":1}]`)[0].hash, 1, 0},
		{"head rewritten", good, good[1].hash, 3, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := verifyChain("cbs_1", tt.chunks, tt.head, tt.count)
			if tt.brokenAt < 0 {
				if !got.Verified || got.BrokenAt != nil {
					t.Fatalf("got %+v, want verified", got)
				}
				return
			}
			if got.Verified || got.BrokenAt == nil || *got.BrokenAt != tt.brokenAt {
				t.Fatalf("got %+v, want broken at %d", got, tt.brokenAt)
			}
		})
	}
}

// fakeChunks records chunks; fail makes the next n writes fail.
type fakeChunks struct {
	mu     sync.Mutex
	chunks [][]json.RawMessage
	fail   int
}

func (f *fakeChunks) AppendChunk(_ context.Context, _ string, events []json.RawMessage, _ time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail > 0 {
		f.fail--
		return errors.New("database down")
	}
	if len(events) > 0 {
		f.chunks = append(f.chunks, events)
	}
	return nil
}

// The recorder writes chunks in order, keeps events across a failed write,
// and writes the rest on Close.
func TestRecorderChunks(t *testing.T) {
	store := &fakeChunks{fail: 1}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	r := newRecorder(store, "cbs_1", recordLimits{events: 1000, bytes: 1 << 20, interval: time.Hour, backlog: 1 << 20}, log, func() {})
	ev := func(s string) json.RawMessage { return json.RawMessage(`"` + s + `"`) }
	r.Add([]json.RawMessage{ev("a"), ev("b")}, testNow)
	r.flush() // fails: a and b stay buffered
	r.Add([]json.RawMessage{ev("c")}, testNow)
	r.flush()
	r.Add([]json.RawMessage{ev("d")}, testNow)
	r.Close()
	r.Add([]json.RawMessage{ev("late")}, testNow)
	var got []string
	for _, c := range store.chunks {
		var parts []string
		for _, e := range c {
			parts = append(parts, string(e))
		}
		got = append(got, strings.Join(parts, ""))
	}
	if strings.Join(got, "|") != `"a""b""c"|"d"` {
		t.Fatalf("chunks %v", got)
	}
}

// Only gated events are recorded, in chained chunks; the recording verifies
// until a chunk is changed in the database.
func TestRecordingChain(t *testing.T) {
	e := newEnv(t, withHub(func(c *HubConfig) { c.RecordEvents = 2 }))
	sid, cust, agent := e.live(CapView)
	// Sweep writes what the recorders hold: one chunk per batch.
	sweep := func() {
		if err := e.hub.Sweep(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	sweep()
	for i := range 5 {
		cust.send(batch(summaryText(t, "STEP-"+string(rune('A'+i))), rrInput(t, 30, "typed "+cardNumber)))
		agent.expect("events")
		sweep()
	}
	agent.send(map[string]any{"type": "end"})
	agent.closed()
	ops := e.login("olga", "ops")
	rec := e.call("GET", "/v1/ops/recordings/"+sid, ops, nil)
	raw := string(rec.raw)
	chunks, _ := rec.body["chunks"].(float64)
	if rec.status != 200 || rec.body["verified"] != true || chunks != 6 || !strings.Contains(raw, "STEP-E") ||
		strings.Contains(raw, cardNumber) || strings.Contains(raw, inputName) {
		t.Fatalf("recording: %d %.600s", rec.status, raw)
	}
	var events []map[string]any
	json.Unmarshal(mustJSON(t, rec.body["events"]), &events)
	if len(events) != 12 || events[0]["type"].(float64) != 4 || events[1]["type"].(float64) != 2 {
		t.Fatalf("%d events, starting %v", len(events), events[:2])
	}
	list := e.call("GET", "/v1/ops/recordings", ops, nil)
	first := list.body["recordings"].([]any)[0].(map[string]any)
	if first["session_id"] != sid || first["verified"] != true || first["chunks"] != chunks || first["events"] != float64(12) ||
		first["dispute_id"] != "dsp_cus_1" || first["agent_id"] != e.staffIDs["ann"] || first["customer_id"] != "cus_1" {
		t.Fatalf("list: %s", list.raw)
	}

	if _, err := e.pool.Exec(context.Background(), `UPDATE cobrowse_chunks SET events = convert_to('[{"type":3,"data":{"source":5,"id":30,"text":"forged"},"timestamp":1}]', 'UTF8')
		WHERE session_id = $1 AND seq = 1`, sid); err != nil {
		t.Fatal(err)
	}
	rec = e.call("GET", "/v1/ops/recordings/"+sid, ops, nil)
	if rec.body["verified"] != false || rec.body["broken_at"] != float64(1) {
		t.Fatalf("tampered recording: %s", rec.raw)
	}
	list = e.call("GET", "/v1/ops/recordings?dispute_id=dsp_cus_1", ops, nil)
	if got := list.body["recordings"].([]any); len(got) != 1 || got[0].(map[string]any)["verified"] != false {
		t.Fatalf("list after tampering: %s", list.raw)
	}
	if r := e.call("GET", "/v1/ops/recordings/"+sid, e.staff["ann"], nil); r.status != 403 {
		t.Fatalf("an agent reading recordings: %d", r.status)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Retention: recordings of sessions ended more than the retention ago are
// deleted by the purge job (the session and its receipts stay); expired
// codes and tickets go too.
func TestPurge(t *testing.T) {
	e := newEnv(t)
	sid, _, agent := e.live(CapView)
	agent.send(map[string]any{"type": "end"})
	agent.closed()
	e.code("cus_9")
	e.ticket(e.customer("cus_9"))
	ops := e.login("olga", "ops")
	e.clock.Advance(89 * 24 * time.Hour)
	if err := (&purgeWorker{svc: e.svc}).Work(context.Background(), &river.Job[PurgeArgs]{}); err != nil {
		t.Fatal(err)
	}
	if r := e.call("GET", "/v1/ops/recordings/"+sid, ops, nil); r.status != 200 || r.body["verified"] != true {
		t.Fatalf("within retention: %d %s", r.status, r.raw)
	}
	e.clock.Advance(2 * 24 * time.Hour)
	res, err := e.svc.Purge(context.Background())
	if err != nil || res.Recordings != 1 {
		t.Fatalf("purge %+v %v", res, err)
	}
	var codes, tickets int
	e.pool.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM cobrowse_codes), (SELECT count(*) FROM ws_tickets)`).Scan(&codes, &tickets)
	if codes != 0 || tickets != 0 {
		t.Fatalf("%d codes and %d tickets left", codes, tickets)
	}
	ops = e.login("otto", "ops") // staff sessions last 90 days too
	if r := e.call("GET", "/v1/ops/recordings/"+sid, ops, nil); r.status != 404 || !strings.Contains(string(r.raw), "retention") {
		t.Fatalf("after retention: %d %s", r.status, r.raw)
	}
	var chunks int
	e.pool.QueryRow(context.Background(), `SELECT count(*) FROM cobrowse_chunks WHERE session_id = $1`, sid).Scan(&chunks)
	if receipts, _ := e.svc.Receipts(context.Background(), sid); chunks != 0 || len(receipts) != 1 {
		t.Fatalf("%d chunks left, %d receipts", chunks, len(receipts))
	}
	if again, _ := e.svc.Purge(context.Background()); again.Recordings != 0 {
		t.Fatalf("second purge %+v", again)
	}
}

// The job runner puts the purge on cobrowse's own queue, once per period.
func TestJobsSchedulePurge(t *testing.T) {
	e := newEnv(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	jobs, err := NewJobs(e.pool, e.svc, log)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := jobs.Start(ctx); err != nil {
		t.Fatal(err)
	}
	jobs.enqueue(ctx) // a second insert in the same period is a no-op
	stop, cancelStop := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancelStop()
	if err := jobs.Stop(stop); err != nil {
		t.Fatal(err)
	}
	var n int
	var queue string
	e.pool.QueryRow(context.Background(), `SELECT count(*), min(queue) FROM river_job WHERE kind = 'cobrowse_purge'`).Scan(&n, &queue)
	if n != 1 || queue != Queue {
		t.Fatalf("%d purge jobs on %q", n, queue)
	}
}
