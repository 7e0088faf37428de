package disputes_test

import (
	"context"
	"strings"
	"testing"
)

// The database itself refuses a plan that does not sum to the captured amount,
// whatever code path writes it.
func TestPlanTotalIsEnforcedByTheDatabase(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	oid := e.call("POST", "/v1/merchant/orders", e.keys["mer_a"], validOrder("T-1", "cust-1")).body["order_id"].(string)
	ctx := context.Background()
	for name, sql := range map[string]string{
		"installment amount changed": `UPDATE installments SET amount = amount + 1 WHERE order_id = $1 AND seq = 2`,
		"installment deleted":        `DELETE FROM installments WHERE order_id = $1 AND seq = 4`,
		"captured amount changed":    `UPDATE orders SET captured_amount = captured_amount - 1 WHERE id = $1`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := e.pool.Exec(ctx, sql, oid)
			if err == nil || !strings.Contains(err.Error(), "payment plan") {
				t.Fatalf("want the plan-total check to fail, got %v", err)
			}
		})
	}
}
