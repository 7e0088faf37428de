package disputes

import (
	"bufio"
	"encoding/json"
	"flag"
	"math/rand/v2"
	"os"
	"reflect"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/replay.jsonl: the recorded cases and their decisions")

const replayFile = "testdata/replay.jsonl"

type replayRecord struct {
	Case     Case     `json:"case"`
	Decision Decision `json:"decision"`
}

// GenerateCases makes n varied cases deterministically from seed: every
// reason, stage and boundary the rules look at.
func GenerateCases(seed uint64, n int) []Case {
	r := rand.New(rand.NewPCG(seed, 7))
	maybe := func(p float64, d time.Duration) *time.Time {
		if r.Float64() < p {
			return tp(now0.Add(-d - time.Duration(r.IntN(96))*time.Hour))
		}
		return nil
	}
	out := make([]Case, n)
	for i := range out {
		c := base(Reasons()[r.IntN(len(Reasons()))])
		c.Order.CapturedAmount = int64(500 + r.IntN(200000))
		c.Order.ExpectedTotal = c.Order.CapturedAmount - int64(r.IntN(3))*int64(r.IntN(2000))
		c.DisputedAmount = max(1, c.Order.CapturedAmount-int64(r.IntN(2))*int64(r.IntN(400)))
		c.Order.DeliveredAt, c.Order.ReturnReceivedAt = maybe(0.5, 10*day), maybe(0.3, 2*day)
		c.Order.CancelledAt, c.Order.ExpectedDeliveryBy = maybe(0.15, 5*day), maybe(0.9, 3*day)
		c.Order.RefundedTotal = int64(r.IntN(3)) * int64(r.IntN(1000))
		c.WantsHuman, c.NLUConfidence = r.IntN(12) == 0, float64(r.IntN(101))/100
		c.Customer = CustomerFacts{DisputesLast90Days: 1 + r.IntN(4), MaxDaysOverdue: r.IntN(20), Vulnerable: r.IntN(15) == 0}
		c.Merchant.AutoAcceptThreshold = int64(r.IntN(4)) * 1500
		if r.IntN(5) == 0 {
			c.Duplicates = []CaptureFacts{{OrderID: "ord_dup", Amount: c.Order.CapturedAmount,
				CapturedAt: c.Order.CapturedAt.Add(time.Duration(r.IntN(900)) * time.Second)}}
		}
		if r.IntN(4) == 0 {
			c.Stage = "evidence_closed"
			c.Evidence = EvidenceFacts{MerchantContested: r.IntN(2) == 0, CustomerEvidence: r.IntN(2) == 0}
		}
		out[i] = c
	}
	return out
}

// 1,000 recorded cases decided twice give identical decisions, and the same
// decisions as when they were recorded: a rule change that alters an outcome
// shows up here (re-record with -update once it is intended).
func TestReplayIsDeterministic(t *testing.T) {
	e := NewEngine(StarterRules())
	if *update {
		writeReplay(t, e, GenerateCases(2026, 1000))
	}
	recs := readReplay(t)
	if len(recs) != 1000 {
		t.Fatalf("%d recorded cases, want 1000", len(recs))
	}
	fired := map[string]int{}
	for i, rec := range recs {
		first, second := e.Decide(rec.Case), e.Decide(rec.Case)
		if !reflect.DeepEqual(first, second) {
			t.Fatalf("case %d decided two ways:\n%+v\n%+v", i, first, second)
		}
		if !reflect.DeepEqual(first, rec.Decision) {
			t.Fatalf("case %d: decision changed since it was recorded:\nnow  %+v\nwas  %+v", i, first, rec.Decision)
		}
		fired[first.RuleID]++
	}
	for _, r := range StarterRules() {
		if fired[r.ID] == 0 {
			t.Errorf("no recorded case exercises rule %s", r.ID)
		}
	}
}

func writeReplay(t *testing.T, e *Engine, cases []Case) {
	f, err := os.Create(replayFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	enc := json.NewEncoder(f)
	for _, c := range cases {
		if err := enc.Encode(replayRecord{Case: c, Decision: e.Decide(c)}); err != nil {
			t.Fatal(err)
		}
	}
}

func readReplay(t *testing.T) []replayRecord {
	f, err := os.Open(replayFile)
	if err != nil {
		t.Fatalf("%v (run go test -run Replay -update to record)", err)
	}
	defer f.Close()
	var out []replayRecord
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var rec replayRecord
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		out = append(out, rec)
	}
	return out
}

func BenchmarkDecide(b *testing.B) {
	e := NewEngine(StarterRules())
	cases := GenerateCases(1, 256)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		e.Decide(cases[i%len(cases)])
	}
}
