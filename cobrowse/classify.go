package cobrowse

import "sort"

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

// reclassify recomputes the state of the subtrees under roots (in any order)
// and returns the nodes that became masked while holding text an agent was
// shown unmasked: that text has to be sent again, masked.
func (g *Gate) reclassify(roots []*mirrorNode) []*mirrorNode {
	if len(roots) == 0 {
		return nil
	}
	// Parents first, so each subtree is walked once with final ancestor state.
	sort.Slice(roots, func(i, j int) bool { return roots[i].depth < roots[j].depth })
	g.epoch++
	var remask []*mirrorNode
	for _, root := range roots {
		if root.epoch == g.epoch || g.m.get(root.id) != root {
			continue
		}
		for d := root; d != nil; d = nextInSubtree(d, root) {
			wasMasked := d.masked()
			g.classifyNode(d)
			d.epoch = g.epoch
			if d != root {
				d.depth = d.parent.depth + 1
			}
			if !wasMasked && d.masked() && d.holdsClear() {
				remask = append(remask, d)
			}
		}
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
