package cobrowse

import (
	"unicode"
	"unicode/utf8"
)

// Masking and the detectors. Both replace every non-whitespace character with
// '*', the way rrweb masks on the device: the replayed page keeps its layout
// (word lengths, line breaks) and an agent can still see that something was
// there. Because detectors use the same mask, masking a string after the
// detectors ran gives the same result as masking the original, which lets the
// mirror keep only what it forwarded (see mirror.go).

// maskText replaces every non-whitespace character of s with '*'.
func maskText(s string) string {
	i := 0
	for i < len(s) && (s[i] == '*' || isASCIISpace(s[i])) {
		i++
	}
	if i == len(s) {
		return s
	}
	b := make([]byte, i, len(s))
	copy(b, s[:i])
	return string(appendMasked(b, s[i:]))
}

func appendMasked(b []byte, s string) []byte {
	for j := 0; j < len(s); {
		c := s[j]
		if c < utf8.RuneSelf {
			if isASCIISpace(c) {
				b = append(b, c)
			} else {
				b = append(b, '*')
			}
			j++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[j:])
		if unicode.IsSpace(r) {
			b = append(b, s[j:j+size]...)
		} else {
			b = append(b, '*')
		}
		j += size
	}
	return b
}

func isASCIISpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}
func isDigit(c byte) bool  { return c-'0' < 10 }
func isLetter(c byte) bool { return (c|0x20)-'a' < 26 }
func isAlnum(c byte) bool  { return isDigit(c) || isLetter(c) }

// span is a byte range [start, end) of a string that a detector matched.
type span struct{ start, end int }

// redactDetected masks every Luhn-valid card number, mod-97-valid IBAN, email
// address and phone number in s. It runs on every string the gate forwards,
// allowlisted or not. A single pass counts digits and '@' first so that the
// common case (short text, class names, CSS with few digits) costs one scan.
func redactDetected(s string) string {
	digits, at := 0, false
	for i := 0; i < len(s); i++ {
		if c := s[i]; isDigit(c) {
			digits++
		} else if c == '@' {
			at = true
		}
	}
	if digits < 4 && !at {
		return s
	}
	var buf [8]span
	found := buf[:0]
	if digits >= 13 {
		found = findCards(s, found)
	}
	if digits >= 4 {
		found = findIBANs(s, found)
	}
	if digits >= 8 {
		found = findPhones(s, found)
	}
	if at {
		found = findEmails(s, found)
	}
	if len(found) == 0 {
		return s
	}
	return maskSpans(s, found)
}

// maskSpans masks the union of the spans; they may overlap and come unsorted.
// Coverage is counted with a difference array, so heavily overlapping matches
// (a hostile run of short digit groups) cost no more than their number.
func maskSpans(s string, spans []span) string {
	cover := make([]int32, len(s)+1)
	for _, sp := range spans {
		cover[sp.start]++
		cover[sp.end]--
	}
	hit := make([]bool, len(s))
	depth := int32(0)
	for i := range hit {
		depth += cover[i]
		hit[i] = depth > 0
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		if !hit[i] {
			b = append(b, s[i])
			i++
			continue
		}
		j := i
		for j < len(s) && hit[j] {
			j++
		}
		b = appendMasked(b, s[i:j])
		i = j
	}
	return string(b)
}

// Card numbers: 13 to 19 digits passing the Luhn check, written contiguously
// or in groups separated by one space, dash or no-break space. Within a longer
// run of groups ("ref 12 4111 1111 1111 1111") every window that starts and
// ends on a group boundary is tried, so a card next to other numbers is still
// found. A contiguous run of more than 19 digits is not a card.

type digitGroup struct {
	start, end int // byte offsets in the string
	d0, n      int // offset and count in the run's digit buffer
}

func findCards(s string, out []span) []span {
	var groups []digitGroup
	var digits []byte
	var luhn luhnSums
	for i := 0; i < len(s); {
		if !isDigit(s[i]) {
			i++
			continue
		}
		groups, digits = groups[:0], digits[:0]
		i, groups, digits = scanCardRun(s, i, groups, digits)
		luhn.reset(digits)
		out = cardWindows(groups, &luhn, out)
	}
	return out
}

// scanCardRun reads digit groups joined by single separators from i.
func scanCardRun(s string, i int, groups []digitGroup, digits []byte) (int, []digitGroup, []byte) {
	for {
		g := digitGroup{start: i, d0: len(digits)}
		for i < len(s) && isDigit(s[i]) {
			digits = append(digits, s[i])
			i++
		}
		g.end, g.n = i, len(digits)-g.d0
		groups = append(groups, g)
		k := cardSepLen(s, i)
		if k == 0 || i+k >= len(s) || !isDigit(s[i+k]) {
			return i, groups, digits
		}
		i += k
	}
}

func cardWindows(groups []digitGroup, luhn *luhnSums, out []span) []span {
	for a := range groups {
		count := 0
		for b := a; b < len(groups); b++ {
			count += groups[b].n
			if count > 19 {
				break
			}
			if count >= 13 && luhn.valid(groups[a].d0, groups[b].d0+groups[b].n) {
				out = append(out, span{groups[a].start, groups[b].end})
			}
		}
	}
	return out
}

// luhnSums answers the Luhn check for any slice of a run's digits in constant
// time, so a hostile run of many short groups costs no more than its length.
// even[k] sums digits [0,k) doubling those at odd positions; odd[k] doubles
// those at even positions. A window's rightmost digit is never doubled, so
// its parity picks the table.
type luhnSums struct{ even, odd []int }

func (l *luhnSums) reset(digits []byte) {
	l.even, l.odd = append(l.even[:0], 0), append(l.odd[:0], 0)
	for i, c := range digits {
		d, dd := int(c-'0'), luhnDouble(int(c-'0'))
		if i%2 == 0 {
			l.even = append(l.even, l.even[i]+d)
			l.odd = append(l.odd, l.odd[i]+dd)
		} else {
			l.even = append(l.even, l.even[i]+dd)
			l.odd = append(l.odd, l.odd[i]+d)
		}
	}
}

// valid reports whether digits [from, to) pass the Luhn check.
func (l *luhnSums) valid(from, to int) bool {
	t := l.even
	if (to-1)%2 == 1 {
		t = l.odd
	}
	return (t[to]-t[from])%10 == 0
}

func luhnDouble(d int) int {
	if d *= 2; d > 9 {
		d -= 9
	}
	return d
}

// cardSepLen is the byte length of a card group separator at i, or 0.
func cardSepLen(s string, i int) int {
	if i >= len(s) {
		return 0
	}
	switch s[i] {
	case ' ', '-':
		return 1
	case 0xC2: // U+00A0 no-break space
		if i+1 < len(s) && s[i+1] == 0xA0 {
			return 2
		}
	case 0xE2: // U+2007 figure space, U+2009 thin space, U+202F narrow no-break space
		if i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0x87 || s[i+2] == 0x89 || s[i+2] == 0xAF) {
			return 3
		}
	}
	return 0
}

func luhnValid(d []byte) bool {
	var l luhnSums
	l.reset(d)
	return l.valid(0, len(d))
}

// IBANs: two letters, two check digits and 11 to 30 letters or digits (15 to
// 34 in all), contiguous or in groups of four separated by single spaces,
// valid under ISO 13616 mod 97. Letters may be either case.

func findIBANs(s string, out []span) []span {
	for i := 0; i+4 <= len(s); i++ {
		if !isLetter(s[i]) || !isLetter(s[i+1]) || !isDigit(s[i+2]) || !isDigit(s[i+3]) {
			continue
		}
		if i > 0 && isAlnum(s[i-1]) {
			continue
		}
		if end := ibanEnd(s, i); end > 0 {
			out = append(out, span{i, end})
			i = end - 1
		}
	}
	return out
}

// ibanEnd returns where the longest valid IBAN starting at i ends, or 0.
func ibanEnd(s string, i int) int {
	var compact [34]byte
	n, j := 0, i
	best := 0
	for groupLen := 0; j < len(s) && n < len(compact); {
		c := s[j]
		switch {
		case isAlnum(c):
			compact[n] = c
			n, groupLen, j = n+1, groupLen+1, j+1
			if n >= 15 && (j == len(s) || !isAlnum(s[j])) && ibanValid(compact[:n]) {
				best = j
			}
		case c == ' ' && groupLen == 4 && j+1 < len(s) && isAlnum(s[j+1]) && j-i > 3:
			groupLen, j = 0, j+1
		default:
			return best
		}
		if groupLen > 4 && j-i != n { // spaced form: groups are at most four long
			return best
		}
	}
	return best
}

func ibanValid(iban []byte) bool {
	rem := 0
	add := func(c byte) {
		if isDigit(c) {
			rem = (rem*10 + int(c-'0')) % 97
			return
		}
		v := int(c|0x20) - 'a' + 10
		rem = (rem*100 + v) % 97
	}
	for _, c := range iban[4:] {
		add(c)
	}
	for _, c := range iban[:4] {
		add(c)
	}
	return rem == 1
}
