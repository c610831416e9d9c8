//! `POST /api/public/giveaways/{id}/views`: the hosted page and the widget report a view. Only a
//! keyed hash of the visitor is stored. The visitor's address and country come from the same
//! trusted sources as on the entry endpoint ([`ClientOrigin`]: the configured client-IP and
//! country headers, then the GeoIP database); a header nobody configured is not believed.

use super::entries::ClientOrigin;
use crate::app::AppState;
use crate::engine::analytics::{PageViewInput, Visit};
use crate::surfaces::v2::extract::{Body, Path};
use crate::surfaces::v2::response::{Envelope, ErrorEnvelope, V2Result, created};
use axum::extract::{FromRequest, Request, State};
use axum::http::header::USER_AGENT;
use axum::response::IntoResponse;
use fairdraw_core::lists::canonical_ip;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(record_view))
}

#[derive(Serialize, ToSchema)]
pub struct Recorded {
    recorded: bool,
}

#[utoipa::path(post, path = "/giveaways/{id}/views", tag = "Public", summary = "Record a page view",
    description = "Called by the hosted page and the embed widget, without an API key. Drafts and deleted \
        giveaways are 404.",
    params(("id" = i64, Path, description = "The giveaway ID")),
    request_body(content = Option<PageViewInput>),
    responses((status = 201, body = Envelope<Recorded>), (status = 400, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn record_view(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    Path(id): Path<i64>,
    req: Request,
) -> V2Result {
    let visit = Visit {
        ip: canonical_ip(origin.ip).to_string(),
        user_agent: req
            .headers()
            .get(USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .unwrap_or_default(),
        country: state.engine.origin_country(&state.config.public, &origin),
    };
    let input = match Body::<PageViewInput>::from_request(req, &state).await {
        Ok(Body(input)) => input,
        Err(rejection) => return Ok(rejection.into_response()),
    };
    state
        .engine
        .record_page_view(id, input, visit, &state.config.data_dir)
        .await?;
    Ok(created(Recorded { recorded: true }))
}
