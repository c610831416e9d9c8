-- Winners who must claim, on the surfaces whose winners live in a draw's result rather than in
-- `winners` rows: /external chat giveaways and /v1 comment draws (issue 15). Their winners are
-- chat user ids and social handles with no e-mail, so the partner's platform confirms a claim.
-- One row per win: the draw's winners at the draw, and each alternate promoted since.
CREATE TABLE result_claims (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    -- chat (chat_giveaways.id) or comment (comment_draws.id).
    surface            TEXT   NOT NULL,
    owner_id           INTEGER NOT NULL,
    -- The draw whose certificate lists the winner and its alternates.
    draw_id            INTEGER NOT NULL REFERENCES draws (id),
    -- The user id or handle, as the certificate names it.
    candidate_id       TEXT   NOT NULL,
    -- pending, claimed, expired or disqualified.
    status             TEXT   NOT NULL,
    deadline           INTEGER NOT NULL,
    claimed_at         INTEGER,
    ended_at           INTEGER,
    -- The win this one took over, and the alternate's 0-based position in the extras.
    replaces_claim_id  INTEGER REFERENCES result_claims (id),
    alternate_position INTEGER,
    created_at         INTEGER NOT NULL
);
-- Nobody wins the same draw twice, whatever instance promotes them.
CREATE UNIQUE INDEX result_claims_candidate ON result_claims (surface, owner_id, candidate_id);
CREATE INDEX result_claims_owner ON result_claims (surface, owner_id, id);
CREATE INDEX result_claims_due ON result_claims (deadline) WHERE status = 'pending';

-- The audit of their replacements, read with winner_replacements by the verify page. One row
-- per forfeited win (the unique index): a second replacement of it is impossible.
CREATE TABLE result_replacements (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    surface            TEXT   NOT NULL,
    owner_id           INTEGER NOT NULL,
    draw_id            INTEGER NOT NULL REFERENCES draws (id),
    old_claim_id       INTEGER NOT NULL REFERENCES result_claims (id),
    old_candidate_id   TEXT   NOT NULL,
    -- expired or disqualified.
    reason             TEXT   NOT NULL,
    note               TEXT,
    -- scheduler, or api_key:{id} for the partner's call.
    actor              TEXT   NOT NULL,
    new_claim_id       INTEGER REFERENCES result_claims (id),
    new_candidate_id   TEXT,
    alternate_position INTEGER,
    created_at         INTEGER NOT NULL
);
CREATE UNIQUE INDEX result_replacements_old ON result_replacements (old_claim_id);
CREATE INDEX result_replacements_draw ON result_replacements (draw_id, id);

-- A /v1 draw request's claim_deadline_hours (NULL: winners need not claim). Chat giveaways keep
-- theirs in their spec.
ALTER TABLE comment_draws ADD COLUMN claim_deadline_hours INTEGER;
