//! `/external/giveaway/{id}/participants`: the partner's backend joins a user (every rule
//! checked, a 403 naming the one that refuses), lists participants, removes one.

use super::giveaways::paging;
use super::response::{ExtError, ExtResult, Query, bad_request, created, ok};
use crate::app::AppState;
use crate::engine::{EngineError, Principal};
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use fairdraw_core::chat::parse_profile;
use fairdraw_core::time::format_rfc3339;
use fairdraw_store::chat_giveaways::ParticipantRow;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::IntoParams;

fn id_of(raw: &str) -> Result<i64, ExtError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| EngineError::NotFound("Giveaway").into())
}

/// A participant as the partner sees it.
pub fn participant_view(p: &ParticipantRow) -> Value {
    json!({
        "userId": p.user_id,
        "roomId": p.room_id,
        "name": p.name,
        "accountCreatedAt": p.account_created_at.map(format_rfc3339),
        "messageCount": p.message_count,
        "badgeIds": serde_json::from_str::<Value>(&p.badge_ids).unwrap_or_else(|_| json!([])),
        "joinedAt": p.joined_at.map(format_rfc3339),
        "updatedAt": format_rfc3339(p.updated_at),
    })
}

#[utoipa::path(post, path = "/giveaway/{id}/participants", tag = "External chat giveaways",
    summary = "Join a user (userId, roomId, name, accountCreatedAt, messageCount, badgeIds)",
    params(("id" = i64, Path)), request_body(content = Object, content_type = "application/json"),
    responses((status = 201, description = "Joined", body = Object), (status = 200, description = "Joined again: profile updated", body = Object),
        (status = 400, body = Object), (status = 403, description = "Refused; the message names the rule", body = Object)))]
pub async fn join(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> ExtResult {
    let id = id_of(&id)?;
    // Another brand's giveaway is "not found" whatever the body says.
    let target = state.engine.chat_join_target(&who, id).await?;
    if let Some(refused) = super::response::nul_in_json(&body) {
        return Ok(refused);
    }
    let value: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return Ok(bad_request(vec![format!("the body is not valid JSON: {e}")])),
    };
    let profile = match parse_profile(&value) {
        Ok(p) => p,
        Err(problems) => return Ok(bad_request(problems)),
    };
    let user_id = profile.user_id.clone();
    let joined = state.engine.join_chat_giveaway(&target, profile).await?;
    let body = json!({ "giveawayId": id, "userId": user_id, "joined": true, "new": joined.new });
    Ok(if joined.new { created(body) } else { ok(body) })
}

#[derive(Deserialize, IntoParams)]
pub struct PageParams {
    page: Option<String>,
    /// 1 to 100 (default 20).
    limit: Option<String>,
}

#[utoipa::path(get, path = "/giveaway/{id}/participants", tag = "External chat giveaways",
    summary = "List participants (by userId)", params(("id" = i64, Path), PageParams),
    responses((status = 200, body = Object), (status = 404, body = Object)))]
pub async fn list(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
    Query(p): Query<PageParams>,
) -> ExtResult {
    let id = id_of(&id)?;
    let page = match paging(p.page.as_deref(), p.limit.as_deref()) {
        Ok(page) => page,
        Err(problems) => return Ok(bad_request(problems)),
    };
    let (rows, info) = state.engine.chat_participants(&who, id, page).await?;
    Ok(ok(json!({
        "data": rows.iter().map(participant_view).collect::<Vec<_>>(),
        "page": info.page,
        "limit": info.per_page,
        "total": info.total,
        "totalPages": info.total_pages,
    })))
}

#[utoipa::path(delete, path = "/giveaway/{id}/participants/{userId}", tag = "External chat giveaways",
    summary = "Remove a participant", params(("id" = i64, Path), ("userId" = String, Path)),
    responses((status = 204), (status = 404, body = Object), (status = 409, body = Object)))]
pub async fn remove(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    Path((id, user_id)): Path<(String, String)>,
) -> ExtResult {
    let id = id_of(&id)?;
    state.engine.remove_chat_participant(&who, id, &user_id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
