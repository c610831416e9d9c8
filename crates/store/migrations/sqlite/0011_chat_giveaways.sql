-- Chat giveaways (/external): created by a partner's chat platform, joined by its users, drawn
-- by the scheduler at their end. Their settings are one JSON document (`spec`, the validated
-- ChatGiveawaySpec); what queries filter or order on is copied into columns.

-- Each brand's secret for signing winner lists and chat-widget links. Kept in clear: the server
-- signs with it (an HMAC key cannot be stored as a hash).
CREATE TABLE external_secrets (
    brand_id   INTEGER PRIMARY KEY REFERENCES brands (id),
    secret     TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);

-- Uploaded images, served at /media/<id>.<ext>.
CREATE TABLE media (
    id           TEXT    PRIMARY KEY,
    brand_id     INTEGER NOT NULL REFERENCES brands (id),
    ext          TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    bytes        BLOB    NOT NULL,
    created_at   INTEGER NOT NULL
);

CREATE TABLE chat_giveaways (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    brand_id           INTEGER NOT NULL REFERENCES brands (id),
    spec               TEXT    NOT NULL,
    start_at           INTEGER NOT NULL,
    end_at             INTEGER NOT NULL,
    max_participants   INTEGER,
    -- NULL while scheduled or live; FINISHED (drawn) or CANCELLED.
    outcome            TEXT,
    cancel_reason      TEXT,
    participants_count INTEGER NOT NULL DEFAULT 0,
    -- The secret seed of the draw, committed to at creation (`commitment`).
    seed               BLOB    NOT NULL,
    commitment         TEXT    NOT NULL,
    committed_at       INTEGER NOT NULL,
    -- Set by the scheduler tick that queued the draw job (exactly one tick claims it).
    draw_queued_at     INTEGER,
    draw_id            INTEGER REFERENCES draws (id),
    draw_public_id     TEXT,
    result_hash        TEXT,
    -- JSON {"winners": [...], "alternates": [...], "participantsCount": n}.
    result             TEXT,
    finished_at        INTEGER,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);
CREATE INDEX chat_giveaways_brand ON chat_giveaways (brand_id, id);
-- The scheduler's look-up: open giveaways whose draw is not queued yet.
CREATE INDEX chat_giveaways_due ON chat_giveaways (end_at) WHERE outcome IS NULL AND draw_queued_at IS NULL;

-- The rooms of each giveaway, for `GET /external/giveaways?roomId=`.
CREATE TABLE chat_giveaway_rooms (
    room_id     TEXT    NOT NULL,
    giveaway_id INTEGER NOT NULL REFERENCES chat_giveaways (id),
    PRIMARY KEY (room_id, giveaway_id)
);

-- Participants, and the profiles of users whose join was refused (`joined` = 0): the widget
-- joins with the profile the partner sent last, and the draw re-checks the latest one.
CREATE TABLE chat_participants (
    giveaway_id        INTEGER NOT NULL REFERENCES chat_giveaways (id),
    user_id            TEXT    NOT NULL,
    room_id            TEXT,
    name               TEXT,
    account_created_at INTEGER,
    message_count      INTEGER,
    -- JSON array of integers.
    badge_ids          TEXT    NOT NULL,
    joined             INTEGER NOT NULL,
    joined_at          INTEGER,
    updated_at         INTEGER NOT NULL,
    PRIMARY KEY (giveaway_id, user_id)
);

-- Every attempt at POSTing a winner list (or a cancellation) to the partner.
CREATE TABLE chat_deliveries (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    giveaway_id INTEGER NOT NULL REFERENCES chat_giveaways (id),
    event       TEXT    NOT NULL,
    attempt     INTEGER NOT NULL,
    http_code   INTEGER,
    success     INTEGER NOT NULL,
    error       TEXT,
    duration_ms INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX chat_deliveries_giveaway ON chat_deliveries (giveaway_id, id);
