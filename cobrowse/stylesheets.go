package cobrowse

// Style-sheet events: CSSOM rule inserts and deletes (StyleSheetRule),
// single declarations (StyleDeclaration) and constructed sheets adopted by a
// document or shadow root (AdoptedStyleSheet). Every rule and value goes
// through the CSS sanitizer.

// sheetTarget checks the id/styleId pair that names the sheet: a node id must
// be one the mirror holds; a styleId names a constructed sheet.
func (f *filterRun) sheetTarget(d *wireData) bool {
	switch {
	case d.ID != nil:
		return f.knownNode(d.ID)
	case d.StyleID == nil:
		f.fail(ReasonMalformed, "style event without id or styleId")
		return false
	}
	return true
}

func (f *filterRun) styleSheetRule(d *wireData) {
	if !f.sheetTarget(d) {
		return
	}
	out := f.beginIncremental(srcStyleSheetRule)
	out.kOptInt("id", d.ID)
	out.kOptInt("styleId", d.StyleID)
	if d.Adds != nil {
		out.key("adds")
		out.open('[')
		for _, a := range d.Adds {
			if a.Rule == nil {
				f.drop(ReasonMalformed, 0, "rule insert without a rule")
				continue
			}
			out.elem()
			writeRule(out, *a.Rule, a.Index)
		}
		out.close(']')
	}
	if d.Removes != nil {
		out.key("removes")
		out.open('[')
		for _, r := range d.Removes {
			out.elem()
			out.open('{')
			writeIndex(out, r.Index)
			out.close('}')
		}
		out.close(']')
	}
	if d.Replace != nil {
		out.kStr("replace", sanitizeCSS(*d.Replace))
	}
	if d.ReplaceSync != nil {
		out.kStr("replaceSync", sanitizeCSS(*d.ReplaceSync))
	}
	f.endIncremental(out)
}

func writeRule(out *jsonWriter, rule string, index ruleIndex) {
	out.open('{')
	out.kStr("rule", sanitizeCSS(rule))
	writeIndex(out, index)
	out.close('}')
}

// writeIndex writes an "index" member when one was sent.
func writeIndex(out *jsonWriter, r ruleIndex) {
	if !r.set {
		return
	}
	out.key("index")
	if !r.list {
		out.int(r.path[0])
		return
	}
	out.open('[')
	for _, i := range r.path {
		out.elem()
		out.int(i)
	}
	out.close(']')
}

func (f *filterRun) styleDeclaration(d *wireData) {
	if !f.sheetTarget(d) {
		return
	}
	if !d.Index.set || (d.Set == nil && d.Remove == nil) {
		f.fail(ReasonMalformed, "style declaration without index or change")
		return
	}
	out := f.beginIncremental(srcStyleDeclaration)
	out.kOptInt("id", d.ID)
	out.kOptInt("styleId", d.StyleID)
	writeIndex(out, d.Index)
	if s := d.Set; s != nil {
		out.key("set")
		out.open('{')
		out.kStr("property", redactDetected(s.Property))
		out.key("value")
		if s.Value == nil {
			out.null()
		} else {
			out.str(sanitizeCSSValue(s.Property, *s.Value))
		}
		if s.Priority != nil {
			out.kStr("priority", redactDetected(*s.Priority))
		}
		out.close('}')
	}
	if r := d.Remove; r != nil {
		out.key("remove")
		out.open('{')
		out.kStr("property", redactDetected(r.Property))
		out.close('}')
	}
	f.endIncremental(out)
}

func (f *filterRun) adoptedStyleSheet(d *wireData) {
	if !f.knownNode(d.ID) {
		return
	}
	out := f.beginIncremental(srcAdoptedStyleSheet)
	out.kInt("id", *d.ID)
	out.key("styleIds")
	out.open('[')
	for _, id := range d.StyleIDs {
		out.elem()
		out.int(id)
	}
	out.close(']')
	if d.Styles != nil {
		out.key("styles")
		out.open('[')
		for _, s := range d.Styles {
			out.elem()
			out.open('{')
			out.kInt("styleId", s.StyleID)
			out.key("rules")
			out.open('[')
			for _, r := range s.Rules {
				out.elem()
				writeRule(out, r.Rule, r.Index)
			}
			out.close(']')
			out.close('}')
		}
		out.close(']')
	}
	f.endIncremental(out)
}
