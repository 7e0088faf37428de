package cobrowse

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"log/slog"
	"sync"
	"time"
)

// The recording of a session is its gated events in chunks. Each chunk's
// hash covers the previous chunk's hash, so changing, removing or reordering
// any chunk breaks the chain from there on; the session row keeps the latest
// hash and the count, so removing the last chunks is noticed too.

// GenesisHash is the "previous hash" of a session's first chunk: it binds the
// chain to the session, so chunks cannot be moved between recordings.
func GenesisHash(sessionID string) []byte {
	h := sha256.Sum256([]byte("settle-cobrowse:" + sessionID))
	return h[:]
}

// ChainHash is a chunk's hash: sha256(prev || seq as 8 bytes big-endian ||
// events), where events is the chunk's stored JSON array. PostgreSQL computes
// the same with sha256(prev_hash || int8send(seq) || events).
func ChainHash(prev []byte, seq int64, events []byte) []byte {
	h := sha256.New()
	h.Write(prev)
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(seq))
	h.Write(n[:])
	h.Write(events)
	return h.Sum(nil)
}

// chunkBody encodes a chunk's events as the JSON array that is stored and
// hashed.
func chunkBody(events []json.RawMessage) []byte {
	n := 2
	for _, e := range events {
		n += len(e) + 1
	}
	b := make([]byte, 0, n)
	b = append(b, '[')
	for i, e := range events {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, e...)
	}
	return append(b, ']')
}

// ChunkStore keeps recordings; *Service stores them in PostgreSQL. A chunk
// may have no events: it then only records the customer's latest activity
// (which the idle timeout reads).
type ChunkStore interface {
	AppendChunk(ctx context.Context, sessionID string, events []json.RawMessage, activity time.Time) error
}

// recordLimits say when the recorder writes a chunk.
type recordLimits struct {
	events   int           // this many events buffered
	bytes    int           // or this many bytes
	interval time.Duration // or this long after the first buffered event
	backlog  int           // bytes buffered while the store fails before giving up
}

// recorder buffers one session's gated events and writes them as chunks, off
// the customer's path: Add never waits for the database.
type recorder struct {
	store     ChunkStore
	sessionID string
	lim       recordLimits
	log       *slog.Logger
	failed    func() // the store has failed for too long: the hub ends the session

	mu       sync.Mutex
	buf      []json.RawMessage
	bufBytes int
	activity time.Time // latest customer activity not yet stored
	dirty    bool      // activity changed since the last write
	timer    *time.Timer
	closed   bool
	gaveUp   bool

	flushMu sync.Mutex // one write at a time, so chunks keep their order
}

func newRecorder(store ChunkStore, sessionID string, lim recordLimits, log *slog.Logger, failed func()) *recorder {
	return &recorder{store: store, sessionID: sessionID, lim: lim, log: log, failed: failed}
}

// Add buffers gated events (possibly none) of customer activity at time at.
func (r *recorder) Add(events []json.RawMessage, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	for _, e := range events {
		r.buf = append(r.buf, e)
		r.bufBytes += len(e)
	}
	if at.After(r.activity) {
		r.activity, r.dirty = at, true
	}
	switch {
	case len(r.buf) >= r.lim.events || r.bufBytes >= r.lim.bytes:
		r.stopTimer()
		go r.flush()
	case r.timer == nil:
		r.timer = time.AfterFunc(r.lim.interval, r.flush)
	}
	if r.bufBytes > r.lim.backlog && !r.gaveUp {
		r.gaveUp = true
		r.log.Error("cobrowse: recording backlog over its limit; ending the session", slog.Int("bytes", r.bufBytes))
		go r.failed()
	}
}

func (r *recorder) stopTimer() {
	if r.timer != nil {
		r.timer.Stop()
		r.timer = nil
	}
}

// flush writes everything buffered as one chunk. On failure the events go
// back to the front of the buffer, to be written with the next chunk.
func (r *recorder) flush() {
	r.flushMu.Lock()
	defer r.flushMu.Unlock()
	r.mu.Lock()
	r.stopTimer()
	events, size, at, dirty := r.buf, r.bufBytes, r.activity, r.dirty
	r.buf, r.bufBytes, r.dirty = nil, 0, false
	r.mu.Unlock()
	if len(events) == 0 && !dirty {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := r.store.AppendChunk(ctx, r.sessionID, events, at)
	if err == nil {
		return
	}
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		r.log.Error("cobrowse: the recording's last chunk could not be stored; the recording is incomplete",
			slog.String("error", err.Error()), slog.Int("events", len(events)))
		return
	}
	r.log.Error("cobrowse: storing a recording chunk failed; will retry", slog.String("error", err.Error()), slog.Int("events", len(events)))
	r.buf = append(events, r.buf...)
	r.bufBytes += size
	r.dirty = r.dirty || dirty
	if r.timer == nil {
		r.timer = time.AfterFunc(r.lim.interval, r.flush)
	}
	r.mu.Unlock()
}

// Close writes what is left and stops the recorder; later Adds are ignored.
// It returns once the last chunk is stored (or failed).
func (r *recorder) Close() {
	r.mu.Lock()
	r.closed = true
	r.stopTimer()
	r.mu.Unlock()
	r.flush()
}
