package knowledge

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Chunk is the unit search returns: one section, or one part of a long one.
type Chunk struct {
	ID          string // <document>#<section>:<part>:<content hash>
	DocumentID  string
	Section     string // the section number, "3.2"
	Part        int    // 0 unless the section was split
	Title       string // the document's title
	HeadingPath string
	Body        string
	Markets     []string
	Concepts    string // the lexicon concepts of Text, as search terms (see ConceptTerms)
}

// SectionID is the citation id of the chunk's section.
func (c Chunk) SectionID() string { return c.DocumentID + "#" + c.Section }

// Text is what gets embedded: the heading path carries most of a short
// section's meaning, so it travels with the body.
func (c Chunk) Text() string { return c.HeadingPath + "\n" + c.Body }

// ChunkOptions bound chunk size, counted in characters (runes) of the body.
type ChunkOptions struct {
	MaxChars int // a longer section is split into parts of at most this size
	Overlap  int // each part after the first repeats about this much of the previous one
	// IntroChars: a section with subsections whose own text is at most this
	// long only introduces them ("The sections below list..."), and gets no
	// chunk: as a search result it would crowd out the subsection that
	// answers. It stays a section that can be cited and read.
	IntroChars int
}

// DefaultChunkOptions fit every section of the current corpus but one in a
// single chunk: sections are written to be cited whole, and splitting them
// only when they are long keeps each citation's text self-contained.
var DefaultChunkOptions = ChunkOptions{MaxChars: 1200, Overlap: 200, IntroChars: 0}

func (o ChunkOptions) validate() error {
	if o.MaxChars < 100 || o.Overlap < 0 || o.Overlap > o.MaxChars/2 || o.IntroChars < 0 {
		return fmt.Errorf("knowledge: chunk options %+v: need MaxChars >= 100, 0 <= Overlap <= MaxChars/2 and IntroChars >= 0", o)
	}
	return nil
}

// ChunkDocuments chunks every section of docs. Sections whose body is empty
// (a heading that only introduces its subsections) produce no chunk.
func ChunkDocuments(docs []Document, o ChunkOptions) ([]Chunk, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	var out []Chunk
	for _, d := range docs {
		for i, s := range d.Sections {
			if isIntro(d.Sections, i, o.IntroChars) {
				continue
			}
			for i, body := range splitBody(s.Body, o) {
				out = append(out, newChunk(d, s, i, body))
			}
		}
	}
	return out, nil
}

// isIntro reports whether sections[i] has subsections (they follow it
// directly) and a body of at most max runes.
func isIntro(sections []Section, i, max int) bool {
	hasSub := i+1 < len(sections) && strings.HasPrefix(sections[i+1].Number, sections[i].Number+".")
	return hasSub && utf8.RuneCountInString(sections[i].Body) <= max
}

func newChunk(d Document, s Section, part int, body string) Chunk {
	c := Chunk{
		DocumentID: d.ID, Section: s.Number, Part: part, Title: d.Title,
		HeadingPath: s.HeadingPath(), Body: body, Markets: s.Markets,
	}
	c.Concepts = ConceptTerms(c.Text())
	c.ID = fmt.Sprintf("%s:%d:%s", c.SectionID(), part, c.contentHash())
	return c
}

// contentHash covers everything stored with the chunk, so an unchanged
// chunk keeps its id across ingests and any change gives it a new one.
func (c Chunk) contentHash() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s", c.Title, c.HeadingPath, strings.Join(c.Markets, ","), c.Body, c.Concepts)
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// splitBody returns body in parts of at most o.MaxChars runes, cut at
// paragraph, then sentence, then word boundaries; each part after the first
// starts with the tail of the previous one (up to o.Overlap runes, whole
// sentences where they fit) so a sentence that straddles a cut is still
// found with its context.
func splitBody(body string, o ChunkOptions) []string {
	if body == "" {
		return nil
	}
	if utf8.RuneCountInString(body) <= o.MaxChars {
		return []string{body}
	}
	var parts []string
	var cur []string
	for _, u := range units(body, o.MaxChars) {
		if len(cur) > 0 && joinedLen(append(cur, u)) > o.MaxChars {
			parts = append(parts, strings.Join(cur, " "))
			cur = overlapTail(cur, o.Overlap)
			if joinedLen(append(cur, u)) > o.MaxChars {
				cur = nil
			}
		}
		cur = append(cur, u)
	}
	return append(parts, strings.Join(cur, " "))
}

// units cuts text into sentences (paragraph ends are sentence ends), and
// sentences longer than max into runs of words.
func units(text string, max int) []string {
	var out []string
	for _, para := range strings.Split(text, "\n\n") {
		for _, s := range sentences(strings.TrimSpace(para)) {
			if utf8.RuneCountInString(s) <= max {
				out = append(out, s)
				continue
			}
			out = append(out, wordRuns(s, max)...)
		}
	}
	return out
}

// sentences splits after ". ", "! ", "? " and line breaks (list items).
func sentences(p string) []string {
	var out []string
	start := 0
	runes := []rune(p)
	for i, r := range runes {
		end := r == '\n' || ((r == '.' || r == '!' || r == '?') && i+1 < len(runes) && unicode.IsSpace(runes[i+1]))
		if end {
			if s := strings.TrimSpace(string(runes[start : i+1])); s != "" {
				out = append(out, s)
			}
			start = i + 1
		}
	}
	if s := strings.TrimSpace(string(runes[start:])); s != "" {
		out = append(out, s)
	}
	return out
}

// wordRuns packs the words of s into runs of at most max runes; a single
// word longer than max is cut.
func wordRuns(s string, max int) []string {
	var out []string
	var cur []string
	for _, w := range strings.Fields(s) {
		for utf8.RuneCountInString(w) > max {
			r := []rune(w)
			out = append(out, string(r[:max]))
			w = string(r[max:])
		}
		if len(cur) > 0 && joinedLen(append(cur, w)) > max {
			out = append(out, strings.Join(cur, " "))
			cur = nil
		}
		cur = append(cur, w)
	}
	if len(cur) > 0 {
		out = append(out, strings.Join(cur, " "))
	}
	return out
}

// overlapTail returns the last units of prev that fit in n runes; when even
// the last unit is longer, its last words that fit.
func overlapTail(prev []string, n int) []string {
	var tail []string
	for i := len(prev) - 1; i >= 0; i-- {
		if joinedLen(append([]string{prev[i]}, tail...)) > n {
			break
		}
		tail = append([]string{prev[i]}, tail...)
	}
	if len(tail) > 0 || n == 0 {
		return tail
	}
	words := strings.Fields(prev[len(prev)-1])
	var kept []string
	for i := len(words) - 1; i >= 0; i-- {
		if joinedLen(append([]string{words[i]}, kept...)) > n {
			break
		}
		kept = append([]string{words[i]}, kept...)
	}
	if len(kept) == 0 {
		return nil
	}
	return []string{strings.Join(kept, " ")}
}

// joinedLen is the rune length of parts joined by single spaces.
func joinedLen(parts []string) int {
	n := 0
	for i, p := range parts {
		if i > 0 {
			n++
		}
		n += utf8.RuneCountInString(p)
	}
	return n
}
