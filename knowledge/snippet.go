package knowledge

import (
	"strings"
	"unicode/utf8"
)

// snippetChars bounds a snippet: about two lines in the agent console.
const snippetChars = 240

// snippet picks the sentence of body that shares the most words (and
// lexicon concepts) with query, continuing into the next sentences while
// they fit, so a reader sees why the section was returned.
func snippet(body, query string) string {
	sents := sentences(strings.ReplaceAll(plainText(body), "\n\n", "\n"))
	if len(sents) == 0 {
		return ""
	}
	want := map[string]bool{}
	for _, f := range queryTerms(query) {
		want[f] = true
	}
	best, bestScore := 0, -1
	for i, s := range sents {
		score := 0
		for _, f := range queryTerms(s) {
			if want[f] {
				score++
			}
		}
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	out := sents[best]
	for _, s := range sents[best+1:] {
		if utf8.RuneCountInString(out)+1+utf8.RuneCountInString(s) > snippetChars {
			break
		}
		out += " " + s
	}
	return clipWords(out, snippetChars)
}

// queryTerms are the stems and concepts of text, each once.
func queryTerms(text string) []string {
	toks := analyze(text)
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, t := range toks {
		if !t.stop {
			add(t.stem)
		}
	}
	for _, c := range lex.conceptsOf(toks) {
		add("~" + c)
	}
	return out
}

// plainText drops the markdown a snippet should not show: emphasis markers
// and list bullets.
func plainText(md string) string {
	lines := strings.Split(md, "\n")
	for i, l := range lines {
		l = strings.TrimSpace(l)
		l = strings.TrimPrefix(strings.TrimPrefix(l, "- "), "* ")
		lines[i] = strings.ReplaceAll(l, "**", "")
	}
	return strings.Join(lines, "\n")
}

// clipWords cuts s to at most n runes at a word boundary, marking the cut.
func clipWords(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n-1]
	cut := strings.LastIndexByte(string(r), ' ')
	if cut < n/2 {
		return string(r) + "…"
	}
	return strings.TrimRight(string(r)[:cut], " ,;:") + "…"
}
