//! `/api/public/claim/{token}`: a winner's claim, without an API key; the signed token of the
//! claim link is the credential (engine/claims.rs). The claim page `/claim/{token}` does the
//! same for people, without JavaScript.

use crate::app::AppState;
use crate::engine::claims::ClaimView;
use crate::surfaces::enums::{ClaimStatusName, QuestionKindName, question_kind_name};
use crate::surfaces::v2::extract::{Body, Path};
use crate::surfaces::v2::response::{Envelope, ErrorEnvelope, V2Result, ok};
use axum::extract::State;
use fairdraw_core::claims::ClaimQuestion;
use fairdraw_core::time::format_utc;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_claim, submit_claim))
}

/// One question of the claim form.
#[derive(Serialize, ToSchema)]
pub struct QuestionOut {
    id: String,
    label: String,
    /// text, long_text, checkbox or date (YYYY-MM-DD).
    #[schema(value_type = QuestionKindName)]
    kind: &'static str,
    required: bool,
}

fn question(q: &ClaimQuestion) -> QuestionOut {
    QuestionOut {
        id: q.id.clone(),
        label: q.label.clone(),
        kind: question_kind_name(q.kind),
        required: q.required,
    }
}

/// A claim: where it stands and what it asks. The answers given are never shown back.
#[derive(Serialize, ToSchema)]
pub struct ClaimOut {
    giveaway_title: String,
    name: String,
    prize_name: Option<String>,
    /// pending, claimed, expired or disqualified.
    #[schema(value_type = ClaimStatusName)]
    claim_status: &'static str,
    /// UTC.
    claim_deadline: Option<String>,
    claimed_at: Option<String>,
    questions: Vec<QuestionOut>,
}

pub fn claim_out(v: &ClaimView) -> ClaimOut {
    ClaimOut {
        giveaway_title: v.giveaway_title.clone(),
        name: v.name.clone(),
        prize_name: v.prize_name.clone(),
        claim_status: v.status.as_str(),
        claim_deadline: v.deadline.map(format_utc),
        claimed_at: v.claimed_at.map(format_utc),
        questions: v.config.questions.iter().map(question).collect(),
    }
}

/// The answers, by question id. A checkbox is answered `true` (or "yes").
#[derive(Deserialize, ToSchema)]
pub struct ClaimInput {
    #[serde(default)]
    #[schema(value_type = Object)]
    answers: BTreeMap<String, serde_json::Value>,
}

#[utoipa::path(get, path = "/claim/{token}", tag = "Claims", summary = "Read a winner's claim",
    description = "The token of the claim link the winner received. 404 for a link that is not valid.",
    params(("token" = String, Path, description = "The claim link's token")),
    responses((status = 200, body = Envelope<ClaimOut>), (status = 404, body = ErrorEnvelope)))]
pub async fn get_claim(State(state): State<AppState>, Path(token): Path<String>) -> V2Result {
    let v = state.engine.claim(&token).await?;
    Ok(ok(claim_out(&v)))
}

#[utoipa::path(post, path = "/claim/{token}", tag = "Claims", summary = "Claim a win",
    description = "Answers the giveaway's claim questions and claims the win, before its deadline. The answers \
        are stored encrypted and shown only to the organiser. 409 when the win is already claimed, expired or \
        withdrawn; 422 names each answer that is missing or malformed.",
    params(("token" = String, Path, description = "The claim link's token")),
    request_body = ClaimInput,
    responses((status = 200, body = Envelope<ClaimOut>), (status = 404, body = ErrorEnvelope),
        (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn submit_claim(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Body(input): Body<ClaimInput>,
) -> V2Result {
    let answers = input
        .answers
        .into_iter()
        .map(|(k, v)| {
            let text = match v {
                serde_json::Value::String(s) => s,
                serde_json::Value::Bool(true) => "yes".to_owned(),
                serde_json::Value::Bool(false) | serde_json::Value::Null => String::new(),
                other => other.to_string(),
            };
            (k, text)
        })
        .collect();
    let v = state.engine.submit_claim(&token, &answers).await?;
    Ok(ok(claim_out(&v)))
}
