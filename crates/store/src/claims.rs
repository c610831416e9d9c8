//! Winners who must claim: the giveaway's claim rules, a win's claim, the forfeit of a win and
//! the audit of its replacement (migration 0016).
//!
//! A forfeit is one conditional `UPDATE … WHERE removed_at IS NULL [AND claim_status = 'pending'
//! AND claim_deadline <= now]` inside a [`WinnersTx`], which holds the giveaway's row lock: of
//! several instances (or a deadline racing a disqualification) exactly one forfeits a win, and
//! only that one goes on to replace it. The audit's unique index on the forfeited win is the
//! second lock on the same door.

use crate::db::Db;
use crate::draws::WinnersTx;
use crate::error::StoreResult;
use crate::events::Subscribers;
use crate::jobs::{NewJob, enqueue_in};
use fairdraw_core::events::EventKind;
use fairdraw_core::time::format_utc;
use serde_json::json;
use sqlx::FromRow;

/// The job that forfeits a win not claimed by its deadline (run at the deadline).
pub const CLAIM_EXPIRE: &str = "winner.claim_expire";

/// A win's claim, with what the claim page shows.
#[derive(Clone, Debug, FromRow)]
pub struct ClaimRow {
    pub winner_id: i64,
    pub giveaway_id: i64,
    pub giveaway_title: String,
    pub claim_config: Option<String>,
    pub user_id: String,
    pub name: String,
    pub claim_status: Option<String>,
    pub claim_deadline: Option<i64>,
    pub claimed_at: Option<i64>,
    pub removed_at: Option<i64>,
    pub prize_name: Option<String>,
}

/// A win just forfeited.
#[derive(Clone, Debug, FromRow)]
pub struct ForfeitedWin {
    pub winner_id: i64,
    pub participant_id: i64,
    pub draw_id: Option<i64>,
    pub prize_id: Option<i64>,
}

/// One replacement, as the audit and the verify page show it.
#[derive(Clone, Debug, FromRow)]
pub struct ReplacementRow {
    pub id: i64,
    pub draw_id: Option<i64>,
    pub old_winner_id: i64,
    pub old_candidate_id: String,
    pub reason: String,
    pub note: Option<String>,
    pub actor: String,
    pub new_winner_id: Option<i64>,
    pub new_candidate_id: Option<String>,
    pub alternate_position: Option<i64>,
    /// The public id and result hash of the new round drawn when no alternate was left.
    pub new_draw_public_id: Option<String>,
    pub new_draw_result_hash: Option<String>,
    pub created_at: i64,
}

/// A replacement to record.
#[derive(Clone, Debug)]
pub struct NewReplacement<'a> {
    pub draw_id: Option<i64>,
    pub old_winner_id: i64,
    pub old_candidate_id: &'a str,
    pub reason: &'a str,
    pub note: Option<&'a str>,
    pub actor: &'a str,
    pub new_winner_id: Option<i64>,
    pub new_candidate_id: Option<&'a str>,
    pub alternate_position: Option<i64>,
    pub new_draw_id: Option<i64>,
}

const REPLACEMENT_COLUMNS: &str = "r.id, r.draw_id, r.old_winner_id, r.old_candidate_id, r.reason, r.note, r.actor, \
     r.new_winner_id, r.new_candidate_id, r.alternate_position, d.public_id AS new_draw_public_id, \
     d.result_hash AS new_draw_result_hash, r.created_at";

impl Db {
    /// The giveaway's claim rules (JSON), `None` when it has none.
    pub async fn claim_config(&self, giveaway_id: i64) -> StoreResult<Option<String>> {
        let row: Option<(Option<String>,)> = sqlx::query_as("SELECT claim_config FROM giveaways WHERE id = $1")
            .bind(giveaway_id)
            .fetch_optional(self.reader())
            .await?;
        Ok(row.and_then(|(c,)| c))
    }

    /// Replaces the giveaway's claim rules.
    pub async fn set_claim_config(&self, giveaway_id: i64, config: Option<&str>) -> StoreResult<()> {
        sqlx::query("UPDATE giveaways SET claim_config = $2 WHERE id = $1")
            .bind(giveaway_id)
            .bind(config)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    /// A win's claim, or `None`.
    pub async fn claim_of(&self, winner_id: i64) -> StoreResult<Option<ClaimRow>> {
        Ok(sqlx::query_as(
            "SELECT w.id AS winner_id, w.giveaway_id, g.title AS giveaway_title, g.claim_config, p.user_id, p.name, \
             w.claim_status, w.claim_deadline, w.claimed_at, w.removed_at, z.name AS prize_name \
             FROM winners w JOIN participants p ON p.id = w.participant_id JOIN giveaways g ON g.id = w.giveaway_id \
             LEFT JOIN prizes z ON z.id = w.prize_id \
             WHERE w.id = $1 AND g.deleted_at IS NULL",
        )
        .bind(winner_id)
        .fetch_optional(self.reader())
        .await?)
    }

    /// Records a claim with its encrypted answers, if the win is still pending and its deadline
    /// has not passed; queues `winner.claimed` with it. Returns whether it was recorded.
    pub async fn record_claim(&self, winner_id: i64, sealed_answers: &[u8], now: i64) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let done: Option<(i64, i64)> = sqlx::query_as(
            "UPDATE winners SET claim_status = 'claimed', claimed_at = $2, claim_answers = $3 \
             WHERE id = $1 AND claim_status = 'pending' AND claim_deadline > $2 AND removed_at IS NULL \
             RETURNING giveaway_id, participant_id",
        )
        .bind(winner_id)
        .bind(now)
        .bind(sealed_answers.to_vec())
        .fetch_optional(&mut *tx)
        .await?;
        let Some((giveaway_id, participant_id)) = done else {
            return Ok(false);
        };
        let (user_id, email, name): (String, String, String) =
            sqlx::query_as("SELECT user_id, email, name FROM participants WHERE id = $1")
                .bind(participant_id)
                .fetch_one(&mut *tx)
                .await?;
        let subs = Subscribers::of_giveaway_in(&mut tx, giveaway_id).await?;
        // The answers are the winner's (an address, a date of birth): no event carries them.
        let data = json!({
            "giveaway_id": giveaway_id,
            "winner_id": winner_id,
            "user_id": user_id,
            "email": email,
            "name": name,
            "claimed_at": format_utc(now),
        });
        subs.emit_in(
            &mut tx,
            EventKind::WinnerClaimed,
            &format!("winner.claimed:{winner_id}"),
            &data,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The stored (sealed) answers of a claim, for the organiser.
    pub async fn claim_answers(&self, giveaway_id: i64, winner_id: i64) -> StoreResult<Option<Vec<u8>>> {
        let row: Option<(Option<Vec<u8>>,)> =
            sqlx::query_as("SELECT claim_answers FROM winners WHERE id = $1 AND giveaway_id = $2")
                .bind(winner_id)
                .bind(giveaway_id)
                .fetch_optional(self.reader())
                .await?;
        Ok(row.and_then(|(a,)| a))
    }

    /// Pending claims whose deadline has passed (a sweep beside the deadline jobs).
    pub async fn due_claims(&self, now: i64, limit: i64) -> StoreResult<Vec<(i64, i64)>> {
        Ok(sqlx::query_as(
            "SELECT w.id, w.giveaway_id FROM winners w JOIN giveaways g ON g.id = w.giveaway_id \
             WHERE w.claim_status = 'pending' AND w.removed_at IS NULL AND w.claim_deadline <= $1 \
               AND g.deleted_at IS NULL ORDER BY w.claim_deadline, w.id LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(self.reader())
        .await?)
    }

    /// The replacements recorded for wins of a draw (and of the rounds drawn to replace them),
    /// oldest first: a giveaway's (`winner_replacements`), or a chat giveaway's or comment
    /// draw's (`result_replacements`, migration 0017, whose ids stand in for the win ids).
    pub async fn replacements_of_draw(&self, draw_id: i64) -> StoreResult<Vec<ReplacementRow>> {
        let sql = format!(
            "SELECT {REPLACEMENT_COLUMNS} FROM winner_replacements r LEFT JOIN draws d ON d.id = r.new_draw_id \
             WHERE r.draw_id = $1 \
             UNION ALL SELECT r.id, r.draw_id, r.old_claim_id, r.old_candidate_id, r.reason, r.note, r.actor, \
             r.new_claim_id, r.new_candidate_id, r.alternate_position, CAST(NULL AS TEXT), CAST(NULL AS TEXT), \
             r.created_at FROM result_replacements r WHERE r.draw_id = $1 \
             ORDER BY 13, 1"
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(draw_id)
            .fetch_all(self.reader())
            .await?)
    }

    /// The replacement that brought a draw about (a new round drawn when the alternates of an
    /// earlier draw ran out): the earlier draw's public id and result hash.
    pub async fn replaced_by_draw(&self, new_draw_id: i64) -> StoreResult<Option<(String, String)>> {
        Ok(sqlx::query_as(
            "SELECT d.public_id, d.result_hash FROM winner_replacements r JOIN winners w ON w.id = r.old_winner_id \
             JOIN draws d ON d.id = w.draw_id WHERE r.new_draw_id = $1 ORDER BY r.id LIMIT 1",
        )
        .bind(new_draw_id)
        .fetch_optional(self.reader())
        .await?)
    }
}

impl WinnersTx {
    /// The giveaway's claim rules (JSON), as of this transaction.
    pub async fn claim_config(&mut self) -> StoreResult<Option<String>> {
        let (c,): (Option<String>,) = sqlx::query_as("SELECT claim_config FROM giveaways WHERE id = $1")
            .bind(self.giveaway_id())
            .fetch_one(self.conn())
            .await?;
        Ok(c)
    }

    /// Makes a new win one that must be claimed by `deadline`, and queues the job that forfeits
    /// it then if it is not.
    pub async fn require_claim(&mut self, winner_id: i64, deadline: i64, now: i64) -> StoreResult<()> {
        sqlx::query("UPDATE winners SET claim_status = 'pending', claim_deadline = $2 WHERE id = $1")
            .bind(winner_id)
            .bind(deadline)
            .execute(self.conn())
            .await?;
        let job = NewJob::new(CLAIM_EXPIRE, json!({ "winner_id": winner_id }))
            .dedupe(format!("{CLAIM_EXPIRE}:{winner_id}"))
            .at(deadline);
        enqueue_in(self.conn(), &job, now).await?;
        Ok(())
    }

    /// A draw's public id and result hash.
    pub async fn draw_public(&mut self, draw_id: i64) -> StoreResult<(String, String)> {
        Ok(sqlx::query_as("SELECT public_id, result_hash FROM draws WHERE id = $1")
            .bind(draw_id)
            .fetch_one(self.conn())
            .await?)
    }

    /// 1 when a prize hands out redemption codes.
    pub async fn prize_gives_codes(&mut self, prize_id: i64) -> StoreResult<i64> {
        let (on,): (i64,) = sqlx::query_as("SELECT redemption_switch FROM prizes WHERE id = $1")
            .bind(prize_id)
            .fetch_one(self.conn())
            .await?;
        Ok(on)
    }

    /// Marks the win that `new_winner_id` took over.
    pub async fn set_replaces(&mut self, new_winner_id: i64, old_winner_id: i64) -> StoreResult<()> {
        sqlx::query("UPDATE winners SET replaces_winner_id = $2 WHERE id = $1")
            .bind(new_winner_id)
            .bind(old_winner_id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Forfeits a current win of this giveaway: `expired` only if it is pending with its
    /// deadline passed, `disqualified` whatever its claim. The win ends (`removed_at`), so its
    /// prize is free again. `None` when there was nothing to forfeit (already claimed, already
    /// forfeited by another instance, not a current win): the caller then does nothing.
    pub async fn forfeit(
        &mut self,
        winner_id: i64,
        reason: fairdraw_core::claims::Forfeit,
        note: Option<&str>,
        now: i64,
    ) -> StoreResult<Option<ForfeitedWin>> {
        let only_due = i64::from(reason == fairdraw_core::claims::Forfeit::Expired);
        Ok(sqlx::query_as(
            "UPDATE winners SET claim_status = $3, removed_at = $4, forfeit_reason = $5 \
             WHERE id = $1 AND giveaway_id = $2 AND removed_at IS NULL \
               AND ($6 = 0 OR (claim_status = 'pending' AND claim_deadline <= $4)) \
             RETURNING id AS winner_id, participant_id, draw_id, prize_id",
        )
        .bind(winner_id)
        .bind(self.giveaway_id())
        .bind(reason.as_str())
        .bind(now)
        .bind(note)
        .bind(only_due)
        .fetch_optional(self.conn())
        .await?)
    }

    /// The draw's alternates (its certificate's extras), in order.
    pub async fn draw_extras(&mut self, draw_id: i64) -> StoreResult<Vec<String>> {
        crate::result_claims::draw_extras_in(self.conn(), draw_id).await
    }

    /// The user ids of everyone who has held a win of this giveaway, whatever became of it.
    pub async fn ever_won(&mut self) -> StoreResult<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT DISTINCT p.user_id FROM winners w JOIN participants p ON p.id = w.participant_id \
             WHERE w.giveaway_id = $1",
        )
        .bind(self.giveaway_id())
        .fetch_all(self.conn())
        .await?;
        Ok(rows.into_iter().map(|(u,)| u).collect())
    }

    /// The candidate id (user id) of a participant.
    pub async fn user_id_of(&mut self, participant_id: i64) -> StoreResult<String> {
        let (u,): (String,) = sqlx::query_as("SELECT user_id FROM participants WHERE id = $1")
            .bind(participant_id)
            .fetch_one(self.conn())
            .await?;
        Ok(u)
    }

    /// Records a replacement in the draw's audit; queues `winner.replaced` (and `winner.expired`
    /// for an expiry) with it.
    pub async fn record_replacement(
        &mut self,
        r: &NewReplacement<'_>,
        data: &serde_json::Value,
        expired: Option<&serde_json::Value>,
        now: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO winner_replacements (giveaway_id, draw_id, old_winner_id, old_candidate_id, reason, note, \
             actor, new_winner_id, new_candidate_id, alternate_position, new_draw_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(self.giveaway_id())
        .bind(r.draw_id)
        .bind(r.old_winner_id)
        .bind(r.old_candidate_id)
        .bind(r.reason)
        .bind(r.note)
        .bind(r.actor)
        .bind(r.new_winner_id)
        .bind(r.new_candidate_id)
        .bind(r.alternate_position)
        .bind(r.new_draw_id)
        .bind(now)
        .execute(self.conn())
        .await?;
        let giveaway_id = self.giveaway_id();
        let subs = Subscribers::of_giveaway_in(self.conn(), giveaway_id).await?;
        if let Some(expired) = expired {
            subs.emit_in(
                self.conn(),
                EventKind::WinnerExpired,
                &format!("winner.expired:{}", r.old_winner_id),
                expired,
                now,
            )
            .await?;
        }
        subs.emit_in(
            self.conn(),
            EventKind::WinnerReplaced,
            &format!("winner.replaced:{}", r.old_winner_id),
            data,
            now,
        )
        .await
    }
}
