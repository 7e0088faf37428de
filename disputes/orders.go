package disputes

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/settlehq/settle/internal/errs"
)

// Merchant is a store that sells with the lender's plans.
type Merchant struct {
	ID                  string    `json:"merchant_id"`
	Name                string    `json:"name"`
	Market              string    `json:"market"`
	AutoAcceptThreshold int64     `json:"auto_accept_threshold"`
	CreatedAt           time.Time `json:"created_at"`
}

// CreateMerchant adds a merchant. The id is generated unless m.ID is set (the
// demo seed uses fixed ids).
func (s *Service) CreateMerchant(ctx context.Context, m Merchant) (Merchant, error) {
	m.Name = strings.TrimSpace(m.Name)
	if !validText(m.Name, 200) {
		return Merchant{}, errs.Invalidf("name", "a merchant name is 1 to 200 characters")
	}
	if m.Market == "" {
		m.Market = "US"
	}
	if m.AutoAcceptThreshold < 0 {
		return Merchant{}, errs.Invalidf("auto_accept_threshold", "the threshold cannot be negative")
	}
	if m.ID == "" {
		m.ID = s.ids.Make("mer")
	}
	m.CreatedAt = s.clock.Now()
	_, err := s.db.Exec(ctx, `INSERT INTO merchants (id, name, market, auto_accept_threshold, created_at)
		VALUES ($1, $2, $3, $4, $5)`, m.ID, m.Name, m.Market, m.AutoAcceptThreshold, m.CreatedAt)
	if err != nil {
		return Merchant{}, fmt.Errorf("create merchant: %w", err)
	}
	return m, nil
}

// Customer is a person who buys with the lender's plans.
type Customer struct {
	ID        string    `json:"customer_id"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	Phone     string    `json:"phone"`
	Address   string    `json:"address"`
	Market    string    `json:"market"`
	CreatedAt time.Time `json:"created_at"`
}

// SaveCustomer creates a customer or updates their profile.
func (s *Service) SaveCustomer(ctx context.Context, c Customer) error {
	_, err := s.db.Exec(ctx, `INSERT INTO customers (id, name, email, phone, address, market, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (id) DO UPDATE SET name = $2, email = $3, phone = $4,
		address = $5, market = $6`, c.ID, c.Name, c.Email, c.Phone, c.Address, c.Market, s.clock.Now())
	if err != nil {
		return fmt.Errorf("save customer: %w", err)
	}
	return nil
}

// UpsertOrder creates the merchant's order with this merchant_order_ref, or
// updates it. It reports whether the order was created.
//
// An update may change lines, shipping, discount and expected delivery at any
// time. The customer and currency never change. The captured amount, capture
// time and plan may change only while the plan has no activity (nothing
// collected after capture, nothing refunded, nothing paused); the plan is then
// made anew.
func (s *Service) UpsertOrder(ctx context.Context, merchantID string, in OrderInput) (Order, bool, error) {
	now := s.clock.Now()
	o, err := in.Validate(now)
	if err != nil {
		return Order{}, false, err
	}
	o.MerchantID = merchantID
	var created bool
	err = s.tx(ctx, func(tx pgx.Tx) error {
		existing, err := orderIDByRef(ctx, tx, merchantID, o.MerchantOrderRef)
		if err != nil {
			return err
		}
		if existing == "" {
			created = true
			return s.createOrder(ctx, tx, &o, now)
		}
		return s.updateOrder(ctx, tx, existing, &o, now)
	})
	if err != nil {
		return Order{}, false, err
	}
	got, err := getOrder(ctx, s.db, o.ID, false)
	return got, created, err
}

func (s *Service) createOrder(ctx context.Context, tx pgx.Tx, o *Order, now time.Time) error {
	var market string
	if err := tx.QueryRow(ctx, `SELECT market FROM merchants WHERE id = $1`, o.MerchantID).Scan(&market); err != nil {
		return fmt.Errorf("merchant market: %w", err)
	}
	if err := ensureCustomer(ctx, tx, o.CustomerID, o.Market, now); err != nil {
		return err
	}
	o.ID, o.CreatedAt = s.ids.Make("ord"), now
	return insertOrder(ctx, tx, *o)
}

func (s *Service) updateOrder(ctx context.Context, tx pgx.Tx, id string, o *Order, now time.Time) error {
	old, err := getOrder(ctx, tx, id, true)
	if err != nil {
		return err
	}
	switch {
	case old.CustomerID != o.CustomerID:
		return &errs.Error{Kind: errs.Conflict, Code: "immutable_field", Field: "customer_id",
			Message: "an order's customer cannot change; it is " + old.CustomerID}
	case old.Currency != o.Currency:
		return &errs.Error{Kind: errs.Conflict, Code: "immutable_field", Field: "currency",
			Message: "an order's currency cannot change; it is " + old.Currency}
	}
	o.ID, o.UpdatedAt = id, now
	replan := old.CapturedAmount != o.CapturedAmount || !old.CapturedAt.Equal(o.CapturedAt) || old.Plan.Kind != o.Plan.Kind
	if replan && planHasActivity(old) {
		return &errs.Error{Kind: errs.Conflict, Code: "plan_has_activity", Field: "captured_amount",
			Message: "the payment plan has payments, refunds or a pause; captured_amount, captured_at and payment_plan can no longer change"}
	}
	if err := updateOrder(ctx, tx, *o); err != nil {
		return err
	}
	if replan {
		return replaceInstallments(ctx, tx, id, o.Plan.Installments)
	}
	return nil
}

// planHasActivity reports whether anything happened to the plan since it was
// made: it no longer matches a fresh schedule, or money was refunded.
func planHasActivity(o Order) bool {
	fresh, err := Schedule(o.Plan.Kind, o.CapturedAmount, o.CapturedAt)
	if err != nil || len(fresh) != len(o.Plan.Installments) || o.RefundedTotal() > 0 {
		return true
	}
	for i, in := range o.Plan.Installments {
		f := fresh[i]
		if in.Status != f.Status || in.RefundedAmount != 0 || in.LateFee != 0 || !in.DueDate.Equal(f.DueDate.Time) {
			return true
		}
	}
	return false
}

// AddOrderEvent records a merchant's event on one of its orders. A refund is
// applied to the payment plan in the same transaction. Reporting the same event
// twice records it once (created is then false).
func (s *Service) AddOrderEvent(ctx context.Context, merchantID, orderID string, in EventInput) (Event, Order, bool, error) {
	now := s.clock.Now()
	e, err := in.Validate(now)
	if err != nil {
		return Event{}, Order{}, false, err
	}
	e.ID, e.ReceivedAt = s.ids.Make("evt"), now
	var created bool
	err = s.tx(ctx, func(tx pgx.Tx) error {
		o, err := getOrder(ctx, tx, orderID, true)
		if err != nil {
			return err
		}
		if o.MerchantID != merchantID {
			return ErrOrderNotFound // another merchant's order does not exist for this one
		}
		if e, created, err = insertEvent(ctx, tx, orderID, e); err != nil || !created {
			return err
		}
		if e.Type != RefundedEvent {
			return nil
		}
		insts, err := AllocateRefund(o.Plan.Installments, *e.Amount)
		if err != nil {
			return errs.Invalidf("amount", "refund of %d exceeds the %d %s left to refund on this order",
				*e.Amount, Refundable(o.Plan.Installments), o.Currency)
		}
		return saveInstallments(ctx, tx, orderID, insts)
	})
	if err != nil {
		return Event{}, Order{}, false, err
	}
	o, err := getOrder(ctx, s.db, orderID, false)
	return e, o, created, err
}

// RecordInstallmentPaid marks an installment collected. Collection itself is the
// lender's payment system's job; this records its result.
func (s *Service) RecordInstallmentPaid(ctx context.Context, orderID string, seq int, at time.Time) error {
	tag, err := s.db.Exec(ctx, `UPDATE installments SET status = 'paid', paid_at = $3
		WHERE order_id = $1 AND seq = $2 AND status = 'scheduled'`, orderID, seq, at)
	if err != nil {
		return fmt.Errorf("record payment: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return errs.Conflictf("installment_not_collectable", "installment %d of order %s is not scheduled", seq, orderID)
	}
	return nil
}

// OrderForMerchant returns one of the merchant's orders.
func (s *Service) OrderForMerchant(ctx context.Context, merchantID, orderID string) (Order, error) {
	o, err := getOrder(ctx, s.db, orderID, false)
	if err == nil && o.MerchantID != merchantID {
		return Order{}, ErrOrderNotFound
	}
	return o, err
}

// OrderForCustomer returns one of the customer's orders.
func (s *Service) OrderForCustomer(ctx context.Context, customerID, orderID string) (Order, error) {
	o, err := getOrder(ctx, s.db, orderID, false)
	if err == nil && o.CustomerID != customerID {
		return Order{}, ErrOrderNotFound
	}
	return o, err
}

// Page asks for one page of a list, newest first.
type Page struct {
	Limit  int
	Cursor string // opaque, from the previous page's NextCursor
}

// CustomerOrders lists a customer's orders, newest capture first.
func (s *Service) CustomerOrders(ctx context.Context, customerID string, p Page) ([]Order, string, error) {
	limit := p.Limit
	if limit <= 0 || limit > 100 {
		limit = 50
	}
	after, afterID, err := decodeCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	orders, err := queryOrders(ctx, s.db, `SELECT `+orderColumns+` FROM orders o JOIN merchants m ON m.id = o.merchant_id
		WHERE o.customer_id = $1 AND ($2::timestamptz IS NULL OR (o.captured_at, o.id) < ($2, $3))
		ORDER BY o.captured_at DESC, o.id DESC LIMIT $4`, customerID, after, afterID, limit+1)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(orders) > limit {
		orders = orders[:limit]
		last := orders[limit-1]
		next = encodeCursor(last.CapturedAt, last.ID)
	}
	return orders, next, nil
}

func encodeCursor(t time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(t.Format(time.RFC3339Nano) + "|" + id))
}

func decodeCursor(c string) (*time.Time, string, error) {
	if c == "" {
		return nil, "", nil
	}
	bad := errs.Field(errs.Invalid, "cursor", "the cursor is not one this API returned")
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return nil, "", bad
	}
	ts, id, ok := strings.Cut(string(raw), "|")
	t, err := time.Parse(time.RFC3339Nano, ts)
	if !ok || err != nil {
		return nil, "", bad
	}
	return &t, id, nil
}
