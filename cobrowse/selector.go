package cobrowse

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A small CSS selector engine for the policy's allowlist and secret lists,
// evaluated against the mirror. Supported: type selectors and "*", #id,
// .class, [attr], [attr=v], [attr^=v], [attr$=v], [attr*=v], [attr~=v] (values
// as identifiers or quoted strings without escapes), the descendant (space)
// and child (>) combinators, and comma lists. Anything else (pseudo-classes,
// sibling combinators, namespaces, escapes) is refused when the policy is
// built: a selector the gate half-understands could unredact more than meant.
// Names compare case-insensitively, values case-sensitively, as in HTML.
// Ancestors are walked through shadow roots and iframe documents, so an
// allowlisted iframe or shadow host covers its content.

type selectorList []complexSelector

// complexSelector is compounds joined by combinators, left to right.
type complexSelector []compoundSelector

type compoundSelector struct {
	comb  byte   // combinator to the compound on the left: ' ' or '>'; 0 for the first
	tag   string // lower-case; "" matches any element
	conds []attrCond
}

type attrCond struct {
	name  string // lower-case
	op    byte   // 0 (present), '=', '^', '$', '*', '~'
	value string
}

// parseSelectorList parses a comma-separated selector list.
func parseSelectorList(s string) (selectorList, error) {
	p := selectorParser{src: s}
	var list selectorList
	for {
		sel, err := p.complex()
		if err != nil {
			return nil, err
		}
		list = append(list, sel)
		if p.eof() {
			return list, nil
		}
		if p.src[p.pos] != ',' {
			return nil, p.errorf("unexpected %q", p.src[p.pos])
		}
		p.pos++
	}
}

type selectorParser struct {
	src string
	pos int
}

func (p *selectorParser) errorf(format string, args ...any) error {
	return fmt.Errorf("at offset %d: %s", p.pos, fmt.Sprintf(format, args...))
}

func (p *selectorParser) eof() bool { return p.pos >= len(p.src) }

func (p *selectorParser) skipSpace() bool {
	start := p.pos
	for !p.eof() && isASCIISpace(p.src[p.pos]) {
		p.pos++
	}
	return p.pos > start
}

func (p *selectorParser) complex() (complexSelector, error) {
	var sel complexSelector
	p.skipSpace()
	comb := byte(0)
	for {
		c, err := p.compound()
		if err != nil {
			return nil, err
		}
		c.comb = comb
		sel = append(sel, c)
		spaced := p.skipSpace()
		if p.eof() || p.src[p.pos] == ',' {
			return sel, nil
		}
		comb = ' '
		if p.src[p.pos] == '>' {
			comb = '>'
			p.pos++
			p.skipSpace()
		} else if !spaced {
			return nil, p.errorf("unsupported %q", p.src[p.pos])
		}
	}
}

func (p *selectorParser) compound() (compoundSelector, error) {
	var c compoundSelector
	start := p.pos
	if !p.eof() && p.src[p.pos] == '*' {
		p.pos++
	} else if name := p.ident(); name != "" {
		c.tag = lowerASCII(name)
	}
	for !p.eof() {
		var cond attrCond
		var err error
		switch p.src[p.pos] {
		case '#', '.':
			cond, err = p.idOrClass()
		case '[':
			cond, err = p.attribute()
		default:
			if p.pos == start {
				return c, p.errorf("expected a selector, found %q", p.src[p.pos])
			}
			return c, nil
		}
		if err != nil {
			return c, err
		}
		c.conds = append(c.conds, cond)
	}
	if p.pos == start {
		return c, p.errorf("expected a selector")
	}
	return c, nil
}

func (p *selectorParser) idOrClass() (attrCond, error) {
	mark := p.src[p.pos]
	p.pos++
	name := p.ident()
	if name == "" {
		return attrCond{}, p.errorf("expected a name after %q", mark)
	}
	if mark == '#' {
		return attrCond{name: "id", op: '=', value: name}, nil
	}
	return attrCond{name: "class", op: '~', value: name}, nil
}

func (p *selectorParser) attribute() (attrCond, error) {
	p.pos++ // [
	p.skipSpace()
	cond := attrCond{name: lowerASCII(p.ident())}
	if cond.name == "" {
		return cond, p.errorf("expected an attribute name")
	}
	p.skipSpace()
	if !p.eof() && p.src[p.pos] == ']' {
		p.pos++
		return cond, nil
	}
	if op := p.operator(); op == 0 {
		return cond, p.errorf("unsupported attribute operator")
	} else {
		cond.op = op
	}
	p.skipSpace()
	v, err := p.value()
	if err != nil {
		return cond, err
	}
	cond.value = v
	p.skipSpace()
	if p.eof() || p.src[p.pos] != ']' {
		return cond, p.errorf("expected ]")
	}
	p.pos++
	return cond, nil
}

func (p *selectorParser) operator() byte {
	rest := p.src[p.pos:]
	switch {
	case strings.HasPrefix(rest, "="):
		p.pos++
		return '='
	case len(rest) >= 2 && rest[1] == '=' && strings.IndexByte("^$*~", rest[0]) >= 0:
		p.pos += 2
		return rest[0]
	}
	return 0
}

func (p *selectorParser) value() (string, error) {
	if p.eof() {
		return "", p.errorf("expected a value")
	}
	q := p.src[p.pos]
	if q != '"' && q != '\'' {
		if v := p.ident(); v != "" {
			return v, nil
		}
		return "", p.errorf("expected a value")
	}
	end := strings.IndexByte(p.src[p.pos+1:], q)
	if end < 0 {
		return "", p.errorf("unterminated string")
	}
	v := p.src[p.pos+1 : p.pos+1+end]
	if strings.ContainsAny(v, "\\\n") {
		return "", p.errorf("escapes are not supported")
	}
	p.pos += end + 2
	return v, nil
}

// ident reads a CSS identifier without escapes.
func (p *selectorParser) ident() string {
	start := p.pos
	for !p.eof() {
		c := p.src[p.pos]
		if !isAlnum(c) && c != '-' && c != '_' && c < 0x80 {
			break
		}
		p.pos++
	}
	name := p.src[start:p.pos]
	if name == "" || isDigit(name[0]) || (len(name) > 1 && name[0] == '-' && isDigit(name[1])) {
		p.pos = start
		return ""
	}
	return name
}

// match reports whether any selector in the list matches element n.
func (l selectorList) match(n *mirrorNode) bool {
	for _, sel := range l {
		if sel.matchAt(len(sel)-1, n) == matchOK {
			return true
		}
	}
	return false
}

type matchResult uint8

const (
	matchOK        matchResult = iota
	matchFailHere              // try the next ancestor
	matchFailAbove             // no ancestor can match either: stop walking up
)

// matchAt matches compounds [0, i] with compound i at n, right to left. The
// failure kinds keep descendant combinators from re-walking the same
// ancestors, which keeps matching linear in depth.
func (sel complexSelector) matchAt(i int, n *mirrorNode) matchResult {
	if !sel[i].matches(n) {
		return matchFailHere
	}
	if i == 0 {
		return matchOK
	}
	parent := n.elementParent()
	if sel[i].comb == '>' {
		if parent == nil {
			return matchFailAbove
		}
		return sel.matchAt(i-1, parent)
	}
	for a := parent; a != nil; a = a.elementParent() {
		if r := sel.matchAt(i-1, a); r != matchFailHere {
			return r
		}
	}
	return matchFailAbove
}

func (c *compoundSelector) matches(n *mirrorNode) bool {
	if n.kind != ntElement || (c.tag != "" && c.tag != n.tag) {
		return false
	}
	for _, cond := range c.conds {
		v, ok := n.key(cond.name)
		if !ok || !cond.test(v) {
			return false
		}
	}
	return true
}

func (a attrCond) test(v string) bool {
	switch a.op {
	case 0:
		return true
	case '=':
		return v == a.value
	case '^':
		return a.value != "" && strings.HasPrefix(v, a.value)
	case '$':
		return a.value != "" && strings.HasSuffix(v, a.value)
	case '*':
		return a.value != "" && strings.Contains(v, a.value)
	case '~':
		return hasField(v, a.value)
	}
	return false
}

// hasField reports whether tok is one of the fields of v as strings.Fields
// splits it (on Unicode white space), without allocating them.
func hasField(v, tok string) bool {
	if tok == "" {
		return false
	}
	if asciiOnly(v) {
		// A field of an ASCII string is an occurrence of tok between white
		// space or the ends, when tok has no white space of its own.
		for i := 0; i < len(tok); i++ {
			if isASCIISpace(tok[i]) {
				return false
			}
		}
		for off := 0; off < len(v); {
			k := strings.Index(v[off:], tok)
			if k < 0 {
				return false
			}
			k += off
			end := k + len(tok)
			if (k == 0 || isASCIISpace(v[k-1])) && (end == len(v) || isASCIISpace(v[end])) {
				return true
			}
			off = k + 1
		}
		return false
	}
	for i := 0; i < len(v); {
		// Skip white space, then take the field up to the next.
		size := spaceAt(v, i)
		if size > 0 {
			i += size
			continue
		}
		start := i
		for i < len(v) && spaceAt(v, i) == 0 {
			_, n := utf8.DecodeRuneInString(v[i:])
			i += n
		}
		if v[start:i] == tok {
			return true
		}
	}
	return false
}

// spaceAt is the byte length of the white space rune at v[i], or 0.
func spaceAt(v string, i int) int {
	if c := v[i]; c < utf8.RuneSelf {
		if isASCIISpace(c) {
			return 1
		}
		return 0
	}
	r, n := utf8.DecodeRuneInString(v[i:])
	if unicode.IsSpace(r) {
		return n
	}
	return 0
}

// asciiOnly reports whether v is ASCII, which hasField can split byte by
// byte.
func asciiOnly(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
