package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/settlehq/settle/internal/clock"
	"github.com/settlehq/settle/internal/id"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	a := &app{getenv: os.Getenv, stdout: os.Stdout, stderr: os.Stderr, clock: clock.System{}, ids: id.New(nil)}
	err := a.run(ctx, os.Args[1:])
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "settle:", err)
		os.Exit(1)
	}
}

// app is the binary's environment, injected so tests run commands in-process.
type app struct {
	getenv func(string) string
	stdout io.Writer
	stderr io.Writer
	clock  clock.Clock
	ids    *id.Generator
	// listening, when set, is told the server's address once it accepts
	// connections (tests serve on port 0).
	listening func(addr string)
}

var errUsage = errors.New("usage")

type command struct {
	name    string
	summary string
	run     func(a *app, ctx context.Context, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "run the HTTP server (API, consoles, WebSockets)", (*app).serve},
		{"migrate", "apply or inspect database migrations: migrate up|status", (*app).migrate},
		{"seed", "load the deterministic demo data set", (*app).seed},
		{"ingest", "load the policy corpus for retrieval: ingest [dir] [--reembed]", (*app).ingest},
		{"staff", "manage staff accounts: staff add --email E --role R --password P", (*app).staff},
		{"merchant", "manage merchants: merchant add --name N [--json]", (*app).merchant},
		{"triage", "triage JSON lines {\"text\"} from stdin to JSON lines (no database)", (*app).triage},
		{"eval", "measure quality on the labelled sets in the repo", (*app).eval},
		{"bench", "whole-system benchmarks, each next to a same-run baseline", (*app).bench},
	}
}

func (a *app) run(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		a.usage(a.stdout)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(a, ctx, args[1:])
		}
	}
	fmt.Fprintf(a.stderr, "settle: unknown command %q\n\n", args[0])
	a.usage(a.stderr)
	return errUsage
}

func (a *app) usage(w io.Writer) {
	fmt.Fprint(w, `settle — resolve buy-now-pay-later purchase disputes.

Usage: settle <command> [flags]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Every command reads its settings from the environment (DATABASE_URL, SETTLE_ADDR,
SETTLE_DEMO, …; see README.md). Run 'settle <command> --help' for its flags.
`)
}

// flags returns a flag set for a subcommand whose --help prints usage and text.
func (a *app) flags(name, synopsis, text string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	fs.Usage = func() {
		fmt.Fprintf(a.stdout, "Usage: settle %s\n\n%s\n", synopsis, text)
		if hasFlags(fs) {
			fmt.Fprintln(a.stdout, "\nFlags:")
			fs.SetOutput(a.stdout)
			defer fs.SetOutput(a.stderr)
			fs.PrintDefaults()
		}
	}
	return fs
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// parse parses args, printing help to stdout for --help.
func (a *app) parse(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		return flag.ErrHelp
	}
	if err != nil {
		return errUsage
	}
	return nil
}
