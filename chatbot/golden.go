package chatbot

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"time"

	"github.com/settlehq/settle/disputes"
)

// Conversation goldens are multi-turn scripts with what must happen at each
// turn. They run against a real database and the real engines, in the tests
// and in `settle eval conversations`.

// Golden is one scripted conversation.
type Golden struct {
	Name     string        `json:"name"`
	Tags     []string      `json:"tags"`     // reason, rule or kind covered
	Customer string        `json:"customer"` // made unique per run
	Orders   []GoldenOrder `json:"orders"`
	Turns    []GoldenTurn  `json:"turns"`
}

// GoldenOrder is an order the customer has, relative to the run's clock.
type GoldenOrder struct {
	Merchant    string        `json:"merchant"`
	Ref         string        `json:"ref"`
	Item        string        `json:"item"`
	Amount      int64         `json:"amount"`
	Discount    int64         `json:"discount"`
	Overcharge  int64         `json:"overcharge"`
	DaysAgo     float64       `json:"days_ago"`
	Plan        string        `json:"plan"`
	ExpectedAgo *float64      `json:"expected_days_ago"`
	Events      []GoldenEvent `json:"events"`
}

// GoldenEvent is a merchant event on a golden order.
type GoldenEvent struct {
	Type    string  `json:"type"`
	DaysAgo float64 `json:"days_ago"`
	Amount  int64   `json:"amount"`
}

// GoldenTurn is one customer message and what must follow it.
type GoldenTurn struct {
	Say    string `json:"say"`
	Pick   string `json:"pick"` // tap the quick reply of the order with this ref
	Expect Expect `json:"expect"`
}

// Expect is what one turn must produce.
type Expect struct {
	ReplyContains    []string `json:"reply_contains"` // case-insensitive, any reply
	ReplyNotContains []string `json:"reply_not_contains"`
	Dispute          string   `json:"dispute"` // status after the turn; "none": no dispute yet
	Rule             string   `json:"rule"`    // the dispute's latest decision
	Handoff          string   `json:"handoff"` // reason category of a handoff made this turn
	Cites            string   `json:"cites"`   // a citation URL that must appear
	Silent           bool     `json:"silent"`  // no reply at all
}

// LoadGoldens reads every *.json golden file under dir of fsys.
func LoadGoldens(fsys fs.FS) ([]Golden, error) {
	var out []Golden
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		b, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		var gs []Golden
		if err := json.Unmarshal(b, &gs); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, gs...)
		return nil
	})
	return out, err
}

// GoldenRun is what a golden needs from its environment.
type GoldenRun struct {
	Chat     *Service
	Disputes *disputes.Service
	// PlaceOrder creates an order for a merchant name (creating the merchant on
	// first use) and returns its id; it goes through the merchant API's code.
	PlaceOrder func(ctx context.Context, merchant string, in disputes.OrderInput) (string, error)
	AddEvent   func(ctx context.Context, merchant, orderID string, in disputes.EventInput) error
	Now        time.Time
}

// NewGoldenRun plays goldens on chat and ds: merchants are made on first
// use, and orders and their events go through the order book's own code.
func NewGoldenRun(chat *Service, ds *disputes.Service, now time.Time) GoldenRun {
	var mu sync.Mutex
	made := map[string]string{}
	merchant := func(ctx context.Context, name string) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		if id, ok := made[name]; ok {
			return id, nil
		}
		m, err := ds.CreateMerchant(ctx, disputes.Merchant{Name: name})
		made[name] = m.ID
		return m.ID, err
	}
	return GoldenRun{Chat: chat, Disputes: ds, Now: now,
		PlaceOrder: func(ctx context.Context, name string, in disputes.OrderInput) (string, error) {
			mid, err := merchant(ctx, name)
			if err != nil {
				return "", err
			}
			o, _, err := ds.UpsertOrder(ctx, mid, in)
			return o.ID, err
		},
		AddEvent: func(ctx context.Context, name, orderID string, in disputes.EventInput) error {
			mid, err := merchant(ctx, name)
			if err != nil {
				return err
			}
			_, _, _, err = ds.AddOrderEvent(ctx, mid, orderID, in)
			return err
		},
	}
}

// Run plays a golden and returns the first way it failed, or nil.
func (r GoldenRun) Run(ctx context.Context, g Golden, customer string) error {
	refs, err := r.placeOrders(ctx, g, customer)
	if err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	c, err := r.Chat.Create(ctx, customer)
	if err != nil {
		return err
	}
	for i, turn := range g.Turns {
		text := turn.Say
		if turn.Pick != "" {
			text = "order:" + refs[turn.Pick]
		}
		res, err := r.Chat.Send(ctx, customer, c.ID, text)
		if err != nil {
			return fmt.Errorf("turn %d %q: %w", i+1, text, err)
		}
		if err := r.check(ctx, customer, c.ID, turn.Expect, res); err != nil {
			return fmt.Errorf("turn %d %q: %w", i+1, text, err)
		}
	}
	return nil
}
