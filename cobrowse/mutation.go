package cobrowse

import "strconv"

// Mutation events. They are applied to the mirror in the replayer's order
// (removes, adds, texts, attributes) but every string is written under the
// state the mutation leaves behind: the replayer applies the event as a
// whole, so an attribute change later in the same event (say
// data-settle-secret on an ancestor) must already mask the text before it.

type removal struct {
	w wireRemove
	n *mirrorNode
}

type attrChange struct {
	w *wireAttrChange
	n *mirrorNode
}

func (f *filterRun) mutation(d *wireData) {
	removes := f.applyRemoves(d.Removes)
	placed, moved := f.applyAdds(d.Adds)
	changes, roots := f.applyAttributeKeys(d.Attributes)
	for _, n := range moved {
		roots = append(roots, reclassRoot{n: n, deep: true})
	}
	f.a.roots = roots
	remask := f.g.reclassify(roots)
	texts := f.validTexts(d.Texts)
	kept := len(removes) + len(changes) + len(texts) + len(remask)
	for _, ok := range placed {
		if ok {
			kept++
		}
	}
	if kept == 0 && len(f.drops) > 0 {
		f.fail(f.drops[0].Reason, "every part of the mutation was dropped")
		return
	}
	// Re-masking entries are written first, from what the agent was shown;
	// adds next, so the mirror ends up recording what the replayer will show
	// after this event's own text and attribute changes are applied.
	var remaskTexts, remaskAttrs jsonWriter
	writeRemaskTexts(&remaskTexts, remask)
	writeRemaskAttributes(&remaskAttrs, remask)
	out := f.beginIncremental(srcMutation)
	writeRemoves(out, removes)
	f.writeAdds(out, d.Adds, placed)
	f.writeTexts(out, remaskTexts.b, texts)
	f.writeAttributes(out, remaskAttrs.b, changes)
	if d.IsAttachIframe {
		out.kBool("isAttachIframe", true)
	}
	f.endIncremental(out)
	f.remaskInputs(remask)
}

func writeRemoves(out *jsonWriter, removes []removal) {
	out.key("removes")
	out.open('[')
	for _, r := range removes {
		out.elem()
		out.open('{')
		out.kInt("parentId", r.w.ParentID)
		out.kInt("id", r.w.ID)
		if r.w.IsShadow {
			out.kBool("isShadow", true)
		}
		out.close('}')
	}
	out.close(']')
}

// applyRemoves validates removals against the tree as the event found it (as
// the replayer does) and then removes the subtrees. A removal inside a
// subtree already removed by this event is forwarded and has no effect.
func (f *filterRun) applyRemoves(rs []wireRemove) []removal {
	g := f.g
	ok := f.a.removals[:0]
	defer func() { f.a.removals = ok }()
	for _, r := range rs {
		n := g.m.get(r.ID)
		switch {
		case n == nil:
			f.drop(ReasonUnknownNode, r.ID, "removal of an unknown node")
		case n.parent == nil || n.parent.id != r.ParentID:
			f.drop(ReasonWrongParent, r.ID, "removal names another parent")
		default:
			ok = append(ok, removal{r, n})
		}
	}
	for _, r := range ok {
		if g.m.get(r.w.ID) == r.n {
			g.m.remove(r.n)
		}
	}
	return ok
}

// applyAdds places added subtrees. An add whose parent is not yet known waits
// for an earlier-listed add to create it, as the replayer queues them.
func (f *filterRun) applyAdds(adds []wireAdd) (placed []bool, moved []*mirrorNode) {
	placed = append(f.a.placed[:0], make([]bool, len(adds))...)
	f.a.placed = placed
	waiting := map[int][]int{}
	ready := f.a.ready[:0]
	defer func() { f.a.ready = ready }()
	for i := len(adds) - 1; i >= 0; i-- {
		ready = append(ready, i)
	}
	for len(ready) > 0 {
		i := ready[len(ready)-1]
		ready = ready[:len(ready)-1]
		a := &adds[i]
		if a.Node == nil {
			f.drop(ReasonMalformed, 0, "add without a node")
			continue
		}
		parent := f.g.m.get(a.ParentID)
		if parent == nil {
			waiting[a.ParentID] = append(waiting[a.ParentID], i)
			continue
		}
		f.placeAdd(parent, a, &moved)
		placed[i] = a.Node.m != nil
		if placed[i] && len(waiting) > 0 {
			ready = releaseWaiting(a.Node, waiting, ready)
		}
	}
	for parentID, is := range waiting {
		for _, i := range is {
			f.drop(ReasonUnknownNode, adds[i].Node.ID, "added under unknown parent "+strconv.Itoa(parentID))
		}
	}
	return placed, moved
}

func (f *filterRun) placeAdd(parent *mirrorNode, a *wireAdd, moved *[]*mirrorNode) {
	g := f.g
	if a.Node.Type == ntDocument && parent.kind == ntElement {
		// A frame has one document: a newly attached one replaces the old.
		for c := parent.first; c != nil; {
			next := c.next
			if c.kind == ntDocument && c.id != a.Node.ID {
				g.m.remove(c)
			}
			c = next
		}
	}
	var before *mirrorNode
	if a.NextID != nil {
		before = g.m.get(*a.NextID)
	}
	f.build(parent, a.Node, before, moved)
}

// releaseWaiting moves adds waiting for any node of the placed subtree w to
// the ready list.
func releaseWaiting(w *wireNode, waiting map[int][]int, ready []int) []int {
	stack := []*wireNode{w}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n.m == nil {
			continue
		}
		if is, ok := waiting[n.ID]; ok {
			ready = append(ready, is...)
			delete(waiting, n.ID)
		}
		for _, c := range n.ChildNodes {
			if c != nil {
				stack = append(stack, c)
			}
		}
	}
	return ready
}

// applyAttributeKeys validates attribute changes and updates the raw values
// the policy classifies on; changed lists the nodes whose classification
// inputs changed, deep when a selector tests a changed attribute on
// ancestors.
func (f *filterRun) applyAttributeKeys(cs []wireAttrChange) (ok []attrChange, changed []reclassRoot) {
	g := f.g
	ok, changed = f.a.changes[:0], f.a.roots[:0]
	defer func() { f.a.changes, f.a.roots = ok, changed }()
	for i := range cs {
		c := &cs[i]
		n := g.m.get(c.ID)
		switch {
		case n == nil:
			f.drop(ReasonUnknownNode, c.ID, "attribute change on an unknown node")
			continue
		case n.kind != ntElement:
			f.drop(ReasonWrongKind, c.ID, "attribute change on a non-element")
			continue
		}
		ok = append(ok, attrChange{c, n})
		touched, deep := false, false
		for name, v := range c.Attributes {
			lname := lowerASCII(name)
			if !g.pol.isKeyAttr(lname) {
				continue
			}
			touched = true
			deep = deep || g.pol.ancestorKeys[lname]
			if s, present := keyString(v); present {
				n.keys = setKey(n.keys, lname, s)
			} else {
				n.keys = deleteKey(n.keys, lname)
			}
		}
		if touched {
			changed = append(changed, reclassRoot{n: n, deep: deep})
		}
	}
	return ok, changed
}

type textChange struct {
	w wireText
	n *mirrorNode
}

func (f *filterRun) validTexts(ts []wireText) []textChange {
	ok := f.a.textOps[:0]
	defer func() { f.a.textOps = ok }()
	for _, t := range ts {
		n := f.g.m.get(t.ID)
		switch {
		case n == nil:
			f.drop(ReasonUnknownNode, t.ID, "text change on an unknown node")
		case !n.isTextLike():
			f.drop(ReasonWrongKind, t.ID, "text change on a node that is not text")
		default:
			ok = append(ok, textChange{t, n})
		}
	}
	return ok
}
