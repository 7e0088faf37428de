package chatbot

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/settlehq/settle/chatbot/nlu"
	"github.com/settlehq/settle/disputes"
	"github.com/settlehq/settle/knowledge"
)

// turn carries out one customer message inside the conversation's transaction.
type turn struct {
	s      *Service
	tx     pgx.Tx
	c      Conversation
	now    time.Time
	stored []Message // everything this turn appended, for live sockets
}

func (t *turn) append(ctx context.Context, m Message) error {
	m.At = t.now
	saved, err := appendMessage(ctx, t.tx, t.c.ID, m)
	if err == nil {
		t.stored = append(t.stored, saved)
	}
	return err
}

func (t *turn) run(ctx context.Context, text string) (TurnResult, error) {
	res := TurnResult{Replies: []Reply{}}
	if t.c.Status != "bot" { // a person owns the conversation: the bot stays silent
		return res, t.append(ctx, Message{Role: "customer", Text: text})
	}
	orders, market, err := t.orders(ctx)
	if err != nil {
		return res, err
	}
	r, err := t.s.nlu.Parse(ctx, text, nlu.Context{Now: t.now, Orders: nluOrders(orders)})
	if err != nil {
		return res, err
	}
	var flags []string
	if r.InjectionSuspected {
		flags = []string{"injection_suspected"}
	}
	if err := t.append(ctx, Message{Role: "customer", Text: text, Flags: flags}); err != nil {
		return res, err
	}
	passages, err := t.passages(ctx, text, market, r)
	if err != nil {
		return res, err
	}
	state, plan := Step(t.c.State, Turn{Text: text, NLU: r, Orders: choices(orders), Answered: len(passages) > 0})
	t.c.State = state
	if res, err = t.carryOut(ctx, plan, passages, orders); err != nil {
		return res, err
	}
	for _, rep := range res.Replies {
		if err := t.append(ctx, Message{Role: "bot", Text: rep.Text, Citations: rep.Citations, QuickReplies: rep.QuickReplies}); err != nil {
			return res, err
		}
	}
	return res, nil
}

func (t *turn) orders(ctx context.Context) ([]disputes.Order, string, error) {
	orders, _, err := t.s.disputes.CustomerOrders(ctx, t.c.CustomerID, disputes.Page{Limit: 20})
	if err != nil {
		return nil, "", err
	}
	market := ""
	if cust, err := t.s.disputes.Customer(ctx, t.c.CustomerID); err == nil {
		market = cust.Market
	}
	return orders, market, nil
}

// passages retrieves grounding for questions (not for dispute reports, whose
// answer comes from the policy engine).
func (t *turn) passages(ctx context.Context, text, market string, r nlu.Result) ([]knowledge.Result, error) {
	if (r.IsDispute && t.c.State.Phase != PhaseDispute) || r.WantsHuman || r.Intent == "small_talk" {
		return nil, nil
	}
	res, err := t.s.kb.Search(ctx, text, market, 3)
	if err != nil {
		return nil, fmt.Errorf("retrieve: %w", err)
	}
	return relevant(text, res), nil
}

func (t *turn) carryOut(ctx context.Context, p Plan, passages []knowledge.Result, orders []disputes.Order) (TurnResult, error) {
	res := TurnResult{Replies: append([]Reply{}, p.Say...)}
	switch {
	case p.Open != nil:
		return t.open(ctx, p.Open, res)
	case p.Escalate != nil:
		return t.escalate(ctx, p.Escalate, res)
	case p.Answer:
		res.Replies = append(res.Replies, t.groundedAnswer(ctx, passages))
	}
	return res, nil
}

func nluOrders(orders []disputes.Order) []nlu.Order {
	out := make([]nlu.Order, len(orders))
	for i, o := range orders {
		items := make([]string, len(o.Items))
		for k, it := range o.Items {
			items[k] = it.Name
		}
		out[i] = nlu.Order{ID: o.ID, MerchantRef: o.MerchantOrderRef, Merchant: o.MerchantName, Items: items,
			Amount: o.CapturedAmount, Currency: o.Currency, CapturedAt: o.CapturedAt}
	}
	return out
}

func choices(orders []disputes.Order) []OrderChoice {
	out := make([]OrderChoice, len(orders))
	for i, o := range orders {
		item := ""
		if len(o.Items) > 0 {
			item = o.Items[0].Name
		}
		out[i] = OrderChoice{ID: o.ID, Merchant: o.MerchantName, Ref: o.MerchantOrderRef,
			Label: fmt.Sprintf("%s · %s · %s · %s", o.MerchantName, item, money(o.CapturedAmount, o.Currency), o.CapturedAt.Format("2 Jan"))}
	}
	return out
}
