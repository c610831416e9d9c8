//! `/v2/giveaways`: list, get, create, update, delete, duplicate, publish, stats, embed-code.

use super::extract::{Body, Caller, Path, Query};
use super::response::{Envelope, ErrorEnvelope, ListEnvelope, V2Result, created, list, no_content, ok};
use crate::app::AppState;
use crate::engine::{EngineError, Giveaway, GiveawayFilter};
use crate::surfaces::enums::{Choices, ClaimNotifyName, CompetitionType, GiveawayStatus, Visibility, string_enum};
use crate::surfaces::links::links;
use axum::extract::State;
use fairdraw_core::giveaway::GiveawayInput;
use fairdraw_core::page::PageRequest;
use fairdraw_core::time::{format_rfc3339, format_utc};
use fairdraw_store::giveaways::{GiveawaySort, StatusFilter};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};

/// The `status` filter of the list: a status, or all (the default).
const STATUS_FILTERS: Choices<StatusFilter> = Choices {
    name: "status",
    table: &[
        ("live", StatusFilter::Live),
        ("scheduled", StatusFilter::Scheduled),
        ("expired", StatusFilter::Expired),
        ("draft", StatusFilter::Draft),
        ("all", StatusFilter::All),
    ],
};

const SORTS: Choices<GiveawaySort> = Choices {
    name: "sort",
    table: &[
        ("id_desc", GiveawaySort::IdDesc),
        ("id_asc", GiveawaySort::IdAsc),
        ("start_time_desc", GiveawaySort::StartTimeDesc),
        ("start_time_asc", GiveawaySort::StartTimeAsc),
        ("end_time_desc", GiveawaySort::EndTimeDesc),
        ("end_time_asc", GiveawaySort::EndTimeAsc),
    ],
};

string_enum!(
    /// The `status` filter of `GET /v2/giveaways`.
    GiveawayStatusFilter => STATUS_FILTERS.values()
);

string_enum!(
    /// The orders of `GET /v2/giveaways`.
    GiveawayOrder => SORTS.values()
);

#[derive(Deserialize, IntoParams)]
pub struct ListParams {
    /// live, scheduled, expired, draft, or all (default).
    #[param(value_type = Option<GiveawayStatusFilter>, inline)]
    status: Option<String>,
    /// id_desc (default), id_asc, start_time_desc, start_time_asc, end_time_desc, end_time_asc.
    #[param(value_type = Option<GiveawayOrder>, inline)]
    sort: Option<String>,
    /// Matches the title or the URL slug.
    search: Option<String>,
    page: Option<i64>,
    per_page: Option<i64>,
}

/// One giveaway in a list.
#[derive(Serialize, ToSchema)]
pub struct GiveawaySummary {
    id: i64,
    url: String,
    #[schema(value_type = GiveawayStatus)]
    status: &'static str,
    title: String,
    description: Option<String>,
    start_time: String,
    end_time: String,
    time_zone: String,
    language: String,
    number_of_winners: i64,
    image_url: Option<String>,
    total_entries: i64,
    total_participants: i64,
    is_draft: bool,
    created_at: String,
}

fn summary(g: Giveaway) -> GiveawaySummary {
    let r = g.row;
    GiveawaySummary {
        id: r.id,
        url: r.slug,
        status: g.status.as_str(),
        title: r.title,
        description: r.description,
        start_time: r.start_local,
        end_time: r.end_local,
        time_zone: r.time_zone,
        language: r.language,
        number_of_winners: r.number_of_winners,
        image_url: r.image_url,
        total_entries: r.total_entries,
        total_participants: r.total_participants,
        is_draft: r.is_draft != 0,
        created_at: format_utc(r.created_at),
    }
}

/// The giveaway's `fairness` object: its commitment and, when it draws on a public beacon, the
/// round it named (chain hash, round, public key), all fixed at publication. `null` for a draft
/// that asks for no beacon.
fn fairness(g: &Giveaway) -> Option<Value> {
    let r = &g.row;
    if r.commitment.is_none() && r.beacon == "none" {
        return None;
    }
    Some(json!({
        "protocol": fairdraw_core::draw::PROTOCOL,
        "commitment": r.commitment,
        "committed_at": r.committed_at.map(format_rfc3339),
        "beacon": r.beacon,
        "drand": g.beacon_round.as_ref().map(crate::engine::beacon::beacon_json),
    }))
}

#[utoipa::path(get, path = "/giveaways", tag = "Giveaways", summary = "List all your giveaways",
    params(ListParams),
    responses((status = 200, body = ListEnvelope<GiveawaySummary>), (status = 400, body = ErrorEnvelope), (status = 401, body = ErrorEnvelope)))]
pub async fn list_giveaways(
    State(state): State<AppState>,
    Caller(who): Caller,
    Query(p): Query<ListParams>,
) -> V2Result {
    let status = STATUS_FILTERS
        .pick(p.status.as_deref(), "all")
        .map_err(EngineError::BadRequest)?;
    let sort = SORTS
        .pick(p.sort.as_deref(), "id_desc")
        .map_err(EngineError::BadRequest)?;
    let filter = GiveawayFilter {
        status,
        sort,
        search: p.search,
        page: PageRequest::new(p.page, p.per_page),
    };
    let (items, page) = state.engine.list_giveaways(&who, &filter).await?;
    Ok(list(items.into_iter().map(summary).collect(), page))
}

/// Full details of one giveaway.
#[derive(Serialize, ToSchema)]
pub struct GiveawayDetails {
    id: i64,
    url: String,
    #[schema(value_type = GiveawayStatus)]
    status: &'static str,
    title: String,
    description: Option<String>,
    rules: Option<String>,
    start_time: String,
    end_time: String,
    time_zone: String,
    language: String,
    number_of_winners: i64,
    image_url: Option<String>,
    is_draft: bool,
    #[schema(value_type = Visibility)]
    public_or_private: String,
    #[schema(value_type = CompetitionType)]
    competition_type: String,
    total_entries: i64,
    total_participants: i64,
    total_actions: i64,
    entry_method_count: i64,
    embed_code: String,
    view_url: String,
    #[schema(value_type = Object)]
    settings: Value,
    #[schema(value_type = Object)]
    rules_config: Value,
    /// The draw commitment, published when the giveaway is published; it never changes.
    #[schema(value_type = Option<Object>)]
    fairness: Option<Value>,
    created_at: String,
    // Winners who must claim.
    /// Hours a winner has to claim their win; 0 when no claim is required.
    claim_deadline_hours: i64,
    /// The questions a winner answers to claim.
    #[schema(value_type = Vec<Object>)]
    claim_questions: Value,
    /// email, webhook or email_and_webhook.
    #[schema(value_type = ClaimNotifyName)]
    claim_notify: Value,
}

#[utoipa::path(get, path = "/giveaways/{id}", tag = "Giveaways", summary = "Get full giveaway details",
    params(("id" = i64, Path, description = "The giveaway ID")),
    responses((status = 200, body = Envelope<GiveawayDetails>), (status = 404, body = ErrorEnvelope)))]
pub async fn get_giveaway(State(state): State<AppState>, Caller(who): Caller, Path(id): Path<i64>) -> V2Result {
    let g = state.engine.owned_giveaway(&who, id).await?;
    let entry_method_count = state.engine.db().count_entry_methods(id).await?;
    let claim = state.engine.claim_config(id).await?;
    let l = links(&state.config.public_url, &g);
    let mut rules_config = json!(g.rules_config);
    rules_config["allowed_world_wide"] = json!(g.rules_config.allowed_world_wide());
    let fairness = fairness(&g);
    let r = g.row;
    Ok(ok(GiveawayDetails {
        id: r.id,
        url: r.slug,
        status: g.status.as_str(),
        title: r.title,
        description: r.description,
        rules: r.rules,
        start_time: r.start_local,
        end_time: r.end_local,
        time_zone: r.time_zone,
        language: r.language,
        number_of_winners: r.number_of_winners,
        image_url: r.image_url,
        is_draft: r.is_draft != 0,
        public_or_private: r.public_or_private,
        competition_type: r.competition_type,
        total_entries: r.total_entries,
        total_participants: r.total_participants,
        total_actions: r.total_actions,
        entry_method_count,
        embed_code: l.embed_code,
        view_url: l.view_url,
        settings: json!(g.settings),
        rules_config,
        fairness,
        created_at: format_utc(r.created_at),
        claim_deadline_hours: claim.deadline_hours,
        claim_questions: json!(claim.questions),
        claim_notify: json!(claim.notify),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct CreatedGiveaway {
    id: i64,
    url: String,
    #[schema(value_type = GiveawayStatus)]
    status: &'static str,
    title: String,
    start_time: String,
    end_time: String,
    time_zone: String,
    embed_code: String,
    view_url: String,
}

/// The body of a create or update request (see the reference for every field).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct GiveawayBody {
    title: Option<String>,
    start_time: Option<String>,
    end_time: Option<String>,
    description: Option<String>,
    rules: Option<String>,
    time_zone: Option<String>,
    language: Option<String>,
    number_of_winners: Option<i64>,
    image_url: Option<String>,
    is_draft: Option<bool>,
    #[schema(value_type = Option<Visibility>)]
    public_or_private: Option<String>,
    #[schema(value_type = Option<CompetitionType>)]
    competition_type: Option<String>,
    #[schema(value_type = Option<Object>)]
    settings: Option<Value>,
    #[schema(value_type = Option<Object>)]
    rules_config: Option<Value>,
    // Winners who must claim.
    /// Hours a winner has to claim, 1 to 2160 (0: no claim required). Unclaimed wins go to the
    /// draw's alternates, in certificate order.
    claim_deadline_hours: Option<i64>,
    /// Up to 10 questions: `{ "id", "label", "kind": text|long_text|checkbox|date, "required" }`.
    #[schema(value_type = Option<Vec<Object>>)]
    claim_questions: Option<Value>,
    /// How the winner gets the claim link: email (default), webhook or email_and_webhook.
    #[schema(value_type = Option<ClaimNotifyName>)]
    claim_notify: Option<String>,
    /// `{"beacon": "drand"}` draws on the first drand round published after the end time,
    /// named at publication; `"none"` draws at once. Default: the instance's
    /// `FAIRDRAW_BEACON_DEFAULT`.
    #[schema(value_type = Option<Object>)]
    fairness: Option<Value>,
}

#[utoipa::path(post, path = "/giveaways", tag = "Giveaways", summary = "Create a new giveaway",
    request_body = GiveawayBody,
    responses((status = 201, body = Envelope<CreatedGiveaway>), (status = 400, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn create_giveaway(
    State(state): State<AppState>,
    Caller(who): Caller,
    Body(input): Body<GiveawayInput>,
) -> V2Result {
    let g = state.engine.create_giveaway(&who, input).await?;
    let l = links(&state.config.public_url, &g);
    let status = g.status.as_str();
    let r = g.row;
    Ok(created(CreatedGiveaway {
        id: r.id,
        url: r.slug,
        status,
        title: r.title,
        start_time: r.start_local,
        end_time: r.end_local,
        time_zone: r.time_zone,
        embed_code: l.embed_code,
        view_url: l.view_url,
    }))
}

#[utoipa::path(put, path = "/giveaways/{id}", tag = "Giveaways", summary = "Update a giveaway",
    params(("id" = i64, Path, description = "The giveaway ID")),
    request_body = GiveawayBody,
    responses((status = 200, body = Envelope<Object>), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn update_giveaway(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<i64>,
    Body(input): Body<GiveawayInput>,
) -> V2Result {
    state.engine.update_giveaway(&who, id, input).await?;
    Ok(ok(json!({ "id": id, "message": "Giveaway updated successfully." })))
}

#[utoipa::path(delete, path = "/giveaways/{id}", tag = "Giveaways", summary = "Delete a giveaway",
    params(("id" = i64, Path, description = "The giveaway ID")),
    responses((status = 204), (status = 404, body = ErrorEnvelope)))]
pub async fn delete_giveaway(State(state): State<AppState>, Caller(who): Caller, Path(id): Path<i64>) -> V2Result {
    state.engine.delete_giveaway(&who, id).await?;
    Ok(no_content())
}

#[utoipa::path(post, path = "/giveaways/{id}/duplicate", tag = "Giveaways", summary = "Duplicate a giveaway",
    params(("id" = i64, Path, description = "The giveaway ID")),
    responses((status = 201, body = Envelope<Object>), (status = 404, body = ErrorEnvelope)))]
pub async fn duplicate_giveaway(State(state): State<AppState>, Caller(who): Caller, Path(id): Path<i64>) -> V2Result {
    let g = state.engine.duplicate_giveaway(&who, id).await?;
    let l = links(&state.config.public_url, &g);
    Ok(created(
        json!({ "id": g.row.id, "url": g.row.slug, "status": g.status, "view_url": l.view_url }),
    ))
}

#[utoipa::path(post, path = "/giveaways/{id}/publish", tag = "Giveaways", summary = "Publish a draft giveaway",
    params(("id" = i64, Path, description = "The giveaway ID")),
    responses((status = 200, body = Envelope<Object>), (status = 404, body = ErrorEnvelope)))]
pub async fn publish_giveaway(State(state): State<AppState>, Caller(who): Caller, Path(id): Path<i64>) -> V2Result {
    let g = state.engine.publish_giveaway(&who, id).await?;
    Ok(ok(json!({
        "id": g.row.id,
        "status": g.status,
        "fairness": fairness(&g),
    })))
}

#[utoipa::path(get, path = "/giveaways/{id}/stats", tag = "Giveaways", summary = "Get real-time statistics",
    params(("id" = i64, Path, description = "The giveaway ID")),
    responses((status = 200, body = Envelope<Object>), (status = 404, body = ErrorEnvelope)))]
pub async fn giveaway_stats(State(state): State<AppState>, Caller(who): Caller, Path(id): Path<i64>) -> V2Result {
    let s = state.engine.giveaway_stats(&who, id).await?;
    Ok(ok(json!({
        "competition_id": id,
        "status": s.status,
        "days_remaining": s.days_remaining,
        "total_entries": s.total_entries,
        "total_participants": s.total_participants,
        "total_actions": s.total_actions,
        "total_page_views": s.total_page_views,
        "unique_page_views": s.unique_page_views,
        "entries_today": s.entries_today,
        "participants_today": s.participants_today,
        "conversion_rate": s.conversion_rate,
    })))
}

#[utoipa::path(get, path = "/giveaways/{id}/embed-code", tag = "Giveaways", summary = "Get embed code and links",
    params(("id" = i64, Path, description = "The giveaway ID")),
    responses((status = 200, body = Envelope<Object>), (status = 404, body = ErrorEnvelope)))]
pub async fn embed_code(State(state): State<AppState>, Caller(who): Caller, Path(id): Path<i64>) -> V2Result {
    let g = state.engine.owned_giveaway(&who, id).await?;
    let l = links(&state.config.public_url, &g);
    Ok(ok(json!({
        "competition_id": id,
        "embed_code": l.embed_code,
        "direct_link": l.view_url,
        "iframe_code": l.iframe_code,
    })))
}
