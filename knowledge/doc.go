// Package knowledge holds the lender's policy corpus and the retrieval that
// cites it.
//
// The corpus is markdown under policies/ (built into the binary): front
// matter, then numbered sections whose ids — returns-and-refunds#3.2 — are
// what every citation uses; document.go and sections.go parse it strictly,
// because a section that silently goes missing breaks citations. chunk.go
// turns sections into chunks (one per section, split with overlap only when
// long) whose ids hash their content, so an unchanged corpus re-ingests as
// a no-op (ingest*.go).
//
// Search is hybrid (search.go, search_sql.go): a vector ranking from
// pgvector's HNSW index and a PostgreSQL full-text ranking, fused by
// reciprocal rank fusion. Vectors come from an Embedder: the built-in local
// one (embed_local.go: TF-IDF over stemmed words and a domain lexicon of
// concepts, lexicon.go, with IDF learned at ingest) or any OpenAI-compatible
// endpoint (embed_openai.go). Each vector is stored under its embedder's
// key, and vectors of different embedders are never compared. Retriever is
// what the chatbot and the agent console call; http.go serves staff search
// and the public /policies pages that citation URLs point at.
//
// It never imports disputes, chatbot or cobrowse, and it never returns a
// result without the section it came from.
package knowledge
