package dbtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/settlehq/settle/internal/db"
	"github.com/settlehq/settle/migrations"
)

const defaultAdminURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

var (
	once     sync.Once
	template string
	onceErr  error
)

// AdminURL is the maintenance database tests connect to for CREATE/DROP DATABASE.
func AdminURL() string {
	if u := os.Getenv("SETTLE_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return defaultAdminURL
}

// URL returns a connection URL for a fresh migrated database that is dropped when
// the test ends.
func URL(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("database test skipped in -short mode")
	}
	once.Do(func() { template, onceErr = ensureTemplate(context.Background()) })
	if onceErr != nil {
		t.Fatalf("dbtest: template database: %v", onceErr)
	}
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		t.Fatalf("dbtest: connect %s: %v (is PostgreSQL running? `make db`)", AdminURL(), err)
	}
	defer admin.Close(ctx)
	name := "settle_test_" + randomSuffix()
	if err := createFrom(ctx, admin, name, template); err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	t.Cleanup(func() { drop(name) })
	return withDatabase(AdminURL(), name)
}

// New returns a pool on a fresh migrated database, closed and dropped when the
// test ends.
func New(t testing.TB) *pgxpool.Pool {
	t.Helper()
	pool, err := db.Open(context.Background(), URL(t))
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	t.Cleanup(pool.Close) // registered after the drop, so it runs first
	return pool
}

// Empty returns the URL of a fresh database with no schema at all, for migration
// tests.
func Empty(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("database test skipped in -short mode")
	}
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		t.Fatalf("dbtest: connect: %v", err)
	}
	defer admin.Close(ctx)
	name := "settle_test_" + randomSuffix()
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("dbtest: create %s: %v", name, err)
	}
	t.Cleanup(func() { drop(name) })
	return withDatabase(AdminURL(), name)
}

func ensureTemplate(ctx context.Context) (string, error) {
	name, err := templateName()
	if err != nil {
		return "", err
	}
	admin, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		return "", fmt.Errorf("connect %s: %w (is PostgreSQL running? `make db`)", AdminURL(), err)
	}
	defer admin.Close(ctx)
	// One builder across all test binaries running at once.
	if _, err := admin.Exec(ctx, "SELECT pg_advisory_lock(727274)"); err != nil {
		return "", err
	}
	defer admin.Exec(ctx, "SELECT pg_advisory_unlock(727274)")
	var exists bool
	if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	building := name + "_build"
	admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{building}.Sanitize())
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{building}.Sanitize()); err != nil {
		return "", fmt.Errorf("create template: %w", err)
	}
	if err := migrate(ctx, withDatabase(AdminURL(), building)); err != nil {
		return "", err
	}
	// Renamed only once complete, so a crashed build never leaves a half template.
	if _, err := admin.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s RENAME TO %s",
		pgx.Identifier{building}.Sanitize(), pgx.Identifier{name}.Sanitize())); err != nil {
		return "", fmt.Errorf("rename template: %w", err)
	}
	return name, nil
}

func migrate(ctx context.Context, url string) error {
	pool, err := db.Open(ctx, url)
	if err != nil {
		return err
	}
	defer pool.Close()
	m, err := migrations.New(pool)
	if err != nil {
		return err
	}
	defer m.Close()
	_, err = m.Up(ctx)
	return err
}

// templateName hashes the migration files, so a changed schema gets a new template.
func templateName() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.Files(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.Files(), path)
		h.Write([]byte(path))
		h.Write(b)
		return err
	})
	if err != nil {
		return "", err
	}
	return "settle_template_" + hex.EncodeToString(h.Sum(nil))[:16], nil
}

func createFrom(ctx context.Context, admin *pgx.Conn, name, tmpl string) error {
	sql := fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", pgx.Identifier{name}.Sanitize(), pgx.Identifier{tmpl}.Sanitize())
	var err error
	for attempt := 0; attempt < 20; attempt++ {
		// Cloning fails while another session is connected to the template (a
		// parallel clone can briefly be); that passes quickly.
		if _, err = admin.Exec(ctx, sql); err == nil {
			return nil
		}
		time.Sleep(time.Duration(50*(attempt+1)) * time.Millisecond)
	}
	return fmt.Errorf("clone %s: %w", tmpl, err)
}

func drop(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		return
	}
	defer admin.Close(ctx)
	admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
}

func withDatabase(raw, name string) string {
	u, err := url.Parse(raw)
	if err != nil {
		panic(err)
	}
	u.Path = "/" + name
	return u.String()
}

func randomSuffix() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}
