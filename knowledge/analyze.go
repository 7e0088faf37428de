package knowledge

import (
	"strings"
	"unicode"
)

// token is one word of analysed text.
type token struct {
	word string // lower-cased, accents folded, spelling normalised to US English
	stem string
	stop bool // carries no meaning on its own (function words, fillers)
}

// analyze turns text into tokens. Queries and chunks go through exactly the
// same steps, so whatever a query is reduced to can match a chunk.
func analyze(text string) []token {
	words := splitWords(text)
	out := make([]token, 0, len(words))
	for _, w := range words {
		for _, part := range expandContraction(w) {
			part = normalizeSpelling(part)
			out = append(out, token{word: part, stem: stemOf(part), stop: stopwords[part]})
		}
	}
	return out
}

// splitWords lower-cases text, folds accents, and splits it into runs of
// letters and digits; apostrophes inside a word are kept (for contractions)
// and digit groups such as 1,200 are joined.
func splitWords(text string) []string {
	var words []string
	var b strings.Builder
	runes := []rune(text)
	flush := func() {
		if b.Len() > 0 {
			words = append(words, strings.Trim(b.String(), "'"))
			b.Reset()
		}
	}
	for i, r := range runes {
		r = foldRune(unicode.ToLower(r))
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		case (r == '\'' || r == '’') && b.Len() > 0 && i+1 < len(runes) && unicode.IsLetter(runes[i+1]):
			b.WriteByte('\'')
		case r == ',' && b.Len() > 0 && i > 0 && i+1 < len(runes) && unicode.IsDigit(runes[i-1]) && unicode.IsDigit(runes[i+1]):
			// 1,200 is one number
		default:
			flush()
		}
	}
	flush()
	return words
}

// expandContraction splits "didn't" into did + not and drops possessive 's,
// so negations survive for the lexicon's phrases.
func expandContraction(w string) []string {
	if w == "cannot" {
		return []string{"can", "not"}
	}
	if !strings.Contains(w, "'") {
		return []string{w}
	}
	switch w {
	case "can't":
		return []string{"can", "not"}
	case "won't":
		return []string{"will", "not"}
	case "shan't":
		return []string{"shall", "not"}
	}
	if base, ok := strings.CutSuffix(w, "n't"); ok {
		return []string{base, "not"}
	}
	base, suffix, _ := strings.Cut(w, "'")
	switch suffix {
	case "m":
		return []string{base, "am"}
	case "re":
		return []string{base, "are"}
	case "ve":
		return []string{base, "have"}
	case "ll":
		return []string{base, "will"}
	case "d":
		return []string{base, "would"}
	}
	return []string{base} // 's, and anything unusual
}

// stemOf stems a word, with a few corrections where Porter's rules split
// words this domain needs together.
func stemOf(w string) string {
	if s, ok := stemOverrides[w]; ok {
		return s
	}
	return stem(w)
}

var stemOverrides = map[string]string{
	"delivery": "deliv", "deliveries": "deliv",
	"received": "receiv", "receipt": "receipt",
	"paid": "pai", "pays": "pai", "pay": "pai", "paying": "pai",
	"bought": "bui", "buy": "bui", "buys": "bui", "buying": "bui",
	"sent": "send", "sends": "send", "sending": "send",
	"took": "take", "taken": "take", "takes": "take", "taking": "take",
	"came": "come", "comes": "come", "coming": "come",
	"got": "get", "gets": "get", "getting": "get", "gotten": "get",
	"gave": "give", "given": "give", "gives": "give", "giving": "give",
	"broke": "broken", "breaks": "break",
	"lost": "lose", "loses": "lose", "losing": "lose",
	"made": "make", "makes": "make", "making": "make",
	"kept": "keep", "keeps": "keep", "keeping": "keep",
	"told": "tell", "tells": "tell", "telling": "tell",
	"stolen": "steal", "stole": "steal",
	"left": "leave", "leaves": "leave", "leaving": "leave",
	"important": "important", "importantly": "important",
	"instalment": "instal", "instalments": "instal", "installment": "instal", "installments": "instal",
}

// normalizeSpelling maps British spellings to the US ones so "cancelled"
// meets "canceled" and "colour" meets "color".
func normalizeSpelling(w string) string {
	if s, ok := britishWords[w]; ok {
		return s
	}
	for _, root := range britishRoots {
		if i := strings.Index(w, root[0]); i >= 0 {
			return w[:i] + root[1] + w[i+len(root[0]):]
		}
	}
	return w
}

var britishWords = map[string]string{
	"cancelled": "canceled", "cancelling": "canceling", "labelled": "labeled",
	"travelled": "traveled", "modelled": "modeled", "enrol": "enroll",
	"cheque": "check", "cheques": "checks", "cosy": "cozy", "tyre": "tire", "tyres": "tires",
	"programme": "program", "licence": "license", "defence": "defense",
	"centre": "center", "metre": "meter", "grey": "gray", "mum": "mom",
	"postcode": "zip", "parcel": "parcel", "jewellery": "jewelry",
}

// britishRoots are replaced inside words: colour, favourite, authorised,
// recognising, organisation...
var britishRoots = [][2]string{
	{"colour", "color"}, {"favour", "favor"}, {"neighbour", "neighbor"},
	{"behaviour", "behavior"}, {"honour", "honor"}, {"labour", "labor"},
	{"authoris", "authoriz"}, {"recognis", "recogniz"}, {"apologis", "apologiz"},
	{"organis", "organiz"}, {"realis", "realiz"}, {"prioritis", "prioritiz"},
	{"customis", "customiz"}, {"itemis", "itemiz"}, {"summaris", "summariz"},
	{"personalis", "personaliz"}, {"minimis", "minimiz"}, {"finalis", "finaliz"},
	{"categoris", "categoriz"}, {"emphasis", "emphasiz"}, {"utilis", "utiliz"},
}

// foldRune strips the accents of common Latin letters (café → cafe).
func foldRune(r rune) rune {
	if r < 0xC0 || r > 0x17F {
		return r
	}
	if f, ok := accentFold[r]; ok {
		return f
	}
	return r
}

var accentFold = func() map[rune]rune {
	m := map[rune]rune{}
	for base, accented := range map[rune]string{
		'a': "àáâãäåāăą", 'c': "çćĉċč", 'e': "èéêëēĕėęě", 'i': "ìíîïĩīĭįı",
		'n': "ñńņňŉ", 'o': "òóôõöøōŏő", 'u': "ùúûüũūŭůűų", 'y': "ýÿŷ",
		's': "śŝşš", 'z': "źżž", 'g': "ĝğġģ", 'l': "ĺļľŀł", 'r': "ŕŗř", 'd': "ďđ", 't': "ţťŧ",
	} {
		for _, r := range accented {
			m[r] = base
		}
	}
	return m
}()

// stopwords are dropped from features. Negations are here too: alone they
// say nothing, and the lexicon reads them in phrases ("never arrived")
// before they are dropped.
var stopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a about above after again against all am an and any are as at be
		because been before being below between both but by can could did do does doing down during each
		few for from further had has have having he her here hers herself him himself his how i if in into
		is it its itself just me more most my myself no nor not of off on once only or other our ours
		ourselves out over own same she should so some such than that the their theirs them themselves then
		there these they this those through to too under until up very was we were what when where which
		while who whom why will with would you your yours yourself yourselves also may might must shall
		let lets us ok okay please hi hello thanks thank yes yeah even yet still really actually literally
		ever just quite like guys thing things stuff something anything someone anyone get got im id
		many much often sometimes usually lot lots bit kind sort way now know say says said go goes going
		went maybe anyway`) {
		m[w] = true
	}
	return m
}()
