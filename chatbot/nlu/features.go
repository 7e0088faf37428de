package nlu

import (
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// features is a sparse feature vector, in a fixed order for a given text
// (so sums over it are reproducible bit for bit). Feature names are
// hashed (64-bit FNV-1a, so collisions are negligible at this size), which
// keeps extraction free of per-n-gram string allocations: training at
// process start has to stay well under a second.
type features []feature

type feature struct {
	id uint64
	v  float64
}

// featureWeights scales each feature family after it is normalised to unit
// length, so that a long message's hundreds of character n-grams do not drown
// its two or three concepts. The values were chosen by cross-validation on
// the training set, never on held-out data (Synonyms: 0.6, 1 and 1.5 were
// tried; 1 and 1.5 tied).
type featureWeights struct {
	Words, Bigrams, Chars, Concepts, Pairs, Shape, Synonyms float64
}

var defaultWeights = featureWeights{Words: 1, Bigrams: 0.6, Chars: 1.5, Concepts: 1.2, Pairs: 0.6, Shape: 0.3, Synonyms: 1}

// extract turns a message into features: stemmed words (and their negated
// forms), word bigrams, character 3- and 4-grams (robust to typos nobody listed),
// lexicon concepts and their pairs (a linear model cannot AND two concepts on
// its own: RETURNED with STILL_CHARGED means something neither does alone),
// a few shape features (question and exclamation marks, amounts, a
// pasted statement descriptor, the opening word), and the words' synonym
// sets (synonyms.go). Numbers are features by shape only ("<n>", "<nnn>").
func extract(text string, w featureWeights) features {
	return extractTokens(text, tokenize(text), w)
}

// extractTokens is extract for a message already tokenized.
func extractTokens(text string, toks []token, w featureWeights) features {
	var f features
	f = addFamily(f, hashAll("w:", wordFeatures(toks)), w.Words)
	f = addFamily(f, hashAll("b:", bigramFeatures(toks)), w.Bigrams)
	f = addFamily(f, charGrams(text), w.Chars)
	cs := concepts(toks)
	f = addFamily(f, hashAll("k:", cs), w.Concepts)
	f = addFamily(f, hashAll("p:", conceptPairs(cs)), w.Pairs)
	f = addFamily(f, hashAll("s:", shape(text, toks)), w.Shape)
	f = addFamily(f, hashAll("y:", synonymFeatures(toks)), w.Synonyms)
	return f
}

// addFamily appends the distinct ids, scaled so the family has Euclidean
// norm weight.
func addFamily(f features, ids []uint64, weight float64) features {
	if len(ids) == 0 || weight == 0 {
		return f
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	v := weight / math.Sqrt(float64(len(ids)))
	for _, id := range ids {
		f = append(f, feature{id, v})
	}
	return f
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func hashString(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * fnvPrime
	}
	return h
}

func hashAll(prefix string, names []string) []uint64 {
	base := hashString(fnvOffset, prefix)
	out := make([]uint64, len(names))
	for i, n := range names {
		out[i] = hashString(base, n)
	}
	return out
}

func wordFeatures(toks []token) []string {
	var out []string
	for _, t := range toks {
		if t.word == boundary {
			continue
		}
		w := numShape(t.stem)
		out = append(out, w)
		if t.negated {
			out = append(out, "!"+w)
		}
	}
	return out
}

func bigramFeatures(toks []token) []string {
	var out []string
	prev := boundary
	for _, t := range toks {
		if prev != boundary && t.word != boundary {
			out = append(out, prev+"_"+numShape(t.stem))
		}
		prev = numShape(t.stem)
		if t.word == boundary {
			prev = boundary
		}
	}
	return out
}

// Character n-gram sizes: 3 and 4 did as well as 3 to 5 in cross-validation,
// with a third fewer features to train.
const minGram, maxGram = 3, 4

// charGrams hashes the 3- and 4-character grams of the lowercased text with
// every run of non-letters folded to one space, padded so grams mark word
// edges.
func charGrams(text string) []uint64 {
	var b strings.Builder
	b.WriteByte(' ')
	space := true
	for _, r := range strings.ToLower(text) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			space = false
		} else if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	if !space {
		b.WriteByte(' ')
	}
	s := b.String()
	var starts []int
	for i := range s {
		starts = append(starts, i)
	}
	starts = append(starts, len(s))
	base := hashString(fnvOffset, "c:")
	var out []uint64
	for n := minGram; n <= maxGram; n++ {
		for i := 0; i+n < len(starts); i++ {
			out = append(out, hashString(base, s[starts[i]:starts[i+n]]))
		}
	}
	return out
}

func conceptPairs(cs []string) []string {
	var out []string
	for i := range cs {
		for j := i + 1; j < len(cs); j++ {
			out = append(out, cs[i]+"&"+cs[j])
		}
	}
	return out
}

func shape(text string, toks []token) []string {
	n := 0
	for _, t := range toks {
		if t.word != boundary {
			n++
		}
	}
	// No length feature: in the training lines, questions are short and
	// complaints long, which real customers do not respect.
	var out []string
	if strings.Contains(text, "?") {
		out = append(out, "question_mark")
	}
	if strings.Contains(text, "!") {
		out = append(out, "exclamation")
	}
	switch n := moneyMentions(text, toks); {
	case n > 1:
		out = append(out, "money", "money_several")
	case n == 1:
		out = append(out, "money")
	}
	if quotedDescriptor(text) != "" || reStarDescriptor.MatchString(text) {
		out = append(out, "descriptor") // a statement line pasted in: "SQ *BLUEMOON"
	}
	if first := firstWord(toks); questionOpeners[first] {
		out = append(out, "opens_"+first)
	}
	return out
}

var currencyTokens = map[string]bool{"usd": true, "gbp": true, "eur": true, "dollar": true, "dollars": true,
	"buck": true, "bucks": true, "quid": true, "pound": true, "pounds": true, "euro": true, "euros": true}

// moneyMentions counts currency signs and words and two-decimal numbers: a
// cheap stand-in for findAmounts, which is too slow to run on every training
// line.
func moneyMentions(text string, toks []token) int {
	n := strings.Count(text, "$") + strings.Count(text, "£") + strings.Count(text, "€")
	for _, t := range toks {
		if currencyTokens[t.word] {
			n++
		}
	}
	for i := 0; i+3 < len(text); i++ {
		if isDigit(text[i]) && text[i+1] == '.' && isDigit(text[i+2]) && isDigit(text[i+3]) && (i+4 == len(text) || !isDigit(text[i+4])) {
			if i == 0 || text[i-1] != '$' && text[i-1] != '.' {
				n++ // a bare 89.00; "$89.00" was counted by its sign
			}
		}
	}
	return n
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

var reStarDescriptor = regexp.MustCompile(`\b[A-Z]{2,}\s?\*\s?[A-Z0-9]`)

// questionOpeners are first words that make a message a question — or, for
// "why", a complaint phrased as one.
var questionOpeners = map[string]bool{"how": true, "when": true, "what": true, "where": true, "can": true,
	"could": true, "is": true, "are": true, "do": true, "does": true, "will": true, "why": true, "which": true, "who": true}

func firstWord(toks []token) string {
	for _, t := range toks {
		if t.word != boundary && !smallTalkOpeners[t.word] {
			return t.word
		}
	}
	return ""
}

// smallTalkOpeners are skipped when looking for a message's first word.
var smallTalkOpeners = map[string]bool{"hi": true, "hello": true, "hey": true, "so": true, "ok": true, "okay": true,
	"please": true, "quick": true, "question": true, "um": true, "hmm": true, "sorry": true, "excuse": true, "me": true}

// numShape writes a number as the shape of a number: which amount, order
// number or date a customer quotes says nothing about their complaint, but
// that they quote one can.
func numShape(w string) string {
	digits := 0
	for i := 0; i < len(w); i++ {
		if isDigit(w[i]) {
			digits++
		}
	}
	switch {
	case digits == 0:
		return w
	case digits == len(w) && digits <= 2:
		return "<n>"
	case digits == len(w):
		return "<nnn>"
	}
	return "<alnum>"
}
