package cobrowse

import (
	"bytes"
	"encoding/json"
	"sort"
	"testing"
)

// fuzzPolicy covers the selectors the leak corpus uses. Its selectors only test
// attributes the gate forwards unchanged, as the oracle requires. ".zone span"
// tests a class on ancestors, so class changes reclassify whole subtrees.
var fuzzPolicy = Policy{
	UnredactSelectors: []string{".summary", ".public", "nav", "main > p", "[data-testid]", ".zone span"},
	SecretSelectors:   []string{"[name=cvc]"},
}

// FuzzGate feeds newline-separated rrweb events through one gate and checks
// the oracle's properties on everything it forwards: no Luhn-valid card
// number, and no unmasked text of a node that is not allowlisted; and after
// every event, that each node's state in the mirror is what classifying it
// afresh gives (see checkMirrorState).
//
//	go test -run '^$' -fuzz FuzzGate ./cobrowse
func FuzzGate(f *testing.F) {
	cases := loadLeakCases(f)
	names := make([]string, 0, len(cases))
	for name := range cases {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		var seed bytes.Buffer
		for _, ev := range cases[name].Events {
			if err := json.Compact(&seed, ev); err != nil {
				f.Fatal(err)
			}
			seed.WriteByte('\n')
		}
		f.Add(seed.Bytes())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := NewGate(fuzzPolicy)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		for _, line := range bytes.Split(data, []byte("\n")) {
			res, err := g.Filter(line)
			if de, ok := err.(*DropError); ok && de.Reason == ReasonInternal {
				t.Fatal(err)
			}
			if err := checkMirrorState(g); err != nil {
				t.Fatalf("after %q: %v", line, err)
			}
			if err != nil {
				continue
			}
			for _, e := range res.Events {
				if !json.Valid(e) {
					t.Fatalf("invalid JSON forwarded: %q", e)
				}
				out.Write(e)
				out.WriteByte('\n')
			}
			out.WriteByte('\n')
		}
		if err := checkGateOutput(out.Bytes(), fuzzPolicy); err != nil {
			t.Fatal(err)
		}
	})
}
