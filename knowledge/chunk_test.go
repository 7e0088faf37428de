package knowledge

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func docWith(t *testing.T, body string) Document {
	t.Helper()
	doc, err := ParseDocument("refunds.md", []byte(frontMatter+"## 3. Refund timing\n### 3.2 Card refunds\n<!-- markets: UK -->\n"+body+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestChunkDocuments(t *testing.T) {
	sentence := "A refund reaches the card within five business days of the merchant processing it. "
	long := strings.Repeat(sentence, 40) // ~3,400 characters
	unicodeLong := strings.Repeat("Remboursé à la carte — 5 € ≈ £4, délai: 5 jours ouvrés. ", 40)
	opts := ChunkOptions{MaxChars: 500, Overlap: 100}
	tests := []struct {
		name      string
		body      string
		wantParts int // 0: more than one
	}{
		{"a short section is one chunk", "Within 5 business days.", 1},
		{"a long section is split", long, 0},
		{"unicode is counted in characters, not bytes", unicodeLong, 0},
		{"a single overlong word is cut", strings.Repeat("x", 1300), 3},
		{"paragraphs and list items are boundaries", strings.Repeat("- item one is here.\n- item two is here.\n\n", 30), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chunks, err := ChunkDocuments([]Document{docWith(t, tt.body)}, opts)
			if err != nil {
				t.Fatal(err)
			}
			// Section 3 has no text of its own and so no chunk.
			if tt.wantParts != 0 && len(chunks) != tt.wantParts || tt.wantParts == 0 && len(chunks) < 2 {
				t.Fatalf("got %d chunks", len(chunks))
			}
			ids := map[string]bool{}
			for i, c := range chunks {
				if n := utf8.RuneCountInString(c.Body); n > opts.MaxChars || !utf8.ValidString(c.Body) {
					t.Errorf("part %d: %d characters (max %d), valid UTF-8 %v", i, n, opts.MaxChars, utf8.ValidString(c.Body))
				}
				if c.Part != i || c.SectionID() != "refunds#3.2" || c.HeadingPath != "Returns and refunds > 3. Refund timing > 3.2 Card refunds" ||
					strings.Join(c.Markets, ",") != "UK" || c.Title != "Returns and refunds" {
					t.Errorf("part %d: %+v", i, c)
				}
				if !strings.HasPrefix(c.ID, "refunds#3.2:"+itoa(i)+":") || ids[c.ID] {
					t.Errorf("part %d: id %q", i, c.ID)
				}
				ids[c.ID] = true
			}
			assertOverlapAndCoverage(t, tt.body, chunks, opts)
		})
	}
}

func itoa(i int) string { return string(rune('0' + i)) }

// Every word of the section is in some chunk, in order, and each part after
// the first starts with text the previous part ended with.
func assertOverlapAndCoverage(t *testing.T, body string, chunks []Chunk, o ChunkOptions) {
	t.Helper()
	var joined []string
	for _, c := range chunks {
		joined = append(joined, strings.Fields(c.Body)...)
	}
	all := strings.Join(joined, " ")
	for _, w := range strings.Fields(body) {
		for len(w) > 0 {
			piece := w[:min(len(w), 50)]
			if !strings.Contains(all, strings.TrimLeft(piece, "-")) {
				t.Fatalf("word %q is in no chunk", piece)
			}
			w = w[len(piece):]
		}
	}
	for i := 1; i < len(chunks); i++ {
		prev, cur := chunks[i-1].Body, chunks[i].Body
		first := strings.Fields(cur)[0]
		if o.Overlap > 0 && utf8.RuneCountInString(first) < o.Overlap && !strings.Contains(prev[max(0, len(prev)-4*o.Overlap):], first) {
			t.Errorf("part %d starts with %q, which part %d does not end with", i, first, i-1)
		}
	}
}

func TestChunkIDsAreStableAndFollowContent(t *testing.T) {
	a, _ := ChunkDocuments([]Document{docWith(t, "Within 5 business days.")}, DefaultChunkOptions)
	b, _ := ChunkDocuments([]Document{docWith(t, "Within 5 business days.")}, DefaultChunkOptions)
	c, _ := ChunkDocuments([]Document{docWith(t, "Within 10 business days.")}, DefaultChunkOptions)
	if a[0].ID != b[0].ID {
		t.Fatalf("same content, different ids: %s %s", a[0].ID, b[0].ID)
	}
	if a[0].ID == c[0].ID {
		t.Fatalf("changed content kept its id %s", a[0].ID)
	}
	if !strings.HasPrefix(c[0].ID, "refunds#3.2:0:") {
		t.Fatalf("id %s does not name document, section and part", c[0].ID)
	}
}

func TestChunkOptionsAreChecked(t *testing.T) {
	for _, o := range []ChunkOptions{{MaxChars: 50}, {MaxChars: 1000, Overlap: 600}, {MaxChars: 1000, Overlap: -1}} {
		if _, err := ChunkDocuments(nil, o); err == nil {
			t.Errorf("%+v: want an error", o)
		}
	}
}

func TestCorpusChunks(t *testing.T) {
	docs, err := LoadCorpus(Corpus())
	if err != nil {
		t.Fatal(err)
	}
	chunks, err := ChunkDocuments(docs, DefaultChunkOptions)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	split := 0
	for _, c := range chunks {
		if ids[c.ID] {
			t.Errorf("duplicate chunk id %s", c.ID)
		}
		ids[c.ID] = true
		if utf8.RuneCountInString(c.Body) > DefaultChunkOptions.MaxChars {
			t.Errorf("%s is %d characters", c.ID, utf8.RuneCountInString(c.Body))
		}
		if c.Part > 0 {
			split++
		}
	}
	if len(chunks) < 300 || split == 0 {
		t.Fatalf("%d chunks, %d of them later parts of a split section", len(chunks), split)
	}
}
