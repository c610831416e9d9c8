-- Comment draws on /v1 (the PickAWin-style draws API): uploaded comment files, platform
-- connections, the draws themselves (the protocol's `draws` row holds the certificate; this
-- table holds the request, its progress and its answer), the brand's /v1 webhooks with their
-- one signing secret, and the delivery log.

-- An uploaded comment file. The file itself lives in the data dir (`uploads/<public_id>`),
-- checked once on upload and read again, as a stream, by each draw of `upload://<public_id>`.
CREATE TABLE comment_uploads (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id     TEXT    NOT NULL,
    brand_id      INTEGER NOT NULL REFERENCES brands (id),
    format        TEXT    NOT NULL,
    comment_count INTEGER NOT NULL,
    byte_size     INTEGER NOT NULL,
    sha256        TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX comment_uploads_public_id ON comment_uploads (public_id);

-- A brand's access to a platform's API. The token is never shown again after it is saved.
CREATE TABLE platform_connections (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id    TEXT    NOT NULL,
    brand_id     INTEGER NOT NULL REFERENCES brands (id),
    platform     TEXT    NOT NULL,
    account_id   TEXT,
    access_token TEXT    NOT NULL,
    -- The token's last four characters, so people can tell connections apart.
    token_hint   TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    deleted_at   INTEGER
);
CREATE UNIQUE INDEX platform_connections_public_id ON platform_connections (public_id);
CREATE INDEX platform_connections_brand ON platform_connections (brand_id, platform);

-- One /v1 draw. `serial` numbers an account's draws 1, 2, 3, … so re-draws are visible; the
-- seed is chosen and committed to (`commitment`) when the row is written, before any comment
-- is read. `result` is the documented answer once completed; a failed draw keeps its reason.
CREATE TABLE comment_draws (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id          TEXT    NOT NULL,
    brand_id           INTEGER NOT NULL REFERENCES brands (id),
    account_id         INTEGER NOT NULL REFERENCES accounts (id),
    serial             INTEGER NOT NULL,
    url                TEXT    NOT NULL,
    -- The post the URL names (platform + id), so two spellings of one URL are one post.
    source_key         TEXT    NOT NULL,
    tier               TEXT    NOT NULL,
    winners            INTEGER NOT NULL,
    extras             INTEGER NOT NULL,
    filters            TEXT    NOT NULL,
    webhook_url        TEXT,
    status             TEXT    NOT NULL,
    comments_processed INTEGER NOT NULL DEFAULT 0,
    server_seed        TEXT    NOT NULL,
    commitment         TEXT    NOT NULL,
    error_code         TEXT,
    error_message      TEXT,
    draw_id            INTEGER REFERENCES draws (id),
    result             TEXT,
    price_cents        INTEGER,
    created_at         INTEGER NOT NULL,
    completed_at       INTEGER,
    duration_ms        INTEGER
);
CREATE UNIQUE INDEX comment_draws_public_id ON comment_draws (public_id);
CREATE UNIQUE INDEX comment_draws_serial ON comment_draws (account_id, serial);
CREATE INDEX comment_draws_brand ON comment_draws (brand_id, id);
CREATE INDEX comment_draws_source ON comment_draws (account_id, source_key);
CREATE INDEX comment_draws_usage ON comment_draws (brand_id, status, completed_at);

-- /v1 webhooks (draw.completed, draw.failed), and the brand's one secret that signs every
-- /v1 delivery (`X-PickAWin-Signature`).
CREATE TABLE v1_webhooks (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id  TEXT    NOT NULL,
    brand_id   INTEGER NOT NULL REFERENCES brands (id),
    url        TEXT    NOT NULL,
    events     TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    deleted_at INTEGER
);
CREATE UNIQUE INDEX v1_webhooks_public_id ON v1_webhooks (public_id);
CREATE INDEX v1_webhooks_brand ON v1_webhooks (brand_id);

CREATE TABLE v1_signing_secrets (
    brand_id   INTEGER PRIMARY KEY REFERENCES brands (id),
    secret     TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE v1_deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    comment_draw_id INTEGER NOT NULL REFERENCES comment_draws (id),
    -- NULL for a draw's own webhook_url.
    webhook_id      INTEGER,
    event_id        TEXT    NOT NULL,
    event           TEXT    NOT NULL,
    attempt         INTEGER NOT NULL,
    http_code       INTEGER,
    success         INTEGER NOT NULL,
    error           TEXT,
    duration_ms     INTEGER NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX v1_deliveries_draw ON v1_deliveries (comment_draw_id, id);
