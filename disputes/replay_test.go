package disputes

import (
	"bufio"
	"encoding/json"
	"flag"
	"os"
	"reflect"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/replay.jsonl: the recorded cases and their decisions")

const replayFile = "testdata/replay.jsonl"

type replayRecord struct {
	Case     Case     `json:"case"`
	Decision Decision `json:"decision"`
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
