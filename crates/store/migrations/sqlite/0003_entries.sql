-- People who entered a giveaway. `user_id` is the public id (a UUID) used by the API and in
-- published draw pools; the e-mail never leaves the management API.
CREATE TABLE participants (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    giveaway_id    INTEGER NOT NULL REFERENCES giveaways (id),
    user_id        TEXT    NOT NULL,
    email          TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    country        TEXT,
    birthday       TEXT,
    ip             TEXT,
    referral_code  TEXT    NOT NULL,
    referred_by    INTEGER,
    -- active, banned, disqualified
    status         TEXT    NOT NULL DEFAULT 'active',
    is_verified    INTEGER NOT NULL DEFAULT 1,
    total_entries  INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL
);
CREATE UNIQUE INDEX participants_email ON participants (giveaway_id, email);
CREATE UNIQUE INDEX participants_user_id ON participants (user_id);
CREATE UNIQUE INDEX participants_referral ON participants (referral_code);
CREATE INDEX participants_created ON participants (giveaway_id, created_at);

-- Each completed entry method (or manual/bonus grant) is one row.
CREATE TABLE entries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    giveaway_id     INTEGER NOT NULL REFERENCES giveaways (id),
    participant_id  INTEGER NOT NULL REFERENCES participants (id),
    entry_method_id INTEGER REFERENCES entry_methods (id),
    method_type     INTEGER NOT NULL,
    amount          INTEGER NOT NULL,
    value           TEXT,
    is_verified     INTEGER NOT NULL DEFAULT 1,
    -- 0 valid; 5 invalidated by a ban (the reference's display_winner = 5)
    display_winner  INTEGER NOT NULL DEFAULT 0,
    country         TEXT,
    created_at      INTEGER NOT NULL
);
CREATE INDEX entries_giveaway ON entries (giveaway_id, created_at);
CREATE INDEX entries_participant ON entries (participant_id);

-- Views of the hosted page or widget; `visitor` is a keyed hash, never an IP address.
CREATE TABLE page_views (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    giveaway_id INTEGER NOT NULL REFERENCES giveaways (id),
    visitor     TEXT    NOT NULL,
    referrer    TEXT,
    country     TEXT,
    created_at  INTEGER NOT NULL
);
CREATE INDEX page_views_giveaway ON page_views (giveaway_id, created_at);
CREATE INDEX page_views_visitor ON page_views (giveaway_id, visitor);
