package nlu

import (
	"strings"
	"unicode"
)

// token is one normalised word of a message. Clause boundaries (sentence
// punctuation, "but") are tokens too, so that negation and phrases never
// reach across them.
type token struct {
	word    string // lowercased, spelling fixed
	stem    string
	negated bool // inside the scope of a negation ("never arrived")
}

const boundary = "|"

// tokenize lowercases text, splits it into words and clause boundaries,
// expands contractions, fixes common misspellings and slang, stems, and marks
// negation scope.
func tokenize(text string) []token {
	var words []string
	for _, w := range splitWords(text) {
		words = append(words, expand(w)...)
	}
	toks := make([]token, len(words))
	for i, w := range words {
		toks[i] = token{word: w, stem: stem(w)}
	}
	markNegation(toks)
	return toks
}

// splitWords splits on anything that is not a letter, digit or apostrophe,
// turning clause punctuation into boundary tokens and keeping currency signs
// and "%" as words of their own.
func splitWords(text string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, strings.Trim(b.String(), "'"))
			b.Reset()
		}
	}
	for _, r := range strings.ToLower(text) {
		switch {
		case r == '’' || r == '‘' || r == '\'':
			b.WriteRune('\'')
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		case strings.ContainsRune(".,;:!?()[]\n\r\t", r) || r == '—' || r == '–':
			flush()
			out = append(out, boundary)
		case strings.ContainsRune("$£€%", r):
			flush()
			out = append(out, string(r))
		case emojiWords[r] != "":
			flush()
			out = append(out, emojiWords[r])
		default:
			flush()
		}
	}
	flush()
	return out
}

// emojiWords reads the emoji customers use for how they feel.
var emojiWords = map[rune]string{
	'😡': "angry", '🤬': "angry", '😤': "angry", '👿': "angry", '😠': "angry",
	'🙄': "annoyed", '🙃': "annoyed", '😒': "annoyed", '💀': "annoyed", '🤡': "annoyed", '😑': "annoyed",
	'😭': "upset", '😢': "upset", '😩': "upset", '😫': "upset", '😞': "upset", '😔': "upset",
	'🙏': "please", '👍': "ok", '😊': "thanks", '🙂': "thanks", '🙌': "thanks", '❤': "thanks",
}

// expand rewrites one raw word into normalised words.
func expand(w string) []string {
	if w == "" {
		return nil
	}
	if rep, ok := respell[w]; ok {
		return strings.Fields(rep)
	}
	if base, ok := strings.CutSuffix(w, "n't"); ok {
		return []string{negBase(base), "not"}
	}
	for _, suf := range []string{"'s", "'ve", "'m", "'re", "'ll", "'d"} {
		if base, ok := strings.CutSuffix(w, suf); ok {
			return expand(base)
		}
	}
	if strings.Contains(w, "'") {
		return expand(strings.ReplaceAll(w, "'", ""))
	}
	if w == "but" || w == "however" || w == "although" {
		return []string{boundary}
	}
	return []string{w}
}

func negBase(b string) string {
	switch b {
	case "wo":
		return "will"
	case "ca":
		return "can"
	case "sha":
		return "shall"
	}
	return b
}

// negators open a negation scope over the next few words.
var negators = map[string]bool{
	"not": true, "no": true, "never": true, "nothing": true, "nobody": true, "none": true,
	"without": true, "neither": true, "nor": true, "cannot": true, "nowhere": true,
}

// scopeEnders close a negation scope early: "not what I ordered" negates the
// match, not the ordering.
var scopeEnders = map[string]bool{"what": true, "which": true, "that": true, "who": true, "because": true, "until": true, "and": true, "so": true}

const negationScope = 3

func markNegation(toks []token) {
	left := 0
	for i := range toks {
		w := toks[i].word
		switch {
		case w == boundary || scopeEnders[w]:
			left = 0
		case negators[w]:
			left = negationScope
		case left > 0:
			toks[i].negated = true
			left--
		}
	}
}

// stem strips common English suffixes so that "charged", "charges" and
// "charging" meet. It is deliberately light: over-stemming merges words the
// classifier needs apart.
func stem(w string) string {
	if len(w) <= 3 || !isAlpha(w) {
		return w
	}
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		w = w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "ing") && len(w) > 5:
		w = restoreE(undouble(w[:len(w)-3]))
	case strings.HasSuffix(w, "ed") && len(w) > 4:
		w = restoreE(undouble(w[:len(w)-2]))
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		w = w[:len(w)-1]
	}
	if strings.HasSuffix(w, "e") && len(w) > 4 {
		w = w[:len(w)-1]
	}
	if base, ok := strings.CutSuffix(w, "iz"); ok {
		w = base + "is"
	}
	return w
}

// undouble turns "shipp" and "stopp" back into "ship" and "stop". A double l
// stays ("billed" is "bill"); respell writes the British double-l forms the
// American way instead ("cancelled" is "canceled").
func undouble(w string) string {
	n := len(w)
	if n >= 4 && w[n-1] == w[n-2] && !strings.ContainsRune("aeioulsz", rune(w[n-1])) {
		return w[:n-1]
	}
	return w
}

// restoreE gives a short consonant-vowel-consonant stem its e back, so that
// "taking" and "take", "coming" and "come" meet.
func restoreE(w string) string {
	if len(w) == 3 && !isVowel(w[0]) && isVowel(w[1]) && !isVowel(w[2]) && !strings.ContainsRune("wxy", rune(w[2])) {
		return w + "e"
	}
	return w
}

func isVowel(c byte) bool { return strings.IndexByte("aeiou", c) >= 0 }

func isAlpha(w string) bool {
	for _, r := range w {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}
