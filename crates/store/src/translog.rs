//! The transparency log's storage: leaves in order and the log's size. A leaf is appended in
//! the transaction that stores its draw ([`append_in`]), after the size row is moved: on
//! PostgreSQL that row's lock makes concurrent draws append one after another, so positions have
//! no gaps and a reader that reads the size first sees every leaf below it.

use crate::db::Db;
use crate::error::StoreResult;
use sqlx::{Any, FromRow, Transaction};

/// One leaf with what a reader of the log needs to find its draw.
#[derive(Clone, Debug, FromRow)]
pub struct LogEntry {
    pub idx: i64,
    pub result_hash: String,
    /// The draw's `drw_…` id.
    pub public_id: String,
    pub appended_at: i64,
}

/// Appends the draw `draw_id` to the log; returns its position.
pub(crate) async fn append_in(
    tx: &mut Transaction<'static, Any>,
    draw_id: i64,
    result_hash: &str,
    now: i64,
) -> StoreResult<i64> {
    let (size,): (i64,) = sqlx::query_as("UPDATE translog_state SET size = size + 1 WHERE id = 1 RETURNING size")
        .fetch_one(&mut **tx)
        .await?;
    let idx = size - 1;
    sqlx::query("INSERT INTO translog_leaves (idx, draw_id, result_hash, appended_at) VALUES ($1, $2, $3, $4)")
        .bind(idx)
        .bind(draw_id)
        .bind(result_hash)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(idx)
}

impl Db {
    /// How many leaves the log has (committed).
    pub async fn log_size(&self) -> StoreResult<i64> {
        let (size,): (i64,) = sqlx::query_as("SELECT size FROM translog_state WHERE id = 1")
            .fetch_one(self.reader())
            .await?;
        Ok(size)
    }

    /// The result hashes of the first `size` leaves, in order.
    pub async fn log_leaves(&self, size: i64) -> StoreResult<Vec<String>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT result_hash FROM translog_leaves WHERE idx < $1 ORDER BY idx")
                .bind(size)
                .fetch_all(self.reader())
                .await?;
        Ok(rows.into_iter().map(|(h,)| h).collect())
    }

    /// The leaves at positions `start..end`, in order.
    pub async fn log_entries(&self, start: i64, end: i64) -> StoreResult<Vec<LogEntry>> {
        Ok(sqlx::query_as(
            "SELECT l.idx, l.result_hash, d.public_id, l.appended_at FROM translog_leaves l \
             JOIN draws d ON d.id = l.draw_id WHERE l.idx >= $1 AND l.idx < $2 ORDER BY l.idx",
        )
        .bind(start)
        .bind(end)
        .fetch_all(self.reader())
        .await?)
    }

    /// The position of the draw whose result hash is `result_hash`, if it is in the log.
    pub async fn log_index_of(&self, result_hash: &str) -> StoreResult<Option<i64>> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT idx FROM translog_leaves WHERE result_hash = $1")
            .bind(result_hash)
            .fetch_optional(self.reader())
            .await?;
        Ok(row.map(|(i,)| i))
    }
}
