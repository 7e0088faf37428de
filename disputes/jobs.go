package disputes

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

// Durable jobs (River, in PostgreSQL) act on deadlines when they pass. A
// deadline's job is inserted in the transaction that creates the deadline; the
// job's work and its completion commit in one transaction, so killing the
// server at any moment loses no job and runs none twice: an interrupted job
// rolls back and is rescued, and ExpireDeadline acts only on a pending row.

// DeadlineArgs names the deadline a job acts on.
type DeadlineArgs struct {
	DeadlineID string `json:"deadline_id"`
}

// Kind is River's name for the job.
func (DeadlineArgs) Kind() string { return "dispute_deadline" }

// InsertOpts make a deadline's job unique: scheduling twice is harmless.
func (DeadlineArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 25, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

type deadlineWorker struct {
	river.WorkerDefaults[DeadlineArgs]
	svc  *Service
	pool *pgxpool.Pool
}

func (w *deadlineWorker) Work(ctx context.Context, job *river.Job[DeadlineArgs]) error {
	var notYet time.Duration
	err := pgx.BeginFunc(ctx, w.pool, func(tx pgx.Tx) error {
		acted, err := w.svc.ExpireDeadline(ctx, tx, job.Args.DeadlineID)
		if err != nil {
			return err
		}
		if !acted {
			if notYet, err = w.untilDue(ctx, tx, job.Args.DeadlineID); err != nil || notYet > 0 {
				return err
			}
		}
		_, err = river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job)
		return err
	})
	if err == nil && notYet > 0 {
		return river.JobSnooze(notYet) // the service clock says it is not due yet
	}
	return err
}

// untilDue is how long until a still-pending deadline is due (0 if it is not
// pending: someone else settled it, and the job has nothing to do).
func (w *deadlineWorker) untilDue(ctx context.Context, tx pgx.Tx, id string) (time.Duration, error) {
	var status string
	var due time.Time
	if err := tx.QueryRow(ctx, `SELECT status, due_at FROM deadlines WHERE id = $1`, id).Scan(&status, &due); err != nil {
		return 0, err
	}
	if status != "pending" {
		return 0, nil
	}
	return max(due.Sub(w.svc.clock.Now()), time.Second), nil
}

// SweepArgs is the periodic safety net: it acts on every pending deadline that
// has passed (a job discarded after too many failures, a clock change). Each
// deadline is acted on in its own transaction, on the pending row only, so the
// sweep and a deadline's own job can never both act.
type SweepArgs struct{}

// Kind is River's name for the job.
func (SweepArgs) Kind() string { return "dispute_deadline_sweep" }

type sweepWorker struct {
	river.WorkerDefaults[SweepArgs]
	svc  *Service
	pool *pgxpool.Pool
}

func (w *sweepWorker) Work(ctx context.Context, _ *river.Job[SweepArgs]) error {
	ids, err := w.svc.DueDeadlines(ctx, 500)
	if err != nil {
		return err
	}
	for _, id := range ids {
		err := pgx.BeginFunc(ctx, w.pool, func(tx pgx.Tx) error {
			_, err := w.svc.ExpireDeadline(ctx, tx, id)
			return err
		})
		if err != nil {
			return fmt.Errorf("sweep deadline %s: %w", id, err)
		}
	}
	return nil
}

// LateFeeArgs is the daily late-fee run.
type LateFeeArgs struct{}

// Kind is River's name for the job.
func (LateFeeArgs) Kind() string { return "late_fees" }

type lateFeeWorker struct {
	river.WorkerDefaults[LateFeeArgs]
	svc *Service
}

func (w *lateFeeWorker) Work(ctx context.Context, _ *river.Job[LateFeeArgs]) error {
	_, err := w.svc.AccrueLateFees(ctx)
	return err
}

// Jobs runs the disputes domain's durable jobs.
type Jobs struct {
	client *river.Client[pgx.Tx]
}

// NewJobs builds the job runner and makes svc schedule its deadlines through it.
func NewJobs(pool *pgxpool.Pool, svc *Service, log *slog.Logger) (*Jobs, error) {
	j := &Jobs{}
	workers := river.NewWorkers()
	river.AddWorker(workers, &deadlineWorker{svc: svc, pool: pool})
	river.AddWorker(workers, &sweepWorker{svc: svc, pool: pool})
	river.AddWorker(workers, &lateFeeWorker{svc: svc})
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 8}},
		Workers:              workers,
		Logger:               log,
		RescueStuckJobsAfter: 2 * time.Minute,
		PeriodicJobs: []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(time.Minute),
			func() (river.JobArgs, *river.InsertOpts) { return SweepArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(6*time.Hour),
				func() (river.JobArgs, *river.InsertOpts) { return LateFeeArgs{}, nil }, nil)},
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	j.client = client
	svc.UseScheduler(j)
	return j, nil
}

// ScheduleDeadline inserts the deadline's job in tx, to run at due.
func (j *Jobs) ScheduleDeadline(ctx context.Context, tx pgx.Tx, deadlineID string, due time.Time) error {
	_, err := j.client.InsertTx(ctx, tx, DeadlineArgs{DeadlineID: deadlineID}, &river.InsertOpts{ScheduledAt: due})
	return err
}

// Start runs the workers until Stop.
func (j *Jobs) Start(ctx context.Context) error { return j.client.Start(ctx) }

// Stop lets running jobs finish (up to ctx's deadline); an interrupted job
// rolls back and runs again later.
func (j *Jobs) Stop(ctx context.Context) error {
	err := j.client.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		return j.client.StopAndCancel(context.Background())
	}
	return err
}
