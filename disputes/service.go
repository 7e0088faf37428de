package disputes

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/settlehq/settle/internal/clock"
	"github.com/settlehq/settle/internal/db"
	"github.com/settlehq/settle/internal/id"
)

// Service is the disputes domain core: the order book and everything that acts
// on it. All state changes run in transactions on db.
type Service struct {
	db    db.DB
	clock clock.Clock
	ids   *id.Generator
}

// NewService returns a Service on a pool (or a transaction).
func NewService(d db.DB, c clock.Clock, ids *id.Generator) *Service {
	return &Service{db: d, clock: c, ids: ids}
}

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
