package cobrowse

import "strconv"

// Incremental events other than mutations. Pointer, scroll, viewport, media
// and selection events carry numbers and node ids only; they are re-encoded
// from their typed fields, so anything else in them is dropped. Events aimed
// at a node the mirror does not hold are dropped as the replayer would ignore
// them anyway.

func (f *filterRun) knownNode(id *int) bool {
	if id == nil {
		f.fail(ReasonMalformed, "event without a node id")
		return false
	}
	if f.g.m.get(*id) == nil {
		f.fail(ReasonUnknownNode, "event for unknown node "+strconv.Itoa(*id))
		return false
	}
	return true
}

func (f *filterRun) input(d *wireData) {
	if !f.knownNode(d.ID) {
		return
	}
	if d.Text == nil {
		f.fail(ReasonMalformed, "input without text")
		return
	}
	n := f.g.m.get(*d.ID)
	if n.kind != ntElement {
		f.fail(ReasonWrongKind, "input on a node that is not an element")
		return
	}
	checked := d.IsChecked != nil && *d.IsChecked
	text := *d.Text
	if n.masked() {
		text = maskText(text)
		n.shown = ""
		n.flags &^= flagClearValue | flagChecked
	} else {
		text = redactDetected(text)
		n.shown = text
		n.flags |= flagClearValue
		n.flags &^= flagChecked
		if checked {
			n.flags |= flagChecked
		}
	}
	f.writeInput(n.id, text, checked, d.UserTriggered)
}

func (f *filterRun) writeInput(id int, text string, checked bool, userTriggered *bool) {
	out := f.beginIncremental(srcInput)
	out.kInt("id", id)
	out.kStr("text", text)
	out.kBool("isChecked", checked)
	out.kOptBool("userTriggered", userTriggered)
	f.endIncremental(out)
}

func (f *filterRun) positions(src int, d *wireData) {
	if d.Positions == nil {
		f.fail(ReasonMalformed, "pointer event without positions")
		return
	}
	out := f.beginIncremental(src)
	out.key("positions")
	// Written straight into the buffer: a mouse move carries many.
	b := append(out.b, '[')
	for i, p := range d.Positions {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"x":`...)
		b = appendJSONFloat(b, p.X)
		b = append(b, `,"y":`...)
		b = appendJSONFloat(b, p.Y)
		b = append(b, `,"id":`...)
		b = appendJSONInt(b, p.ID)
		b = append(b, `,"timeOffset":`...)
		b = appendJSONFloat(b, p.TimeOffset)
		b = append(b, '}')
	}
	out.b = append(b, ']')
	f.endIncremental(out)
}

// interaction covers MouseInteraction and MediaInteraction.
func (f *filterRun) interaction(src int, d *wireData) {
	if d.Type == nil {
		f.fail(ReasonMalformed, "interaction without a type")
		return
	}
	if !f.knownNode(d.ID) {
		return
	}
	out := f.beginIncremental(src)
	out.kInt("type", *d.Type)
	out.kInt("id", *d.ID)
	if src == srcMouseInteraction {
		out.kOptFloat("x", d.X)
		out.kOptFloat("y", d.Y)
		out.kOptInt("pointerType", d.PointerType)
	} else {
		out.kOptFloat("currentTime", d.CurrentTime)
		out.kOptFloat("volume", d.Volume)
		out.kOptBool("muted", d.Muted)
		out.kOptBool("loop", d.Loop)
		out.kOptFloat("playbackRate", d.PlaybackRate)
	}
	f.endIncremental(out)
}

func (f *filterRun) scroll(d *wireData) {
	if d.X == nil || d.Y == nil {
		f.fail(ReasonMalformed, "scroll without a position")
		return
	}
	if !f.knownNode(d.ID) {
		return
	}
	out := f.beginIncremental(srcScroll)
	out.kInt("id", *d.ID)
	out.kFloat("x", *d.X)
	out.kFloat("y", *d.Y)
	f.endIncremental(out)
}

func (f *filterRun) viewport(d *wireData) {
	if d.Width == nil || d.Height == nil {
		f.fail(ReasonMalformed, "viewport resize without a size")
		return
	}
	out := f.beginIncremental(srcViewportResize)
	out.kFloat("width", *d.Width)
	out.kFloat("height", *d.Height)
	f.endIncremental(out)
}

func (f *filterRun) selection(d *wireData) {
	if d.Ranges == nil {
		f.fail(ReasonMalformed, "selection without ranges")
		return
	}
	out := f.beginIncremental(srcSelection)
	out.key("ranges")
	out.open('[')
	for _, r := range d.Ranges {
		if f.g.m.get(r.Start) == nil || f.g.m.get(r.End) == nil {
			f.drop(ReasonUnknownNode, r.Start, "selection range on an unknown node")
			continue
		}
		out.elem()
		out.open('{')
		out.kInt("start", r.Start)
		out.kInt("startOffset", r.StartOffset)
		out.kInt("end", r.End)
		out.kInt("endOffset", r.EndOffset)
		out.close('}')
	}
	out.close(']')
	f.endIncremental(out)
}
