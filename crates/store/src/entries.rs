//! Recording entries: find or create the participant, add the entries, and move the giveaway's
//! and the participant's counters, all in one transaction, so the counters are exact at every
//! moment. Many recordings can share one transaction ([`Db::record_batch`], written in few
//! statements by `batch`): that is how the entry endpoint reaches thousands of entries a second.
//! Both queue the `participant.created` and `entry.created` webhook events in that transaction.

use crate::audit::{self, AuditEvent};
use crate::db::Db;
use crate::error::{StoreError, StoreResult};
use sqlx::{Any, Transaction};

mod batch;
mod events;
mod public;

pub use crate::jobs::NewJob;
use public::{Admission, admit_in, after_record_in};
pub use public::{PendingVerification, PublicExtras, PublicRecorded, PublicRefusal, TokenHolder, VerificationLink};

/// The person entering, as validated by the engine.
#[derive(Clone, Debug)]
pub struct Entrant {
    /// Lower-cased e-mail: the participant's identity within a giveaway.
    pub email: String,
    pub name: String,
    pub country: Option<String>,
    pub birthday: Option<String>,
    pub ip: Option<String>,
    /// Referral code of the participant who referred this one, if any.
    pub referred_by_code: Option<String>,
    /// False while an e-mail verification is pending.
    pub verified: bool,
}

/// One entry to add.
#[derive(Clone, Debug)]
pub struct NewEntry {
    pub entry_method_id: Option<i64>,
    pub method_type: i64,
    pub amount: i64,
    pub value: Option<String>,
}

/// Limits checked inside the transaction, where they cannot be raced past.
#[derive(Clone, Copy, Debug, Default)]
pub struct EntryLimits {
    /// 0 = unlimited.
    pub max_participants: i64,
    /// Total entries one participant may hold; 0 = unlimited.
    pub max_entries_per_user: i64,
}

/// What to record.
#[derive(Clone, Debug)]
pub struct Recording {
    pub giveaway_id: i64,
    pub entrant: Entrant,
    pub entries: Vec<NewEntry>,
    pub limits: EntryLimits,
    /// Fresh public ids for a participant created by this recording.
    pub new_user_id: String,
    pub new_referral_code: String,
    pub now: i64,
    /// What the public entry endpoint adds to the transaction; `None` for every other caller.
    pub public: Option<PublicExtras>,
    /// The audit entry of an organiser's recording (a manual or bonus entry through `/v2`),
    /// appended in the recording's transaction when it is recorded, completed by
    /// [`Recorded::audited`]; `None` for an entrant's own entries, which are not administrative.
    pub audit: Option<AuditEvent>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    MaxParticipants,
    MaxEntriesPerUser,
    Banned,
    Disqualified,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    pub participant_id: i64,
    pub user_id: String,
    pub referral_code: String,
    pub is_new: bool,
    pub entry_ids: Vec<i64>,
    /// The participant's total entries after this recording.
    pub total_entries: i64,
    /// The participant that referred this new participant (set only when `is_new`).
    pub referred_by: Option<i64>,
    /// What the public part of the recording did (`Some` exactly when it was asked for).
    pub public: Option<PublicRecorded>,
}

pub type Outcome = Result<Recorded, Refusal>;

impl Recorded {
    /// `event` completed with what the recording did: the participant's ids (never the e-mail
    /// address) and the new entries' ids.
    pub fn audited(&self, event: &AuditEvent) -> AuditEvent {
        event
            .with("participant_id", self.participant_id)
            .with("user_id", self.user_id.clone())
            .with("new_participant", self.is_new)
            .with("entry_ids", self.entry_ids.clone())
    }
}

/// Appends a recording's audit entry, if it has one, once it is recorded.
async fn audit_recorded_in(tx: &mut Transaction<'_, Any>, r: &Recording, recorded: &Recorded) -> StoreResult<()> {
    if let Some(event) = &r.audit {
        audit::append_in(tx, &recorded.audited(event), r.now).await?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Existing {
    id: i64,
    user_id: String,
    referral_code: String,
    status: String,
    total_entries: i64,
}

impl Db {
    /// Records one entrant's entries in its own transaction.
    pub async fn record(&self, r: &Recording) -> StoreResult<Outcome> {
        Ok(self.record_batch(std::slice::from_ref(r)).await?.remove(0))
    }

    /// Records several, in order, in one transaction: all are committed, or none (an error for
    /// any of them rolls back all; the caller may then retry them one by one).
    ///
    /// The giveaways' rows are locked (in id order, as bans, deletions and recounts do) before
    /// anything reads a participant's standing or moves a counter; new participants with nothing
    /// else to check are inserted before that (see `batch`), so on PostgreSQL several writers
    /// insert side by side and wait on each other only for the counters and the commit.
    pub async fn record_batch(&self, batch: &[Recording]) -> StoreResult<Vec<Outcome>> {
        let started = std::time::Instant::now();
        let mut tx = self.begin_write().await?;
        let begun = started.elapsed();
        let mut giveaways: Vec<i64> = batch.iter().map(|r| r.giveaway_id).collect();
        giveaways.sort_unstable();
        giveaways.dedup();
        let out = batch::record_many_in(&mut tx, batch, &giveaways).await?;
        let written = started.elapsed();
        tx.commit().await?;
        // Where a batch's time goes: waiting for the writer connection, the statements, the
        // commit (with its fsync).
        tracing::debug!(
            size = batch.len(),
            begin_us = begun.as_micros(),
            write_us = (written - begun).as_micros(),
            commit_us = (started.elapsed() - written).as_micros(),
            "entry batch timings"
        );
        Ok(out)
    }
}

async fn record_in(tx: &mut Transaction<'_, Any>, r: &Recording) -> StoreResult<Outcome> {
    let adjusted = match admit_in(tx, r).await? {
        Admission::Refused(recorded) => return Ok(Ok(recorded)),
        Admission::Proceed(adjusted) => adjusted,
    };
    let r = adjusted.as_deref().unwrap_or(r);
    let verified = i64::from(r.entrant.verified);
    let existing: Option<Existing> = sqlx::query_as(
        "SELECT id, user_id, referral_code, status, total_entries FROM participants \
         WHERE giveaway_id = $1 AND email = $2",
    )
    .bind(r.giveaway_id)
    .bind(&r.entrant.email)
    .fetch_optional(&mut **tx)
    .await?;
    let adding: i64 = r.entries.iter().map(|e| e.amount).sum();
    let (participant_id, user_id, referral_code, is_new, before, referred_by) = match existing {
        Some(p) => {
            match p.status.as_str() {
                "banned" => return Ok(Err(Refusal::Banned)),
                "disqualified" => return Ok(Err(Refusal::Disqualified)),
                _ => {}
            }
            (p.id, p.user_id, p.referral_code, false, p.total_entries, None)
        }
        None => {
            if r.limits.max_entries_per_user > 0 && adding > r.limits.max_entries_per_user {
                return Ok(Err(Refusal::MaxEntriesPerUser));
            }
            if r.limits.max_participants > 0 {
                let (count,): (i64,) = sqlx::query_as("SELECT total_participants FROM giveaways WHERE id = $1")
                    .bind(r.giveaway_id)
                    .fetch_one(&mut **tx)
                    .await?;
                if count >= r.limits.max_participants {
                    return Ok(Err(Refusal::MaxParticipants));
                }
            }
            let referred_by: Option<i64> = match &r.entrant.referred_by_code {
                Some(code) => sqlx::query_as::<_, (i64,)>(
                    "SELECT id FROM participants WHERE giveaway_id = $1 AND referral_code = $2 AND status = 'active'",
                )
                .bind(r.giveaway_id)
                .bind(code)
                .fetch_optional(&mut **tx)
                .await?
                .map(|(id,)| id),
                None => None,
            };
            let inserted: Option<(i64,)> = sqlx::query_as(
                "INSERT INTO participants (giveaway_id, user_id, email, name, country, birthday, ip, \
                 referral_code, referred_by, status, is_verified, total_entries, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'active', $10, 0, $11) \
                 ON CONFLICT (giveaway_id, email) DO NOTHING RETURNING id",
            )
            .bind(r.giveaway_id)
            .bind(&r.new_user_id)
            .bind(&r.entrant.email)
            .bind(&r.entrant.name)
            .bind(&r.entrant.country)
            .bind(&r.entrant.birthday)
            .bind(&r.entrant.ip)
            .bind(&r.new_referral_code)
            .bind(referred_by)
            .bind(verified)
            .bind(r.now)
            .fetch_optional(&mut **tx)
            .await?;
            let Some((id,)) = inserted else {
                // Another instance created this participant between our read and insert.
                return Err(StoreError::Conflict("participants_email".to_owned()));
            };
            (
                id,
                r.new_user_id.clone(),
                r.new_referral_code.clone(),
                true,
                0,
                referred_by,
            )
        }
    };
    if !is_new && r.limits.max_entries_per_user > 0 && before + adding > r.limits.max_entries_per_user {
        return Ok(Err(Refusal::MaxEntriesPerUser));
    }
    let mut entry_ids = Vec::with_capacity(r.entries.len());
    for e in &r.entries {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO entries (giveaway_id, participant_id, entry_method_id, method_type, amount, value, \
             is_verified, display_winner, country, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9) \
             RETURNING id",
        )
        .bind(r.giveaway_id)
        .bind(participant_id)
        .bind(e.entry_method_id)
        .bind(e.method_type)
        .bind(e.amount)
        .bind(&e.value)
        .bind(verified)
        .bind(&r.entrant.country)
        .bind(r.now)
        .fetch_one(&mut **tx)
        .await?;
        entry_ids.push(id);
    }
    if !r.entries.is_empty() {
        sqlx::query("UPDATE participants SET total_entries = total_entries + $2 WHERE id = $1")
            .bind(participant_id)
            .bind(adding)
            .execute(&mut **tx)
            .await?;
    }
    // The giveaway's counters count verified participants only.
    if verified == 1 && (is_new || !r.entries.is_empty()) {
        let actions = i64::try_from(r.entries.len()).unwrap_or(i64::MAX);
        move_counters_in(tx, r.giveaway_id, i64::from(is_new), adding, actions).await?;
    }
    let public = after_record_in(tx, r, participant_id, is_new, referred_by).await?;
    Ok(Ok(Recorded {
        participant_id,
        user_id,
        referral_code,
        is_new,
        entry_ids,
        total_entries: before + adding,
        referred_by,
        public,
    }))
}

impl Db {
    /// Recomputes a giveaway's counters and every participant's total from the entries, in one
    /// transaction. Used after changes that remove or restore many entries at once (bans,
    /// disqualifications, deletions, verifications), and by tests to check the running counters.
    pub async fn recount_giveaway(&self, giveaway_id: i64) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        recount_in(&mut tx, giveaway_id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The counters as they would be recounted now, without writing: (entries, participants, actions).
    pub async fn count_from_entries(&self, giveaway_id: i64) -> StoreResult<(i64, i64, i64)> {
        Ok(sqlx::query_as(COUNT_SQL)
            .bind(giveaway_id)
            .fetch_one(self.reader())
            .await?)
    }

    /// The stored running counters: (entries, participants, actions).
    pub async fn stored_counters(&self, giveaway_id: i64) -> StoreResult<(i64, i64, i64)> {
        Ok(
            sqlx::query_as("SELECT total_entries, total_participants, total_actions FROM giveaways WHERE id = $1")
                .bind(giveaway_id)
                .fetch_one(self.reader())
                .await?,
        )
    }
}

/// What counts: verified, valid entries of active participants.
const COUNT_SQL: &str = "SELECT \
       CAST(COALESCE((SELECT SUM(e.amount) FROM entries e JOIN participants p ON p.id = e.participant_id \
          WHERE e.giveaway_id = $1 AND e.display_winner = 0 AND e.is_verified = 1 AND p.status = 'active'), 0) AS BIGINT), \
       (SELECT COUNT(*) FROM participants WHERE giveaway_id = $1 AND status = 'active' AND is_verified = 1), \
       (SELECT COUNT(*) FROM entries e JOIN participants p ON p.id = e.participant_id \
          WHERE e.giveaway_id = $1 AND e.display_winner = 0 AND e.is_verified = 1 AND p.status = 'active')";

pub(crate) async fn recount_in(tx: &mut Transaction<'_, Any>, giveaway_id: i64) -> StoreResult<()> {
    let (entries, participants, actions): (i64, i64, i64) =
        sqlx::query_as(COUNT_SQL).bind(giveaway_id).fetch_one(&mut **tx).await?;
    sqlx::query("UPDATE giveaways SET total_entries = $2, total_participants = $3, total_actions = $4 WHERE id = $1")
        .bind(giveaway_id)
        .bind(entries)
        .bind(participants)
        .bind(actions)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "UPDATE participants SET total_entries = CAST(COALESCE((SELECT SUM(e.amount) FROM entries e \
         WHERE e.participant_id = participants.id AND e.display_winner = 0), 0) AS BIGINT) WHERE giveaway_id = $1",
    )
    .bind(giveaway_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Db {
    /// Records every recording in one transaction, or none of them: the first refusal rolls the
    /// whole batch back and is returned with its index. For imports, where a partial import
    /// would leave the client guessing which rows landed. `audit` records the import as one
    /// entry, completed with its counts (`created`, `new_participants`).
    ///
    /// The giveaways' rows are locked first, in id order, so the participants' standing read
    /// afterwards cannot be changed by a ban or disqualification before this commits (those lock
    /// the giveaway first too), and the two never wait on each other in opposite orders.
    pub async fn record_all(
        &self,
        batch: &[Recording],
        audit: &AuditEvent,
    ) -> StoreResult<Result<Vec<Recorded>, (usize, Refusal)>> {
        let mut giveaways: Vec<i64> = batch.iter().map(|r| r.giveaway_id).collect();
        giveaways.sort_unstable();
        giveaways.dedup();
        retry_on_deadlock(|| async {
            let mut tx = self.begin_write().await?;
            for &id in &giveaways {
                lock_counters_in(&mut tx, id).await?;
            }
            let events = events::EntryEvents::load_in(&mut tx, &giveaways).await?;
            let mut out = Vec::with_capacity(batch.len());
            for (index, r) in batch.iter().enumerate() {
                match record_in(&mut tx, r).await? {
                    Ok(recorded) => {
                        events.recorded_in(&mut tx, r.giveaway_id, &recorded, r.now).await?;
                        audit_recorded_in(&mut tx, r, &recorded).await?;
                        out.push(recorded);
                    }
                    Err(refusal) => {
                        tx.rollback().await?;
                        return Ok(Err((index, refusal)));
                    }
                }
            }
            let new_participants = out.iter().filter(|r| r.is_new).count();
            let audit = audit
                .with("created", out.len())
                .with("new_participants", new_participants);
            let now = batch.first().map_or(0, |r| r.now);
            audit::append_in(&mut tx, &audit, now).await?;
            tx.commit().await?;
            Ok(Ok(out))
        })
        .await
    }
}

/// Runs a transaction again when PostgreSQL chose it as a deadlock's (or a serialization
/// conflict's) victim. A recording batch may hold a participant's row and wait for the
/// giveaway's while a transaction that locked the giveaway first waits for that participant;
/// PostgreSQL breaks the cycle by failing one side, which is safe to rerun from the start.
pub(crate) async fn retry_on_deadlock<T, F, Fut>(mut run: F) -> StoreResult<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = StoreResult<T>>,
{
    const ATTEMPTS: u32 = 5;
    let mut attempt = 1;
    loop {
        match run().await {
            Err(e) if attempt < ATTEMPTS && is_deadlock(&e) => {
                tracing::warn!(attempt, "transaction lost a deadlock; running it again");
                attempt += 1;
            }
            other => return other,
        }
    }
}

fn is_deadlock(e: &StoreError) -> bool {
    match e {
        StoreError::Database(sqlx::Error::Database(db)) => {
            matches!(db.code().as_deref(), Some("40P01") | Some("40001"))
        }
        _ => false,
    }
}

/// Takes the giveaway's row lock, so that until commit no recording can move its counters.
/// Every transaction that recounts must start here: a recount that read the entries and then
/// overwrote the counters after a concurrent recording had added to them would lose that
/// recording.
pub(crate) async fn lock_counters_in(tx: &mut Transaction<'_, Any>, giveaway_id: i64) -> StoreResult<()> {
    move_counters_in(tx, giveaway_id, 0, 0, 0).await
}

/// Adds to a giveaway's counters (which also takes its row lock, see [`lock_counters_in`]);
/// [`StoreError::NotFound`] when there is no such giveaway.
pub(crate) async fn move_counters_in(
    tx: &mut Transaction<'_, Any>,
    giveaway_id: i64,
    participants: i64,
    entries: i64,
    actions: i64,
) -> StoreResult<()> {
    let moved = sqlx::query(
        "UPDATE giveaways SET total_participants = total_participants + $2, total_entries = total_entries + $3, \
         total_actions = total_actions + $4 WHERE id = $1",
    )
    .bind(giveaway_id)
    .bind(participants)
    .bind(entries)
    .bind(actions)
    .execute(&mut **tx)
    .await?;
    if moved.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// [`recount_in`] for a change that touched one participant: the giveaway's counters and that
/// participant's total. Leaving the other participants' rows alone keeps the transaction from
/// waiting on (and deadlocking with) recordings for other people. Call [`lock_counters_in`]
/// first.
pub(crate) async fn recount_participant_in(
    tx: &mut Transaction<'_, Any>,
    giveaway_id: i64,
    participant_id: i64,
) -> StoreResult<()> {
    let (entries, participants, actions): (i64, i64, i64) =
        sqlx::query_as(COUNT_SQL).bind(giveaway_id).fetch_one(&mut **tx).await?;
    sqlx::query("UPDATE giveaways SET total_entries = $2, total_participants = $3, total_actions = $4 WHERE id = $1")
        .bind(giveaway_id)
        .bind(entries)
        .bind(participants)
        .bind(actions)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "UPDATE participants SET total_entries = CAST(COALESCE((SELECT SUM(e.amount) FROM entries e \
         WHERE e.participant_id = participants.id AND e.display_winner = 0), 0) AS BIGINT) WHERE id = $1",
    )
    .bind(participant_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
