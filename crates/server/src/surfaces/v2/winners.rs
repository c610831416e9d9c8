//! `/v2/giveaways/{id}/winners`: list, random, manual, remove. A random pick is a verifiable
//! draw: its answer adds the draw's id, round and `verification` links, and anyone can re-check
//! it through `/v1/verify/{sha256}` without a key.

use super::extract::{Body, Caller, Path, Query};
use super::response::{Envelope, ErrorEnvelope, ListEnvelope, V2Result, created, list, no_content};
use crate::app::AppState;
use crate::engine::draws::{ManualWinnerInput, RandomWinnersInput};
use axum::extract::State;
use fairdraw_core::page::PageRequest;
use fairdraw_core::time::format_utc;
use fairdraw_store::draws::{WinnerPerson, WinnerRow};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_winners))
        .routes(routes!(random_winners))
        .routes(routes!(manual_winner))
        .routes(routes!(remove_winner))
}

/// The prize a winner holds.
#[derive(Serialize, ToSchema)]
pub struct PrizeInfo {
    prize_name: String,
    prize_value: String,
}

/// A current winner.
#[derive(Serialize, ToSchema)]
pub struct WinnerItem {
    /// The id of this win (not of an entry): pass it to the remove endpoint.
    entry_id: i64,
    user_id: String,
    name: String,
    email: String,
    country: Option<String>,
    /// When they were made a winner (UTC).
    timestamp: String,
    /// Always 1: the list holds current winners only.
    display_winner: i64,
    prize_info: Option<PrizeInfo>,
    /// Not in the reference: "random" (drawn) or "manual" (picked by hand).
    selection: String,
    /// Not in the reference: the draw that picked this winner, for random winners.
    draw_id: Option<String>,
}

fn winner_item(w: WinnerRow) -> WinnerItem {
    WinnerItem {
        entry_id: w.id,
        user_id: w.user_id,
        name: w.name,
        email: w.email,
        country: w.country,
        timestamp: format_utc(w.created_at),
        display_winner: 1,
        prize_info: w.prize_name.map(|prize_name| PrizeInfo {
            prize_name,
            prize_value: w.prize_value.unwrap_or_default(),
        }),
        selection: w.kind,
        draw_id: w.draw_public_id,
    }
}

/// A winner as the pick endpoints return them.
#[derive(Serialize, ToSchema)]
pub struct WinnerSummary {
    user_id: String,
    name: String,
    email: String,
    country: Option<String>,
}

fn summary(p: WinnerPerson) -> WinnerSummary {
    WinnerSummary {
        user_id: p.user_id,
        name: p.name,
        email: p.email,
        country: p.country,
    }
}

#[derive(Deserialize, IntoParams)]
pub struct ListParams {
    page: Option<i64>,
    per_page: Option<i64>,
}

#[utoipa::path(get, path = "/giveaways/{id}/winners", tag = "Winners", summary = "List all winners",
    description = "Current winners, oldest first. `entry_id` is the id of the win, which the remove endpoint takes.",
    params(("id" = i64, Path, description = "The giveaway ID"), ListParams),
    responses((status = 200, body = ListEnvelope<WinnerItem>), (status = 400, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
pub async fn list_winners(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<i64>,
    Query(p): Query<ListParams>,
) -> V2Result {
    let page = PageRequest::new(p.page, p.per_page);
    let (rows, info) = state.engine.list_winners(&who, id, page).await?;
    Ok(list(rows.into_iter().map(winner_item).collect(), info))
}

/// Where anyone can re-check a draw.
#[derive(Serialize, ToSchema)]
pub struct Verification {
    /// The draw's result hash, the `{hash}` of `/v1/verify/{hash}`.
    sha256: String,
    verify_url: String,
    certificate_pdf: String,
}

#[derive(Serialize, ToSchema)]
pub struct RandomWinners {
    winners_selected: usize,
    winners_requested: u32,
    eligible_pool_size: u64,
    winners: Vec<WinnerSummary>,
    verification: Verification,
    /// The draw's public id.
    draw_id: String,
    /// 0 for the giveaway's first draw, then 1, 2, …
    round: u32,
}

#[utoipa::path(post, path = "/giveaways/{id}/winners/random", tag = "Winners", summary = "Randomly select winners",
    description = "Draws from the eligible pool (active, verified participants with at least `min_entries` valid \
        entries, minus current winners unless `exclude_previous_winners` is false), weighted by entries \
        (one ticket each in points mode), under the commitment published with the giveaway. If fewer \
        participants are eligible than requested, all of them are selected. Prizes go to the winners in \
        prize order. The giveaway must be published.",
    params(("id" = i64, Path, description = "The giveaway ID")),
    request_body = RandomWinnersInput,
    responses((status = 201, body = Envelope<RandomWinners>), (status = 400, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn random_winners(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<i64>,
    Body(input): Body<RandomWinnersInput>,
) -> V2Result {
    let d = state
        .engine
        .draw_winners(&who, id, input, &state.config.public_url)
        .await?;
    Ok(created(RandomWinners {
        winners_selected: d.winners.len(),
        winners_requested: d.winners_requested,
        eligible_pool_size: d.eligible_pool_size,
        winners: d.winners.into_iter().map(summary).collect(),
        verification: Verification {
            sha256: d.result_hash,
            verify_url: d.links.verify_url,
            certificate_pdf: d.links.certificate_pdf_url,
        },
        draw_id: d.public_id,
        round: d.round,
    }))
}

#[utoipa::path(post, path = "/giveaways/{id}/winners/manual", tag = "Winners", summary = "Manually pick a winner",
    description = "Provide `user_id` or `email` (not both). The participant must be active, have at least one \
        valid entry and not already be a winner (409). Recorded as a manual pick: no draw certificate names them.",
    params(("id" = i64, Path, description = "The giveaway ID")),
    request_body = ManualWinnerInput,
    responses((status = 201, body = Envelope<WinnerSummary>), (status = 400, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn manual_winner(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<i64>,
    Body(input): Body<ManualWinnerInput>,
) -> V2Result {
    let p = state.engine.pick_manual_winner(&who, id, input).await?;
    Ok(created(summary(p)))
}

#[utoipa::path(delete, path = "/giveaways/{id}/winners/{winner_id}", tag = "Winners", summary = "Remove winner status",
    description = "`winner_id` is the `entry_id` of the List Winners endpoint. The removal is recorded; the draw \
        that picked the winner is unchanged and still verifies. Their prize becomes available again.",
    params(("id" = i64, Path, description = "The giveaway ID"), ("winner_id" = i64, Path, description = "The `entry_id` from the winners list")),
    responses((status = 204), (status = 404, body = ErrorEnvelope)))]
pub async fn remove_winner(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path((id, winner_id)): Path<(i64, i64)>,
) -> V2Result {
    state.engine.remove_winner(&who, id, winner_id).await?;
    Ok(no_content())
}
