package chatbot_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/settlehq/settle/chatbot"
	"github.com/settlehq/settle/disputes"
	"github.com/settlehq/settle/internal/id"
	"github.com/settlehq/settle/knowledge"
)

// goldenRun builds a GoldenRun on the test environment: merchants are made on
// first use, orders go through the order book's own code path.
func (e *chatEnv) goldenRun() chatbot.GoldenRun {
	var mu sync.Mutex
	made := map[string]string{}
	merchant := func(ctx context.Context, name string) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		if id, ok := made[name]; ok {
			return id, nil
		}
		m, err := e.ds.CreateMerchant(ctx, disputes.Merchant{Name: name})
		made[name] = m.ID
		return m.ID, err
	}
	return chatbot.GoldenRun{
		Chat: e.svc, Disputes: e.ds, Now: now,
		PlaceOrder: func(ctx context.Context, name string, in disputes.OrderInput) (string, error) {
			mid, err := merchant(ctx, name)
			if err != nil {
				return "", err
			}
			o, _, err := e.ds.UpsertOrder(ctx, mid, in)
			return o.ID, err
		},
		AddEvent: func(ctx context.Context, name, orderID string, in disputes.EventInput) error {
			mid, err := merchant(ctx, name)
			if err != nil {
				return err
			}
			_, _, _, err = e.ds.AddOrderEvent(ctx, mid, orderID, in)
			return err
		},
	}
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
