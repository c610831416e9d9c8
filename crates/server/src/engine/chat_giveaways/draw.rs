//! The draw at a chat giveaway's end, and the notices to the partner.
//!
//! Each giveaway is stored with a `chat.draw` job due at its end (queued again when the end
//! moves); the scheduler's sweep queues one for any ended giveaway that lacks it (claimed in the
//! database, so exactly one instance queues it). The job locks the giveaway's row, and draws
//! only if it is still open and ended: a second run finds it FINISHED and does nothing. The draw
//! follows protocol v1 with one ticket per participant (pool ids are user ids), `maxWinners`
//! winners and as many alternates, after re-checking every participant's latest profile
//! against the rules. Fewer participants than `minParticipants` (or nobody eligible) cancels
//! the giveaway instead. Either way the notice to `winnerListUrl` is queued in the same
//! transaction (`chat.notify`), and the worker POSTs it, signed, with retries.

use super::ChatGiveaway;
use crate::engine::draws::{DrawLinks, new_draw};
use crate::engine::{Engine, EngineError, EngineResult, random_bytes};
use fairdraw_core::chat::{Profile, Rules, i18n};
use fairdraw_core::draw::{Certificate, DrawInput, PoolBuilder, ServerSeed, draw};
use fairdraw_core::time::format_rfc3339;
use fairdraw_store::chat_giveaways::EligibilityRow;
use fairdraw_store::jobs::NewJob;
use serde_json::{Value, json};
use std::collections::HashMap;

/// The job that draws a giveaway: `{"giveaway_id": …}`.
pub const DRAW_JOB: &str = "chat.draw";
/// The job that POSTs a notice to the partner: a [`Notice`].
pub const NOTIFY_JOB: &str = "chat.notify";
/// Giveaways whose draw one scheduler pass queues per statement.
const QUEUE_BATCH: i64 = 100;

/// A notice to the partner, as queued: the body is fixed when the job is queued, so every
/// attempt sends the same bytes (signed afresh with the brand's current secret).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Notice {
    pub giveaway_id: i64,
    pub brand_id: i64,
    pub event: String,
    pub url: String,
    pub body: Value,
    /// The delivery's id (`X-Fairdraw-Delivery`) when the giveaway has several of one event
    /// (the claim events, one per win); else `chat-{giveaway}-{event}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<String>,
}

/// Why a chat draw did not happen this time.
#[derive(Debug, thiserror::Error)]
pub enum ChatDrawError {
    /// The named drand round is not out, not reachable, or did not verify: try again later.
    #[error(transparent)]
    Beacon(crate::engine::beacon::BeaconWait),
    #[error(transparent)]
    Engine(#[from] EngineError),
}

fn internal(message: String) -> EngineError {
    EngineError::Internal(message.into())
}

pub(super) fn notice_job(g: &ChatGiveaway, event: &str, body: Value) -> Option<NewJob> {
    let url = g.spec.winner_list_url.clone()?;
    let notice = Notice {
        giveaway_id: g.id(),
        brand_id: g.row.brand_id,
        event: event.to_owned(),
        url,
        body,
        delivery: None,
    };
    Some(NewJob::new(NOTIFY_JOB, serde_json::to_value(notice).ok()?).dedupe(format!("{NOTIFY_JOB}:{}", g.id())))
}

/// The `giveaway.cancelled` notice, when the giveaway has a winner-list URL.
pub(super) fn cancelled_notice(g: &ChatGiveaway, reason: &str, _public_url: &str) -> Option<NewJob> {
    let body = json!({
        "event": "giveaway.cancelled",
        "giveawayId": g.id(),
        "title": g.spec.title,
        "status": "CANCELLED",
        "reason": reason,
        "participantsCount": g.row.participants_count,
        "data": g.spec.data,
    });
    notice_job(g, "giveaway.cancelled", body)
}

/// A winner or alternate as the partner gets it, from their `(room, name)`.
fn person(found: Option<&(Option<String>, Option<String>)>, user_id: &str) -> Value {
    json!({
        "userId": user_id,
        "roomId": found.and_then(|(room, _)| room.clone()),
        "name": found.and_then(|(_, name)| name.clone()),
    })
}

/// The profile the rules check at the draw, from the fields it read (the rest stay empty, and
/// no rule looks at them).
fn eligibility_profile(row: EligibilityRow) -> Profile {
    Profile {
        user_id: row.user_id,
        room_id: row.room_id,
        name: None,
        account_created_at: row.account_created_at,
        message_count: row.message_count,
        badge_ids: row
            .badge_ids
            .map(|b| serde_json::from_str(&b).unwrap_or_default())
            .unwrap_or_default(),
    }
}

/// The job that draws giveaway `id` at `end_at`. Queued with the giveaway (and again when its
/// end moves), and by the scheduler's sweep as a backstop; the key keeps one per end.
pub(super) fn draw_job(id: i64, end_at: i64) -> NewJob {
    NewJob::new(DRAW_JOB, json!({ "giveaway_id": id }))
        .dedupe(format!("{DRAW_JOB}:{id}:{end_at}"))
        .at(end_at)
}

impl Engine {
    /// Queues the draw of every open giveaway whose end has passed; returns how many.
    pub async fn queue_due_chat_draws(&self) -> EngineResult<usize> {
        let mut total = 0;
        loop {
            let now = self.now_ms();
            let queued = self.db().queue_due_chat_draws(now, QUEUE_BATCH, draw_job).await?;
            total += queued.len();
            if (queued.len() as i64) < QUEUE_BATCH {
                return Ok(total);
            }
        }
    }

    /// Draws (or cancels) an ended giveaway, once. Links are under `public_url`. A giveaway that
    /// named a drand round waits for it: [`ChatDrawError::Beacon`] until the round is out and
    /// verifies (fetched before the giveaway's row is locked; nothing is drawn without it).
    pub async fn run_chat_draw(&self, id: i64, public_url: &str) -> Result<(), ChatDrawError> {
        let current = self.public_chat_giveaway(id).await?;
        let drand = match current.beacon_round()? {
            Some(named) if current.row.outcome.is_none() && current.row.end_at <= self.now_ms() => {
                Some(self.fetch_beacon(&named).await.map_err(ChatDrawError::Beacon)?)
            }
            _ => None,
        };
        Ok(self.draw_chat_giveaway(id, public_url, drand).await?)
    }

    async fn draw_chat_giveaway(
        &self,
        id: i64,
        public_url: &str,
        drand: Option<fairdraw_core::beacon::DrandEvidence>,
    ) -> EngineResult<()> {
        let mut tx = self.db().begin_chat_draw(id).await?;
        let now = self.now_ms();
        if tx.row.outcome.is_some() {
            return Ok(());
        }
        if tx.row.end_at > now {
            // The end moved later after the draw was queued.
            tx.requeue_later().await?;
            return Ok(());
        }
        self.inner.chat_config.invalidate();
        let g = ChatGiveaway::from_row(tx.row.clone())?;
        if g.row.beacon_round.is_some() && drand.is_none() {
            // Ended after the check above: the next run fetches the round.
            return Err(EngineError::Unavailable(format!(
                "chat giveaway {id}: its drand round was not fetched"
            )));
        }
        let beacon = drand.as_ref().map(|d| d.beacon_input()).unwrap_or_default();
        let seed = <[u8; 32]>::try_from(tx.seed.as_slice())
            .map(ServerSeed)
            .map_err(|_| internal(format!("chat giveaway {id}: the seed is not 32 bytes")))?;
        if seed.commitment().to_hex() != g.row.commitment {
            return Err(internal(format!(
                "chat giveaway {id}: the seed does not match its commitment"
            )));
        }
        let started = std::time::Instant::now();
        let rules = Rules::of(&g.spec);
        let rows = tx.eligibility(rules.reads()).await?;
        let loaded_ms = started.elapsed().as_millis();
        let count = rows.len();
        if let Some(min) = g.spec.min_participants
            && count < min as usize
        {
            let reason = format!("fewer participants than minParticipants ({count} of {min})");
            let job = cancelled_notice(&g, &reason, public_url);
            tx.cancel(&reason, job.as_ref(), now).await?;
            return Ok(());
        }
        let (spec, max) = (g.spec.clone(), g.spec.max_winners);
        // Re-checking a million profiles and building the pool is CPU work: off the runtime.
        let (pool, outcome, input) = tokio::task::spawn_blocking(move || {
            let eligible: Vec<String> = rows
                .into_iter()
                .map(eligibility_profile)
                .filter(|p| rules.check(p, now).is_ok())
                .map(|p| p.user_id)
                .collect();
            let mut builder = PoolBuilder::with_capacity(eligible.len(), eligible.iter().map(String::len).sum());
            for user in &eligible {
                builder.push(user, 1).map_err(|e| format!("building the pool: {e}"))?;
            }
            let pool = builder.build().map_err(|e| format!("building the pool: {e}"))?;
            let input = DrawInput {
                server_seed: seed,
                round: 0,
                beacon,
                winners: max,
                extras: max,
            };
            let outcome = draw(&pool, &input);
            Ok::<_, String>((pool, outcome, input))
        })
        .await
        .map_err(|e| internal(format!("the draw task failed: {e}")))?
        .map_err(internal)?;
        if outcome.pool_size == 0 {
            let reason = "no participant was eligible at the end".to_owned();
            let job = cancelled_notice(&g, &reason, public_url);
            tx.cancel(&reason, job.as_ref(), now).await?;
            return Ok(());
        }

        let public_id = format!("drw_{}", hex::encode(random_bytes::<10>()));
        let result_hash = outcome.result_hash.to_hex();
        let links = DrawLinks::new(public_url, &result_hash, &public_id);
        let mut cert = Certificate::new(&outcome, &input, format_rfc3339(now));
        cert.draw_id = Some(public_id.clone());
        cert.drand = drand;
        cert.subject = Some(json!({ "type": "chat_giveaway", "chat_giveaway_id": id, "title": spec.title }));
        cert.committed_at = Some(format_rfc3339(g.row.committed_at));
        cert.pool_url = Some(links.pool_url.clone());
        cert.sign(self.signing_key());
        let new = new_draw(&cert, None, Some(g.row.committed_at), now)?;

        // Names only for the people the notice names.
        let named: Vec<String> = outcome.winners.iter().chain(&outcome.extras).cloned().collect();
        let by_user: HashMap<String, (Option<String>, Option<String>)> = tx
            .people(&named)
            .await?
            .into_iter()
            .map(|(user, room, name)| (user, (room, name)))
            .collect();
        let list = |ids: &[String]| -> Vec<Value> { ids.iter().map(|u| person(by_user.get(u), u)).collect() };
        let winners = list(&outcome.winners);
        let alternates = list(&outcome.extras);
        let result = json!({
            "winners": winners,
            "alternates": alternates,
            "participantsCount": count,
            "eligibleCount": outcome.pool_size,
        });
        let mut body = json!({
            "event": "giveaway.finished",
            "giveawayId": id,
            "title": spec.title,
            "status": "FINISHED",
            "participantsCount": count,
            "winners": winners,
            "alternates": alternates,
            "verification": {
                "sha256": result_hash,
                "verify_url": links.verify_url,
                "certificate_pdf": links.certificate_pdf_url,
            },
            "data": spec.data,
        });
        if spec.enable_winners_announcement {
            let names: Vec<String> = outcome
                .winners
                .iter()
                .map(|u| {
                    by_user
                        .get(u)
                        .and_then(|(_, name)| name.clone())
                        .unwrap_or_else(|| u.clone())
                })
                .collect();
            body["announcement"] = Value::Object(i18n::announcements(&spec.title, &names));
        }
        // Winners who must claim: each win pending until the deadline (`claims.rs`).
        let deadline = spec
            .claim_deadline_hours
            .map(|h| now.saturating_add(i64::from(h) * 3_600_000));
        if let Some(deadline) = deadline {
            for w in body["winners"].as_array_mut().into_iter().flatten() {
                w["claimStatus"] = json!("pending");
                w["claimDeadline"] = json!(format_rfc3339(deadline));
            }
        }
        let job = notice_job(&g, "giveaway.finished", body);
        let pool_ids: Vec<&str> = pool.iter().map(|c| c.id).collect();
        let claims = deadline.map(|d| (outcome.winners.as_slice(), d));
        let drawn_ms = started.elapsed().as_millis();
        tx.finish(&new, &pool_ids, &result.to_string(), claims, job.as_ref(), now)
            .await?;
        tracing::info!(
            giveaway = id,
            participants = count,
            load_ms = loaded_ms,
            draw_ms = drawn_ms - loaded_ms,
            store_ms = started.elapsed().as_millis() - drawn_ms,
            "chat giveaway drawn"
        );
        Ok(())
    }
}
