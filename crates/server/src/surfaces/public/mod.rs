//! The public API under `/api/public`, called by the hosted giveaway page and the embed widget
//! without an API key. It answers in the same envelope as `/v2`; abuse is held off by per-IP and
//! per-giveaway limits instead of keys, counted in Redis when it is configured and otherwise in
//! each instance's memory (so per instance).

pub mod claims;
mod entries;
pub use entries::ClientOrigin;
mod views;

use crate::app::AppState;
use crate::http::idempotency;
use crate::surfaces::v2::V2;
use axum::middleware;
use utoipa_axum::router::OpenApiRouter;

pub fn router(state: AppState) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(entries::routes())
        .merge(views::routes())
        .merge(claims::routes())
        .route_layer(middleware::from_fn_with_state(state, idempotency::layer::<V2>))
        .fallback(crate::surfaces::v2::response::not_found)
}
