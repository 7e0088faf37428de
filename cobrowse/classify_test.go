package cobrowse

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// Reclassification after attribute changes walks only what can change: below
// a node whose own attributes changed, a descendant is visited only while the
// state it inherits changed, unless the policy tests the changed attribute on
// ancestors (".zone span"), which walks the whole subtree. These tests hold
// the mirror to the invariant that makes skipping safe: every node's state is
// what classifying it afresh, from its parent's state and its own
// attributes, gives.

// checkMirrorState reports the first node whose state differs from a fresh
// classification, or whose depth is not its parent's plus one.
func checkMirrorState(g *Gate) error {
	held := 0
	for n := range g.m.all {
		held++
		id := n.id
		if g.m.get(id) != n {
			return fmt.Errorf("node %d is not found by its id", id)
		}
		var allow, secret bool
		depth := int32(0)
		if p := n.parent; p != nil {
			allow, secret = p.flags&flagAllow != 0, p.flags&flagSecret != 0
			depth = p.depth + 1
			if g.m.get(p.id) != p {
				return fmt.Errorf("node %d: parent %d is not in the mirror", id, p.id)
			}
		}
		if n.kind == ntElement {
			if (isSecretElement(n) || g.pol.secret.match(n)) && n.flags&flagEverSecret == 0 {
				return fmt.Errorf("node %d is secret but not marked ever-secret", id)
			}
			ownAllow, ownSecret := g.pol.ownState(n)
			allow, secret = allow || ownAllow, secret || ownSecret
		}
		if got := n.flags&flagAllow != 0; got != allow {
			return fmt.Errorf("node %d (%s): allowlisted %v, a fresh classification says %v", id, n.tag, got, allow)
		}
		if got := n.flags&flagSecret != 0; got != secret {
			return fmt.Errorf("node %d (%s): secret %v, a fresh classification says %v", id, n.tag, got, secret)
		}
		if n.depth != depth {
			return fmt.Errorf("node %d: depth %d, want %d", id, n.depth, depth)
		}
	}
	if held != g.m.count {
		return fmt.Errorf("the mirror counts %d nodes and holds %d", g.m.count, held)
	}
	return nil
}

// classifyPolicy tests classes on ancestors, so class changes walk whole
// subtrees, and tests data-open on ancestors only for secrets.
var classifyPolicy = Policy{
	UnredactSelectors: []string{".zone span", "section.a > .b", ".public"},
	SecretSelectors:   []string{"[data-lock] input", ".vault"},
}

// classifyPage is body(3) > section(10) > div(11) > [span(12) > text(13),
// p(14) > text(15), input(16)], and div(20) > span(21) > text(22).
func classifyPage(t *testing.T, p Policy) *Gate {
	t.Helper()
	g := newTestGate(t, p)
	mustFilter(t, g, rrSnapshot(t, rrDoc(
		rrElem(10, "section", map[string]any{"class": "x"},
			rrElem(11, "div", nil,
				rrElem(12, "span", nil, rrText(13, "Span Words")),
				rrElem(14, "p", nil, rrText(15, "Para Words")),
				rrElem(16, "input", map[string]any{"type": "text", "value": "Typed Words"}))),
		rrElem(20, "div", nil, rrElem(21, "span", nil, rrText(22, "Other Words"))),
	)))
	if err := checkMirrorState(g); err != nil {
		t.Fatal(err)
	}
	return g
}

func setAttrs(t *testing.T, g *Gate, id int, attrs map[string]any) string {
	t.Helper()
	out := mustFilter(t, g, rrMutation(t, map[string]any{
		"attributes": []any{map[string]any{"id": id, "attributes": attrs}},
	}))
	if err := checkMirrorState(g); err != nil {
		t.Fatalf("after setting %v on %d: %v", attrs, id, err)
	}
	return out
}

func wantMasked(t *testing.T, g *Gate, want bool, ids ...int) {
	t.Helper()
	for _, id := range ids {
		if masked, known := g.Masked(id); !known || masked != want {
			t.Errorf("node %d: masked %v (known %v), want %v", id, masked, known, want)
		}
	}
}

// ownClassPolicy tests class only on the node itself: class changes walk
// only what their inherited state reaches.
var ownClassPolicy = Policy{UnredactSelectors: []string{".public", "section > div.b"}, SecretSelectors: []string{".vault"}}

func TestReclassifyClassChangeNewlyMatchesAndStopsMatching(t *testing.T) {
	for _, p := range []Policy{classifyPolicy, ownClassPolicy} {
		t.Run(strings.Join(p.UnredactSelectors, ","), func(t *testing.T) {
			testClassChange(t, p)
		})
	}
}

func testClassChange(t *testing.T, p Policy) {
	g := classifyPage(t, p)
	wantMasked(t, g, true, 11, 12, 13, 14, 15, 16)

	// The node itself newly matches: its whole subtree is allowlisted, and
	// new text passes.
	setAttrs(t, g, 11, map[string]any{"class": "public"})
	wantMasked(t, g, false, 11, 12, 13, 14, 15, 16)
	wantMasked(t, g, true, 20, 21, 22)
	if out := mustFilter(t, g, rrMutation(t, map[string]any{
		"texts": []any{map[string]any{"id": 15, "value": "Fresh Words"}},
	})); !strings.Contains(out, "Fresh Words") {
		t.Fatalf("text under a newly allowlisted node stayed masked: %s", out)
	}
	if out := mustFilter(t, g, rrInput(t, 16, "Typed Again")); !strings.Contains(out, "Typed Again") {
		t.Fatalf("input under a newly allowlisted node stayed masked: %s", out)
	}

	// A class change that leaves the node allowlisted touches nothing below.
	out := setAttrs(t, g, 11, map[string]any{"class": "public wide"})
	if strings.Contains(out, `"texts":[{`) || strings.Contains(out, `"source":5`) {
		t.Errorf("an unchanged state re-sent text: %s", out)
	}
	wantMasked(t, g, false, 11, 15, 16)

	// A secret inside the allowlisted subtree masks only its own subtree.
	out = setAttrs(t, g, 14, map[string]any{"class": "vault"})
	wantMasked(t, g, true, 14, 15)
	wantMasked(t, g, false, 11, 12, 13, 16)
	if !strings.Contains(out, `{"id":15,"value":"***** *****"}`) {
		t.Errorf("text of a new secret not re-masked: %s", out)
	}

	// Stops matching: what the agent saw is re-sent masked.
	out = setAttrs(t, g, 11, map[string]any{"class": "wide"})
	wantMasked(t, g, true, 11, 12, 13, 14, 15, 16)
	if !strings.Contains(out, `"source":5,"id":16,"text":"***** *****"`) {
		t.Errorf("input value not re-masked:\n%s", out)
	}

	// Matching through the parent and the node's own class.
	setAttrs(t, g, 10, map[string]any{"class": "a"})
	wantMasked(t, g, true, 10, 11, 12, 13, 14, 15, 16)
	setAttrs(t, g, 11, map[string]any{"class": "b"})
	wantMasked(t, g, false, 11, 12, 13, 16)
	wantMasked(t, g, true, 14, 15)
}

func TestReclassifyAncestorClassReachesDescendants(t *testing.T) {
	g := classifyPage(t, classifyPolicy)
	// ".zone span": the div does not match, its span does.
	setAttrs(t, g, 11, map[string]any{"class": "zone"})
	wantMasked(t, g, true, 11, 14, 15, 16)
	wantMasked(t, g, false, 12, 13)
	if out := mustFilter(t, g, rrMutation(t, map[string]any{
		"texts": []any{map[string]any{"id": 13, "value": "Shown Words"}},
	})); !strings.Contains(out, "Shown Words") {
		t.Fatalf("span under .zone stayed masked: %s", out)
	}
	// Higher up works the same: the section gets the class instead.
	setAttrs(t, g, 11, map[string]any{"class": ""})
	wantMasked(t, g, true, 12, 13)
	out := setAttrs(t, g, 10, map[string]any{"class": "zone"})
	wantMasked(t, g, false, 12, 13)
	wantMasked(t, g, true, 10, 11, 14)
	if strings.Contains(out, "Shown") {
		t.Errorf("masked text came back: %s", out)
	}
	// "section.a > .b": the child matches when either side changes.
	setAttrs(t, g, 10, map[string]any{"class": "a"})
	wantMasked(t, g, true, 11, 12, 13)
	setAttrs(t, g, 11, map[string]any{"class": "b"})
	wantMasked(t, g, false, 11, 12, 13, 14, 15, 16)
	mustFilter(t, g, rrMutation(t, map[string]any{"texts": []any{map[string]any{"id": 15, "value": "Para Shown"}}}))
	out = setAttrs(t, g, 10, map[string]any{"class": "x"})
	wantMasked(t, g, true, 11, 12, 13, 14, 15, 16)
	if !strings.Contains(out, `{"id":15,"value":"**** *****"}`) {
		t.Errorf("text shown under section.a > .b not re-masked: %s", out)
	}
}

func TestReclassifySecretAncestorAttribute(t *testing.T) {
	g := classifyPage(t, classifyPolicy)
	setAttrs(t, g, 11, map[string]any{"class": "public"})
	wantMasked(t, g, false, 16)
	// "[data-lock] input" on the section: data-lock is tested on ancestors.
	setAttrs(t, g, 10, map[string]any{"data-lock": "1"})
	wantMasked(t, g, true, 16)
	wantMasked(t, g, false, 11, 12, 15)
	// Secret is sticky on the node that was secret.
	setAttrs(t, g, 10, map[string]any{"data-lock": nil})
	wantMasked(t, g, true, 16)
	// data-settle-secret on the div masks its subtree, allowlisted or not.
	setAttrs(t, g, 11, map[string]any{"data-settle-secret": ""})
	wantMasked(t, g, true, 11, 12, 13, 14, 15)
}

func TestReclassifyMovesAcrossTheRedactionBoundary(t *testing.T) {
	g := classifyPage(t, classifyPolicy)
	setAttrs(t, g, 11, map[string]any{"class": "public"})
	mustFilter(t, g, rrMutation(t, map[string]any{"texts": []any{map[string]any{"id": 15, "value": "Para Shown"}}}))
	// An add naming a node the mirror holds moves it with its subtree.
	move := func(id, to int, node rrNode) string {
		t.Helper()
		out := mustFilter(t, g, rrMutation(t, map[string]any{
			"adds": []any{map[string]any{"parentId": to, "nextId": nil, "node": node}},
		}))
		if err := checkMirrorState(g); err != nil {
			t.Fatalf("after moving %d under %d: %v", id, to, err)
		}
		return out
	}
	// Out of the allowlisted div: masked, and its shown text re-sent masked.
	out := move(14, 20, rrElem(14, "p", nil))
	wantMasked(t, g, true, 14, 15)
	if strings.Contains(out, "Para Shown") {
		t.Errorf("moved text forwarded in the clear: %s", out)
	}
	// Back in: allowlisted again; under .zone, a span matches where it lands.
	move(14, 11, rrElem(14, "p", nil))
	wantMasked(t, g, false, 14, 15)
	setAttrs(t, g, 20, map[string]any{"class": "zone"})
	wantMasked(t, g, false, 21, 22)
	move(21, 10, rrElem(21, "span", nil))
	wantMasked(t, g, true, 21, 22)
	move(21, 20, rrElem(21, "span", nil))
	wantMasked(t, g, false, 21, 22)
}

// TestReclassifyRandomStream applies random attribute changes, moves, adds and
// removes to a nested page under policies that do and do not test ancestors,
// and checks after every event that the mirror's state is what a fresh
// classification gives, and the oracle's view of what was forwarded.
func TestReclassifyRandomStream(t *testing.T) {
	policies := []Policy{
		classifyPolicy,
		{UnredactSelectors: []string{".public", "nav", "main > p"}, SecretSelectors: []string{".vault"}},
		{UnredactSelectors: []string{"div .public p", "section > div.zone"}, SecretSelectors: []string{".zone .vault"}},
	}
	for pi, p := range policies {
		for seed := uint64(1); seed <= 20; seed++ {
			t.Run(fmt.Sprintf("policy%d/seed%d", pi, seed), func(t *testing.T) {
				runRandomReclassify(t, p, seed)
			})
		}
	}
}

func runRandomReclassify(t *testing.T, p Policy, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	g := newTestGate(t, p)
	tags := []string{"div", "section", "span", "p", "nav", "main", "input"}
	classes := []string{"", "public", "zone", "a", "b", "vault", "public zone", "a zone", "b public"}
	next := 100
	var build func(depth int) rrNode
	build = func(depth int) rrNode {
		next++
		id := next
		tag := tags[rng.IntN(len(tags))]
		attrs := map[string]any{"class": classes[rng.IntN(len(classes))], "title": "Title " + fmt.Sprint(id)}
		if tag == "input" {
			attrs["value"] = "Value Words"
			return rrElem(id, tag, attrs)
		}
		kids := []rrNode{rrText(next+1, "Text Words")}
		next++
		for range rng.IntN(4) {
			if depth < 5 {
				kids = append(kids, build(depth+1))
			}
		}
		return rrElem(id, tag, attrs, kids...)
	}
	var out bytes.Buffer
	emit := func(ev []byte) {
		res, err := g.Filter(ev)
		if err != nil {
			return
		}
		for _, e := range res.Events {
			out.Write(e)
			out.WriteByte('\n')
		}
		out.WriteByte('\n')
		if err := checkMirrorState(g); err != nil {
			t.Fatalf("after %s: %v", ev, err)
		}
	}
	emit(rrSnapshot(t, rrDoc(build(0), build(0), build(0))))
	elements := func() []*mirrorNode {
		var els []*mirrorNode
		for n := range g.m.all {
			if n.kind == ntElement && n.id > 3 {
				els = append(els, n)
			}
		}
		return els
	}
	for range 300 {
		els := elements()
		if len(els) < 2 {
			break
		}
		pick := func() *mirrorNode { return els[rng.IntN(len(els))] }
		var changes, texts, removes, adds []any
		for range 1 + rng.IntN(3) {
			n := pick()
			switch rng.IntN(10) {
			case 0, 1, 2, 3:
				changes = append(changes, map[string]any{"id": n.id, "attributes": map[string]any{"class": classes[rng.IntN(len(classes))]}})
			case 4:
				v := any("")
				if rng.IntN(2) == 0 {
					v = nil
				}
				name := []string{"data-lock", "data-settle-unredact", "data-settle-secret"}[rng.IntN(3)]
				changes = append(changes, map[string]any{"id": n.id, "attributes": map[string]any{name: v}})
			case 5:
				for c := n.first; c != nil; c = c.next {
					if c.isTextLike() {
						texts = append(texts, map[string]any{"id": c.id, "value": "New Words"})
					}
				}
			case 6, 7:
				// Move n, with its subtree, under another element outside it.
				to := pick()
				if n.parent == nil || contains(n, to) || to.tag == "input" || len(removes) > 0 {
					continue
				}
				adds = append(adds, map[string]any{"parentId": to.id, "nextId": nil,
					"node": rrElem(n.id, n.tag, map[string]any{"class": classes[rng.IntN(len(classes))]})})
			case 8:
				if n.tag != "input" && len(adds) == 0 {
					adds = append(adds, map[string]any{"parentId": n.id, "nextId": nil, "node": build(3)})
				}
			case 9:
				if n.parent != nil && len(removes) == 0 && len(adds) == 0 && len(els) > 10 {
					removes = append(removes, map[string]any{"parentId": n.parent.id, "id": n.id})
				}
			}
		}
		m := map[string]any{}
		for k, v := range map[string][]any{"attributes": changes, "texts": texts, "removes": removes, "adds": adds} {
			if v != nil {
				m[k] = v
			}
		}
		emit(rrMutation(t, m))
	}
	// The oracle judges allowlisting on forwarded attributes; these policies
	// test class (forwarded as it is) and data-lock (secret only, which the
	// oracle leaves to the gate).
	if err := checkGateOutput(out.Bytes(), p); err != nil {
		t.Fatal(err)
	}
}

// hasField splits as strings.Fields does: Unicode white space, invalid UTF-8
// is not space.
func TestHasFieldMatchesStringsFields(t *testing.T) {
	alphabet := []string{"a", "b", "ab", "-", " ", "\t", "\n", "\v", "\f", "\r", "\u00a0", "\u0085", "\u2003",
		"\u3000", "\xc2", "\xa0", "\xff", "é", "\u200b"}
	ascii := alphabet[:10]
	rng := rand.New(rand.NewPCG(3, 4))
	gen := func(n int, from []string) string {
		var b strings.Builder
		for range n {
			b.WriteString(from[rng.IntN(len(from))])
		}
		return b.String()
	}
	for i := range 40000 {
		from := alphabet
		if i%2 == 0 {
			from = ascii
		}
		v, tok := gen(rng.IntN(8), from), gen(1+rng.IntN(3), from)
		want := false
		for _, f := range strings.Fields(v) {
			want = want || f == tok
		}
		if got := hasField(v, tok); got != want {
			t.Fatalf("hasField(%q, %q) = %v, strings.Fields says %v", v, tok, got, want)
		}
	}
}

// Ids far past the ones in use go to the sparse index; the mirror still finds,
// moves and forgets them, and a hostile id cannot grow the dense index.
func TestMirrorIndexHugeIDs(t *testing.T) {
	g := newTestGate(t, ownClassPolicy)
	huge := 1 << 40
	mustFilter(t, g, rrSnapshot(t, rrDoc(
		rrElem(10, "div", map[string]any{"class": "public"}, rrText(huge, "Words")),
		rrElem(huge+2, "div", nil, rrText(11, "More")),
	)))
	if len(g.m.dense) > 4096+2*g.m.count {
		t.Fatalf("dense index grew to %d for %d nodes", len(g.m.dense), g.m.count)
	}
	if err := checkMirrorState(g); err != nil {
		t.Fatal(err)
	}
	wantMasked(t, g, false, huge)
	wantMasked(t, g, true, huge+2, 11)
	// Move the huge-id div under the allowlisted one, then remove it.
	mustFilter(t, g, rrMutation(t, map[string]any{
		"adds": []any{map[string]any{"parentId": 10, "nextId": nil, "node": rrElem(huge+2, "div", nil)}},
	}))
	wantMasked(t, g, false, huge+2, 11)
	mustFilter(t, g, rrMutation(t, map[string]any{
		"removes": []any{map[string]any{"parentId": 10, "id": huge + 2}},
	}))
	if _, known := g.Masked(huge + 2); known {
		t.Error("removed node still held")
	}
	if _, known := g.Masked(11); known {
		t.Error("child of a removed node still held")
	}
	if err := checkMirrorState(g); err != nil {
		t.Fatal(err)
	}
	if g.m.count != 5 { // document, html, body, div 10 and its text
		t.Errorf("mirror holds %d nodes, want 5", g.m.count)
	}
}
