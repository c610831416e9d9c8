-- The transparency log (crates/core/src/translog.rs): every signed draw, appended in order, never
-- changed. `translog_state` holds the size; a draw's transaction moves it and writes its leaf,
-- so the size any reader sees counts only committed leaves, with no gap.
CREATE TABLE translog_state (
    id   INTEGER PRIMARY KEY,
    size INTEGER NOT NULL
);

CREATE TABLE translog_leaves (
    -- 0-based position in the log.
    idx         INTEGER PRIMARY KEY,
    draw_id     INTEGER NOT NULL REFERENCES draws (id),
    -- The leaf's data: the draw's result hash (lowercase hex).
    result_hash TEXT   NOT NULL,
    appended_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX translog_leaves_result_hash ON translog_leaves (result_hash);

-- Draws made before the log existed go first, in the order they were made.
INSERT INTO translog_leaves (idx, draw_id, result_hash, appended_at)
    SELECT ROW_NUMBER() OVER (ORDER BY id) - 1, id, result_hash, drawn_at FROM draws;
INSERT INTO translog_state (id, size) SELECT 1, COUNT(*) FROM translog_leaves;
