//! `/external/giveaway…`: create (the reference's call), get, list, patch, cancel, winners.

use super::body::Fields;
use super::response::{ExtResult, Query, bad_request, created, ok};
use crate::app::AppState;
use crate::engine::chat_giveaways::ChatGiveaway;
use crate::engine::draws::DrawLinks;
use crate::engine::{EngineError, Principal};
use crate::surfaces::enums::{BeaconName, ChatStatusName};
use axum::Extension;
use axum::extract::{Path, State};
use fairdraw_core::chat::ChatStatus;
use fairdraw_core::page::PageRequest;
use fairdraw_core::time::format_rfc3339;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};

/// A giveaway as every `/external` answer shows it.
pub fn view(g: &ChatGiveaway, now: i64, public_url: &str) -> Value {
    let s = &g.spec;
    let r = &g.row;
    let drawn = match (&r.result_hash, &r.draw_public_id) {
        (Some(hash), Some(public_id)) => Some(DrawLinks::new(public_url, hash, public_id)),
        _ => None,
    };
    json!({
        "id": r.id,
        "title": s.title,
        "text": s.text,
        "buttonText": s.button_text,
        "template": s.template,
        "pic": s.pic,
        "templateData": s.template_data,
        "startTime": format_rfc3339(s.start_at),
        "endTime": format_rfc3339(s.end_at),
        "maxWinners": s.max_winners,
        "minParticipants": s.min_participants,
        "maxParticipants": s.max_participants,
        "minAccountAgeHours": s.min_account_age_hours,
        "minMessages": s.min_messages,
        "badgeIds": s.badge_ids,
        "enableTranslation": s.enable_translation,
        "enableWinnersAnnouncement": s.enable_winners_announcement,
        "rewardName": s.reward_name,
        "rewardDescription": s.reward_description,
        "giftId": s.gift_id,
        "winnerListUrl": s.winner_list_url,
        "roomIds": s.room_ids,
        "userIds": s.user_ids,
        "data": s.data,
        "claimDeadlineHours": s.claim_deadline_hours,
        "status": g.status(now).as_str(),
        "cancelReason": r.cancel_reason,
        "createdAt": format_rfc3339(r.created_at),
        "updatedAt": format_rfc3339(r.updated_at),
        "participantsCount": r.participants_count,
        "fairness": {
            "protocol": "fairdraw-draw-v1",
            "commitment": r.commitment,
            "committedAt": format_rfc3339(r.committed_at),
            "beacon": if r.beacon_round.is_some() { "drand" } else { "none" },
            "drand": g.beacon_round().ok().flatten().as_ref().map(crate::engine::beacon::beacon_json),
        },
        "widgetUrl": format!("{}/external/widget/{}", public_url.trim_end_matches('/'), r.id),
        "verifyUrl": drawn.as_ref().map(|l| l.verify_url.clone()),
    })
}

/// A chat giveaway as every route here answers it. Only the fields with a closed set of values
/// are described; the others are the reference's (see `view`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ChatGiveawayView {
    id: i64,
    /// SOON until `startTime`, then LIVE; FINISHED once drawn, or CANCELLED.
    #[schema(value_type = ChatStatusName)]
    status: String,
    fairness: ChatFairness,
}

/// The draw commitment of a chat giveaway.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ChatFairness {
    /// `drand` when the draw waits for a named drand round, else `none`.
    #[schema(value_type = BeaconName)]
    beacon: String,
}

/// A page of chat giveaways.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ChatGiveawayPage {
    data: Vec<ChatGiveawayView>,
    page: i64,
    limit: i64,
    total: i64,
    #[schema(rename = "totalPages")]
    total_pages: i64,
}

fn public_url(state: &AppState) -> &str {
    &state.config.public_url
}

#[utoipa::path(post, path = "/giveaway", tag = "External chat giveaways",
    summary = "Create a chat giveaway (JSON or multipart with CSV files and an image)",
    request_body(content = Object, description = "The reference's fields", content_type = "application/json"),
    responses((status = 201, description = "The created giveaway", body = ChatGiveawayView),
        (status = 400, description = "One message per problem", body = Object), (status = 401, body = Object)))]
pub async fn create_giveaway(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    Fields(fields): Fields,
) -> ExtResult {
    let allow_private = state.config.outbound.allow_private;
    let g = state
        .engine
        .create_chat_giveaway(&who, fields, public_url(&state), allow_private)
        .await?;
    Ok(created(view(&g, state.engine.now_ms(), public_url(&state))))
}

fn giveaway_id(raw: &str) -> Result<i64, super::response::ExtError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| EngineError::NotFound("Giveaway").into())
}

#[utoipa::path(get, path = "/giveaway/{id}", tag = "External chat giveaways", summary = "Get a chat giveaway",
    params(("id" = i64, Path)), responses((status = 200, body = ChatGiveawayView), (status = 404, body = Object)))]
pub async fn get_giveaway(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
) -> ExtResult {
    let g = state.engine.chat_giveaway(&who, giveaway_id(&id)?).await?;
    Ok(ok(view(&g, state.engine.now_ms(), public_url(&state))))
}

#[utoipa::path(patch, path = "/giveaway/{id}", tag = "External chat giveaways",
    summary = "Change a chat giveaway (any field while SOON; later only a later endTime)",
    params(("id" = i64, Path)), request_body(content = Object, content_type = "application/json"),
    responses((status = 200, body = ChatGiveawayView), (status = 400, body = Object), (status = 409, body = Object)))]
pub async fn patch_giveaway(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
    Fields(fields): Fields,
) -> ExtResult {
    let allow_private = state.config.outbound.allow_private;
    let g = state
        .engine
        .patch_chat_giveaway(&who, giveaway_id(&id)?, fields, public_url(&state), allow_private)
        .await?;
    Ok(ok(view(&g, state.engine.now_ms(), public_url(&state))))
}

#[utoipa::path(post, path = "/giveaway/{id}/cancel", tag = "External chat giveaways",
    summary = "Cancel a chat giveaway", params(("id" = i64, Path)),
    responses((status = 200, body = ChatGiveawayView), (status = 409, body = Object)))]
pub async fn cancel_giveaway(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
) -> ExtResult {
    let g = state
        .engine
        .cancel_chat_giveaway(&who, giveaway_id(&id)?, public_url(&state))
        .await?;
    Ok(ok(view(&g, state.engine.now_ms(), public_url(&state))))
}

#[derive(Deserialize, IntoParams)]
pub struct ListParams {
    /// SOON, LIVE, FINISHED or CANCELLED.
    #[param(value_type = Option<ChatStatusName>, inline)]
    status: Option<String>,
    /// Only giveaways running in this room.
    #[serde(rename = "roomId")]
    room_id: Option<String>,
    page: Option<String>,
    /// 1 to 100 (default 20).
    limit: Option<String>,
}

/// `page` and `limit` of a list, with one message each when they are not numbers.
pub fn paging(page: Option<&str>, limit: Option<&str>) -> Result<PageRequest, Vec<String>> {
    let mut problems = Vec::new();
    let mut num = |name: &str, v: Option<&str>, max: i64| -> Option<i64> {
        let v = v?;
        match v.trim().parse::<i64>() {
            Ok(n) if (1..=max).contains(&n) => Some(n),
            _ => {
                problems.push(format!("{name} must be an integer between 1 and {max}"));
                None
            }
        }
    };
    let page = num("page", page, i64::from(u32::MAX));
    let limit = num("limit", limit, 100);
    if problems.is_empty() {
        Ok(PageRequest::new(page, limit))
    } else {
        Err(problems)
    }
}

#[utoipa::path(get, path = "/giveaways", tag = "External chat giveaways", summary = "List chat giveaways",
    params(ListParams), responses((status = 200, body = ChatGiveawayPage), (status = 400, body = Object)))]
pub async fn list_giveaways(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    Query(p): Query<ListParams>,
) -> ExtResult {
    let mut problems = Vec::new();
    let status = match p.status.as_deref() {
        None | Some("") => None,
        Some(s) => match ChatStatus::parse(s) {
            Some(st) => Some(st),
            None => {
                problems.push("status must be one of the following values: SOON, LIVE, FINISHED, CANCELLED".to_owned());
                None
            }
        },
    };
    let page = match paging(p.page.as_deref(), p.limit.as_deref()) {
        Ok(page) => Some(page),
        Err(more) => {
            problems.extend(more);
            None
        }
    };
    let Some(page) = page.filter(|_| problems.is_empty()) else {
        return Ok(bad_request(problems));
    };
    let room = p.room_id.filter(|r| !r.is_empty());
    let (items, info) = state.engine.list_chat_giveaways(&who, status, room, page).await?;
    let now = state.engine.now_ms();
    let data: Vec<Value> = items.iter().map(|g| view(g, now, public_url(&state))).collect();
    Ok(ok(json!({
        "data": data,
        "page": info.page,
        "limit": info.per_page,
        "total": info.total,
        "totalPages": info.total_pages,
    })))
}

/// The winners part of an answer: winners, alternates and the certificate's links.
pub fn winners_view(g: &ChatGiveaway, public_url: &str) -> Value {
    let r = &g.row;
    let result: Value = r
        .result
        .as_deref()
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or(Value::Null);
    let verification = match (&r.result_hash, &r.draw_public_id) {
        (Some(hash), Some(public_id)) => {
            let l = DrawLinks::new(public_url, hash, public_id);
            json!({
                "sha256": hash,
                "verify_url": l.verify_url,
                "certificate_pdf": l.certificate_pdf_url,
                "pool_url": l.pool_url,
                "draw_id": public_id,
            })
        }
        _ => Value::Null,
    };
    json!({
        "giveawayId": r.id,
        "winners": result.get("winners").cloned().unwrap_or_else(|| json!([])),
        "alternates": result.get("alternates").cloned().unwrap_or_else(|| json!([])),
        "participantsCount": r.participants_count,
        "eligibleCount": result.get("eligibleCount").cloned(),
        "verification": verification,
    })
}

#[utoipa::path(get, path = "/giveaway/{id}/winners", tag = "External chat giveaways",
    summary = "Winners, alternates and the certificate links", params(("id" = i64, Path)),
    responses((status = 200, body = Object), (status = 404, body = Object)))]
pub async fn get_winners(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
) -> ExtResult {
    let g = state.engine.chat_giveaway(&who, giveaway_id(&id)?).await?;
    let mut body = winners_view(&g, public_url(&state));
    body["status"] = json!(g.status(state.engine.now_ms()).as_str());
    super::claims::add_claims(&state, &g, &mut body).await?;
    Ok(ok(body))
}
