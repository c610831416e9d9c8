//! `/v1` authentication: `Authorization: Bearer sk_live_…` (a brand's secret key), then the
//! plan's `/v1` rate limit with its `X-RateLimit-*` headers.

use super::{V1Error, error_response};
use crate::app::AppState;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

fn bearer(req: &Request) -> Option<String> {
    let v = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    (v.len() > 7 && v[..7].eq_ignore_ascii_case("bearer ")).then(|| v[7..].trim().to_owned())
}

pub async fn require_key(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(key) = bearer(&req).filter(|k| !k.is_empty()) else {
        return error_response(
            StatusCode::UNAUTHORIZED,
            "Missing API key. Send it as 'Authorization: Bearer sk_live_…'.",
        );
    };
    let principal = match state.engine.authenticate_secret(&key).await {
        Ok(p) => p,
        Err(e) => return V1Error(e).into_response(),
    };
    let verdict = match state.engine.admit_v1(&principal).await {
        Ok(v) => v,
        Err(e) => return V1Error(e).into_response(),
    };
    crate::http::rate_limit::admit_or_refuse::<super::V1>(verdict, principal, req, next).await
}
