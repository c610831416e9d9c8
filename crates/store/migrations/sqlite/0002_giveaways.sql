-- Giveaways. Start and end are kept both as the wall-clock text the client sent (in the
-- giveaway's own time zone) and as UTC instants computed from it, which is what status and the
-- scheduler compare against.
CREATE TABLE giveaways (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    brand_id           INTEGER NOT NULL REFERENCES brands (id),
    slug               TEXT    NOT NULL,
    title              TEXT    NOT NULL,
    description        TEXT,
    rules              TEXT,
    start_local        TEXT    NOT NULL,
    end_local          TEXT    NOT NULL,
    time_zone          TEXT    NOT NULL,
    start_at           INTEGER NOT NULL,
    end_at             INTEGER NOT NULL,
    language           TEXT    NOT NULL,
    number_of_winners  INTEGER NOT NULL,
    image_url          TEXT,
    is_draft           INTEGER NOT NULL,
    public_or_private  TEXT    NOT NULL,
    competition_type   TEXT    NOT NULL,
    settings           TEXT    NOT NULL,
    rules_config       TEXT    NOT NULL,
    design             TEXT    NOT NULL,
    email_settings     TEXT    NOT NULL,
    server_seed        BLOB,
    commitment         TEXT,
    committed_at       INTEGER,
    published_at       INTEGER,
    total_entries      INTEGER NOT NULL DEFAULT 0,
    total_participants INTEGER NOT NULL DEFAULT 0,
    total_actions      INTEGER NOT NULL DEFAULT 0,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    deleted_at         INTEGER
);
CREATE UNIQUE INDEX giveaways_slug ON giveaways (slug);
CREATE INDEX giveaways_brand ON giveaways (brand_id, deleted_at);
