package disputes

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/settlehq/settle/internal/errs"
)

// Order is a purchase financed by the lender, as the merchant reported it.
type Order struct {
	ID                 string      `json:"order_id"`
	MerchantID         string      `json:"merchant_id"`
	MerchantName       string      `json:"merchant_name"`
	MerchantOrderRef   string      `json:"merchant_order_ref"`
	CustomerID         string      `json:"customer_id"`
	Market             string      `json:"market"`
	Currency           string      `json:"currency"`
	Items              []Item      `json:"items"`
	ShippingAmount     int64       `json:"shipping_amount"`
	DiscountAmount     int64       `json:"discount_amount"`
	CapturedAmount     int64       `json:"captured_amount"`
	CapturedAt         time.Time   `json:"captured_at"`
	ExpectedDeliveryBy *time.Time  `json:"expected_delivery_by"`
	Plan               PaymentPlan `json:"payment_plan"`
	Events             []Event     `json:"events"`
	CreatedAt          time.Time   `json:"created_at"`
	UpdatedAt          time.Time   `json:"updated_at"`
}

// Item is one order line.
type Item struct {
	SKU        string `json:"sku"`
	Name       string `json:"name"`
	Quantity   int    `json:"quantity"`
	UnitAmount int64  `json:"unit_amount"`
}

// PaymentPlan is how the customer pays for the order.
type PaymentPlan struct {
	Kind         PlanKind      `json:"type"`
	Installments []Installment `json:"installments"`
}

// EventType is a step of an order's life the merchant reports.
type EventType string

const (
	Shipped        EventType = "shipped"
	Delivered      EventType = "delivered"
	ReturnShipped  EventType = "return_shipped"
	ReturnReceived EventType = "return_received"
	RefundedEvent  EventType = "refunded"
	Cancelled      EventType = "cancelled"
)

var eventTypes = []EventType{Shipped, Delivered, ReturnShipped, ReturnReceived, RefundedEvent, Cancelled}

// Event is one reported step; At is when it happened, ReceivedAt when Settle
// heard of it. Merchants may report events late and out of order: readers order
// by At.
type Event struct {
	ID             string    `json:"id"`
	Type           EventType `json:"type"`
	At             time.Time `json:"at"`
	Carrier        string    `json:"carrier,omitempty"`
	TrackingNumber string    `json:"tracking_number,omitempty"`
	Amount         *int64    `json:"amount,omitempty"`
	ReceivedAt     time.Time `json:"received_at"`
}

// LinesTotal is the sum of the order lines.
func (o Order) LinesTotal() int64 {
	var n int64
	for _, it := range o.Items {
		n += int64(it.Quantity) * it.UnitAmount
	}
	return n
}

// ExpectedTotal is what the customer should have been charged: lines plus
// shipping minus discounts. It differs from CapturedAmount on a wrong invoice.
func (o Order) ExpectedTotal() int64 { return o.LinesTotal() + o.ShippingAmount - o.DiscountAmount }

// RefundedTotal is the sum of the merchant's refund events.
func (o Order) RefundedTotal() int64 {
	var n int64
	for _, e := range o.Events {
		if e.Type == RefundedEvent && e.Amount != nil {
			n += *e.Amount
		}
	}
	return n
}

// Limits on merchant input. Amounts are minor units.
const (
	maxAmount   = 10_000_000_000 // 100 million in a two-decimal currency
	maxItems    = 100
	maxQuantity = 10_000
	clockSkew   = 5 * time.Minute
)

// currencies Settle accepts, all with two decimal places (minor units = cents).
var currencies = map[string]string{
	"USD": "US", "GBP": "UK", "EUR": "EU", "SEK": "SE", "NOK": "NO", "DKK": "DK",
	"AUD": "AU", "CAD": "CA", "CHF": "CH", "NZD": "NZ", "PLN": "PL",
}

// MarketOf is the market a currency's orders belong to.
func MarketOf(currency string) string { return currencies[currency] }

var refPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:/#@+-]{0,127}$`)

// OrderInput is the merchant's create-or-update request. Pointer fields tell a
// missing field from a zero one.
type OrderInput struct {
	MerchantOrderRef   *string     `json:"merchant_order_ref"`
	CustomerID         *string     `json:"customer_id"`
	Currency           *string     `json:"currency"`
	Items              []ItemInput `json:"items"`
	ShippingAmount     *int64      `json:"shipping_amount"`
	DiscountAmount     *int64      `json:"discount_amount"`
	CapturedAmount     *int64      `json:"captured_amount"`
	CapturedAt         *string     `json:"captured_at"`
	PaymentPlan        *string     `json:"payment_plan"`
	ExpectedDeliveryBy *string     `json:"expected_delivery_by"`
}

// ItemInput is one order line as sent.
type ItemInput struct {
	SKU        *string `json:"sku"`
	Name       *string `json:"name"`
	Quantity   *int    `json:"quantity"`
	UnitAmount *int64  `json:"unit_amount"`
}

// Validate checks the input and returns the order it describes (without ids).
// now bounds timestamps: nothing may be captured in the future.
func (in OrderInput) Validate(now time.Time) (Order, error) {
	var o Order
	var err error
	if o.MerchantOrderRef, err = requiredRef("merchant_order_ref", in.MerchantOrderRef); err != nil {
		return o, err
	}
	if o.CustomerID, err = requiredRef("customer_id", in.CustomerID); err != nil {
		return o, err
	}
	if in.Currency == nil {
		return o, missing("currency")
	}
	if o.Market = MarketOf(*in.Currency); o.Market == "" {
		return o, errs.Invalidf("currency", "currency %q is not supported; use an ISO 4217 code such as USD or GBP", *in.Currency)
	}
	o.Currency = *in.Currency
	if o.Items, err = validItems(in.Items); err != nil {
		return o, err
	}
	if o.ShippingAmount, err = optionalAmount("shipping_amount", in.ShippingAmount); err != nil {
		return o, err
	}
	if o.DiscountAmount, err = optionalAmount("discount_amount", in.DiscountAmount); err != nil {
		return o, err
	}
	if o.DiscountAmount > o.LinesTotal()+o.ShippingAmount {
		return o, errs.Invalidf("discount_amount", "discount_amount exceeds the order lines plus shipping")
	}
	if in.CapturedAmount == nil {
		return o, missing("captured_amount")
	}
	if o.CapturedAmount = *in.CapturedAmount; o.CapturedAmount <= 0 || o.CapturedAmount > maxAmount {
		return o, errs.Invalidf("captured_amount", "captured_amount must be from 1 to %d minor units", int64(maxAmount))
	}
	if o.CapturedAt, err = requiredTime("captured_at", in.CapturedAt, now); err != nil {
		return o, err
	}
	if err = o.validPlan(in.PaymentPlan); err != nil {
		return o, err
	}
	return o, o.validDelivery(in.ExpectedDeliveryBy)
}

func (o *Order) validPlan(kind *string) error {
	if kind == nil {
		return missing("payment_plan")
	}
	o.Plan.Kind = PlanKind(*kind)
	if o.Plan.Kind != PayIn4 && o.Plan.Kind != PayIn30 && o.Plan.Kind != PayNow {
		return errs.Invalidf("payment_plan", "payment_plan must be pay_in_4, pay_in_30 or pay_now, not %q", *kind)
	}
	insts, err := Schedule(o.Plan.Kind, o.CapturedAmount, o.CapturedAt)
	if err != nil {
		return errs.Invalidf("captured_amount", "%v", err)
	}
	o.Plan.Installments = insts
	return nil
}

func (o *Order) validDelivery(s *string) error {
	if s == nil || *s == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339, *s)
	if err != nil {
		return errs.Invalidf("expected_delivery_by", "expected_delivery_by must be an RFC 3339 time such as 2026-11-22T10:00:00Z")
	}
	if t.Before(o.CapturedAt) {
		return errs.Invalidf("expected_delivery_by", "expected_delivery_by is before captured_at")
	}
	t = t.UTC()
	o.ExpectedDeliveryBy = &t
	return nil
}

func validItems(items []ItemInput) ([]Item, error) {
	if items == nil {
		return nil, missing("items")
	}
	if len(items) == 0 || len(items) > maxItems {
		return nil, errs.Invalidf("items", "an order has 1 to %d items", maxItems)
	}
	out := make([]Item, len(items))
	for i, it := range items {
		f := func(name string) string { return "items[" + strconv.Itoa(i) + "]." + name }
		switch {
		case it.SKU == nil || !validText(*it.SKU, 64):
			return nil, errs.Invalidf(f("sku"), "%s is required: 1 to 64 characters", f("sku"))
		case it.Name == nil || !validText(*it.Name, 200):
			return nil, errs.Invalidf(f("name"), "%s is required: 1 to 200 characters", f("name"))
		case it.Quantity == nil || *it.Quantity < 1 || *it.Quantity > maxQuantity:
			return nil, errs.Invalidf(f("quantity"), "%s is required: a whole number from 1 to %d", f("quantity"), maxQuantity)
		case it.UnitAmount == nil || *it.UnitAmount < 0 || *it.UnitAmount > maxAmount:
			return nil, errs.Invalidf(f("unit_amount"), "%s is required: minor units from 0 to %d", f("unit_amount"), int64(maxAmount))
		}
		out[i] = Item{SKU: strings.TrimSpace(*it.SKU), Name: strings.TrimSpace(*it.Name), Quantity: *it.Quantity, UnitAmount: *it.UnitAmount}
	}
	return out, nil
}

func missing(field string) error {
	return errs.Invalidf(field, "%s is required", field)
}

func requiredRef(field string, s *string) (string, error) {
	if s == nil || *s == "" {
		return "", missing(field)
	}
	if !refPattern.MatchString(*s) {
		return "", errs.Invalidf(field, "%s must be 1 to 128 letters, digits or ._:/#@+- and start with a letter or digit", field)
	}
	return *s, nil
}

func optionalAmount(field string, n *int64) (int64, error) {
	if n == nil {
		return 0, nil
	}
	if *n < 0 || *n > maxAmount {
		return 0, errs.Invalidf(field, "%s must be from 0 to %d minor units", field, int64(maxAmount))
	}
	return *n, nil
}

func requiredTime(field string, s *string, now time.Time) (time.Time, error) {
	if s == nil || *s == "" {
		return time.Time{}, missing(field)
	}
	t, err := time.Parse(time.RFC3339, *s)
	if err != nil {
		return time.Time{}, errs.Invalidf(field, "%s must be an RFC 3339 time such as 2026-11-22T10:00:00Z", field)
	}
	if t.After(now.Add(clockSkew)) {
		return time.Time{}, errs.Invalidf(field, "%s is in the future", field)
	}
	if t.Year() < 2000 {
		return time.Time{}, errs.Invalidf(field, "%s is before the year 2000", field)
	}
	return t.UTC(), nil
}

func validText(s string, max int) bool {
	s = strings.TrimSpace(s)
	return s != "" && utf8.ValidString(s) && utf8.RuneCountInString(s) <= max && !strings.ContainsAny(s, "\x00\r\n")
}

// EventInput is a merchant's order event as sent.
type EventInput struct {
	Type           *string `json:"type"`
	At             *string `json:"at"`
	Carrier        string  `json:"carrier"`
	TrackingNumber string  `json:"tracking_number"`
	Amount         *int64  `json:"amount"`
}

// Validate checks the event on its own; checks against the order (refund
// bounds) happen when it is applied.
func (in EventInput) Validate(now time.Time) (Event, error) {
	var e Event
	if in.Type == nil || *in.Type == "" {
		return e, missing("type")
	}
	e.Type = EventType(*in.Type)
	if !validEventType(e.Type) {
		return e, errs.Invalidf("type", "type must be one of shipped, delivered, return_shipped, return_received, refunded, cancelled; not %q", *in.Type)
	}
	at, err := requiredTime("at", in.At, now)
	if err != nil {
		return e, err
	}
	e.At = at
	for _, f := range []struct{ name, v string }{{"carrier", in.Carrier}, {"tracking_number", in.TrackingNumber}} {
		if f.v != "" && !validText(f.v, 64) {
			return e, errs.Invalidf(f.name, "%s must be at most 64 characters on one line", f.name)
		}
	}
	e.Carrier, e.TrackingNumber = strings.TrimSpace(in.Carrier), strings.TrimSpace(in.TrackingNumber)
	switch {
	case e.Type == RefundedEvent && in.Amount == nil:
		return e, errs.Invalidf("amount", "a refunded event needs the amount refunded")
	case e.Type == RefundedEvent && (*in.Amount <= 0 || *in.Amount > maxAmount):
		return e, errs.Invalidf("amount", "amount must be from 1 to %d minor units", int64(maxAmount))
	case e.Type != RefundedEvent && in.Amount != nil:
		return e, errs.Invalidf("amount", "amount applies only to refunded events")
	}
	e.Amount = in.Amount
	return e, nil
}

func validEventType(t EventType) bool {
	for _, v := range eventTypes {
		if v == t {
			return true
		}
	}
	return false
}
