//! A writer batch in few statements. Most recordings under load create a new participant with
//! nothing else to check (no referral, no participant limit, no duplicate-IP rule, no pending
//! verification, no rewards to unlock); consecutive ones of those are written together with
//! one `INSERT … SELECT` per table over a JSON array of their rows and one counters `UPDATE` per
//! giveaway, instead of several statements each: on PostgreSQL every statement is a network
//! round trip on the writer's connection.
//! Every other recording (and one whose participant turns out to exist) goes through
//! [`record_in`] one at a time, after the group before it is written, so it sees every earlier
//! write of the batch exactly as if all had gone one by one.

use super::events::EntryEvents;
use super::public::confirmation_job;
use super::{Outcome, Recorded, Recording, audit_recorded_in, move_counters_in, record_in};
use crate::entries::PublicRecorded;
use crate::error::StoreResult;
use crate::jobs::{NewJob, enqueue_many_in};
use crate::multirow::{json_rows, to_json};
use sqlx::{Any, AssertSqlSafe, Transaction};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The batch's giveaway rows, locked all at once, in id order, when first needed: before a
/// recording that reads a participant's standing, and before the counters move. Taking them in
/// one order everywhere keeps two writers from waiting on each other in opposite orders.
struct Locks<'a> {
    giveaways: &'a [i64],
    taken: bool,
}

impl Locks<'_> {
    async fn take(&mut self, tx: &mut Transaction<'_, Any>) -> StoreResult<()> {
        self.take_moving(tx, &BTreeMap::new()).await
    }

    /// Moves the giveaways' counters by `counters` (participants, entries, actions), taking
    /// the locks first if they are not held yet. A giveaway's counters update is also its lock,
    /// so a batch of plain recordings locks and counts in one statement per giveaway.
    async fn take_moving(
        &mut self,
        tx: &mut Transaction<'_, Any>,
        counters: &BTreeMap<i64, (i64, i64, i64)>,
    ) -> StoreResult<()> {
        let ids: Vec<i64> = if self.taken {
            counters.keys().copied().collect()
        } else {
            self.giveaways.to_vec()
        };
        for id in ids {
            let (participants, entries, actions) = counters.get(&id).copied().unwrap_or_default();
            move_counters_in(tx, id, participants, entries, actions).await?;
        }
        self.taken = true;
        Ok(())
    }
}

/// Records `batch` in order inside `tx`; `giveaways` are its giveaways' ids, sorted.
pub(super) async fn record_many_in(
    tx: &mut Transaction<'_, Any>,
    batch: &[Recording],
    giveaways: &[i64],
) -> StoreResult<Vec<Outcome>> {
    let mut locks = Locks {
        giveaways,
        taken: false,
    };
    let events = EntryEvents::load_in(tx, giveaways).await?;
    let rewarded = rewarded_in(tx, batch).await?;
    let mut seen: HashSet<(i64, &str)> = HashSet::with_capacity(batch.len());
    let mut out: Vec<Option<Outcome>> = vec![None; batch.len()];
    let mut group: Vec<usize> = Vec::with_capacity(batch.len());
    for (i, r) in batch.iter().enumerate() {
        let key = (r.giveaway_id, r.entrant.email.as_str());
        // A recording for someone met earlier in the batch must see that earlier write.
        let first = seen.insert(key);
        if first && plain(r, &rewarded) {
            group.push(i);
            continue;
        }
        write_group_in(tx, batch, &mut group, &mut out, &events, &mut locks).await?;
        locks.take(tx).await?;
        let outcome = record_in(tx, r).await?;
        if let Ok(recorded) = &outcome {
            events.recorded_in(tx, r.giveaway_id, recorded, r.now).await?;
            audit_recorded_in(tx, r, recorded).await?;
        }
        out[i] = Some(outcome);
    }
    write_group_in(tx, batch, &mut group, &mut out, &events, &mut locks).await?;
    Ok(out
        .into_iter()
        .map(|o| o.expect("every recording of the batch has an outcome"))
        .collect())
}

/// Whether a recording of a new participant needs nothing but its rows.
fn plain(r: &Recording, rewarded: &HashSet<i64>) -> bool {
    let adding: i64 = r.entries.iter().map(|e| e.amount).sum();
    let within = r.limits.max_entries_per_user == 0 || adding <= r.limits.max_entries_per_user;
    let public_plain = r.public.as_ref().is_none_or(|x| {
        !x.unique_ip
            && (x.verification.is_none() || r.entrant.verified)
            && !(x.unlock_rewards && r.entrant.verified && rewarded.contains(&r.giveaway_id))
    });
    r.entrant.referred_by_code.is_none() && r.limits.max_participants == 0 && within && public_plain
}

/// The giveaways of the batch that unlock rewards and have any.
async fn rewarded_in(tx: &mut Transaction<'_, Any>, batch: &[Recording]) -> StoreResult<HashSet<i64>> {
    let mut asked: Vec<i64> = batch
        .iter()
        .filter(|r| r.public.as_ref().is_some_and(|x| x.unlock_rewards))
        .map(|r| r.giveaway_id)
        .collect();
    asked.sort_unstable();
    asked.dedup();
    let mut out = HashSet::new();
    for id in asked {
        let any: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM rewards WHERE giveaway_id = $1 AND deleted_at IS NULL LIMIT 1")
                .bind(id)
                .fetch_optional(&mut **tx)
                .await?;
        if any.is_some() {
            out.insert(id);
        }
    }
    Ok(out)
}

/// Writes a group of plain recordings (see [`plain`]) and sets their outcomes.
async fn write_group_in(
    tx: &mut Transaction<'_, Any>,
    batch: &[Recording],
    group: &mut Vec<usize>,
    out: &mut [Option<Outcome>],
    events: &EntryEvents,
    locks: &mut Locks<'_>,
) -> StoreResult<()> {
    if group.is_empty() {
        return Ok(());
    }
    let candidates = std::mem::take(group);
    // Inserting is also how a participant that exists already is found: it inserts nothing, and
    // that recording goes the general way below, after the group.
    let (group, participants, known) = insert_participants_in(tx, batch, &candidates).await?;
    let mut entry_ids = insert_entries_in(tx, batch, &group, &participants).await?;
    insert_tokens_in(tx, batch, &group, &participants).await?;
    let confirmations: Vec<NewJob> = group
        .iter()
        .zip(&participants)
        .filter_map(|(&i, &participant_id)| confirmation_job(&batch[i], participant_id))
        .collect();
    if let Some(first) = group.first() {
        enqueue_many_in(tx, &confirmations, batch[*first].now).await?;
    }
    // Giveaway counters move once per giveaway; they count verified participants only.
    let mut counters: BTreeMap<i64, (i64, i64, i64)> = BTreeMap::new();
    for &i in &group {
        let r = &batch[i];
        if r.entrant.verified {
            let c = counters.entry(r.giveaway_id).or_default();
            c.0 += 1;
            c.1 += r.entries.iter().map(|e| e.amount).sum::<i64>();
            c.2 += i64::try_from(r.entries.len()).unwrap_or(i64::MAX);
        }
    }
    locks.take_moving(tx, &counters).await?;
    for (&i, &participant_id) in group.iter().zip(&participants) {
        let r = &batch[i];
        let recorded = Recorded {
            participant_id,
            user_id: r.new_user_id.clone(),
            referral_code: r.new_referral_code.clone(),
            is_new: true,
            entry_ids: entry_ids.remove(&participant_id).unwrap_or_default(),
            total_entries: r.entries.iter().map(|e| e.amount).sum(),
            referred_by: None,
            public: r.public.as_ref().map(|_| PublicRecorded {
                is_verified: r.entrant.verified,
                ..PublicRecorded::default()
            }),
        };
        events.recorded_in(tx, r.giveaway_id, &recorded, r.now).await?;
        audit_recorded_in(tx, r, &recorded).await?;
        out[i] = Some(Ok(recorded));
    }
    for i in known {
        let r = &batch[i];
        let outcome = record_in(tx, r).await?;
        if let Ok(recorded) = &outcome {
            events.recorded_in(tx, r.giveaway_id, recorded, r.now).await?;
            audit_recorded_in(tx, r, recorded).await?;
        }
        out[i] = Some(outcome);
    }
    Ok(())
}

#[derive(serde::Serialize)]
struct ParticipantRow<'a> {
    giveaway_id: i64,
    user_id: &'a str,
    email: &'a str,
    name: &'a str,
    country: Option<&'a str>,
    birthday: Option<&'a str>,
    ip: Option<&'a str>,
    referral_code: &'a str,
    is_verified: i64,
    total_entries: i64,
    created_at: i64,
}

/// Inserts the candidates' participants. Returns the candidates inserted with their ids, in
/// order, and those that were participants already.
async fn insert_participants_in(
    tx: &mut Transaction<'_, Any>,
    batch: &[Recording],
    group: &[usize],
) -> StoreResult<(Vec<usize>, Vec<i64>, Vec<usize>)> {
    let rows: Vec<ParticipantRow<'_>> = group
        .iter()
        .map(|&i| {
            let r = &batch[i];
            ParticipantRow {
                giveaway_id: r.giveaway_id,
                user_id: &r.new_user_id,
                email: &r.entrant.email,
                name: &r.entrant.name,
                country: r.entrant.country.as_deref(),
                birthday: r.entrant.birthday.as_deref(),
                ip: r.entrant.ip.as_deref(),
                referral_code: &r.new_referral_code,
                is_verified: i64::from(r.entrant.verified),
                total_entries: r.entries.iter().map(|e| e.amount).sum(),
                created_at: r.now,
            }
        })
        .collect();
    let sql = format!(
        "INSERT INTO participants (giveaway_id, user_id, email, name, country, birthday, ip, referral_code, \
         status, is_verified, total_entries, created_at) \
         SELECT CAST(j.value ->> 'giveaway_id' AS BIGINT), j.value ->> 'user_id', j.value ->> 'email', \
         j.value ->> 'name', j.value ->> 'country', j.value ->> 'birthday', j.value ->> 'ip', \
         j.value ->> 'referral_code', 'active', CAST(j.value ->> 'is_verified' AS BIGINT), \
         CAST(j.value ->> 'total_entries' AS BIGINT), CAST(j.value ->> 'created_at' AS BIGINT) \
         FROM {} WHERE true ON CONFLICT (giveaway_id, email) DO NOTHING RETURNING id, giveaway_id, email",
        json_rows(tx)
    );
    let inserted: Vec<(i64, i64, String)> = sqlx::query_as(AssertSqlSafe(sql))
        .bind(to_json(&rows)?)
        .fetch_all(&mut **tx)
        .await?;
    let ids: HashMap<(i64, &str), i64> = inserted
        .iter()
        .map(|(id, g, email)| ((*g, email.as_str()), *id))
        .collect();
    let (mut new, mut new_ids, mut known) = (Vec::new(), Vec::new(), Vec::new());
    for &i in group {
        let r = &batch[i];
        match ids.get(&(r.giveaway_id, r.entrant.email.as_str())) {
            Some(&id) => {
                new.push(i);
                new_ids.push(id);
            }
            None => known.push(i),
        }
    }
    Ok((new, new_ids, known))
}

#[derive(serde::Serialize)]
struct EntryRow<'a> {
    giveaway_id: i64,
    participant_id: i64,
    entry_method_id: Option<i64>,
    method_type: i64,
    amount: i64,
    value: Option<&'a str>,
    is_verified: i64,
    country: Option<&'a str>,
    created_at: i64,
}

/// Inserts the group's entries; returns each participant's new entry ids in insertion order.
async fn insert_entries_in(
    tx: &mut Transaction<'_, Any>,
    batch: &[Recording],
    group: &[usize],
    participants: &[i64],
) -> StoreResult<HashMap<i64, Vec<i64>>> {
    let rows: Vec<EntryRow<'_>> = group
        .iter()
        .zip(participants)
        .flat_map(|(&i, &participant_id)| {
            let r = &batch[i];
            r.entries.iter().map(move |e| EntryRow {
                giveaway_id: r.giveaway_id,
                participant_id,
                entry_method_id: e.entry_method_id,
                method_type: e.method_type,
                amount: e.amount,
                value: e.value.as_deref(),
                is_verified: i64::from(r.entrant.verified),
                country: r.entrant.country.as_deref(),
                created_at: r.now,
            })
        })
        .collect();
    let mut ids: HashMap<i64, Vec<i64>> = HashMap::with_capacity(group.len());
    if rows.is_empty() {
        return Ok(ids);
    }
    let sql = format!(
        "INSERT INTO entries (giveaway_id, participant_id, entry_method_id, method_type, amount, value, \
         is_verified, display_winner, country, created_at) \
         SELECT CAST(j.value ->> 'giveaway_id' AS BIGINT), CAST(j.value ->> 'participant_id' AS BIGINT), \
         CAST(j.value ->> 'entry_method_id' AS BIGINT), CAST(j.value ->> 'method_type' AS BIGINT), \
         CAST(j.value ->> 'amount' AS BIGINT), j.value ->> 'value', CAST(j.value ->> 'is_verified' AS BIGINT), \
         0, j.value ->> 'country', CAST(j.value ->> 'created_at' AS BIGINT) FROM {} RETURNING id, participant_id",
        json_rows(tx)
    );
    let inserted: Vec<(i64, i64)> = sqlx::query_as(AssertSqlSafe(sql))
        .bind(to_json(&rows)?)
        .fetch_all(&mut **tx)
        .await?;
    for (id, participant_id) in inserted {
        ids.entry(participant_id).or_default().push(id);
    }
    // Ids grow in insertion order on both backends; the rows may come back in any order.
    for list in ids.values_mut() {
        list.sort_unstable();
    }
    Ok(ids)
}

#[derive(serde::Serialize)]
struct TokenRow<'a> {
    token_hash: &'a str,
    participant_id: i64,
    created_at: i64,
}

async fn insert_tokens_in(
    tx: &mut Transaction<'_, Any>,
    batch: &[Recording],
    group: &[usize],
    participants: &[i64],
) -> StoreResult<()> {
    let rows: Vec<TokenRow<'_>> = group
        .iter()
        .zip(participants)
        .filter_map(|(&i, &participant_id)| {
            let r = &batch[i];
            Some(TokenRow {
                token_hash: r.public.as_ref()?.token_hash.as_deref()?,
                participant_id,
                created_at: r.now,
            })
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO participant_tokens (token_hash, participant_id, created_at) \
         SELECT j.value ->> 'token_hash', CAST(j.value ->> 'participant_id' AS BIGINT), \
         CAST(j.value ->> 'created_at' AS BIGINT) FROM {}",
        json_rows(tx)
    );
    sqlx::query(AssertSqlSafe(sql))
        .bind(to_json(&rows)?)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
