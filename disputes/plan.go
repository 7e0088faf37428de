package disputes

import (
	"encoding/json"
	"fmt"
	"time"
)

// PlanKind is a BNPL payment plan.
type PlanKind string

const (
	PayIn4  PlanKind = "pay_in_4"  // four installments two weeks apart, the first at capture
	PayIn30 PlanKind = "pay_in_30" // the whole amount 30 days after capture
	PayNow  PlanKind = "pay_now"   // paid in full at capture
)

// InstallmentStatus is where one installment stands.
type InstallmentStatus string

const (
	Scheduled InstallmentStatus = "scheduled"
	Paid      InstallmentStatus = "paid"
	Paused    InstallmentStatus = "paused"   // a dispute is open: nothing falls due, no fees
	Waived    InstallmentStatus = "waived"   // the lender forgave it
	Refunded  InstallmentStatus = "refunded" // fully refunded by the merchant
)

// Date is a calendar day (UTC), written as "2006-01-02".
type Date struct{ time.Time }

// DateOf returns the UTC calendar day of t.
func DateOf(t time.Time) Date {
	y, m, d := t.UTC().Date()
	return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// AddDays returns the day n days later.
func (d Date) AddDays(n int) Date { return Date{d.Time.AddDate(0, 0, n)} }

// MarshalJSON writes the day as "2006-01-02".
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.Format(time.DateOnly)) }

// UnmarshalJSON reads "2006-01-02".
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	t, err := time.Parse(time.DateOnly, s)
	d.Time = t
	return err
}

// Installment is one scheduled payment of a plan. Amount never changes once the
// plan is made, so a plan's amounts always sum to the captured amount; refunds
// are recorded beside it.
type Installment struct {
	Seq            int               `json:"seq"`
	DueDate        Date              `json:"due_date"`
	Amount         int64             `json:"amount"`
	Status         InstallmentStatus `json:"status"`
	PaidAt         *time.Time        `json:"paid_at,omitempty"`
	RefundedAmount int64             `json:"refunded_amount"`
	LateFee        int64             `json:"late_fee"`
}

// Unpaid reports whether the installment is still to be collected.
func (i Installment) Unpaid() bool { return i.Status == Scheduled || i.Status == Paused }

// AmountDue is what the customer still owes on this installment.
func (i Installment) AmountDue() int64 {
	if !i.Unpaid() {
		return 0
	}
	return i.Amount - i.RefundedAmount + i.LateFee
}

// MarshalJSON adds the derived amount_due, so clients need not recompute it.
func (i Installment) MarshalJSON() ([]byte, error) {
	type plain Installment
	return json.Marshal(struct {
		plain
		AmountDue int64 `json:"amount_due"`
	}{plain(i), i.AmountDue()})
}

// Schedule makes a plan's installments for a total captured at capturedAt. The
// amounts sum exactly to total: a remainder that does not divide evenly goes on
// the first installment, which is collected at capture.
func Schedule(kind PlanKind, total int64, capturedAt time.Time) ([]Installment, error) {
	day := DateOf(capturedAt)
	paidAt := capturedAt.UTC()
	switch kind {
	case PayNow:
		return []Installment{{Seq: 1, DueDate: day, Amount: total, Status: Paid, PaidAt: &paidAt}}, nil
	case PayIn30:
		return []Installment{{Seq: 1, DueDate: day.AddDays(30), Amount: total, Status: Scheduled}}, nil
	case PayIn4:
		if total < 4 {
			return nil, fmt.Errorf("pay_in_4 needs at least 4 minor units, got %d", total)
		}
		base, rem := total/4, total%4
		out := make([]Installment, 4)
		for i := range out {
			out[i] = Installment{Seq: i + 1, DueDate: day.AddDays(14 * i), Amount: base, Status: Scheduled}
		}
		out[0].Amount += rem
		out[0].Status, out[0].PaidAt = Paid, &paidAt
		return out, nil
	}
	return nil, fmt.Errorf("unknown payment plan %q", kind)
}

// Refundable is how much of the plan can still be refunded.
func Refundable(insts []Installment) int64 {
	var n int64
	for _, i := range insts {
		if i.Status != Waived {
			n += i.Amount - i.RefundedAmount
		}
	}
	return n
}

// AllocateRefund applies a merchant refund to a plan: first it cancels what is
// still to be paid, latest installment first (the customer pays less), then it
// returns money on paid installments, latest first. It returns the new
// installments; the input is not modified.
func AllocateRefund(insts []Installment, amount int64) ([]Installment, error) {
	if amount <= 0 {
		return nil, fmt.Errorf("refund must be positive")
	}
	if amount > Refundable(insts) {
		return nil, fmt.Errorf("refund of %d exceeds the %d left to refund", amount, Refundable(insts))
	}
	out := append([]Installment(nil), insts...)
	left := amount
	for _, unpaidPass := range []bool{true, false} {
		for k := len(out) - 1; k >= 0 && left > 0; k-- {
			in := &out[k]
			if in.Unpaid() != unpaidPass || in.Status == Waived || in.Status == Refunded {
				continue
			}
			take := min(left, in.Amount-in.RefundedAmount)
			in.RefundedAmount += take
			left -= take
			if in.RefundedAmount == in.Amount {
				in.Status, in.LateFee = Refunded, 0
			}
		}
	}
	return out, nil
}
