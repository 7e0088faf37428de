package cobrowse

// Email addresses and phone numbers. Both detectors work on bytes and look
// only at ASCII, which is what these formats use in practice.

// findEmails finds local@domain where the domain has a dot and ends in a
// label of two or more letters.
func findEmails(s string, out []span) []span {
	for k := 0; k < len(s); k++ {
		if s[k] != '@' {
			continue
		}
		a := k
		for a > 0 && isEmailLocal(s[a-1]) {
			a--
		}
		if a == k {
			continue
		}
		if e := emailDomainEnd(s, k+1); e > 0 {
			out = append(out, span{a, e})
			k = e - 1
		}
	}
	return out
}

func isEmailLocal(c byte) bool {
	return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' || c == '\''
}

// emailDomainEnd returns where a domain starting at i ends, or 0. The domain
// is the longest run of labels whose last label is two or more letters and
// not a file extension ("jane@example.com.png" is jane@example.com). One pass:
// a long dotted run must not cost more than its length.
func emailDomainEnd(s string, i int) int {
	best, labels, start := 0, 0, i
	for j := i; ; j++ {
		if j < len(s) && (isAlnum(s[j]) || s[j] == '-') {
			continue
		}
		if j == start { // empty label: the domain ends before it
			return best
		}
		end := j
		for end > start && s[end-1] == '-' { // "jane@example.com--" ends at "com"
			end--
		}
		if labels > 0 && isTopLevelDomain(s[start:end]) {
			best = end
		}
		labels++
		if j >= len(s) || s[j] != '.' {
			return best
		}
		start = j + 1
	}
}

func isTopLevelDomain(label string) bool {
	if len(label) < 2 || fileExtensions[lowerASCII(label)] {
		return false
	}
	for k := 0; k < len(label); k++ {
		if !isLetter(label[k]) {
			return false
		}
	}
	return true
}

// fileExtensions are endings that make "logo@2x.png" a file name, not an
// address; masking them would break images on every retina page.
var fileExtensions = map[string]bool{
	"png": true, "jpg": true, "jpeg": true, "gif": true, "svg": true, "webp": true,
	"avif": true, "bmp": true, "ico": true, "css": true, "js": true, "mjs": true,
	"json": true, "html": true, "htm": true, "woff": true, "woff2": true, "ttf": true,
	"otf": true, "eot": true, "mp4": true, "webm": true, "mp3": true, "pdf": true,
}

// Phone numbers. Plain numbers are everywhere on a shopping page (amounts,
// dates, order and tracking numbers), so only these shapes count:
//   - international: "+" then 8 to 15 digits ("+44 20 7946 0958",
//     "+1 (415) 555-0123", "+4915112345678"), or "00" then 10 to 15 digits in
//     two or more groups;
//   - US: 3-3-4 digits, optionally after "1" ("(415) 555-0123",
//     "415-555-0123", "415.555.0123", "1 415 555 0123");
//   - UK: a leading 0 and 10 or 11 digits in the usual groupings
//     ("020 7946 0958", "0161 496 0000", "07700 900123"), or an unbroken
//     "07" mobile number of 11 digits.
// A run of digits and separators is split into groups and every window of
// consecutive groups is tried, so "ref 12 415-555-0123" still matches.

type phoneGroup struct {
	start, end int    // byte offsets of the digits
	sep        string // separator after the group, "" for the last
}

func findPhones(s string, out []span) []span {
	var groups []phoneGroup
	for i := 0; i < len(s); {
		c := s[i]
		if !isDigit(c) && c != '+' && c != '(' {
			i++
			continue
		}
		if i > 0 && (isAlnum(s[i-1]) || s[i-1] == '.' || s[i-1] == ',') {
			for i < len(s) && (isAlnum(s[i]) || s[i] == '+' || s[i] == '(') {
				i++
			}
			continue
		}
		var end int
		end, groups = scanPhoneRun(s, i, groups[:0])
		glued := end < len(s) && isAlnum(s[end])
		out = phoneWindows(s, groups, glued, out)
		if end <= i {
			end = i + 1
		}
		i = end
	}
	return out
}

// scanPhoneRun splits the run of digits and separators at i into groups.
func scanPhoneRun(s string, i int, groups []phoneGroup) (int, []phoneGroup) {
	j := i
	for j < len(s) && (s[j] == '+' || s[j] == '(') && j-i < 2 {
		j++
	}
	for j < len(s) && isDigit(s[j]) {
		g := phoneGroup{start: j}
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		g.end = j
		k := j
		for k < len(s) && k-j < 3 && isPhoneSep(s[k]) {
			k++
		}
		if k < len(s) && isDigit(s[k]) && validPhoneSep(s[j:k]) {
			g.sep = s[j:k]
			groups = append(groups, g)
			j = k
			continue
		}
		groups = append(groups, g)
		break
	}
	return j, groups
}

func isPhoneSep(c byte) bool { return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' }

func validPhoneSep(sep string) bool {
	switch sep {
	case " ", "-", ".", ")", ") ", " (", "(", ")-", " - ":
		return true
	}
	return false
}

// phoneWindows tries every window of up to six groups; one ending on a group
// glued to a word ("0958ABC") is not a phone number.
func phoneWindows(s string, groups []phoneGroup, glued bool, out []span) []span {
	for a := range groups {
		for b := a; b < len(groups) && b-a < 6; b++ {
			if glued && b == len(groups)-1 {
				break
			}
			if sp, ok := phoneWindow(s, groups[a:b+1]); ok {
				out = append(out, sp)
			}
		}
	}
	return out
}

// phoneWindow decides whether the consecutive groups form a phone number.
func phoneWindow(s string, gs []phoneGroup) (span, bool) {
	start, end := gs[0].start, gs[len(gs)-1].end
	paren := start > 0 && s[start-1] == '('
	plus := (start > 0 && s[start-1] == '+') || (paren && start > 1 && s[start-2] == '+')
	var sizes [6]int
	digits := 0
	for k, g := range gs {
		sizes[k] = g.end - g.start
		digits += sizes[k]
	}
	first, second := s[start], byte(0) // the first two digits of the first group
	if sizes[0] > 1 {
		second = s[start+1]
	}
	var ok bool
	switch {
	case plus:
		ok = digits >= 8 && digits <= 15 && first != '0'
	case first == '0' && second == '0':
		ok = digits >= 10 && digits <= 15 && len(gs) >= 2
	case first == '0':
		ok = ukShape(sizes[:len(gs)], digits, second) && onlySeps(gs, " ", "-", ")", ") ")
	default:
		ok = usShape(s, gs, sizes[:len(gs)], digits)
	}
	if !ok {
		return span{}, false
	}
	return phoneSpan(s, start, end, plus, paren), true
}

// phoneSpan widens a match over a leading "+", "(" or "+(" and a closing ")".
func phoneSpan(s string, start, end int, plus, paren bool) span {
	if paren {
		start--
		if end < len(s) && s[end] == ')' {
			end++
		}
	}
	if plus {
		start--
	}
	return span{start, end}
}

func usShape(s string, gs []phoneGroup, sizes []int, digits int) bool {
	var ok bool
	switch {
	case digits == 10 && len(sizes) == 3:
		ok = sizes[0] == 3 && sizes[1] == 3 && sizes[2] == 4 && s[gs[0].start] >= '2'
	case digits == 11 && len(sizes) == 4:
		ok = sizes[0] == 1 && s[gs[0].start] == '1' && sizes[1] == 3 && sizes[2] == 3 &&
			sizes[3] == 4 && s[gs[1].start] >= '2'
	}
	return ok && onlySeps(gs, " ", "-", ".", ")", ") ", " (", "(", ")-")
}

var ukGroupings = [][]int{
	{3, 4, 4}, {4, 3, 4}, {4, 4, 3}, {3, 3, 4}, {5, 6}, {5, 3, 3}, {5, 5}, {4, 6}, {4, 3, 3},
}

func ukShape(sizes []int, digits int, second byte) bool {
	if digits != 10 && digits != 11 {
		return false
	}
	if len(sizes) == 1 {
		return digits == 11 && second == '7'
	}
	for _, g := range ukGroupings {
		if equalInts(g, sizes) {
			return true
		}
	}
	return false
}

func onlySeps(gs []phoneGroup, allowed ...string) bool {
	for _, g := range gs[:len(gs)-1] {
		ok := false
		for _, a := range allowed {
			ok = ok || g.sep == a
		}
		if !ok {
			return false
		}
	}
	return true
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
