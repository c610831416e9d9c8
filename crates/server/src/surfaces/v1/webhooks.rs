//! `/v1/webhooks`: receivers of `draw.completed` and `draw.failed`, and the brand's signing
//! secret (`X-PickAWin-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>`).

use super::{Body, Caller, ErrorBody, V1Result};
use crate::app::AppState;
use crate::engine::comment_draws::webhooks::V1WebhookInput;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use fairdraw_core::time::format_rfc3339;
use fairdraw_store::comment_draws::V1WebhookRow;
use serde_json::{Value, json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_webhook, list_webhooks))
        .routes(routes!(delete_webhook))
        .routes(routes!(rotate_secret))
}

fn webhook_json(w: &V1WebhookRow) -> Value {
    json!({
        "id": w.public_id,
        "url": w.url,
        "events": serde_json::from_str::<Value>(&w.events).unwrap_or(Value::Null),
        "created_at": format_rfc3339(w.created_at),
    })
}

#[utoipa::path(post, path = "/webhooks", tag = "Draw webhooks", summary = "Register a webhook",
    description = "For draw.completed and draw.failed (default both). The request that creates the brand's first \
        webhook also answers `secret`, the brand's one /v1 signing secret; later ones do not (rotate it with \
        POST /v1/webhooks/secret).",
    request_body = V1WebhookInput,
    responses((status = 201, body = Object), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_webhook(
    State(state): State<AppState>,
    Caller(who): Caller,
    Body(input): Body<V1WebhookInput>,
) -> V1Result {
    let created = state
        .engine
        .create_v1_webhook(&who, &input, state.config.outbound.allow_private)
        .await?;
    let mut body = webhook_json(&created.webhook);
    if let Some(secret) = created.secret {
        body["secret"] = json!(secret);
    }
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

#[utoipa::path(get, path = "/webhooks", tag = "Draw webhooks", summary = "List webhooks",
    responses((status = 200, body = Object), (status = 401, body = ErrorBody)))]
pub async fn list_webhooks(State(state): State<AppState>, Caller(who): Caller) -> V1Result {
    let hooks = state.engine.v1_webhooks(&who).await?;
    let data: Vec<_> = hooks.iter().map(webhook_json).collect();
    Ok(Json(json!({ "data": data, "has_more": false, "next_cursor": null })).into_response())
}

#[utoipa::path(delete, path = "/webhooks/{id}", tag = "Draw webhooks", summary = "Delete a webhook",
    params(("id" = String, Path, description = "wh_…")),
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_webhook(State(state): State<AppState>, Caller(who): Caller, Path(id): Path<String>) -> V1Result {
    state.engine.delete_v1_webhook(&who, &id).await?;
    Ok(Json(json!({ "id": id, "deleted": true })).into_response())
}

#[utoipa::path(post, path = "/webhooks/secret", tag = "Draw webhooks", summary = "Rotate the signing secret",
    description = "Replaces the brand's /v1 signing secret and answers the new one; every delivery from now on is \
        signed with it.",
    responses((status = 200, body = Object), (status = 401, body = ErrorBody)))]
pub async fn rotate_secret(State(state): State<AppState>, Caller(who): Caller) -> V1Result {
    let secret = state.engine.rotate_v1_secret(&who).await?;
    Ok(Json(json!({ "secret": secret })).into_response())
}
