package cobrowse

import (
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// fastDecode decodes rrweb events without reflection, which is most of the
// gate's cost. It takes a strict subset of JSON: the field names the gate
// reads, in their exact case, each at most once; no null where
// encoding/json would do something special; nodes nested at most
// maxFastDepth deep. On anything else it reports false and the caller
// decodes with encoding/json. Strings with escapes or invalid UTF-8 are
// handed to encoding/json one literal at a time, so they come out exactly
// as it makes them. For every input it accepts it yields exactly what
// json.Unmarshal yields: FuzzFastDecode checks it.
func fastDecode(b []byte, ev *wireEvent) bool { return fastDecodeWith(b, ev, &fastArena{}) }

// fastDecodeWith is fastDecode with the event's data, scalars and lists in
// arena a, which must be fresh or reset.
func fastDecodeWith(b []byte, ev *wireEvent, a *fastArena) bool {
	s := scanner{b: b, arena: a}
	seen := 0
	ok := s.object(func(key []byte) bool {
		switch string(key) {
		case "type":
			return once(&seen, 1) && s.intPtr(&ev.Type)
		case "timestamp":
			return once(&seen, 2) && s.floatPtr(&ev.Timestamp)
		case "data":
			ev.Data = &s.arena.data
			s.arena.dataUsed = true
			return once(&seen, 4) && s.data(ev.Data)
		}
		return false
	})
	s.ws()
	return ok && s.i == len(s.b)
}

// once records field bit in seen; a field seen twice sends the event to
// encoding/json (which keeps the last).
func once(seen *int, bit int) bool {
	if *seen&bit != 0 {
		return false
	}
	*seen |= bit
	return true
}

// dataBit numbers the data members fastDecode takes (0: not one of them).
func dataBit(key []byte) int {
	switch string(key) {
	case "source":
		return 1 << 0
	case "positions":
		return 1 << 1
	case "id":
		return 1 << 2
	case "type":
		return 1 << 3
	case "x":
		return 1 << 4
	case "y":
		return 1 << 5
	case "pointerType":
		return 1 << 6
	case "text":
		return 1 << 7
	case "isChecked":
		return 1 << 8
	case "userTriggered":
		return 1 << 9
	case "width":
		return 1 << 10
	case "height":
		return 1 << 11
	}
	return dataBit2(key)
}

func dataBit2(key []byte) int {
	switch string(key) {
	case "href":
		return 1 << 12
	case "texts":
		return 1 << 13
	case "attributes":
		return 1 << 14
	case "removes":
		return 1 << 15
	case "adds":
		return 1 << 16
	case "isAttachIframe":
		return 1 << 17
	case "node":
		return 1 << 18
	case "initialOffset":
		return 1 << 19
	}
	return 0
}

func (s *scanner) data(d *wireData) bool {
	seen := 0
	return s.object(func(key []byte) bool {
		bit := dataBit(key)
		if bit == 0 || !once(&seen, bit) {
			return false
		}
		return s.dataField(string(key), d)
	})
}

func (s *scanner) dataField(key string, d *wireData) bool {
	switch key {
	case "source":
		return s.intPtr(&d.Source)
	case "positions":
		return s.positions(&d.Positions)
	case "id":
		return s.intPtr(&d.ID)
	case "type":
		return s.intPtr(&d.Type)
	case "x":
		return s.floatPtr(&d.X)
	case "y":
		return s.floatPtr(&d.Y)
	case "pointerType":
		return s.intPtr(&d.PointerType)
	case "width":
		return s.floatPtr(&d.Width)
	case "height":
		return s.floatPtr(&d.Height)
	case "text":
		return s.strPtr(&d.Text)
	case "href":
		return s.strPtr(&d.Href)
	case "isChecked":
		return s.boolPtr(&d.IsChecked)
	case "userTriggered":
		return s.boolPtr(&d.UserTriggered)
	case "isAttachIframe":
		return s.boolean(&d.IsAttachIframe)
	case "node":
		d.Node = &wireNode{}
		return s.node(d.Node, 0)
	case "initialOffset":
		d.InitialOffset = &wireOffset{}
		return s.offset(d.InitialOffset)
	}
	return s.mutationField(key, d)
}

// The lists below start from the arena's backing arrays (each is read once
// per event) and hand them back grown.
func (s *scanner) mutationField(key string, d *wireData) bool {
	a := s.arena
	var ok bool
	switch key {
	case "texts":
		d.Texts = emptyList(a.texts)
		ok = s.array(func() bool {
			d.Texts = append(d.Texts, wireText{})
			return s.text(&d.Texts[len(d.Texts)-1])
		})
		a.texts = d.Texts
	case "attributes":
		d.Attributes = emptyList(a.attrs)
		ok = s.array(func() bool {
			d.Attributes = append(d.Attributes, wireAttrChange{})
			return s.attrChange(&d.Attributes[len(d.Attributes)-1])
		})
		a.attrs = d.Attributes
	case "removes":
		d.Removes = emptyList(a.removes)
		ok = s.array(func() bool {
			d.Removes = append(d.Removes, wireRemove{})
			return s.remove(&d.Removes[len(d.Removes)-1])
		})
		a.removes = d.Removes
	case "adds":
		d.Adds = emptyList(a.adds)
		ok = s.array(func() bool {
			d.Adds = append(d.Adds, wireAdd{})
			return s.add(&d.Adds[len(d.Adds)-1])
		})
		a.adds = d.Adds
	}
	return ok
}

// emptyList is l emptied, never nil: "[]" decodes to an empty list, not to
// no list.
func emptyList[T any](l []T) []T {
	if l == nil {
		return make([]T, 0, 4)
	}
	return l[:0]
}

// add is one added node (style sheet rule adds, with rule and index, take
// the full decoder).
func (s *scanner) add(a *wireAdd) bool {
	seen := 0
	return s.object(func(key []byte) bool {
		switch string(key) {
		case "parentId":
			return once(&seen, 1) && s.integer(&a.ParentID)
		case "nextId":
			return once(&seen, 2) && s.nullableInt(&a.NextID)
		case "previousId":
			return once(&seen, 4) && s.nullableInt(&a.PreviousID)
		case "node":
			a.Node = &wireNode{}
			return once(&seen, 8) && s.node(a.Node, 0)
		}
		return false
	})
}

func (s *scanner) offset(o *wireOffset) bool {
	seen := 0
	return s.object(func(key []byte) bool {
		switch string(key) {
		case "top":
			return once(&seen, 1) && s.float(&o.Top)
		case "left":
			return once(&seen, 2) && s.float(&o.Left)
		}
		return false
	})
}

// maxFastDepth bounds the recursion over nodes; deeper trees take the full
// decoder (which has its own limit).
const maxFastDepth = 512

var nodeFields = map[string]int{"id": 1 << 0, "type": 1 << 1, "tagName": 1 << 2, "attributes": 1 << 3,
	"childNodes": 1 << 4, "textContent": 1 << 5, "rootId": 1 << 6, "isSVG": 1 << 7, "isShadowHost": 1 << 8,
	"isShadow": 1 << 9, "isCustom": 1 << 10, "needBlock": 1 << 11, "name": 1 << 12, "publicId": 1 << 13,
	"systemId": 1 << 14, "compatMode": 1 << 15}

// node decodes a serialized DOM node and its subtree.
func (s *scanner) node(n *wireNode, depth int) bool {
	if depth > maxFastDepth {
		return false
	}
	seen := 0
	return s.object(func(key []byte) bool {
		bit, ok := nodeFields[string(key)]
		if !ok || !once(&seen, bit) {
			return false
		}
		return s.nodeField(string(key), n, depth)
	})
}

func (s *scanner) nodeField(key string, n *wireNode, depth int) bool {
	switch key {
	case "id":
		return s.integer(&n.ID)
	case "type":
		return s.integer(&n.Type)
	case "tagName":
		return s.tagName(&n.TagName)
	case "attributes":
		return s.attrMap(&n.Attributes)
	case "childNodes":
		n.ChildNodes = []*wireNode{}
		return s.array(func() bool {
			c := &wireNode{}
			n.ChildNodes = append(n.ChildNodes, c)
			return s.node(c, depth+1)
		})
	case "textContent":
		return s.strInto(&n.TextContent)
	case "rootId":
		return s.intPtr(&n.RootID)
	case "isSVG":
		return s.boolean(&n.IsSVG)
	case "isShadowHost":
		return s.boolean(&n.IsShadowHost)
	case "isShadow":
		return s.boolean(&n.IsShadow)
	case "isCustom":
		return s.boolean(&n.IsCustom)
	case "needBlock":
		return s.boolean(&n.NeedBlock)
	}
	return s.docField(key, n)
}

func (s *scanner) docField(key string, n *wireNode) bool {
	switch key {
	case "name":
		return s.strInto(&n.Name)
	case "publicId":
		return s.strInto(&n.PublicID)
	case "systemId":
		return s.strInto(&n.SystemID)
	case "compatMode":
		return s.strInto(&n.CompatMode)
	}
	return false
}

func (s *scanner) positions(ps *[]wirePosition) bool {
	*ps = emptyList(s.arena.positions)
	ok := s.array(func() bool {
		*ps = append(*ps, wirePosition{})
		return s.position(&(*ps)[len(*ps)-1])
	})
	s.arena.positions = *ps
	return ok
}

// position reads one sampled pointer position. A mouse move carries many, so
// this is object() unrolled, without a call per member.
func (s *scanner) position(p *wirePosition) bool {
	if !s.eat('{') {
		return false
	}
	if s.eat('}') {
		return true
	}
	seen := 0
	for {
		key, ok := s.rawStr()
		if !ok || !s.eat(':') {
			return false
		}
		switch string(key) {
		case "x":
			ok = once(&seen, 1) && s.float(&p.X)
		case "y":
			ok = once(&seen, 2) && s.float(&p.Y)
		case "id":
			ok = once(&seen, 4) && s.integer(&p.ID)
		case "timeOffset":
			ok = once(&seen, 8) && s.float(&p.TimeOffset)
		default:
			ok = false
		}
		if !ok {
			return false
		}
		if s.eat('}') {
			return true
		}
		if !s.eat(',') {
			return false
		}
	}
}

func (s *scanner) text(t *wireText) bool {
	seen := 0
	return s.object(func(key []byte) bool {
		switch string(key) {
		case "id":
			return once(&seen, 1) && s.integer(&t.ID)
		case "value":
			return once(&seen, 2) && s.nullableStr(&t.Value)
		}
		return false
	})
}

func (s *scanner) attrChange(a *wireAttrChange) bool {
	seen := 0
	return s.object(func(key []byte) bool {
		switch string(key) {
		case "id":
			return once(&seen, 1) && s.integer(&a.ID)
		case "attributes":
			return once(&seen, 2) && s.attrMap(&a.Attributes)
		}
		return false
	})
}

func (s *scanner) remove(r *wireRemove) bool {
	seen := 0
	return s.object(func(key []byte) bool {
		switch string(key) {
		case "parentId":
			return once(&seen, 1) && s.integer(&r.ParentID)
		case "id":
			return once(&seen, 2) && s.integer(&r.ID)
		case "isShadow":
			return once(&seen, 4) && s.boolean(&r.IsShadow)
		}
		return false
	})
}

// attrMap decodes attribute values as encoding/json does into any: strings,
// numbers (float64), booleans and null; nested values go to encoding/json.
func (s *scanner) attrMap(m *map[string]any) bool {
	if *m == nil {
		*m = map[string]any{}
	}
	return s.object(func(key []byte) bool {
		var v any
		switch s.peek() {
		case '"':
			var str string
			if !s.strInto(&str) {
				return false
			}
			v = str
		case 'n':
			if !s.literal("null") {
				return false
			}
		case 't', 'f':
			var b bool
			if !s.boolean(&b) {
				return false
			}
			v = b
		default:
			var f float64
			if !s.float(&f) {
				return false
			}
			v = f
		}
		(*m)[attrName(key)] = v // a repeated name keeps the last value, as encoding/json does
		return true
	})
}

// tagName reads a tag name, without allocating for the common ones: the
// mirror keeps every element's tag for as long as the page lives.
func (s *scanner) tagName(dst *string) bool {
	s.ws()
	start := s.i
	if raw, ok := s.rawStr(); ok {
		if tag, known := knownTags[string(raw)]; known {
			*dst = tag
		} else {
			*dst = string(raw)
		}
		return true
	}
	s.i = start
	return s.strInto(dst)
}

var knownTags = func() map[string]string {
	m := map[string]string{}
	for _, tag := range strings.Fields(`html head body title meta link style script noscript base div span p a
		img picture source video audio canvas iframe svg path g circle rect line polyline polygon use
		defs symbol clippath lineargradient stop mask ul ol li dl dt dd table thead tbody tfoot tr td
		th caption colgroup col form input textarea select option optgroup button label fieldset
		legend output progress meter h1 h2 h3 h4 h5 h6 header footer nav main section article aside
		figure figcaption details summary dialog template slot strong em b i u s small mark code pre
		kbd samp sub sup br hr wbr blockquote q cite abbr time address object embed`) {
		m[tag] = tag
	}
	return m
}()

// attrName is key as a string, without allocating for the names the gate
// knows (most of any page's attributes).
func attrName(key []byte) string {
	if name, ok := knownAttrNames[string(key)]; ok {
		return name
	}
	return string(key)
}

var knownAttrNames = func() map[string]string {
	m := map[string]string{}
	for name := range attrClasses {
		m[name] = name
	}
	for _, name := range []string{"style", "title", "alt", "value", "placeholder", "label", "aria-label",
		"aria-describedby", "aria-labelledby", "aria-controls", "data-testid", "_cssText", "rr_dataURL",
		"viewBox", "srcset"} {
		m[name] = name
	}
	return m
}()

// scanner reads the JSON subset.
type scanner struct {
	b     []byte
	i     int
	arena *fastArena // nil: allocate each value
}

// fastArena holds an event's data, the scalars its pointer fields point to
// and the backing arrays of its lists, instead of one allocation each. The
// gate takes arenas from a pool and resets them when the event is done.
type fastArena struct {
	ev             wireEvent
	data           wireData
	ints           [8]int
	floats         [8]float64
	bools          [4]bool
	strs           [4]string
	ni, nf, nb, ns int
	dataUsed       bool

	positions []wirePosition
	texts     []wireText
	attrs     []wireAttrChange
	removes   []wireRemove
	adds      []wireAdd

	// Scratch lists for applying a mutation (mutation.go), reused likewise.
	removals []removal
	changes  []attrChange
	roots    []reclassRoot
	textOps  []textChange
	placed   []bool
	ready    []int
}

var arenaPool = sync.Pool{New: func() any { return new(fastArena) }}

func getArena() *fastArena { return arenaPool.Get().(*fastArena) }

// putArena resets a and returns it to the pool. Everything the event held is
// cleared, so a pooled arena keeps no page text alive.
func putArena(a *fastArena) {
	a.reset()
	arenaPool.Put(a)
}

func (a *fastArena) reset() {
	a.ev = wireEvent{}
	if a.dataUsed {
		a.data, a.dataUsed = wireData{}, false
	}
	clear(a.ints[:a.ni])
	clear(a.floats[:a.nf])
	clear(a.bools[:a.nb])
	clear(a.strs[:a.ns])
	a.ni, a.nf, a.nb, a.ns = 0, 0, 0, 0
	a.positions = resetList(a.positions)
	a.texts = resetList(a.texts)
	a.attrs = resetList(a.attrs)
	a.removes = resetList(a.removes)
	a.adds = resetList(a.adds)
	a.removals = resetList(a.removals)
	a.changes = resetList(a.changes)
	a.roots = resetList(a.roots)
	a.textOps = resetList(a.textOps)
	a.placed = resetList(a.placed)
	a.ready = resetList(a.ready)
}

// maxPooledList bounds what a pooled arena keeps of a list: an event with
// thousands of entries should not pin that much memory for good.
const maxPooledList = 256

// resetList empties l. Entries past its length are zero already: lists only
// grow by append, and every reset clears what was appended.
func resetList[T any](l []T) []T {
	if cap(l) > maxPooledList {
		return nil
	}
	clear(l)
	return l[:0]
}

func (s *scanner) newInt() *int {
	if a := s.arena; a != nil && a.ni < len(a.ints) {
		a.ni++
		return &a.ints[a.ni-1]
	}
	return new(int)
}

func (s *scanner) newFloat() *float64 {
	if a := s.arena; a != nil && a.nf < len(a.floats) {
		a.nf++
		return &a.floats[a.nf-1]
	}
	return new(float64)
}

func (s *scanner) newStr() *string {
	if a := s.arena; a != nil && a.ns < len(a.strs) {
		a.ns++
		return &a.strs[a.ns-1]
	}
	return new(string)
}

func (s *scanner) newBool() *bool {
	if a := s.arena; a != nil && a.nb < len(a.bools) {
		a.nb++
		return &a.bools[a.nb-1]
	}
	return new(bool)
}

func (s *scanner) ws() {
	if s.i < len(s.b) && s.b[s.i] > ' ' {
		return // compact JSON: the usual case
	}
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) peek() byte {
	s.ws()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *scanner) eat(c byte) bool {
	if s.peek() != c {
		return false
	}
	s.i++
	return true
}

// object calls member for each member, positioned at its value. The key is
// only valid during the call.
func (s *scanner) object(member func(key []byte) bool) bool {
	if !s.eat('{') {
		return false
	}
	if s.eat('}') {
		return true
	}
	for {
		key, ok := s.rawStr()
		if !ok || !s.eat(':') || !member(key) {
			return false
		}
		if s.eat('}') {
			return true
		}
		if !s.eat(',') {
			return false
		}
	}
}

// array calls elem for each element, positioned at it.
func (s *scanner) array(elem func() bool) bool {
	if !s.eat('[') {
		return false
	}
	if s.eat(']') {
		return true
	}
	for {
		if !elem() {
			return false
		}
		if s.eat(']') {
			return true
		}
		if !s.eat(',') {
			return false
		}
	}
}

// strInto reads a string value. Plain ones (no escapes, valid UTF-8) are
// copied; any other is decoded by encoding/json on its own, for exactly its
// handling of escapes, surrogates and invalid bytes.
func (s *scanner) strInto(dst *string) bool {
	s.ws()
	start := s.i
	if raw, ok := s.rawStr(); ok {
		*dst = string(raw)
		return true
	}
	s.i = start
	end, ok := s.skipStr()
	if !ok {
		return false
	}
	return json.Unmarshal(s.b[start:end], dst) == nil
}

// skipStr moves past a string literal with escapes and reports its end; it
// refuses raw control characters, which JSON does not allow.
func (s *scanner) skipStr() (int, bool) {
	if !s.eat('"') {
		return 0, false
	}
	for s.i < len(s.b) {
		switch c := s.b[s.i]; {
		case c == '"':
			s.i++
			return s.i, true
		case c == '\\':
			s.i += 2
		case c < 0x20:
			return 0, false
		default:
			s.i++
		}
	}
	return 0, false
}

// rawStr reads a string literal without escapes and returns its bytes;
// false for escapes, control characters and invalid UTF-8. A table lookup
// per byte finds where the plain ASCII run ends; only what follows a byte
// past ASCII is checked for UTF-8.
func (s *scanner) rawStr() ([]byte, bool) {
	if !s.eat('"') {
		return nil, false
	}
	b, i := s.b, s.i
	start := i
	for i < len(b) && !strStop[b[i]] {
		i++
	}
	ascii := i // where the ASCII run ends
	for i < len(b) {
		switch c := b[i]; {
		case c == '"':
			s.i = i + 1
			return b[start:i], ascii == i || utf8.Valid(b[ascii:i])
		case c == '\\' || c < 0x20:
			s.i = i
			return nil, false
		}
		i++
	}
	s.i = i
	return nil, false
}

// strStop marks the bytes that end a plain ASCII run in a string literal.
var strStop = func() (t [256]bool) {
	for c := range t {
		t[c] = c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf
	}
	return t
}()

// number reads a JSON number and reports whether it is an integer.
func (s *scanner) number() (raw []byte, integer, ok bool) {
	s.ws()
	b, i := s.b, s.i
	start := i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	default:
		d := i
		for i < len(b) && isDigit(b[i]) {
			i++
		}
		if i == d {
			return nil, false, false
		}
	}
	integer = true
	if i < len(b) && b[i] == '.' {
		i++
		d := i
		for i < len(b) && isDigit(b[i]) {
			i++
		}
		if integer = false; i == d {
			return nil, false, false
		}
	}
	if i < len(b) && b[i]|0x20 == 'e' {
		integer = false
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		d := i
		for i < len(b) && isDigit(b[i]) {
			i++
		}
		if i == d {
			return nil, false, false
		}
	}
	s.i = i
	return b[start:i], integer, true
}

// float parses as strconv.ParseFloat does (encoding/json's parser). Small
// integers, most of what rrweb sends, are converted exactly without it.
func (s *scanner) float(f *float64) bool {
	if v, ok := s.plainUint(); ok {
		*f = float64(v)
		return true
	}
	raw, integer, ok := s.number()
	if !ok {
		return false
	}
	if integer && raw[0] != '-' || integer && len(raw) > 1 && raw[1] != '0' { // not -0, which is -0.0
		if v, small := smallInt(raw); small {
			*f = float64(v)
			return true
		}
	}
	v, err := strconv.ParseFloat(string(raw), 64)
	*f = v
	return err == nil
}

func (s *scanner) integer(n *int) bool {
	if v, ok := s.plainUint(); ok {
		*n = v
		return true
	}
	raw, integer, ok := s.number()
	if !ok || !integer {
		return false
	}
	if v, small := smallInt(raw); small {
		*n = v
		return true
	}
	v, err := strconv.ParseInt(string(raw), 10, 64)
	*n = int(v)
	return err == nil
}

// plainUint reads the form most numbers rrweb sends take, in one pass: a
// non-negative integer of 1 to 15 digits without a leading zero, fraction or
// exponent. For anything else it consumes nothing and reports false, and the
// caller reads the number the general way.
func (s *scanner) plainUint() (int, bool) {
	s.ws()
	b, i := s.b, s.i
	v, j := 0, i
	for j < len(b) && isDigit(b[j]) {
		if j-i == 15 {
			return 0, false
		}
		v = v*10 + int(b[j]-'0')
		j++
	}
	switch {
	case j == i, j-i > 1 && b[i] == '0':
		return 0, false
	case j < len(b) && (b[j] == '.' || b[j]|0x20 == 'e'):
		return 0, false
	}
	s.i = j
	return v, true
}

// smallInt parses an integer of at most 15 digits (exact in a float64).
func smallInt(raw []byte) (int, bool) {
	neg := raw[0] == '-'
	if neg {
		raw = raw[1:]
	}
	if len(raw) > 15 {
		return 0, false
	}
	v := 0
	for _, c := range raw {
		v = v*10 + int(c-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}

func (s *scanner) literal(word string) bool {
	s.ws()
	if len(s.b)-s.i < len(word) || string(s.b[s.i:s.i+len(word)]) != word {
		return false
	}
	s.i += len(word)
	return true
}

func (s *scanner) boolean(b *bool) bool {
	switch {
	case s.literal("true"):
		*b = true
	case s.literal("false"):
		*b = false
	default:
		return false
	}
	return true
}

// Pointer fields: a value allocates, as encoding/json does; null is left to
// encoding/json.

func (s *scanner) intPtr(p **int) bool {
	*p = s.newInt()
	return s.integer(*p)
}

func (s *scanner) floatPtr(p **float64) bool {
	*p = s.newFloat()
	return s.float(*p)
}

func (s *scanner) boolPtr(p **bool) bool {
	*p = s.newBool()
	return s.boolean(*p)
}

func (s *scanner) strPtr(p **string) bool {
	*p = s.newStr()
	return s.strInto(*p)
}

// nullableInt reads an integer or null (rrweb's "no next sibling").
func (s *scanner) nullableInt(p **int) bool {
	if s.peek() == 'n' {
		*p = nil
		return s.literal("null")
	}
	return s.intPtr(p)
}

// nullableStr reads a string or null (a text change to null clears it).
func (s *scanner) nullableStr(p **string) bool {
	if s.peek() == 'n' {
		*p = nil
		return s.literal("null")
	}
	return s.strPtr(p)
}
