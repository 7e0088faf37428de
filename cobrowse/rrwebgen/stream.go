package rrwebgen

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Batches returns a cycle of n batches of perBatch incremental events each,
// on top of the page's snapshot, the way the SDK flushes them every 500 ms:
// each batch opens with a mouse move carrying ten sampled positions, and the
// rest rotate through text and attribute mutations, inputs, scrolls,
// clicks, nodes added and removed, and the odd viewport change. The cycle
// can be replayed forever: every node it adds it also removes.
func (p *Page) Batches(n, perBatch int, seed uint64) [][][]byte {
	s := &streamGen{p: p, rng: rand.New(rand.NewPCG(seed, seed+1)), toast: -1}
	out := make([][][]byte, n)
	k := 0
	for i := range out {
		b := [][]byte{s.move()}
		for len(b) < perBatch {
			b = append(b, s.event(kinds[k%len(kinds)], k))
			k++
		}
		out[i] = b
	}
	if s.toast >= 0 { // close the cycle: the last toast goes too
		last := out[n-1]
		last[len(last)-1] = s.node(0)
	}
	return out
}

type streamGen struct {
	p     *Page
	rng   *rand.Rand
	toast int // id of the toast on the page, -1 when none
}

// kinds is the rotation after each batch's mouse move.
var kinds = []string{"text", "input", "scroll", "attribute", "click", "node", "text", "viewport", "attribute", "node"}

func (s *streamGen) event(kind string, k int) []byte {
	switch kind {
	case "text":
		return incremental(0, mutation(map[string]any{"texts": []any{map[string]any{"id": s.pick(s.p.texts), "value": s.words(8)}}}))
	case "input":
		return incremental(5, map[string]any{"id": s.pick(s.p.inputs), "text": s.words(2), "isChecked": false})
	case "scroll":
		return incremental(3, map[string]any{"id": s.p.main, "x": 0, "y": s.rng.IntN(5000)})
	case "attribute":
		cls := fmt.Sprintf("order-card card state-%d", s.rng.IntN(4))
		return incremental(0, mutation(map[string]any{"attributes": []any{map[string]any{"id": s.pick(s.p.cards), "attributes": map[string]any{"class": cls}}}}))
	case "click":
		return incremental(2, map[string]any{"type": 2, "id": s.pick(s.p.clickable), "x": s.rng.IntN(390), "y": s.rng.IntN(844), "pointerType": 0})
	case "node":
		return s.node(k)
	}
	return incremental(4, map[string]any{"width": 390, "height": 844 - s.rng.IntN(2)*300})
}

// node adds a toast under the first card when none is shown, and removes it
// otherwise.
func (s *streamGen) node(k int) []byte {
	parent := s.p.cards[0]
	if s.toast >= 0 {
		id := s.toast
		s.toast = -1
		return incremental(0, mutation(map[string]any{"removes": []any{map[string]any{"parentId": parent, "id": id}}}))
	}
	id := s.p.next + 2*k
	s.toast = id
	toast := map[string]any{"id": id, "type": 2, "tagName": "div", "attributes": map[string]any{"class": "toast"},
		"childNodes": []any{map[string]any{"id": id + 1, "type": 3, "textContent": "Payment received: " + s.words(3)}}}
	return incremental(0, mutation(map[string]any{"adds": []any{map[string]any{"parentId": parent, "nextId": nil, "node": toast}}}))
}

func (s *streamGen) move() []byte {
	pos := make([]any, 10)
	for i := range pos {
		pos[i] = map[string]any{"x": s.rng.IntN(390), "y": s.rng.IntN(844), "id": s.pick(s.p.clickable), "timeOffset": -450 + 50*i}
	}
	return incremental(1, map[string]any{"positions": pos})
}

func mutation(d map[string]any) map[string]any {
	for _, k := range []string{"texts", "attributes", "removes", "adds"} {
		if _, ok := d[k]; !ok {
			d[k] = []any{}
		}
	}
	return d
}

func incremental(source int, data map[string]any) []byte {
	data["source"] = source
	return event(3, data)
}

func (s *streamGen) pick(ids []int) int { return ids[s.rng.IntN(len(ids))] }

func (s *streamGen) words(n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = words[s.rng.IntN(len(words))]
	}
	return strings.Join(w, " ")
}
