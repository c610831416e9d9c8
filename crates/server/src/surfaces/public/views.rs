//! `POST /api/public/giveaways/{id}/views`: the hosted page and the widget report a view. Only a
//! keyed hash of the visitor is stored; the country comes from the edge proxy's `CF-IPCountry`
//! header when it names a real country.

use crate::app::AppState;
use crate::engine::analytics::{PageViewInput, Visit};
use crate::http::client_ip;
use crate::surfaces::v2::extract::{Body, Path};
use crate::surfaces::v2::response::{Envelope, ErrorEnvelope, V2Result, created};
use axum::extract::{FromRequest, Request, State};
use axum::http::header::USER_AGENT;
use axum::response::IntoResponse;
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
pub async fn record_view(State(state): State<AppState>, Path(id): Path<i64>, req: Request) -> V2Result {
    let visit = {
        let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        Visit {
            ip: client_ip(&req),
            user_agent: header(USER_AGENT.as_str()).unwrap_or_default(),
            country: header("cf-ipcountry"),
        }
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
