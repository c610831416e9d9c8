-- The audit trail (crates/core/src/audit.rs): every administrative change of a brand, one entry
-- per change, written in the change's own transaction. Entries are hash-chained per brand and
-- never updated or deleted by the application.

-- Each brand's chain head: the latest entry's seq and hash. An append moves it first, so its row
-- lock (PostgreSQL; SQLite's single writer serialises already) makes appends of one brand take
-- turns, and the unique (brand_id, seq) below refuses a fork whatever happens.
CREATE TABLE audit_heads (
    brand_id INTEGER PRIMARY KEY REFERENCES brands (id),
    seq      INTEGER NOT NULL,
    -- Lowercase hex; 64 zeros before the first entry.
    hash     TEXT   NOT NULL
);

CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    brand_id     INTEGER NOT NULL REFERENCES brands (id),
    -- 1, 2, … per brand, without gaps.
    seq          INTEGER NOT NULL,
    prev_hash    TEXT   NOT NULL,
    hash         TEXT   NOT NULL,
    created_at   INTEGER NOT NULL,
    -- The API key that made the change; NULL for an operator at the command line.
    actor_key_id INTEGER,
    -- e.g. giveaway.created, winners.drawn, participant.erased.
    action       TEXT   NOT NULL,
    giveaway_id  INTEGER,
    -- JSON text, hashed as stored. Ids only: never an e-mail address or other personal data.
    details      TEXT   NOT NULL
);
CREATE UNIQUE INDEX audit_log_chain ON audit_log (brand_id, seq);
CREATE INDEX audit_log_giveaway ON audit_log (brand_id, giveaway_id, seq);
CREATE INDEX audit_log_action ON audit_log (brand_id, action, seq);
