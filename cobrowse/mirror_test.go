package cobrowse

import (
	"slices"
	"testing"
)

// mirrorParent returns the parent id of node id, 0 for a root, -1 when the
// mirror does not hold id.
func mirrorParent(g *Gate, id int) int {
	n := g.m.get(id)
	switch {
	case n == nil:
		return -1
	case n.parent == nil:
		return 0
	}
	return n.parent.id
}

func mirrorChildren(g *Gate, id int) []int {
	var ids []int
	for c := g.m.get(id).first; c != nil; c = c.next {
		ids = append(ids, c.id)
	}
	return ids
}

// mirrorPage is body(3) > [div(10) > [p(11) > text(12)], div(20) > text(21)].
func mirrorPage(t *testing.T) *Gate {
	g := newTestGate(t, Policy{})
	mustFilter(t, g, rrSnapshot(t, rrDoc(
		rrElem(10, "div", nil, rrElem(11, "p", nil, rrText(12, "a"))),
		rrElem(20, "div", nil, rrText(21, "b")),
	)))
	return g
}

func TestMirrorSnapshotLinksParents(t *testing.T) {
	g := mirrorPage(t)
	want := map[int]int{1: 0, 2: 1, 3: 2, 10: 3, 11: 10, 12: 11, 20: 3, 21: 20}
	for id, parent := range want {
		if got := mirrorParent(g, id); got != parent {
			t.Errorf("parent of %d = %d, want %d", id, got, parent)
		}
	}
	if got := mirrorChildren(g, 3); !slices.Equal(got, []int{10, 20}) {
		t.Errorf("children of body = %v, want [10 20]", got)
	}
}

func TestMirrorMutations(t *testing.T) {
	tests := []struct {
		name     string
		mutation map[string]any
		parents  map[int]int // id -> parent; -1 absent
		children map[int][]int
	}{
		{
			name:     "removing a subtree forgets its descendants",
			mutation: map[string]any{"removes": []any{map[string]any{"parentId": 3, "id": 10}}},
			parents:  map[int]int{10: -1, 11: -1, 12: -1, 20: 3},
			children: map[int][]int{3: {20}},
		},
		{
			name: "adding a subtree links every node",
			mutation: map[string]any{"adds": []any{map[string]any{"parentId": 20, "nextId": 21,
				"node": rrElem(30, "ul", nil, rrElem(31, "li", nil, rrText(32, "c")))}}},
			parents:  map[int]int{30: 20, 31: 30, 32: 31},
			children: map[int][]int{20: {30, 21}},
		},
		{
			name: "a remove and add of the same id moves it",
			mutation: map[string]any{
				"removes": []any{map[string]any{"parentId": 10, "id": 11}},
				"adds":    []any{map[string]any{"parentId": 20, "nextId": nil, "node": rrElem(11, "p", nil, rrText(12, "a"))}},
			},
			parents:  map[int]int{11: 20, 12: 11},
			children: map[int][]int{10: nil, 20: {21, 11}},
		},
		{
			name: "an add of a held id moves it with its children",
			mutation: map[string]any{"adds": []any{map[string]any{"parentId": 20, "nextId": nil,
				"node": rrElem(11, "p", nil)}}},
			parents:  map[int]int{11: 20, 12: 11},
			children: map[int][]int{10: nil, 20: {21, 11}},
		},
		{
			name: "an add may name a parent added later in the list",
			mutation: map[string]any{"adds": []any{
				map[string]any{"parentId": 40, "nextId": nil, "node": rrText(41, "x")},
				map[string]any{"parentId": 3, "nextId": nil, "node": rrElem(40, "span", nil)},
			}},
			parents: map[int]int{40: 3, 41: 40},
		},
		{
			name: "a node cannot move under its own descendant",
			mutation: map[string]any{"adds": []any{map[string]any{"parentId": 11, "nextId": nil,
				"node": rrElem(10, "div", nil)}}},
			parents: map[int]int{10: 3, 11: 10},
		},
		{
			name: "a removal naming the wrong parent is refused",
			mutation: map[string]any{"removes": []any{map[string]any{"parentId": 3, "id": 11}},
				"texts": []any{map[string]any{"id": 21, "value": "keep"}}},
			parents: map[int]int{11: 10, 12: 11},
		},
		{
			name: "a new frame document replaces the old one",
			mutation: map[string]any{"isAttachIframe": true, "adds": []any{
				map[string]any{"parentId": 20, "nextId": nil, "node": rrNode{"id": 50, "type": 0, "childNodes": []rrNode{rrElem(51, "html", nil)}}},
				map[string]any{"parentId": 20, "nextId": nil, "node": rrNode{"id": 60, "type": 0, "childNodes": []rrNode{rrElem(61, "html", nil)}}},
			}},
			parents: map[int]int{50: -1, 51: -1, 60: 20, 61: 60},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := mirrorPage(t)
			g.Filter(rrMutation(t, tt.mutation)) // some cases are refused whole
			for id, parent := range tt.parents {
				if got := mirrorParent(g, id); got != parent {
					t.Errorf("parent of %d = %d, want %d", id, got, parent)
				}
			}
			for id, want := range tt.children {
				if got := mirrorChildren(g, id); !slices.Equal(got, want) {
					t.Errorf("children of %d = %v, want %v", id, got, want)
				}
			}
		})
	}
}

func TestMirrorDropsWhatItCannotPlace(t *testing.T) {
	tests := []struct {
		name     string
		mutation map[string]any
		reason   DropReason
	}{
		{"an add under an unknown parent is dropped",
			map[string]any{"adds": []any{map[string]any{"parentId": 999, "node": rrText(70, "x")}}}, ReasonUnknownNode},
		{"an add clashing with a held id of another tag is dropped",
			map[string]any{"adds": []any{map[string]any{"parentId": 3, "node": rrElem(11, "span", nil)}}}, ReasonDuplicate},
		{"a child of a text node is dropped",
			map[string]any{"adds": []any{map[string]any{"parentId": 12, "node": rrText(70, "x")}}}, ReasonWrongKind},
		{"a removal of an unknown node is dropped",
			map[string]any{"removes": []any{map[string]any{"parentId": 3, "id": 999}}}, ReasonUnknownNode},
		{"a text change on an element is dropped",
			map[string]any{"texts": []any{map[string]any{"id": 11, "value": "x"}}}, ReasonWrongKind},
		{"an attribute change on an unknown node is dropped",
			map[string]any{"attributes": []any{map[string]any{"id": 999, "attributes": map[string]any{"class": "x"}}}}, ReasonUnknownNode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := mirrorPage(t)
			_, err := g.Filter(rrMutation(t, tt.mutation))
			de, ok := err.(*DropError)
			if !ok || de.Reason != tt.reason {
				t.Fatalf("Filter error = %v, want a DropError with reason %s", err, tt.reason)
			}
		})
	}
}

func TestMirrorDepthIsLimited(t *testing.T) {
	g := mirrorPage(t)
	parent := 3
	for i := 0; i < maxMirrorDepth+10; i++ {
		id := 1000 + i
		res, err := g.Filter(rrMutation(t, map[string]any{"adds": []any{
			map[string]any{"parentId": parent, "node": rrElem(id, "div", nil)}}}))
		if err != nil {
			if de, ok := err.(*DropError); !ok || de.Reason != ReasonLimit {
				t.Fatalf("Filter error = %v, want the depth limit", err)
			}
			if i < maxMirrorDepth-3 {
				t.Fatalf("limit hit at depth %d", i)
			}
			return
		}
		_ = res
		parent = id
	}
	t.Fatal("no depth limit")
}
