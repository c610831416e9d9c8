//! The chat-giveaway jobs: `chat.draw` (the draw at a giveaway's end) and `chat.notify` (the
//! signed POST of the winner list, or of a cancellation, to the partner's `winnerListUrl`).

use super::{Job, JobError};
use crate::app::AppState;
use crate::engine::chat_giveaways::{ChatDrawError, Notice, sign_hex};
use fairdraw_store::chat_giveaways::ChatDelivery;

#[derive(serde::Deserialize)]
struct DrawPayload {
    giveaway_id: i64,
}

/// Runs a `chat.draw` job; a second run of a drawn giveaway does nothing.
pub async fn draw_job(state: &AppState, job: &Job) -> Result<(), JobError> {
    let p: DrawPayload = job.payload()?;
    match state
        .engine
        .run_chat_draw(p.giveaway_id, &state.config.public_url)
        .await
    {
        Ok(()) => Ok(()),
        Err(ChatDrawError::Beacon(wait)) => {
            // Waiting for the public beacon is not a fault; the retry's backoff paces it.
            tracing::info!(giveaway = p.giveaway_id, reason = %wait, "chat draw waits for its drand round");
            Err(JobError::retry(format!(
                "chat draw {} waits for its beacon: {wait}",
                p.giveaway_id
            )))
        }
        Err(e) => Err(JobError::retry(format!("chat draw {}: {e}", p.giveaway_id))),
    }
}

/// Runs a `chat.notify` job: one attempt, logged. The body is signed with the brand's external
/// secret: `X-Fairdraw-Signature: sha256=<hex HMAC-SHA256 of the raw body>`.
pub async fn notify_job(state: &AppState, job: &Job) -> Result<(), JobError> {
    let n: Notice = job.payload()?;
    let engine = &state.engine;
    let secret = engine
        .ensure_external_secret(n.brand_id)
        .await
        .map_err(|e| JobError::retry(format!("external secret: {e}")))?;
    let body = serde_json::to_vec(&n.body).map_err(|e| JobError::permanent(e.to_string()))?;
    let headers = [
        ("X-Fairdraw-Signature", format!("sha256={}", sign_hex(&secret, &body))),
        ("X-Fairdraw-Event", n.event.clone()),
        // The same on every attempt, so the partner can drop a repeat.
        (
            "X-Fairdraw-Delivery",
            n.delivery
                .clone()
                .unwrap_or_else(|| format!("chat-{}-{}", n.giveaway_id, n.event)),
        ),
    ];
    let sent = state.outbound.webhooks.post(&n.url, body, &headers).await;
    let log = ChatDelivery {
        giveaway_id: n.giveaway_id,
        event: &n.event,
        attempt: job.attempt(),
        http_code: sent.http_code.map(i64::from),
        success: sent.success,
        error: sent.error.as_deref(),
        duration_ms: sent.duration_ms,
    };
    if let Err(e) = engine.db().record_chat_delivery(&log, engine.now_ms()).await {
        tracing::warn!(giveaway = n.giveaway_id, error = %e, "could not write the chat delivery log");
    }
    match (sent.success, sent.refused) {
        (true, _) => Ok(()),
        (false, true) => Err(JobError::permanent(sent.error.unwrap_or_default())),
        (false, false) => Err(JobError::retry(
            sent.error.unwrap_or_else(|| "delivery failed".to_owned()),
        )),
    }
}
