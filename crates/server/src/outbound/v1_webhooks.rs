//! Delivering `/v1` events (`draw.completed`, `draw.failed`): the documented body, signed with
//! the brand's `/v1` secret as `X-PickAWin-Signature: sha256=<hex>`, through the same client
//! (and SSRF guard) as every webhook, retried by the queue and logged per attempt.

use super::webhooks::sign;
use crate::app::AppState;
use crate::worker::{Job, JobError};
use fairdraw_store::comment_draws::V1Delivery;

pub const SIGNATURE_HEADER: &str = "X-PickAWin-Signature";

pub async fn deliver_job(state: &AppState, job: &Job) -> Result<(), JobError> {
    let d: V1Delivery = job.payload()?;
    let db = state.engine.db();
    let store_failed = |e: fairdraw_store::StoreError| JobError::retry(format!("v1 webhook store: {e}"));
    if let Some(id) = d.webhook_id
        && !db.v1_webhook_active(id).await.map_err(store_failed)?
    {
        tracing::info!(webhook = id, "v1 webhook deleted since the event; not sent");
        return Ok(());
    }
    let secret = state
        .engine
        .v1_signing_secret(d.brand_id)
        .await
        .map_err(|e| JobError::retry(format!("v1 signing secret: {e}")))?;
    let body = d.body.clone().into_bytes();
    let headers = [
        (SIGNATURE_HEADER, format!("sha256={}", sign(&secret, &body))),
        ("X-PickAWin-Event", d.event.clone()),
        ("X-PickAWin-Delivery", d.event_id.clone()),
    ];
    let sent = state.outbound.webhooks.post(&d.url, body, &headers).await;
    let now = state.engine.now_ms();
    if let Err(e) = db
        .record_v1_delivery(
            &d,
            job.attempt(),
            sent.http_code.map(i64::from),
            sent.success,
            sent.error.as_deref(),
            sent.duration_ms,
            now,
        )
        .await
    {
        tracing::warn!(error = %e, "could not write the v1 delivery log");
    }
    if sent.success {
        return Ok(());
    }
    let error = sent.error.unwrap_or_else(|| "delivery failed".to_owned());
    if sent.refused {
        Err(JobError::permanent(error))
    } else {
        Err(JobError::retry(error))
    }
}
