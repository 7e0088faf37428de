package disputes

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/settlehq/settle/internal/httpx"
)

// UseQueueFeed serves GET /v1/agent/queue/stream from f (which the caller
// runs). Without a feed the stream answers 503.
func (h *Handler) UseQueueFeed(f *QueueFeed) *Handler {
	h.feed = f
	return h
}

// Stream timings; tests shorten them.
var (
	// streamHeartbeat is how often an idle stream sends a comment line, so
	// proxies keep it open and a vanished client is noticed.
	streamHeartbeat = 15 * time.Second
	// streamWriteTimeout bounds each write: a client that stops reading is cut off.
	streamWriteTimeout = 10 * time.Second
)

// GET /v1/agent/queue/stream — the agent queue as Server-Sent Events
// (text/event-stream), for agents (staff role agent or admin; browsers
// authenticate with the staff session cookie, since EventSource sends no
// headers). 503 when the server runs no queue feed.
//
//	retry: 3000
//
//	event: snapshot
//	id: 7
//	data: {"handoffs":[ ...the same items as GET /v1/agent/queue, soonest deadline first... ]}
//
//	event: update
//	id: 8
//	data: {"handoffs":[ ... ]}
//
//	: heartbeat
//
// The first event, "snapshot", is the whole queue. Every later "update" is
// the whole queue again, sent when a handoff is created, claimed or closed
// (the client replaces its list; ids are the queue's version and only grow
// while the server runs). A comment line is sent every 15 s when nothing
// else is. The stream ends when the client goes away or the server shuts
// down; EventSource then reconnects after the retry delay and gets a fresh
// snapshot, so Last-Event-ID is not needed.
func (h *Handler) queueStream(w http.ResponseWriter, r *http.Request) {
	if h.feed == nil {
		httpx.WriteJSON(w, http.StatusServiceUnavailable, map[string]any{"error": map[string]string{
			"code": "stream_unavailable", "message": "the live queue is not available on this server; poll GET /v1/agent/queue"}})
		return
	}
	rc := http.NewResponseController(w)
	hd := w.Header()
	hd.Set("Content-Type", "text/event-stream; charset=utf-8")
	hd.Set("Cache-Control", "no-cache, no-transform")
	hd.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	w.WriteHeader(http.StatusOK)

	write := func(s string) bool {
		rc.SetWriteDeadline(time.Now().Add(streamWriteTimeout))
		if _, err := fmt.Fprint(w, s); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !write("retry: 3000\n\n") {
		return
	}
	heartbeat := time.NewTicker(streamHeartbeat)
	defer heartbeat.Stop()
	var sent uint64
	event := "snapshot"
	for {
		version, data, changed := h.feed.Snapshot()
		if data != nil && version != sent {
			if !write("event: " + event + "\nid: " + strconv.FormatUint(version, 10) + "\ndata: " + string(data) + "\n\n") {
				return
			}
			sent, event = version, "update"
			heartbeat.Reset(streamHeartbeat)
		}
		select {
		case <-r.Context().Done():
			return
		case <-h.feed.Done():
			return
		case <-changed:
		case <-heartbeat.C:
			if !write(": heartbeat\n\n") {
				return
			}
		}
	}
}
