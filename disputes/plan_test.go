package disputes

import (
	"math/rand/v2"
	"testing"
	"time"
)

var capture = time.Date(2026, 3, 10, 15, 30, 0, 0, time.UTC)

func sum(insts []Installment) int64 {
	var n int64
	for _, i := range insts {
		n += i.Amount
	}
	return n
}

func TestSchedule(t *testing.T) {
	tests := []struct {
		name     string
		kind     PlanKind
		total    int64
		amounts  []int64
		due      []string
		statuses []InstallmentStatus
	}{
		{"pay in 4 divides evenly", PayIn4, 10000, []int64{2500, 2500, 2500, 2500},
			[]string{"2026-03-10", "2026-03-24", "2026-04-07", "2026-04-21"}, []InstallmentStatus{Paid, Scheduled, Scheduled, Scheduled}},
		{"pay in 4 remainder goes on the first installment", PayIn4, 10003, []int64{2503, 2500, 2500, 2500},
			[]string{"2026-03-10", "2026-03-24", "2026-04-07", "2026-04-21"}, []InstallmentStatus{Paid, Scheduled, Scheduled, Scheduled}},
		{"pay in 4 smallest amount", PayIn4, 4, []int64{1, 1, 1, 1},
			[]string{"2026-03-10", "2026-03-24", "2026-04-07", "2026-04-21"}, []InstallmentStatus{Paid, Scheduled, Scheduled, Scheduled}},
		{"pay in 30 is one installment thirty days on", PayIn30, 4999, []int64{4999},
			[]string{"2026-04-09"}, []InstallmentStatus{Scheduled}},
		{"pay now is paid at capture", PayNow, 4999, []int64{4999},
			[]string{"2026-03-10"}, []InstallmentStatus{Paid}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Schedule(tt.kind, tt.total, capture)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.amounts) {
				t.Fatalf("got %d installments, want %d", len(got), len(tt.amounts))
			}
			for i, in := range got {
				if in.Seq != i+1 || in.Amount != tt.amounts[i] || in.DueDate.Format(time.DateOnly) != tt.due[i] || in.Status != tt.statuses[i] {
					t.Errorf("installment %d = %+v, want amount %d due %s status %s", i+1, in, tt.amounts[i], tt.due[i], tt.statuses[i])
				}
				if (in.Status == Paid) != (in.PaidAt != nil) {
					t.Errorf("installment %d: status %s with paid_at %v", i+1, in.Status, in.PaidAt)
				}
			}
		})
	}
}

func TestScheduleRejects(t *testing.T) {
	for _, tc := range []struct {
		name  string
		kind  PlanKind
		total int64
	}{{"pay in 4 below four minor units", PayIn4, 3}, {"unknown plan", "pay_in_12", 1000}} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Schedule(tc.kind, tc.total, capture); err == nil {
				t.Fatal("want an error")
			}
		})
	}
}

// Every plan of every amount sums exactly to the amount captured.
func TestScheduleSumsToTotal(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		total := 4 + r.Int64N(maxAmount)
		for _, k := range []PlanKind{PayIn4, PayIn30, PayNow} {
			insts, err := Schedule(k, total, capture)
			if err != nil {
				t.Fatal(err)
			}
			if s := sum(insts); s != total {
				t.Fatalf("%s of %d sums to %d", k, total, s)
			}
			for _, in := range insts {
				if in.Amount <= 0 {
					t.Fatalf("%s of %d has a non-positive installment %+v", k, total, in)
				}
			}
		}
	}
}

func TestAllocateRefund(t *testing.T) {
	plan, _ := Schedule(PayIn4, 10000, capture) // 1 paid, 2-4 scheduled
	tests := []struct {
		name     string
		amount   int64
		refunded []int64
		statuses []InstallmentStatus
	}{
		{"partial refund reduces the last unpaid installment", 1000,
			[]int64{0, 0, 0, 1000}, []InstallmentStatus{Paid, Scheduled, Scheduled, Scheduled}},
		{"refund of one installment cancels the last", 2500,
			[]int64{0, 0, 0, 2500}, []InstallmentStatus{Paid, Scheduled, Scheduled, Refunded}},
		{"refund of all unpaid cancels every unpaid installment", 7500,
			[]int64{0, 2500, 2500, 2500}, []InstallmentStatus{Paid, Refunded, Refunded, Refunded}},
		{"full refund also returns what was paid", 10000,
			[]int64{2500, 2500, 2500, 2500}, []InstallmentStatus{Refunded, Refunded, Refunded, Refunded}},
		{"refund beyond unpaid returns part of a paid installment", 8000,
			[]int64{500, 2500, 2500, 2500}, []InstallmentStatus{Paid, Refunded, Refunded, Refunded}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := AllocateRefund(plan, tt.amount)
			if err != nil {
				t.Fatal(err)
			}
			for i, in := range got {
				if in.RefundedAmount != tt.refunded[i] || in.Status != tt.statuses[i] {
					t.Errorf("installment %d: refunded %d status %s, want %d %s", i+1, in.RefundedAmount, in.Status, tt.refunded[i], tt.statuses[i])
				}
			}
			if sum(got) != 10000 {
				t.Errorf("amounts changed: sum %d", sum(got))
			}
			if plan[3].RefundedAmount != 0 {
				t.Error("input plan was modified")
			}
		})
	}
	t.Run("refund beyond what is left is refused", func(t *testing.T) {
		half, _ := AllocateRefund(plan, 6000)
		if _, err := AllocateRefund(half, 4001); err == nil {
			t.Fatal("want an error")
		}
		if _, err := AllocateRefund(half, 4000); err != nil {
			t.Fatalf("refunding exactly what is left: %v", err)
		}
	})
	t.Run("zero refund is refused", func(t *testing.T) {
		if _, err := AllocateRefund(plan, 0); err == nil {
			t.Fatal("want an error")
		}
	})
}

func TestAmountDue(t *testing.T) {
	in := Installment{Amount: 2500, RefundedAmount: 500, LateFee: 700, Status: Scheduled}
	if got := in.AmountDue(); got != 2700 {
		t.Errorf("scheduled: due %d, want 2700", got)
	}
	in.Status = Paid
	if got := in.AmountDue(); got != 0 {
		t.Errorf("paid: due %d, want 0", got)
	}
}
