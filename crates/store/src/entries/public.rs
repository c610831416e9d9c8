//! The public entry endpoint's part of a recording: the checks that must see every earlier
//! write (duplicate IP, an action already done), and what commits with the entries (the
//! participant token, the verification e-mail, the referrer's credit, unlocked rewards). Other
//! callers leave `Recording::public` at `None` and none of this runs for them. Also the reads
//! and the verification that the endpoint needs.

use super::{NewEntry, Recorded, Recording, lock_counters_in, move_counters_in, recount_participant_in};
use crate::db::Db;
use crate::error::StoreResult;
use crate::jobs::{NewJob, enqueue_in};
use sqlx::{Any, Transaction};

/// What the public entry endpoint adds to a recording, done in the writer's transaction so that
/// concurrent requests cannot slip past it and its side effects commit with the entries.
#[derive(Clone, Debug, Default)]
pub struct PublicExtras {
    /// Entries whose method the participant already completed at or after this instant are
    /// skipped (`i64::MIN`: ever). A "User Details" entry matches any earlier one.
    pub once_since: Option<i64>,
    /// Refuses a new participant when another participant of the giveaway has the same IP.
    pub unique_ip: bool,
    /// The stored key of the participant token handed out with this answer (its public selector and
    /// the SHA-256 of the token; never the token).
    pub token_hash: Option<String>,
    /// For a participant this recording creates unverified: the link to e-mail them.
    pub verification: Option<PendingVerification>,
    /// The "Refer a Friend" entry the referrer earns when this recording creates the participant
    /// they referred; its `value` becomes the new participant's `user_id`.
    pub referral_credit: Option<NewEntry>,
    /// Unlocks the milestone rewards that verified participants reach.
    pub unlock_rewards: bool,
    /// The confirmation e-mail for a participant this recording creates.
    pub confirmation: Option<NewJob>,
}

/// An e-mail verification to start: the stored hash of the link's token and the job that
/// e-mails the link.
#[derive(Clone, Debug)]
pub struct PendingVerification {
    pub token_hash: String,
    pub job: NewJob,
}

/// What the public part of a recording did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PublicRecorded {
    /// Set when nothing was recorded because a rule refused it.
    pub refused: Option<PublicRefusal>,
    /// Whether the participant's e-mail is verified.
    pub is_verified: bool,
    /// The entry credited to the referrer, when this recording earned them one.
    pub referral_entry_id: Option<i64>,
    /// Rewards the participant unlocked with this recording.
    pub unlocked_rewards: Vec<i64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PublicRefusal {
    DuplicateIp,
}

/// Whether to go on with a recording, and with what.
pub(super) enum Admission {
    Refused(Recorded),
    /// The recording as adjusted to what is stored (`None`: unchanged).
    Proceed(Option<Box<Recording>>),
}

/// The checks that must see every earlier write: the duplicate-IP rule for a new participant,
/// and for an existing one the entries already made (so a repeated action or a second
/// "User Details" is skipped) and their current verification state.
pub(super) async fn admit_in(tx: &mut Transaction<'_, Any>, r: &Recording) -> StoreResult<Admission> {
    let Some(extras) = &r.public else {
        return Ok(Admission::Proceed(None));
    };
    let existing: Option<(i64, i64)> =
        sqlx::query_as("SELECT id, is_verified FROM participants WHERE giveaway_id = $1 AND email = $2")
            .bind(r.giveaway_id)
            .bind(&r.entrant.email)
            .fetch_optional(&mut **tx)
            .await?;
    let Some((participant_id, is_verified)) = existing else {
        if let (true, Some(ip)) = (extras.unique_ip, &r.entrant.ip) {
            let other: Option<(i64,)> =
                sqlx::query_as("SELECT id FROM participants WHERE giveaway_id = $1 AND ip = $2 LIMIT 1")
                    .bind(r.giveaway_id)
                    .bind(ip)
                    .fetch_optional(&mut **tx)
                    .await?;
            if other.is_some() {
                return Ok(Admission::Refused(refused(PublicRefusal::DuplicateIp)));
            }
        }
        return Ok(Admission::Proceed(None));
    };
    let mut adjusted = Box::new(r.clone());
    adjusted.entrant.verified = is_verified == 1;
    if let Some(since) = extras.once_since {
        // On PostgreSQL this takes the participant's row lock: a concurrent recording of the
        // same action waits here, then sees this one's entry.
        sqlx::query("UPDATE participants SET total_entries = total_entries WHERE id = $1")
            .bind(participant_id)
            .execute(&mut **tx)
            .await?;
        let mut kept = Vec::with_capacity(r.entries.len());
        for e in &r.entries {
            let sql = if e.method_type == fairdraw_core::entry_methods::USER_DETAILS {
                "SELECT COUNT(*) FROM entries WHERE participant_id = $1 AND created_at >= $2 \
                 AND (entry_method_id = $3 OR method_type = 1)"
            } else {
                "SELECT COUNT(*) FROM entries WHERE participant_id = $1 AND created_at >= $2 AND entry_method_id = $3"
            };
            let (done,): (i64,) = sqlx::query_as(sql)
                .bind(participant_id)
                .bind(since)
                .bind(e.entry_method_id)
                .fetch_one(&mut **tx)
                .await?;
            if done == 0 {
                kept.push(e.clone());
            }
        }
        adjusted.entries = kept;
    }
    Ok(Admission::Proceed(Some(adjusted)))
}

fn refused(why: PublicRefusal) -> Recorded {
    Recorded {
        participant_id: 0,
        user_id: String::new(),
        referral_code: String::new(),
        is_new: false,
        entry_ids: Vec::new(),
        total_entries: 0,
        referred_by: None,
        public: Some(PublicRecorded {
            refused: Some(why),
            ..PublicRecorded::default()
        }),
    }
}

#[derive(sqlx::FromRow)]
struct Person {
    user_id: String,
    email: String,
    name: String,
    is_verified: i64,
}

async fn person_in(tx: &mut Transaction<'_, Any>, participant_id: i64) -> StoreResult<Person> {
    Ok(
        sqlx::query_as("SELECT user_id, email, name, is_verified FROM participants WHERE id = $1")
            .bind(participant_id)
            .fetch_one(&mut **tx)
            .await?,
    )
}

/// After the entries: the participant token, the verification link and its e-mail, the
/// referrer's credit and the rewards now reached.
pub(super) async fn after_record_in(
    tx: &mut Transaction<'_, Any>,
    r: &Recording,
    participant_id: i64,
    is_new: bool,
    referred_by: Option<i64>,
) -> StoreResult<Option<PublicRecorded>> {
    let Some(extras) = &r.public else {
        return Ok(None);
    };
    let person = if is_new {
        // Just inserted from the recording: no need to read it back.
        Person {
            user_id: r.new_user_id.clone(),
            email: r.entrant.email.clone(),
            name: r.entrant.name.clone(),
            is_verified: i64::from(r.entrant.verified),
        }
    } else {
        person_in(tx, participant_id).await?
    };
    if let Some(hash) = &extras.token_hash {
        sqlx::query("INSERT INTO participant_tokens (token_hash, participant_id, created_at) VALUES ($1, $2, $3)")
            .bind(hash)
            .bind(participant_id)
            .bind(r.now)
            .execute(&mut **tx)
            .await?;
    }
    let verified = person.is_verified == 1;
    if let (true, false, Some(v)) = (is_new, verified, &extras.verification) {
        sqlx::query("INSERT INTO email_verifications (token_hash, participant_id, created_at) VALUES ($1, $2, $3)")
            .bind(&v.token_hash)
            .bind(participant_id)
            .bind(r.now)
            .execute(&mut **tx)
            .await?;
        let job = NewJob {
            dedupe_key: Some(format!("email.verification:{participant_id}")),
            ..v.job.clone()
        };
        enqueue_in(tx, &job, r.now).await?;
    }
    if is_new && let Some(job) = confirmation_job(r, participant_id) {
        enqueue_in(tx, &job, r.now).await?;
    }
    let mut out = PublicRecorded {
        is_verified: verified,
        ..PublicRecorded::default()
    };
    if let (true, Some(referrer), Some(credit)) = (is_new, referred_by, &extras.referral_credit) {
        out.referral_entry_id = credit_referrer_in(tx, r, referrer, &person, credit).await?;
        if out.referral_entry_id.is_some() && extras.unlock_rewards {
            unlock_rewards_in(tx, r.giveaway_id, referrer, r.now).await?;
        }
    }
    if extras.unlock_rewards && verified {
        out.unlocked_rewards = unlock_rewards_in(tx, r.giveaway_id, participant_id, r.now).await?;
    }
    Ok(Some(out))
}

/// The confirmation e-mail of a participant this recording just created, if it asks for one; at
/// most one per participant.
pub(super) fn confirmation_job(r: &Recording, participant_id: i64) -> Option<NewJob> {
    let mut job = r.public.as_ref()?.confirmation.clone()?;
    if let Some(payload) = job.payload.as_object_mut() {
        payload.insert("user_id".to_owned(), r.new_user_id.clone().into());
    }
    Some(job.dedupe(format!("email.confirmation:{participant_id}")))
}

/// Gives the referrer of a new participant their "Refer a Friend" entry, unless they are no
/// longer active, are the friend themself, or it would take them past the per-user maximum.
/// The entry counts once both the referrer and the friend are verified.
async fn credit_referrer_in(
    tx: &mut Transaction<'_, Any>,
    r: &Recording,
    referrer: i64,
    friend: &Person,
    credit: &NewEntry,
) -> StoreResult<Option<i64>> {
    let row: Option<(String, i64, String, i64, Option<String>)> = sqlx::query_as(
        "SELECT email, is_verified, status, total_entries, country FROM participants WHERE id = $1 AND giveaway_id = $2",
    )
    .bind(referrer)
    .bind(r.giveaway_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((email, referrer_verified, status, total, country)) = row else {
        return Ok(None);
    };
    let max = r.limits.max_entries_per_user;
    if status != "active" || email == friend.email || (max > 0 && total + credit.amount > max) {
        return Ok(None);
    }
    let verified = i64::from(referrer_verified == 1 && friend.is_verified == 1);
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO entries (giveaway_id, participant_id, entry_method_id, method_type, amount, value, \
         is_verified, display_winner, country, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9) \
         RETURNING id",
    )
    .bind(r.giveaway_id)
    .bind(referrer)
    .bind(credit.entry_method_id)
    .bind(credit.method_type)
    .bind(credit.amount)
    .bind(&friend.user_id)
    .bind(verified)
    .bind(&country)
    .bind(r.now)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query("UPDATE participants SET total_entries = total_entries + $2 WHERE id = $1")
        .bind(referrer)
        .bind(credit.amount)
        .execute(&mut **tx)
        .await?;
    if verified == 1 {
        move_counters_in(tx, r.giveaway_id, 0, credit.amount, 1).await?;
    }
    Ok(Some(id))
}

/// Records the rewards a participant's counted entries have reached and not yet unlocked, each
/// once, and queues the reward e-mail of those that send one. Returns the newly unlocked ids.
async fn unlock_rewards_in(
    tx: &mut Transaction<'_, Any>,
    giveaway_id: i64,
    participant_id: i64,
    now: i64,
) -> StoreResult<Vec<i64>> {
    let (total,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM entries \
         WHERE participant_id = $1 AND is_verified = 1 AND display_winner = 0",
    )
    .bind(participant_id)
    .fetch_one(&mut **tx)
    .await?;
    let due: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT id, send_email, title FROM rewards WHERE giveaway_id = $1 AND deleted_at IS NULL \
         AND entries_required <= $2 \
         AND id NOT IN (SELECT reward_id FROM reward_unlocks WHERE participant_id = $3) \
         ORDER BY entries_required, id",
    )
    .bind(giveaway_id)
    .bind(total)
    .bind(participant_id)
    .fetch_all(&mut **tx)
    .await?;
    let mut unlocked = Vec::new();
    for (reward_id, send_email, title) in due {
        let inserted: Option<(i64,)> = sqlx::query_as(
            "INSERT INTO reward_unlocks (participant_id, reward_id, unlocked_at) VALUES ($1, $2, $3) \
             ON CONFLICT (participant_id, reward_id) DO NOTHING RETURNING id",
        )
        .bind(participant_id)
        .bind(reward_id)
        .bind(now)
        .fetch_optional(&mut **tx)
        .await?;
        if inserted.is_none() {
            continue;
        }
        unlocked.push(reward_id);
        if send_email == 1 {
            let person = person_in(tx, participant_id).await?;
            let job = NewJob::new(
                "email.reward",
                serde_json::json!({
                    "giveaway_id": giveaway_id,
                    "reward_id": reward_id,
                    "reward_title": title,
                    "user_id": person.user_id,
                    "email": person.email,
                    "name": person.name,
                }),
            )
            .dedupe(format!("email.reward:{participant_id}:{reward_id}"));
            enqueue_in(tx, &job, now).await?;
        }
    }
    Ok(unlocked)
}

/// A participant found by one of their tokens.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct TokenHolder {
    pub id: i64,
    pub user_id: String,
    pub email: String,
    pub name: String,
    pub country: Option<String>,
    pub ip: Option<String>,
    pub referral_code: String,
    pub status: String,
    pub is_verified: i64,
    pub total_entries: i64,
}

/// An e-mail verification link as stored.
#[derive(Clone, Copy, Debug, sqlx::FromRow)]
pub struct VerificationLink {
    pub participant_id: i64,
    pub giveaway_id: i64,
}

impl Db {
    /// The participant of `giveaway_id` holding a token stored under one of these keys.
    pub async fn participant_by_token(&self, giveaway_id: i64, keys: &[String; 2]) -> StoreResult<Option<TokenHolder>> {
        Ok(sqlx::query_as(
            "SELECT p.id, p.user_id, p.email, p.name, p.country, p.ip, p.referral_code, p.status, p.is_verified, \
             p.total_entries FROM participant_tokens t JOIN participants p ON p.id = t.participant_id \
             WHERE t.token_hash IN ($1, $3) AND p.giveaway_id = $2",
        )
        .bind(&keys[0])
        .bind(giveaway_id)
        .bind(&keys[1])
        .fetch_optional(self.reader())
        .await?)
    }

    /// The ids of the entry methods a participant has valid entries for.
    pub async fn completed_methods(&self, participant_id: i64) -> StoreResult<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT DISTINCT entry_method_id FROM entries WHERE participant_id = $1 \
             AND entry_method_id IS NOT NULL AND display_winner = 0",
        )
        .bind(participant_id)
        .fetch_all(self.reader())
        .await?)
    }

    /// Whether a participant of the giveaway other than the one with `email` entered from `ip`.
    pub async fn ip_taken(&self, giveaway_id: i64, ip: &str, email: &str) -> StoreResult<bool> {
        let found: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM participants WHERE giveaway_id = $1 AND ip = $2 AND email <> $3 LIMIT 1")
                .bind(giveaway_id)
                .bind(ip)
                .bind(email)
                .fetch_optional(self.reader())
                .await?;
        Ok(found.is_some())
    }

    /// The verification link with this token hash.
    pub async fn verification_link(&self, token_hash: &str) -> StoreResult<Option<VerificationLink>> {
        Ok(sqlx::query_as(
            "SELECT v.participant_id, p.giveaway_id FROM email_verifications v \
             JOIN participants p ON p.id = v.participant_id WHERE v.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(self.reader())
        .await?)
    }

    /// Marks the participant and their entries verified, and the "Refer a Friend" credit they
    /// earned their referrer when the referrer is verified too, then recounts the giveaway and
    /// unlocks the rewards now reached: all in one transaction. A credit on this participant for
    /// a friend still unverified stays unverified until that friend verifies. Returns false
    /// when the participant was verified already (nothing changes).
    pub async fn confirm_email(
        &self,
        link: VerificationLink,
        token_hash: &str,
        unlock_rewards: bool,
        now: i64,
    ) -> StoreResult<bool> {
        let VerificationLink {
            participant_id,
            giveaway_id,
        } = link;
        let mut tx = self.begin_write().await?;
        lock_counters_in(&mut tx, giveaway_id).await?;
        sqlx::query("UPDATE email_verifications SET verified_at = $2 WHERE token_hash = $1 AND verified_at IS NULL")
            .bind(token_hash)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        let changed = sqlx::query("UPDATE participants SET is_verified = 1 WHERE id = $1 AND is_verified = 0")
            .bind(participant_id)
            .execute(&mut *tx)
            .await?;
        if changed.rows_affected() == 0 {
            tx.commit().await?;
            return Ok(false);
        }
        sqlx::query(
            "UPDATE entries SET is_verified = 1 WHERE participant_id = $1 AND is_verified = 0 \
             AND NOT (method_type = 5 AND COALESCE(value, '') IN \
               (SELECT user_id FROM participants WHERE giveaway_id = $2 AND is_verified = 0))",
        )
        .bind(participant_id)
        .bind(giveaway_id)
        .execute(&mut *tx)
        .await?;
        let (user_id, referred_by): (String, Option<i64>) =
            sqlx::query_as("SELECT user_id, referred_by FROM participants WHERE id = $1")
                .bind(participant_id)
                .fetch_one(&mut *tx)
                .await?;
        let mut credited = None;
        if let Some(referrer) = referred_by {
            let done = sqlx::query(
                "UPDATE entries SET is_verified = 1 WHERE participant_id = $1 AND method_type = 5 AND value = $2 \
                 AND is_verified = 0 AND EXISTS (SELECT 1 FROM participants WHERE id = $1 AND is_verified = 1)",
            )
            .bind(referrer)
            .bind(&user_id)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() > 0 {
                credited = Some(referrer);
            }
        }
        // Verification moves no participant's total (those include unverified entries), only
        // the giveaway's counters.
        recount_participant_in(&mut tx, giveaway_id, participant_id).await?;
        if unlock_rewards {
            unlock_rewards_in(&mut tx, giveaway_id, participant_id, now).await?;
            if let Some(referrer) = credited {
                unlock_rewards_in(&mut tx, giveaway_id, referrer, now).await?;
            }
        }
        tx.commit().await?;
        Ok(true)
    }
}
