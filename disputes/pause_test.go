package disputes

import (
	"testing"
	"time"
)

// The worked example of payment-pause#5.1: paused 30 days, but the next payment
// must be due at least 14 days after the notice, so the schedule moves 39 days.
func TestResumePlanWorkedExample(t *testing.T) {
	plan := []Installment{
		{Seq: 1, DueDate: day0("2026-03-01"), Amount: 5000, Status: Paid},
		{Seq: 2, DueDate: day0("2026-03-15"), Amount: 5000, Status: Scheduled},
		{Seq: 3, DueDate: day0("2026-03-29"), Amount: 5000, Status: Scheduled},
		{Seq: 4, DueDate: day0("2026-04-12"), Amount: 5000, Status: Scheduled},
	}
	paused := PausePlan(plan)
	for _, in := range paused[1:] {
		if in.Status != Paused {
			t.Fatalf("installment %d not paused", in.Seq)
		}
	}
	if paused[0].Status != Paid || plan[1].Status != Scheduled {
		t.Fatal("paid installment touched, or input modified")
	}
	resumed := ResumePlan(paused, at("2026-03-10T09:00:00Z"), at("2026-04-09T09:00:00Z"))
	want := []string{"2026-03-01", "2026-04-23", "2026-05-07", "2026-05-21"}
	for i, in := range resumed {
		if got := in.DueDate.Format(time.DateOnly); got != want[i] {
			t.Errorf("installment %d due %s, want %s", in.Seq, got, want[i])
		}
		if i > 0 && in.Status != Scheduled {
			t.Errorf("installment %d is %s", in.Seq, in.Status)
		}
	}
	t.Run("a long pause shifts by the days paused", func(t *testing.T) {
		r := ResumePlan(paused, at("2026-03-10T09:00:00Z"), at("2026-03-30T09:00:00Z")) // 20 days
		// next due 15 March + 20 = 4 April is less than 30 March + 14 = 13 April: floor wins (29 days)
		if got := r[1].DueDate.Format(time.DateOnly); got != "2026-04-13" {
			t.Fatalf("got %s", got)
		}
		r = ResumePlan(paused, at("2026-03-01T09:00:00Z"), at("2026-03-02T09:00:00Z"))
		if got := r[3].DueDate.Format(time.DateOnly); got != "2026-04-13" { // 1 day paused; 15 Mar + 1 = 16 Mar = notice + 14
			t.Fatalf("short pause: got %s", got)
		}
	})
}

func TestSettleForCustomer(t *testing.T) {
	plan := PausePlan([]Installment{
		{Seq: 1, Amount: 2500, Status: Paid},
		{Seq: 2, Amount: 2500, Status: Scheduled, LateFee: 800},
		{Seq: 3, Amount: 2500, Status: Scheduled},
		{Seq: 4, Amount: 2500, Status: Scheduled},
	})
	full := SettleForCustomer(plan, 10000)
	for _, in := range full {
		if in.Unpaid() || in.RefundedAmount != in.Amount || in.LateFee != 0 {
			t.Errorf("full settlement left %+v", in)
		}
	}
	if full[0].Status != Refunded || full[1].Status != Waived {
		t.Errorf("paid should be refunded and unpaid waived: %s %s", full[0].Status, full[1].Status)
	}
	part := SettleForCustomer(plan, 3000)
	if part[3].Status != Waived || part[2].RefundedAmount != 500 || part[2].Status != Paused || part[0].Status != Paid {
		t.Errorf("partial settlement: %+v", part)
	}
	effects := Diff(plan, part)
	if len(effects) != 2 {
		t.Fatalf("effects %+v", effects)
	}
	back := Revert(part, effects)
	if len(Diff(plan, back)) != 0 {
		t.Fatal("revert did not restore the plan")
	}
}

func day0(s string) Date {
	t, _ := time.Parse(time.DateOnly, s)
	return Date{t}
}

func at(s string) time.Time {
	t, _ := time.Parse(time.RFC3339, s)
	return t
}
