package knowledge

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"regexp"
	"strings"
)

// pages renders the public policy pages: plain, readable HTML with one
// anchor per section id, so a citation URL (/policies/<doc>#<section>)
// lands on the section it cites (and highlights it).
var pages = template.Must(template.New("").Parse(`
{{define "head"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.}} — Settle policies</title>
<style>
body{font:16px/1.55 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1c1c1c}
h1{font-size:1.7rem}h2{font-size:1.3rem;margin-top:2rem}h3{font-size:1.1rem}h4{font-size:1rem}
.meta,.markets{color:#555;font-size:.9rem}.markets{margin:-.4rem 0 .6rem}
section:target{background:#fff7d6;outline:.4rem solid #fff7d6}a{color:#0b57d0}
</style></head><body>{{end}}
{{define "index"}}{{template "head" "Policies"}}
<h1>Settle policies</h1><ul>
{{range .}}<li><a href="/policies/{{.ID}}">{{.Title}}</a> <span class="meta">version {{.Version}}</span></li>
{{end}}</ul></body></html>{{end}}
{{define "document"}}{{template "head" .Title}}
<p class="meta"><a href="/policies">All policies</a></p>
<h1>{{.Title}}</h1>
<p class="meta">Version {{.Version}} · effective {{.Effective}} · applies in {{.Markets}}</p>
{{range .Sections}}<section id="{{.Number}}">
{{if eq .Level 2}}<h2>{{.Heading}}</h2>{{else if eq .Level 3}}<h3>{{.Heading}}</h3>{{else}}<h4>{{.Heading}}</h4>{{end}}
{{if .Markets}}<p class="markets">Applies in {{.Markets}} only.</p>{{end}}
{{.Body}}</section>
{{end}}</body></html>{{end}}
`))

type documentView struct {
	Title, Version, Effective, Markets string
	Sections                           []sectionView
}

type sectionView struct {
	Number  string
	Level   int // the HTML heading level: 2 for "## 3.", 3 for "### 3.2"
	Heading string
	Markets string // set only when the section is restricted to some markets
	Body    template.HTML
}

// renderPolicy renders an ingested document as an HTML page.
func renderPolicy(d StoredDocument) ([]byte, error) {
	doc, err := ParseDocument(d.ID+".md", []byte(d.Source))
	if err != nil {
		return nil, fmt.Errorf("knowledge: render %s: %w", d.ID, err)
	}
	v := documentView{
		Title: doc.Title, Version: doc.Version, Effective: doc.EffectiveDate.Format("2 January 2006"),
		Markets: strings.Join(doc.Markets, " and "),
	}
	for _, s := range doc.Sections {
		sv := sectionView{Number: s.Number, Level: s.Level() + 1, Heading: s.Path[len(s.Path)-1], Body: markdownHTML(s.Body)}
		if s.Tagged {
			sv.Markets = strings.Join(s.Markets, " and ")
		}
		v.Sections = append(v.Sections, sv)
	}
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, "document", v); err != nil {
		return nil, fmt.Errorf("knowledge: render %s: %w", d.ID, err)
	}
	return buf.Bytes(), nil
}

// markdownHTML renders the markdown the policies use — paragraphs, "- "
// lists and **bold** — escaping everything else.
func markdownHTML(md string) template.HTML {
	var b strings.Builder
	var para []string
	inList := false
	flush := func() {
		if len(para) > 0 {
			b.WriteString("<p>" + inlineHTML(strings.Join(para, " ")) + "</p>\n")
			para = nil
		}
	}
	for _, line := range strings.Split(md, "\n") {
		t := strings.TrimSpace(line)
		item, isItem := strings.CutPrefix(t, "- ")
		switch {
		case isItem:
			flush()
			if !inList {
				b.WriteString("<ul>\n")
				inList = true
			}
			b.WriteString("<li>" + inlineHTML(item) + "</li>\n")
		case t == "":
			flush()
			if inList {
				b.WriteString("</ul>\n")
				inList = false
			}
		default:
			if inList {
				b.WriteString("</ul>\n")
				inList = false
			}
			para = append(para, t)
		}
	}
	flush()
	if inList {
		b.WriteString("</ul>\n")
	}
	return template.HTML(b.String()) // every piece of text went through inlineHTML
}

var boldPattern = regexp.MustCompile(`\*\*(.+?)\*\*`)

// inlineHTML escapes s and turns **x** into <strong>x</strong>.
func inlineHTML(s string) string {
	return boldPattern.ReplaceAllString(html.EscapeString(s), "<strong>$1</strong>")
}
