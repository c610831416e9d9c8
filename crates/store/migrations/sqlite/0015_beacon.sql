-- The public beacon a draw waits for (docs/draw-protocol-v1.md §3.1). `beacon` is what the
-- giveaway asks for ('none' or 'drand'); `beacon_round` is the round it names, as JSON (chain
-- hash, public key, scheme, genesis time, period, round), fixed once, when it is published (or
-- created, for chat giveaways and /v1 draws): part of its commitment, never changed.
ALTER TABLE giveaways ADD COLUMN beacon TEXT NOT NULL DEFAULT 'none';
ALTER TABLE giveaways ADD COLUMN beacon_round TEXT;
ALTER TABLE chat_giveaways ADD COLUMN beacon_round TEXT;
ALTER TABLE comment_draws ADD COLUMN beacon_round TEXT;
