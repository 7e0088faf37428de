package cobrowse

import "strings"

// CSS reaches the gate as _cssText attributes, <style> text, style
// attributes and style-sheet events. It is never masked as text (that would
// wreck the replayed layout) but it can carry page data: `content: "..."`
// renders strings, custom properties can hold strings for it, and data: URLs
// embed images and fonts. A small tokenizer (comments, strings, escapes,
// url(), declarations) blanks those strings and data: URLs and leaves every
// other byte as it was, /* rr_split */ markers included. The detectors then
// run over what remains.

// sanitizeCSS is for a style sheet or a style attribute.
func sanitizeCSS(css string) string {
	return redactDetected(rewriteCSS(css, false))
}

// sanitizeCSSValue is for the value of one declaration of property prop.
func sanitizeCSSValue(prop, value string) string {
	return redactDetected(rewriteCSS(value, isSensitiveCSSProp(prop)))
}

// isSensitiveCSSProp reports whether strings in prop's value may be shown to
// the user: content, and custom properties that content can read with var().
func isSensitiveCSSProp(prop string) bool {
	p := lowerASCII(strings.TrimSpace(cssUnescape(prop)))
	return p == "content" || strings.HasPrefix(p, "--")
}

type cssRewriter struct {
	src       string
	out       []byte // nil until the first change
	copied    int    // src[:copied] is already in out
	sensitive bool   // inside a content or custom-property value
	depth     int    // braces opened inside that value
	parens    int
	lastIdent string // the most recent identifier
	identLast bool   // nothing significant came after lastIdent
}

func rewriteCSS(s string, sensitive bool) string {
	if !sensitive && !strings.ContainsAny(s, "\"'\\") && !containsFoldASCII(s, "data:") {
		return s
	}
	r := cssRewriter{src: s, sensitive: sensitive}
	for i := 0; i < len(s); {
		i = r.step(i)
	}
	if r.out == nil {
		return s
	}
	return string(append(r.out, s[r.copied:]...))
}

// step consumes one token at i and returns where the next one starts.
func (r *cssRewriter) step(i int) int {
	s := r.src
	c := s[i]
	switch {
	case c == '/' && i+1 < len(s) && s[i+1] == '*':
		if end := strings.Index(s[i+2:], "*/"); end >= 0 {
			return i + 2 + end + 2
		}
		return len(s)
	case c == '"' || c == '\'':
		j := cssStringEnd(s, i)
		if r.sensitive || isDataURL(cssUnescape(cssStringBody(s[i:j]))) {
			r.replace(i, j, `""`)
		}
		r.identLast = false
		return j
	case isASCIISpace(c):
		return i + 1
	case isCSSIdentStart(s, i):
		j := cssIdentEnd(s, i)
		if j < len(s) && s[j] == '(' && lowerASCII(cssUnescape(s[i:j])) == "url" {
			r.identLast = false
			return r.url(i, j)
		}
		r.lastIdent, r.identLast = s[i:j], true
		return j
	}
	r.punct(c)
	return i + 1
}

func (r *cssRewriter) punct(c byte) {
	switch c {
	case '(':
		r.parens++
	case ')':
		if r.parens > 0 {
			r.parens--
		}
	case '{':
		r.parens = 0
		if r.sensitive {
			r.depth++
		}
	case '}':
		r.parens = 0
		if r.sensitive && r.depth > 0 {
			r.depth--
		} else {
			r.sensitive = false
		}
	case ';':
		r.parens = 0
		if r.depth == 0 {
			r.sensitive = false
		}
	case ':':
		// A selector such as "content:hover" also lands here; treating what
		// follows as sensitive only blanks more strings than needed.
		if !r.sensitive && r.parens == 0 && r.identLast && isSensitiveCSSProp(r.lastIdent) {
			r.sensitive, r.depth = true, 0
		}
	}
	r.identLast = false
}

// url handles "url(" at i with the parenthesis at j. A quoted argument is left
// to the string rule; an unquoted data: URL empties the whole token.
func (r *cssRewriter) url(i, j int) int {
	s := r.src
	k := j + 1
	for k < len(s) && isASCIISpace(s[k]) {
		k++
	}
	if k < len(s) && (s[k] == '"' || s[k] == '\'') {
		return j // "(" is consumed as punctuation next, then the string
	}
	for k < len(s) && s[k] != ')' {
		if s[k] == '\\' {
			k++
		}
		k++
	}
	end := min(k+1, len(s))
	body := s[j+1 : min(k, len(s))]
	if isDataURL(cssUnescape(body)) {
		r.replace(i, end, "url()")
	}
	return end
}

func (r *cssRewriter) replace(from, to int, with string) {
	if r.out == nil {
		r.out = make([]byte, 0, len(r.src))
	}
	r.out = append(r.out, r.src[r.copied:from]...)
	r.out = append(r.out, with...)
	r.copied = to
}

// cssStringEnd returns the end of the string token at i; an unescaped newline
// ends a string early, as in CSS.
func cssStringEnd(s string, i int) int {
	q := s[i]
	for k := i + 1; k < len(s); k++ {
		switch s[k] {
		case q:
			return k + 1
		case '\\':
			k++
		case '\n':
			return k
		}
	}
	return len(s)
}

// cssStringBody strips the quotes from a string token.
func cssStringBody(tok string) string {
	body := tok[1:]
	if len(body) > 0 && body[len(body)-1] == tok[0] {
		body = body[:len(body)-1]
	}
	return body
}

func isDataURL(v string) bool {
	v = strings.TrimLeft(v, " \t\n\r\f\x00")
	return len(v) >= 5 && lowerASCII(v[:5]) == "data:"
}

func isCSSIdentStart(s string, i int) bool {
	c := s[i]
	switch {
	case isLetter(c) || c == '_' || c >= 0x80:
		return true
	case c == '\\':
		return i+1 < len(s) && s[i+1] != '\n'
	case c == '-' && i+1 < len(s):
		n := s[i+1]
		return isLetter(n) || n == '_' || n == '-' || n >= 0x80 || n == '\\'
	}
	return false
}

func cssIdentEnd(s string, i int) int {
	for i < len(s) {
		c := s[i]
		switch {
		case isAlnum(c) || c == '_' || c == '-' || c >= 0x80:
			i++
		case c == '\\' && i+1 < len(s) && s[i+1] != '\n':
			i += 2
		default:
			return i
		}
	}
	return i
}

// cssUnescape resolves CSS escapes: a backslash and up to six hex digits
// (plus one optional space) is that code point; a backslash and any other
// character is that character.
func cssUnescape(s string) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		n, v := 0, rune(0)
		for n < 6 && i+n < len(s) && isHexDigit(s[i+n]) {
			v = v*16 + rune(hexValue(s[i+n]))
			n++
		}
		if n == 0 {
			b.WriteByte(s[i])
			continue
		}
		if v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) {
			v = '\uFFFD'
		}
		b.WriteRune(v)
		i += n - 1
		if i+1 < len(s) && isASCIISpace(s[i+1]) {
			i++
		}
	}
	return b.String()
}

func isHexDigit(c byte) bool { return isDigit(c) || (c|0x20)-'a' < 6 }

func hexValue(c byte) int {
	if isDigit(c) {
		return int(c - '0')
	}
	return int(c|0x20) - 'a' + 10
}

// containsFoldASCII reports whether sub (lower-case ASCII) occurs in s,
// ignoring ASCII case.
func containsFoldASCII(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i]|0x20 != sub[0] {
			continue
		}
		if lowerASCII(s[i:i+len(sub)]) == sub {
			return true
		}
	}
	return false
}
