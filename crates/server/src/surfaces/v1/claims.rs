//! `/v1/draws/{id}/winners/{handle}/claim|disqualify`: winners who must claim a comment draw's
//! prize (`claim_deadline_hours` in the draw request). The brand's platform reaches the winner
//! and confirms the claim; a winner not confirmed by the deadline, or disqualified, is replaced
//! by the next extra in the certificate's order. A draw's `winners` and `extras` carry each
//! win's `claim_status`, `claim_deadline` and `claimed_at`, with the replacements.

use super::{Body, Caller, ErrorBody, V1Result};
use crate::app::AppState;
use crate::engine::comment_draws::claim_json;
use crate::engine::result_claims::ResultClaim;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use fairdraw_core::time::format_rfc3339;
use fairdraw_store::comment_draws::CommentDrawRow;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(claim)).routes(routes!(disqualify))
}

fn claim_fields(c: &ResultClaim) -> Value {
    let mut v = claim_json(&c.row);
    v["claim_status"] = json!(c.status.as_str());
    v
}

fn merge(person: &mut Value, fields: &Value) {
    for (k, v) in fields.as_object().into_iter().flatten() {
        person[k] = v.clone();
    }
}

/// Adds the claims to a draw's answer: the claim fields on each winner and on each extra
/// promoted since (with whom it replaced), and the replacements.
pub async fn annotate(state: &AppState, row: &CommentDrawRow, v: &mut Value) -> Result<(), super::V1Error> {
    if row.claim_deadline_hours.is_none() || row.status != "completed" {
        return Ok(());
    }
    let claims = state.engine.comment_draw_claims(row).await?;
    for c in &claims {
        let mut fields = claim_fields(c);
        let list = if c.row.replaces_claim_id.is_some() {
            fields["replaces"] = json!(c.replaces.as_ref().map(|h| format!("@{h}")));
            fields["extra_position"] = json!(c.row.alternate_position);
            "extras"
        } else {
            "winners"
        };
        if let Some(p) = v[list]
            .as_array_mut()
            .and_then(|l| l.iter_mut().find(|p| p["username"] == fields["username"]))
        {
            merge(p, &fields);
        }
    }
    let replacements = match row.draw_id {
        Some(id) => state
            .engine
            .db()
            .replacements_of_draw(id)
            .await
            .map_err(crate::engine::EngineError::from)?,
        None => Vec::new(),
    };
    v["claim_deadline_hours"] = json!(row.claim_deadline_hours);
    v["replacements"] = replacements
        .iter()
        .map(|r| {
            json!({
                "username": format!("@{}", r.old_candidate_id),
                "reason": r.reason,
                "note": r.note,
                "by": if r.actor == "scheduler" { "deadline" } else { "api" },
                "replacement": r.new_candidate_id.as_ref().map(|h| format!("@{h}")),
                "extra_position": r.alternate_position,
                "replaced_at": format_rfc3339(r.created_at),
            })
        })
        .collect();
    Ok(())
}

#[utoipa::path(post, path = "/draws/{id}/winners/{handle}/claim", tag = "Draws",
    summary = "Confirm that a winner claimed the prize",
    description = "For a draw made with `claim_deadline_hours`. Answers the winner with `claim_status` `claimed`; \
        409 when already claimed, past the deadline, disqualified, or the draw asks no claim. Sends `winner.claimed`.",
    params(("id" = String, Path, description = "drw_…"), ("handle" = String, Path, description = "The winner's handle, with or without @")),
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn claim(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path((id, handle)): Path<(String, String)>,
) -> V1Result {
    let c = state.engine.claim_comment_win(&who, &id, &handle).await?;
    Ok(Json(claim_fields(&c)).into_response())
}

/// The body of `disqualify`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(as = V1DisqualifyInput)]
pub struct DisqualifyInput {
    /// Why, for the audit and the verify page (at most 500 characters).
    pub reason: Option<String>,
}

#[utoipa::path(post, path = "/draws/{id}/winners/{handle}/disqualify", tag = "Draws",
    summary = "Disqualify a winner: the next extra takes the win",
    description = "The win goes to the first extra of the draw, in the certificate's order, who has not won it; \
        `replacement` is null when none is left. Sends `winner.replaced`; the verify page records it.",
    params(("id" = String, Path, description = "drw_…"), ("handle" = String, Path, description = "The winner's handle, with or without @")),
    request_body = DisqualifyInput,
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn disqualify(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path((id, handle)): Path<(String, String)>,
    Body(input): Body<DisqualifyInput>,
) -> V1Result {
    let r = state
        .engine
        .disqualify_comment_winner(&who, &id, &handle, input.reason)
        .await?;
    let show = |row: &fairdraw_store::result_claims::ResultClaimRow| {
        let mut v = claim_json(row);
        v["extra_position"] = json!(row.alternate_position);
        v
    };
    Ok(Json(json!({
        "disqualified": show(&r.forfeited),
        "replacement": r.promoted.as_ref().map(show),
    }))
    .into_response())
}
