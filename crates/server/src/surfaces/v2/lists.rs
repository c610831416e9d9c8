//! `/v2/giveaways/{id}/whitelist` and `/v2/giveaways/{id}/blacklist`.

use super::extract::{Body, Caller, Path, Query};
use super::response::{Envelope, ErrorEnvelope, ListEnvelope, V2Result, created, list, no_content};
use crate::app::AppState;
use crate::engine::lists::ListAdded;
use crate::surfaces::enums::ListValueKind;
use axum::extract::State;
use fairdraw_core::page::PageRequest;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_whitelist, add_to_whitelist, remove_from_whitelist))
        .routes(routes!(list_blacklist, add_to_blacklist))
        .routes(routes!(remove_from_blacklist))
}

#[derive(Deserialize, IntoParams)]
pub struct PageParams {
    page: Option<i64>,
    per_page: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct WhitelistItem {
    id: i64,
    email: String,
}

#[derive(Serialize, ToSchema)]
pub struct BlacklistItem {
    id: i64,
    value: String,
    /// "email", "ip" or "cidr".
    #[serde(rename = "type")]
    #[schema(value_type = ListValueKind)]
    kind: String,
}

/// The answer to an addition.
#[derive(Serialize, ToSchema)]
pub struct Added {
    competition_id: i64,
    added: u64,
    /// Empty or unrecognised values.
    skipped_invalid: u64,
    /// Values repeated in the request or already listed.
    skipped_duplicate: u64,
}

fn added(competition_id: i64, a: ListAdded) -> Added {
    Added {
        competition_id,
        added: a.added,
        skipped_invalid: a.skipped_invalid,
        skipped_duplicate: a.skipped_duplicate,
    }
}

/// `null` items count as invalid values rather than failing the request.
#[derive(Deserialize, ToSchema)]
pub struct EmailsBody {
    emails: Option<Vec<Option<String>>>,
}

#[derive(Deserialize, ToSchema)]
pub struct WhitelistRemovalBody {
    /// E-mails to remove (provide this OR id).
    emails: Option<Vec<Option<String>>>,
    /// One whitelist entry ID to remove (provide this OR emails).
    id: Option<i64>,
}

#[derive(Deserialize, ToSchema)]
pub struct ValuesBody {
    values: Option<Vec<Option<String>>>,
}

#[utoipa::path(get, path = "/giveaways/{id}/whitelist", tag = "Whitelist", summary = "List whitelisted emails",
    params(("id" = i64, Path, description = "The giveaway ID"), PageParams),
    responses((status = 200, body = ListEnvelope<WhitelistItem>), (status = 404, body = ErrorEnvelope)))]
pub async fn list_whitelist(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<i64>,
    Query(p): Query<PageParams>,
) -> V2Result {
    let (rows, page) = state
        .engine
        .list_whitelist(&who, id, PageRequest::new(p.page, p.per_page))
        .await?;
    let items = rows
        .into_iter()
        .map(|r| WhitelistItem {
            id: r.id,
            email: r.value,
        })
        .collect();
    Ok(list(items, page))
}

#[utoipa::path(post, path = "/giveaways/{id}/whitelist", tag = "Whitelist", summary = "Add emails to whitelist",
    params(("id" = i64, Path, description = "The giveaway ID")),
    request_body = EmailsBody,
    responses((status = 201, body = Envelope<Added>), (status = 400, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn add_to_whitelist(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<i64>,
    Body(body): Body<EmailsBody>,
) -> V2Result {
    let a = state.engine.add_to_whitelist(&who, id, body.emails).await?;
    Ok(created(added(id, a)))
}

#[utoipa::path(delete, path = "/giveaways/{id}/whitelist", tag = "Whitelist", summary = "Remove from whitelist",
    params(("id" = i64, Path, description = "The giveaway ID")),
    request_body = WhitelistRemovalBody,
    responses((status = 204), (status = 400, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope)))]
pub async fn remove_from_whitelist(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<i64>,
    Body(body): Body<WhitelistRemovalBody>,
) -> V2Result {
    state
        .engine
        .remove_from_whitelist(&who, id, body.emails, body.id)
        .await?;
    Ok(no_content())
}

#[utoipa::path(get, path = "/giveaways/{id}/blacklist", tag = "Blacklist", summary = "List blocked values",
    params(("id" = i64, Path, description = "The giveaway ID"), PageParams),
    responses((status = 200, body = ListEnvelope<BlacklistItem>), (status = 404, body = ErrorEnvelope)))]
pub async fn list_blacklist(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<i64>,
    Query(p): Query<PageParams>,
) -> V2Result {
    let (rows, page) = state
        .engine
        .list_blacklist(&who, id, PageRequest::new(p.page, p.per_page))
        .await?;
    let items = rows
        .into_iter()
        .map(|r| BlacklistItem {
            id: r.id,
            value: r.value,
            kind: r.kind,
        })
        .collect();
    Ok(list(items, page))
}

#[utoipa::path(post, path = "/giveaways/{id}/blacklist", tag = "Blacklist", summary = "Add to blacklist",
    params(("id" = i64, Path, description = "The giveaway ID")),
    request_body = ValuesBody,
    responses((status = 201, body = Envelope<Added>), (status = 400, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn add_to_blacklist(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<i64>,
    Body(body): Body<ValuesBody>,
) -> V2Result {
    let a = state.engine.add_to_blacklist(&who, id, body.values).await?;
    Ok(created(added(id, a)))
}

#[utoipa::path(delete, path = "/giveaways/{id}/blacklist/{ban_id}", tag = "Blacklist", summary = "Remove from blacklist",
    params(("id" = i64, Path, description = "The giveaway ID"), ("ban_id" = i64, Path, description = "The blacklist entry ID")),
    responses((status = 204), (status = 404, body = ErrorEnvelope)))]
pub async fn remove_from_blacklist(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path((id, ban_id)): Path<(i64, i64)>,
) -> V2Result {
    state.engine.remove_from_blacklist(&who, id, ban_id).await?;
    Ok(no_content())
}
