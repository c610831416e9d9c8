//! `/v1/connections`: a brand's access to Instagram Graph, YouTube Data and TikTok Research.
//! Tokens are never shown again; only their last four characters.

use super::{Body, Caller, ErrorBody, V1Result};
use crate::app::AppState;
use crate::engine::comment_draws::connections::ConnectionInput;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use fairdraw_core::time::format_rfc3339;
use fairdraw_store::comment_draws::ConnectionRow;
use serde_json::{Value, json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_connection, list_connections))
        .routes(routes!(get_connection, delete_connection))
}

fn connection_json(c: &ConnectionRow) -> Value {
    json!({
        "id": c.public_id,
        "platform": c.platform,
        "account_id": c.account_id,
        "token_last4": c.token_hint,
        "created_at": format_rfc3339(c.created_at),
    })
}

#[utoipa::path(post, path = "/connections", tag = "Connections", summary = "Connect a platform",
    description = "`instagram` (a Graph API token and the business `account_id`), `youtube` (an API key as \
        `access_token`) or `tiktok` (a Research API client token). The token is stored for the connector and \
        never shown again.",
    request_body = ConnectionInput,
    responses((status = 201, body = Object), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_connection(
    State(state): State<AppState>,
    Caller(who): Caller,
    Body(input): Body<ConnectionInput>,
) -> V1Result {
    let row = state.engine.create_connection(&who, &input).await?;
    Ok((StatusCode::CREATED, Json(connection_json(&row))).into_response())
}

#[utoipa::path(get, path = "/connections", tag = "Connections", summary = "List connections",
    responses((status = 200, body = Object), (status = 401, body = ErrorBody)))]
pub async fn list_connections(State(state): State<AppState>, Caller(who): Caller) -> V1Result {
    let rows = state.engine.connections(&who).await?;
    let data: Vec<_> = rows.iter().map(connection_json).collect();
    Ok(Json(json!({ "data": data, "has_more": false, "next_cursor": null })).into_response())
}

#[utoipa::path(get, path = "/connections/{id}", tag = "Connections", summary = "Retrieve a connection",
    params(("id" = String, Path, description = "conn_…")),
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_connection(State(state): State<AppState>, Caller(who): Caller, Path(id): Path<String>) -> V1Result {
    let row = state.engine.connection(&who, &id).await?;
    Ok(Json(connection_json(&row)).into_response())
}

#[utoipa::path(delete, path = "/connections/{id}", tag = "Connections", summary = "Remove a connection",
    description = "The stored token is erased.",
    params(("id" = String, Path, description = "conn_…")),
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_connection(State(state): State<AppState>, Caller(who): Caller, Path(id): Path<String>) -> V1Result {
    state.engine.delete_connection(&who, &id).await?;
    Ok(Json(json!({ "id": id, "deleted": true })).into_response())
}
