//! The management API on `/v2`, shaped like the SweepWidget API v2 reference: its envelope
//! (`success` / `data` / `pagination` / `meta.request_id`), its error bodies, its three ways of
//! presenting a key, and its rate-limit headers.

mod account;
mod auth;
pub mod extract;
pub mod response;

use crate::app::AppState;
use crate::http::idempotency;
use axum::middleware;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use response::V2;

/// The routes under `/v2`. Authentication, rate limiting and idempotency apply to every matched
/// route; unknown paths get a 404 in this surface's envelope.
pub fn router(state: AppState) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(account::get_account))
        .routes(routes!(account::list_brands))
        .routes(routes!(account::get_usage))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            idempotency::layer::<V2>,
        ))
        .route_layer(middleware::from_fn_with_state(state, auth::require_key))
        .fallback(response::not_found)
}
