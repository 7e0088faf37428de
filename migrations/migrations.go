package migrations

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

//go:embed *.sql
var files embed.FS

// RiverVersion is the River job-queue schema version Settle runs on. River
// ships its own migrations; they are applied with ours, so one `migrate up`
// brings everything current and one check says whether it is.
const RiverVersion = 8

// Migrator applies the embedded migrations (and River's) to one database.
type Migrator struct {
	db       *sql.DB
	provider *goose.Provider
	river    *rivermigrate.Migrator[pgx.Tx]
}

// New returns a Migrator using the pool's connections.
func New(pool *pgxpool.Pool) (*Migrator, error) {
	db := stdlib.OpenDBFromPool(pool)
	// The session lock makes concurrent `migrate up`s (two servers starting at
	// once) take turns instead of racing.
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, files, goose.WithSessionLocker(locker))
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("migrations: %w", err)
	}
	rm, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("migrations: river: %w", err)
	}
	return &Migrator{db: db, provider: p, river: rm}, nil
}

// Close releases the migrator's handle (not the pool).
func (m *Migrator) Close() error { return m.db.Close() }

// Up applies every pending migration and returns the versions applied.
func (m *Migrator) Up(ctx context.Context) ([]int64, error) {
	res, err := m.provider.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrations: up: %w", err)
	}
	var applied []int64
	for _, r := range res {
		applied = append(applied, r.Source.Version)
	}
	if _, err := m.river.Migrate(ctx, rivermigrate.DirectionUp, &rivermigrate.MigrateOpts{TargetVersion: RiverVersion}); err != nil {
		return applied, fmt.Errorf("migrations: river up: %w", err)
	}
	return applied, nil
}

// Down rolls back the latest migration.
func (m *Migrator) Down(ctx context.Context) error {
	if _, err := m.provider.Down(ctx); err != nil {
		return fmt.Errorf("migrations: down: %w", err)
	}
	return nil
}

// State is where a database's schema stands against the binary's migrations.
type State struct {
	Current      int64 // version applied in the database (0: none)
	Latest       int64 // newest version embedded in the binary
	Pending      []int64
	RiverCurrent int // River's schema version in the database
}

// Behind reports whether the database lacks migrations the binary has.
func (s State) Behind() bool { return len(s.Pending) > 0 || s.RiverCurrent < RiverVersion }

// Check reads the schema state.
func (m *Migrator) Check(ctx context.Context) (State, error) {
	cur, err := m.provider.GetDBVersion(ctx)
	if err != nil {
		return State{}, fmt.Errorf("migrations: read version: %w", err)
	}
	st := State{Current: cur}
	statuses, err := m.provider.Status(ctx)
	if err != nil {
		return State{}, fmt.Errorf("migrations: status: %w", err)
	}
	for _, s := range statuses {
		st.Latest = max(st.Latest, s.Source.Version)
		if s.State == goose.StatePending {
			st.Pending = append(st.Pending, s.Source.Version)
		}
	}
	river, err := m.river.ExistingVersions(ctx)
	if err != nil {
		return State{}, fmt.Errorf("migrations: river version: %w", err)
	}
	for _, v := range river {
		st.RiverCurrent = max(st.RiverCurrent, v.Version)
	}
	return st, nil
}

// Status describes each migration for `settle migrate status`.
func (m *Migrator) Status(ctx context.Context) ([]string, error) {
	statuses, err := m.provider.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrations: status: %w", err)
	}
	lines := make([]string, 0, len(statuses))
	for _, s := range statuses {
		when := "pending"
		if s.State == goose.StateApplied {
			when = "applied " + s.AppliedAt.UTC().Format("2006-01-02 15:04:05Z")
		}
		lines = append(lines, fmt.Sprintf("%05d  %-32s %s", s.Source.Version, baseName(s.Source.Path), when))
	}
	return lines, nil
}

func baseName(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			return p[i+1:]
		}
	}
	return p
}

// Files returns the embedded migration files.
func Files() fs.FS { return files }
