//! The webhook events of the entry write path: `participant.created` for each participant a
//! recording creates and `entry.created` for each entry row it adds (the referrer's "Refer a
//! Friend" credit included), queued in the recording's transaction. The subscribers are loaded
//! once per giveaway per transaction; when nobody listens, nothing is read or built.

use super::Recorded;
use crate::error::StoreResult;
use crate::events::Subscribers;
use fairdraw_core::events::EventKind;
use fairdraw_core::time::format_utc;
use serde_json::json;
use sqlx::{Any, Transaction};
use std::collections::HashMap;

/// The subscribers of every giveaway in one transaction.
#[derive(Default)]
pub(super) struct EntryEvents {
    by_giveaway: HashMap<i64, Subscribers>,
}

impl EntryEvents {
    pub(super) async fn load_in(tx: &mut Transaction<'_, Any>, giveaways: &[i64]) -> StoreResult<EntryEvents> {
        let mut by_giveaway = HashMap::with_capacity(giveaways.len());
        for &id in giveaways {
            let subs = Subscribers::of_giveaway_in(tx, id).await?;
            if subs.wants(EventKind::EntryCreated) || subs.wants(EventKind::ParticipantCreated) {
                by_giveaway.insert(id, subs);
            }
        }
        Ok(EntryEvents { by_giveaway })
    }

    /// What one recording created, read back and emitted when someone listens.
    pub(super) async fn recorded_in(
        &self,
        tx: &mut Transaction<'_, Any>,
        giveaway_id: i64,
        recorded: &Recorded,
        now: i64,
    ) -> StoreResult<()> {
        let Some(subs) = self.by_giveaway.get(&giveaway_id) else {
            return Ok(());
        };
        if recorded.is_new && subs.wants(EventKind::ParticipantCreated) {
            participant_created_in(tx, subs, recorded.participant_id, now).await?;
        }
        if subs.wants(EventKind::EntryCreated) {
            let credit = recorded.public.as_ref().and_then(|p| p.referral_entry_id);
            for &entry_id in recorded.entry_ids.iter().chain(credit.iter()) {
                entry_created_in(tx, subs, entry_id, now).await?;
            }
        }
        Ok(())
    }
}

#[derive(sqlx::FromRow)]
struct NewParticipant {
    giveaway_id: i64,
    user_id: String,
    email: String,
    name: String,
    country: Option<String>,
    referred_by: Option<String>,
    created_at: i64,
}

async fn participant_created_in(
    tx: &mut Transaction<'_, Any>,
    subs: &Subscribers,
    participant_id: i64,
    now: i64,
) -> StoreResult<()> {
    let p: NewParticipant = sqlx::query_as(
        "SELECT p.giveaway_id, p.user_id, p.email, p.name, p.country, r.user_id AS referred_by, p.created_at \
         FROM participants p LEFT JOIN participants r ON r.id = p.referred_by WHERE p.id = $1",
    )
    .bind(participant_id)
    .fetch_one(&mut **tx)
    .await?;
    let data = json!({
        "giveaway_id": p.giveaway_id,
        "user_id": p.user_id,
        "email": p.email,
        "name": p.name,
        "country": p.country,
        "referred_by": p.referred_by,
        "created_at": format_utc(p.created_at),
    });
    subs.emit_in(
        tx,
        EventKind::ParticipantCreated,
        &format!("participant.created:{participant_id}"),
        &data,
        now,
    )
    .await
}

#[derive(sqlx::FromRow)]
struct NewEntryRow {
    giveaway_id: i64,
    user_id: String,
    email: String,
    name: String,
    entry_method_id: Option<i64>,
    method_type: i64,
    amount: i64,
    created_at: i64,
}

async fn entry_created_in(
    tx: &mut Transaction<'_, Any>,
    subs: &Subscribers,
    entry_id: i64,
    now: i64,
) -> StoreResult<()> {
    let e: NewEntryRow = sqlx::query_as(
        "SELECT e.giveaway_id, p.user_id, p.email, p.name, m.entry_id AS entry_method_id, e.method_type, e.amount, \
         e.created_at FROM entries e JOIN participants p ON p.id = e.participant_id \
         LEFT JOIN entry_methods m ON m.id = e.entry_method_id WHERE e.id = $1",
    )
    .bind(entry_id)
    .fetch_one(&mut **tx)
    .await?;
    let data = json!({
        "giveaway_id": e.giveaway_id,
        "entry_id": entry_id,
        "user_id": e.user_id,
        "email": e.email,
        "name": e.name,
        "entry_method_id": e.entry_method_id,
        "entry_type": e.method_type,
        "amount": e.amount,
        "created_at": format_utc(e.created_at),
    });
    subs.emit_in(
        tx,
        EventKind::EntryCreated,
        &format!("entry.created:{entry_id}"),
        &data,
        now,
    )
    .await
}
