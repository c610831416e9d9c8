//! `/external`: the chat-giveaway API, shaped like the Watchers giveaway API
//! (`x-api-key` + `Authorization: Bearer`, NestJS-style errors), with the lifecycle calls its
//! partners need, the chat widget, and the uploaded banners under `/media`.

mod auth;
mod body;
mod claims;
mod giveaways;
mod media;
mod participants;
pub mod response;
mod widget;

use crate::app::AppState;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// A create may carry a 10 MB image and two CSV files of 100,000 ids.
const MAX_BODY: usize = 32 * 1024 * 1024;

/// The routes under `/external` that need the partner's keys.
pub fn router(state: AppState) -> OpenApiRouter<AppState> {
    let keyed = OpenApiRouter::new()
        .routes(routes!(giveaways::create_giveaway))
        .routes(routes!(giveaways::get_giveaway, giveaways::patch_giveaway))
        .routes(routes!(giveaways::list_giveaways))
        .routes(routes!(giveaways::cancel_giveaway))
        .routes(routes!(giveaways::get_winners))
        .routes(routes!(participants::join, participants::list))
        .routes(routes!(participants::remove))
        // Winners who must claim (issue 15).
        .routes(routes!(claims::claim))
        .routes(routes!(claims::disqualify));
    crate::openapi::secured(keyed, crate::openapi::Auth::External)
        .route_layer(middleware::from_fn_with_state(state, auth::require_keys))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .fallback(response::not_found)
}

/// Public routes: uploaded media and the chat widget (its joins carry the user's `sig`).
pub fn public_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(media::get_media))
        .routes(routes!(widget::page))
        .routes(routes!(widget::widget_state))
        .routes(routes!(widget::join))
        .route("/external/widget/assets/widget.js", axum::routing::get(widget::script))
        .route("/external/widget/assets/widget.css", axum::routing::get(widget::style))
}
