package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/settlehq/settle/disputes"
	"github.com/settlehq/settle/internal/config"
	"github.com/settlehq/settle/internal/db"
	"github.com/settlehq/settle/internal/httpx"
)

// openDB loads the config and opens a pool on a current schema.
func (a *app) openDB(ctx context.Context) (*pgxpool.Pool, error) {
	cfg, err := config.Load(a.getenv)
	if err != nil {
		return nil, err
	}
	pool, err := db.Open(ctx, cfg.DatabaseURL.Reveal())
	if err != nil {
		return nil, err
	}
	if err := schemaCurrent(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	return pool, nil
}

func (a *app) staff(ctx context.Context, args []string) error {
	fs := a.flags("staff", "staff add --email E --role agent|ops|admin --password P",
		`Creates a staff account. Agents work escalated cases; ops review automated
outcomes and metrics; admins can do both. Passwords are 10 to 72 characters
and are stored as bcrypt hashes.`)
	email := fs.String("email", "", "the account's email (its login)")
	role := fs.String("role", "", "agent, ops or admin")
	password := fs.String("password", "", "the initial password")
	if len(args) == 0 || args[0] != "add" {
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
			fs.Usage()
			return nil
		}
		fs.Usage()
		return errUsage
	}
	if err := a.parse(fs, args[1:]); err != nil {
		return err
	}
	pool, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	s, err := httpx.CreateStaff(ctx, pool, a.ids, *email, httpx.Role(*role), *password, a.clock.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "created %s %s (%s)\n", s.Role, s.Email, s.ID)
	return nil
}

func (a *app) merchant(ctx context.Context, args []string) error {
	fs := a.flags("merchant", "merchant add --name N [--market US] [--auto-accept-threshold 0] [--json]",
		`Creates a merchant and its API key. The key is printed once and stored only
as a hash: keep it. With --json the output is exactly
{"merchant_id":"...","api_key":"..."}.`)
	name := fs.String("name", "", "the merchant's name")
	market := fs.String("market", "US", "the merchant's market (US, UK, ...)")
	threshold := fs.Int64("auto-accept-threshold", 0, "disputes up to this amount (minor units) may be accepted automatically; 0 = never")
	asJSON := fs.Bool("json", false, "print {\"merchant_id\",\"api_key\"} as JSON")
	if len(args) == 0 || args[0] != "add" {
		fs.Usage()
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
			return nil
		}
		return errUsage
	}
	if err := a.parse(fs, args[1:]); err != nil {
		return err
	}
	pool, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	var m disputes.Merchant
	var key string
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		svc := disputes.NewService(tx, a.clock, a.ids)
		if m, err = svc.CreateMerchant(ctx, disputes.Merchant{Name: *name, Market: *market, AutoAcceptThreshold: *threshold}); err != nil {
			return err
		}
		key, err = httpx.IssueMerchantKey(ctx, tx, a.ids, m.ID, a.clock.Now())
		return err
	})
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(a.stdout).Encode(struct {
			MerchantID string `json:"merchant_id"`
			APIKey     string `json:"api_key"`
		}{m.ID, key})
	}
	fmt.Fprintf(a.stdout, "created merchant %s (%s)\nAPI key (shown once, store it now): %s\n", m.Name, m.ID, key)
	return nil
}
