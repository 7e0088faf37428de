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

// A turn runs in three steps, so that no database connection is held while
// another is awaited and no lock is held across a model call:
//  1. understand, without locks: the customer's orders, NLU, retrieval;
//  2. decide and act, in one transaction holding the conversation's row
//     lock, every write on that transaction (the dispute opened with it);
//  3. word the replies (policy text, the reply writer) and store them.

// understanding is step 1's result.
type understanding struct {
	text     string
	nlu      nlu.Result
	orders   []disputes.Order
	passages []knowledge.Result
}

func (s *Service) understand(ctx context.Context, c Conversation, text string) (understanding, error) {
	u := understanding{text: text}
	orders, _, err := s.disputes.CustomerOrders(ctx, c.CustomerID, disputes.Page{Limit: 20})
	if err != nil {
		return u, err
	}
	u.orders = orders
	market := ""
	if cust, err := s.disputes.Customer(ctx, c.CustomerID); err == nil {
		market = cust.Market
	}
	if u.nlu, err = s.nlu.Parse(ctx, text, nlu.Context{Now: s.clock.Now(), Orders: nluOrders(orders)}); err != nil {
		return u, err
	}
	if needsAnswer(c.State, u.nlu) {
		q := searchQuery(text, u.nlu.Intent)
		res, err := s.kb.Search(ctx, q, market, 3)
		if err != nil {
			return u, fmt.Errorf("retrieve: %w", err)
		}
		u.passages = relevant(q, res)
	}
	return u, nil
}

// intentTopics names, in the corpus's own words, the policy topic of the
// question intents that have one: the understood intent steers retrieval when
// the customer's words are far from the policy's ("I lost my job and can't
// pay" is about financial difficulty). Broad intents (a dispute's status, due
// dates) are searched on the customer's words alone.
var intentTopics = map[string]string{
	"hardship":          "financial difficulty hardship extra support",
	"payment_method":    "change payment method card",
	"pay_early":         "pay early pay off",
	"delivery_status":   "delivery status where is my order",
	"return_how":        "how to return an item",
	"account":           "account security login",
	"late_fee_question": "late fees missed payments",
	"refund_timing":     "refund timing when refunds arrive",
}

func searchQuery(text, intent string) string {
	if topic := intentTopics[intent]; topic != "" {
		return text + " " + topic
	}
	return text
}

// needsAnswer says whether the knowledge base may be asked: questions, not
// dispute reports (whose answer comes from the policy engine).
func needsAnswer(s State, r nlu.Result) bool {
	return !(r.IsDispute && s.Phase != PhaseDispute) && !r.WantsHuman && r.Intent != "small_talk"
}

// turn is step 2: it acts inside the conversation's transaction.
type turn struct {
	s      *Service
	tx     pgx.Tx
	ds     *disputes.Service // bound to tx
	c      Conversation
	now    time.Time
	stored []Message // everything this turn appended, for live sockets
	// what step 3 words:
	say     []Reply
	then    []Reply // after the answer
	opened  *disputes.View
	already *disputes.View // the order already had an open dispute
	dec     disputes.DecisionSummary
	answer  []knowledge.Result
	handoff bool
}

func (t *turn) append(ctx context.Context, m Message) error {
	m.At = t.now
	saved, err := appendMessage(ctx, t.tx, t.c.ID, m)
	if err == nil {
		t.stored = append(t.stored, saved)
	}
	return err
}

func (t *turn) act(ctx context.Context, u understanding) (TurnResult, error) {
	res := TurnResult{Replies: []Reply{}}
	var flags []string
	if u.nlu.InjectionSuspected {
		flags = []string{"injection_suspected"}
	}
	if err := t.append(ctx, Message{Role: "customer", Text: u.text, Flags: flags}); err != nil {
		return res, err
	}
	if t.c.Status != "bot" { // a person owns the conversation: the bot stays silent
		return res, nil
	}
	state, plan := Step(t.c.State, Turn{Text: u.text, NLU: u.nlu, Orders: choices(u.orders), Answered: len(u.passages) > 0})
	t.c.State, t.say, t.then = state, plan.Say, plan.Then
	switch {
	case plan.Open != nil:
		return t.open(ctx, plan.Open, res)
	case plan.Escalate != nil:
		return t.escalate(ctx, plan.Escalate, res)
	case plan.Answer:
		t.answer = u.passages
	}
	return res, nil
}

// word is step 3: the replies, from what step 2 did.
func (s *Service) word(ctx context.Context, t *turn) []Reply {
	out := append([]Reply{}, t.say...)
	switch {
	case t.opened != nil:
		out = append(out, s.outcomeReply(ctx, *t.opened, t.dec))
	case t.already != nil:
		out = append(out, alreadyOpenReply(*t.already))
	case t.handoff:
		out = append(out, Reply{Text: "I'm connecting you with a person now. They'll see everything you've told me, so you won't have to repeat yourself — they'll reply right here."})
	case len(t.answer) > 0:
		out = append(out, s.groundedAnswer(ctx, t.answer))
	}
	out = append(out, t.then...)
	for i := range out {
		if out[i].Citations == nil {
			out[i].Citations = []Citation{}
		}
		if out[i].QuickReplies == nil {
			out[i].QuickReplies = []QuickReply{}
		}
	}
	return out
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
