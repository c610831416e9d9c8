-- The public entry endpoint: participant tokens, e-mail verification links, unlocked milestone
-- rewards, and the durable job queue that side effects (e-mails) go through.

-- Durable work, enqueued in the same transaction as the change that causes it and run by a
-- worker. `dedupe_key` keeps a job from being enqueued twice for the same cause.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT    NOT NULL,
    -- JSON
    payload      TEXT    NOT NULL,
    dedupe_key   TEXT    UNIQUE,
    -- pending, running, done, failed
    state        TEXT    NOT NULL DEFAULT 'pending',
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 5,
    run_at       INTEGER NOT NULL,
    locked_until INTEGER,
    locked_by    TEXT,
    last_error   TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX jobs_due ON jobs (state, run_at);

-- Secrets that let a participant act after entering: only their SHA-256 is kept. One is issued
-- at every entry call, so a participant may hold several.
CREATE TABLE participant_tokens (
    token_hash     TEXT    PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants (id),
    created_at     INTEGER NOT NULL
);
CREATE INDEX participant_tokens_participant ON participant_tokens (participant_id);

-- E-mailed verification links (SHA-256 of the token in the link).
CREATE TABLE email_verifications (
    token_hash     TEXT    PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants (id),
    created_at     INTEGER NOT NULL,
    verified_at    INTEGER
);

-- Milestone rewards a participant has unlocked; each at most once.
CREATE TABLE reward_unlocks (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    participant_id INTEGER NOT NULL REFERENCES participants (id),
    reward_id      INTEGER NOT NULL REFERENCES rewards (id),
    unlocked_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX reward_unlocks_pair ON reward_unlocks (participant_id, reward_id);

-- The duplicate-IP rule looks participants up by address.
CREATE INDEX participants_ip ON participants (giveaway_id, ip);
