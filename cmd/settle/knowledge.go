package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/settlehq/settle/internal/config"
	"github.com/settlehq/settle/knowledge"
)

func (a *app) ingest(ctx context.Context, args []string) error {
	fs := a.flags("ingest", "ingest [dir] [--reembed] [--embedder local|openai]", `Loads the policy corpus into DATABASE_URL: parses every *.md document in dir
(default: the corpus built into this binary, knowledge/policies), chunks it by
section, embeds every chunk, and reports how many chunks were added, changed
and removed. It runs in one transaction and is idempotent: an unchanged
corpus changes nothing.

The embedder is the local one (offline, deterministic) unless SETTLE_AI_ENGINE
is llm, in which case SETTLE_EMBEDDING_MODEL is used through OPENAI_BASE_URL;
--embedder overrides that choice. Search only compares vectors of the
embedder it runs with, so after switching embedders run 'settle ingest
--reembed', which recomputes every vector and drops the other embedders'.`)
	reembed := fs.Bool("reembed", false, "recompute every vector and drop other embedders' vectors")
	kind := fs.String("embedder", "", "local or openai (default: from SETTLE_AI_ENGINE)")
	dir, err := a.parseWithArg(fs, args)
	if err != nil {
		return err
	}
	cfg, err := config.Load(a.getenv)
	if err != nil {
		return err
	}
	emb, err := newEmbedder(cfg, *kind)
	if err != nil {
		return err
	}
	docs, err := loadCorpus(dir)
	if err != nil {
		return err
	}
	pool, err := a.openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	rep, err := knowledge.NewStore(pool).Ingest(ctx, docs, emb, knowledge.IngestOptions{Reembed: *reembed, Now: a.clock.Now()})
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "ingest: %s\n", rep)
	return nil
}

// parseWithArg parses flags with at most one positional argument, which may
// come before or after them.
func (a *app) parseWithArg(fs *flag.FlagSet, args []string) (string, error) {
	if err := a.parse(fs, args); err != nil {
		return "", err
	}
	rest := fs.Args()
	if len(rest) == 0 {
		return "", nil
	}
	if err := a.parse(fs, rest[1:]); err != nil {
		return "", err
	}
	if len(fs.Args()) > 0 {
		fs.Usage()
		return "", errUsage
	}
	return rest[0], nil
}

// loadCorpus reads the documents in dir, or the built-in corpus for "".
func loadCorpus(dir string) ([]knowledge.Document, error) {
	if dir == "" {
		return knowledge.LoadCorpus(knowledge.Corpus())
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("ingest: %s is not a directory of policy documents", dir)
	}
	return knowledge.LoadCorpus(os.DirFS(dir))
}

// newEmbedder picks the embedder: kind if given, else the OpenAI-compatible
// one when the AI engine is llm, else the local one.
func newEmbedder(cfg config.Config, kind string) (knowledge.Embedder, error) {
	if kind == "" {
		kind = "local"
		if cfg.AIEngine == "llm" {
			kind = "openai"
		}
	}
	switch kind {
	case "local":
		return knowledge.NewLocalEmbedder(knowledge.DefaultLocalDims), nil
	case "openai":
		return knowledge.NewOpenAIEmbedder(knowledge.OpenAIConfig{
			BaseURL: cfg.OpenAIBaseURL, APIKey: cfg.OpenAIAPIKey.Reveal(),
			Model: cfg.EmbeddingModel, Dims: cfg.EmbeddingDims,
		})
	}
	return nil, fmt.Errorf("unknown embedder %q: use local or openai", kind)
}

// retriever is the knowledge search the server offers. An embedder that
// cannot be built (a misconfigured model) is reported by every search
// rather than stopping the server: the rest of Settle does not depend on it.
func (a *app) retriever(cfg config.Config, pool *pgxpool.Pool) *knowledge.Retriever {
	emb, err := newEmbedder(cfg, "")
	if err != nil {
		emb = brokenEmbedder{err: err}
	}
	return knowledge.NewRetriever(knowledge.NewStore(pool), emb)
}

// brokenEmbedder fails every call with the reason it could not be built.
type brokenEmbedder struct{ err error }

func (b brokenEmbedder) Info() knowledge.EmbedderInfo {
	return knowledge.EmbedderInfo{Name: "unconfigured", Version: "0", Dims: 1}
}

func (b brokenEmbedder) EmbedDocuments(context.Context, []string) ([][]float32, error) {
	return nil, b.err
}

func (b brokenEmbedder) EmbedQuery(context.Context, string) ([]float32, error) { return nil, b.err }
