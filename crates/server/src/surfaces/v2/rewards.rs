//! `/v2/giveaways/{id}/rewards`: list, create, update, delete milestone rewards.

use super::extract::{Body, Caller, Path};
use super::response::{Envelope, ErrorEnvelope, V2Result, created, no_content, ok};
use crate::app::AppState;
use crate::engine::rewards::{Reward, RewardInput};
use crate::surfaces::enums::RewardType;
use axum::extract::State;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_rewards, create_reward))
        .routes(routes!(update_reward, delete_reward))
}

/// One reward in the list.
#[derive(Serialize, ToSchema)]
pub struct RewardItem {
    id: i64,
    /// 1 = prize entry, 2 = coupon code.
    #[serde(rename = "type")]
    #[schema(value_type = RewardType)]
    reward_type: i64,
    title: String,
    entries_required: i64,
    prize_random_or_guaranteed: i64,
    coupon_if_coupon_code: i64,
    coupon_code: Option<String>,
    coupon_directions: Option<String>,
    hide_progress: bool,
    send_email: i64,
    order: i64,
    email_subject: Option<String>,
    email_body: Option<String>,
    email_reply_to_email: Option<String>,
    email_reply_to_name: Option<String>,
}

fn item(r: Reward) -> RewardItem {
    RewardItem {
        id: r.id,
        reward_type: r.reward_type,
        title: r.title,
        entries_required: r.entries_required,
        prize_random_or_guaranteed: r.prize_random_or_guaranteed,
        coupon_if_coupon_code: r.coupon_if_coupon_code,
        coupon_code: r.coupon_code,
        coupon_directions: r.coupon_directions,
        hide_progress: r.hide_progress != 0,
        send_email: r.send_email,
        order: r.reward_order,
        email_subject: r.email_subject,
        email_body: r.email_body,
        email_reply_to_email: r.email_reply_to_email,
        email_reply_to_name: r.email_reply_to_name,
    }
}

#[utoipa::path(get, path = "/giveaways/{id}/rewards", tag = "Rewards", summary = "List unlock rewards",
    params(("id" = i64, Path, description = "The giveaway ID")),
    responses((status = 200, body = Envelope<Vec<RewardItem>>), (status = 404, body = ErrorEnvelope)))]
pub async fn list_rewards(State(state): State<AppState>, Caller(who): Caller, Path(id): Path<i64>) -> V2Result {
    let rewards = state.engine.list_rewards(&who, id).await?;
    Ok(ok(rewards.into_iter().map(item).collect::<Vec<_>>()))
}

#[derive(Serialize, ToSchema)]
pub struct CreatedReward {
    id: i64,
    /// The giveaway's id.
    competition_id: i64,
    #[serde(rename = "type")]
    #[schema(value_type = RewardType)]
    reward_type: i64,
    title: String,
    entries_required: i64,
    order: i64,
}

#[utoipa::path(post, path = "/giveaways/{id}/rewards", tag = "Rewards", summary = "Create a reward",
    params(("id" = i64, Path, description = "The giveaway ID")),
    request_body = RewardInput,
    responses((status = 201, body = Envelope<CreatedReward>), (status = 400, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn create_reward(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<i64>,
    Body(input): Body<RewardInput>,
) -> V2Result {
    let r = state.engine.create_reward(&who, id, input).await?;
    Ok(created(CreatedReward {
        id: r.id,
        competition_id: r.giveaway_id,
        reward_type: r.reward_type,
        title: r.title,
        entries_required: r.entries_required,
        order: r.reward_order,
    }))
}

#[utoipa::path(put, path = "/giveaways/{id}/rewards/{reward_id}", tag = "Rewards", summary = "Update a reward",
    params(("id" = i64, Path, description = "The giveaway ID"), ("reward_id" = i64, Path, description = "The reward ID")),
    request_body = RewardInput,
    responses((status = 200, body = Envelope<Object>), (status = 400, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn update_reward(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path((id, reward_id)): Path<(i64, i64)>,
    Body(input): Body<RewardInput>,
) -> V2Result {
    let r = state.engine.update_reward(&who, id, reward_id, input).await?;
    Ok(ok(json!({ "id": r.id, "message": "Reward updated successfully." })))
}

#[utoipa::path(delete, path = "/giveaways/{id}/rewards/{reward_id}", tag = "Rewards", summary = "Delete a reward",
    params(("id" = i64, Path, description = "The giveaway ID"), ("reward_id" = i64, Path, description = "The reward ID")),
    responses((status = 204), (status = 404, body = ErrorEnvelope)))]
pub async fn delete_reward(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path((id, reward_id)): Path<(i64, i64)>,
) -> V2Result {
    state.engine.delete_reward(&who, id, reward_id).await?;
    Ok(no_content())
}
