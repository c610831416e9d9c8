-- Draws (docs/draw-protocol-v1.md): every draw ever made, with the certificate as served and
-- the pool it drew from, frozen, so that anyone can re-run it forever. Rows are never updated
-- or deleted: a winner removed later is recorded on `winners.removed_at`, not here.
CREATE TABLE draws (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    -- `drw_` + 20 lowercase hex: the id in URLs and on the certificate.
    public_id         TEXT    NOT NULL,
    -- NULL for draws that are not a giveaway's (the comment draws of /v1/draws).
    giveaway_id       INTEGER REFERENCES giveaways (id),
    round             INTEGER NOT NULL,
    requested_winners INTEGER NOT NULL,
    requested_extras  INTEGER NOT NULL,
    pool_size         INTEGER NOT NULL,
    total_weight      INTEGER NOT NULL,
    -- Hashes, seeds, signature and key in lowercase hex.
    pool_root         TEXT    NOT NULL,
    pool_hash         TEXT    NOT NULL,
    commitment        TEXT    NOT NULL,
    committed_at      INTEGER,
    server_seed       TEXT    NOT NULL,
    beacon            TEXT    NOT NULL,
    -- JSON arrays of candidate ids, in pick order.
    winners           TEXT    NOT NULL,
    extras            TEXT    NOT NULL,
    draw_seed         TEXT    NOT NULL,
    -- The public verification hash.
    result_hash       TEXT    NOT NULL,
    signature         TEXT    NOT NULL,
    public_key        TEXT    NOT NULL,
    drawn_at          INTEGER NOT NULL,
    -- The whole certificate (JSON) as served.
    certificate       TEXT    NOT NULL
);
CREATE UNIQUE INDEX draws_public_id ON draws (public_id);
CREATE UNIQUE INDEX draws_result_hash ON draws (result_hash);
-- Two draws of one giveaway can never share a round, whatever the race.
CREATE UNIQUE INDEX draws_giveaway_round ON draws (giveaway_id, round);

-- The frozen pool of each draw, in canonical order. `candidate_id` is the public id the
-- protocol hashed (a participant's user_id), never an e-mail address.
CREATE TABLE draw_pool (
    draw_id      INTEGER NOT NULL REFERENCES draws (id),
    position     INTEGER NOT NULL,
    candidate_id TEXT    NOT NULL,
    weight       INTEGER NOT NULL,
    PRIMARY KEY (draw_id, position)
);
CREATE UNIQUE INDEX draw_pool_candidate ON draw_pool (draw_id, candidate_id);

CREATE INDEX winners_draw ON winners (draw_id);
