//! A writer batch in few statements. Most recordings under load create a new participant with
//! nothing else to check (no referral, no participant limit, no duplicate-IP rule, no pending
//! verification, no rewards to unlock); consecutive ones of those are written together with
//! multi-row `INSERT`s and one counters `UPDATE` per giveaway, instead of several statements
//! each: on PostgreSQL every statement is a network round trip on the writer's connection.
//! Every other recording (and one whose participant turns out to exist) goes through
//! [`record_in`] one at a time, after the group before it is written, so it sees every earlier
//! write of the batch exactly as if all had gone one by one.

use super::events::EntryEvents;
use super::public::confirmation_job;
use super::{Outcome, Recorded, Recording, lock_counters_in, record_in};
use crate::entries::PublicRecorded;
use crate::error::StoreResult;
use crate::jobs::{NewJob, enqueue_many_in};
use crate::multirow::{chunk_len, rows};
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
        if !self.taken {
            for &id in self.giveaways {
                lock_counters_in(tx, id).await?;
            }
            self.taken = true;
        }
        Ok(())
    }
}

/// Records `batch` in order inside `tx`; `giveaways` are its giveaways' ids, sorted.
pub(super) async fn record_many_in(
    tx: &mut Transaction<'_, Any>,
    batch: &[Recording],
    giveaways: &[i64],
) -> StoreResult<Vec<Outcome>> {
    let mut locks = Locks { giveaways, taken: false };
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
    locks.take(tx).await?;
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
    for (giveaway_id, (participants, entries, actions)) in counters {
        sqlx::query(
            "UPDATE giveaways SET total_participants = total_participants + $2, total_entries = total_entries + $3, \
             total_actions = total_actions + $4 WHERE id = $1",
        )
        .bind(giveaway_id)
        .bind(participants)
        .bind(entries)
        .bind(actions)
        .execute(&mut **tx)
        .await?;
    }
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
        out[i] = Some(Ok(recorded));
    }
    for i in known {
        let r = &batch[i];
        let outcome = record_in(tx, r).await?;
        if let Ok(recorded) = &outcome {
            events.recorded_in(tx, r.giveaway_id, recorded, r.now).await?;
        }
        out[i] = Some(outcome);
    }
    Ok(())
}

/// Inserts the candidates' participants. Returns the candidates inserted with their ids, in
/// order, and those that were participants already.
async fn insert_participants_in(
    tx: &mut Transaction<'_, Any>,
    batch: &[Recording],
    group: &[usize],
) -> StoreResult<(Vec<usize>, Vec<i64>, Vec<usize>)> {
    let mut ids: HashMap<(i64, String), i64> = HashMap::with_capacity(group.len());
    let mut rest = group;
    while !rest.is_empty() {
        let (chunk, tail) = rest.split_at(chunk_len(rest.len()));
        rest = tail;
        let sql = format!(
            "INSERT INTO participants (giveaway_id, user_id, email, name, country, birthday, ip, referral_code, \
             status, is_verified, total_entries, created_at) VALUES {} \
             ON CONFLICT (giveaway_id, email) DO NOTHING RETURNING id, giveaway_id, email",
            rows("($, $, $, $, $, $, $, $, 'active', $, $, $)", chunk.len())
        );
        let mut q = sqlx::query_as::<_, (i64, i64, String)>(AssertSqlSafe(sql));
        for &i in chunk {
            let r = &batch[i];
            q = q
                .bind(r.giveaway_id)
                .bind(&r.new_user_id)
                .bind(&r.entrant.email)
                .bind(&r.entrant.name)
                .bind(&r.entrant.country)
                .bind(&r.entrant.birthday)
                .bind(&r.entrant.ip)
                .bind(&r.new_referral_code)
                .bind(i64::from(r.entrant.verified))
                .bind(r.entries.iter().map(|e| e.amount).sum::<i64>())
                .bind(r.now);
        }
        let inserted = q.fetch_all(&mut **tx).await?;
        ids.extend(inserted.into_iter().map(|(id, g, email)| ((g, email), id)));
    }
    let (mut new, mut new_ids, mut known) = (Vec::new(), Vec::new(), Vec::new());
    for &i in group {
        let r = &batch[i];
        match ids.get(&(r.giveaway_id, r.entrant.email.clone())) {
            Some(&id) => {
                new.push(i);
                new_ids.push(id);
            }
            None => known.push(i),
        }
    }
    Ok((new, new_ids, known))
}

/// Inserts the group's entries; returns each participant's new entry ids in insertion order.
async fn insert_entries_in(
    tx: &mut Transaction<'_, Any>,
    batch: &[Recording],
    group: &[usize],
    participants: &[i64],
) -> StoreResult<HashMap<i64, Vec<i64>>> {
    let rows_to_write: Vec<(usize, i64, usize)> = group
        .iter()
        .zip(participants)
        .flat_map(|(&i, &p)| (0..batch[i].entries.len()).map(move |k| (i, p, k)))
        .collect();
    let mut ids: HashMap<i64, Vec<i64>> = HashMap::with_capacity(group.len());
    let mut rest = rows_to_write.as_slice();
    while !rest.is_empty() {
        let (chunk, tail) = rest.split_at(chunk_len(rest.len()));
        rest = tail;
        let sql = format!(
            "INSERT INTO entries (giveaway_id, participant_id, entry_method_id, method_type, amount, value, \
             is_verified, display_winner, country, created_at) VALUES {} RETURNING id, participant_id",
            rows("($, $, $, $, $, $, $, 0, $, $)", chunk.len())
        );
        let mut q = sqlx::query_as::<_, (i64, i64)>(AssertSqlSafe(sql));
        for &(i, participant_id, k) in chunk {
            let r = &batch[i];
            let e = &r.entries[k];
            q = q
                .bind(r.giveaway_id)
                .bind(participant_id)
                .bind(e.entry_method_id)
                .bind(e.method_type)
                .bind(e.amount)
                .bind(&e.value)
                .bind(i64::from(r.entrant.verified))
                .bind(&r.entrant.country)
                .bind(r.now);
        }
        for (id, participant_id) in q.fetch_all(&mut **tx).await? {
            ids.entry(participant_id).or_default().push(id);
        }
    }
    // Ids grow in insertion order on both backends; the rows may come back in any order.
    for list in ids.values_mut() {
        list.sort_unstable();
    }
    Ok(ids)
}

async fn insert_tokens_in(
    tx: &mut Transaction<'_, Any>,
    batch: &[Recording],
    group: &[usize],
    participants: &[i64],
) -> StoreResult<()> {
    let tokens: Vec<(&str, i64, i64)> = group
        .iter()
        .zip(participants)
        .filter_map(|(&i, &p)| {
            let r = &batch[i];
            let hash = r.public.as_ref()?.token_hash.as_deref()?;
            Some((hash, p, r.now))
        })
        .collect();
    let mut rest = tokens.as_slice();
    while !rest.is_empty() {
        let (chunk, tail) = rest.split_at(chunk_len(rest.len()));
        rest = tail;
        let sql = format!(
            "INSERT INTO participant_tokens (token_hash, participant_id, created_at) VALUES {}",
            rows("($, $, $)", chunk.len())
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for &(hash, participant_id, now) in chunk {
            q = q.bind(hash).bind(participant_id).bind(now);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}
