//! Winners who must claim on the surfaces whose winners live in a draw's result (`/external`
//! chat giveaways, `/v1` comment draws): one `result_claims` row per win, and the audit of their
//! replacements (migration 0017). The rule that picks a replacement is the one of `/v2`
//! (`fairdraw_core::claims::next_alternate`); this module only stores what it decided.
//!
//! Exactly once: a [`ResultClaimsTx`] holds the owner's row lock (a no-op `UPDATE`, which on
//! PostgreSQL locks the row and on SQLite takes the write lock), and a forfeit is a conditional
//! `UPDATE … WHERE ended_at IS NULL`, so of several instances one forfeits a win and only it
//! promotes an alternate. The unique indexes (one win per candidate and owner, one replacement
//! per forfeited win) are the second lock on the same door.

use crate::db::Db;
use crate::error::StoreResult;
use crate::jobs::{NewJob, enqueue_in};
use fairdraw_core::claims::Forfeit;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::{Any, AnyConnection, FromRow, Transaction};

/// The job that forfeits a result's win not claimed by its deadline: `{"claim_id": …}`.
pub const RESULT_CLAIM_EXPIRE: &str = "result.claim_expire";

/// Whose draw a claim belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimSurface {
    /// An `/external` chat giveaway (`chat_giveaways.id`).
    Chat,
    /// A `/v1` comment draw (`comment_draws.id`).
    Comment,
}

impl ClaimSurface {
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimSurface::Chat => "chat",
            ClaimSurface::Comment => "comment",
        }
    }

    pub fn parse(s: &str) -> Option<ClaimSurface> {
        [ClaimSurface::Chat, ClaimSurface::Comment]
            .into_iter()
            .find(|c| c.as_str() == s)
    }

    /// Locks the owner's row for the transaction.
    fn lock_sql(self) -> &'static str {
        match self {
            ClaimSurface::Chat => "UPDATE chat_giveaways SET updated_at = updated_at WHERE id = $1",
            ClaimSurface::Comment => "UPDATE comment_draws SET status = status WHERE id = $1",
        }
    }
}

/// One win of a result, as stored.
#[derive(Clone, Debug, FromRow)]
pub struct ResultClaimRow {
    pub id: i64,
    pub surface: String,
    pub owner_id: i64,
    pub draw_id: i64,
    pub candidate_id: String,
    /// pending, claimed, expired or disqualified.
    pub status: String,
    pub deadline: i64,
    pub claimed_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub replaces_claim_id: Option<i64>,
    pub alternate_position: Option<i64>,
    pub created_at: i64,
}

const COLUMNS: &str = "id, surface, owner_id, draw_id, candidate_id, status, deadline, claimed_at, ended_at, \
     replaces_claim_id, alternate_position, created_at";

/// A replacement to record.
#[derive(Clone, Debug)]
pub struct NewResultReplacement<'a> {
    pub old: &'a ResultClaimRow,
    pub reason: Forfeit,
    pub note: Option<&'a str>,
    pub actor: &'a str,
    pub new_claim_id: Option<i64>,
    pub new_candidate_id: Option<&'a str>,
    pub alternate_position: Option<i64>,
}

/// Records the draw's winners as wins to claim by `deadline`, and queues the job that forfeits
/// each then if it is not claimed. Inside the transaction that stores the result.
pub async fn require_result_claims_in(
    conn: &mut AnyConnection,
    surface: ClaimSurface,
    owner_id: i64,
    draw_id: i64,
    winners: &[String],
    deadline: i64,
    now: i64,
) -> StoreResult<()> {
    for candidate in winners {
        insert_claim_in(conn, surface, owner_id, draw_id, candidate, None, deadline, now).await?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn insert_claim_in(
    conn: &mut AnyConnection,
    surface: ClaimSurface,
    owner_id: i64,
    draw_id: i64,
    candidate: &str,
    replaces: Option<(i64, i64)>,
    deadline: i64,
    now: i64,
) -> StoreResult<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO result_claims (surface, owner_id, draw_id, candidate_id, status, deadline, \
         replaces_claim_id, alternate_position, created_at) VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7, $8) \
         RETURNING id",
    )
    .bind(surface.as_str())
    .bind(owner_id)
    .bind(draw_id)
    .bind(candidate)
    .bind(deadline)
    .bind(replaces.map(|(id, _)| id))
    .bind(replaces.map(|(_, pos)| pos))
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    let job = NewJob::new(RESULT_CLAIM_EXPIRE, json!({ "claim_id": id }))
        .dedupe(format!("{RESULT_CLAIM_EXPIRE}:{id}"))
        .at(deadline);
    enqueue_in(conn, &job, now).await?;
    Ok(id)
}

/// A draw's alternates (its certificate's extras), in order.
pub(crate) async fn draw_extras_in(conn: &mut AnyConnection, draw_id: i64) -> StoreResult<Vec<String>> {
    let (extras,): (String,) = sqlx::query_as("SELECT extras FROM draws WHERE id = $1")
        .bind(draw_id)
        .fetch_one(conn)
        .await?;
    Ok(serde_json::from_str(&extras).unwrap_or_default())
}

impl Db {
    /// Every win of a result, in the order they were made (the draw's winners first).
    pub async fn result_claims(&self, surface: ClaimSurface, owner_id: i64) -> StoreResult<Vec<ResultClaimRow>> {
        let sql = format!("SELECT {COLUMNS} FROM result_claims WHERE surface = $1 AND owner_id = $2 ORDER BY id");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(surface.as_str())
            .bind(owner_id)
            .fetch_all(self.reader())
            .await?)
    }

    /// One win, by id.
    pub async fn result_claim(&self, id: i64) -> StoreResult<Option<ResultClaimRow>> {
        let sql = format!("SELECT {COLUMNS} FROM result_claims WHERE id = $1");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(self.reader())
            .await?)
    }

    /// Records a claim if the win is still pending and its deadline has not passed, and queues
    /// `jobs` (the partner's notices) with it. Returns the claim, `None` when it could not be.
    pub async fn record_result_claim(
        &self,
        id: i64,
        now: i64,
        jobs: impl FnOnce(&ResultClaimRow) -> Vec<NewJob>,
    ) -> StoreResult<Option<ResultClaimRow>> {
        let mut tx = self.begin_write().await?;
        let sql = format!(
            "UPDATE result_claims SET status = 'claimed', claimed_at = $2 \
             WHERE id = $1 AND status = 'pending' AND deadline > $2 AND ended_at IS NULL RETURNING {COLUMNS}"
        );
        let row: Option<ResultClaimRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        for job in jobs(&row) {
            enqueue_in(&mut tx, &job, now).await?;
        }
        tx.commit().await?;
        Ok(Some(row))
    }

    /// Pending wins whose deadline has passed (the scheduler's sweep beside the deadline jobs).
    pub async fn due_result_claims(&self, now: i64, limit: i64) -> StoreResult<Vec<i64>> {
        let rows: Vec<(i64,)> = sqlx::query_as(
            "SELECT id FROM result_claims WHERE status = 'pending' AND ended_at IS NULL AND deadline <= $1 \
             ORDER BY deadline, id LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(self.reader())
        .await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// Starts a forfeit: locks the owner's row.
    pub async fn begin_result_claims(&self, surface: ClaimSurface, owner_id: i64) -> StoreResult<ResultClaimsTx> {
        let mut tx = self.begin_write().await?;
        sqlx::query(sqlx::AssertSqlSafe(surface.lock_sql()))
            .bind(owner_id)
            .execute(&mut *tx)
            .await?;
        Ok(ResultClaimsTx { tx, surface, owner_id })
    }
}

/// A forfeit and its replacement, under the owner's row lock.
pub struct ResultClaimsTx {
    tx: Transaction<'static, Any>,
    surface: ClaimSurface,
    owner_id: i64,
}

impl ResultClaimsTx {
    /// Forfeits a current win of this owner: `expired` only if it is pending with its deadline
    /// passed, `disqualified` whatever its claim. `None` when there was nothing to forfeit.
    pub async fn forfeit(&mut self, claim_id: i64, reason: Forfeit, now: i64) -> StoreResult<Option<ResultClaimRow>> {
        let only_due = i64::from(reason == Forfeit::Expired);
        let sql = format!(
            "UPDATE result_claims SET status = $4, ended_at = $5 \
             WHERE id = $1 AND surface = $2 AND owner_id = $3 AND ended_at IS NULL \
               AND ($6 = 0 OR (status = 'pending' AND deadline <= $5)) RETURNING {COLUMNS}"
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(claim_id)
            .bind(self.surface.as_str())
            .bind(self.owner_id)
            .bind(reason.as_str())
            .bind(now)
            .bind(only_due)
            .fetch_optional(&mut *self.tx)
            .await?)
    }

    /// Everyone who has held a win of this owner, whatever became of it.
    pub async fn ever_won(&mut self) -> StoreResult<Vec<String>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT candidate_id FROM result_claims WHERE surface = $1 AND owner_id = $2")
                .bind(self.surface.as_str())
                .bind(self.owner_id)
                .fetch_all(&mut *self.tx)
                .await?;
        Ok(rows.into_iter().map(|(c,)| c).collect())
    }

    /// The draw's alternates, in certificate order.
    pub async fn draw_extras(&mut self, draw_id: i64) -> StoreResult<Vec<String>> {
        draw_extras_in(&mut self.tx, draw_id).await
    }

    /// Gives the forfeited win to the alternate at `position`, to claim by `deadline`.
    pub async fn promote(
        &mut self,
        old: &ResultClaimRow,
        candidate: &str,
        position: i64,
        deadline: i64,
        now: i64,
    ) -> StoreResult<i64> {
        insert_claim_in(
            &mut self.tx,
            self.surface,
            self.owner_id,
            old.draw_id,
            candidate,
            Some((old.id, position)),
            deadline,
            now,
        )
        .await
    }

    /// Records the replacement in the draw's audit, with the partner's notices.
    pub async fn record(mut self, r: &NewResultReplacement<'_>, jobs: &[NewJob], now: i64) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO result_replacements (surface, owner_id, draw_id, old_claim_id, old_candidate_id, reason, \
             note, actor, new_claim_id, new_candidate_id, alternate_position, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(self.surface.as_str())
        .bind(self.owner_id)
        .bind(r.old.draw_id)
        .bind(r.old.id)
        .bind(&r.old.candidate_id)
        .bind(r.reason.as_str())
        .bind(r.note)
        .bind(r.actor)
        .bind(r.new_claim_id)
        .bind(r.new_candidate_id)
        .bind(r.alternate_position)
        .bind(now)
        .execute(&mut *self.tx)
        .await?;
        for job in jobs {
            enqueue_in(&mut self.tx, job, now).await?;
        }
        self.tx.commit().await?;
        Ok(())
    }
}
