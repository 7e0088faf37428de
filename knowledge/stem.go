package knowledge

// stem reduces an English word to its Porter stem (M.F. Porter, "An
// algorithm for suffix stripping", 1980), so "refunded", "refunds" and
// "refunding" meet at "refund". Words that are not plain lower-case ASCII
// (numbers, other scripts) are returned unchanged.
func stem(word string) string {
	if len(word) <= 2 {
		return word
	}
	for i := 0; i < len(word); i++ {
		if word[i] < 'a' || word[i] > 'z' {
			return word
		}
	}
	w := porter(word)
	w.step1a()
	w.step1b()
	w.step1c()
	w.replaceSuffix(step2Rules, 0)
	w.replaceSuffix(step3Rules, 0)
	w.step4()
	w.step5()
	return string(w)
}

type porter []byte

// cons reports whether w[i] is a consonant: not a vowel, and not a y that
// follows a consonant.
func (w porter) cons(i int) bool {
	switch w[i] {
	case 'a', 'e', 'i', 'o', 'u':
		return false
	case 'y':
		return i == 0 || !w.cons(i-1)
	}
	return true
}

// measure counts the vowel-consonant sequences in w[:n] ("m" in the paper).
func (w porter) measure(n int) int {
	m, i := 0, 0
	for i < n && w.cons(i) {
		i++
	}
	for i < n {
		for i < n && !w.cons(i) {
			i++
		}
		if i >= n {
			break
		}
		for i < n && w.cons(i) {
			i++
		}
		m++
	}
	return m
}

func (w porter) hasVowel(n int) bool {
	for i := 0; i < n; i++ {
		if !w.cons(i) {
			return true
		}
	}
	return false
}

func (w porter) doubleCons(n int) bool {
	return n >= 2 && w[n-1] == w[n-2] && w.cons(n-1)
}

// cvc reports whether w[:n] ends consonant-vowel-consonant with the last
// consonant not w, x or y (hop → hope, but not snow → snowe).
func (w porter) cvc(n int) bool {
	if n < 3 || !w.cons(n-3) || w.cons(n-2) || !w.cons(n-1) {
		return false
	}
	c := w[n-1]
	return c != 'w' && c != 'x' && c != 'y'
}

func (w porter) ends(s string) bool {
	return len(w) >= len(s) && string(w[len(w)-len(s):]) == s
}

func (w *porter) set(stemLen int, s string) {
	*w = append((*w)[:stemLen], s...)
}

func (w *porter) step1a() {
	switch {
	case w.ends("sses"), w.ends("ies"):
		w.set(len(*w)-2, "")
	case w.ends("ss"):
	case w.ends("s"):
		w.set(len(*w)-1, "")
	}
}

func (w *porter) step1b() {
	if w.ends("eed") {
		if w.measure(len(*w)-3) > 0 {
			w.set(len(*w)-1, "")
		}
		return
	}
	var n int
	switch {
	case w.ends("ed") && w.hasVowel(len(*w)-2):
		n = len(*w) - 2
	case w.ends("ing") && w.hasVowel(len(*w)-3):
		n = len(*w) - 3
	default:
		return
	}
	w.set(n, "")
	switch {
	case w.ends("at"), w.ends("bl"), w.ends("iz"):
		w.set(n, "e")
	case w.doubleCons(n) && !w.ends("l") && !w.ends("s") && !w.ends("z"):
		w.set(n-1, "")
	case w.measure(n) == 1 && w.cvc(n):
		w.set(n, "e")
	}
}

func (w *porter) step1c() {
	if w.ends("y") && w.hasVowel(len(*w)-1) {
		(*w)[len(*w)-1] = 'i'
	}
}

type suffixRule struct{ from, to string }

var step2Rules = []suffixRule{
	{"ational", "ate"}, {"tional", "tion"}, {"enci", "ence"}, {"anci", "ance"},
	{"izer", "ize"}, {"bli", "ble"}, {"alli", "al"}, {"entli", "ent"}, {"eli", "e"},
	{"ousli", "ous"}, {"ization", "ize"}, {"ation", "ate"}, {"ator", "ate"},
	{"alism", "al"}, {"iveness", "ive"}, {"fulness", "ful"}, {"ousness", "ous"},
	{"aliti", "al"}, {"iviti", "ive"}, {"biliti", "ble"}, {"logi", "log"},
}

var step3Rules = []suffixRule{
	{"icate", "ic"}, {"ative", ""}, {"alize", "al"}, {"iciti", "ic"},
	{"ical", "ic"}, {"ful", ""}, {"ness", ""},
}

// replaceSuffix applies the rule for the longest matching suffix when the
// stem before it has a measure above minMeasure; shorter suffixes are not
// tried when the longest one fails its condition.
func (w *porter) replaceSuffix(rules []suffixRule, minMeasure int) {
	best := -1
	for i, r := range rules {
		if w.ends(r.from) && (best < 0 || len(r.from) > len(rules[best].from)) {
			best = i
		}
	}
	if best < 0 {
		return
	}
	n := len(*w) - len(rules[best].from)
	if w.measure(n) > minMeasure {
		w.set(n, rules[best].to)
	}
}

var step4Suffixes = []string{
	"al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment",
	"ent", "ion", "ou", "ism", "ate", "iti", "ous", "ive", "ize",
}

func (w *porter) step4() {
	best := ""
	for _, s := range step4Suffixes {
		if w.ends(s) && len(s) > len(best) {
			best = s
		}
	}
	if best == "" {
		return
	}
	n := len(*w) - len(best)
	if best == "ion" && (n == 0 || ((*w)[n-1] != 's' && (*w)[n-1] != 't')) {
		return
	}
	if w.measure(n) > 1 {
		w.set(n, "")
	}
}

func (w *porter) step5() {
	if w.ends("e") {
		n := len(*w) - 1
		if m := w.measure(n); m > 1 || (m == 1 && !w.cvc(n)) {
			w.set(n, "")
		}
	}
	if w.ends("ll") && w.measure(len(*w)) > 1 {
		w.set(len(*w)-1, "")
	}
}
