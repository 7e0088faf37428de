package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/settlehq/settle/disputes"
)

// draft is one demo order before it goes through the merchant API's code path.
type draft struct {
	scenario   string
	m          demoMerchant
	customer   string
	ref        string
	plan       disputes.PlanKind
	items      []disputes.Item
	shipping   int64
	discount   int64
	overcharge int64   // captured minus what lines+shipping-discount come to
	captured   float64 // days ago
	expected   *float64
	events     []draftEvent
}

type draftEvent struct {
	typ     disputes.EventType
	daysAgo float64
	amount  int64
}

// scenario names a situation a dispute reason needs and how to make it.
type scenario struct {
	name   string
	weight int
	goods  bool // needs a merchant that ships goods (else a subscription)
	build  func(g *generator, d *draft)
}

func shippedDelivered(d *draft, shipAgo, deliverAgo float64) {
	d.events = append(d.events, draftEvent{typ: disputes.Shipped, daysAgo: shipAgo}, draftEvent{typ: disputes.Delivered, daysAgo: deliverAgo})
}

var scenarios = []scenario{
	{"delivered", 30, true, func(g *generator, d *draft) {
		d.captured = g.days(8, 80)
		shippedDelivered(d, d.captured-1, d.captured-4)
	}},
	{"in_transit", 6, true, func(g *generator, d *draft) {
		d.captured = g.days(2, 4)
		d.expected = ptr(-3.0)
		d.events = append(d.events, draftEvent{typ: disputes.Shipped, daysAgo: d.captured - 1})
	}},
	{"late_no_delivery_scan", 6, true, func(g *generator, d *draft) {
		d.captured = g.days(20, 45)
		d.expected = ptr(d.captured - 7)
		d.events = append(d.events, draftEvent{typ: disputes.Shipped, daysAgo: d.captured - 1})
	}},
	{"never_shipped", 4, true, func(g *generator, d *draft) {
		d.captured = g.days(15, 40)
		d.expected = ptr(d.captured - 5)
	}},
	{"return_received_no_refund", 6, true, func(g *generator, d *draft) {
		d.captured = g.days(30, 60)
		shippedDelivered(d, d.captured-1, d.captured-4)
		ret := g.days(8, 20)
		d.events = append(d.events, draftEvent{typ: disputes.ReturnShipped, daysAgo: ret}, draftEvent{typ: disputes.ReturnReceived, daysAgo: ret - 3})
	}},
	{"return_not_received", 4, true, func(g *generator, d *draft) {
		d.captured = g.days(30, 60)
		shippedDelivered(d, d.captured-1, d.captured-4)
		d.events = append(d.events, draftEvent{typ: disputes.ReturnShipped, daysAgo: g.days(10, 20)})
	}},
	{"returned_and_refunded", 4, true, func(g *generator, d *draft) {
		d.captured = g.days(30, 70)
		shippedDelivered(d, d.captured-1, d.captured-4)
		d.events = append(d.events, draftEvent{typ: disputes.ReturnShipped, daysAgo: 20}, draftEvent{typ: disputes.ReturnReceived, daysAgo: 17},
			draftEvent{typ: disputes.RefundedEvent, daysAgo: 15, amount: -1})
	}},
	{"cancelled_not_refunded", 4, true, func(g *generator, d *draft) {
		d.captured = g.days(10, 30)
		d.events = append(d.events, draftEvent{typ: disputes.Cancelled, daysAgo: d.captured - 1})
	}},
	{"cancelled_and_refunded", 3, true, func(g *generator, d *draft) {
		d.captured = g.days(10, 30)
		d.events = append(d.events, draftEvent{typ: disputes.Cancelled, daysAgo: d.captured - 1}, draftEvent{typ: disputes.RefundedEvent, daysAgo: d.captured - 3, amount: -1})
	}},
	{"partial_refund", 3, true, func(g *generator, d *draft) {
		d.captured = g.days(20, 50)
		shippedDelivered(d, d.captured-1, d.captured-4)
		d.events = append(d.events, draftEvent{typ: disputes.RefundedEvent, daysAgo: d.captured - 10, amount: d.items[0].UnitAmount / 2})
	}},
	{"duplicate_capture", 3, true, func(g *generator, d *draft) {
		d.captured = g.days(5, 30)
		shippedDelivered(d, d.captured-1, d.captured-4)
	}},
	{"invoice_mismatch", 4, true, func(g *generator, d *draft) {
		d.captured = g.days(5, 40)
		d.discount = d.items[0].UnitAmount / 5
		d.overcharge = d.discount // the promised discount was never applied
		shippedDelivered(d, d.captured-1, d.captured-4)
	}},
	{"high_value_delivered", 3, true, func(g *generator, d *draft) {
		d.captured = g.days(10, 40)
		d.items[0].Quantity = 3
		shippedDelivered(d, d.captured-1, d.captured-5)
	}},
	{"subscription_active", 5, false, func(g *generator, d *draft) {
		d.captured = g.days(2, 60)
		d.shipping = 0
	}},
	{"subscription_cancelled_still_billed", 3, false, func(g *generator, d *draft) {
		d.captured = g.days(3, 12) // the cycle billed after the cancellation (see previousCycle)
		d.shipping = 0
	}},
}

func ptr[T any](v T) *T { return &v }

// days picks a whole number of days ago in [lo, hi], plus a time of day.
func (g *generator) days(lo, hi int) float64 {
	return float64(lo+g.rnd.IntN(hi-lo+1)) - float64(8+g.rnd.IntN(10))/24
}

// at turns "days ago" into a time, never later than an hour before now.
func (g *generator) at(daysAgo float64) time.Time {
	t := g.anchor.Add(-time.Duration(daysAgo * 24 * float64(time.Hour))).Truncate(time.Minute)
	return minTime(t, g.now.Add(-time.Hour))
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// orders makes the showcase orders the demo script and browser tests rely on,
// then fills the book with weighted random scenarios up to 400+ orders.
func (g *generator) orders(ctx context.Context) error {
	for _, d := range g.showcase() {
		if err := g.place(ctx, d); err != nil {
			return err
		}
	}
	total := 0
	for _, sc := range scenarios {
		total += sc.weight
	}
	for i := 0; g.stats.orders < 400; i++ {
		c := g.custs[(i*5)%len(g.custs)]
		if c.ID == showcaseUS || c.ID == showcaseUK {
			continue // the demo script's customers have only their hand-written orders
		}
		sc := g.pick(total)
		d := g.newDraft(sc, c, i)
		if err := g.place(ctx, d); err != nil {
			return err
		}
	}
	return nil
}

func (g *generator) pick(total int) scenario {
	n := g.rnd.IntN(total)
	for _, sc := range scenarios {
		if n < sc.weight {
			return sc
		}
		n -= sc.weight
	}
	return scenarios[0]
}

func (g *generator) newDraft(sc scenario, c disputes.Customer, i int) draft {
	var pool []demoMerchant
	for _, m := range demoMerchants {
		if m.market == c.Market && (m.kind == "goods") == sc.goods {
			pool = append(pool, m)
		}
	}
	m := pool[g.rnd.IntN(len(pool))]
	d := draft{scenario: sc.name, m: m, customer: c.ID, ref: fmt.Sprintf("%s-%06d", refPrefix(m), 100000+i*37)}
	for k, n := 0, 1+g.rnd.IntN(min(3, len(m.catalog))); k < n; k++ {
		it := m.catalog[(k+i)%len(m.catalog)]
		d.items = append(d.items, disputes.Item{SKU: it.sku, Name: it.name, Quantity: 1, UnitAmount: it.price})
	}
	if m.kind == "goods" && g.rnd.IntN(3) == 0 {
		d.shipping = 599
	}
	switch p := g.rnd.IntN(20); {
	case m.kind == "subscription":
		d.plan = disputes.PayNow
	case p < 11:
		d.plan = disputes.PayIn4
	case p < 17:
		d.plan = disputes.PayIn30
	default:
		d.plan = disputes.PayNow
	}
	sc.build(g, &d)
	return d
}

func refPrefix(m demoMerchant) string {
	return strings.ToUpper(fmt.Sprintf("%.3s", m.id[len("mer_demo_"):]))
}

// place sends a draft through the order book's own code path (the same one the
// merchant API uses), with its companions: a duplicate capture or the earlier,
// cancelled subscription cycle.
func (g *generator) place(ctx context.Context, d draft) error {
	if d.scenario == "subscription_cancelled_still_billed" {
		prev := d
		prev.ref, prev.captured = d.ref+"-P", d.captured+30
		prev.events = []draftEvent{{typ: disputes.Cancelled, daysAgo: d.captured + 5}}
		if err := g.post(ctx, prev); err != nil {
			return err
		}
	}
	if err := g.post(ctx, d); err != nil {
		return err
	}
	if d.scenario == "duplicate_capture" {
		dup := d
		dup.ref, dup.captured, dup.events = d.ref+"-2", d.captured-3.0/(24*60), nil
		return g.post(ctx, dup)
	}
	return nil
}

func (g *generator) post(ctx context.Context, d draft) error {
	in := d.input(g)
	o, _, err := g.svc.UpsertOrder(ctx, d.m.id, in)
	if err != nil {
		return fmt.Errorf("seed order %s (%s): %w", d.ref, d.scenario, err)
	}
	g.stats.orders++
	g.stats.scenarios[d.scenario]++
	for _, e := range d.events {
		when := g.at(e.daysAgo)
		if err := g.payDue(ctx, o, when); err != nil {
			return err
		}
		typ, at := string(e.typ), when.Format(time.RFC3339)
		ein := disputes.EventInput{Type: &typ, At: &at, Carrier: carrierFor(e.typ), TrackingNumber: trackingFor(e.typ, d.ref)}
		if e.typ == disputes.RefundedEvent {
			amt := e.amount
			if amt < 0 {
				amt = o.CapturedAmount
			}
			ein.Amount = &amt
		}
		if _, o, _, err = g.svc.AddOrderEvent(ctx, d.m.id, o.ID, ein); err != nil {
			return fmt.Errorf("seed event %s on %s: %w", e.typ, d.ref, err)
		}
		g.stats.events++
	}
	return g.payDue(ctx, o, g.now)
}

// payDue records the collection of every scheduled installment due before t.
func (g *generator) payDue(ctx context.Context, o disputes.Order, t time.Time) error {
	for _, in := range o.Plan.Installments {
		paidAt := in.DueDate.Add(9 * time.Hour)
		if in.Status != disputes.Scheduled || !paidAt.Before(t) {
			continue
		}
		if err := g.svc.RecordInstallmentPaid(ctx, o.ID, in.Seq, paidAt); err != nil {
			return err
		}
	}
	return nil
}

func (d draft) input(g *generator) disputes.OrderInput {
	items := make([]disputes.ItemInput, len(d.items))
	var lines int64
	for i, it := range d.items {
		items[i] = disputes.ItemInput{SKU: ptr(it.SKU), Name: ptr(it.Name), Quantity: ptr(it.Quantity), UnitAmount: ptr(it.UnitAmount)}
		lines += int64(it.Quantity) * it.UnitAmount
	}
	captured := lines + d.shipping - d.discount + d.overcharge
	in := disputes.OrderInput{
		MerchantOrderRef: ptr(d.ref), CustomerID: ptr(d.customer), Currency: ptr(d.m.currency), Items: items,
		ShippingAmount: ptr(d.shipping), DiscountAmount: ptr(d.discount), CapturedAmount: ptr(captured),
		CapturedAt: ptr(g.at(d.captured).Format(time.RFC3339)), PaymentPlan: ptr(string(d.plan)),
	}
	if d.m.kind == "goods" {
		exp := d.captured - 6
		if d.expected != nil {
			exp = *d.expected
		}
		in.ExpectedDeliveryBy = ptr(g.anchor.Add(-time.Duration(exp * 24 * float64(time.Hour))).Format(time.RFC3339))
	}
	return in
}

func carrierFor(t disputes.EventType) string {
	switch t {
	case disputes.Shipped, disputes.Delivered, disputes.ReturnShipped, disputes.ReturnReceived:
		return "UPS"
	}
	return ""
}

func trackingFor(t disputes.EventType, ref string) string {
	switch t {
	case disputes.Shipped, disputes.Delivered:
		return "1Z" + ref
	case disputes.ReturnShipped, disputes.ReturnReceived:
		return "1ZR" + ref
	}
	return ""
}

func merchantByID(id string) demoMerchant {
	for _, m := range demoMerchants {
		if m.id == id {
			return m
		}
	}
	panic("demo merchant " + id)
}

func showcaseDraft(scenario, merchantID, customer, ref string, plan disputes.PlanKind, sku string, captured float64) draft {
	m := merchantByID(merchantID)
	d := draft{scenario: scenario, m: m, customer: customer, ref: ref, plan: plan, captured: captured}
	for _, it := range m.catalog {
		if it.sku == sku {
			d.items = []disputes.Item{{SKU: it.sku, Name: it.name, Quantity: 1, UnitAmount: it.price}}
		}
	}
	return d
}

// showcase is the hand-written part of the demo: the orders behind the demo
// script ("I returned my jacket two weeks ago…", "I never bought this", …) for a
// US customer (cus_demo_01) and a UK one (cus_demo_37).
// The demo script's customers.
const showcaseUS, showcaseUK = "cus_demo_01", "cus_demo_37"

func (g *generator) showcase() []draft {
	const us, uk = showcaseUS, showcaseUK
	jacket := showcaseDraft("return_received_no_refund", "mer_demo_northwind", us, "NOR-JACKET-1", disputes.PayIn4, "NW-JKT-RAIN", 35.4)
	shippedDelivered(&jacket, 34.4, 31.5)
	jacket.events = append(jacket.events, draftEvent{typ: disputes.ReturnShipped, daysAgo: 16.6}, draftEvent{typ: disputes.ReturnReceived, daysAgo: 14.5})

	camera := showcaseDraft("delivered_unrecognised_by_customer", "mer_demo_voltline", us, "VOL-CAM-1", disputes.PayIn4, "VL-CAM-4K", 6.4)
	shippedDelivered(&camera, 5.5, 3.6)

	shoes := showcaseDraft("late_no_delivery_scan", "mer_demo_stride", us, "STR-SHOES-1", disputes.PayIn4, "STR-RUN-42", 25.4)
	shoes.expected = ptr(18.0)
	shoes.events = []draftEvent{{typ: disputes.Shipped, daysAgo: 24.5}}

	blender := showcaseDraft("duplicate_capture", "mer_demo_kitchen", us, "KIT-BLEND-1", disputes.PayIn4, "KK-BLEND", 9.4)
	shippedDelivered(&blender, 8.5, 6.5)

	palette := showcaseDraft("invoice_mismatch", "mer_demo_glow", us, "GLO-PALETTE-1", disputes.PayIn30, "GB-PALETTE", 12.4)
	palette.discount, palette.overcharge = 1080, 1080
	shippedDelivered(&palette, 11.5, 9.5)

	stream := showcaseDraft("subscription_cancelled_still_billed", "mer_demo_streambox", us, "STR-SUB-1", disputes.PayNow, "SB-PREMIUM-M", 4.4)

	books := showcaseDraft("delivered", "mer_demo_pageturner", us, "PAG-BOOKS-1", disputes.PayNow, "PT-BOX-FAN", 20.4)
	shippedDelivered(&books, 19.5, 17.5)

	sofa := showcaseDraft("high_value_delivered", "mer_demo_oakash", us, "OAK-SOFA-1", disputes.PayIn4, "OA-SOFA-3", 16.4)
	shippedDelivered(&sofa, 14.5, 10.5)

	coat := showcaseDraft("never_shipped", "mer_demo_thames", uk, "THA-COAT-1", disputes.PayIn4, "TT-COAT-WOOL", 22.4)
	coat.expected = ptr(15.0)

	rug := showcaseDraft("return_received_no_refund", "mer_demo_bricklane", uk, "BRI-RUG-1", disputes.PayIn4, "BL-RUG-L", 40.4)
	shippedDelivered(&rug, 39.5, 36.5)
	rug.events = append(rug.events, draftEvent{typ: disputes.ReturnShipped, daysAgo: 13.6}, draftEvent{typ: disputes.ReturnReceived, daysAgo: 10.5})

	gym := showcaseDraft("subscription_cancelled_still_billed", "mer_demo_fitclub", uk, "FIT-SUB-1", disputes.PayNow, "FC-MEMBER-M", 3.4)

	shirt := showcaseDraft("cancelled_not_refunded", "mer_demo_thames", uk, "THA-SHIRT-1", disputes.PayIn30, "TT-SHIRT-W", 11.4)
	shirt.events = []draftEvent{{typ: disputes.Cancelled, daysAgo: 10.5}}

	return []draft{jacket, camera, shoes, blender, palette, stream, books, sofa, coat, rug, gym, shirt}
}
