package cobrowse

import (
	"encoding/json"
	"strconv"
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
func fastDecode(b []byte, ev *wireEvent) bool {
	s := scanner{b: b, arena: &fastArena{}}
	seen := 0
	ok := s.object(func(key []byte) bool {
		switch string(key) {
		case "type":
			return once(&seen, 1) && s.intPtr(&ev.Type)
		case "timestamp":
			return once(&seen, 2) && s.floatPtr(&ev.Timestamp)
		case "data":
			ev.Data = &s.arena.data
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

func (s *scanner) mutationField(key string, d *wireData) bool {
	switch key {
	case "texts":
		d.Texts = []wireText{}
		return s.array(func() bool {
			d.Texts = append(d.Texts, wireText{})
			return s.text(&d.Texts[len(d.Texts)-1])
		})
	case "attributes":
		d.Attributes = []wireAttrChange{}
		return s.array(func() bool {
			d.Attributes = append(d.Attributes, wireAttrChange{})
			return s.attrChange(&d.Attributes[len(d.Attributes)-1])
		})
	case "removes":
		d.Removes = []wireRemove{}
		return s.array(func() bool {
			d.Removes = append(d.Removes, wireRemove{})
			return s.remove(&d.Removes[len(d.Removes)-1])
		})
	case "adds":
		d.Adds = []wireAdd{}
		return s.array(func() bool {
			d.Adds = append(d.Adds, wireAdd{})
			return s.add(&d.Adds[len(d.Adds)-1])
		})
	}
	return false
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
		return s.strInto(&n.TagName)
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
	*ps = []wirePosition{}
	return s.array(func() bool {
		*ps = append(*ps, wirePosition{})
		p := &(*ps)[len(*ps)-1]
		seen := 0
		return s.object(func(key []byte) bool {
			switch string(key) {
			case "x":
				return once(&seen, 1) && s.float(&p.X)
			case "y":
				return once(&seen, 2) && s.float(&p.Y)
			case "id":
				return once(&seen, 4) && s.integer(&p.ID)
			case "timeOffset":
				return once(&seen, 8) && s.float(&p.TimeOffset)
			}
			return false
		})
	})
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
		(*m)[string(key)] = v // a repeated name keeps the last value, as encoding/json does
		return true
	})
}

// scanner reads the JSON subset.
type scanner struct {
	b     []byte
	i     int
	arena *fastArena // nil: allocate each value
}

// fastArena holds an event's data and the scalars its pointer fields point
// to in one allocation, instead of one allocation each.
type fastArena struct {
	data       wireData
	ints       [8]int
	floats     [8]float64
	bools      [4]bool
	ni, nf, nb int
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

func (s *scanner) newBool() *bool {
	if a := s.arena; a != nil && a.nb < len(a.bools) {
		a.nb++
		return &a.bools[a.nb-1]
	}
	return new(bool)
}

func (s *scanner) ws() {
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

func (s *scanner) rawStr() ([]byte, bool) {
	if !s.eat('"') {
		return nil, false
	}
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			raw := s.b[start:s.i]
			s.i++
			return raw, utf8.Valid(raw)
		case c == '\\' || c < 0x20:
			return nil, false
		}
		s.i++
	}
	return nil, false
}

// number reads a JSON number and reports whether it is an integer.
func (s *scanner) number() (raw []byte, integer, ok bool) {
	s.ws()
	start := s.i
	s.skip('-')
	switch {
	case s.skip('0'):
	case s.digits() == 0:
		return nil, false, false
	}
	integer = true
	if s.skip('.') {
		if integer = false; s.digits() == 0 {
			return nil, false, false
		}
	}
	if s.skip('e') || s.skip('E') {
		integer = false
		if !s.skip('+') {
			s.skip('-')
		}
		if s.digits() == 0 {
			return nil, false, false
		}
	}
	return s.b[start:s.i], integer, true
}

func (s *scanner) skip(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

func (s *scanner) digits() int {
	n := 0
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
		n++
	}
	return n
}

// float parses as strconv.ParseFloat does (encoding/json's parser). Small
// integers, most of what rrweb sends, are converted exactly without it.
func (s *scanner) float(f *float64) bool {
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
	var v string
	*p = &v
	return s.strInto(&v)
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
