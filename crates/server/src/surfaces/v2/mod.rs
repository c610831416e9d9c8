//! The management API on `/v2`, shaped like the SweepWidget API v2 reference: its envelope
//! (`success` / `data` / `pagination` / `meta.request_id`), its error bodies, its three ways of
//! presenting a key, and its rate-limit headers. One file per resource; each exposes `routes()`.

mod account;
mod analytics;
// The audit trail (issue 16).
mod audit;
mod auth;
mod entries;
mod entry_methods;
pub mod extract;
// Photo contests (issue 14).
mod gallery;
mod giveaway_settings;
mod giveaways;
mod lists;
mod participants;
mod prizes;
pub mod response;
mod rewards;
mod webhooks;
mod winners;

use crate::app::AppState;
use crate::http::idempotency;
use axum::middleware;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use response::V2;

/// The routes under `/v2`. Authentication, rate limiting and idempotency apply to every matched
/// route; unknown paths get a 404 in this surface's envelope.
pub fn router(state: AppState) -> OpenApiRouter<AppState> {
    let keyed = OpenApiRouter::new()
        .routes(routes!(account::get_account))
        .routes(routes!(account::list_brands))
        .routes(routes!(account::get_usage))
        .routes(routes!(giveaways::list_giveaways, giveaways::create_giveaway))
        .routes(routes!(
            giveaways::get_giveaway,
            giveaways::update_giveaway,
            giveaways::delete_giveaway
        ))
        .routes(routes!(giveaways::duplicate_giveaway))
        .routes(routes!(giveaways::publish_giveaway))
        .routes(routes!(giveaways::giveaway_stats))
        .routes(routes!(giveaways::embed_code))
        .merge(entry_methods::routes())
        .merge(prizes::routes())
        .merge(rewards::routes())
        .merge(lists::routes())
        .merge(giveaway_settings::routes())
        .merge(entries::routes())
        .merge(participants::routes())
        .merge(analytics::routes())
        .merge(winners::routes())
        .merge(webhooks::routes())
        .merge(audit::routes())
        // Photo contests (issue 14).
        .merge(gallery::routes());
    let keyed = crate::openapi::engine_enums(keyed);
    crate::openapi::secured(keyed, crate::openapi::Auth::V2)
        .route_layer(middleware::from_fn_with_state(state.clone(), idempotency::layer::<V2>))
        .route_layer(middleware::from_fn_with_state(state, auth::require_key))
        .fallback(response::not_found)
}
