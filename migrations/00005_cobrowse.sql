-- Cobrowse: single-use WebSocket tickets, the privacy policy in force, sessions
-- with their consent receipts, join codes, and hash-chained recordings.
--
-- Cobrowse keeps no foreign key into the disputes schema (DESIGN.md §2: the
-- packages never depend on each other); a dispute's session names it by id.

-- +goose Up

-- Browsers cannot set headers on a WebSocket: they trade their credentials for
-- a ticket (valid 30 s, single use) and connect with ?ticket=. Only a hash is
-- stored, bound to the caller who asked for it.
CREATE TABLE ws_tickets (
    ticket_hash    bytea PRIMARY KEY,
    principal_kind text NOT NULL CHECK (principal_kind IN ('customer', 'staff', 'merchant')),
    principal_id   text NOT NULL,
    role           text NOT NULL DEFAULT '',
    email          text NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL,
    expires_at     timestamptz NOT NULL
);
CREATE INDEX ws_tickets_expires_idx ON ws_tickets (expires_at);

-- What an agent may see of the customer's app. The newest row is in force; a
-- session keeps the version it started under, and its consent receipts name it.
CREATE TABLE cobrowse_policies (
    version            text PRIMARY KEY,
    seq                bigint GENERATED ALWAYS AS IDENTITY,  -- the highest is in force
    unredact_selectors text[] NOT NULL DEFAULT '{}',
    secret_selectors   text[] NOT NULL DEFAULT '{}',
    created_by         text NOT NULL,
    created_at         timestamptz NOT NULL
);
-- Nothing is allowlisted but elements marked data-settle-unredact (built into
-- the gate and the SDK).
INSERT INTO cobrowse_policies (version, created_by, created_at) VALUES ('default-1', 'migration', now());

CREATE TABLE cobrowse_sessions (
    id                     text PRIMARY KEY,
    origin                 text NOT NULL CHECK (origin IN ('dispute', 'code')),
    dispute_id             text,
    customer_id            text NOT NULL,
    agent_id               text NOT NULL REFERENCES staff (id),
    status                 text NOT NULL CHECK (status IN ('requested', 'awaiting_consent', 'active', 'ended')),
    requested_capabilities text[] NOT NULL,
    capabilities           text[] NOT NULL DEFAULT '{}',   -- granted now; empty until consent
    policy_version         text NOT NULL REFERENCES cobrowse_policies (version),
    created_at             timestamptz NOT NULL,
    delivered_at           timestamptz,                     -- the customer was asked
    consented_at           timestamptz,                     -- first grant
    ended_at               timestamptz,
    end_reason             text NOT NULL DEFAULT '',
    ended_by               text NOT NULL DEFAULT '',        -- customer | agent | system
    last_activity_at       timestamptz NOT NULL,            -- consent or the latest recorded customer event
    -- The recording's hash chain: the latest chunk's hash and how many chunks
    -- there are, so a deleted tail chunk is noticed too.
    recording_head         bytea NOT NULL DEFAULT '\x',
    chunk_count            integer NOT NULL DEFAULT 0,
    recording_purged_at    timestamptz,
    version                integer NOT NULL DEFAULT 1,      -- bumped by every state change, so relays apply them in order
    CHECK ((origin = 'dispute') = (dispute_id IS NOT NULL))
);
-- One live session per customer: a second request would ask for consent twice.
CREATE UNIQUE INDEX cobrowse_sessions_one_live_per_customer ON cobrowse_sessions (customer_id) WHERE status <> 'ended';
CREATE INDEX cobrowse_sessions_customer_idx ON cobrowse_sessions (customer_id, created_at DESC);
CREATE INDEX cobrowse_sessions_created_idx ON cobrowse_sessions (created_at DESC);
CREATE INDEX cobrowse_sessions_live_idx ON cobrowse_sessions (status, last_activity_at) WHERE status <> 'ended';
CREATE INDEX cobrowse_sessions_purge_idx ON cobrowse_sessions (ended_at) WHERE recording_purged_at IS NULL;

-- Consent receipts, append-only: every grant, change and refusal.
CREATE TABLE cobrowse_consents (
    id             text PRIMARY KEY,
    seq            bigint GENERATED ALWAYS AS IDENTITY,  -- order, even within one instant
    session_id     text NOT NULL REFERENCES cobrowse_sessions (id),
    customer_id    text NOT NULL,
    granted        boolean NOT NULL,
    capabilities   text[] NOT NULL,
    policy_version text NOT NULL,
    via            text NOT NULL CHECK (via IN ('http', 'websocket')),
    at             timestamptz NOT NULL
);
CREATE INDEX cobrowse_consents_session_idx ON cobrowse_consents (session_id, seq);

-- Join codes a customer reads out to an agent: 6 digits, 10 minutes, single
-- use. Stored hashed; an unused code is unique among unused codes.
CREATE TABLE cobrowse_codes (
    id          text PRIMARY KEY,
    code_hash   bytea NOT NULL,
    customer_id text NOT NULL,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    session_id  text REFERENCES cobrowse_sessions (id)
);
CREATE UNIQUE INDEX cobrowse_codes_unused_key ON cobrowse_codes (code_hash) WHERE used_at IS NULL;
CREATE INDEX cobrowse_codes_expires_idx ON cobrowse_codes (expires_at);

-- Gated events only, in chunks. hash = sha256(prev_hash || int8send(seq) ||
-- events); the first chunk's prev_hash is sha256('settle-cobrowse:' || id).
-- bytea, not json: the exact bytes that were hashed.
CREATE TABLE cobrowse_chunks (
    session_id  text NOT NULL REFERENCES cobrowse_sessions (id),
    seq         integer NOT NULL,
    events      bytea NOT NULL,       -- a JSON array of redacted rrweb events
    event_count integer NOT NULL,
    prev_hash   bytea NOT NULL,
    hash        bytea NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (session_id, seq)
);

-- +goose Down
DROP TABLE cobrowse_chunks;
DROP TABLE cobrowse_codes;
DROP TABLE cobrowse_consents;
DROP TABLE cobrowse_sessions;
DROP TABLE cobrowse_policies;
DROP TABLE ws_tickets;
