package main

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/settlehq/settle/knowledge"
)

// synthCorpus generates n policy-like sections as markdown documents of
// sectionsPerDoc sections each, parsed like the real corpus. The text comes
// from a word-pair (Markov) chain trained on the real policies, so it has
// their vocabulary at their frequencies and competes with them for the same
// words — filler of unrelated or templated words would make search look
// faster and more accurate than it is, and templated text (a few hundred
// words recombined) would give the HNSW index a degenerate cloud of near
// duplicates no real corpus has. The same seed gives the same corpus.
func synthCorpus(real []knowledge.Document, n, sectionsPerDoc int, seed uint64) ([]knowledge.Document, error) {
	g := &synth{rnd: rand.New(rand.NewPCG(seed, 7)), next: map[string][]string{}}
	for _, d := range real {
		for _, s := range d.Sections {
			g.train(s.Title + ".")
			g.train(s.Body)
		}
	}
	var docs []knowledge.Document
	for d := 0; n > 0; d++ {
		count := min(n, sectionsPerDoc)
		id := fmt.Sprintf("synthetic-%05d", d)
		doc, err := knowledge.ParseDocument(id+".md", []byte(g.document(id, count)))
		if err != nil {
			return nil, fmt.Errorf("synthetic corpus: %w", err)
		}
		docs = append(docs, doc)
		n -= count
	}
	return docs, nil
}

type synth struct {
	rnd    *rand.Rand
	next   map[string][]string // word → the words that follow it, with repeats
	starts []string            // words that begin a sentence
}

// train adds text's word pairs; "." ends a sentence.
func (g *synth) train(text string) {
	text = strings.NewReplacer("**", "", "\n- ", " ", "\n", " ", "#", "").Replace(text)
	prev := "."
	for _, w := range strings.Fields(text) {
		if prev == "." {
			g.starts = append(g.starts, w)
		} else {
			g.next[prev] = append(g.next[prev], w)
		}
		prev = w
		if strings.HasSuffix(w, ".") || strings.HasSuffix(w, "?") || strings.HasSuffix(w, ":") {
			prev = "."
		}
	}
}

// sentence walks the chain from a sentence start for at most max words.
func (g *synth) sentence(max int) string {
	w := g.starts[g.rnd.IntN(len(g.starts))]
	out := []string{w}
	for len(out) < max && !strings.HasSuffix(w, ".") {
		follow := g.next[w]
		if len(follow) == 0 {
			break
		}
		w = follow[g.rnd.IntN(len(follow))]
		out = append(out, w)
	}
	s := strings.TrimRight(strings.Join(out, " "), ".,;:")
	return strings.ReplaceAll(s, "<!--", "") + "."
}

func (g *synth) title() string {
	return strings.TrimSuffix(g.sentence(6), ".")
}

func (g *synth) document(id string, sections int) string {
	var b strings.Builder
	title := g.title()
	fmt.Fprintf(&b, "---\nid: %s\ntitle: %s\nversion: 2026-10-01\nmarkets: [US, UK]\neffective_date: 2026-10-01\n---\n# %s\n\n", id, title, title)
	for s := 1; s <= sections; s++ {
		fmt.Fprintf(&b, "## %d. %s\n", s, g.title())
		if g.rnd.IntN(10) == 0 { // about one section in ten is market-specific, as in the real corpus
			fmt.Fprintf(&b, "<!-- markets: %s -->\n", []string{"US", "UK"}[g.rnd.IntN(2)])
		}
		for i := 2 + g.rnd.IntN(4); i > 0; i-- {
			b.WriteString(g.sentence(40) + " ")
		}
		b.WriteString("\n\n")
	}
	return b.String()
}
