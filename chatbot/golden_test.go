package chatbot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/settlehq/settle/chatbot"
	"github.com/settlehq/settle/internal/id"
	"github.com/settlehq/settle/knowledge"
)

// goldenRun builds a GoldenRun on the test environment.
func (e *chatEnv) goldenRun() chatbot.GoldenRun {
	return chatbot.NewGoldenRun(e.svc, e.ds, now)
}

// useRealKnowledge ingests the policy corpus into the test database and
// answers questions from it with the local embedder, as `make run` does.
func (e *chatEnv) useRealKnowledge() {
	e.t.Helper()
	ctx := context.Background()
	docs, err := knowledge.LoadCorpus(knowledge.Corpus())
	if err != nil {
		e.t.Fatal(err)
	}
	emb := knowledge.NewLocalEmbedder(knowledge.DefaultLocalDims)
	store := knowledge.NewStore(e.pool)
	if _, err := store.Ingest(ctx, docs, emb, knowledge.IngestOptions{Now: now}); err != nil {
		e.t.Fatal(err)
	}
	e.svc = chatbot.NewService(e.pool, e.clock, id.New(nil), localEngine(e.t), knowledge.NewRetriever(store, emb), e.ds)
}

// Every conversation golden passes, three runs in a row (pass^3).
func TestConversationGoldens(t *testing.T) {
	gs, err := chatbot.Goldens()
	if err != nil {
		t.Fatal(err)
	}
	e := newChatEnv(t, fakeKB{})
	e.useRealKnowledge()
	run := e.goldenRun()
	for _, g := range gs {
		t.Run(g.Name, func(t *testing.T) {
			for k := range 3 {
				customer := g.Customer + "-" + strings.Repeat("r", k+1)
				if err := run.Run(context.Background(), g, customer); err != nil {
					t.Fatalf("run %d: %v", k+1, err)
				}
			}
		})
	}
}
