//! Draws and winners. A draw is written once, with its frozen pool and its winners, in the
//! transaction that read the pool; it is never updated afterwards. Picking winners of a giveaway
//! goes through [`WinnersTx`], which holds the giveaway's row lock from the first statement to
//! the commit, so concurrent picks on one giveaway run one after the other and each sees the
//! winners the previous one made.
//!
//! Each winner recorded queues, in the same transaction, the winner e-mail (`email.winner`) and
//! the `winner.picked` event; a removal queues `winner.removed`. The event says whether the
//! winner was given a redemption code but never carries the code: webhook payloads travel to
//! third-party tools and their logs, and the code is the winner's, sent to them by e-mail (the
//! winners list of the API does not show codes either).

use crate::audit::{self, AuditEvent};
use crate::db::Db;
use crate::error::{StoreError, StoreResult};
use crate::events::Subscribers;
use crate::jobs::{NewJob, enqueue_in};
use fairdraw_core::events::EventKind;
use fairdraw_core::time::format_utc;
use serde_json::json;
use sqlx::{Any, AnyConnection, AssertSqlSafe, FromRow, Transaction};

/// The job kind of the e-mail to a new winner.
pub const EMAIL_WINNER: &str = "email.winner";

/// Pool rows per multi-row insert: 3 parameters each (3,001 a statement) stays far below both
/// backends' limits.
const POOL_ROWS_PER_INSERT: usize = 1_000;

/// Attempts at claiming a redemption code when concurrent claims keep taking the one aimed at.
const CODE_CLAIM_ATTEMPTS: usize = 20;

macro_rules! draw_columns {
    () => {
        "id, public_id, giveaway_id, round, requested_winners, requested_extras, pool_size, \
         total_weight, pool_root, pool_hash, commitment, committed_at, server_seed, beacon, winners, \
         extras, draw_seed, result_hash, signature, public_key, drawn_at, certificate"
    };
}

/// A stored draw.
#[derive(Clone, Debug, FromRow)]
pub struct DrawRow {
    pub id: i64,
    pub public_id: String,
    pub giveaway_id: Option<i64>,
    pub round: i64,
    pub requested_winners: i64,
    pub requested_extras: i64,
    pub pool_size: i64,
    pub total_weight: i64,
    pub pool_root: String,
    pub pool_hash: String,
    pub commitment: String,
    pub committed_at: Option<i64>,
    pub server_seed: String,
    pub beacon: String,
    /// JSON array of ids.
    pub winners: String,
    /// JSON array of ids.
    pub extras: String,
    pub draw_seed: String,
    pub result_hash: String,
    pub signature: String,
    pub public_key: String,
    pub drawn_at: i64,
    /// The certificate, JSON.
    pub certificate: String,
}

/// A draw to store: every column but the id.
#[derive(Clone, Debug)]
pub struct NewDraw {
    pub public_id: String,
    pub giveaway_id: Option<i64>,
    pub round: i64,
    pub requested_winners: i64,
    pub requested_extras: i64,
    pub pool_size: i64,
    pub total_weight: i64,
    pub pool_root: String,
    pub pool_hash: String,
    pub commitment: String,
    pub committed_at: Option<i64>,
    pub server_seed: String,
    pub beacon: String,
    pub winners: Vec<String>,
    pub extras: Vec<String>,
    pub draw_seed: String,
    pub result_hash: String,
    pub signature: String,
    pub public_key: String,
    pub drawn_at: i64,
    pub certificate: String,
}

/// A participant who may be drawn, with the entries that count.
#[derive(Clone, Debug, FromRow)]
pub struct EligibleRow {
    pub participant_id: i64,
    pub user_id: String,
    /// Total valid, verified entries.
    pub entries: i64,
}

/// Who can be drawn: active, verified participants with at least `min_entries` valid entries
/// (and at least one), minus the current winners when asked.
#[derive(Clone, Copy, Debug)]
pub struct Eligibility {
    pub min_entries: i64,
    pub exclude_current_winners: bool,
    /// Also leave out everyone who ever held a win of the giveaway, forfeited or removed (a
    /// round drawn to replace a forfeited win).
    pub exclude_past_winners: bool,
}

/// What a winner is shown with.
#[derive(Clone, Debug, FromRow)]
pub struct WinnerPerson {
    pub participant_id: i64,
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub country: Option<String>,
}

/// A participant looked up for a manual pick, with their standing.
#[derive(Clone, Debug, FromRow)]
pub struct ParticipantStanding {
    pub participant_id: i64,
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub country: Option<String>,
    /// active, banned or disqualified.
    pub status: String,
    pub is_verified: i64,
    /// Total valid, verified entries.
    pub valid_entries: i64,
    /// 1 when the participant is a current (not removed) winner.
    pub is_winner: i64,
}

/// A prize that can still go to winners, in prize order.
#[derive(Clone, Debug, FromRow)]
pub struct OpenPrize {
    pub id: i64,
    /// How many more winners it can go to.
    pub remaining: i64,
    pub redemption_switch: i64,
}

/// One current winner, as the list shows it.
#[derive(Clone, Debug, FromRow)]
pub struct WinnerRow {
    /// The winners row id: the API's `entry_id`.
    pub id: i64,
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub country: Option<String>,
    /// random or manual.
    pub kind: String,
    pub created_at: i64,
    /// The public id of the draw that picked this winner (random winners only).
    pub draw_public_id: Option<String>,
    pub prize_name: Option<String>,
    pub prize_value: Option<String>,
    /// pending, claimed, expired or disqualified; `None` when no claim was required.
    pub claim_status: Option<String>,
    pub claim_deadline: Option<i64>,
    pub claimed_at: Option<i64>,
    /// The win this one took over (an alternate promoted, or a new round's winner).
    pub replaces_winner_id: Option<i64>,
}

/// How a manual pick names the participant.
#[derive(Clone, Copy, Debug)]
pub enum ParticipantKey<'a> {
    UserId(&'a str),
    /// Lower-cased.
    Email(&'a str),
}

/// A transaction on one giveaway's winners that holds the giveaway's row lock until commit.
/// Dropping it without [`WinnersTx::commit`] rolls everything back.
pub struct WinnersTx {
    tx: Transaction<'static, Any>,
    giveaway_id: i64,
    /// The brand's webhooks, loaded with the first winner.
    subscribers: Option<Subscribers>,
}

/// The draw that picked a winner, as `winner.picked` names it.
#[derive(Clone, Copy, Debug)]
pub struct PickedBy<'a> {
    pub draw_public_id: &'a str,
    pub verify_url: &'a str,
}

impl Db {
    /// Starts a winners transaction on a giveaway that is not deleted, taking its row lock
    /// first (PostgreSQL; SQLite's single writer serialises already).
    pub async fn begin_winners(&self, giveaway_id: i64) -> StoreResult<WinnersTx> {
        let mut tx = self.begin_write().await?;
        let locked = sqlx::query("UPDATE giveaways SET updated_at = updated_at WHERE id = $1 AND deleted_at IS NULL")
            .bind(giveaway_id)
            .execute(&mut *tx)
            .await?;
        if locked.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(WinnersTx {
            tx,
            giveaway_id,
            subscribers: None,
        })
    }
}

impl WinnersTx {
    pub(crate) fn giveaway_id(&self) -> i64 {
        self.giveaway_id
    }

    /// The transaction's connection, for the other modules' statements on these winners.
    pub(crate) fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }

    /// The round of the giveaway's next draw: 0, then 1, 2, …
    pub async fn next_round(&mut self) -> StoreResult<i64> {
        let (next,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(round) + 1, 0) FROM draws WHERE giveaway_id = $1")
            .bind(self.giveaway_id)
            .fetch_one(&mut *self.tx)
            .await?;
        Ok(next)
    }

    /// The participants who may be drawn now, as of this transaction.
    pub async fn eligible(&mut self, e: Eligibility) -> StoreResult<Vec<EligibleRow>> {
        Ok(sqlx::query_as(
            "SELECT p.id AS participant_id, p.user_id, CAST(SUM(e.amount) AS BIGINT) AS entries \
             FROM participants p JOIN entries e ON e.participant_id = p.id \
             WHERE p.giveaway_id = $1 AND p.status = 'active' AND p.is_verified = 1 \
               AND e.display_winner = 0 AND e.is_verified = 1 \
               AND ($3 = 0 OR NOT EXISTS (SELECT 1 FROM winners w WHERE w.giveaway_id = $1 \
                    AND w.participant_id = p.id AND w.removed_at IS NULL)) \
               AND ($4 = 0 OR NOT EXISTS (SELECT 1 FROM winners w WHERE w.giveaway_id = $1 \
                    AND w.participant_id = p.id)) \
             GROUP BY p.id, p.user_id \
             HAVING SUM(e.amount) >= $2",
        )
        .bind(self.giveaway_id)
        .bind(e.min_entries.max(1))
        .bind(i64::from(e.exclude_current_winners))
        .bind(i64::from(e.exclude_past_winners))
        .fetch_all(&mut *self.tx)
        .await?)
    }

    /// Stores a draw and its pool (`(candidate_id, weight)` in canonical order); returns the
    /// draw's row id.
    pub async fn insert_draw(&mut self, d: &NewDraw, pool: &[(&str, i64)]) -> StoreResult<i64> {
        insert_draw_in(&mut self.tx, d, pool).await
    }

    /// The giveaway's active prizes that can still go to a winner, in prize order.
    pub async fn open_prizes(&mut self) -> StoreResult<Vec<OpenPrize>> {
        Ok(sqlx::query_as(
            "SELECT id, remaining, redemption_switch FROM ( \
               SELECT p.id, p.prize_order, p.prize_number, p.redemption_switch, \
                 p.winners_allowed - (SELECT COUNT(*) FROM winners w \
                   WHERE w.prize_id = p.id AND w.removed_at IS NULL) AS remaining \
               FROM prizes p WHERE p.giveaway_id = $1 AND p.archived_at IS NULL) open \
             WHERE remaining > 0 ORDER BY prize_order, prize_number",
        )
        .bind(self.giveaway_id)
        .fetch_all(&mut *self.tx)
        .await?)
    }

    /// Records a winner (`kind` random with its draw, or manual without); returns its row id.
    pub async fn insert_winner(
        &mut self,
        participant_id: i64,
        draw_id: Option<i64>,
        prize_id: Option<i64>,
        kind: &str,
        now: i64,
    ) -> StoreResult<i64> {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO winners (giveaway_id, participant_id, draw_id, prize_id, kind, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(self.giveaway_id)
        .bind(participant_id)
        .bind(draw_id)
        .bind(prize_id)
        .bind(kind)
        .bind(now)
        .fetch_one(&mut *self.tx)
        .await?;
        Ok(id)
    }

    /// Hands the next unassigned redemption code of a prize to a winner; `None` when none is
    /// left. Codes are claimed with a guard, so a claim racing this one (outside the giveaway
    /// lock) cannot take the same code.
    pub async fn claim_code(&mut self, prize_id: i64, winner_id: i64, now: i64) -> StoreResult<Option<String>> {
        for _ in 0..CODE_CLAIM_ATTEMPTS {
            let claimed: Option<(String,)> = sqlx::query_as(
                "UPDATE prize_codes SET winner_id = $2, assigned_at = $3 \
                 WHERE id = (SELECT id FROM prize_codes WHERE prize_id = $1 AND winner_id IS NULL \
                             ORDER BY position LIMIT 1) \
                   AND winner_id IS NULL \
                 RETURNING code",
            )
            .bind(prize_id)
            .bind(winner_id)
            .bind(now)
            .fetch_optional(&mut *self.tx)
            .await?;
            if claimed.is_some() {
                return Ok(claimed.map(|(code,)| code));
            }
            let (left,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM prize_codes WHERE prize_id = $1 AND winner_id IS NULL")
                    .bind(prize_id)
                    .fetch_one(&mut *self.tx)
                    .await?;
            if left == 0 {
                return Ok(None);
            }
        }
        Ok(None)
    }

    /// Name, e-mail and country of the given participants of this giveaway, in any order.
    pub async fn people(&mut self, participant_ids: &[i64]) -> StoreResult<Vec<WinnerPerson>> {
        if participant_ids.is_empty() {
            return Ok(Vec::new());
        }
        // Only generated placeholder numbers go into the text; the ids are bound.
        let sql = format!(
            "SELECT id AS participant_id, user_id, name, email, country FROM participants \
             WHERE giveaway_id = $1 AND id IN ({})",
            crate::multirow::placeholders_from(2, participant_ids.len())
        );
        let mut query = sqlx::query_as(AssertSqlSafe(sql)).bind(self.giveaway_id);
        for id in participant_ids {
            query = query.bind(*id);
        }
        Ok(query.fetch_all(&mut *self.tx).await?)
    }

    /// A participant of this giveaway with their standing, or `None`.
    pub async fn standing(&mut self, key: ParticipantKey<'_>) -> StoreResult<Option<ParticipantStanding>> {
        let (column_is_email, value) = match key {
            ParticipantKey::UserId(v) => (0_i64, v),
            ParticipantKey::Email(v) => (1_i64, v),
        };
        Ok(sqlx::query_as(
            "SELECT p.id AS participant_id, p.user_id, p.name, p.email, p.country, p.status, p.is_verified, \
             CAST(COALESCE((SELECT SUM(e.amount) FROM entries e WHERE e.participant_id = p.id \
               AND e.display_winner = 0 AND e.is_verified = 1), 0) AS BIGINT) AS valid_entries, \
             CAST(CASE WHEN EXISTS (SELECT 1 FROM winners w WHERE w.giveaway_id = p.giveaway_id \
               AND w.participant_id = p.id AND w.removed_at IS NULL) THEN 1 ELSE 0 END AS BIGINT) AS is_winner \
             FROM participants p \
             WHERE p.giveaway_id = $1 AND (($2 = 0 AND p.user_id = $3) OR ($2 = 1 AND p.email = $3))",
        )
        .bind(self.giveaway_id)
        .bind(column_is_email)
        .bind(value)
        .fetch_optional(&mut *self.tx)
        .await?)
    }

    /// Queues what follows a new winner: their e-mail (its handler reads the winner, prize and
    /// code at send time) and the `winner.picked` event. Call after the code is claimed.
    pub async fn announce_winner(&mut self, winner_id: i64, by: Option<PickedBy<'_>>, now: i64) -> StoreResult<()> {
        self.announce_winner_with(winner_id, by, None, now).await
    }

    /// [`WinnersTx::announce_winner`], with `extra` fields merged into `winner.picked` (a claim
    /// deadline, and the claim link when the organiser notifies the winner by webhook).
    pub async fn announce_winner_with(
        &mut self,
        winner_id: i64,
        by: Option<PickedBy<'_>>,
        extra: Option<&serde_json::Value>,
        now: i64,
    ) -> StoreResult<()> {
        let mail = NewJob::new(
            EMAIL_WINNER,
            json!({ "giveaway_id": self.giveaway_id, "winner_id": winner_id }),
        )
        .dedupe(format!("{EMAIL_WINNER}:{winner_id}"));
        enqueue_in(&mut self.tx, &mail, now).await?;
        let subs = match self.subscribers.take() {
            Some(s) => s,
            None => Subscribers::of_giveaway_in(&mut self.tx, self.giveaway_id).await?,
        };
        let result = if subs.wants(EventKind::WinnerPicked) {
            winner_picked_in(&mut self.tx, &subs, winner_id, by, extra, now).await
        } else {
            Ok(())
        };
        self.subscribers = Some(subs);
        result
    }

    /// The brand's audit head as this transaction sees it, for the draw's certificate.
    pub async fn audit_head(&mut self, brand_id: i64) -> StoreResult<fairdraw_core::audit::Head> {
        audit::head_in(&mut self.tx, brand_id).await
    }

    /// Records `event` in the audit trail, in this transaction.
    pub async fn audit(&mut self, event: &AuditEvent, now: i64) -> StoreResult<()> {
        audit::append_in(&mut self.tx, event, now).await?;
        Ok(())
    }

    pub async fn commit(self) -> StoreResult<()> {
        self.tx.commit().await?;
        Ok(())
    }
}

#[derive(FromRow)]
struct PickedWinner {
    giveaway_id: i64,
    user_id: String,
    email: String,
    name: String,
    kind: String,
    prize_id: Option<i64>,
    prize_number: Option<i64>,
    prize_name: Option<String>,
    codes: i64,
}

async fn winner_picked_in(
    conn: &mut AnyConnection,
    subs: &Subscribers,
    winner_id: i64,
    by: Option<PickedBy<'_>>,
    extra: Option<&serde_json::Value>,
    now: i64,
) -> StoreResult<()> {
    let w: PickedWinner = sqlx::query_as(
        "SELECT w.giveaway_id, p.user_id, p.email, p.name, w.kind, z.id AS prize_id, z.prize_number, \
         z.name AS prize_name, \
         CAST((SELECT COUNT(*) FROM prize_codes c WHERE c.winner_id = w.id) AS BIGINT) AS codes \
         FROM winners w JOIN participants p ON p.id = w.participant_id LEFT JOIN prizes z ON z.id = w.prize_id \
         WHERE w.id = $1",
    )
    .bind(winner_id)
    .fetch_one(&mut *conn)
    .await?;
    let prize = match (w.prize_id, w.prize_number, w.prize_name) {
        (Some(id), Some(number), Some(name)) => json!({ "id": id, "prize_id": number, "name": name }),
        _ => serde_json::Value::Null,
    };
    let mut data = json!({
        "giveaway_id": w.giveaway_id,
        "winner_id": winner_id,
        "user_id": w.user_id,
        "email": w.email,
        "name": w.name,
        "selection": w.kind,
        "prize": prize,
        "has_redemption_code": w.codes > 0,
        "draw_id": by.map(|b| b.draw_public_id),
        "verify_url": by.map(|b| b.verify_url),
        "picked_at": format_utc(now),
    });
    if let (Some(obj), Some(serde_json::Value::Object(more))) = (data.as_object_mut(), extra) {
        obj.extend(more.clone());
    }
    subs.emit_in(
        conn,
        EventKind::WinnerPicked,
        &format!("winner.picked:{winner_id}"),
        &data,
        now,
    )
    .await
}

/// Queues `winner.removed` for a winner just removed, when a webhook listens.
pub(crate) async fn winner_removed_in(conn: &mut AnyConnection, winner_id: i64, now: i64) -> StoreResult<()> {
    let (giveaway_id, user_id, email): (i64, String, String) = sqlx::query_as(
        "SELECT w.giveaway_id, p.user_id, p.email FROM winners w JOIN participants p ON p.id = w.participant_id \
         WHERE w.id = $1",
    )
    .bind(winner_id)
    .fetch_one(&mut *conn)
    .await?;
    let subs = Subscribers::of_giveaway_in(&mut *conn, giveaway_id).await?;
    if !subs.wants(EventKind::WinnerRemoved) {
        return Ok(());
    }
    let data = json!({
        "giveaway_id": giveaway_id,
        "winner_id": winner_id,
        "user_id": user_id,
        "email": email,
        "removed_at": format_utc(now),
    });
    subs.emit_in(
        conn,
        EventKind::WinnerRemoved,
        &format!("winner.removed:{winner_id}"),
        &data,
        now,
    )
    .await
}

pub(crate) async fn insert_draw_in(
    tx: &mut Transaction<'static, Any>,
    d: &NewDraw,
    pool: &[(&str, i64)],
) -> StoreResult<i64> {
    let id = insert_draw_row_in(tx, d).await?;
    insert_pool_in(tx, id, pool).await?;
    Ok(id)
}

/// The `draws` row alone (chat giveaways write their large pools their own way).
pub(crate) async fn insert_draw_row_in(tx: &mut Transaction<'static, Any>, d: &NewDraw) -> StoreResult<i64> {
    let json = |ids: &[String]| serde_json::to_string(ids).expect("a list of strings serializes");
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO draws (public_id, giveaway_id, round, requested_winners, requested_extras, pool_size, \
         total_weight, pool_root, pool_hash, commitment, committed_at, server_seed, beacon, winners, extras, \
         draw_seed, result_hash, signature, public_key, drawn_at, certificate) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21) \
         RETURNING id",
    )
    .bind(&d.public_id)
    .bind(d.giveaway_id)
    .bind(d.round)
    .bind(d.requested_winners)
    .bind(d.requested_extras)
    .bind(d.pool_size)
    .bind(d.total_weight)
    .bind(&d.pool_root)
    .bind(&d.pool_hash)
    .bind(&d.commitment)
    .bind(d.committed_at)
    .bind(&d.server_seed)
    .bind(&d.beacon)
    .bind(json(&d.winners))
    .bind(json(&d.extras))
    .bind(&d.draw_seed)
    .bind(&d.result_hash)
    .bind(&d.signature)
    .bind(&d.public_key)
    .bind(d.drawn_at)
    .bind(&d.certificate)
    .fetch_one(&mut **tx)
    .await?;
    // Every signed draw goes into the transparency log with it, whatever surface made it.
    crate::translog::append_in(tx, id, &d.result_hash, d.drawn_at).await?;
    Ok(id)
}

async fn insert_pool_in(tx: &mut Transaction<'static, Any>, id: i64, pool: &[(&str, i64)]) -> StoreResult<()> {
    let mut position = 0_i64;
    for chunk in pool.chunks(POOL_ROWS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO draw_pool (draw_id, position, candidate_id, weight) VALUES {}",
            pool_placeholders(chunk.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(id);
        for (candidate, weight) in chunk {
            query = query.bind(position).bind(*candidate).bind(*weight);
            position += 1;
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// `($1, $2, $3, $4), ($1, $5, $6, $7), …`: the draw id once, then three per row. Generated
/// numbers only, never input.
fn pool_placeholders(rows: usize) -> String {
    (0..rows)
        .map(|r| format!("($1, ${}, ${}, ${})", 3 * r + 2, 3 * r + 3, 3 * r + 4))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Db {
    /// A draw by its result hash (lowercase hex).
    pub async fn draw_by_result_hash(&self, hash: &str) -> StoreResult<DrawRow> {
        let sql = concat!("SELECT ", draw_columns!(), " FROM draws WHERE result_hash = $1");
        Ok(sqlx::query_as(sql).bind(hash).fetch_one(self.reader()).await?)
    }

    /// A draw by its public id (`drw_…`).
    pub async fn draw_by_public_id(&self, public_id: &str) -> StoreResult<DrawRow> {
        let sql = concat!("SELECT ", draw_columns!(), " FROM draws WHERE public_id = $1");
        Ok(sqlx::query_as(sql).bind(public_id).fetch_one(self.reader()).await?)
    }

    /// A draw's frozen pool, `(candidate_id, weight)` in canonical order.
    pub async fn draw_pool(&self, draw_id: i64) -> StoreResult<Vec<(String, i64)>> {
        Ok(
            sqlx::query_as("SELECT candidate_id, weight FROM draw_pool WHERE draw_id = $1 ORDER BY position")
                .bind(draw_id)
                .fetch_all(self.reader())
                .await?,
        )
    }

    /// The ids of a draw's winners whose winner status was removed afterwards, with when, in
    /// order of removal.
    pub async fn removed_draw_winners(&self, draw_id: i64) -> StoreResult<Vec<(String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT p.user_id, w.removed_at FROM winners w JOIN participants p ON p.id = w.participant_id \
             WHERE w.draw_id = $1 AND w.removed_at IS NOT NULL \
               AND (w.claim_status IS NULL OR w.claim_status NOT IN ('expired', 'disqualified')) \
             ORDER BY w.removed_at, w.id",
        )
        .bind(draw_id)
        .fetch_all(self.reader())
        .await?)
    }

    /// The giveaway's current winners, oldest first, and how many there are.
    pub async fn list_winners(&self, giveaway_id: i64, limit: i64, offset: i64) -> StoreResult<(Vec<WinnerRow>, i64)> {
        let rows = sqlx::query_as(
            "SELECT w.id, p.user_id, p.name, p.email, p.country, w.kind, w.created_at, \
             d.public_id AS draw_public_id, z.name AS prize_name, z.value AS prize_value, \
             w.claim_status, w.claim_deadline, w.claimed_at, w.replaces_winner_id \
             FROM winners w JOIN participants p ON p.id = w.participant_id \
             LEFT JOIN draws d ON d.id = w.draw_id LEFT JOIN prizes z ON z.id = w.prize_id \
             WHERE w.giveaway_id = $1 AND (w.removed_at IS NULL OR w.claim_status IN ('expired', 'disqualified')) \
             ORDER BY w.created_at, w.id LIMIT $2 OFFSET $3",
        )
        .bind(giveaway_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(self.reader())
        .await?;
        let (total,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM winners WHERE giveaway_id = $1 \
                 AND (removed_at IS NULL OR claim_status IN ('expired', 'disqualified'))",
        )
        .bind(giveaway_id)
        .fetch_one(self.reader())
        .await?;
        Ok((rows, total))
    }

    /// Records the removal of a current winner (by winners row id) of a giveaway. The row, its
    /// draw and any code it was given stay; its prize is free again, since prize counts are
    /// computed from winners not removed.
    pub async fn remove_winner(
        &self,
        giveaway_id: i64,
        winner_id: i64,
        audit: &AuditEvent,
        now: i64,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let done =
            sqlx::query("UPDATE winners SET removed_at = $3 WHERE giveaway_id = $1 AND id = $2 AND removed_at IS NULL")
                .bind(giveaway_id)
                .bind(winner_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        winner_removed_in(&mut tx, winner_id, now).await?;
        audit::append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_placeholders_share_the_draw_id() {
        assert_eq!(pool_placeholders(1), "($1, $2, $3, $4)");
        assert_eq!(pool_placeholders(2), "($1, $2, $3, $4), ($1, $5, $6, $7)");
    }
}
