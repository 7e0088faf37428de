package cobrowse

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/settlehq/settle/internal/clock"
	"github.com/settlehq/settle/internal/errs"
	"github.com/settlehq/settle/internal/httpx"
	"github.com/settlehq/settle/internal/id"
)

// Store is what the hub needs of session storage; *Service implements it
// over PostgreSQL.
type Store interface {
	ChunkStore
	Session(ctx context.Context, id string) (Session, error)
	Consent(ctx context.Context, sessionID, customerID string, in ConsentInput, via string) (Session, error)
	End(ctx context.Context, sessionID string, by Party, reason string) (Session, error)
	ExpireStale(ctx context.Context) ([]Session, error)
}

// EventFilter is the hub's view of a Gate. The server always uses a Gate; the
// seam exists so `settle bench relay` can measure the same hub with the gate
// bypassed.
type EventFilter interface {
	Filter(event []byte) (FilterResult, error)
	Masked(id int) (masked, known bool)
}

// HubConfig tunes the hub; zero fields take the defaults in withDefaults.
type HubConfig struct {
	Clock     clock.Clock
	IDs       *id.Generator
	Log       *slog.Logger
	NewFilter func(Policy) (EventFilter, error) // nil: NewGate

	CustomerReadLimit  int64         // largest customer message (a 15 MB snapshot fits)
	AgentReadLimit     int64         // largest agent message
	CustomerQueue      int           // messages queued for a customer
	AgentQueue         int           // messages queued for an agent
	AgentQueueBytes    int64         // bytes queued for an agent before it is cut off
	PingInterval       time.Duration // how often the server pings
	PongWait           time.Duration // silence after which a peer is gone
	WriteWait          time.Duration // per message written
	MaxAgents          int           // agent connections per session
	BacklogBytes       int64         // late-joiner snapshot + tail
	BacklogEvents      int           // late-joiner tail length
	MaxBatchEvents     int           // events in one customer message
	RecordEvents       int           // chunk after this many events,
	RecordBytes        int           // or this many bytes,
	RecordInterval     time.Duration // or this long after the first one
	RecordBacklogBytes int           // unstored bytes before the session is ended
	SweepInterval      time.Duration // how often idle and unanswered sessions are ended
}

func (c HubConfig) withDefaults() HubConfig {
	def := func(v *int64, d int64) {
		if *v == 0 {
			*v = d
		}
	}
	defInt := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	defDur := func(v *time.Duration, d time.Duration) {
		if *v == 0 {
			*v = d
		}
	}
	def(&c.CustomerReadLimit, 16<<20)
	def(&c.AgentReadLimit, 64<<10)
	defInt(&c.CustomerQueue, 32)
	defInt(&c.AgentQueue, 128)
	def(&c.AgentQueueBytes, 48<<20)
	defDur(&c.PingInterval, 25*time.Second)
	defDur(&c.PongWait, 60*time.Second)
	defDur(&c.WriteWait, 10*time.Second)
	defInt(&c.MaxAgents, 4)
	def(&c.BacklogBytes, 24<<20)
	defInt(&c.BacklogEvents, 2000)
	defInt(&c.MaxBatchEvents, 10000)
	defInt(&c.RecordEvents, 500)
	defInt(&c.RecordBytes, 4<<20)
	defDur(&c.RecordInterval, 2*time.Second)
	defInt(&c.RecordBacklogBytes, 128<<20)
	defDur(&c.SweepInterval, 30*time.Second)
	if c.Clock == nil {
		c.Clock = clock.System{}
	}
	if c.IDs == nil {
		c.IDs = id.New(nil)
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
	if c.NewFilter == nil {
		c.NewFilter = func(p Policy) (EventFilter, error) { return NewGate(p) }
	}
	return c
}

// Hub relays cobrowse sessions: per session, a room holds the connections
// this process serves, gates the customer's events, records them and
// publishes them through the Broker to the agents.
type Hub struct {
	store    Store
	broker   Broker
	cfg      HubConfig
	upgrader websocket.Upgrader

	mu     sync.Mutex
	rooms  map[string]*room
	closed bool
	conns  sync.WaitGroup

	cutOff atomic.Int64 // agents cut off for being too slow
}

// NewHub returns a hub over store and broker.
func NewHub(store Store, broker Broker, cfg HubConfig) *Hub {
	h := &Hub{store: store, broker: broker, cfg: cfg.withDefaults(), rooms: map[string]*room{}}
	h.upgrader = websocket.Upgrader{
		HandshakeTimeout: 10 * time.Second,
		// Idle connections give their write buffer back.
		WriteBufferPool: &sync.Pool{},
		CheckOrigin:     checkOrigin,
	}
	return h
}

// checkOrigin refuses cross-site pages riding on a staff member's session
// cookie (cross-site WebSocket hijacking). A request without that cookie
// proves itself with a ticket or a bearer token, which another site cannot
// have, so it may come from any origin — the customer SDK runs on the host
// app's.
func checkOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" || r.Header.Get("Authorization") != "" {
		return true
	}
	if _, err := r.Cookie(staffCookie); err != nil {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host == r.Host
}

// staffCookie is the name of httpx's staff session cookie.
const staffCookie = "settle_session"

// Serve upgrades an authorized request to a WebSocket for one side of s and
// returns; the connection's reader and writer run on their own goroutines
// until it ends. The caller has checked that the principal is s's customer
// or s's agent.
//
// The reader gets a fresh goroutine rather than keeping the handler's: the
// handler's stack has grown through the upgrade and the greeting, and an
// idle connection would hold on to it for its whole life.
func (h *Hub) Serve(w http.ResponseWriter, r *http.Request, s Session, role Role) {
	if err := h.admit(s, role); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	ws, err := h.upgrader.Upgrade(hijackable{w}, r, nil)
	if err != nil {
		return // the upgrader has answered
	}
	connID := h.cfg.IDs.Make("wsc")
	log := h.cfg.Log.With(slog.String("session_id", s.ID), slog.String("conn_id", connID), slog.String("role", string(role)))
	c := newConn(ws, connID, role, h.limits(role), log)
	rm, err := h.join(s, c)
	if err != nil {
		ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(CloseGoingAway, "server shutting down"), time.Now().Add(time.Second))
		ws.Close()
		return
	}
	go c.writeLoop()
	go h.run(rm, c)
}

// run is a connection's reader: it handles messages until the connection
// ends, then takes it out of its room.
func (h *Hub) run(rm *room, c *conn) {
	defer h.conns.Done()
	defer func() {
		if v := recover(); v != nil {
			// A bug must not take the server down (the HTTP server's own
			// recovery does not reach this goroutine).
			c.log.Error("cobrowse: panic in a connection", slog.String("panic", fmt.Sprint(v)), slog.String("stack", string(debug.Stack())))
			c.close(CloseInternal, "internal error")
		}
		c.shutdown()
		h.leave(rm, c)
	}()
	c.readLoop(func(b []byte) error { return rm.handle(c, b) })
}

// admit refuses, before the upgrade, what the session cannot take.
func (h *Hub) admit(s Session, role Role) error {
	if s.Status == StatusEnded {
		return errs.Conflictf("session_ended", "the cobrowse session has ended")
	}
	if role != RoleAgent {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if rm := h.rooms[s.ID]; rm != nil && rm.agentCount() >= h.cfg.MaxAgents {
		return errs.Conflictf("too_many_agents", "the session already has %d agent connections", h.cfg.MaxAgents)
	}
	return nil
}

func (h *Hub) limits(role Role) connLimits {
	l := connLimits{pingInterval: h.cfg.PingInterval, pongWait: h.cfg.PongWait, writeWait: h.cfg.WriteWait}
	if role == RoleCustomer {
		l.readLimit, l.queueLen, l.queueBytes = h.cfg.CustomerReadLimit, h.cfg.CustomerQueue, 1<<20
	} else {
		l.readLimit, l.queueLen, l.queueBytes = h.cfg.AgentReadLimit, h.cfg.AgentQueue, h.cfg.AgentQueueBytes
	}
	return l
}

var errHubClosed = errs.New(errs.Conflict, "shutting_down", "the server is shutting down")

// join adds c to its session's room, creating the room (and its broker
// subscription) for the first connection.
func (h *Hub) join(s Session, c *conn) (*room, error) {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil, errHubClosed
	}
	rm, created := h.rooms[s.ID], false
	if rm == nil {
		rm, created = newRoom(h, s), true
		cancel, err := h.broker.Subscribe(s.ID, rm.deliver)
		if err != nil {
			h.mu.Unlock()
			return nil, err
		}
		rm.cancel = cancel
		h.rooms[s.ID] = rm
	}
	h.conns.Add(1)
	publish := rm.add(c)
	h.mu.Unlock()
	if created {
		rm.refresh()
	}
	h.publish(s.ID, publish...)
	return rm, nil
}

// leave removes c; the last connection out closes the room and its
// recording.
func (h *Hub) leave(rm *room, c *conn) {
	h.mu.Lock()
	empty := rm.remove(c)
	if empty && h.rooms[rm.id] == rm {
		delete(h.rooms, rm.id)
	}
	h.mu.Unlock()
	if empty {
		rm.cancel()
		rm.closeRecorder()
	}
}

func (h *Hub) publish(sessionID string, ms ...Message) {
	for _, m := range ms {
		if err := h.broker.Publish(sessionID, m); err != nil {
			h.cfg.Log.Error("cobrowse: publish failed", slog.String("session_id", sessionID), slog.String("kind", string(m.Kind)), slog.String("error", err.Error()))
		}
	}
}

func (h *Hub) publishState(s Session) {
	h.publish(s.ID, Message{Kind: MsgState, Session: &s, Version: s.Version})
}

// Changed tells the relay about a session's new state, stored by the
// Service (which calls it after every committed change: delivery, consent,
// end, time-out). Consent reaches the relay only after its receipt is
// stored, so no customer event reaches an agent before that. When the
// session ended, its connections close with the reason and Changed returns
// once the recording is complete.
func (h *Hub) Changed(s Session) {
	h.publishState(s)
	if s.Status != StatusEnded {
		return
	}
	h.mu.Lock()
	rm := h.rooms[s.ID]
	h.mu.Unlock()
	if rm != nil {
		rm.closeRecorder()
	}
}

// Sweep ends sessions idle past the idle timeout and requests the customer
// never answered (the store announces each through Changed). Run calls it
// periodically; tests call it with a manual clock.
func (h *Hub) Sweep(ctx context.Context) error {
	// Customer activity is stored with the recording: write what this
	// process holds first, so a session that is busy here is not judged
	// idle on stale data.
	h.mu.Lock()
	rooms := make([]*room, 0, len(h.rooms))
	for _, rm := range h.rooms {
		rooms = append(rooms, rm)
	}
	h.mu.Unlock()
	for _, rm := range rooms {
		rm.flushRecorder()
	}
	_, err := h.store.ExpireStale(ctx)
	return err
}

// Run sweeps until ctx ends.
func (h *Hub) Run(ctx context.Context) {
	t := time.NewTicker(h.cfg.SweepInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := h.Sweep(ctx); err != nil && ctx.Err() == nil {
				h.cfg.Log.Error("cobrowse: sweep failed", slog.String("error", err.Error()))
			}
		}
	}
}

// Close ends every connection with "going away" and waits (until ctx ends)
// for them to finish and for their recordings to be stored. Call it after
// the HTTP server stopped accepting requests and before the pool closes.
func (h *Hub) Close(ctx context.Context) {
	h.mu.Lock()
	h.closed = true
	rooms := make([]*room, 0, len(h.rooms))
	for _, rm := range h.rooms {
		rooms = append(rooms, rm)
	}
	h.mu.Unlock()
	for _, rm := range rooms {
		rm.closeAll(CloseGoingAway, "server shutting down; reconnect")
	}
	done := make(chan struct{})
	go func() { h.conns.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
}

// HubStats counts what the hub holds, for tests and benchmarks.
type HubStats struct {
	Rooms, Customers, Agents int
	CutOff                   int64 // agents cut off for being too slow, ever
}

// Stats reports the hub's current rooms and connections.
func (h *Hub) Stats() HubStats {
	h.mu.Lock()
	defer h.mu.Unlock()
	st := HubStats{Rooms: len(h.rooms), CutOff: h.cutOff.Load()}
	for _, rm := range h.rooms {
		c, a := rm.counts()
		st.Customers += c
		st.Agents += a
	}
	return st
}

// hijackable lets gorilla hijack through any middleware whose response
// writer offers only Unwrap: http.ResponseController follows it.
type hijackable struct{ http.ResponseWriter }

func (h hijackable) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(h.ResponseWriter).Hijack()
}

// storeCtx bounds a store call made from a connection (whose request context
// is not cancelled by the peer once hijacked).
func storeCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 10*time.Second)
}
