-- Events and what delivers them: webhooks with their delivery log, and the marks that make the
-- scheduler announce each giveaway's start and end exactly once.

-- A brand's webhook endpoints. The secret signs every delivery, so it is kept as issued (it is
-- shown to the client only once, at creation). `events` is a JSON array of event names.
CREATE TABLE webhooks (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    brand_id             INTEGER NOT NULL REFERENCES brands (id),
    url                  TEXT    NOT NULL,
    events               TEXT    NOT NULL,
    secret               TEXT    NOT NULL,
    active               INTEGER NOT NULL DEFAULT 1,
    -- Why the webhook was switched off by the server (repeated failures); NULL otherwise.
    disabled_reason      TEXT,
    -- Deliveries in a row that ended failed; reset by a success.
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
);
CREATE INDEX webhooks_brand ON webhooks (brand_id);

-- One row per delivery attempt, kept for the delivery log.
CREATE TABLE webhook_deliveries (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id  INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id    TEXT    NOT NULL,
    event       TEXT    NOT NULL,
    attempt     INTEGER NOT NULL,
    -- NULL when no HTTP answer came (refused, timed out, blocked address).
    http_code   INTEGER,
    success     INTEGER NOT NULL,
    error       TEXT,
    duration_ms INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, id);

-- When the scheduler announced the giveaway live (giveaway.published) and ended
-- (giveaway.expired); each is set once, by whichever instance gets there first.
ALTER TABLE giveaways ADD COLUMN live_announced_at INTEGER;
ALTER TABLE giveaways ADD COLUMN end_announced_at INTEGER;

-- The worker looks up expired leases as well as due jobs.
CREATE INDEX jobs_lease ON jobs (state, locked_until);
