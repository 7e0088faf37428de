package chatbot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/settlehq/settle/disputes"
)

func (r GoldenRun) check(ctx context.Context, customer, convID string, e Expect, res TurnResult) error {
	all := strings.ToLower(joinReplies(res.Replies))
	if e.Silent && len(res.Replies) > 0 {
		return fmt.Errorf("expected silence, got %q", all)
	}
	for _, want := range e.ReplyContains {
		if !strings.Contains(all, strings.ToLower(want)) {
			return fmt.Errorf("reply lacks %q: %q", want, all)
		}
	}
	for _, bad := range e.ReplyNotContains {
		if strings.Contains(all, strings.ToLower(bad)) {
			return fmt.Errorf("reply says %q: %q", bad, all)
		}
	}
	if e.Cites != "" && !cited(res.Replies, e.Cites) {
		return fmt.Errorf("no citation of %s in %+v", e.Cites, res.Replies)
	}
	if e.Handoff != "" && (res.Handoff == nil || res.Handoff.ReasonCategory != e.Handoff) {
		return fmt.Errorf("handoff %+v, want category %s", res.Handoff, e.Handoff)
	}
	return r.checkDispute(ctx, customer, convID, e)
}

func (r GoldenRun) checkDispute(ctx context.Context, customer, convID string, e Expect) error {
	if e.Dispute == "" && e.Rule == "" {
		return nil
	}
	c, _, err := r.Chat.Get(ctx, customer, convID)
	if err != nil {
		return err
	}
	if c.DisputeID == "" {
		if e.Dispute == "none" {
			return nil
		}
		return fmt.Errorf("no dispute opened, want %s", e.Dispute)
	}
	v, err := r.Disputes.CustomerDispute(ctx, customer, c.DisputeID)
	if err != nil {
		return err
	}
	if e.Dispute != "" && string(v.Status) != e.Dispute {
		return fmt.Errorf("dispute is %s, want %s", v.Status, e.Dispute)
	}
	if e.Rule != "" {
		d, err := r.Disputes.LatestDecision(ctx, c.DisputeID)
		if err != nil || d.RuleID != e.Rule {
			return fmt.Errorf("decided by %q, want %q (%v)", d.RuleID, e.Rule, err)
		}
	}
	return nil
}

func joinReplies(rs []Reply) string {
	var b strings.Builder
	for _, r := range rs {
		b.WriteString(r.Text + "\n")
		for _, q := range r.QuickReplies {
			b.WriteString("[" + q.Label + "]\n")
		}
	}
	return b.String()
}

func cited(rs []Reply, url string) bool {
	for _, r := range rs {
		for _, c := range r.Citations {
			if strings.HasPrefix(c.URL, url) {
				return true
			}
		}
	}
	return false
}

// PlaceGoldenOrder creates one order (and its events) for customer.
func (r GoldenRun) PlaceGoldenOrder(ctx context.Context, customer string, o GoldenOrder) error {
	_, err := r.placeOrders(ctx, Golden{Orders: []GoldenOrder{o}}, customer)
	return err
}

// placeOrders creates the golden's orders and returns their ids by ref.
func (r GoldenRun) placeOrders(ctx context.Context, g Golden, customer string) (map[string]string, error) {
	refs := map[string]string{}
	for _, o := range g.Orders {
		ref := customer + "-" + o.Ref
		in := o.input(ref, customer, r.Now)
		id, err := r.PlaceOrder(ctx, o.Merchant, in)
		if err != nil {
			return nil, err
		}
		refs[o.Ref] = id
		for _, ev := range o.Events {
			typ, at := ev.Type, r.Now.Add(-days(ev.DaysAgo)).Format(time.RFC3339)
			ein := disputes.EventInput{Type: &typ, At: &at}
			if ev.Amount > 0 {
				amt := ev.Amount
				ein.Amount = &amt
			}
			if err := r.AddEvent(ctx, o.Merchant, id, ein); err != nil {
				return nil, err
			}
		}
	}
	return refs, nil
}

func days(d float64) time.Duration { return time.Duration(d * 24 * float64(time.Hour)) }

func (o GoldenOrder) input(ref, customer string, now time.Time) disputes.OrderInput {
	qty, cur := 1, "USD"
	plan := o.Plan
	if plan == "" {
		plan = "pay_in_4"
	}
	sku := strings.ToUpper(strings.ReplaceAll(o.Item, " ", "-"))
	if len(sku) > 60 {
		sku = sku[:60]
	}
	captured := o.Amount - o.Discount + o.Overcharge
	at := now.Add(-days(o.DaysAgo)).Format(time.RFC3339)
	in := disputes.OrderInput{MerchantOrderRef: &ref, CustomerID: &customer, Currency: &cur,
		Items:          []disputes.ItemInput{{SKU: &sku, Name: &o.Item, Quantity: &qty, UnitAmount: &o.Amount}},
		DiscountAmount: &o.Discount, CapturedAmount: &captured, CapturedAt: &at, PaymentPlan: &plan}
	if o.ExpectedAgo != nil {
		exp := now.Add(-days(*o.ExpectedAgo)).Format(time.RFC3339)
		in.ExpectedDeliveryBy = &exp
	}
	return in
}
