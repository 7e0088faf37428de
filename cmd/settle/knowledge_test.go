package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/settlehq/settle/knowledge"
)

func TestIngestCommand(t *testing.T) {
	env := migrated(t)
	ctx := context.Background()
	a, out, _ := testApp(env)
	if err := a.run(ctx, []string{"ingest"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "22 documents") || !strings.Contains(out.String(), "0 changed, 0 removed") ||
		!strings.Contains(out.String(), fmt.Sprintf("local:v1:%d", knowledge.DefaultLocalDims)) {
		t.Fatalf("first ingest: %s", out.String())
	}
	a, out, _ = testApp(env)
	if err := a.run(ctx, []string{"ingest"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "0 added, 0 changed, 0 removed; 0 vectors computed") {
		t.Fatalf("second ingest changed something: %s", out.String())
	}
	t.Run("a directory replaces the corpus, flags after it", func(t *testing.T) {
		dir := t.TempDir()
		src := "---\nid: tiny\ntitle: Tiny\nversion: 1\nmarkets: [US]\neffective_date: 2026-01-01\n---\n## 1. One\nHello.\n"
		os.WriteFile(filepath.Join(dir, "tiny.md"), []byte(src), 0o644)
		a, out, _ := testApp(env)
		if err := a.run(ctx, []string{"ingest", dir, "--reembed"}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "1 documents, 1 chunks: 1 added") {
			t.Fatalf("got %s", out.String())
		}
	})
	for name, args := range map[string][]string{
		"a missing directory":     {"ingest", filepath.Join(t.TempDir(), "nope")},
		"an unknown embedder":     {"ingest", "--embedder", "magic"},
		"two directories":         {"ingest", "a", "b"},
		"an OpenAI unknown model": {"ingest", "--embedder", "openai"},
	} {
		t.Run(name+" is an error", func(t *testing.T) {
			env := map[string]string{"DATABASE_URL": env["DATABASE_URL"], "SETTLE_EMBEDDING_MODEL": "no-such-model"}
			a, _, _ := testApp(env)
			if err := a.run(ctx, args); err == nil {
				t.Fatal("want an error")
			}
		})
	}
	t.Run("help", func(t *testing.T) {
		a, out, _ := testApp(nil)
		if err := a.run(ctx, []string{"ingest", "--help"}); err != nil && !errors.Is(err, flag.ErrHelp) {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "--reembed") {
			t.Fatal(out.String())
		}
	})
}

// serveKnowledge runs the whole binary in-process on an ingested database
// and returns its base URL and a staff token.
func serveKnowledge(t *testing.T) (string, string) {
	t.Helper()
	env := migrated(t)
	env["SETTLE_ADDR"] = "127.0.0.1:0"
	ctx, cancel := context.WithCancel(context.Background())
	for _, args := range [][]string{{"ingest"}, {"staff", "add", "--email", "ana@lender.test", "--role", "agent", "--password", "long-enough-pw"}} {
		a, _, _ := testApp(env)
		if err := a.run(ctx, args); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	a, _, errOut := testApp(env)
	addr := make(chan string, 1)
	a.listening = func(s string) { addr <- s }
	done := make(chan error, 1)
	go func() { done <- a.run(ctx, []string{"serve"}) }()
	t.Cleanup(func() { cancel(); <-done })
	var base string
	select {
	case s := <-addr:
		base = "http://" + s
	case err := <-done:
		t.Fatalf("serve exited: %v\n%s", err, errOut.String())
	}
	res, err := http.Post(base+"/v1/staff/login", "application/json", strings.NewReader(`{"email":"ana@lender.test","password":"long-enough-pw"}`))
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("login: %v %v", err, res)
	}
	defer res.Body.Close()
	var login struct{ Token string }
	json.NewDecoder(res.Body).Decode(&login)
	return base, login.Token
}

func get(t *testing.T, u, token string) (int, http.Header, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, body
}

func TestKnowledgeSearchHTTP(t *testing.T) {
	base, token := serveKnowledge(t)
	search := func(params url.Values) string { return base + "/v1/knowledge/search?" + params.Encode() }

	status, _, body := get(t, search(url.Values{"q": {"I was charged twice for the same order"}, "market": {"UK"}, "k": {"3"}}), token)
	var got struct {
		Results []struct{ Document, Section, SectionID, URL, Snippet, HeadingPath string }
	}
	json.Unmarshal(body, &got)
	if status != 200 || len(got.Results) != 3 {
		t.Fatalf("%d %s", status, body)
	}
	top := got.Results[0]
	if !strings.HasPrefix(top.Document, "duplicate-charges") || top.URL != "/policies/"+top.Document+"#"+top.Section || top.Snippet == "" {
		t.Fatalf("top result %+v", top)
	}

	tests := []struct {
		name   string
		params url.Values
		token  string
		status int
		field  string
	}{
		{"no credentials", url.Values{"q": {"refund"}}, "", 401, ""},
		{"empty query", url.Values{"q": {""}}, token, 400, "q"},
		{"overlong query", url.Values{"q": {strings.Repeat("a", 1001)}}, token, 400, "q"},
		{"k of 0", url.Values{"q": {"refund"}, "k": {"0"}}, token, 400, "k"},
		{"k of 51", url.Values{"q": {"refund"}, "k": {"51"}}, token, 400, "k"},
		{"k not a number", url.Values{"q": {"refund"}, "k": {"five"}}, token, 400, "k"},
		{"unknown market", url.Values{"q": {"refund"}, "market": {"FR"}}, token, 400, "market"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, body := get(t, search(tt.params), tt.token)
			var e struct {
				Error struct{ Code, Message, Field string }
			}
			json.Unmarshal(body, &e)
			if status != tt.status || e.Error.Field != tt.field || e.Error.Message == "" {
				t.Fatalf("got %d %s, want %d on field %q", status, body, tt.status, tt.field)
			}
		})
	}
}

func TestPolicyPages(t *testing.T) {
	base, _ := serveKnowledge(t)
	status, header, body := get(t, base+"/policies/returns-and-refunds", "")
	page := string(body)
	if status != 200 || !strings.HasPrefix(header.Get("Content-Type"), "text/html") {
		t.Fatalf("%d %s", status, header.Get("Content-Type"))
	}
	for _, want := range []string{
		`<section id="3.2">`, `<h3>3.2 If the pause ends before the refund</h3>`,
		`<section id="2.4">`, `Applies in UK only.`, `<h1>Returns and refunds</h1>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(page, "<!-- markets") || strings.Contains(page, "**") {
		t.Error("markdown markup leaked into the page")
	}
	if status, _, _ := get(t, base+"/policies/no-such-policy", ""); status != 404 {
		t.Fatalf("unknown policy: %d", status)
	}
	status, _, body = get(t, base+"/policies", "")
	if status != 200 || !strings.Contains(string(body), `href="/policies/complaints"`) {
		t.Fatalf("index: %d", status)
	}
}

func TestEvalAndBenchRetrieval(t *testing.T) {
	if testing.Short() {
		t.Skip("builds scratch databases")
	}
	env := migrated(t)
	a, out, _ := testApp(env)
	if err := a.run(context.Background(), []string{"eval", "retrieval"}); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"vector", "full-text", "hybrid"} {
		if !strings.Contains(out.String(), "\n"+mode+" ") {
			t.Fatalf("no %s row:\n%s", mode, out.String())
		}
	}
	a, out, _ = testApp(env)
	if err := a.run(context.Background(), []string{"bench", "retrieval", "--chunks", "1000", "--json"}); err != nil {
		t.Fatal(err)
	}
	var figs []Figure
	if err := json.Unmarshal([]byte(out.String()), &figs); err != nil {
		t.Fatalf("not JSON: %s", out.String())
	}
	names := map[string]bool{}
	for _, f := range figs {
		names[f.Name] = f.Value > 0 && f.Baseline > 0
	}
	for _, n := range []string{"hybrid_p50_ms", "hybrid_p95_ms", "hnsw_recall_at_10", "eval_hybrid_recall_at_5"} {
		if !names[n] {
			t.Errorf("figure %s is missing or zero: %s", n, out.String())
		}
	}
}
