package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/settlehq/settle/disputes"
	"github.com/settlehq/settle/internal/httpx"
	"github.com/settlehq/settle/internal/id"
)

func (a *app) seed(ctx context.Context, args []string) error {
	fs := a.flags("seed", "seed [--if-empty]", `Loads the demo data set into DATABASE_URL: 48 customers, 12 merchants and
over 400 orders covering every situation a dispute reason needs (delivered,
late, never shipped, returned and received, returned not received, cancelled,
duplicate captures, invoice mismatches, subscriptions), plus demo staff
accounts and merchant API keys. The set is deterministic: names, ids and
amounts are always the same, and dates are relative to today (UTC). It is
loaded in one transaction: all of it or nothing.`)
	ifEmpty := fs.Bool("if-empty", false, "do nothing when the database already has merchants")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	pool, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM merchants`).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		if *ifEmpty {
			fmt.Fprintf(a.stdout, "seed: database already has %d merchants; nothing to do\n", n)
			return nil
		}
		return fmt.Errorf("the database already has data; seed only an empty database (or pass --if-empty)")
	}
	stats, err := seedDemo(ctx, pool, a.clock.Now())
	if err != nil {
		return err
	}
	fmt.Fprint(a.stdout, stats)
	return nil
}

// seedStats counts what the seed made, by scenario.
type seedStats struct {
	customers, merchants, orders, events int
	scenarios                            map[string]int
}

func (s seedStats) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "seeded %d customers, %d merchants, %d orders, %d order events\n", s.customers, s.merchants, s.orders, s.events)
	names := make([]string, 0, len(s.scenarios))
	for k := range s.scenarios {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Fprintf(&b, "  %-36s %d\n", k, s.scenarios[k])
	}
	return b.String()
}

// seedDemo loads the demo data set in one transaction. now anchors its dates.
func seedDemo(ctx context.Context, pool *pgxpool.Pool, now time.Time) (seedStats, error) {
	g := &generator{
		rnd:    rand.New(rand.NewPCG(2026, 11)),
		now:    now,
		anchor: disputes.DateOf(now).Time,
		stats:  seedStats{scenarios: map[string]int{}},
	}
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		// Ids come from a seeded stream too, so every run makes the same ids.
		g.svc = disputes.NewService(tx, fixedClock{now}, id.New(rand.NewChaCha8([32]byte{'s', 'e', 't', 't', 'l', 'e'})))
		if err := g.staffAndMerchants(ctx, tx); err != nil {
			return err
		}
		if err := g.customers(ctx); err != nil {
			return err
		}
		return g.orders(ctx)
	})
	return g.stats, err
}

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

type generator struct {
	rnd    *rand.Rand
	svc    *disputes.Service
	now    time.Time
	anchor time.Time // midnight UTC today: "N days ago" counts from here
	stats  seedStats
	custs  []disputes.Customer
}

func (g *generator) staffAndMerchants(ctx context.Context, tx pgx.Tx) error {
	ids := id.New(rand.NewChaCha8([32]byte{'s', 't', 'a', 'f', 'f'}))
	for _, s := range demoStaff {
		if _, err := httpx.CreateStaff(ctx, tx, ids, s.email, httpx.Role(s.role), s.password, g.now); err != nil {
			return fmt.Errorf("staff %s: %w", s.email, err)
		}
	}
	for _, m := range demoMerchants {
		_, err := g.svc.CreateMerchant(ctx, disputes.Merchant{ID: m.id, Name: m.name, Market: m.market, AutoAcceptThreshold: m.threshold})
		if err != nil {
			return fmt.Errorf("merchant %s: %w", m.name, err)
		}
		if err := httpx.RegisterMerchantKey(ctx, tx, m.id, demoMerchantKey(m.id), g.now); err != nil {
			return err
		}
		g.stats.merchants++
	}
	return nil
}

func (g *generator) customers(ctx context.Context) error {
	for i := range 48 {
		uk := i >= 36
		first := demoFirstNames[i%len(demoFirstNames)]
		last := demoLastNames[(i*7+i/len(demoFirstNames))%len(demoLastNames)]
		c := disputes.Customer{
			ID:     fmt.Sprintf("cus_demo_%02d", i+1),
			Name:   first + " " + last,
			Email:  fmt.Sprintf("%s.%s%d@example.com", strings.ToLower(first), strings.ToLower(last), i+1),
			Market: "US",
		}
		if uk {
			c.Market = "UK"
			c.Phone = fmt.Sprintf("+44 7700 900%03d", 100+i)
			c.Address = fmt.Sprintf("%d %s, %s", 3+i, demoUKStreets[i%len(demoUKStreets)], demoUKCities[i%len(demoUKCities)])
		} else {
			c.Phone = fmt.Sprintf("+1 (555) 010-%04d", 1000+i)
			c.Address = fmt.Sprintf("%d %s, %s", 100+i*7, demoUSStreets[i%len(demoUSStreets)], demoUSCities[i%len(demoUSCities)])
		}
		if err := g.svc.SaveCustomer(ctx, c); err != nil {
			return err
		}
		g.custs = append(g.custs, c)
		g.stats.customers++
	}
	return nil
}
