package main

import (
	"context"
	"fmt"
	"strings"
)

// evaluation is one `settle eval <name>` kind: a quality measurement on a
// labelled set kept in the repo.
type evaluation struct {
	name    string
	summary string
	run     func(a *app, ctx context.Context, args []string) error
}

// evaluations lists the quality evaluations; each feature adds its own.
func evaluations() []evaluation {
	return []evaluation{
		{"conversations", "conversation goldens, pass^k over k runs", (*app).evalConversations},
		{"retrieval", "knowledge search: recall@1, recall@5, MRR of vector, full-text and hybrid", (*app).evalRetrieval},
		{"nlu", "triage: reason accuracy, false positives, wants_human, injection recall", (*app).evalNLU},
	}
}

func (a *app) eval(ctx context.Context, args []string) error {
	var names []string
	for _, e := range evaluations() {
		names = append(names, fmt.Sprintf("  %-14s %s", e.name, e.summary))
	}
	fs := a.flags("eval", "eval <kind> [flags]", "Measures quality on a labelled set kept in the repo. Kinds:\n"+strings.Join(names, "\n"))
	if len(args) == 0 || args[0] == "--help" || args[0] == "-h" {
		fs.Usage()
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	for _, e := range evaluations() {
		if e.name == args[0] {
			return e.run(a, ctx, args[1:])
		}
	}
	fs.Usage()
	return errUsage
}
