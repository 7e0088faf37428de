package knowledge

import (
	"fmt"
	"slices"
	"strings"
)

// sectionParser splits a document's body into its numbered sections.
type sectionParser struct {
	file    string
	doc     *Document
	seen    map[string]bool
	open    []*Section // the section open at each level, for parents and paths
	current *Section
	body    []string
	inFence bool
}

func (p *sectionParser) fail(line int, format string, args ...any) error {
	return &ParseError{File: p.file, Line: line + 1, Msg: fmt.Sprintf(format, args...)}
}

func (p *sectionParser) parse(lines []string, start int) error {
	sawTitle := false
	for i := start; i < len(lines); i++ {
		line := lines[i]
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			p.inFence = !p.inFence
		}
		m := headingPattern.FindStringSubmatch(line)
		switch {
		case p.inFence || (m == nil && !marketsComment.MatchString(trimmed)):
			if p.current == nil && trimmed != "" {
				return p.fail(i, "text before the first numbered section: %q", clip(trimmed, 40))
			}
			p.body = append(p.body, line)
		case m == nil:
			return p.fail(i, "a markets comment must be on the line right after a heading")
		case len(m[1]) == 1:
			if p.current != nil || sawTitle {
				return p.fail(i, "a # title heading may only come once, before the sections")
			}
			sawTitle = true
		default:
			tagged, err := p.startSection(lines, i, len(m[1])-1, m[2])
			if err != nil {
				return err
			}
			if tagged {
				i++ // the markets comment belongs to the heading
			}
		}
	}
	if p.inFence {
		return p.fail(len(lines)-1, "code fence is not closed")
	}
	p.finish()
	return nil
}

// startSection closes the current section and opens the one headed at line i.
// It reports whether the next line was the heading's markets comment.
func (p *sectionParser) startSection(lines []string, i, depth int, heading string) (bool, error) {
	n := numberPattern.FindStringSubmatch(heading)
	if n == nil {
		return false, p.fail(i, "heading %q must start with its number, e.g. \"## 3. Title\" or \"### 3.2 Title\"", heading)
	}
	number, title := n[1], strings.TrimSpace(n[2])
	if got := strings.Count(number, ".") + 1; got != depth {
		return false, p.fail(i, "section %s is at heading level %d but its number has %d part(s): use %s", number, depth+1, got, strings.Repeat("#", got+1))
	}
	if p.seen[number] {
		return false, p.fail(i, "duplicate section %s", number)
	}
	var parent *Section
	if depth > 1 {
		want := number[:strings.LastIndex(number, ".")]
		if len(p.open) < depth-1 || p.open[depth-2].Number != want {
			return false, p.fail(i, "section %s must come under section %s", number, want)
		}
		parent = p.open[depth-2]
	}
	p.finish()
	s := &Section{DocumentID: p.doc.ID, Number: number, Title: title, Markets: p.doc.Markets}
	if parent != nil {
		s.Path = append(slices.Clip(parent.Path), strings.TrimSpace(heading))
		s.Markets, s.Tagged = parent.Markets, parent.Tagged
	} else {
		s.Path = []string{p.doc.Title, strings.TrimSpace(heading)}
	}
	tagged := false
	if i+1 < len(lines) {
		if c := marketsComment.FindStringSubmatch(strings.TrimSpace(lines[i+1])); c != nil {
			markets, err := p.sectionMarkets(i+1, c[1])
			if err != nil {
				return false, err
			}
			s.Markets, s.Tagged, tagged = markets, true, true
		}
	}
	p.seen[number] = true
	p.open = append(p.open[:depth-1], s)
	p.current = s
	return tagged, nil
}

func (p *sectionParser) sectionMarkets(line int, list string) ([]string, error) {
	markets, err := parseMarkets(list)
	if err != nil {
		return nil, p.fail(line, "%v", err)
	}
	for _, m := range markets {
		if !slices.Contains(p.doc.Markets, m) {
			return nil, p.fail(line, "market %s is not one of the document's markets %v", m, p.doc.Markets)
		}
	}
	return markets, nil
}

// finish stores the current section with the body gathered so far.
func (p *sectionParser) finish() {
	if p.current == nil {
		return
	}
	p.current.Body = strings.TrimSpace(strings.Join(p.body, "\n"))
	p.doc.Sections = append(p.doc.Sections, *p.current)
	p.current, p.body = nil, nil
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
