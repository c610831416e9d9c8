//! `/v2/giveaways/{id}/winners`: list, random, manual, remove. A random pick is a verifiable
//! draw: its answer adds the draw's id, round and `verification` links, and anyone can re-check
//! it through `/v1/verify/{sha256}` without a key.

use super::extract::{Body, Caller, Path, Query};
use super::response::{Envelope, ErrorEnvelope, ListEnvelope, V2Result, created, list, no_content, ok};
use crate::app::AppState;
use crate::engine::draws::{ManualWinnerInput, RandomWinnersInput};
use crate::surfaces::enums::{ClaimStatusName, WinnerSelection};
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
        // Winners who must claim.
        .routes(routes!(disqualify_winner))
        .routes(routes!(winner_claim))
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
    /// 1 for a current winner; 0 for a win forfeited (claim expired, or disqualified), which the
    /// list keeps so its replacement can be followed.
    display_winner: i64,
    prize_info: Option<PrizeInfo>,
    /// Not in the reference: "random" (drawn) or "manual" (picked by hand).
    #[schema(value_type = WinnerSelection)]
    selection: String,
    /// Not in the reference: the draw that picked this winner, for random winners.
    draw_id: Option<String>,
    /// Not in the reference: pending, claimed, expired or disqualified; null when the giveaway
    /// did not require a claim.
    #[schema(value_type = Option<ClaimStatusName>)]
    claim_status: Option<String>,
    /// When an unclaimed win expires (UTC).
    claim_deadline: Option<String>,
    claimed_at: Option<String>,
    /// The `entry_id` of the forfeited win this one took over.
    replaces_entry_id: Option<i64>,
}

fn winner_item(w: WinnerRow) -> WinnerItem {
    let forfeited = matches!(w.claim_status.as_deref(), Some("expired" | "disqualified"));
    WinnerItem {
        entry_id: w.id,
        user_id: w.user_id,
        name: w.name,
        email: w.email,
        country: w.country,
        timestamp: format_utc(w.created_at),
        display_winner: i64::from(!forfeited),
        prize_info: w.prize_name.map(|prize_name| PrizeInfo {
            prize_name,
            prize_value: w.prize_value.unwrap_or_default(),
        }),
        selection: w.kind,
        draw_id: w.draw_public_id,
        claim_status: w.claim_status,
        claim_deadline: w.claim_deadline.map(format_utc),
        claimed_at: w.claimed_at.map(format_utc),
        replaces_entry_id: w.replaces_winner_id,
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
    description = "Current winners, oldest first. `entry_id` is the id of the win, which the remove endpoint takes. \
        Wins forfeited (claim expired, or disqualified) stay listed with `display_winner` 0 and their \
        `claim_status`; the win that replaced one names it in `replaces_entry_id`.",
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

// ---- Winners who must claim -------------------------------------------------------------

/// The body of a disqualification.
#[derive(Deserialize, ToSchema)]
pub struct DisqualifyInput {
    /// Why, for the draw's audit (shown on its verify page), up to 500 characters.
    reason: Option<String>,
}

/// What a disqualification or an expiry did.
#[derive(Serialize, ToSchema)]
pub struct Replaced {
    /// The `entry_id` of the forfeited win.
    replaced_entry_id: i64,
    /// The `entry_id` of the win that replaces it; null when nobody was left to draw.
    replacement_entry_id: Option<i64>,
    replacement_user_id: Option<String>,
    /// 0-based position of the promoted alternate in the draw certificate's `extras`; null
    /// when the alternates had run out and a new round was drawn.
    alternate_position: Option<usize>,
    /// The new round's draw id, when one was drawn.
    new_round_draw_id: Option<String>,
}

#[utoipa::path(post, path = "/giveaways/{id}/winners/{winner_id}/disqualify", tag = "Winners",
    summary = "Disqualify a winner",
    description = "Ends a current win (`winner_id` is the list's `entry_id`) and gives its prize to the next \
        alternate of the same draw, in the order its certificate lists them (`extras`); alternates who have \
        won before or are no longer eligible are passed over. Never a new draw while an alternate is left; \
        when none is, a new round is drawn and linked. Recorded in the draw's audit and on its verify page.",
    params(("id" = i64, Path, description = "The giveaway ID"), ("winner_id" = i64, Path, description = "The `entry_id` from the winners list")),
    request_body = DisqualifyInput,
    responses((status = 200, body = Envelope<Replaced>), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn disqualify_winner(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path((id, winner_id)): Path<(i64, i64)>,
    Body(input): Body<DisqualifyInput>,
) -> V2Result {
    let reason = input.reason;
    let r = state.engine.disqualify_winner(&who, id, winner_id, reason).await?;
    Ok(ok(Replaced {
        replaced_entry_id: r.replaced_winner_id,
        replacement_entry_id: r.new_winner_id,
        replacement_user_id: r.new_user_id,
        alternate_position: r.alternate_position,
        new_round_draw_id: r.new_draw,
    }))
}

/// A win's claim, with the winner's answers.
#[derive(Serialize, ToSchema)]
pub struct WinnerClaim {
    entry_id: i64,
    #[schema(value_type = ClaimStatusName)]
    claim_status: &'static str,
    claim_deadline: Option<String>,
    claimed_at: Option<String>,
    /// By question id.
    #[schema(value_type = Object)]
    answers: std::collections::BTreeMap<String, String>,
}

#[utoipa::path(get, path = "/giveaways/{id}/winners/{winner_id}/claim", tag = "Winners",
    summary = "Read a winner's claim",
    description = "The claim's status and the answers the winner gave (stored encrypted; opened for you).",
    params(("id" = i64, Path, description = "The giveaway ID"), ("winner_id" = i64, Path, description = "The `entry_id` from the winners list")),
    responses((status = 200, body = Envelope<WinnerClaim>), (status = 404, body = ErrorEnvelope)))]
pub async fn winner_claim(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path((id, winner_id)): Path<(i64, i64)>,
) -> V2Result {
    let (v, answers) = state.engine.claim_answers(&who, id, winner_id).await?;
    Ok(ok(WinnerClaim {
        entry_id: v.winner_id,
        claim_status: v.status.as_str(),
        claim_deadline: v.deadline.map(format_utc),
        claimed_at: v.claimed_at.map(format_utc),
        answers,
    }))
}
