//! Saved responses for `Idempotency-Key` retries.

use crate::db::Db;
use crate::error::StoreResult;

/// How long a saved response answers retries.
pub const RETENTION_MS: i64 = 24 * 3_600_000;
/// After this long, a request still marked running is taken to have died with its process,
/// and a retry may run it again.
pub const STALE_RUNNING_MS: i64 = 5 * 60_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavedResponse {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// request_hash, state, status, content_type, body.
type StoredRow = (String, String, Option<i64>, Option<String>, Option<Vec<u8>>);

/// What to do with a request that carries a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Claim {
    /// First time: run it, then save the response with [`Db::idempotency_finish`].
    Run,
    /// Done before with the same request: send this again.
    Replay(SavedResponse),
    /// The same key came with a different request.
    Mismatch,
    /// The first request with this key is still running.
    InFlight,
}

impl Db {
    pub async fn idempotency_claim(
        &self,
        scope: &str,
        key: &str,
        request_hash: &str,
        now_ms: i64,
    ) -> StoreResult<Claim> {
        // An expired record, or one whose runner died, no longer holds the key.
        sqlx::query(
            "DELETE FROM idempotency_keys WHERE scope = $1 AND idem_key = $2 \
             AND (created_at < $3 OR (state = 'running' AND updated_at < $4))",
        )
        .bind(scope)
        .bind(key)
        .bind(now_ms - RETENTION_MS)
        .bind(now_ms - STALE_RUNNING_MS)
        .execute(self.writer())
        .await?;
        let inserted = sqlx::query(
            "INSERT INTO idempotency_keys (scope, idem_key, request_hash, state, created_at, updated_at) \
             VALUES ($1, $2, $3, 'running', $4, $4) ON CONFLICT (scope, idem_key) DO NOTHING",
        )
        .bind(scope)
        .bind(key)
        .bind(request_hash)
        .bind(now_ms)
        .execute(self.writer())
        .await?;
        if inserted.rows_affected() == 1 {
            return Ok(Claim::Run);
        }
        let row: Option<StoredRow> = sqlx::query_as(
            "SELECT request_hash, state, status, content_type, body FROM idempotency_keys \
             WHERE scope = $1 AND idem_key = $2",
        )
        .bind(scope)
        .bind(key)
        .fetch_optional(self.writer())
        .await?;
        Ok(match row {
            // Deleted between our insert and read: the other runner gave up; it is ours now.
            None => Box::pin(self.idempotency_claim(scope, key, request_hash, now_ms)).await?,
            Some((hash, _, _, _, _)) if hash != request_hash => Claim::Mismatch,
            Some((_, state, Some(status), content_type, body)) if state == "done" => Claim::Replay(SavedResponse {
                status: u16::try_from(status).unwrap_or(500),
                content_type,
                body: body.unwrap_or_default(),
            }),
            Some(_) => Claim::InFlight,
        })
    }

    pub async fn idempotency_finish(
        &self,
        scope: &str,
        key: &str,
        response: &SavedResponse,
        now_ms: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE idempotency_keys SET state = 'done', status = $3, content_type = $4, body = $5, \
             updated_at = $6 WHERE scope = $1 AND idem_key = $2",
        )
        .bind(scope)
        .bind(key)
        .bind(i64::from(response.status))
        .bind(&response.content_type)
        .bind(&response.body)
        .bind(now_ms)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// Releases a key whose request failed in a way worth retrying (a 5xx), so the retry runs.
    pub async fn idempotency_release(&self, scope: &str, key: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM idempotency_keys WHERE scope = $1 AND idem_key = $2 AND state = 'running'")
            .bind(scope)
            .bind(key)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    pub async fn purge_idempotency(&self, now_ms: i64) -> StoreResult<u64> {
        let done = sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
            .bind(now_ms - RETENTION_MS)
            .execute(self.writer())
            .await?;
        Ok(done.rows_affected())
    }
}
