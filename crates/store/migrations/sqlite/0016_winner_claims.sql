-- Winners who must claim (issue 15). A giveaway may require its winners to claim within a
-- deadline; a winner who does not, or is disqualified, is replaced by the next alternate of the
-- same draw in the certificate's pre-committed order, and every replacement is recorded.

-- The giveaway's claim rules (JSON, see fairdraw_core::claims::ClaimConfig); NULL: winners need
-- not claim.
ALTER TABLE giveaways ADD COLUMN claim_config TEXT;

-- A winner's claim: NULL status for a win that needs no claim; else pending, claimed, expired or
-- disqualified. The answers are encrypted (XChaCha20-Poly1305, nonce ‖ ciphertext), never
-- stored in clear. `replaces_winner_id` names the win this one took over.
ALTER TABLE winners ADD COLUMN claim_status TEXT;
ALTER TABLE winners ADD COLUMN claim_deadline INTEGER;
ALTER TABLE winners ADD COLUMN claimed_at INTEGER;
ALTER TABLE winners ADD COLUMN claim_answers BLOB;
ALTER TABLE winners ADD COLUMN replaces_winner_id INTEGER;
ALTER TABLE winners ADD COLUMN forfeit_reason TEXT;

-- The audit of replacements: who was replaced, by whom (an alternate of the same draw, at its
-- position in the certificate's extras, or the winner of a new round when none was left), why,
-- when, and who decided. One row per forfeited win: the unique index makes a second replacement
-- of the same win impossible, whatever instance tries.
CREATE TABLE winner_replacements (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    giveaway_id       INTEGER NOT NULL REFERENCES giveaways (id),
    -- The draw whose alternates were used (the draw of the forfeited win; NULL for a manual win).
    draw_id           INTEGER REFERENCES draws (id),
    old_winner_id     INTEGER NOT NULL REFERENCES winners (id),
    old_candidate_id  TEXT    NOT NULL,
    -- expired or disqualified.
    reason            TEXT    NOT NULL,
    -- The organiser's reason for a disqualification.
    note              TEXT,
    -- scheduler, or api_key:{id} for an organiser's call.
    actor             TEXT    NOT NULL,
    new_winner_id     INTEGER REFERENCES winners (id),
    new_candidate_id  TEXT,
    -- 0-based position in the draw's extras; NULL when a new round was drawn.
    alternate_position INTEGER,
    -- The new round drawn when the alternates ran out.
    new_draw_id       INTEGER REFERENCES draws (id),
    created_at        INTEGER NOT NULL
);
CREATE UNIQUE INDEX winner_replacements_old ON winner_replacements (old_winner_id);
CREATE INDEX winner_replacements_draw ON winner_replacements (draw_id, id);

-- The scheduler's sweep of claims past their deadline reads only pending ones.
CREATE INDEX winners_claim_due ON winners (claim_deadline) WHERE claim_status = 'pending' AND removed_at IS NULL;
