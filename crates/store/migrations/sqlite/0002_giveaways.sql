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

-- Entry methods configured on a giveaway. `entry_id` numbers them within the giveaway.
-- Removed methods are kept (deleted_at) so that entries made through them keep their meaning.
CREATE TABLE entry_methods (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    giveaway_id             INTEGER NOT NULL REFERENCES giveaways (id),
    entry_id                INTEGER NOT NULL,
    method_type             INTEGER NOT NULL,
    title                   TEXT,
    link                    TEXT,
    amount                  INTEGER NOT NULL,
    required                INTEGER NOT NULL DEFAULT 0,
    daily                   INTEGER NOT NULL DEFAULT 0,
    entry_order             INTEGER NOT NULL,
    entry_level             INTEGER,
    icon_color              TEXT,
    additional_instructions TEXT,
    widget_display          INTEGER NOT NULL DEFAULT 1,
    config                  TEXT,
    created_at              INTEGER NOT NULL,
    deleted_at              INTEGER
);
CREATE INDEX entry_methods_giveaway ON entry_methods (giveaway_id, deleted_at, entry_order);

-- Prizes. `prize_number` is the per-giveaway `prize_id` of the API; archived prizes are kept.
CREATE TABLE prizes (
    id                        INTEGER PRIMARY KEY AUTOINCREMENT,
    giveaway_id               INTEGER NOT NULL REFERENCES giveaways (id),
    prize_number              INTEGER NOT NULL,
    name                      TEXT    NOT NULL,
    value                     TEXT,
    currency                  TEXT    NOT NULL,
    winners_allowed           INTEGER NOT NULL,
    prize_order               INTEGER NOT NULL,
    redemption_switch         INTEGER NOT NULL DEFAULT 0,
    redemption_instructions   TEXT,
    redemption_subject        TEXT,
    redemption_reply_to_email TEXT,
    redemption_reply_to_name  TEXT,
    created_at                INTEGER NOT NULL,
    archived_at               INTEGER
);
CREATE UNIQUE INDEX prizes_number ON prizes (giveaway_id, prize_number);

-- Redemption codes, handed out one per winner in `position` order.
CREATE TABLE prize_codes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    prize_id    INTEGER NOT NULL REFERENCES prizes (id),
    position    INTEGER NOT NULL,
    code        TEXT    NOT NULL,
    winner_id   INTEGER,
    assigned_at INTEGER
);
CREATE INDEX prize_codes_prize ON prize_codes (prize_id, winner_id, position);

-- Milestone rewards.
CREATE TABLE rewards (
    id                         INTEGER PRIMARY KEY AUTOINCREMENT,
    giveaway_id                INTEGER NOT NULL REFERENCES giveaways (id),
    reward_type                INTEGER NOT NULL,
    title                      TEXT    NOT NULL,
    entries_required           INTEGER NOT NULL,
    prize_random_or_guaranteed INTEGER NOT NULL DEFAULT 1,
    coupon_if_coupon_code      INTEGER NOT NULL DEFAULT 1,
    coupon_code                TEXT,
    coupon_directions          TEXT,
    hide_progress              INTEGER NOT NULL DEFAULT 0,
    send_email                 INTEGER NOT NULL DEFAULT 1,
    email_body                 TEXT,
    email_subject              TEXT,
    email_reply_to_email       TEXT,
    email_reply_to_name        TEXT,
    reward_order               INTEGER NOT NULL,
    created_at                 INTEGER NOT NULL,
    deleted_at                 INTEGER
);
CREATE INDEX rewards_giveaway ON rewards (giveaway_id, deleted_at, reward_order);

CREATE TABLE whitelist (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    giveaway_id INTEGER NOT NULL REFERENCES giveaways (id),
    email       TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX whitelist_email ON whitelist (giveaway_id, email);

-- Blocked e-mails, IP addresses and CIDR ranges (`kind`: email, ip, cidr).
CREATE TABLE blacklist (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    giveaway_id INTEGER NOT NULL REFERENCES giveaways (id),
    value       TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX blacklist_value ON blacklist (giveaway_id, value);

-- Winners, random or manual. Removal is recorded, never erased. (participant_id refers to the
-- participants table the entries migration adds.)
CREATE TABLE winners (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    giveaway_id    INTEGER NOT NULL REFERENCES giveaways (id),
    participant_id INTEGER NOT NULL,
    draw_id        INTEGER,
    prize_id       INTEGER REFERENCES prizes (id),
    kind           TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    removed_at     INTEGER
);
CREATE INDEX winners_giveaway ON winners (giveaway_id, removed_at);
CREATE INDEX winners_prize ON winners (prize_id, removed_at);
