//! `/v2/giveaways/{id}/entry-methods` (list, add, update, delete, reorder) and
//! `/v2/entry-method-types` (the catalog).

use super::extract::{Body, Caller, Path};
use super::response::{Envelope, ErrorEnvelope, V2Result, created, no_content, ok};
use crate::app::AppState;
use crate::engine::entry_methods::EntryMethod;
use axum::extract::State;
use fairdraw_core::entry_methods::catalog::{self, CATALOG, Category};
use fairdraw_core::entry_methods::{EntryMethodInput, ReorderInput};
use serde::Serialize;
use serde_json::{Map, Value, json};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_entry_methods, add_entry_method))
        .routes(routes!(entry_method_types))
        // A static segment wins over a parameter, so `reorder` is never taken for a method id.
        .routes(routes!(reorder_entry_methods))
        .routes(routes!(update_entry_method, delete_entry_method))
}

/// An entry method as the API shows it.
#[derive(Serialize, ToSchema)]
pub struct EntryMethodView {
    /// The method's id, unique across giveaways; the `{method_id}` of the routes.
    id: i64,
    /// The method's number within its giveaway.
    entry_id: i64,
    /// The type id, from the catalog.
    entry_method: i64,
    entry_method_name: &'static str,
    entry_title: Option<String>,
    entry_link: Option<String>,
    entry_amount: i64,
    required: bool,
    entry_order: i64,
    entry_level: Option<i64>,
    icon_color: Option<String>,
    additional_instructions: Option<String>,
    daily: bool,
    widget_display: bool,
}

fn view(m: EntryMethod) -> EntryMethodView {
    let c = m.config;
    EntryMethodView {
        id: m.id,
        entry_id: m.entry_id,
        entry_method: m.kind.id,
        entry_method_name: m.kind.name,
        entry_title: c.title,
        entry_link: c.link,
        entry_amount: c.amount,
        required: c.required,
        entry_order: m.entry_order,
        entry_level: m.entry_level,
        icon_color: c.icon_color,
        additional_instructions: c.additional_instructions,
        daily: c.daily,
        widget_display: c.widget_display,
    }
}

#[utoipa::path(get, path = "/giveaways/{id}/entry-methods", tag = "Entry Methods",
    summary = "List configured entry methods",
    params(("id" = i64, Path, description = "The giveaway ID")),
    responses((status = 200, body = Envelope<Vec<EntryMethodView>>), (status = 404, body = ErrorEnvelope)))]
pub async fn list_entry_methods(State(state): State<AppState>, Caller(who): Caller, Path(id): Path<i64>) -> V2Result {
    let methods = state.engine.list_entry_methods(&who, id).await?;
    Ok(ok(methods.into_iter().map(view).collect::<Vec<_>>()))
}

/// The body of an add or update request (see the reference for every field).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct EntryMethodBody {
    /// Type id from `/entry-method-types`; required to add, and cannot change on update.
    entry_method: Option<i64>,
    /// 1 to 1000; required to add.
    entry_amount: Option<i64>,
    entry_title: Option<String>,
    /// An https URL; required for types that act on a page (follow, visit, like…).
    entry_link: Option<String>,
    required: Option<bool>,
    daily: Option<bool>,
    additional_instructions: Option<String>,
    icon_color: Option<String>,
    widget_display: Option<bool>,
}

#[utoipa::path(post, path = "/giveaways/{id}/entry-methods", tag = "Entry Methods",
    summary = "Add an entry method",
    params(("id" = i64, Path, description = "The giveaway ID")),
    request_body = EntryMethodBody,
    responses((status = 201, body = Envelope<EntryMethodView>), (status = 400, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn add_entry_method(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<i64>,
    Body(input): Body<EntryMethodInput>,
) -> V2Result {
    let m = state.engine.add_entry_method(&who, id, input).await?;
    Ok(created(view(m)))
}

#[utoipa::path(put, path = "/giveaways/{id}/entry-methods/{method_id}", tag = "Entry Methods",
    summary = "Update an entry method",
    params(("id" = i64, Path, description = "The giveaway ID"),
        ("method_id" = i64, Path, description = "The entry method's `id`")),
    request_body = EntryMethodBody,
    responses((status = 200, body = Envelope<Object>), (status = 400, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn update_entry_method(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path((id, method_id)): Path<(i64, i64)>,
    Body(input): Body<EntryMethodInput>,
) -> V2Result {
    let m = state.engine.update_entry_method(&who, id, method_id, input).await?;
    Ok(ok(
        json!({ "id": m.id, "message": "Entry method updated successfully." }),
    ))
}

#[utoipa::path(delete, path = "/giveaways/{id}/entry-methods/{method_id}", tag = "Entry Methods",
    summary = "Remove an entry method",
    params(("id" = i64, Path, description = "The giveaway ID"),
        ("method_id" = i64, Path, description = "The entry method's `id`")),
    responses((status = 204), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn delete_entry_method(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path((id, method_id)): Path<(i64, i64)>,
) -> V2Result {
    state.engine.remove_entry_method(&who, id, method_id).await?;
    Ok(no_content())
}

/// The body of a reorder request.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ReorderBody {
    /// Entry method ids (`id`) in the desired display order; the others follow as they were.
    order: Vec<i64>,
}

#[utoipa::path(put, path = "/giveaways/{id}/entry-methods/reorder", tag = "Entry Methods",
    summary = "Change display order",
    params(("id" = i64, Path, description = "The giveaway ID")),
    request_body = ReorderBody,
    responses((status = 200, body = Envelope<Object>), (status = 400, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn reorder_entry_methods(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<i64>,
    Body(input): Body<ReorderInput>,
) -> V2Result {
    state.engine.reorder_entry_methods(&who, id, input).await?;
    Ok(ok(json!({ "message": "Entry methods reordered successfully." })))
}

/// The catalog, grouped by category.
#[derive(Serialize, ToSchema)]
pub struct EntryMethodTypes {
    total_types: usize,
    /// Category key → `[{ id, name, type }]`, in a fixed order.
    #[schema(value_type = Object)]
    categories: Map<String, Value>,
}

#[utoipa::path(get, path = "/entry-method-types", tag = "Entry Methods",
    summary = "Browse all available entry method types",
    responses((status = 200, body = Envelope<EntryMethodTypes>), (status = 401, body = ErrorEnvelope)))]
pub async fn entry_method_types() -> V2Result {
    let categories = Category::ALL
        .into_iter()
        .map(|c| (c.key().to_owned(), json!(catalog::in_category(c).collect::<Vec<_>>())))
        .collect();
    Ok(ok(EntryMethodTypes {
        total_types: CATALOG.len(),
        categories,
    }))
}
