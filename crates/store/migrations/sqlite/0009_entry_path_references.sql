-- Nothing changes on SQLite: PostgreSQL's 0009 drops the foreign keys of the entry path's rows
-- (a trigger and a row lock per inserted row there); here a check is one index probe, and
-- keeping them lets the contract suite catch any write that would break a reference. The file
-- keeps both backends' migration numbers in step.
SELECT 1;
