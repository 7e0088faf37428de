package main

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/settlehq/settle/internal/config"
	"github.com/settlehq/settle/internal/db"
	"github.com/settlehq/settle/migrations"
)

func (a *app) migrate(ctx context.Context, args []string) error {
	fs := a.flags("migrate", "migrate up|status", `Applies the SQL migrations embedded in this binary to DATABASE_URL.

  up       apply every pending migration (safe to run concurrently: a lock
           makes concurrent runs take turns)
  status   list each migration and whether it is applied`)
	if err := a.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || (fs.Arg(0) != "up" && fs.Arg(0) != "status") {
		fs.Usage()
		return errUsage
	}
	cfg, err := config.Load(a.getenv)
	if err != nil {
		return err
	}
	pool, err := db.Open(ctx, cfg.DatabaseURL.Reveal())
	if err != nil {
		return err
	}
	defer pool.Close()
	m, err := migrations.New(pool)
	if err != nil {
		return err
	}
	defer m.Close()
	if fs.Arg(0) == "status" {
		return a.migrateStatus(ctx, m)
	}
	applied, err := m.Up(ctx)
	if err != nil {
		return err
	}
	st, err := m.Check(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintf(a.stdout, "schema is current (version %d)\n", st.Current)
		return nil
	}
	fmt.Fprintf(a.stdout, "applied %d migration(s); schema is at version %d\n", len(applied), st.Current)
	return nil
}

func (a *app) migrateStatus(ctx context.Context, m *migrations.Migrator) error {
	lines, err := m.Status(ctx)
	if err != nil {
		return err
	}
	for _, l := range lines {
		fmt.Fprintln(a.stdout, l)
	}
	st, err := m.Check(ctx)
	if err != nil {
		return err
	}
	if st.Behind() {
		fmt.Fprintf(a.stdout, "\n%d pending: run `settle migrate up`\n", len(st.Pending))
	}
	return nil
}

// schemaCurrent fails unless the database has every migration this binary has.
func schemaCurrent(ctx context.Context, pool *pgxpool.Pool) error {
	m, err := migrations.New(pool)
	if err != nil {
		return err
	}
	defer m.Close()
	st, err := m.Check(ctx)
	if err != nil {
		return err
	}
	if st.Behind() {
		return fmt.Errorf("the database schema is at version %d (job queue %d) but this binary needs version %d (job queue %d): run `settle migrate up` (or `make run`)",
			st.Current, st.RiverCurrent, st.Latest, migrations.RiverVersion)
	}
	return nil
}
