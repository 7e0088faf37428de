-- Disputes: the dispute itself (with an optimistic-concurrency version), its
-- hash-chained audit log, deadlines as data, decisions and their reviews,
-- handoffs to agents, per-rule switches, and per-market deadline defaults.

-- +goose Up
CREATE TABLE disputes (
    id              text PRIMARY KEY,
    order_id        text NOT NULL REFERENCES orders (id),
    customer_id     text NOT NULL REFERENCES customers (id),
    merchant_id     text NOT NULL REFERENCES merchants (id),
    market          text NOT NULL,
    currency        text NOT NULL,
    reason          text NOT NULL,
    sub_reason      text NOT NULL DEFAULT '',
    description     text NOT NULL DEFAULT '',
    amount          bigint NOT NULL CHECK (amount > 0),   -- disputed amount, minor units
    status          text NOT NULL,
    outcome         text NOT NULL DEFAULT '',             -- customer_favor | merchant_favor | partial | withdrawn
    outcome_amount  bigint NOT NULL DEFAULT 0,
    wants_human     boolean NOT NULL DEFAULT false,
    nlu_confidence  double precision NOT NULL DEFAULT 0,
    paused_at       timestamptz,                          -- when payments were paused, NULL when not paused
    submitted_at    timestamptz,
    closed_at       timestamptz,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    version         integer NOT NULL DEFAULT 1,
    audit_head      bytea NOT NULL DEFAULT '\x'           -- hash of the latest audit event
);
CREATE INDEX disputes_customer_idx ON disputes (customer_id, created_at DESC);
CREATE INDEX disputes_merchant_idx ON disputes (merchant_id, status);
-- One open dispute per order: a second report adds to the first.
CREATE UNIQUE INDEX disputes_one_open_per_order ON disputes (order_id)
    WHERE status NOT IN ('closed_customer_favor', 'closed_merchant_favor', 'resolved_by_merchant', 'withdrawn');

-- Append-only, hash-chained per dispute: hash = sha256(prev_hash || canonical event).
CREATE TABLE dispute_events (
    dispute_id  text NOT NULL REFERENCES disputes (id),
    seq         integer NOT NULL,
    at          timestamptz NOT NULL,
    actor       text NOT NULL,        -- "customer:<id>", "merchant:<id>", "staff:<id>", "system", "rule:<id>@<version>"
    type        text NOT NULL,
    data        json NOT NULL,        -- json, not jsonb: the exact bytes that were hashed
    prev_hash   bytea NOT NULL,
    hash        bytea NOT NULL,
    PRIMARY KEY (dispute_id, seq)
);

CREATE TABLE deadlines (
    id          text PRIMARY KEY,
    dispute_id  text NOT NULL REFERENCES disputes (id),
    kind        text NOT NULL,        -- merchant_response | customer_evidence | decision | appeal
    due_at      timestamptz NOT NULL,
    source      text NOT NULL,        -- where the length came from: "market:US:merchant_response" or "rule:return-delivered@1"
    on_expiry   text NOT NULL,        -- what happens when it passes
    status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'met', 'expired', 'cancelled')),
    created_at  timestamptz NOT NULL,
    resolved_at timestamptz
);
CREATE INDEX deadlines_dispute_idx ON deadlines (dispute_id);
CREATE INDEX deadlines_pending_idx ON deadlines (due_at) WHERE status = 'pending';

-- Per-market policy values as data ops can change without a deploy: deadline
-- lengths in days and thresholds in minor units.
CREATE TABLE market_terms (
    market  text NOT NULL,
    name    text NOT NULL,
    value   bigint NOT NULL CHECK (value > 0),
    PRIMARY KEY (market, name)
);
INSERT INTO market_terms (market, name, value) VALUES
    ('US', 'merchant_response_days', 21), ('US', 'evidence_days', 21), ('US', 'evidence_unauthorized_days', 7),
    ('US', 'appeal_days', 10), ('US', 'filing_window_days', 180), ('US', 'high_amount', 100000),
    ('UK', 'merchant_response_days', 21), ('UK', 'evidence_days', 21), ('UK', 'evidence_unauthorized_days', 7),
    ('UK', 'appeal_days', 10), ('UK', 'filing_window_days', 180), ('UK', 'high_amount', 80000),
    -- late-fees-and-missed-payments#3 and #4: one fee per installment after a grace period
    ('US', 'late_fee', 800), ('US', 'late_fee_grace_days', 10),
    ('UK', 'late_fee', 500), ('UK', 'late_fee_grace_days', 7);

ALTER TABLE customers ADD COLUMN vulnerable boolean NOT NULL DEFAULT false,
                      ADD COLUMN restricted boolean NOT NULL DEFAULT false;

CREATE TABLE decisions (
    id              text PRIMARY KEY,
    seq             bigint GENERATED ALWAYS AS IDENTITY,  -- order of decisions, even within one instant
    dispute_id      text NOT NULL REFERENCES disputes (id),
    decided_by      text NOT NULL CHECK (decided_by IN ('rule', 'agent')),
    rule_id         text NOT NULL DEFAULT '',
    rule_version    text NOT NULL DEFAULT '',
    policy_version  text NOT NULL DEFAULT '',
    agent_id        text NOT NULL DEFAULT '',
    action          text NOT NULL,
    outcome         text NOT NULL DEFAULT '',
    amount          bigint NOT NULL DEFAULT 0,
    citations       text[] NOT NULL DEFAULT '{}',
    input_hash      text NOT NULL DEFAULT '',
    note            text NOT NULL DEFAULT '',
    detail          jsonb NOT NULL DEFAULT '{}',    -- the full decision and the plan effects it applied
    decided_at      timestamptz NOT NULL
);
CREATE INDEX decisions_dispute_idx ON decisions (dispute_id, decided_at);
CREATE INDEX decisions_decided_at_idx ON decisions (decided_at);

CREATE TABLE decision_reviews (
    decision_id text PRIMARY KEY REFERENCES decisions (id),
    verdict     text NOT NULL CHECK (verdict IN ('agree', 'overturn')),
    note        text NOT NULL DEFAULT '',
    reviewer_id text NOT NULL,
    reviewed_at timestamptz NOT NULL
);

-- A handoff is about a dispute, or — when a customer asks for a person before
-- any dispute exists — about a conversation (conversation_id, customer_id).
CREATE TABLE handoffs (
    id              text PRIMARY KEY,
    dispute_id      text REFERENCES disputes (id),
    conversation_id text,
    customer_id     text NOT NULL REFERENCES customers (id),
    reason_category text NOT NULL,
    packet          jsonb NOT NULL,
    status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'claimed', 'closed')),
    deadline_at     timestamptz NOT NULL,
    claimed_by      text NOT NULL DEFAULT '',
    claimed_at      timestamptz,
    created_at      timestamptz NOT NULL,
    closed_at       timestamptz
);
CREATE INDEX handoffs_queue_idx ON handoffs (deadline_at) WHERE status = 'open';
CREATE UNIQUE INDEX handoffs_one_active_per_dispute ON handoffs (dispute_id) WHERE status <> 'closed';
ALTER TABLE handoffs ADD CONSTRAINT handoffs_subject CHECK (dispute_id IS NOT NULL OR conversation_id IS NOT NULL);

CREATE TABLE rule_settings (
    rule_id     text PRIMARY KEY,
    mode        text NOT NULL CHECK (mode IN ('auto', 'propose_only')),
    updated_by  text NOT NULL,
    updated_at  timestamptz NOT NULL
);

CREATE TABLE dispute_evidence (
    id          text PRIMARY KEY,
    dispute_id  text NOT NULL REFERENCES disputes (id),
    party       text NOT NULL CHECK (party IN ('customer', 'merchant')),
    text        text NOT NULL DEFAULT '',
    tracking_number text NOT NULL DEFAULT '',
    attachments jsonb NOT NULL DEFAULT '[]',
    created_at  timestamptz NOT NULL
);
CREATE INDEX dispute_evidence_dispute_idx ON dispute_evidence (dispute_id);

-- A paused installment can never gain a late fee, whatever code path writes it.
-- A fee charged before the dispute may stay on it (late-fees#5.2).
-- +goose StatementBegin
CREATE FUNCTION refuse_fee_while_paused() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'paused' AND NEW.late_fee > OLD.late_fee THEN
        RAISE EXCEPTION 'installment % of order % is paused: no late fee may accrue', NEW.seq, NEW.order_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER installments_no_fee_while_paused BEFORE UPDATE OF late_fee ON installments
    FOR EACH ROW EXECUTE FUNCTION refuse_fee_while_paused();

-- +goose Down
DROP TRIGGER installments_no_fee_while_paused ON installments;
DROP FUNCTION refuse_fee_while_paused;
DROP TABLE dispute_evidence;
DROP TABLE rule_settings;
DROP TABLE handoffs;
DROP TABLE decision_reviews;
DROP TABLE decisions;
DROP TABLE market_terms;
ALTER TABLE customers DROP COLUMN vulnerable, DROP COLUMN restricted;
DROP TABLE deadlines;
DROP TABLE dispute_events;
DROP TABLE disputes;
