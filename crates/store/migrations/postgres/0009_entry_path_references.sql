-- The rows an entry writes (its participant, entry rows and token) no longer carry foreign-key
-- constraints on PostgreSQL. Each such constraint is a trigger that runs a query and locks the
-- referenced row once per inserted row; on the public entry path they were 27% of the
-- database's CPU (perf, 2026-12-01), and the giveaway and entry-method rows they locked were
-- shared by every concurrent writer (multixacts). The references still hold by construction:
-- giveaways, entry methods and participants are never deleted (they are closed, soft-deleted
-- or banned), entries and tokens are written with the participant id returned by the
-- participant's insert in the same transaction, and the giveaway id is that of a giveaway read
-- in it. SQLite keeps every constraint (there a check is one index probe), so the contract
-- suite, which runs on both backends, still fails on any write that would break a reference.
ALTER TABLE participants DROP CONSTRAINT participants_giveaway_id_fkey;
ALTER TABLE entries DROP CONSTRAINT entries_giveaway_id_fkey;
ALTER TABLE entries DROP CONSTRAINT entries_participant_id_fkey;
ALTER TABLE entries DROP CONSTRAINT entries_entry_method_id_fkey;
ALTER TABLE participant_tokens DROP CONSTRAINT participant_tokens_participant_id_fkey;
