package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/settlehq/settle/disputes"
	"github.com/settlehq/settle/internal/config"
	"github.com/settlehq/settle/internal/db"
	"github.com/settlehq/settle/internal/httpx"
)

func (a *app) serve(ctx context.Context, args []string) error {
	fs := a.flags("serve", "serve", `Runs the Settle HTTP server on SETTLE_ADDR (default 127.0.0.1:8080) against
DATABASE_URL. It refuses to start on a database whose schema is behind this
binary (run 'settle migrate up'). SIGINT or SIGTERM shut it down gracefully:
in-flight requests finish, then the database pool closes.

With SETTLE_DEMO=1 it also serves the demo endpoints (/v1/demo/...) and prints
the demo staff accounts and merchant API keys.`)
	if err := a.parse(fs, args); err != nil {
		return err
	}
	cfg, err := config.Load(a.getenv)
	if err != nil {
		return err
	}
	cfg.Print(a.stderr)
	log := slog.New(slog.NewJSONHandler(a.stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))

	pool, err := db.Open(ctx, cfg.DatabaseURL.Reveal())
	if err != nil {
		return err
	}
	defer pool.Close() // after Serve returns: in-flight requests are done
	if err := schemaCurrent(ctx, pool); err != nil {
		return err
	}
	tokens, err := a.customerTokens(cfg)
	if err != nil {
		return err
	}
	disputeSvc := disputes.NewService(pool, a.clock, a.ids)
	jobs, err := disputes.NewJobs(pool, disputeSvc, log)
	if err != nil {
		return err
	}
	if err := jobs.Start(ctx); err != nil {
		return fmt.Errorf("start jobs: %w", err)
	}
	defer stopJobs(jobs, cfg.ShutdownTimeout)
	chat, err := a.chatService(cfg, pool, disputeSvc, log)
	if err != nil {
		return err
	}
	cb, err := a.startCobrowse(ctx, cfg, pool, disputeSvc, chatNotifier{chat.Hub()}, log)
	if err != nil {
		return err
	}
	// Runs once the HTTP server has stopped and before the pool closes: the
	// relay's hijacked connections are closed and their recordings stored.
	defer cb.stop(cfg.ShutdownTimeout)
	// The agent queue's live stream: it ends when ctx does (before the HTTP
	// server waits for in-flight requests), and stops before the pool closes.
	feed := disputes.NewQueueFeed(disputeSvc, pool.Config().ConnConfig, log)
	feedCtx, stopFeed := context.WithCancel(ctx)
	go feed.Run(feedCtx)
	defer func() { stopFeed(); <-feed.Done() }()
	handler := a.router(cfg, services{pool: pool, tokens: tokens, disputes: disputeSvc, chat: chat, cobrowse: cb.handler, queueFeed: feed}, log)

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on SETTLE_ADDR %s: %w", cfg.Addr, err)
	}
	if cfg.Demo {
		printDemoAccess(a.stdout, "http://"+ln.Addr().String())
	}
	log.Info("serving", slog.String("addr", ln.Addr().String()), slog.Bool("demo", cfg.Demo))
	if a.listening != nil {
		a.listening(ln.Addr().String())
	}
	return httpx.Serve(ctx, httpx.NewServer(handler, log), ln, cfg.ShutdownTimeout, log)
}

// stopJobs lets running jobs finish before the pool closes.
func stopJobs(j *disputes.Jobs, grace time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	j.Stop(ctx)
}

// customerTokens builds the customer JWT verifier. Demo mode without a
// configured secret signs with a random one that lives as long as the process.
func (a *app) customerTokens(cfg config.Config) (*httpx.CustomerTokens, error) {
	secret := []byte(cfg.CustomerJWTSecret.Reveal())
	if len(secret) == 0 && cfg.Demo {
		secret = make([]byte, 32)
		rand.Read(secret)
	}
	return httpx.NewCustomerTokens(secret, cfg.CustomerJWTPublicKey, a.clock)
}

// demoTokenIssuer signs demo customer tokens.
func demoTokenIssuer(t *httpx.CustomerTokens) disputes.TokenIssuer {
	return func(customerID string, ttl time.Duration) (string, error) { return t.Issue(customerID, ttl) }
}
