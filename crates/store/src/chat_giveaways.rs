//! Chat giveaways (`/external`): their rows, participants, draws and deliveries. The settings
//! are one JSON document (`spec`) that the engine validates; the columns copy what queries need.
//!
//! Joins are written in batches ([`Db::record_chat_joins`]): one transaction takes the
//! giveaway's row lock, reads which of the batch's users are participants already, admits new
//! ones up to `max_participants`, upserts every profile with one statement over a JSON array and
//! moves the counter once.

use crate::db::{Backend, Db};
use crate::draws::{NewDraw, insert_draw_row_in};
use crate::error::{StoreError, StoreResult};
use crate::jobs::{NewJob, enqueue_in};
use crate::multirow::json_rows;
use fairdraw_core::chat::ProfileFields;
use serde::Serialize;
use sqlx::{Any, AssertSqlSafe, FromRow, Transaction};
use std::collections::HashMap;

/// Pool rows per statement when a draw's pool is stored.
const POOL_ROWS_PER_STATEMENT: usize = 20_000;

macro_rules! columns {
    () => {
        "id, brand_id, spec, start_at, end_at, outcome, cancel_reason, participants_count, commitment, \
         committed_at, draw_public_id, result_hash, result, finished_at, created_at, updated_at, beacon_round"
    };
}

/// A stored chat giveaway.
#[derive(Clone, Debug, FromRow)]
pub struct ChatGiveawayRow {
    pub id: i64,
    pub brand_id: i64,
    /// The validated settings, JSON.
    pub spec: String,
    pub start_at: i64,
    pub end_at: i64,
    /// FINISHED or CANCELLED, once it is.
    pub outcome: Option<String>,
    pub cancel_reason: Option<String>,
    pub participants_count: i64,
    pub commitment: String,
    pub committed_at: i64,
    pub draw_public_id: Option<String>,
    pub result_hash: Option<String>,
    /// JSON, once drawn.
    pub result: Option<String>,
    pub finished_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    /// The drand round named at creation (JSON), when the giveaway draws on one.
    pub beacon_round: Option<String>,
}

/// A new chat giveaway.
#[derive(Clone, Debug)]
pub struct NewChatGiveaway<'a> {
    pub brand_id: i64,
    pub spec: String,
    pub start_at: i64,
    pub end_at: i64,
    pub max_participants: Option<i64>,
    pub room_ids: &'a [String],
    pub seed: Vec<u8>,
    pub commitment: String,
    /// The drand round it names (JSON), if any: fixed with the commitment.
    pub beacon_round: Option<String>,
    pub now: i64,
}

/// A listing filter. `status` is one of SOON, LIVE, FINISHED, CANCELLED.
#[derive(Clone, Debug, Default)]
pub struct ChatFilter {
    pub status: Option<&'static str>,
    pub room_id: Option<String>,
}

/// A user's profile as the partner last sent it.
#[derive(Clone, Debug, PartialEq, Eq, FromRow, Serialize)]
pub struct ParticipantRow {
    pub user_id: String,
    pub room_id: Option<String>,
    pub name: Option<String>,
    pub account_created_at: Option<i64>,
    pub message_count: Option<i64>,
    /// JSON array of integers.
    pub badge_ids: String,
    pub joined: i64,
    pub joined_at: Option<i64>,
    pub updated_at: i64,
}

/// What a draw reads of a participant: the id, and the profile fields its rules look at
/// (`None` for those it does not; see [`ChatDrawTx::eligibility`]).
#[derive(Clone, Debug)]
pub struct EligibilityRow {
    pub user_id: String,
    pub room_id: Option<String>,
    pub account_created_at: Option<i64>,
    pub message_count: Option<i64>,
    /// JSON array of integers.
    pub badge_ids: Option<String>,
}

/// One join to write: the profile and whether it passed the giveaway's rules.
#[derive(Clone, Debug)]
pub struct Join {
    pub giveaway_id: i64,
    pub profile: ParticipantRow,
    /// It passed every rule but `maxParticipants` (checked here).
    pub admit: bool,
    pub now: i64,
}

/// How a join went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JoinOutcome {
    /// Now a participant; `new` when they were not one before.
    Joined {
        new: bool,
    },
    /// Refused by a rule (the caller knows which); the profile is stored.
    Refused,
    /// `maxParticipants` was reached; the profile is stored.
    Full {
        max: i64,
    },
    /// Not live (not started, ended, finished or cancelled): nothing written.
    NotLive,
    NotFound,
}

/// The JSON row of the upsert.
#[derive(Serialize)]
struct UpsertRow<'a> {
    u: &'a str,
    r: Option<&'a str>,
    n: Option<&'a str>,
    a: Option<i64>,
    m: Option<i64>,
    b: &'a str,
    j: i64,
    t: i64,
}

#[derive(FromRow)]
struct Lock {
    outcome: Option<String>,
    start_at: i64,
    end_at: i64,
    max_participants: Option<i64>,
}

/// A draw in progress: holds the giveaway's row lock until commit.
pub struct ChatDrawTx {
    tx: Transaction<'static, Any>,
    pub row: ChatGiveawayRow,
    pub seed: Vec<u8>,
    pub draw_queued_at: Option<i64>,
}

impl Db {
    /// The brand's external signing secret, if one was made.
    pub async fn external_secret(&self, brand_id: i64) -> StoreResult<Option<String>> {
        let row: Option<(String,)> = sqlx::query_as("SELECT secret FROM external_secrets WHERE brand_id = $1")
            .bind(brand_id)
            .fetch_optional(self.reader())
            .await?;
        Ok(row.map(|(s,)| s))
    }

    /// Stores `secret` as the brand's secret: only when it has none (`replace` false; returns
    /// whether it was stored), or in place of the current one.
    pub async fn put_external_secret(&self, brand_id: i64, secret: &str, replace: bool, now: i64) -> StoreResult<bool> {
        let sql = if replace {
            "INSERT INTO external_secrets (brand_id, secret, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (brand_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at"
        } else {
            "INSERT INTO external_secrets (brand_id, secret, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (brand_id) DO NOTHING"
        };
        let done = sqlx::query(sql)
            .bind(brand_id)
            .bind(secret)
            .bind(now)
            .execute(self.writer())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    pub async fn insert_media(
        &self,
        id: &str,
        brand_id: i64,
        ext: &str,
        content_type: &str,
        bytes: &[u8],
        now: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO media (id, brand_id, ext, content_type, bytes, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(brand_id)
        .bind(ext)
        .bind(content_type)
        .bind(bytes)
        .bind(now)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// `(ext, content_type, bytes)` of an upload.
    pub async fn media(&self, id: &str) -> StoreResult<(String, String, Vec<u8>)> {
        Ok(
            sqlx::query_as("SELECT ext, content_type, bytes FROM media WHERE id = $1")
                .bind(id)
                .fetch_one(self.reader())
                .await?,
        )
    }

    /// Stores a new giveaway with the job that draws it at its end (`draw_job(id)`), so the
    /// draw starts on time rather than at the scheduler's next pass.
    pub async fn create_chat_giveaway(
        &self,
        g: &NewChatGiveaway<'_>,
        draw_job: impl FnOnce(i64) -> NewJob,
    ) -> StoreResult<i64> {
        let mut tx = self.begin_write().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO chat_giveaways (brand_id, spec, start_at, end_at, max_participants, seed, commitment, \
             committed_at, created_at, updated_at, beacon_round) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $8, $9) \
             RETURNING id",
        )
        .bind(g.brand_id)
        .bind(&g.spec)
        .bind(g.start_at)
        .bind(g.end_at)
        .bind(g.max_participants)
        .bind(&g.seed)
        .bind(&g.commitment)
        .bind(g.now)
        .bind(&g.beacon_round)
        .fetch_one(&mut *tx)
        .await?;
        insert_rooms_in(&mut tx, id, g.room_ids).await?;
        enqueue_in(&mut tx, &draw_job(id), g.now).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn chat_giveaway(&self, id: i64) -> StoreResult<ChatGiveawayRow> {
        Ok(
            sqlx::query_as(concat!("SELECT ", columns!(), " FROM chat_giveaways WHERE id = $1"))
                .bind(id)
                .fetch_one(self.reader())
                .await?,
        )
    }

    /// A brand's chat giveaways, newest first, and how many match.
    pub async fn list_chat_giveaways(
        &self,
        brand_id: i64,
        filter: &ChatFilter,
        now: i64,
        limit: i64,
        offset: i64,
    ) -> StoreResult<(Vec<ChatGiveawayRow>, i64)> {
        let status = match filter.status {
            Some("SOON") => "AND outcome IS NULL AND start_at > $2",
            Some("LIVE") => "AND outcome IS NULL AND start_at <= $2",
            Some("FINISHED") => "AND outcome = 'FINISHED'",
            Some("CANCELLED") => "AND outcome = 'CANCELLED'",
            _ => "",
        };
        let room = if filter.room_id.is_some() {
            "AND id IN (SELECT giveaway_id FROM chat_giveaway_rooms WHERE room_id = $3)"
        } else {
            "AND ($3 IS NULL OR $3 IS NOT NULL)"
        };
        let filter_sql = format!("WHERE brand_id = $1 {status} {room} AND ($2 = $2)");
        let list = format!(
            "SELECT {} FROM chat_giveaways {filter_sql} ORDER BY id DESC LIMIT $4 OFFSET $5",
            columns!()
        );
        let rows = sqlx::query_as(AssertSqlSafe(list))
            .bind(brand_id)
            .bind(now)
            .bind(&filter.room_id)
            .bind(limit)
            .bind(offset)
            .fetch_all(self.reader())
            .await?;
        let count = format!("SELECT COUNT(*) FROM chat_giveaways {filter_sql}");
        let (total,): (i64,) = sqlx::query_as(AssertSqlSafe(count))
            .bind(brand_id)
            .bind(now)
            .bind(&filter.room_id)
            .fetch_one(self.reader())
            .await?;
        Ok((rows, total))
    }

    /// Replaces the settings of a giveaway that is neither finished nor cancelled nor ended
    /// (`now` before its end). `NotFound` otherwise.
    #[allow(clippy::too_many_arguments)]
    pub async fn update_chat_giveaway(
        &self,
        id: i64,
        spec: &str,
        start_at: i64,
        end_at: i64,
        max_participants: Option<i64>,
        room_ids: Option<&[String]>,
        draw_job: &NewJob,
        now: i64,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE chat_giveaways SET spec = $2, start_at = $3, end_at = $4, max_participants = $5, \
             updated_at = $6, draw_queued_at = NULL WHERE id = $1 AND outcome IS NULL AND end_at > $6",
        )
        .bind(id)
        .bind(spec)
        .bind(start_at)
        .bind(end_at)
        .bind(max_participants)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        if let Some(rooms) = room_ids {
            sqlx::query("DELETE FROM chat_giveaway_rooms WHERE giveaway_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            insert_rooms_in(&mut tx, id, rooms).await?;
        }
        // The job for the new end (a job for the old one finds the end moved and does nothing).
        enqueue_in(&mut tx, draw_job, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Marks an open giveaway CANCELLED with `reason`, queuing `job` (the partner's notice) in the
    /// same transaction. `NotFound` when it is finished or cancelled already.
    pub async fn cancel_chat_giveaway(&self, id: i64, reason: &str, job: Option<&NewJob>, now: i64) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE chat_giveaways SET outcome = 'CANCELLED', cancel_reason = $2, finished_at = $3, updated_at = $3 \
             WHERE id = $1 AND outcome IS NULL",
        )
        .bind(id)
        .bind(reason)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        if let Some(job) = job {
            enqueue_in(&mut tx, job, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Writes a batch of joins in one transaction; one outcome per join, in order.
    pub async fn record_chat_joins(&self, joins: &[Join]) -> StoreResult<Vec<JoinOutcome>> {
        let mut outcomes = vec![JoinOutcome::NotFound; joins.len()];
        let mut by_giveaway: HashMap<i64, Vec<usize>> = HashMap::new();
        for (i, j) in joins.iter().enumerate() {
            by_giveaway.entry(j.giveaway_id).or_default().push(i);
        }
        let mut ids: Vec<i64> = by_giveaway.keys().copied().collect();
        // Row locks in id order, as everywhere else.
        ids.sort_unstable();
        let mut tx = self.begin_write().await?;
        for id in ids {
            let members = &by_giveaway[&id];
            let now = members.iter().map(|&i| joins[i].now).max().unwrap_or(0);
            let lock: Option<Lock> = sqlx::query_as(
                "UPDATE chat_giveaways SET updated_at = updated_at WHERE id = $1 \
                 RETURNING outcome, start_at, end_at, max_participants",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(lock) = lock else { continue };
            if lock.outcome.is_some() || now < lock.start_at || now >= lock.end_at {
                for &i in members {
                    outcomes[i] = JoinOutcome::NotLive;
                }
                continue;
            }
            let (count,): (i64,) = sqlx::query_as("SELECT participants_count FROM chat_giveaways WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            // Who of the batch is a participant already.
            let users: Vec<serde_json::Value> = members
                .iter()
                .map(|&i| serde_json::json!({ "u": joins[i].profile.user_id }))
                .collect();
            let sql = format!(
                // An IN over the batch lets both databases probe the primary key per user; a
                // join on the JSON expression made SQLite scan the participants per user.
                "SELECT p.user_id, p.joined FROM chat_participants p WHERE p.giveaway_id = $2 \
                 AND p.user_id IN (SELECT j.value ->> 'u' FROM {})",
                json_rows(&tx)
            );
            let existing: Vec<(String, i64)> = sqlx::query_as(AssertSqlSafe(sql))
                .bind(serde_json::Value::Array(users).to_string())
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
            let mut joined: HashMap<&str, bool> = existing.iter().map(|(u, j)| (u.as_str(), *j == 1)).collect();
            let mut added = 0_i64;
            // The last profile of each user in the batch is the one stored.
            let mut last: HashMap<&str, (usize, i64)> = HashMap::new();
            for &i in members {
                let j = &joins[i];
                let user = j.profile.user_id.as_str();
                let was = joined.get(user).copied().unwrap_or(false);
                outcomes[i] = if was {
                    if j.admit {
                        JoinOutcome::Joined { new: false }
                    } else {
                        JoinOutcome::Refused
                    }
                } else if !j.admit {
                    JoinOutcome::Refused
                } else if lock.max_participants.is_some_and(|max| count + added >= max) {
                    JoinOutcome::Full {
                        max: lock.max_participants.unwrap_or(0),
                    }
                } else {
                    added += 1;
                    joined.insert(user, true);
                    JoinOutcome::Joined { new: true }
                };
                let flag = i64::from(joined.get(user).copied().unwrap_or(false));
                last.insert(user, (i, flag));
            }
            let mut rows: Vec<(usize, i64)> = last.into_values().collect();
            rows.sort_unstable();
            let upserts: Vec<UpsertRow> = rows
                .iter()
                .map(|&(i, flag)| {
                    let p = &joins[i].profile;
                    UpsertRow {
                        u: &p.user_id,
                        r: p.room_id.as_deref(),
                        n: p.name.as_deref(),
                        a: p.account_created_at,
                        m: p.message_count,
                        b: &p.badge_ids,
                        j: flag,
                        t: joins[i].now,
                    }
                })
                .collect();
            let sql = format!(
                "INSERT INTO chat_participants (giveaway_id, user_id, room_id, name, account_created_at, \
                 message_count, badge_ids, joined, joined_at, updated_at) \
                 SELECT $2, j.value ->> 'u', j.value ->> 'r', j.value ->> 'n', CAST(j.value ->> 'a' AS BIGINT), \
                 CAST(j.value ->> 'm' AS BIGINT), j.value ->> 'b', CAST(j.value ->> 'j' AS BIGINT), \
                 CASE WHEN CAST(j.value ->> 'j' AS BIGINT) = 1 THEN CAST(j.value ->> 't' AS BIGINT) END, \
                 CAST(j.value ->> 't' AS BIGINT) FROM {} WHERE 1 = 1 \
                 ON CONFLICT (giveaway_id, user_id) DO UPDATE SET room_id = excluded.room_id, \
                 name = excluded.name, account_created_at = excluded.account_created_at, \
                 message_count = excluded.message_count, badge_ids = excluded.badge_ids, \
                 joined = excluded.joined, \
                 joined_at = COALESCE(chat_participants.joined_at, excluded.joined_at), \
                 updated_at = excluded.updated_at",
                json_rows(&tx)
            );
            sqlx::query(AssertSqlSafe(sql))
                .bind(serde_json::to_string(&upserts).map_err(|e| StoreError::Config(e.to_string()))?)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            if added > 0 {
                sqlx::query("UPDATE chat_giveaways SET participants_count = participants_count + $2 WHERE id = $1")
                    .bind(id)
                    .bind(added)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(outcomes)
    }

    /// A user's stored profile in a giveaway (participant or not).
    pub async fn chat_profile(&self, giveaway_id: i64, user_id: &str) -> StoreResult<Option<ParticipantRow>> {
        Ok(sqlx::query_as(
            "SELECT user_id, room_id, name, account_created_at, message_count, badge_ids, joined, joined_at, \
             updated_at FROM chat_participants WHERE giveaway_id = $1 AND user_id = $2",
        )
        .bind(giveaway_id)
        .bind(user_id)
        .fetch_optional(self.reader())
        .await?)
    }

    /// A page of participants, by user id.
    pub async fn list_chat_participants(
        &self,
        giveaway_id: i64,
        limit: i64,
        offset: i64,
    ) -> StoreResult<Vec<ParticipantRow>> {
        Ok(sqlx::query_as(
            "SELECT user_id, room_id, name, account_created_at, message_count, badge_ids, joined, joined_at, \
             updated_at FROM chat_participants WHERE giveaway_id = $1 AND joined = 1 \
             ORDER BY user_id LIMIT $2 OFFSET $3",
        )
        .bind(giveaway_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(self.reader())
        .await?)
    }

    /// Removes a participant of an open giveaway. `NotFound` when they are not one.
    pub async fn delete_chat_participant(&self, giveaway_id: i64, user_id: &str, now: i64) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let open = sqlx::query("UPDATE chat_giveaways SET updated_at = $2 WHERE id = $1 AND outcome IS NULL")
            .bind(giveaway_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        if open.rows_affected() == 0 {
            return Err(StoreError::Conflict("chat_giveaways.outcome".to_owned()));
        }
        let gone = sqlx::query("DELETE FROM chat_participants WHERE giveaway_id = $1 AND user_id = $2 AND joined = 1")
            .bind(giveaway_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if gone.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("UPDATE chat_giveaways SET participants_count = participants_count - 1 WHERE id = $1")
            .bind(giveaway_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Claims up to `limit` open giveaways whose end has passed and whose draw is not queued,
    /// and queues `job(id, end_at)` for each, in one transaction: of several instances exactly
    /// one claims each (see `scheduler.rs` for the statement's shape).
    pub async fn queue_due_chat_draws(
        &self,
        now: i64,
        limit: i64,
        job: impl Fn(i64, i64) -> NewJob,
    ) -> StoreResult<Vec<i64>> {
        let lock = match self.backend() {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE chat_giveaways SET draw_queued_at = $1 WHERE id IN (SELECT id FROM chat_giveaways \
             WHERE outcome IS NULL AND draw_queued_at IS NULL AND end_at <= $1 ORDER BY end_at, id LIMIT $2{lock}) \
             AND draw_queued_at IS NULL RETURNING id, end_at"
        );
        let mut tx = self.begin_write().await?;
        let rows: Vec<(i64, i64)> = sqlx::query_as(AssertSqlSafe(sql))
            .bind(now)
            .bind(limit)
            .fetch_all(&mut *tx)
            .await?;
        for (id, end_at) in &rows {
            enqueue_in(&mut tx, &job(*id, *end_at), now).await?;
        }
        tx.commit().await?;
        Ok(rows.into_iter().map(|(id, _)| id).collect())
    }

    /// Starts a draw: locks the giveaway's row and reads it with its seed.
    pub async fn begin_chat_draw(&self, id: i64) -> StoreResult<ChatDrawTx> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE chat_giveaways SET updated_at = updated_at WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let row: ChatGiveawayRow = sqlx::query_as(concat!("SELECT ", columns!(), " FROM chat_giveaways WHERE id = $1"))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        let (seed, draw_queued_at): (Vec<u8>, Option<i64>) =
            sqlx::query_as("SELECT seed, draw_queued_at FROM chat_giveaways WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        Ok(ChatDrawTx {
            tx,
            row,
            seed,
            draw_queued_at,
        })
    }
}

impl ChatDrawTx {
    /// Every participant's user id with the latest values of the profile fields the rules read
    /// (`fields`); the others come back empty. A draw reads a million of these: the database
    /// folds them into one JSON array (one row, built in C), since decoding a million rows one by
    /// one through the driver took seconds. Names are left to [`ChatDrawTx::people`].
    pub async fn eligibility(&mut self, fields: ProfileFields) -> StoreResult<Vec<EligibilityRow>> {
        let pick = |read: bool, column: &str, ty: &str| {
            if read {
                column.to_owned()
            } else {
                format!("CAST(NULL AS {ty})")
            }
        };
        let (aggregate, array) = match Backend::of(&self.tx) {
            Backend::Sqlite => ("json_group_array", "json_array"),
            Backend::Postgres => ("json_agg", "json_build_array"),
        };
        let sql = format!(
            "SELECT CAST({aggregate}({array}(user_id, {}, {}, {}, {})) AS TEXT) \
             FROM chat_participants WHERE giveaway_id = $1 AND joined = 1",
            pick(fields.room, "room_id", "TEXT"),
            pick(fields.account_age, "account_created_at", "BIGINT"),
            pick(fields.messages, "message_count", "BIGINT"),
            pick(fields.badges, "badge_ids", "TEXT"),
        );
        let (json,): (Option<String>,) = sqlx::query_as(AssertSqlSafe(sql))
            .bind(self.row.id)
            .fetch_one(&mut *self.tx)
            .await?;
        let Some(json) = json else {
            return Ok(Vec::new()); // PostgreSQL's json_agg of no rows
        };
        type Row = (String, Option<String>, Option<i64>, Option<i64>, Option<String>);
        let rows: Vec<Row> = serde_json::from_str(&json)
            .map_err(|e| StoreError::Config(format!("reading the participants back: {e}")))?;
        Ok(rows
            .into_iter()
            .map(
                |(user_id, room_id, account_created_at, message_count, badge_ids)| EligibilityRow {
                    user_id,
                    room_id,
                    account_created_at,
                    message_count,
                    badge_ids,
                },
            )
            .collect())
    }

    /// The room and name of each of `user_ids` that is a participant (the winners and
    /// alternates a notice names), by user id.
    pub async fn people(&mut self, user_ids: &[String]) -> StoreResult<Vec<(String, Option<String>, Option<String>)>> {
        let mut found = Vec::with_capacity(user_ids.len());
        for user in user_ids {
            let row: Option<(String, Option<String>, Option<String>)> = sqlx::query_as(
                "SELECT user_id, room_id, name FROM chat_participants WHERE giveaway_id = $1 AND user_id = $2",
            )
            .bind(self.row.id)
            .bind(user)
            .fetch_optional(&mut *self.tx)
            .await?;
            found.extend(row);
        }
        Ok(found)
    }

    /// The end moved past `now` after the draw was queued: un-queue it, the scheduler will
    /// queue it again at the new end.
    pub async fn requeue_later(mut self) -> StoreResult<()> {
        sqlx::query("UPDATE chat_giveaways SET draw_queued_at = NULL WHERE id = $1")
            .bind(self.row.id)
            .execute(&mut *self.tx)
            .await?;
        self.tx.commit().await?;
        Ok(())
    }

    /// Stores the draw, its pool (`(user_id, 1)` in canonical order), the result, the winners'
    /// claims when they must claim (`(winners, deadline)`), and the partner's notice; marks the
    /// giveaway FINISHED.
    pub async fn finish(
        mut self,
        draw: &NewDraw,
        pool: &[&str],
        result: &str,
        claims: Option<(&[String], i64)>,
        job: Option<&NewJob>,
        now: i64,
    ) -> StoreResult<()> {
        let draw_id = insert_draw_row_in(&mut self.tx, draw).await?;
        // Winners who must claim (migration 0017): each win pending until `deadline`.
        if let Some((winners, deadline)) = claims {
            crate::result_claims::require_result_claims_in(
                &mut self.tx,
                crate::result_claims::ClaimSurface::Chat,
                self.row.id,
                draw_id,
                winners,
                deadline,
                now,
            )
            .await?;
        }
        // Each chunk is bound as a JSON array of the ids alone; its index in the array gives the
        // position (a million objects `{"p": …, "c": …}` cost more to build and parse than the
        // insert itself).
        let sql = match Backend::of(&self.tx) {
            Backend::Sqlite => {
                "INSERT INTO draw_pool (draw_id, position, candidate_id, weight) \
                 SELECT $2, $3 + j.key, j.value, 1 FROM json_each($1) AS j"
            }
            Backend::Postgres => {
                "INSERT INTO draw_pool (draw_id, position, candidate_id, weight) \
                 SELECT $2, $3 + j.n - 1, j.value, 1 \
                 FROM jsonb_array_elements_text(CAST($1 AS jsonb)) WITH ORDINALITY AS j(value, n)"
            }
        };
        for (k, chunk) in pool.chunks(POOL_ROWS_PER_STATEMENT).enumerate() {
            let ids =
                serde_json::to_string(chunk).map_err(|e| StoreError::Config(format!("cannot encode the pool: {e}")))?;
            let offset = i64::try_from(k * POOL_ROWS_PER_STATEMENT).unwrap_or(i64::MAX);
            sqlx::query(sql)
                .bind(ids)
                .bind(draw_id)
                .bind(offset)
                .execute(&mut *self.tx)
                .await?;
        }
        sqlx::query(
            "UPDATE chat_giveaways SET outcome = 'FINISHED', draw_id = $2, draw_public_id = $3, result_hash = $4, \
             result = $5, finished_at = $6, updated_at = $6 WHERE id = $1",
        )
        .bind(self.row.id)
        .bind(draw_id)
        .bind(&draw.public_id)
        .bind(&draw.result_hash)
        .bind(result)
        .bind(now)
        .execute(&mut *self.tx)
        .await?;
        if let Some(job) = job {
            enqueue_in(&mut self.tx, job, now).await?;
        }
        self.tx.commit().await?;
        Ok(())
    }

    /// Too few participants at the end: CANCELLED with `reason`, and the partner's notice.
    pub async fn cancel(mut self, reason: &str, job: Option<&NewJob>, now: i64) -> StoreResult<()> {
        sqlx::query(
            "UPDATE chat_giveaways SET outcome = 'CANCELLED', cancel_reason = $2, finished_at = $3, \
             updated_at = $3 WHERE id = $1",
        )
        .bind(self.row.id)
        .bind(reason)
        .bind(now)
        .execute(&mut *self.tx)
        .await?;
        if let Some(job) = job {
            enqueue_in(&mut self.tx, job, now).await?;
        }
        self.tx.commit().await?;
        Ok(())
    }
}

/// One attempt at delivering a notice to the partner.
#[derive(Clone, Debug)]
pub struct ChatDelivery<'a> {
    pub giveaway_id: i64,
    pub event: &'a str,
    pub attempt: i64,
    pub http_code: Option<i64>,
    pub success: bool,
    pub error: Option<&'a str>,
    pub duration_ms: i64,
}

/// A logged attempt.
#[derive(Clone, Debug, FromRow, Serialize)]
pub struct ChatDeliveryRow {
    pub event: String,
    pub attempt: i64,
    pub http_code: Option<i64>,
    pub success: i64,
    pub error: Option<String>,
    pub duration_ms: i64,
    pub created_at: i64,
}

impl Db {
    pub async fn record_chat_delivery(&self, d: &ChatDelivery<'_>, now: i64) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO chat_deliveries (giveaway_id, event, attempt, http_code, success, error, duration_ms, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(d.giveaway_id)
        .bind(d.event)
        .bind(d.attempt)
        .bind(d.http_code)
        .bind(i64::from(d.success))
        .bind(d.error)
        .bind(d.duration_ms)
        .bind(now)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    pub async fn chat_deliveries(&self, giveaway_id: i64) -> StoreResult<Vec<ChatDeliveryRow>> {
        Ok(sqlx::query_as(
            "SELECT event, attempt, http_code, success, error, duration_ms, created_at FROM chat_deliveries \
             WHERE giveaway_id = $1 ORDER BY id",
        )
        .bind(giveaway_id)
        .fetch_all(self.reader())
        .await?)
    }
}

async fn insert_rooms_in(tx: &mut Transaction<'static, Any>, id: i64, rooms: &[String]) -> StoreResult<()> {
    for chunk in rooms.chunks(POOL_ROWS_PER_STATEMENT) {
        let rows: Vec<serde_json::Value> = chunk.iter().map(|r| serde_json::json!({ "r": r })).collect();
        let sql = format!(
            "INSERT INTO chat_giveaway_rooms (room_id, giveaway_id) SELECT j.value ->> 'r', $2 FROM {}",
            json_rows(tx)
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(serde_json::Value::Array(rows).to_string())
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
