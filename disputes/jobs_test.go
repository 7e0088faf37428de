package disputes_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/settlehq/settle/disputes"
)

func (e *env) eventCount(disputeID, typ string) int {
	var n int
	e.pool.QueryRow(context.Background(), `SELECT count(*) FROM dispute_events WHERE dispute_id = $1 AND type = $2`, disputeID, typ).Scan(&n)
	return n
}

// A deadline acted on by many workers at once, or by a worker that dies before
// committing, takes effect exactly once.
func TestDeadlineActsExactlyOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	oid := e.placeOrder(orderOpts{ref: "J-1", customer: "cus_1", unit: 14900, capturedAt: "2026-11-01T10:00:00Z"})
	e.event("mer_a", oid, "return_received", "2026-11-08T10:00:00Z")
	id := e.report("cus_1", oid, "refund_not_processed").body["id"].(string)
	var dl string
	e.pool.QueryRow(context.Background(), `SELECT id FROM deadlines WHERE dispute_id = $1`, id).Scan(&dl)
	e.clock.Advance(8 * 24 * time.Hour)
	ctx := context.Background()

	// A worker that dies mid-way: its transaction never commits.
	tx, err := e.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if acted, err := e.svc.ExpireDeadline(ctx, tx, dl); err != nil || !acted {
		t.Fatalf("first attempt: %v %v", acted, err)
	}
	tx.Rollback(ctx)
	if got := e.eventCount(id, "closed"); got != 0 {
		t.Fatalf("a rolled-back attempt left %d closes", got)
	}

	// Then ten at once, as after a restart with several nodes.
	var wg sync.WaitGroup
	acted := make(chan bool, 10)
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pgx.BeginFunc(ctx, e.pool, func(tx pgx.Tx) error {
				a, err := e.svc.ExpireDeadline(ctx, tx, dl)
				acted <- a && err == nil
				return err
			})
		}()
	}
	wg.Wait()
	close(acted)
	n := 0
	for a := range acted {
		if a {
			n++
		}
	}
	if n != 1 || e.eventCount(id, "closed") != 1 || e.eventCount(id, "deadline_expired") != 1 {
		t.Fatalf("%d workers acted; %d closes", n, e.eventCount(id, "closed"))
	}
	e.assertAudit(id)
}

// The River job scheduled with a deadline runs it when it is due; a restarted
// job runner runs nothing twice.
func TestDeadlineJobsRunThroughRiver(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// Deadlines are set relative to the service clock; River schedules by the
	// database's. Open the dispute "8 days ago" so its 7-day deadline is
	// already past for River too.
	e.clock.Set(time.Now().UTC().Add(-8 * 24 * time.Hour))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	jobs, err := disputes.NewJobs(e.pool, e.svc, log)
	if err != nil {
		t.Fatal(err)
	}
	captured := e.clock.Now().Add(-20 * 24 * time.Hour).Format(time.RFC3339)
	returned := e.clock.Now().Add(-10 * 24 * time.Hour).Format(time.RFC3339)
	oid := e.placeOrder(orderOpts{ref: "J-2", customer: "cus_1", unit: 14900, capturedAt: captured})
	e.event("mer_a", oid, "return_received", returned)
	id := e.report("cus_1", oid, "refund_not_processed").body["id"].(string)
	var jobsQueued int
	e.pool.QueryRow(context.Background(), `SELECT count(*) FROM river_job WHERE kind = 'dispute_deadline'`).Scan(&jobsQueued)
	if jobsQueued != 1 {
		t.Fatalf("%d deadline jobs queued with the deadline", jobsQueued)
	}
	e.clock.Set(time.Now().UTC())

	run := func() {
		ctx, cancel := context.WithCancel(context.Background())
		if err := jobs.Start(ctx); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) && e.eventCount(id, "closed") == 0 {
			time.Sleep(50 * time.Millisecond)
		}
		time.Sleep(300 * time.Millisecond)
		stop, done := context.WithTimeout(context.Background(), 5*time.Second)
		jobs.Stop(stop)
		done()
		cancel()
	}
	run()
	if e.eventCount(id, "closed") != 1 {
		t.Fatalf("the deadline job did not close the dispute")
	}
	// A restart: a new runner over the same database.
	jobs, err = disputes.NewJobs(e.pool, e.svc, log)
	if err != nil {
		t.Fatal(err)
	}
	run()
	if e.eventCount(id, "closed") != 1 || e.eventCount(id, "deadline_expired") != 1 {
		t.Fatalf("after a restart: %d closes, %d expiries", e.eventCount(id, "closed"), e.eventCount(id, "deadline_expired"))
	}
	// Whichever ran first — the deadline's own job or the periodic sweep — the
	// other found the deadline settled and did nothing.
}
