package knowledge

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Document is one policy page: its front matter and its numbered sections.
type Document struct {
	ID            string
	Title         string
	Version       string
	Markets       []string // where the document applies, e.g. [US UK]
	EffectiveDate time.Time
	Sections      []Section
	Source        string // the markdown as written, served at /policies/{id}
}

// Section is one numbered heading and the text under it, up to the next
// heading of any level. Its id, <document>#<number>, is what citations use.
type Section struct {
	DocumentID string
	Number     string   // "3.2"
	Title      string   // "If the pause ends before the refund"
	Path       []string // document title, then each heading down to this one as written
	Markets    []string // its own tag, else its nearest tagged parent's, else the document's
	Tagged     bool     // whether a markets comment restricts this section or a parent
	Body       string
}

// ID is the section's stable citation id, e.g. returns-and-refunds#3.2.
func (s Section) ID() string { return s.DocumentID + "#" + s.Number }

// HeadingPath joins the path as readers see it:
// "Returns and refunds > 3. When a return pauses your payments > 3.2 If the pause ends before the refund".
func (s Section) HeadingPath() string { return strings.Join(s.Path, " > ") }

// Level is 1 for "## N.", 2 for "### N.M" and so on.
func (s Section) Level() int { return strings.Count(s.Number, ".") + 1 }

// AppliesTo reports whether the section applies in market.
func (s Section) AppliesTo(market string) bool { return slices.Contains(s.Markets, market) }

// ParseError says where a policy document is malformed.
type ParseError struct {
	File string
	Line int // 0 when the problem is not on one line
	Msg  string
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

var (
	docIDPattern   = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	marketPattern  = regexp.MustCompile(`^[A-Z]{2}$`)
	headingPattern = regexp.MustCompile(`^(#{1,6})\s+(.*?)\s*$`)
	numberPattern  = regexp.MustCompile(`^(\d+(?:\.\d+)*)\.?\s+(\S.*)$`)
	marketsComment = regexp.MustCompile(`^<!--\s*markets:\s*(.*?)\s*-->$`)
)

// ParseDocument reads one policy document. file names it in errors. The
// format: front matter between "---" lines (id, title, version, markets,
// effective_date), an optional "# Title", then sections headed "## N. Title",
// "### N.M Title", "#### N.M.K Title", each optionally followed on the next
// line by "<!-- markets: UK -->". Anything else is an error: a corpus that
// cites by section id cannot afford a section that silently goes missing.
func ParseDocument(file string, src []byte) (Document, error) {
	if !utf8.Valid(src) {
		return Document{}, &ParseError{File: file, Msg: "not valid UTF-8"}
	}
	text := strings.ReplaceAll(string(bytes.TrimPrefix(src, []byte("\ufeff"))), "\r\n", "\n")
	lines := strings.Split(text, "\n")
	doc, next, err := parseFrontMatter(file, lines)
	if err != nil {
		return Document{}, err
	}
	doc.Source = text
	p := &sectionParser{file: file, doc: &doc, seen: map[string]bool{}}
	if err := p.parse(lines, next); err != nil {
		return Document{}, err
	}
	if len(doc.Sections) == 0 {
		return Document{}, &ParseError{File: file, Msg: "no numbered sections (## 1. Title)"}
	}
	return doc, nil
}

// parseFrontMatter reads the "---" block and returns the index of the first
// line after it.
func parseFrontMatter(file string, lines []string) (Document, int, error) {
	if len(lines) == 0 || strings.TrimSpace(lines[0]) != "---" {
		return Document{}, 0, &ParseError{File: file, Line: 1, Msg: `missing front matter: the file must start with "---"`}
	}
	fields := map[string]string{}
	end := -1
	for i := 1; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		if line == "---" {
			end = i
			break
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			return Document{}, 0, &ParseError{File: file, Line: i + 1, Msg: fmt.Sprintf("front matter line %q is not key: value", line)}
		}
		fields[strings.TrimSpace(k)] = strings.Trim(strings.TrimSpace(v), `"'`)
	}
	if end < 0 {
		return Document{}, 0, &ParseError{File: file, Msg: `front matter is not closed by "---"`}
	}
	doc, err := documentFromFields(fields)
	if err != nil {
		return Document{}, 0, &ParseError{File: file, Msg: "front matter: " + err.Error()}
	}
	return doc, end + 1, nil
}

func documentFromFields(f map[string]string) (Document, error) {
	for _, k := range []string{"id", "title", "version", "markets", "effective_date"} {
		if f[k] == "" {
			return Document{}, fmt.Errorf("%s is required", k)
		}
	}
	if !docIDPattern.MatchString(f["id"]) {
		return Document{}, fmt.Errorf("id %q must be lower-case words joined by hyphens", f["id"])
	}
	markets, err := parseMarkets(f["markets"])
	if err != nil {
		return Document{}, err
	}
	date, err := time.Parse(time.DateOnly, f["effective_date"])
	if err != nil {
		return Document{}, fmt.Errorf("effective_date %q must be YYYY-MM-DD", f["effective_date"])
	}
	return Document{ID: f["id"], Title: f["title"], Version: f["version"], Markets: markets, EffectiveDate: date}, nil
}

// parseMarkets reads "[US, UK]", "US, UK" or "US".
func parseMarkets(s string) ([]string, error) {
	s = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(s), "["), "]")
	var out []string
	for _, m := range strings.Split(s, ",") {
		m = strings.TrimSpace(m)
		if !marketPattern.MatchString(m) {
			return nil, fmt.Errorf("market %q must be a two-letter upper-case code such as US or UK", m)
		}
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out, nil
}
