package disputes

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// QueueChannel is the PostgreSQL notification channel every write to the
// handoffs table notifies (created, claimed, closed). The notification is sent
// inside the writing transaction, so listeners hear of it only when it commits
// and never of a change that rolled back.
const QueueChannel = "settle_agent_queue"

// notifyQueue tells queue listeners that a handoff changed; the payload is
// "<handoff id> <new status>" (informational: listeners reload the queue).
func notifyQueue(ctx context.Context, tx pgx.Tx, handoffID, status string) error {
	if _, err := tx.Exec(ctx, `SELECT pg_notify($1, $2)`, QueueChannel, handoffID+" "+status); err != nil {
		return fmt.Errorf("notify queue: %w", err)
	}
	return nil
}

// QueueFeed keeps the agent queue's current snapshot for the event streams
// (GET /v1/agent/queue/stream). One goroutine LISTENs on QueueChannel over a
// dedicated connection; another reloads the queue once per burst of
// notifications (and every Resync, in case a notification was missed while
// the connection was down) and, when the queue differs from the last
// snapshot, publishes a new version. However many agents watch, a change
// costs one query.
type QueueFeed struct {
	svc     *Service
	connect func(context.Context) (*pgx.Conn, error)
	log     *slog.Logger

	// Resync is how often the queue is reloaded without a notification.
	Resync time.Duration
	// Debounce gathers a burst of notifications into one reload.
	Debounce time.Duration
	// Limit is how many handoffs a snapshot holds (the queue endpoint's limit).
	Limit int

	dirty chan struct{} // a notification arrived (buffered, size 1)

	mu      sync.Mutex
	version uint64
	data    []byte        // {"handoffs":[...]} at version; nil before the first load
	changed chan struct{} // closed (and replaced) when version changes
	done    chan struct{} // closed when Run returns
}

// NewQueueFeed returns a feed reading the queue through svc and listening on
// a connection made with cfg (its own, outside any pool, closed by Run).
func NewQueueFeed(svc *Service, cfg *pgx.ConnConfig, log *slog.Logger) *QueueFeed {
	cfg = cfg.Copy()
	return newQueueFeed(svc, func(ctx context.Context) (*pgx.Conn, error) { return pgx.ConnectConfig(ctx, cfg) }, log)
}

func newQueueFeed(svc *Service, connect func(context.Context) (*pgx.Conn, error), log *slog.Logger) *QueueFeed {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &QueueFeed{svc: svc, connect: connect, log: log, Resync: 30 * time.Second, Debounce: 50 * time.Millisecond,
		Limit: 200, dirty: make(chan struct{}, 1), changed: make(chan struct{}), done: make(chan struct{})}
}

// Run listens and reloads until ctx ends, then closes Done: every open stream
// ends (so a server shutting down is not held up by them).
func (f *QueueFeed) Run(ctx context.Context) {
	defer close(f.done)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		f.listen(ctx)
	}()
	f.refresh(ctx)
	wg.Wait()
}

// Done is closed when the feed has stopped.
func (f *QueueFeed) Done() <-chan struct{} { return f.done }

// Snapshot returns the current version and its JSON ({"handoffs":[...]}),
// and a channel closed when a newer version exists. data is nil until the
// first load has finished.
func (f *QueueFeed) Snapshot() (version uint64, data []byte, changed <-chan struct{}) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.version, f.data, f.changed
}

func (f *QueueFeed) markDirty() {
	select {
	case f.dirty <- struct{}{}:
	default:
	}
}

// listen holds a LISTEN connection, reconnecting with backoff; every
// (re)connection marks the queue dirty, since changes may have been missed.
func (f *QueueFeed) listen(ctx context.Context) {
	backoff := 250 * time.Millisecond
	for ctx.Err() == nil {
		err := f.listenOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		f.log.Warn("agent queue: listening for changes failed; retrying", slog.Any("err", err), slog.Duration("in", backoff))
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 10*time.Second)
	}
}

func (f *QueueFeed) listenOnce(ctx context.Context) error {
	conn, err := f.connect(ctx)
	if err != nil {
		return err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		conn.Close(cctx)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+QueueChannel); err != nil {
		return err
	}
	f.markDirty()
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		f.markDirty()
	}
}

// refresh reloads the queue when marked dirty (after Debounce, so a burst
// costs one query) or every Resync, and publishes it when it changed.
func (f *QueueFeed) refresh(ctx context.Context) {
	f.reload(ctx)
	resync := time.NewTicker(f.Resync)
	defer resync.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-f.dirty:
			select {
			case <-ctx.Done():
				return
			case <-time.After(f.Debounce):
			}
			select { // notifications that came during the pause are covered by this reload
			case <-f.dirty:
			default:
			}
		case <-resync.C:
		}
		f.reload(ctx)
	}
}

func (f *QueueFeed) reload(ctx context.Context) {
	qctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	items, err := f.svc.Queue(qctx, f.Limit)
	if err != nil {
		if ctx.Err() == nil {
			f.log.Warn("agent queue: reload failed", slog.Any("err", err))
			time.AfterFunc(time.Second, f.markDirty)
		}
		return
	}
	if items == nil {
		items = []QueueItem{}
	}
	data, err := json.Marshal(map[string]any{"handoffs": items})
	if err != nil {
		f.log.Error("agent queue: encode", slog.Any("err", err))
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.data != nil && string(f.data) == string(data) {
		return
	}
	f.version++
	f.data = data
	close(f.changed)
	f.changed = make(chan struct{})
}
