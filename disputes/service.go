package disputes

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/settlehq/settle/internal/clock"
	"github.com/settlehq/settle/internal/db"
	"github.com/settlehq/settle/internal/id"
)

// Service is the disputes domain core: the order book and everything that acts
// on it. All state changes run in transactions on db.
type Service struct {
	db     db.DB
	clock  clock.Clock
	ids    *id.Generator
	engine *Engine
	jobs   Scheduler
}

// Scheduler arranges for a deadline to be acted on when it passes, inside the
// transaction that created it (so a deadline never exists without its job).
type Scheduler interface {
	ScheduleDeadline(ctx context.Context, tx pgx.Tx, deadlineID string, at time.Time) error
}

// NewService returns a Service on a pool (or a transaction), deciding with the
// starter rules. Deadlines are scheduled once UseScheduler is called; until
// then they are only recorded (the seed and pure tests need no job queue).
func NewService(d db.DB, c clock.Clock, ids *id.Generator) *Service {
	return &Service{db: d, clock: c, ids: ids, engine: NewEngine(StarterRules())}
}

// UseScheduler makes the service schedule a durable job for every deadline.
func (s *Service) UseScheduler(j Scheduler) { s.jobs = j }

// Engine returns the policy engine the service decides with.
func (s *Service) Engine() *Engine { return s.engine }

// WithDB returns a copy of the service working on d, e.g. inside a caller's
// transaction.
func (s *Service) WithDB(d db.DB) *Service {
	cp := *s
	cp.db = d
	return &cp
}

func (s *Service) tx(ctx context.Context, fn func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, s.db, fn)
}
