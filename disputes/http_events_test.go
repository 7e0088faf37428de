package disputes_test

import (
	"testing"
)

func TestOrderEvents(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	key := e.keys["mer_a"]
	oid := e.call("POST", "/v1/merchant/orders", key, validOrder("E-1", "cust-1")).body["order_id"].(string)
	path := "/v1/merchant/orders/" + oid + "/events"

	t.Run("events arriving out of order are all kept, ordered by when they happened", func(t *testing.T) {
		sent := []map[string]any{
			{"type": "return_received", "at": "2026-11-21T15:00:00Z", "carrier": "UPS", "tracking_number": "1ZR1"},
			{"type": "delivered", "at": "2026-11-20T18:00:00Z", "carrier": "UPS", "tracking_number": "1Z1"},
			{"type": "return_shipped", "at": "2026-11-21T09:00:00Z", "carrier": "UPS", "tracking_number": "1ZR1"},
			{"type": "shipped", "at": "2026-11-20T11:00:00Z", "carrier": "UPS", "tracking_number": "1Z1"},
		}
		for _, ev := range sent {
			if r := e.call("POST", path, key, ev); r.status != 201 {
				t.Fatalf("%v: %d %s", ev["type"], r.status, r.raw)
			}
		}
		o := e.call("GET", "/v1/merchant/orders/"+oid, key, nil)
		var types []string
		for _, ev := range o.body["events"].([]any) {
			types = append(types, ev.(map[string]any)["type"].(string))
		}
		want := []string{"shipped", "delivered", "return_shipped", "return_received"}
		if len(types) != 4 || types[0] != want[0] || types[1] != want[1] || types[2] != want[2] || types[3] != want[3] {
			t.Fatalf("events %v, want %v", types, want)
		}
	})

	t.Run("a refund reduces the unpaid installments", func(t *testing.T) {
		r := e.call("POST", path, key, map[string]any{"type": "refunded", "at": "2026-11-21T16:00:00Z", "amount": 3724})
		if r.status != 201 {
			t.Fatalf("%d %s", r.status, r.raw)
		}
		insts := installments(t, r.body)
		if insts[3]["status"] != "refunded" || insts[3]["amount_due"].(float64) != 0 || insts[3]["amount"].(float64) != 3724 {
			t.Fatalf("last installment %v", insts[3])
		}
		if insts[2]["amount_due"].(float64) != 3724 {
			t.Fatalf("third installment %v", insts[2])
		}
	})

	t.Run("the same event sent twice is recorded and refunded once", func(t *testing.T) {
		before := e.counts()
		r := e.call("POST", path, key, map[string]any{"type": "refunded", "at": "2026-11-21T16:00:00Z", "amount": 3724})
		if r.status != 200 || r.body["duplicate"] != true {
			t.Fatalf("%d %s", r.status, r.raw)
		}
		e.assertUnchanged(before)
	})

	t.Run("bad events are refused and change nothing", func(t *testing.T) {
		tests := []struct {
			name   string
			body   map[string]any
			status int
			field  string
		}{
			{"missing type", map[string]any{"at": "2026-11-21T10:00:00Z"}, 422, "type"},
			{"unknown type", map[string]any{"type": "lost", "at": "2026-11-21T10:00:00Z"}, 422, "type"},
			{"missing at", map[string]any{"type": "shipped"}, 422, "at"},
			{"at not a time", map[string]any{"type": "shipped", "at": "yesterday"}, 422, "at"},
			{"at in the future", map[string]any{"type": "shipped", "at": "2026-12-25T10:00:00Z"}, 422, "at"},
			{"refund without amount", map[string]any{"type": "refunded", "at": "2026-11-21T10:00:00Z"}, 422, "amount"},
			{"refund of zero", map[string]any{"type": "refunded", "at": "2026-11-21T10:00:00Z", "amount": 0}, 422, "amount"},
			{"refund above what is left", map[string]any{"type": "refunded", "at": "2026-11-21T10:00:00Z", "amount": 14899}, 422, "amount"},
			{"amount on a shipment", map[string]any{"type": "shipped", "at": "2026-11-21T10:00:00Z", "amount": 5}, 422, "amount"},
			{"overlong tracking number", map[string]any{"type": "shipped", "at": "2026-11-21T10:00:00Z", "tracking_number": string(make([]byte, 100))}, 422, "tracking_number"},
			{"amount as text", map[string]any{"type": "refunded", "at": "2026-11-21T10:00:00Z", "amount": "5"}, 400, "amount"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := e.counts()
				r := e.call("POST", path, key, tt.body)
				if r.status != tt.status || r.errField() != tt.field {
					t.Fatalf("got %d field %q, want %d %q: %s", r.status, r.errField(), tt.status, tt.field, r.raw)
				}
				e.assertUnchanged(before)
			})
		}
	})

	t.Run("refunding exactly what is left refunds the paid installment too", func(t *testing.T) {
		r := e.call("POST", path, key, map[string]any{"type": "refunded", "at": "2026-11-21T17:00:00Z", "amount": 14899 - 3724})
		if r.status != 201 {
			t.Fatalf("%d %s", r.status, r.raw)
		}
		for _, in := range installments(t, r.body) {
			if in["status"] != "refunded" {
				t.Fatalf("installment %v not refunded", in)
			}
		}
	})
}

func TestCustomerOrdersPaging(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for i, at := range []string{"2026-11-01T10:00:00Z", "2026-11-03T10:00:00Z", "2026-11-02T10:00:00Z"} {
		o := validOrder("P-"+string(rune('1'+i)), "cust-p")
		o["captured_at"] = at
		delete(o, "expected_delivery_by")
		if r := e.call("POST", "/v1/merchant/orders", e.keys["mer_a"], o); r.status != 201 {
			t.Fatal(r.status, string(r.raw))
		}
	}
	e.call("POST", "/v1/merchant/orders", e.keys["mer_a"], validOrder("OTHER", "cust-other"))
	tok := e.customerToken("cust-p")
	var refs []string
	cursor := ""
	for page := 0; page < 5; page++ {
		r := e.call("GET", "/v1/me/orders?limit=2&cursor="+cursor, tok, nil)
		if r.status != 200 {
			t.Fatal(r.status, string(r.raw))
		}
		for _, o := range r.body["orders"].([]any) {
			refs = append(refs, o.(map[string]any)["merchant_order_ref"].(string))
		}
		if cursor = r.body["next_cursor"].(string); cursor == "" {
			break
		}
	}
	if len(refs) != 3 || refs[0] != "P-2" || refs[1] != "P-3" || refs[2] != "P-1" {
		t.Fatalf("pages gave %v, want [P-2 P-3 P-1]", refs)
	}
	for _, q := range []string{"limit=0", "limit=101", "limit=x", "cursor=zzz"} {
		if r := e.call("GET", "/v1/me/orders?"+q, tok, nil); r.status != 400 {
			t.Errorf("%s: got %d", q, r.status)
		}
	}
	if r := e.call("GET", "/v1/me/orders", e.customerToken("nobody"), nil); r.status != 200 || len(r.body["orders"].([]any)) != 0 {
		t.Errorf("customer with no orders: %d %s", r.status, r.raw)
	}
}
