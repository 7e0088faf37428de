package main

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/settlehq/settle/chatbot"
	"github.com/settlehq/settle/internal/config"
)

// benchChat measures whole chat turns (NLU, retrieval, the dialogue, dispute
// opening, transcript writes) against a baseline of one retrieval plus one
// transcript insert, at the same concurrency, in the same run.
func (a *app) benchChat(ctx context.Context, args []string) ([]Figure, error) {
	fs := a.flags("bench chat", "bench chat [--conversations 100] [--workers 8] [--json]",
		"Chat turns per second and p50/p99 turn latency (local engine, scratch database) next to one retrieval + one transcript insert.")
	n := fs.Int("conversations", 100, "conversations to run (4 turns each)")
	workers := fs.Int("workers", 8, "conversations in flight at once")
	if err := a.parse(fs, args); err != nil {
		return nil, err
	}
	cfg, err := config.Load(a.getenv)
	if err != nil {
		return nil, err
	}
	cfg.AIEngine = "local" // the figure is for the built-in engine
	w, err := a.newChatWorld(ctx, cfg, "bench_chat")
	if err != nil {
		return nil, err
	}
	defer w.db.Drop()
	convs, err := a.benchConversations(ctx, w, *n)
	if err != nil {
		return nil, err
	}
	base, baseElapsed, err := runParallel(*workers, len(convs)*len(benchScript), func(i int) ([]time.Duration, error) {
		start := time.Now()
		err := w.baselineTurn(ctx, convs[i%len(convs)], benchScript[i%len(benchScript)].say)
		return []time.Duration{time.Since(start)}, err
	})
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	turns, elapsed, err := runParallel(*workers, len(convs), func(i int) ([]time.Duration, error) {
		return w.playBench(ctx, convs[i])
	})
	if err != nil {
		return nil, err
	}
	p := func(xs []time.Duration, q int) float64 { return ms(percentile(xs, q)) }
	return []Figure{
		NewFigure("turn_p50_ms", p(turns, 50), "ms", p(base, 50), "<= baseline p50 + 10 ms"),
		NewFigure("turn_p99_ms", p(turns, 99), "ms", p(base, 99), "<= baseline p99 + 10 ms and <= 100 ms"),
		NewFigure("turns_per_s", round(float64(len(turns))/elapsed.Seconds(), 1), "1/s",
			round(float64(len(base))/baseElapsed.Seconds(), 1), ">= 200 turns/s"),
	}, nil
}

// benchScript is one conversation: a question, a report, a confirmation, a fact.
var benchScript = []struct{ say string }{
	{"how does pay in 4 work?"},
	{"I returned my jacket two weeks ago and I'm still being charged"},
	{"yes"},
	{"I sent it back two weeks ago with UPS"},
}

type benchConv struct{ customer, conv string }

func (a *app) benchConversations(ctx context.Context, w *chatWorld, n int) ([]benchConv, error) {
	run := w.goldenRun(a.clock.Now())
	g := chatbot.GoldenOrder{Merchant: "Northwind Outfitters", Ref: "JACKET", Item: "Waterproof rain jacket", Amount: 14900,
		DaysAgo: 35, Events: []chatbot.GoldenEvent{{Type: "delivered", DaysAgo: 31}, {Type: "return_received", DaysAgo: 14}}}
	out := make([]benchConv, n)
	for i := range out {
		customer := fmt.Sprintf("bench_%04d", i)
		if err := run.PlaceGoldenOrder(ctx, customer, g); err != nil {
			return nil, err
		}
		c, err := w.chat.Create(ctx, customer)
		if err != nil {
			return nil, err
		}
		out[i] = benchConv{customer: customer, conv: c.ID}
	}
	return out, nil
}

// playBench plays the script and times each turn.
func (w *chatWorld) playBench(ctx context.Context, c benchConv) ([]time.Duration, error) {
	var ds []time.Duration
	for _, turn := range benchScript {
		start := time.Now()
		if _, err := w.chat.Send(ctx, c.customer, c.conv, turn.say); err != nil {
			return ds, err
		}
		ds = append(ds, time.Since(start))
	}
	return ds, nil
}

// baselineTurn is the floor of a turn: one retrieval and one transcript insert.
func (w *chatWorld) baselineTurn(ctx context.Context, c benchConv, text string) error {
	if _, err := w.kb.Search(ctx, text, "US", 3); err != nil {
		return err
	}
	_, err := w.db.Pool.Exec(ctx, `INSERT INTO conversation_messages (conversation_id, seq, role, text, at)
		VALUES ($1, (SELECT coalesce(max(seq), 0) + 1 FROM conversation_messages WHERE conversation_id = $1), 'system', $2, now())`,
		c.conv, text)
	return err
}

// runParallel runs op(0..n-1) on workers goroutines and gathers the durations
// each returns, with the wall time of the whole run.
func runParallel(workers, n int, op func(i int) ([]time.Duration, error)) ([]time.Duration, time.Duration, error) {
	var (
		mu    sync.Mutex
		all   []time.Duration
		first error
		wg    sync.WaitGroup
	)
	next := make(chan int)
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				ds, err := op(i)
				mu.Lock()
				all = append(all, ds...)
				if err != nil && first == nil {
					first = err
				}
				mu.Unlock()
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	slices.Sort(all)
	return all, time.Since(start), first
}
