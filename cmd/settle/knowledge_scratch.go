package main

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/settlehq/settle/internal/config"
	"github.com/settlehq/settle/internal/db"
	"github.com/settlehq/settle/migrations"
)

// scratchDB is a temporary, migrated database on DATABASE_URL's server, for
// evaluations and benchmarks that must not touch real data. Drop removes
// it, even after the context that created it was cancelled.
type scratchDB struct {
	Pool  *pgxpool.Pool
	name  string
	admin string // URL of the server's maintenance database
}

// newScratchDB creates and migrates settle_<purpose>_<random>. The role in
// DATABASE_URL needs permission to create databases.
func (a *app) newScratchDB(ctx context.Context, cfg config.Config, purpose string) (*scratchDB, error) {
	admin, err := maintenanceURL(cfg.DatabaseURL.Reveal())
	if err != nil {
		return nil, err
	}
	s := &scratchDB{name: "settle_" + purpose + "_" + a.ids.Token(5), admin: admin}
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return nil, fmt.Errorf("scratch database: connect to the maintenance database: %w", err)
	}
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{s.name}.Sanitize())
	conn.Close(ctx)
	if err != nil {
		return nil, fmt.Errorf("scratch database: create %s (the DATABASE_URL role needs CREATEDB): %w", s.name, err)
	}
	if s.Pool, err = db.Open(ctx, withDatabaseName(cfg.DatabaseURL.Reveal(), s.name)); err != nil {
		s.Drop()
		return nil, err
	}
	m, err := migrations.New(s.Pool)
	if err == nil {
		_, err = m.Up(ctx)
		m.Close()
	}
	if err != nil {
		s.Drop()
		return nil, fmt.Errorf("scratch database: %w", err)
	}
	// Connections opened before the migration created the vector extension
	// have no codec for it; start afresh.
	s.Pool.Reset()
	return s, nil
}

// Drop closes the pool and drops the database.
func (s *scratchDB) Drop() {
	if s.Pool != nil {
		s.Pool.Close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.admin)
	if err != nil {
		return
	}
	defer conn.Close(ctx)
	conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{s.name}.Sanitize()+" WITH (FORCE)")
}

// maintenanceURL points DATABASE_URL at the server's "postgres" database.
func maintenanceURL(raw string) (string, error) {
	if _, err := url.Parse(raw); err != nil {
		return "", fmt.Errorf("scratch database: DATABASE_URL: %w", err)
	}
	return withDatabaseName(raw, "postgres"), nil
}

func withDatabaseName(raw, name string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Path = "/" + name
	return u.String()
}
