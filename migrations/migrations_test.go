package migrations_test

import (
	"context"
	"testing"

	"github.com/settlehq/settle/internal/db"
	"github.com/settlehq/settle/internal/db/dbtest"
	"github.com/settlehq/settle/migrations"
)

func TestUpDownUp(t *testing.T) {
	ctx := context.Background()
	pool, err := db.Open(ctx, dbtest.Empty(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	m, err := migrations.New(pool)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()

	st, err := m.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Current != 0 || !st.Behind() || st.Latest < 2 {
		t.Fatalf("empty database: %+v", st)
	}
	applied, err := m.Up(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != len(st.Pending) {
		t.Fatalf("applied %v, pending were %v", applied, st.Pending)
	}
	if st, _ = m.Check(ctx); st.Behind() || st.Current != st.Latest {
		t.Fatalf("after up: %+v", st)
	}
	if again, err := m.Up(ctx); err != nil || len(again) != 0 {
		t.Fatalf("second up applied %v (%v)", again, err)
	}
	// Every migration rolls back cleanly and applies again.
	for i := 0; i < len(applied); i++ {
		if err := m.Down(ctx); err != nil {
			t.Fatalf("down %d: %v", i, err)
		}
	}
	var tables int
	pool.QueryRow(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'goose_db_version' AND table_name NOT LIKE 'river%'`).Scan(&tables)
	if tables != 0 {
		t.Fatalf("%d tables left after rolling everything back", tables)
	}
	if _, err := m.Up(ctx); err != nil {
		t.Fatalf("up after down: %v", err)
	}
	lines, err := m.Status(ctx)
	if err != nil || len(lines) != len(applied) {
		t.Fatalf("status %v %v", lines, err)
	}
}
