package disputes_test

import (
	"context"
	"sync"
	"testing"

	"github.com/settlehq/settle/disputes"
)

// Twenty agents claim one handoff at once: exactly one wins.
func TestClaimIsExactlyOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	oid := e.placeOrder(orderOpts{ref: "CAM-9", customer: "cus_1", unit: 34900, capturedAt: "2026-11-16T10:00:00Z"})
	id := e.report("cus_1", oid, "unauthorized").body["id"].(string)
	tokens := make([]string, 20)
	for i := range tokens {
		tokens[i] = e.login("agent"+string(rune('a'+i)), "agent")
	}
	hid := e.call("GET", "/v1/agent/queue", tokens[0], nil).body["handoffs"].([]any)[0].(map[string]any)["id"].(string)
	var wg sync.WaitGroup
	statuses := make(chan int, len(tokens))
	start := make(chan struct{})
	for _, tok := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			statuses <- e.call("POST", "/v1/agent/handoffs/"+hid+"/claim", tok, nil).status
		}()
	}
	close(start)
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for s := range statuses {
		count[s]++
	}
	if count[200] != 1 || count[409] != 19 {
		t.Fatalf("claims: %v, want one 200 and nineteen 409", count)
	}
	var claims int
	e.pool.QueryRow(context.Background(), `SELECT count(*) FROM dispute_events WHERE dispute_id = $1 AND type = 'claimed'`, id).Scan(&claims)
	if claims != 1 {
		t.Fatalf("%d claim events", claims)
	}
}

// Two writers change one dispute at once: one wins, the other gets a conflict
// (optimistic concurrency on the dispute's version), and the log stays whole.
func TestConcurrentWritersNeverBothWin(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for round := 0; round < 5; round++ {
		ref := "W-" + string(rune('0'+round))
		oid := e.placeOrder(orderOpts{ref: ref, customer: "cus_1", unit: 15900, capturedAt: "2026-11-10T10:00:00Z"})
		e.event("mer_a", oid, "delivered", "2026-11-12T10:00:00Z")
		id := e.report("cus_1", oid, "defective_or_not_as_described").body["id"].(string)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		start := make(chan struct{})
		wg.Add(2)
		go func() {
			defer wg.Done()
			<-start
			_, errs[0] = e.svc.Withdraw(context.Background(), "cus_1", id)
		}()
		go func() {
			defer wg.Done()
			<-start
			_, errs[1] = e.svc.Respond(context.Background(), "mer_a", id, disputes.MerchantResponse{Action: "accept"})
		}()
		close(start)
		wg.Wait()
		wins := 0
		for _, err := range errs {
			if err == nil {
				wins++
			}
		}
		if wins != 1 {
			t.Fatalf("round %d: %d writers won (%v)", round, wins, errs)
		}
		e.assertAudit(id)
	}
}
