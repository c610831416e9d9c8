//! `/v2/webhooks`: list, create, update, delete, test, and the delivery log. The signing secret
//! is returned by create only.

use super::extract::{Body, Caller, Path, Query};
use super::response::{Envelope, ErrorEnvelope, ListEnvelope, V2Result, created, list, no_content, ok};
use crate::app::AppState;
use crate::engine::webhooks::WebhookInput;
use crate::surfaces::enums::{DeliveryEvent, EventName};
use axum::extract::State;
use fairdraw_core::page::PageRequest;
use fairdraw_core::time::format_utc;
use fairdraw_store::webhooks::{DeliveryRow, WebhookRow};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_webhooks, create_webhook))
        .routes(routes!(update_webhook, delete_webhook))
        .routes(routes!(test_webhook))
        .routes(routes!(list_deliveries))
}

/// A webhook.
#[derive(Serialize, ToSchema)]
pub struct WebhookItem {
    id: i64,
    url: String,
    #[schema(value_type = Vec<EventName>)]
    events: Vec<String>,
    active: bool,
    /// When the server switched the webhook off (repeated failures), why.
    #[serde(skip_serializing_if = "Option::is_none")]
    disabled_reason: Option<String>,
    created_at: String,
}

fn item(w: WebhookRow) -> WebhookItem {
    WebhookItem {
        events: w.event_names(),
        id: w.id,
        url: w.url,
        active: w.active != 0,
        disabled_reason: w.disabled_reason,
        created_at: format_utc(w.created_at),
    }
}

#[utoipa::path(get, path = "/webhooks", tag = "Webhooks", summary = "List all webhooks",
    description = "The webhooks of the key's brand, with the events each listens to and whether it is active.",
    responses((status = 200, body = Envelope<Vec<WebhookItem>>)))]
pub async fn list_webhooks(State(state): State<AppState>, Caller(who): Caller) -> V2Result {
    let rows = state.engine.list_webhooks(&who).await?;
    Ok(ok(rows.into_iter().map(item).collect::<Vec<_>>()))
}

/// A webhook just created, with its signing secret.
#[derive(Serialize, ToSchema)]
pub struct CreatedWebhook {
    id: i64,
    url: String,
    #[schema(value_type = Vec<EventName>)]
    events: Vec<String>,
    /// 64 hex characters. Returned only here: store it to verify `X-Webhook-Signature`.
    secret: String,
    active: bool,
    created_at: String,
}

#[utoipa::path(post, path = "/webhooks", tag = "Webhooks", summary = "Create a webhook",
    description = "`url` must be HTTPS and must not point to a private, loopback, link-local or metadata address. \
        Events: entry.created, entry.deleted, participant.created, participant.banned, participant.disqualified, \
        winner.picked, winner.removed, giveaway.published, giveaway.expired, and gallery.submitted (a photo uploaded \
        for a photo contest, waiting for moderation). Every delivery is a JSON POST signed \
        with HMAC-SHA256 of the raw body under the secret (`X-Webhook-Signature`, hex), with the event id in \
        `X-Webhook-Id` and the Unix time in `X-Webhook-Timestamp`.",
    request_body = WebhookInput,
    responses((status = 201, body = Envelope<CreatedWebhook>), (status = 400, body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope)))]
pub async fn create_webhook(
    State(state): State<AppState>,
    Caller(who): Caller,
    Body(input): Body<WebhookInput>,
) -> V2Result {
    let allow_private = state.config.outbound.allow_private;
    let c = state.engine.create_webhook(&who, input, allow_private).await?;
    let w = item(c.webhook);
    Ok(created(CreatedWebhook {
        id: w.id,
        url: w.url,
        events: w.events,
        secret: c.secret,
        active: w.active,
        created_at: w.created_at,
    }))
}

#[utoipa::path(put, path = "/webhooks/{id}", tag = "Webhooks", summary = "Update a webhook",
    description = "Changes the URL, the events or the active flag; what is not sent stays. The secret cannot be changed.",
    params(("id" = i64, Path, description = "The webhook ID")),
    request_body = WebhookInput,
    responses((status = 200, body = Envelope<Object>), (status = 400, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn update_webhook(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<i64>,
    Body(input): Body<WebhookInput>,
) -> V2Result {
    let allow_private = state.config.outbound.allow_private;
    state.engine.update_webhook(&who, id, input, allow_private).await?;
    Ok(ok(json!({ "message": "Webhook updated." })))
}

#[utoipa::path(delete, path = "/webhooks/{id}", tag = "Webhooks", summary = "Delete a webhook",
    description = "Deletes the webhook and its delivery log; events still queued for it are not sent.",
    params(("id" = i64, Path, description = "The webhook ID")),
    responses((status = 204), (status = 404, body = ErrorEnvelope)))]
pub async fn delete_webhook(State(state): State<AppState>, Caller(who): Caller, Path(id): Path<i64>) -> V2Result {
    state.engine.delete_webhook(&who, id).await?;
    Ok(no_content())
}

/// What a test delivery did.
#[derive(Serialize, ToSchema)]
pub struct TestResult {
    webhook_id: i64,
    url: String,
    /// The receiver's status code; 0 when it did not answer.
    http_code: u16,
    /// Whether it answered 2xx.
    success: bool,
    /// Why the delivery failed, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

#[utoipa::path(post, path = "/webhooks/{id}/test", tag = "Webhooks", summary = "Send a test payload",
    description = "Sends `{\"event\": \"test\", \"webhook_id\": …, \"timestamp\": …}` signed with HMAC-SHA256 under the \
        webhook's secret in `X-SweepWidget-Signature`, waits for the answer (at most 10 s) and returns its status. \
        The attempt is added to the delivery log.",
    params(("id" = i64, Path, description = "The webhook ID")),
    responses((status = 200, body = Envelope<TestResult>), (status = 404, body = ErrorEnvelope)))]
pub async fn test_webhook(State(state): State<AppState>, Caller(who): Caller, Path(id): Path<i64>) -> V2Result {
    let t = state.engine.test_webhook(&who, id, &state.outbound.webhooks).await?;
    Ok(ok(TestResult {
        webhook_id: t.webhook_id,
        url: t.url,
        http_code: t.sent.http_code.unwrap_or(0),
        success: t.sent.success,
        error: if t.sent.success { None } else { t.sent.error },
    }))
}

/// One delivery attempt.
#[derive(Serialize, ToSchema)]
pub struct DeliveryItem {
    id: i64,
    /// The event's id (`X-Webhook-Id`), the same on every attempt.
    event_id: String,
    #[schema(value_type = DeliveryEvent)]
    event: String,
    /// 1 for the first attempt of this event.
    attempt: i64,
    /// The receiver's status code; null when it did not answer.
    http_code: Option<i64>,
    success: bool,
    error: Option<String>,
    duration_ms: i64,
    created_at: String,
}

fn delivery(d: DeliveryRow) -> DeliveryItem {
    DeliveryItem {
        id: d.id,
        event_id: d.event_id,
        event: d.event,
        attempt: d.attempt,
        http_code: d.http_code,
        success: d.success != 0,
        error: d.error,
        duration_ms: d.duration_ms,
        created_at: format_utc(d.created_at),
    }
}

#[derive(Deserialize, IntoParams)]
pub struct ListParams {
    page: Option<i64>,
    per_page: Option<i64>,
}

#[utoipa::path(get, path = "/webhooks/{id}/deliveries", tag = "Webhooks", summary = "List deliveries",
    description = "Every delivery attempt of the webhook, newest first, with the receiver's status code.",
    params(("id" = i64, Path, description = "The webhook ID"), ListParams),
    responses((status = 200, body = ListEnvelope<DeliveryItem>), (status = 400, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope)))]
pub async fn list_deliveries(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<i64>,
    Query(p): Query<ListParams>,
) -> V2Result {
    let page = PageRequest::new(p.page, p.per_page);
    let (rows, info) = state.engine.webhook_deliveries(&who, id, page).await?;
    Ok(list(rows.into_iter().map(delivery).collect(), info))
}
