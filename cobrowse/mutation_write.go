package cobrowse

// Writing a mutation's parts. Re-masking entries come first in each list so
// that, when the same node also changes in this event, its new value (applied
// later by the replayer) is the one that stays.

func (f *filterRun) writeTexts(out *jsonWriter, remask []byte, texts []textChange) {
	out.key("texts")
	out.open('[')
	out.b = append(out.b, remask...)
	for _, t := range texts {
		out.elem()
		out.open('{')
		out.kInt("id", t.w.ID)
		out.key("value")
		if t.w.Value == nil {
			out.null()
			t.n.shown = ""
			t.n.flags &^= flagClearText
		} else {
			text, _ := textOut(t.n, *t.w.Value)
			out.str(text)
		}
		out.close('}')
	}
	out.close(']')
}

func (f *filterRun) writeAttributes(out *jsonWriter, remask []byte, changes []attrChange) {
	out.key("attributes")
	out.open('[')
	out.b = append(out.b, remask...)
	for _, c := range changes {
		out.elem()
		out.open('{')
		out.kInt("id", c.w.ID)
		out.key("attributes")
		out.open('{')
		var buf [16]string
		for _, name := range sortedNamesIn(buf[:0], c.w.Attributes) {
			writeAttrChange(out, c.n, name, c.w.Attributes[name])
		}
		out.close('}')
		out.close('}')
	}
	out.close(']')
}

// writeAttrChange writes one changed attribute of element n. A value the gate
// will not forward becomes null (removed), so the replay does not keep showing
// an old one; null stays null.
func writeAttrChange(out *jsonWriter, n *mirrorNode, name string, v any) {
	if !safeName(name) {
		return
	}
	lname := lowerASCII(name)
	out.strKey(name)
	n.clear = deleteKey(n.clear, name)
	if diff, ok := v.(map[string]any); ok && lname == "style" {
		writeStyleDiff(out, diff)
		return
	}
	a := attrValue(n.tag, lname, v, n.masked())
	if !a.keep {
		out.null()
		return
	}
	writeAttr(out, a)
	if a.clear {
		n.clear = append(n.clear, attrKV{name, a.str})
	}
}

// writeStyleDiff writes rrweb's compact style change: property to value, to
// [value, priority], or to false (removed).
func writeStyleDiff(out *jsonWriter, diff map[string]any) {
	out.open('{')
	var buf [16]string
	for _, prop := range sortedNamesIn(buf[:0], diff) {
		switch v := diff[prop].(type) {
		case string:
			out.strKey(redactDetected(prop))
			out.str(sanitizeCSSValue(prop, v))
		case bool:
			if !v {
				out.strKey(redactDetected(prop))
				out.bool(false)
			}
		case []any:
			if len(v) != 2 {
				continue
			}
			val, ok1 := v[0].(string)
			prio, ok2 := v[1].(string)
			if ok1 && ok2 {
				out.strKey(redactDetected(prop))
				out.open('[')
				out.str(sanitizeCSSValue(prop, val))
				out.elem()
				out.str(redactDetected(prio))
				out.close(']')
			}
		}
	}
	out.close('}')
}

func (f *filterRun) writeAdds(out *jsonWriter, adds []wireAdd, placed []bool) {
	g := f.g
	out.key("adds")
	out.open('[')
	for i := range adds {
		if !placed[i] {
			continue
		}
		a := &adds[i]
		out.elem()
		out.open('{')
		out.kInt("parentId", a.ParentID)
		// A sibling the mirror does not hold would make the replayer queue
		// the node forever; appending is the better failure.
		out.key("nextId")
		if a.NextID != nil && g.m.get(*a.NextID) != nil {
			out.int(*a.NextID)
		} else {
			out.null()
		}
		if a.PreviousID != nil && g.m.get(*a.PreviousID) != nil {
			out.kInt("previousId", *a.PreviousID)
		}
		out.key("node")
		f.writeNode(out, a.Node)
		out.close('}')
	}
	out.close(']')
}
