package disputes

import (
	"math"
	"time"
)

// The plan effects of a dispute, as pure functions over installments. Each
// returns new installments and leaves its input alone.

// PausePlan pauses every installment still to be collected (payment-pause#2.1).
func PausePlan(insts []Installment) []Installment {
	out := append([]Installment(nil), insts...)
	for i := range out {
		if out[i].Status == Scheduled {
			out[i].Status = Paused
		}
	}
	return out
}

// ResumePlan unpauses a plan: every paused due date moves later by the days the
// plan was paused, or more, so that the first resumed payment falls due at
// least 14 days after the customer is told (payment-pause#5.1). The gaps
// between payments stay the same.
func ResumePlan(insts []Installment, pausedAt, now time.Time) []Installment {
	out := append([]Installment(nil), insts...)
	shift := int(math.Ceil(now.Sub(pausedAt).Hours() / 24))
	earliest := DateOf(now).AddDays(14)
	for _, in := range out {
		if in.Status == Paused {
			if need := daysBetween(in.DueDate, earliest); need > shift {
				shift = need
			}
			break // installments are in due order: the first paused one sets the floor
		}
	}
	for i := range out {
		if out[i].Status == Paused {
			out[i].Status = Scheduled
			out[i].DueDate = out[i].DueDate.AddDays(shift)
		}
	}
	return out
}

func daysBetween(a, b Date) int { return int(math.Round(b.Sub(a.Time).Hours() / 24)) }

// SettleForCustomer gives amount back to the customer: it is first taken off
// what is still owed, latest installment first (those become waived when
// nothing is left on them), then returned on paid installments, latest first.
// Late fees on installments still owed are waived with them (late-fees#5.2).
func SettleForCustomer(insts []Installment, amount int64) []Installment {
	out := append([]Installment(nil), insts...)
	left := amount
	for _, unpaid := range []bool{true, false} {
		for k := len(out) - 1; k >= 0 && left > 0; k-- {
			in := &out[k]
			if in.Unpaid() != unpaid || in.Status == Waived || in.Status == Refunded {
				continue
			}
			take := min(left, in.Amount-in.RefundedAmount)
			in.RefundedAmount += take
			left -= take
			if in.RefundedAmount == in.Amount {
				in.LateFee = 0
				if unpaid {
					in.Status = Waived
				} else {
					in.Status = Refunded
				}
			}
		}
	}
	return out
}

// Effect is one installment's change, kept with a decision so an overturn can
// put the plan back exactly.
type Effect struct {
	Seq    int         `json:"seq"`
	Before Installment `json:"before"`
	After  Installment `json:"after"`
}

// Diff lists the installments that differ between before and after.
func Diff(before, after []Installment) []Effect {
	var out []Effect
	for i := range before {
		b, a := before[i], after[i]
		if b.Status != a.Status || b.RefundedAmount != a.RefundedAmount || b.LateFee != a.LateFee ||
			!b.DueDate.Equal(a.DueDate.Time) {
			out = append(out, Effect{Seq: b.Seq, Before: b, After: a})
		}
	}
	return out
}

// Revert puts the installments named in effects back as they were.
func Revert(insts []Installment, effects []Effect) []Installment {
	out := append([]Installment(nil), insts...)
	for _, e := range effects {
		for i := range out {
			if out[i].Seq == e.Seq {
				out[i] = e.Before
			}
		}
	}
	return out
}
