package disputes_test

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestLateFeesNeverOnPausedInstallments(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	// Two orders a month old: installment 2 was due 15 days ago, unpaid.
	plain := e.placeOrder(orderOpts{ref: "LF-1", customer: "cus_1", unit: 20000, capturedAt: "2026-10-24T10:00:00Z"})
	disputed := e.placeOrder(orderOpts{ref: "LF-2", customer: "cus_1", unit: 20000, capturedAt: "2026-10-24T10:00:00Z"})
	e.report("cus_1", disputed, "defective_or_not_as_described")

	n, err := e.svc.AccrueLateFees(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fee := func(oid string, seq int) (f int64) {
		e.pool.QueryRow(ctx, `SELECT late_fee FROM installments WHERE order_id = $1 AND seq = $2`, oid, seq).Scan(&f)
		return
	}
	if n != 1 || fee(plain, 2) != 800 || fee(disputed, 2) != 0 {
		t.Fatalf("charged %d; plain %d, disputed %d", n, fee(plain, 2), fee(disputed, 2))
	}
	if n, _ := e.svc.AccrueLateFees(ctx); n != 0 {
		t.Fatalf("a second run charged %d more", n)
	}
	t.Run("within the grace period no fee", func(t *testing.T) {
		if fee(plain, 3) != 0 { // due 21 Nov: 1 day overdue
			t.Fatal("fee inside the grace period")
		}
	})
	t.Run("the database refuses a fee on a paused installment", func(t *testing.T) {
		_, err := e.pool.Exec(ctx, `UPDATE installments SET late_fee = 800 WHERE order_id = $1 AND seq = 2`, disputed)
		if err == nil || !strings.Contains(err.Error(), "paused") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("fees stop at a quarter of the order", func(t *testing.T) {
		small := e.placeOrder(orderOpts{ref: "LF-3", customer: "cus_2", unit: 4000, capturedAt: "2026-10-24T10:00:00Z"})
		e.clock.Advance(60 * 24 * time.Hour) // every installment long overdue
		defer e.clock.Set(testNow)
		for range 4 {
			e.svc.AccrueLateFees(ctx)
		}
		total := func(oid string) (n int64) {
			e.pool.QueryRow(ctx, `SELECT sum(late_fee) FROM installments WHERE order_id = $1`, oid).Scan(&n)
			return
		}
		if total(small) != 800 || total(plain) != 2400 {
			t.Fatalf("fees: small order %d (cap 1000), plain order %d", total(small), total(plain))
		}
	})
}
