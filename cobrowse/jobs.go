package cobrowse

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
)

// Retention is a durable job in River. The disputes package runs the
// process's main River client (the leader, with its own periodic jobs) and
// offers no way to add workers to it, so cobrowse runs a second, small
// client on its own queue: it never takes part in leader election (River
// elects one leader per database, which alone enqueues periodic jobs — so a
// second periodic schedule would silently never run) and it only works the
// "cobrowse" queue. The schedule is kept here instead: every node inserts
// the purge job hourly, unique per hour, so the cluster purges once an hour;
// the job itself is retried by River until it succeeds.

// Queue is the River queue cobrowse's jobs run on.
const Queue = "cobrowse"

const purgeEvery = time.Hour

// PurgeArgs is the retention job: it deletes recordings past retention and
// expired codes and tickets.
type PurgeArgs struct{}

// Kind is River's name for the job.
func (PurgeArgs) Kind() string { return "cobrowse_purge" }

// InsertOpts put the job on cobrowse's queue, once per hour.
func (PurgeArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: Queue, MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByPeriod: purgeEvery}}
}

type purgeWorker struct {
	river.WorkerDefaults[PurgeArgs]
	svc *Service
}

func (w *purgeWorker) Work(ctx context.Context, _ *river.Job[PurgeArgs]) error {
	res, err := w.svc.Purge(ctx)
	if err == nil {
		w.svc.cfg.Log.Info("cobrowse: purge", slog.Int64("recordings", res.Recordings), slog.Int64("codes", res.Codes), slog.Int64("tickets", res.Tickets))
	}
	return err
}

// Jobs runs cobrowse's durable jobs.
type Jobs struct {
	client *river.Client[pgx.Tx]
	log    *slog.Logger
	cancel context.CancelFunc
	done   chan struct{}
}

// NewJobs builds the job runner for svc.
func NewJobs(pool *pgxpool.Pool, svc *Service, log *slog.Logger) (*Jobs, error) {
	workers := river.NewWorkers()
	river.AddWorker(workers, &purgeWorker{svc: svc})
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		Queues:                 map[string]river.QueueConfig{Queue: {MaxWorkers: 1}},
		Workers:                workers,
		Logger:                 log,
		LeaderElectionDisabled: true,
	})
	if err != nil {
		return nil, fmt.Errorf("cobrowse: jobs: %w", err)
	}
	return &Jobs{client: client, log: log}, nil
}

// Start runs the worker and the hourly schedule until Stop.
func (j *Jobs) Start(ctx context.Context) error {
	if err := j.client.Start(ctx); err != nil {
		return err
	}
	j.enqueue(ctx)
	ctx, j.cancel = context.WithCancel(ctx)
	j.done = make(chan struct{})
	go j.schedule(ctx)
	return nil
}

// schedule inserts the purge job every quarter of its period; uniqueness
// per period makes all but the first insert of each hour no-ops.
func (j *Jobs) schedule(ctx context.Context) {
	defer close(j.done)
	t := time.NewTicker(purgeEvery / 4)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			j.enqueue(ctx)
		}
	}
}

func (j *Jobs) enqueue(ctx context.Context) {
	if _, err := j.client.Insert(ctx, PurgeArgs{}, nil); err != nil && ctx.Err() == nil {
		j.log.Error("cobrowse: schedule purge", slog.String("error", err.Error()))
	}
}

// Stop lets a running purge finish (up to ctx's deadline).
func (j *Jobs) Stop(ctx context.Context) error {
	if j.cancel != nil {
		j.cancel()
		<-j.done
	}
	err := j.client.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		return j.client.StopAndCancel(context.Background())
	}
	return err
}

// PurgeResult counts what a purge deleted.
type PurgeResult struct {
	Recordings, Codes, Tickets int64
}

// Purge deletes the recordings of sessions that ended more than the
// retention ago (the session row and its consent receipts stay: they hold no
// page content), codes a day past expiry and tickets an hour past expiry. It
// is idempotent and works in batches, so a large backlog never makes one
// huge transaction.
func (s *Service) Purge(ctx context.Context) (PurgeResult, error) {
	now := s.cfg.Clock.Now()
	var res PurgeResult
	for {
		var n int64
		err := s.pool.QueryRow(ctx, `WITH p AS (UPDATE cobrowse_sessions SET recording_purged_at = $1
			WHERE id IN (SELECT id FROM cobrowse_sessions WHERE status = 'ended' AND ended_at < $2
				AND recording_purged_at IS NULL ORDER BY ended_at LIMIT 100) RETURNING id),
			d AS (DELETE FROM cobrowse_chunks WHERE session_id IN (SELECT id FROM p))
			SELECT count(*) FROM p`, now, now.Add(-s.cfg.Retention)).Scan(&n)
		if err != nil {
			return res, fmt.Errorf("cobrowse: purge recordings: %w", err)
		}
		res.Recordings += n
		if n == 0 {
			break
		}
	}
	tag, err := s.pool.Exec(ctx, `DELETE FROM cobrowse_codes WHERE expires_at < $1`, now.Add(-24*time.Hour))
	if err != nil {
		return res, fmt.Errorf("cobrowse: purge codes: %w", err)
	}
	res.Codes = tag.RowsAffected()
	tag, err = s.pool.Exec(ctx, `DELETE FROM ws_tickets WHERE expires_at < $1`, now.Add(-time.Hour))
	if err != nil {
		return res, fmt.Errorf("cobrowse: purge tickets: %w", err)
	}
	res.Tickets = tag.RowsAffected()
	return res, nil
}
