package cobrowse

import (
	"sort"
	"strconv"
)

// Serialized nodes: bringing them into the mirror (build) and writing them
// out redacted (writeNode). Both full snapshots and mutation adds use these.

// build brings wire node w and its children into the mirror under parent,
// before sibling before. An id the mirror held before this event, for a node
// of the same kind and tag, is a move, as in rrweb's replayer: the node keeps
// its subtree and is classified again where it lands (moved collects it). An
// id repeated within one event is refused: each copy would be written under
// the state of the last one's place. Nodes that cannot be placed are left out
// with their subtree (w.m stays nil).
func (f *filterRun) build(parent *mirrorNode, w *wireNode, before *mirrorNode, moved *[]*mirrorNode) {
	n := f.place(parent, w, before, moved)
	if n == nil || (n.kind != ntElement && n.kind != ntDocument) {
		return
	}
	for _, c := range w.ChildNodes {
		if c != nil {
			f.build(n, c, nil, moved)
		}
	}
}

func (f *filterRun) place(parent *mirrorNode, w *wireNode, before *mirrorNode, moved *[]*mirrorNode) *mirrorNode {
	g := f.g
	tag, ok := f.admissible(parent, w)
	if !ok {
		return nil
	}
	if n := g.m.get(w.ID); n != nil {
		if n.event == g.events || int(n.kind) != w.Type || n.tag != tag || (parent != nil && contains(n, parent)) {
			f.drop(ReasonDuplicate, w.ID, "added node clashes with an existing one")
			return nil
		}
		g.m.detach(n)
		g.m.insert(n, parent, before)
		n.keys = g.keysOf(w)
		n.event = g.events
		if moved != nil {
			*moved = append(*moved, n)
		}
		w.m = n
		return n
	}
	if g.m.count >= maxMirrorNodes {
		f.drop(ReasonLimit, w.ID, "too many nodes")
		return nil
	}
	n := g.m.alloc()
	n.id, n.kind, n.tag, n.event = w.ID, uint8(w.Type), tag, g.events
	n.keys = g.keysOf(w)
	g.m.insert(n, parent, before)
	g.m.add(n)
	g.classifyNode(n)
	w.m = n
	return n
}

// admissible checks w's shape and where it would go, and returns the tag
// name an element will carry.
func (f *filterRun) admissible(parent *mirrorNode, w *wireNode) (tag string, ok bool) {
	switch {
	case w.ID <= 0:
		f.drop(ReasonMalformed, 0, "node without a valid id")
		return "", false
	case w.Type < ntDocument || w.Type > ntComment:
		f.drop(ReasonMalformed, w.ID, "unknown node type "+strconv.Itoa(w.Type))
		return "", false
	case parent != nil && parent.kind != ntElement && parent.kind != ntDocument:
		f.drop(ReasonWrongKind, w.ID, "parent cannot have children")
		return "", false
	case parent != nil && parent.depth+1 > maxMirrorDepth:
		f.drop(ReasonLimit, w.ID, "nested too deep")
		return "", false
	}
	if w.Type == ntElement {
		tag = validTagName(w.TagName)
	}
	return tag, true
}

// validTagName lower-cases a tag name and replaces an invalid one with "div",
// as rrweb's serializer does; so is one a detector would mask.
func validTagName(t string) string {
	t = lowerASCII(t)
	if t == "" || !safeName(t) {
		return "div"
	}
	for i := 0; i < len(t); i++ {
		if c := t[i]; !isAlnum(c) && c != '-' && c != '_' && c != ':' {
			return "div"
		}
	}
	return t
}

// safeName reports whether a tag or attribute name may be forwarded: names
// are strings too, and a page can put a card number in one. Such a name is
// dropped rather than masked, which would make it another name.
func safeName(name string) bool { return redactDetected(name) == name }

// keysOf extracts the raw values of the attributes the policy classifies on.
func (g *Gate) keysOf(w *wireNode) []attrKV {
	if w.Type != ntElement {
		return nil
	}
	var keys []attrKV
	for name, v := range w.Attributes {
		lname := lowerASCII(name)
		if !g.pol.isKeyAttr(lname) {
			continue
		}
		if s, ok := keyString(v); ok {
			keys = setKey(keys, lname, s)
		}
	}
	return keys
}

// keyString is the value an attribute presents to selectors; ok is false when
// the value means "absent" (null, or rrweb's legacy false).
func keyString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case float64:
		return formatNumber(x), true
	case bool:
		return "", x
	case nil:
		return "", false
	}
	return "", true // a style diff object: the attribute is there
}

func setKey(keys []attrKV, name, value string) []attrKV {
	for i := range keys {
		if keys[i].name == name {
			keys[i].value = value
			return keys
		}
	}
	return append(keys, attrKV{name, value})
}

func deleteKey(keys []attrKV, name string) []attrKV {
	for i := range keys {
		if keys[i].name == name {
			return append(keys[:i], keys[i+1:]...)
		}
	}
	return keys
}

// writeNode writes w redacted under the state its mirror node has now.
func (f *filterRun) writeNode(out *jsonWriter, w *wireNode) {
	n := w.m
	out.open('{')
	out.kInt("id", w.ID)
	out.kInt("type", int(n.kind))
	switch n.kind {
	case ntDocument:
		if w.CompatMode != "" {
			out.kStr("compatMode", redactDetected(w.CompatMode))
		}
		f.writeChildren(out, w)
	case ntDoctype:
		out.kStr("name", redactDetected(w.Name))
		out.kStr("publicId", redactDetected(w.PublicID))
		out.kStr("systemId", redactDetected(w.SystemID))
	case ntElement:
		f.writeElement(out, w)
	default:
		text, style := textOut(n, w.TextContent)
		out.kStr("textContent", text)
		if style {
			out.kBool("isStyle", true)
		}
	}
	if w.RootID != nil {
		out.kInt("rootId", *w.RootID)
	}
	if w.IsShadowHost {
		out.kBool("isShadowHost", true)
	}
	if w.IsShadow {
		out.kBool("isShadow", true)
	}
	out.close('}')
}

func (f *filterRun) writeChildren(out *jsonWriter, w *wireNode) {
	out.key("childNodes")
	out.open('[')
	for _, c := range w.ChildNodes {
		if c != nil && c.m != nil {
			out.elem()
			f.writeNode(out, c)
		}
	}
	out.close(']')
}

func (f *filterRun) writeElement(out *jsonWriter, w *wireNode) {
	n := w.m
	out.kStr("tagName", n.tag)
	out.key("attributes")
	out.open('{')
	masked := n.masked()
	n.clear = n.clear[:0]
	var buf [16]string
	for _, name := range sortedNamesIn(buf[:0], w.Attributes) {
		a := attrValue(n.tag, lowerASCII(name), w.Attributes[name], masked)
		if !a.keep || !safeName(name) {
			continue
		}
		out.strKey(name)
		writeAttr(out, a)
		if a.clear {
			n.clear = append(n.clear, attrKV{name, a.str})
		}
	}
	out.close('}')
	f.writeChildren(out, w)
	if w.IsSVG {
		out.kBool("isSVG", true)
	}
	if w.IsCustom {
		out.kBool("isCustom", true)
	}
	if w.NeedBlock {
		out.kBool("needBlock", true)
	}
}

func writeAttr(out *jsonWriter, a attrOut) {
	if a.lit != "" {
		out.b = append(out.b, a.lit...)
		return
	}
	out.str(a.str)
}

func sortedNames[V any](m map[string]V) []string {
	return sortedNamesIn(nil, m)
}

// sortedNamesIn is sortedNames in buf's space when it is large enough, so
// the usual handful of attributes costs no allocation.
func sortedNamesIn[V any](buf []string, m map[string]V) []string {
	names := buf[:0]
	if cap(names) < len(m) {
		names = make([]string, 0, len(m))
	}
	for k := range m {
		names = append(names, k)
	}
	if len(names) > 1 {
		sort.Strings(names)
	}
	return names
}

// textOut is the text to forward for text-like node n, whose page text is
// raw. CSS under <style> is sanitized rather than masked; script text and
// comments are never forwarded. isStyle marks CSS, and only under <style>: a
// page cannot escape masking by flagging its text as style.
func textOut(n *mirrorNode, raw string) (text string, isStyle bool) {
	switch tag := n.parentTag(); {
	case n.kind == ntComment || tag == "script":
		return "", false
	case tag == "style":
		return sanitizeCSS(raw), true
	case n.masked():
		n.flags &^= flagClearText
		n.shown = ""
		return maskText(raw), false
	}
	text = redactDetected(raw)
	n.shown = text
	n.flags |= flagClearText
	return text, false
}
