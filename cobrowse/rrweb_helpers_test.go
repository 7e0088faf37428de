package cobrowse

import (
	"encoding/json"
	"strings"
	"testing"
)

// Builders for rrweb events in tests. Nodes are maps so tests can add fields
// the gate does not know.

type rrNode = map[string]any

func rrElem(id int, tag string, attrs map[string]any, kids ...rrNode) rrNode {
	if attrs == nil {
		attrs = map[string]any{}
	}
	if kids == nil {
		kids = []rrNode{}
	}
	return rrNode{"id": id, "type": 2, "tagName": tag, "attributes": attrs, "childNodes": kids}
}

func rrText(id int, s string) rrNode { return rrNode{"id": id, "type": 3, "textContent": s} }

// rrDoc wraps body children in document > html > body with ids 1, 2, 3.
func rrDoc(kids ...rrNode) rrNode {
	return rrNode{"id": 1, "type": 0, "childNodes": []rrNode{
		rrElem(2, "html", nil, rrElem(3, "body", nil, kids...)),
	}}
}

func rrJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func rrSnapshot(t testing.TB, root rrNode) []byte {
	return rrJSON(t, map[string]any{"type": 2, "timestamp": 1000,
		"data": map[string]any{"node": root, "initialOffset": map[string]any{"top": 0, "left": 0}}})
}

func rrIncremental(t testing.TB, source int, data map[string]any) []byte {
	d := map[string]any{"source": source}
	for k, v := range data {
		d[k] = v
	}
	return rrJSON(t, map[string]any{"type": 3, "timestamp": 2000, "data": d})
}

// rrMutation builds a mutation; missing lists default to empty.
func rrMutation(t testing.TB, data map[string]any) []byte {
	d := map[string]any{"texts": []any{}, "attributes": []any{}, "removes": []any{}, "adds": []any{}}
	for k, v := range data {
		d[k] = v
	}
	return rrIncremental(t, srcMutation, d)
}

func rrInput(t testing.TB, id int, text string) []byte {
	return rrIncremental(t, srcInput, map[string]any{"id": id, "text": text, "isChecked": false})
}

func newTestGate(t testing.TB, p Policy) *Gate {
	t.Helper()
	g, err := NewGate(p)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// mustFilter filters ev and returns the forwarded events joined by newlines.
func mustFilter(t testing.TB, g *Gate, ev []byte) string {
	t.Helper()
	res, err := g.Filter(ev)
	if err != nil {
		t.Fatalf("Filter: %v", err)
	}
	var out []string
	for _, e := range res.Events {
		if !json.Valid(e) {
			t.Fatalf("gate emitted invalid JSON: %s", e)
		}
		out = append(out, string(e))
	}
	return strings.Join(out, "\n")
}
