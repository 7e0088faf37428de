package cobrowse

import (
	"cmp"
	"slices"
)

// Redaction state. A node is allowlisted when it or an ancestor is marked
// data-settle-unredact or matches an unredact selector, and secret when it or
// an ancestor is a secret element or matches a secret selector. The state is
// computed when a node enters the mirror and again, for the whole subtree,
// whenever it moves or an attribute the policy looks at changes.

// classifyNode sets n's state from its parent's and its own attributes.
func (g *Gate) classifyNode(n *mirrorNode) {
	var allow, secret bool
	if p := n.parent; p != nil {
		allow, secret = p.flags&flagAllow != 0, p.flags&flagSecret != 0
	}
	if n.kind == ntElement {
		ownAllow, ownSecret := g.pol.ownState(n)
		allow = allow || ownAllow
		if ownSecret {
			// Sticky: a field that was a password or card field stays masked
			// for as long as it is on the page, whatever its attributes become.
			n.flags |= flagEverSecret
			secret = true
		}
	}
	n.flags &^= flagAllow | flagSecret
	if allow {
		n.flags |= flagAllow
	}
	if secret {
		n.flags |= flagSecret
	}
}

// reclassRoot is a node whose classification inputs changed in an event.
type reclassRoot struct {
	n *mirrorNode
	// deep: every node of the subtree must be evaluated again, because the
	// node moved (its descendants have new ancestors) or an attribute changed
	// that a selector tests on ancestors. Otherwise only the node's own
	// attributes changed, and its descendants can change only through the
	// state they inherit from it.
	deep bool
}

// reclassify recomputes the state of the subtrees under roots (in any order)
// and returns the nodes that became masked while holding text an agent was
// shown unmasked: that text has to be sent again, masked.
//
// A node's state is a function of its parent's state, its own attributes and
// tag, and the attributes and tags of its ancestors that selectors test. So
// below a root that is not deep, a node whose state came out unchanged has a
// subtree that cannot change either (its parent's state, own attributes and
// tested ancestors are all as before), and the walk skips it. A deep root's
// subtree is walked whole.
func (g *Gate) reclassify(roots []reclassRoot) []*mirrorNode {
	if len(roots) == 0 {
		return nil
	}
	// Parents first, so each subtree is walked once with final ancestor state.
	if len(roots) > 1 {
		slices.SortStableFunc(roots, func(a, b reclassRoot) int { return cmp.Compare(a.n.depth, b.n.depth) })
	}
	g.epoch++
	var remask []*mirrorNode
	for _, r := range roots {
		root := r.n
		if root.epoch == g.epoch || g.m.get(root.id) != root {
			continue // walked whole already, or removed
		}
		if r.deep {
			for d := root; d != nil; d = nextInSubtree(d, root) {
				remask = g.reclassifyNode(d, remask)
				d.epoch = g.epoch
				if d != root {
					d.depth = d.parent.depth + 1
				}
			}
			continue
		}
		// Nodes visited here are not marked: a root below this one whose own
		// attributes changed still needs its own visit (it is idempotent).
		for d := root; d != nil; {
			before := d.flags & (flagAllow | flagSecret)
			remask = g.reclassifyNode(d, remask)
			if d.flags&(flagAllow|flagSecret) != before {
				d = nextInSubtree(d, root)
			} else {
				d = nextSkippingSubtree(d, root)
			}
		}
	}
	return remask
}

// reclassifyNode classifies d again and adds it to remask when it became
// masked while holding text an agent was shown unmasked.
func (g *Gate) reclassifyNode(d *mirrorNode, remask []*mirrorNode) []*mirrorNode {
	wasMasked := d.masked()
	g.classifyNode(d)
	if !wasMasked && d.masked() && d.holdsClear() {
		remask = append(remask, d)
	}
	return remask
}

func (n *mirrorNode) holdsClear() bool {
	return n.flags&(flagClearText|flagClearValue) != 0 || len(n.clear) > 0
}

// writeRemaskTexts writes text-mutation entries re-sending, masked, the text
// of nodes that became masked, and forgets that text.
func writeRemaskTexts(out *jsonWriter, remask []*mirrorNode) {
	for _, n := range remask {
		if n.flags&flagClearText == 0 {
			continue
		}
		out.elem()
		out.open('{')
		out.kInt("id", n.id)
		out.kStr("value", maskText(n.shown))
		out.close('}')
		n.shown = ""
		n.flags &^= flagClearText
	}
}

// writeRemaskAttributes does the same for text attributes.
func writeRemaskAttributes(out *jsonWriter, remask []*mirrorNode) {
	for _, n := range remask {
		if len(n.clear) == 0 {
			continue
		}
		out.elem()
		out.open('{')
		out.kInt("id", n.id)
		out.key("attributes")
		out.open('{')
		for _, kv := range n.clear {
			out.strKey(kv.name)
			out.str(maskText(kv.value))
		}
		out.close('}')
		out.close('}')
		n.clear = nil
	}
}

// remaskInputs emits input events re-sending, masked, the values of inputs
// that became masked.
func (f *filterRun) remaskInputs(remask []*mirrorNode) {
	for _, n := range remask {
		if n.flags&flagClearValue == 0 {
			continue
		}
		f.writeInput(n.id, maskText(n.shown), n.flags&flagChecked != 0, nil)
		n.shown = ""
		n.flags &^= flagClearValue
	}
}
