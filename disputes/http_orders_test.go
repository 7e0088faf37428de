package disputes_test

import (
	"fmt"
	"strings"
	"testing"
)

func TestCreateOrder(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.call("POST", "/v1/merchant/orders", e.keys["mer_a"], validOrder("A-1", "cust-1"))
	if r.status != 201 {
		t.Fatalf("status %d: %s", r.status, r.raw)
	}
	if r.body["order_id"] == "" || r.body["customer_id"] != "cust-1" || r.body["merchant_id"] != "mer_a" {
		t.Errorf("unexpected order %s", r.raw)
	}
	insts := installments(t, r.body)
	var total float64
	for _, in := range insts {
		total += in["amount"].(float64)
	}
	if len(insts) != 4 || total != 14899 {
		t.Errorf("plan has %d installments summing to %v, want 4 summing to 14899", len(insts), total)
	}
	if insts[0]["status"] != "paid" || insts[1]["status"] != "scheduled" || insts[1]["due_date"] != "2026-12-04" {
		t.Errorf("unexpected schedule %v", insts)
	}
	t.Run("unknown customer is created", func(t *testing.T) {
		var n int
		e.pool.QueryRow(t.Context(), `SELECT count(*) FROM customers WHERE id = 'cust-1'`).Scan(&n)
		if n != 1 {
			t.Fatalf("customer rows: %d", n)
		}
	})
	t.Run("the customer sees it", func(t *testing.T) {
		me := e.call("GET", "/v1/me/orders", e.customerToken("cust-1"), nil)
		orders := me.body["orders"].([]any)
		if me.status != 200 || len(orders) != 1 || orders[0].(map[string]any)["order_id"] != r.body["order_id"] {
			t.Fatalf("status %d: %s", me.status, me.raw)
		}
	})
}

// Every required field, when missing or wrong, gets a 4xx naming it, and the
// database is left exactly as it was.
func TestCreateOrderValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	del := func(k string) func(map[string]any) { return func(m map[string]any) { delete(m, k) } }
	set := func(k string, v any) func(map[string]any) { return func(m map[string]any) { m[k] = v } }
	item := func(k string, v any) func(map[string]any) {
		return func(m map[string]any) {
			it := m["items"].([]any)[0].(map[string]any)
			if v == nil {
				delete(it, k)
			} else {
				it[k] = v
			}
		}
	}
	tests := []struct {
		name   string
		mutate func(map[string]any)
		status int
		field  string
	}{
		{"missing merchant_order_ref", del("merchant_order_ref"), 422, "merchant_order_ref"},
		{"empty merchant_order_ref", set("merchant_order_ref", ""), 422, "merchant_order_ref"},
		{"merchant_order_ref with spaces", set("merchant_order_ref", "A 1"), 422, "merchant_order_ref"},
		{"missing customer_id", del("customer_id"), 422, "customer_id"},
		{"overlong customer_id", set("customer_id", strings.Repeat("c", 200)), 422, "customer_id"},
		{"missing currency", del("currency"), 422, "currency"},
		{"unknown currency", set("currency", "XYZ"), 422, "currency"},
		{"lower-case currency", set("currency", "usd"), 422, "currency"},
		{"missing items", del("items"), 422, "items"},
		{"no items", set("items", []any{}), 422, "items"},
		{"item without sku", item("sku", nil), 422, "items[0].sku"},
		{"item without name", item("name", nil), 422, "items[0].name"},
		{"item without quantity", item("quantity", nil), 422, "items[0].quantity"},
		{"item with zero quantity", item("quantity", 0), 422, "items[0].quantity"},
		{"item without unit_amount", item("unit_amount", nil), 422, "items[0].unit_amount"},
		{"item with negative unit_amount", item("unit_amount", -1), 422, "items[0].unit_amount"},
		{"negative shipping", set("shipping_amount", -5), 422, "shipping_amount"},
		{"negative discount", set("discount_amount", -5), 422, "discount_amount"},
		{"discount above the order", set("discount_amount", 99999), 422, "discount_amount"},
		{"missing captured_amount", del("captured_amount"), 422, "captured_amount"},
		{"zero captured_amount", set("captured_amount", 0), 422, "captured_amount"},
		{"captured_amount as a string", set("captured_amount", "14899"), 400, "captured_amount"},
		{"captured_amount with decimals", set("captured_amount", 148.99), 400, "captured_amount"},
		{"missing captured_at", del("captured_at"), 422, "captured_at"},
		{"captured_at not RFC 3339", set("captured_at", "20/11/2026"), 422, "captured_at"},
		{"captured_at in the future", set("captured_at", "2027-01-01T00:00:00Z"), 422, "captured_at"},
		{"missing payment_plan", del("payment_plan"), 422, "payment_plan"},
		{"unknown payment_plan", set("payment_plan", "pay_in_12"), 422, "payment_plan"},
		{"pay in 4 of three cents", func(m map[string]any) {
			m["items"] = []any{map[string]any{"sku": "X", "name": "X", "quantity": 1, "unit_amount": 3}}
			m["shipping_amount"], m["discount_amount"], m["captured_amount"] = 0, 0, 3
		}, 422, "captured_amount"},
		{"expected delivery before capture", set("expected_delivery_by", "2026-11-01T00:00:00Z"), 422, "expected_delivery_by"},
		{"unknown field", set("captured_ammount", 5), 400, "captured_ammount"},
	}
	before := e.counts()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := validOrder("V-1", "cust-v")
			tt.mutate(body)
			r := e.call("POST", "/v1/merchant/orders", e.keys["mer_a"], body)
			if r.status != tt.status || r.errField() != tt.field {
				t.Fatalf("got %d field %q, want %d field %q: %s", r.status, r.errField(), tt.status, tt.field, r.raw)
			}
			if msg := r.body["error"].(map[string]any)["message"]; msg == "" {
				t.Error("no error message")
			}
		})
	}
	for _, tt := range []struct{ name, body, code string }{
		{"malformed JSON", `{"merchant_order_ref": "x",`, "bad_json"},
		{"not an object", `[1,2]`, "bad_json"},
		{"two objects", `{} {}`, "bad_json"},
		{"empty body", ``, "bad_json"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := e.call("POST", "/v1/merchant/orders", e.keys["mer_a"], tt.body)
			if r.status != 400 || r.errCode() != tt.code {
				t.Fatalf("got %d %q: %s", r.status, r.errCode(), r.raw)
			}
		})
	}
	t.Run("oversize body", func(t *testing.T) {
		r := e.call("POST", "/v1/merchant/orders", e.keys["mer_a"], `{"merchant_order_ref":"`+strings.Repeat("x", 2<<20)+`"}`)
		if r.status != 413 {
			t.Fatalf("got %d: %.200s", r.status, r.raw)
		}
	})
	t.Run("wrong content type", func(t *testing.T) {
		r := e.call("POST", "/v1/merchant/orders", e.keys["mer_a"], "{}", "Content-Type", "text/plain")
		if r.status != 415 {
			t.Fatalf("got %d: %s", r.status, r.raw)
		}
	})
	e.assertUnchanged(before)
}

func TestOrderAuth(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	created := e.call("POST", "/v1/merchant/orders", e.keys["mer_a"], validOrder("A-1", "cust-1"))
	oid := created.body["order_id"].(string)
	event := map[string]any{"type": "shipped", "at": "2026-11-21T09:00:00Z"}
	tests := []struct {
		name, method, path, token string
		body                      any
		status                    int
	}{
		{"no credentials", "POST", "/v1/merchant/orders", "", validOrder("A-2", "c"), 401},
		{"unknown API key", "POST", "/v1/merchant/orders", "sk_nope", validOrder("A-2", "c"), 401},
		{"customer token on a merchant endpoint", "POST", "/v1/merchant/orders", e.customerToken("cust-1"), validOrder("A-2", "c"), 403},
		{"merchant key on a customer endpoint", "GET", "/v1/me/orders", e.keys["mer_a"], nil, 403},
		{"another merchant's order events", "POST", "/v1/merchant/orders/" + oid + "/events", e.keys["mer_b"], event, 404},
		{"another merchant's order", "GET", "/v1/merchant/orders/" + oid, e.keys["mer_b"], nil, 404},
		{"another customer's order", "GET", "/v1/me/orders/" + oid, e.customerToken("cust-2"), nil, 404},
		{"own order", "GET", "/v1/me/orders/" + oid, e.customerToken("cust-1"), nil, 200},
		{"merchant's own order", "GET", "/v1/merchant/orders/" + oid, e.keys["mer_a"], nil, 200},
		{"unknown order", "POST", "/v1/merchant/orders/ord_nope/events", e.keys["mer_a"], event, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.counts()
			r := e.call(tt.method, tt.path, tt.token, tt.body)
			if r.status != tt.status {
				t.Fatalf("got %d, want %d: %s", r.status, tt.status, r.raw)
			}
			if tt.status >= 400 {
				e.assertUnchanged(before)
			}
		})
	}
	t.Run("the same ref at two merchants is two orders", func(t *testing.T) {
		r := e.call("POST", "/v1/merchant/orders", e.keys["mer_b"], validOrder("A-1", "cust-1"))
		if r.status != 201 || r.body["order_id"] == oid {
			t.Fatalf("got %d: %s", r.status, r.raw)
		}
	})
}

func TestUpdateOrder(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	key := e.keys["mer_a"]
	first := e.call("POST", "/v1/merchant/orders", key, validOrder("U-1", "cust-1"))
	oid := first.body["order_id"]

	t.Run("lines and delivery date can change", func(t *testing.T) {
		body := validOrder("U-1", "cust-1")
		body["expected_delivery_by"] = "2026-11-30T00:00:00Z"
		r := e.call("POST", "/v1/merchant/orders", key, body)
		if r.status != 200 || r.body["order_id"] != oid || r.body["expected_delivery_by"] != "2026-11-30T00:00:00Z" {
			t.Fatalf("got %d: %s", r.status, r.raw)
		}
	})
	t.Run("captured amount can change while the plan is untouched", func(t *testing.T) {
		body := validOrder("U-1", "cust-1")
		body["captured_amount"] = 10000
		r := e.call("POST", "/v1/merchant/orders", key, body)
		insts := installments(t, r.body)
		if r.status != 200 || insts[0]["amount"].(float64) != 2500 {
			t.Fatalf("got %d: %s", r.status, r.raw)
		}
	})
	t.Run("customer cannot change", func(t *testing.T) {
		before := e.counts()
		r := e.call("POST", "/v1/merchant/orders", key, validOrder("U-1", "cust-2"))
		if r.status != 409 || r.errField() != "customer_id" {
			t.Fatalf("got %d: %s", r.status, r.raw)
		}
		e.assertUnchanged(before)
	})
	t.Run("captured amount cannot change after a refund", func(t *testing.T) {
		ev := e.call("POST", fmt.Sprintf("/v1/merchant/orders/%s/events", oid), key,
			map[string]any{"type": "refunded", "at": "2026-11-21T10:00:00Z", "amount": 100})
		if ev.status != 201 {
			t.Fatalf("refund: %d %s", ev.status, ev.raw)
		}
		before := e.counts()
		body := validOrder("U-1", "cust-1")
		body["captured_amount"] = 9000
		r := e.call("POST", "/v1/merchant/orders", key, body)
		if r.status != 409 || r.errCode() != "plan_has_activity" {
			t.Fatalf("got %d: %s", r.status, r.raw)
		}
		e.assertUnchanged(before)
	})
}
