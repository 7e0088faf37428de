package rrwebgen_test

import (
	"bytes"
	"testing"

	"github.com/settlehq/settle/cobrowse"
	"github.com/settlehq/settle/cobrowse/rrwebgen"
)

// The stream is something the gate takes whole: no part of any event is
// dropped, twice round the cycle, and the same seed gives the same bytes.
func TestStreamPassesTheGate(t *testing.T) {
	p := rrwebgen.NewPage(64<<10, 7)
	if n := len(p.Snapshot); n < 64<<10 || n > 80<<10 {
		t.Fatalf("snapshot of %d bytes, want about 64 KB", n)
	}
	g, err := cobrowse.NewGate(cobrowse.Policy{UnredactSelectors: []string{".order-summary", "nav"}})
	if err != nil {
		t.Fatal(err)
	}
	batches := p.Batches(20, 16, 3)
	all := [][]byte{p.Meta, p.Snapshot}
	for range 2 {
		for _, b := range batches {
			all = append(all, b...)
		}
	}
	for i, ev := range all {
		res, err := g.Filter(ev)
		if err != nil || len(res.Dropped) > 0 {
			t.Fatalf("event %d dropped: %v %+v\n%s", i, err, res.Dropped, ev)
		}
		if !bytes.Contains(res.Events[0], []byte(`"timestamp":`+rrwebgen.Timestamp)) {
			t.Fatalf("event %d lost its timestamp: %s", i, res.Events[0])
		}
	}
	again := rrwebgen.NewPage(64<<10, 7).Batches(20, 16, 3)
	if !bytes.Equal(again[5][3], batches[5][3]) || !bytes.Equal(rrwebgen.NewPage(64<<10, 7).Snapshot, p.Snapshot) {
		t.Fatal("the same seed gave different bytes")
	}
}
