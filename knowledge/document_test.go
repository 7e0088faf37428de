package knowledge

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

const frontMatter = "---\nid: refunds\ntitle: Returns and refunds\nversion: 2026-10-01\nmarkets: [US, UK]\neffective_date: 2026-10-01\n---\n"

func TestParseDocument(t *testing.T) {
	src := frontMatter + `# Returns and refunds

## 1. Overview
Returns are handled by the merchant.

## 3. Refund timing
Intro.

### 3.2 Card refunds
<!-- markets: UK -->
Within 5 business days.

#### 3.2.1 Café purchases — à la carte
Refunds for café orders: 5 € ≈ £4.

## 4. Other
` + "```\n## 9. not a heading inside a fence\n```\n"
	doc, err := ParseDocument("refunds.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if doc.ID != "refunds" || doc.Title != "Returns and refunds" || !slices.Equal(doc.Markets, []string{"US", "UK"}) ||
		doc.EffectiveDate.Format("2006-01-02") != "2026-10-01" || doc.Version != "2026-10-01" {
		t.Fatalf("front matter: %+v", doc)
	}
	tests := []struct {
		number, path, body string
		markets            []string
		tagged             bool
	}{
		{"1", "Returns and refunds > 1. Overview", "Returns are handled by the merchant.", []string{"US", "UK"}, false},
		{"3", "Returns and refunds > 3. Refund timing", "Intro.", []string{"US", "UK"}, false},
		{"3.2", "Returns and refunds > 3. Refund timing > 3.2 Card refunds", "Within 5 business days.", []string{"UK"}, true},
		{"3.2.1", "Returns and refunds > 3. Refund timing > 3.2 Card refunds > 3.2.1 Café purchases — à la carte", "Refunds for café orders: 5 € ≈ £4.", []string{"UK"}, true},
		{"4", "Returns and refunds > 4. Other", "```\n## 9. not a heading inside a fence\n```", []string{"US", "UK"}, false},
	}
	if len(doc.Sections) != len(tests) {
		t.Fatalf("got %d sections, want %d: %+v", len(doc.Sections), len(tests), doc.Sections)
	}
	for i, tt := range tests {
		s := doc.Sections[i]
		t.Run(tt.number, func(t *testing.T) {
			if s.Number != tt.number || s.HeadingPath() != tt.path || s.Body != tt.body ||
				!slices.Equal(s.Markets, tt.markets) || s.Tagged != tt.tagged || s.ID() != "refunds#"+tt.number {
				t.Fatalf("got %+v (path %q)", s, s.HeadingPath())
			}
		})
	}
}

func TestParseDocumentErrors(t *testing.T) {
	sec := "## 1. One\nText.\n"
	tests := []struct {
		name string
		src  string
		want string // in the error
		line int
	}{
		{"no front matter", sec, "missing front matter", 1},
		{"front matter not closed", "---\nid: x\n", "not closed", 0},
		{"missing id", strings.Replace(frontMatter, "id: refunds\n", "", 1) + sec, "id is required", 0},
		{"bad id", strings.Replace(frontMatter, "id: refunds", "id: Refunds_2", 1) + sec, "lower-case words", 0},
		{"bad market", strings.Replace(frontMatter, "[US, UK]", "[US, uk]", 1) + sec, `market "uk"`, 0},
		{"bad date", strings.Replace(frontMatter, "effective_date: 2026-10-01", "effective_date: 1 Oct 2026", 1) + sec, "YYYY-MM-DD", 0},
		{"front matter line without colon", strings.Replace(frontMatter, "version: 2026-10-01", "version 2026", 1) + sec, "not key: value", 4},
		{"no sections", frontMatter + "# Title\n", "no numbered sections", 0},
		{"heading without number", frontMatter + "## Overview\nText.\n", "must start with its number", 8},
		{"number too deep for the level", frontMatter + "## 1.1 One\nText.\n", "heading level 2", 8},
		{"number too shallow for the level", frontMatter + sec + "### 2. Two\n", "heading level 3", 10},
		{"subsection under the wrong parent", frontMatter + sec + "### 2.1 Two\n", "must come under section 2", 10},
		{"duplicate section", frontMatter + sec + "## 1. Again\n", "duplicate section 1", 10},
		{"text before the first section", frontMatter + "Preamble.\n" + sec, "text before the first numbered section", 8},
		{"markets comment not after a heading", frontMatter + sec + "<!-- markets: UK -->\n", "right after a heading", 10},
		{"section market not in the document", strings.Replace(frontMatter, "[US, UK]", "[US]", 1) + "## 1. One\n<!-- markets: UK -->\n", "not one of the document's markets", 9},
		{"title after sections", frontMatter + sec + "# Title\n", "only come once", 10},
		{"unclosed fence", frontMatter + sec + "```\ncode\n", "not closed", 0},
		{"invalid UTF-8", frontMatter + "## 1. One\n\xff\xfe\n", "UTF-8", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseDocument("x.md", []byte(tt.src))
			var pe *ParseError
			if !errors.As(err, &pe) || !strings.Contains(pe.Msg, tt.want) {
				t.Fatalf("got %v, want a parse error containing %q", err, tt.want)
			}
			if tt.line != 0 && pe.Line != tt.line {
				t.Errorf("error on line %d, want %d: %v", pe.Line, tt.line, err)
			}
		})
	}
}

func TestParseDocumentAcceptsWindowsLineEndingsAndBOM(t *testing.T) {
	src := "\ufeff" + strings.ReplaceAll(frontMatter+"## 1. One\nText.\n", "\n", "\r\n")
	doc, err := ParseDocument("refunds.md", []byte(src))
	if err != nil || len(doc.Sections) != 1 || doc.Sections[0].Body != "Text." {
		t.Fatalf("got %+v, %v", doc, err)
	}
}

func TestLoadCorpus(t *testing.T) {
	ok := frontMatter + "## 1. One\nText.\n"
	t.Run("id must match the file name", func(t *testing.T) {
		_, err := LoadCorpus(fstest.MapFS{"returns.md": {Data: []byte(ok)}})
		if err == nil || !strings.Contains(err.Error(), `must match the file name "returns"`) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("every problem is reported", func(t *testing.T) {
		_, err := LoadCorpus(fstest.MapFS{"a.md": {Data: []byte("x")}, "b.md": {Data: []byte("y")}})
		if err == nil || !strings.Contains(err.Error(), "a.md") || !strings.Contains(err.Error(), "b.md") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("an empty directory is an error", func(t *testing.T) {
		if _, err := LoadCorpus(fstest.MapFS{"README.txt": {}}); err == nil {
			t.Fatal("want an error")
		}
	})
	t.Run("the built-in corpus parses", func(t *testing.T) {
		docs, err := LoadCorpus(Corpus())
		if err != nil {
			t.Fatal(err)
		}
		if len(docs) < 15 {
			t.Fatalf("%d documents", len(docs))
		}
		markets := map[string]bool{}
		for _, d := range docs {
			for _, s := range d.Sections {
				if s.Tagged {
					markets[strings.Join(s.Markets, ",")] = true
				}
			}
		}
		if !markets["US"] || !markets["UK"] {
			t.Fatalf("the corpus should have US-only and UK-only sections: %v", markets)
		}
	})
}
