-- Knowledge: the policy corpus as last ingested — documents, their numbered
-- sections (what citations point at), the chunks search runs over, and one
-- vector per chunk per embedder.

-- +goose Up
CREATE TABLE knowledge_documents (
    id             text PRIMARY KEY,            -- the file name without .md
    title          text NOT NULL,
    version        text NOT NULL,
    markets        text[] NOT NULL,
    effective_date date NOT NULL,
    source         text NOT NULL,               -- the markdown, rendered at /policies/{id}
    source_hash    text NOT NULL,               -- unchanged hash: nothing to write on re-ingest
    ingested_at    timestamptz NOT NULL
);

CREATE TABLE knowledge_sections (
    document_id  text NOT NULL REFERENCES knowledge_documents (id) ON DELETE CASCADE,
    number       text NOT NULL,                 -- "3.2": cited as <document_id>#<number>
    title        text NOT NULL,
    heading_path text NOT NULL,
    markets      text[] NOT NULL,               -- its tag, its parent's, or the document's markets
    body         text NOT NULL,
    position     integer NOT NULL,              -- order in the document
    PRIMARY KEY (document_id, number)
);

-- A chunk's id includes a hash of everything stored with it, so a chunk never
-- changes in place: an edit is a new id, and re-ingesting an unchanged corpus
-- writes nothing.
CREATE TABLE knowledge_chunks (
    id           text PRIMARY KEY,              -- <document>#<section>:<part>:<content hash>
    document_id  text NOT NULL,
    section      text NOT NULL,
    part         integer NOT NULL,
    title        text NOT NULL,                 -- the document's
    heading_path text NOT NULL,
    body         text NOT NULL,
    markets      text[] NOT NULL,
    concepts     text NOT NULL,                 -- lexicon concepts as search terms (knowledge/lexicon.go)
    -- The heading path names what a section is about, so a match there
    -- outranks one in passing in the body; concepts let a paraphrase match
    -- (queries carry their concepts too), weighed below the words themselves.
    tsv          tsvector NOT NULL GENERATED ALWAYS AS (
                     setweight(to_tsvector('english', heading_path), 'A') ||
                     setweight(to_tsvector('english', body), 'B') ||
                     setweight(to_tsvector('english', concepts), 'C')) STORED,
    FOREIGN KEY (document_id, section) REFERENCES knowledge_sections (document_id, number) ON DELETE CASCADE,
    CONSTRAINT knowledge_chunks_slot_key UNIQUE (document_id, section, part)
);
CREATE INDEX knowledge_chunks_tsv_idx ON knowledge_chunks USING gin (tsv);

-- How many chunks each full-text lexeme occurs in, and how many chunks there
-- are: the inverse document frequencies full-text ranking weighs terms by
-- (PostgreSQL's ts_rank alone counts "payment" as much as "ombudsman").
-- Rewritten by every ingest that changes chunks.
CREATE TABLE knowledge_lexemes (
    lexeme text PRIMARY KEY,
    ndoc   integer NOT NULL
);
CREATE TABLE knowledge_corpus (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    chunks    integer NOT NULL
);

-- Every embedder that has vectors here. model holds what an embedder learned
-- from the corpus (the local embedder's IDF and length pivot); queries are
-- embedded with the stored model so they are weighed like the chunks.
CREATE TABLE knowledge_embedders (
    key        text PRIMARY KEY,                -- name:version:dims, e.g. local:v1:1024
    name       text NOT NULL,
    version    text NOT NULL,
    dims       integer NOT NULL CHECK (dims BETWEEN 1 AND 2000),
    model      bytea,
    model_hash text NOT NULL DEFAULT '',
    updated_at timestamptz NOT NULL
);

-- Vectors of every embedder share one table; the column has no fixed
-- dimension so a 1024-dimension local vector and a 1536-dimension OpenAI one
-- can both be stored. An HNSW index needs a fixed dimension, so each
-- embedder gets its own partial expression index, created by ingest when
-- the embedder first appears:
--   CREATE INDEX ... USING hnsw ((embedding::vector(1024)) vector_cosine_ops)
--       WHERE embedder = 'local:v1:1024'
-- and searches repeat that expression and predicate so the planner uses it.
-- markets is copied from the chunk (it never changes: a change is a new
-- chunk id) so a market filter needs no join inside the index scan.
CREATE TABLE knowledge_vectors (
    embedder  text NOT NULL REFERENCES knowledge_embedders (key) ON DELETE CASCADE,
    chunk_id  text NOT NULL REFERENCES knowledge_chunks (id) ON DELETE CASCADE,
    markets   text[] NOT NULL,
    embedding vector NOT NULL,
    PRIMARY KEY (embedder, chunk_id)
);
CREATE INDEX knowledge_vectors_chunk_idx ON knowledge_vectors (chunk_id);

-- +goose Down
DROP TABLE knowledge_vectors;
DROP TABLE knowledge_embedders;
DROP TABLE knowledge_corpus;
DROP TABLE knowledge_lexemes;
DROP TABLE knowledge_chunks;
DROP TABLE knowledge_sections;
DROP TABLE knowledge_documents;
