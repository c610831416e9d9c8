-- Accounts own brands; brands own keys (and, later, giveaways).
CREATE TABLE accounts (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    email            TEXT    NOT NULL,
    username         TEXT,
    plan             INTEGER NOT NULL,
    payment_platform INTEGER NOT NULL DEFAULT 0,
    rpm_override     INTEGER,
    rpd_override     INTEGER,
    burst_override   INTEGER,
    created_at       INTEGER NOT NULL
);
CREATE UNIQUE INDEX accounts_email ON accounts (email);

CREATE TABLE brands (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    name       TEXT,
    plan       INTEGER NOT NULL,
    active     INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
);
CREATE INDEX brands_account ON brands (account_id);

CREATE TABLE api_keys (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    brand_id   INTEGER NOT NULL REFERENCES brands (id),
    kind       TEXT    NOT NULL,
    key_hash   TEXT    NOT NULL,
    prefix     TEXT    NOT NULL,
    label      TEXT,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE UNIQUE INDEX api_keys_hash ON api_keys (key_hash);
CREATE INDEX api_keys_brand ON api_keys (brand_id);

-- Saved responses for Idempotency-Key retries.
CREATE TABLE idempotency_keys (
    scope        TEXT    NOT NULL,
    idem_key     TEXT    NOT NULL,
    request_hash TEXT    NOT NULL,
    state        TEXT    NOT NULL,
    status       INTEGER,
    content_type TEXT,
    body         BLOB,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (scope, idem_key)
);
CREATE INDEX idempotency_created ON idempotency_keys (created_at);

-- Fixed-window request counters, shared by every server instance on this database.
CREATE TABLE rate_counters (
    bucket       TEXT    NOT NULL,
    window_start INTEGER NOT NULL,
    hits         INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
CREATE INDEX rate_counters_expires ON rate_counters (expires_at);

-- Requests per account per hour, for /v2/account/usage.
CREATE TABLE api_usage (
    account_id INTEGER NOT NULL,
    hour       INTEGER NOT NULL,
    requests   INTEGER NOT NULL,
    PRIMARY KEY (account_id, hour)
);
