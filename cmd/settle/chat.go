package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/settlehq/settle/chatbot"
	"github.com/settlehq/settle/disputes"
	"github.com/settlehq/settle/internal/config"
	"github.com/settlehq/settle/knowledge"
)

// chatService wires the chatbot: the NLU engine of the config, the knowledge
// retriever, the disputes domain, and — with the llm engine — replies worded
// by the model (checked, with templates as the fallback).
func (a *app) chatService(cfg config.Config, pool *pgxpool.Pool, d *disputes.Service, log *slog.Logger) (*chatbot.Service, error) {
	engine, err := a.nluEngine(cfg, log)
	if err != nil {
		return nil, err
	}
	svc := chatbot.NewService(pool, a.clock, a.ids, engine, a.retriever(cfg, pool), d)
	if cfg.AIEngine == "llm" {
		svc.UseWriter(chatbot.NewLLMWriter(cfg.OpenAIBaseURL, cfg.OpenAIAPIKey.Reveal(), cfg.ChatModel, 8*time.Second,
			func(err error) { log.Warn("reply writer fell back to its template", slog.String("error", err.Error())) }))
	}
	return svc, nil
}

// chatWorld is a scratch database with the corpus ingested and a chatbot on
// it, for evaluations and benchmarks of whole conversations.
type chatWorld struct {
	db       *scratchDB
	disputes *disputes.Service
	chat     *chatbot.Service
	kb       *knowledge.Retriever
}

func (a *app) newChatWorld(ctx context.Context, cfg config.Config, purpose string) (*chatWorld, error) {
	sdb, err := a.newScratchDB(ctx, cfg, purpose)
	if err != nil {
		return nil, err
	}
	w := &chatWorld{db: sdb, disputes: disputes.NewService(sdb.Pool, a.clock, a.ids)}
	docs, err := knowledge.LoadCorpus(knowledge.Corpus())
	if err == nil {
		var emb knowledge.Embedder
		if emb, err = newEmbedder(cfg, ""); err == nil {
			_, err = knowledge.NewStore(sdb.Pool).Ingest(ctx, docs, emb, knowledge.IngestOptions{Now: a.clock.Now()})
		}
	}
	if err == nil {
		log := slog.New(slog.DiscardHandler)
		w.chat, err = a.chatService(cfg, sdb.Pool, w.disputes, log)
		w.kb = a.retriever(cfg, sdb.Pool)
	}
	if err != nil {
		sdb.Drop()
		return nil, err
	}
	return w, nil
}

// goldenRun lets goldens place orders at merchants made on first use.
func (w *chatWorld) goldenRun(now time.Time) chatbot.GoldenRun {
	return chatbot.NewGoldenRun(w.chat, w.disputes, now)
}

// evalConversations runs every conversation golden k times against a scratch
// database and reports pass^k: a golden passes only if all k runs pass.
func (a *app) evalConversations(ctx context.Context, args []string) error {
	fs := a.flags("eval conversations", "eval conversations [--runs 3]",
		"Plays every conversation golden (chatbot/goldens) k times on a scratch database with the corpus ingested,\nusing the configured engine (local, or llm when OPENAI_API_KEY is set), and reports pass^k.")
	runs := fs.Int("runs", 3, "runs per golden; a golden passes only if every run passes")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	cfg, err := config.Load(a.getenv)
	if err != nil {
		return err
	}
	gs, err := chatbot.Goldens()
	if err != nil {
		return err
	}
	w, err := a.newChatWorld(ctx, cfg, "eval_chat")
	if err != nil {
		return err
	}
	defer w.db.Drop()
	run := w.goldenRun(a.clock.Now())
	passed := 0
	for _, g := range gs {
		var failure error
		for k := 0; k < *runs && failure == nil; k++ {
			failure = run.Run(ctx, g, fmt.Sprintf("%s-%d", g.Customer, k+1))
		}
		if failure == nil {
			passed++
			fmt.Fprintf(a.stdout, "PASS  %s\n", g.Name)
		} else {
			fmt.Fprintf(a.stdout, "FAIL  %s\n      %v\n", g.Name, failure)
		}
	}
	fmt.Fprintf(a.stdout, "\nengine %s: pass^%d %d/%d (%.3f)\n", cfg.AIEngine, *runs, passed, len(gs), float64(passed)/float64(len(gs)))
	if passed != len(gs) {
		return fmt.Errorf("%d golden(s) failed", len(gs)-passed)
	}
	return nil
}
