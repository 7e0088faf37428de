-- Conversations with the chatbot: their dialogue state, and transcripts with
-- card numbers, CVCs, IBANs, emails and phone numbers masked before storage.

-- +goose Up
CREATE TABLE conversations (
    id          text PRIMARY KEY,
    customer_id text NOT NULL REFERENCES customers (id),
    status      text NOT NULL DEFAULT 'bot' CHECK (status IN ('bot', 'agent', 'closed')),
    state       jsonb NOT NULL DEFAULT '{}',
    dispute_id  text REFERENCES disputes (id),
    handoff_id  text,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
CREATE INDEX conversations_customer_idx ON conversations (customer_id, created_at DESC);
CREATE INDEX conversations_dispute_idx ON conversations (dispute_id);
CREATE INDEX conversations_handoff_idx ON conversations (handoff_id);

CREATE TABLE conversation_messages (
    conversation_id text NOT NULL REFERENCES conversations (id),
    seq             integer NOT NULL,
    role            text NOT NULL CHECK (role IN ('customer', 'bot', 'agent', 'system')),
    author          text NOT NULL DEFAULT '',
    text            text NOT NULL,          -- redacted before it is stored
    citations       jsonb NOT NULL DEFAULT '[]',
    quick_replies   jsonb NOT NULL DEFAULT '[]',
    flags           text[] NOT NULL DEFAULT '{}',
    at              timestamptz NOT NULL,
    PRIMARY KEY (conversation_id, seq)
);

-- +goose Down
DROP TABLE conversation_messages;
DROP TABLE conversations;
