//! `/v2/giveaways/{id}/prizes`: list, add, update, archive. Redemption codes are accepted but
//! never returned; a prize shows only how many it has and how many are left.

use super::extract::{Body, Caller, Path};
use super::response::{Envelope, ErrorEnvelope, V2Result, created, no_content, ok};
use crate::app::AppState;
use crate::engine::prizes::{Prize, PrizeInput};
use axum::extract::State;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_prizes, create_prize))
        .routes(routes!(update_prize, delete_prize))
}

/// One prize in the list.
#[derive(Serialize, ToSchema)]
pub struct PrizeItem {
    /// The prize's number within the giveaway.
    prize_id: i64,
    prize_name: String,
    prize_value: String,
    prize_currency: String,
    prize_winners_allowed: i64,
    /// Winners who currently hold this prize.
    prize_winners_redeemed: i64,
    prize_order: i64,
    redemption_switch: bool,
    has_redemption_codes: bool,
    redemption_codes_total: i64,
    /// Codes not yet handed to a winner.
    redemption_codes_available: i64,
}

fn item(p: Prize) -> PrizeItem {
    PrizeItem {
        prize_id: p.number,
        has_redemption_codes: p.has_redemption_codes(),
        prize_name: p.name,
        prize_value: p.value.unwrap_or_default(),
        prize_currency: p.currency,
        prize_winners_allowed: p.winners_allowed,
        prize_winners_redeemed: p.winners_redeemed,
        prize_order: p.order,
        redemption_switch: p.redemption_switch,
        redemption_codes_total: p.codes_total,
        redemption_codes_available: p.codes_available,
    }
}

#[utoipa::path(get, path = "/giveaways/{id}/prizes", tag = "Prizes", summary = "List all prizes",
    params(("id" = i64, Path, description = "The giveaway ID")),
    responses((status = 200, body = Envelope<Vec<PrizeItem>>), (status = 404, body = ErrorEnvelope)))]
pub async fn list_prizes(State(state): State<AppState>, Caller(who): Caller, Path(id): Path<i64>) -> V2Result {
    let prizes = state.engine.list_prizes(&who, id).await?;
    Ok(ok(prizes.into_iter().map(item).collect::<Vec<_>>()))
}

#[derive(Serialize, ToSchema)]
pub struct CreatedPrize {
    /// The prize's global id.
    id: i64,
    /// The prize's number within the giveaway, used in its URL.
    prize_id: i64,
    prize_name: String,
    prize_value: String,
    prize_currency: String,
    prize_winners_allowed: i64,
    prize_order: i64,
    redemption_switch: bool,
}

#[utoipa::path(post, path = "/giveaways/{id}/prizes", tag = "Prizes", summary = "Add a prize",
    params(("id" = i64, Path, description = "The giveaway ID")),
    request_body = PrizeInput,
    responses((status = 201, body = Envelope<CreatedPrize>), (status = 400, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn create_prize(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<i64>,
    Body(input): Body<PrizeInput>,
) -> V2Result {
    let p = state.engine.create_prize(&who, id, input).await?;
    Ok(created(CreatedPrize {
        id: p.id,
        prize_id: p.number,
        prize_name: p.name,
        prize_value: p.value.unwrap_or_default(),
        prize_currency: p.currency,
        prize_winners_allowed: p.winners_allowed,
        prize_order: p.order,
        redemption_switch: p.redemption_switch,
    }))
}

#[utoipa::path(put, path = "/giveaways/{id}/prizes/{prize_id}", tag = "Prizes", summary = "Update a prize",
    params(("id" = i64, Path, description = "The giveaway ID"), ("prize_id" = i64, Path, description = "The prize's number within the giveaway")),
    request_body = PrizeInput,
    responses((status = 200, body = Envelope<Object>), (status = 400, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn update_prize(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path((id, prize_id)): Path<(i64, i64)>,
    Body(input): Body<PrizeInput>,
) -> V2Result {
    let p = state.engine.update_prize(&who, id, prize_id, input).await?;
    Ok(ok(
        json!({ "prize_id": p.number, "message": "Prize updated successfully." }),
    ))
}

#[utoipa::path(delete, path = "/giveaways/{id}/prizes/{prize_id}", tag = "Prizes", summary = "Delete a prize",
    params(("id" = i64, Path, description = "The giveaway ID"), ("prize_id" = i64, Path, description = "The prize's number within the giveaway")),
    responses((status = 204), (status = 404, body = ErrorEnvelope)))]
pub async fn delete_prize(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path((id, prize_id)): Path<(i64, i64)>,
) -> V2Result {
    state.engine.delete_prize(&who, id, prize_id).await?;
    Ok(no_content())
}
