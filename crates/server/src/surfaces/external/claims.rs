//! `/external/giveaway/{id}/winners/{userId}/claim|disqualify`: winners who must claim
//! (`claimDeadlineHours`). The partner's backend reaches its winner in chat and confirms the
//! claim; a winner not confirmed by the deadline, or disqualified, is replaced by the next
//! alternate of the draw, in the certificate's order. The winners call shows where each win
//! stands and every replacement.

use super::response::{ExtError, ExtResult, bad_request, ok};
use crate::app::AppState;
use crate::engine::chat_giveaways::ChatGiveaway;
use crate::engine::result_claims::ResultClaim;
use crate::engine::{EngineError, Principal};
use axum::Extension;
use axum::extract::{Path, State};
use fairdraw_core::time::format_rfc3339;
use fairdraw_store::result_claims::ClaimSurface;
use serde_json::{Value, json};

fn id_of(raw: &str) -> Result<i64, ExtError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| EngineError::NotFound("Giveaway").into())
}

fn claim_fields(c: &ResultClaim) -> Value {
    json!({
        "userId": c.row.candidate_id,
        "claimStatus": c.status.as_str(),
        "claimDeadline": format_rfc3339(c.row.deadline),
        "claimedAt": c.row.claimed_at.map(format_rfc3339),
        "replacesUserId": c.replaces,
        "alternatePosition": c.row.alternate_position,
    })
}

fn merge(person: &mut Value, claim: &Value) {
    for (k, v) in claim.as_object().into_iter().flatten() {
        person[k] = v.clone();
    }
}

/// Adds the claims to a winners answer: each listed winner's claim fields, the alternates
/// promoted since (appended to `winners`), and the replacements, oldest first.
pub async fn add_claims(state: &AppState, g: &ChatGiveaway, body: &mut Value) -> Result<(), ExtError> {
    if g.spec.claim_deadline_hours.is_none() {
        return Ok(());
    }
    let claims = state.engine.result_claims(ClaimSurface::Chat, g.id()).await?;
    let alternates = body["alternates"].as_array().cloned().unwrap_or_default();
    let winners = body["winners"].as_array_mut();
    if let Some(winners) = winners {
        for c in &claims {
            let fields = claim_fields(c);
            match winners.iter_mut().find(|w| w["userId"] == fields["userId"]) {
                Some(w) => merge(w, &fields),
                None => {
                    let mut p = alternates
                        .iter()
                        .find(|a| a["userId"] == fields["userId"])
                        .cloned()
                        .unwrap_or_else(|| json!({}));
                    merge(&mut p, &fields);
                    winners.push(p);
                }
            }
        }
    }
    // Every win of the giveaway is of its one draw.
    let replacements = match claims.first().map(|c| c.row.draw_id) {
        Some(draw_id) => state
            .engine
            .db()
            .replacements_of_draw(draw_id)
            .await
            .map_err(EngineError::from)?,
        None => Vec::new(),
    };
    body["claimDeadlineHours"] = json!(g.spec.claim_deadline_hours);
    body["replacements"] = replacements
        .iter()
        .map(|r| {
            json!({
                "userId": r.old_candidate_id,
                "reason": r.reason,
                "note": r.note,
                "by": if r.actor == "scheduler" { "deadline" } else { "partner" },
                "replacementUserId": r.new_candidate_id,
                "alternatePosition": r.alternate_position,
                "replacedAt": format_rfc3339(r.created_at),
            })
        })
        .collect();
    Ok(())
}

#[utoipa::path(post, path = "/giveaway/{id}/winners/{userId}/claim", tag = "External chat giveaways",
    summary = "Confirm that a winner claimed the prize (the giveaway sets claimDeadlineHours)",
    params(("id" = i64, Path), ("userId" = String, Path)),
    responses((status = 200, description = "The winner, claimed", body = Object), (status = 404, body = Object),
        (status = 409, description = "Already claimed, expired, disqualified, or no claim is asked", body = Object)))]
pub async fn claim(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    Path((id, user_id)): Path<(String, String)>,
) -> ExtResult {
    let c = state.engine.claim_chat_win(&who, id_of(&id)?, &user_id).await?;
    Ok(ok(claim_fields(&c)))
}

#[utoipa::path(post, path = "/giveaway/{id}/winners/{userId}/disqualify", tag = "External chat giveaways",
    summary = "Disqualify a winner: the next alternate of the draw takes the win",
    params(("id" = i64, Path), ("userId" = String, Path)),
    request_body(content = Object, description = "{\"reason\": \"…\"} (optional, at most 500 characters)", content_type = "application/json"),
    responses((status = 200, description = "The forfeited win and its replacement (null when no alternate was left)", body = Object),
        (status = 400, body = Object), (status = 404, body = Object), (status = 409, body = Object)))]
pub async fn disqualify(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    Path((id, user_id)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> ExtResult {
    let id = id_of(&id)?;
    if let Some(refused) = super::response::nul_in_json(&body) {
        return Ok(refused);
    }
    let value: Value = if body.is_empty() {
        json!({})
    } else {
        match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(e) => return Ok(bad_request(vec![format!("the body is not valid JSON: {e}")])),
        }
    };
    let reason = match &value["reason"] {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        _ => return Ok(bad_request(vec!["reason must be a string".to_owned()])),
    };
    let r = state
        .engine
        .disqualify_chat_winner(&who, id, &user_id, reason)
        .await
        .map_err(|e| match e {
            EngineError::Validation(_) => ExtError::from(EngineError::BadRequest(format!(
                "reason must be at most {} characters",
                fairdraw_core::claims::MAX_REASON
            ))),
            other => other.into(),
        })?;
    let show = |row: &fairdraw_store::result_claims::ResultClaimRow| {
        json!({
            "userId": row.candidate_id,
            "claimStatus": row.status,
            "claimDeadline": format_rfc3339(row.deadline),
            "alternatePosition": row.alternate_position,
        })
    };
    Ok(ok(json!({
        "disqualified": show(&r.forfeited),
        "replacement": r.promoted.as_ref().map(show),
    })))
}
