package nlu

import (
	"fmt"
	"strings"
)

// A phrase pattern is a space-separated sequence of slots, matched against a
// message's stemmed tokens within one clause. A slot is:
//
//	word|word   any of the words (each stemmed like the message)
//	pre*        any word whose stem starts with pre
//	=word       exactly that word, unstemmed ("=talk" is not "talked")
//	?slot       an optional slot
//	#           a number ("2", "two")
//	~           a gap of zero to three words
//	$           the end of a clause (alone, or as one of the alternatives)
//
// Patterns are written in plain English and compiled with the same
// normaliser as messages, so "arrived" matches "arrive", "arriving" and
// "arived" alike.
type pattern struct {
	src   string
	slots []slot
	// neutral patterns carry their own negation ("no idea", "not mine"):
	// the negation scope around them does not flip them.
	neutral bool
}

type slot struct {
	words    map[string]bool
	exact    map[string]bool
	prefixes []string
	optional bool
	number   bool
	gap      bool
	end      bool
}

const maxGap = 3

func compilePattern(src string) pattern {
	p := pattern{src: src}
	for _, f := range strings.Fields(src) {
		var s slot
		if rest, ok := strings.CutPrefix(f, "?"); ok && rest != "" {
			s.optional, f = true, rest
		}
		switch f {
		case "#":
			s.number = true
		case "~":
			s.gap = true
		default:
			s.words, s.exact = map[string]bool{}, map[string]bool{}
			for _, alt := range strings.Split(f, "|") {
				p.neutral = p.neutral || negators[alt]
				if alt == "$" {
					s.end = true
					continue
				}
				if w, ok := strings.CutPrefix(alt, "="); ok {
					s.exact[w] = true
					continue
				}
				if pre, ok := strings.CutSuffix(alt, "*"); ok {
					s.prefixes = append(s.prefixes, pre)
					continue
				}
				ws := expand(alt)
				if len(ws) != 1 {
					panic(fmt.Sprintf("nlu: pattern %q: %q is not one word after normalising", src, alt))
				}
				s.words[stem(ws[0])] = true
			}
		}
		p.slots = append(p.slots, s)
	}
	return p
}

// match reports every start position at which p matches toks, with whether
// the match sits in a negation scope.
func (p pattern) match(toks []token, yield func(start int, negated bool)) {
	for i := range toks {
		if end, ok := p.matchAt(toks, i, 0); ok {
			yield(i, !p.neutral && anyNegated(toks[i:end]))
		}
	}
}

// matchAt matches slots[k:] at toks[i:], returning the end of the match.
func (p pattern) matchAt(toks []token, i, k int) (int, bool) {
	if k == len(p.slots) {
		return i, true
	}
	s := p.slots[k]
	if s.end && (i == len(toks) || toks[i].word == boundary) {
		if end, ok := p.matchAt(toks, i, k+1); ok {
			return end, true
		}
	}
	if s.gap {
		for g := 0; g <= maxGap && i+g <= len(toks); g++ {
			if g > 0 && toks[i+g-1].word == boundary {
				break
			}
			if end, ok := p.matchAt(toks, i+g, k+1); ok {
				return end, true
			}
		}
		return 0, false
	}
	if i < len(toks) && s.accepts(toks[i]) {
		if end, ok := p.matchAt(toks, i+1, k+1); ok {
			return end, true
		}
	}
	if s.optional && k > 0 {
		return p.matchAt(toks, i, k+1)
	}
	return 0, false
}

func (s slot) accepts(t token) bool {
	if t.word == boundary {
		return false
	}
	if s.number {
		return isNumberWord(t.word)
	}
	if s.words[t.stem] || s.exact[t.word] {
		return true
	}
	for _, pre := range s.prefixes {
		if strings.HasPrefix(t.stem, pre) {
			return true
		}
	}
	return false
}

func anyNegated(toks []token) bool {
	for _, t := range toks {
		if t.negated {
			return true
		}
	}
	return false
}

var numberWords = map[string]bool{
	"one": true, "two": true, "three": true, "four": true, "five": true, "six": true,
	"seven": true, "eight": true, "nine": true, "ten": true, "both": false,
}

func isNumberWord(w string) bool {
	if numberWords[w] {
		return true
	}
	for _, r := range w {
		if r < '0' || r > '9' {
			return false
		}
	}
	return w != ""
}
