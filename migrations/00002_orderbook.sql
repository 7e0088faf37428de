-- The order book: customers, merchants (with hashed API keys), orders with their
-- lines and lifecycle events, and each order's BNPL payment plan as installments.
-- Money is integer minor units throughout.

-- +goose Up
CREATE TABLE customers (
    id          text PRIMARY KEY,           -- the host app's id for the customer (JWT sub)
    name        text NOT NULL DEFAULT '',
    email       text NOT NULL DEFAULT '',
    phone       text NOT NULL DEFAULT '',
    address     text NOT NULL DEFAULT '',
    market      text NOT NULL DEFAULT 'US',
    created_at  timestamptz NOT NULL
);

CREATE TABLE merchants (
    id                    text PRIMARY KEY,
    name                  text NOT NULL,
    market                text NOT NULL DEFAULT 'US',
    -- Disputes at or below this amount (minor units of the order's currency) may be
    -- accepted automatically for customers in good standing; 0 turns that off.
    auto_accept_threshold bigint NOT NULL DEFAULT 0 CHECK (auto_accept_threshold >= 0),
    created_at            timestamptz NOT NULL
);

CREATE TABLE merchant_api_keys (
    key_hash    bytea PRIMARY KEY,          -- SHA-256 of the key; the key itself is shown once
    merchant_id text NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
    prefix      text NOT NULL,              -- first characters, to tell keys apart
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);
CREATE INDEX merchant_api_keys_merchant_idx ON merchant_api_keys (merchant_id);

CREATE TABLE orders (
    id                   text PRIMARY KEY,
    merchant_id          text NOT NULL REFERENCES merchants (id),
    merchant_order_ref   text NOT NULL,
    customer_id          text NOT NULL REFERENCES customers (id),
    market               text NOT NULL,
    currency             text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    shipping_amount      bigint NOT NULL CHECK (shipping_amount >= 0),
    discount_amount      bigint NOT NULL CHECK (discount_amount >= 0),
    captured_amount      bigint NOT NULL CHECK (captured_amount > 0),
    captured_at          timestamptz NOT NULL,
    expected_delivery_by timestamptz,
    payment_plan         text NOT NULL CHECK (payment_plan IN ('pay_in_4', 'pay_in_30', 'pay_now')),
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL,
    CONSTRAINT orders_merchant_ref_key UNIQUE (merchant_id, merchant_order_ref)
);
CREATE INDEX orders_customer_idx ON orders (customer_id, captured_at DESC, id DESC);

CREATE TABLE order_items (
    order_id    text NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    line        integer NOT NULL,
    sku         text NOT NULL,
    name        text NOT NULL,
    quantity    integer NOT NULL CHECK (quantity > 0),
    unit_amount bigint NOT NULL CHECK (unit_amount >= 0),
    PRIMARY KEY (order_id, line)
);

CREATE TABLE order_events (
    id              text PRIMARY KEY,
    order_id        text NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    type            text NOT NULL CHECK (type IN ('shipped', 'delivered', 'return_shipped',
                                                  'return_received', 'refunded', 'cancelled')),
    at              timestamptz NOT NULL,   -- when it happened, per the merchant
    carrier         text NOT NULL DEFAULT '',
    tracking_number text NOT NULL DEFAULT '',
    amount          bigint CHECK (amount > 0),
    received_at     timestamptz NOT NULL    -- when Settle learned of it
);
-- A merchant retrying the same event without an Idempotency-Key must not record it
-- (or refund it) twice.
CREATE UNIQUE INDEX order_events_dedup_key
    ON order_events (order_id, type, at, tracking_number, coalesce(amount, 0));

CREATE TABLE installments (
    order_id        text NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    seq             integer NOT NULL CHECK (seq > 0),
    due_date        date NOT NULL,
    amount          bigint NOT NULL CHECK (amount > 0),
    status          text NOT NULL CHECK (status IN ('scheduled', 'paid', 'paused', 'waived', 'refunded')),
    paid_at         timestamptz,
    -- Part of the installment the merchant refunded: reduces what is due, or comes
    -- back to the customer when already paid. amount itself never changes, so a
    -- plan's installments always sum to the captured amount.
    refunded_amount bigint NOT NULL DEFAULT 0 CHECK (refunded_amount >= 0 AND refunded_amount <= amount),
    late_fee        bigint NOT NULL DEFAULT 0 CHECK (late_fee >= 0),
    PRIMARY KEY (order_id, seq)
);

-- The plan invariant, checked at commit: an order's installments sum exactly to
-- its captured amount.
-- +goose StatementBegin
CREATE FUNCTION check_plan_total() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    oid      text;
    captured bigint;
    planned  bigint;
BEGIN
    IF TG_TABLE_NAME = 'orders' THEN
        oid := NEW.id;
    ELSIF TG_OP = 'DELETE' THEN
        oid := OLD.order_id;
    ELSE
        oid := NEW.order_id;
    END IF;
    SELECT captured_amount INTO captured FROM orders WHERE id = oid;
    IF NOT FOUND THEN
        RETURN NULL;  -- the order itself was deleted
    END IF;
    SELECT coalesce(sum(amount), 0) INTO planned FROM installments WHERE order_id = oid;
    IF planned <> captured THEN
        RAISE EXCEPTION 'payment plan of order % sums to %, captured amount is %', oid, planned, captured
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE CONSTRAINT TRIGGER orders_plan_total AFTER INSERT OR UPDATE OF captured_amount ON orders
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION check_plan_total();
CREATE CONSTRAINT TRIGGER installments_plan_total AFTER INSERT OR UPDATE OR DELETE ON installments
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION check_plan_total();

-- +goose Down
DROP TABLE installments;
DROP TABLE order_events;
DROP TABLE order_items;
DROP TABLE orders;
DROP FUNCTION check_plan_total;
DROP TABLE merchant_api_keys;
DROP TABLE merchants;
DROP TABLE customers;
