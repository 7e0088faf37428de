package knowledge

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

//go:embed policies/*.md
var policies embed.FS

// Corpus returns the policy documents built into the binary: the default
// input of `settle ingest`.
func Corpus() fs.FS {
	sub, err := fs.Sub(policies, "policies")
	if err != nil {
		panic(err) // the directory is embedded above; this cannot happen
	}
	return sub
}

// LoadCorpus parses every *.md file at the top of fsys, sorted by name. A
// document's id must equal its file name without .md, so a link to
// /policies/<id> and the file on disk never disagree. All problems are
// reported together.
func LoadCorpus(fsys fs.FS) ([]Document, error) {
	names, err := fs.Glob(fsys, "*.md")
	if err != nil {
		return nil, fmt.Errorf("knowledge: list corpus: %w", err)
	}
	if len(names) == 0 {
		return nil, errors.New("knowledge: the corpus has no *.md documents")
	}
	sort.Strings(names)
	var docs []Document
	var problems []error
	for _, name := range names {
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			problems = append(problems, fmt.Errorf("read %s: %w", name, err))
			continue
		}
		doc, err := ParseDocument(name, src)
		if err != nil {
			problems = append(problems, err)
			continue
		}
		if want := strings.TrimSuffix(path.Base(name), ".md"); doc.ID != want {
			problems = append(problems, &ParseError{File: name, Msg: fmt.Sprintf("id %q must match the file name %q", doc.ID, want)})
			continue
		}
		docs = append(docs, doc)
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("knowledge: corpus: %w", errors.Join(problems...))
	}
	return docs, nil
}
