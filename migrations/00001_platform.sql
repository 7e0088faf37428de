-- Platform: the vector extension every later feature relies on, staff accounts and
-- sessions, merchant API keys, and stored Idempotency-Key responses.

-- +goose Up
CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE staff (
    id            text PRIMARY KEY,
    email         text NOT NULL,
    role          text NOT NULL CHECK (role IN ('agent', 'ops', 'admin')),
    password_hash text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    disabled_at   timestamptz
);
CREATE UNIQUE INDEX staff_email_key ON staff (lower(email));

-- Only a hash of each session token is stored: a leaked table opens no session.
CREATE TABLE staff_sessions (
    token_hash  bytea PRIMARY KEY,
    staff_id    text NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL
);
CREATE INDEX staff_sessions_expires_idx ON staff_sessions (expires_at);

CREATE TABLE idempotency_keys (
    scope        text NOT NULL,            -- who sent it: "merchant:<id>", "customer:<id>", "staff:<id>"
    key          text NOT NULL,
    request_hash bytea NOT NULL,           -- method + path + body
    status       integer,                  -- NULL while the first request is in flight
    content_type text,
    body         bytea,
    created_at   timestamptz NOT NULL,
    locked_at    timestamptz NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE staff_sessions;
DROP TABLE staff;
DROP EXTENSION IF EXISTS vector;
