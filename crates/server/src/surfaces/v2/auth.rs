//! `/v2` authentication (Bearer, `X-API-Key`, or `?api_key=`, in that order of preference),
//! plan check, rate limits and their headers.

use super::response::{V2, V2Error};
use crate::app::AppState;
use crate::http::{SurfaceErrors, is_write};
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The key as presented, from the first place that has one.
fn presented_key(req: &Request) -> Option<String> {
    let headers = req.headers();
    if let Some(v) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        let v = v.trim();
        if v.len() > 7 && v[..7].eq_ignore_ascii_case("bearer ") {
            return Some(v[7..].trim().to_owned());
        }
    }
    if let Some(v) = headers.get("x-api-key").and_then(|v| v.to_str().ok()) {
        return Some(v.trim().to_owned());
    }
    let query = req.uri().query()?;
    serde_urlencoded::from_str::<Vec<(String, String)>>(query)
        .ok()?
        .into_iter()
        .find_map(|(k, v)| (k == "api_key").then_some(v))
}

pub async fn require_key(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(key) = presented_key(&req).filter(|k| !k.is_empty()) else {
        return V2::error(
            StatusCode::UNAUTHORIZED,
            "Missing API key. Send it as 'Authorization: Bearer <key>', 'X-API-Key', or '?api_key='.",
        );
    };
    let principal = match state.engine.authenticate_secret(&key).await {
        Ok(p) => p,
        Err(e) => return V2Error(e).into_response(),
    };
    if !principal.plan.api_access() {
        return V2::error(
            StatusCode::FORBIDDEN,
            &format!(
                "Your plan ({}) does not include API access. The API is available on the Enterprise plans.",
                principal.plan.display_name()
            ),
        );
    }
    let verdict = match state.engine.admit(&principal, is_write(req.method())).await {
        Ok(v) => v,
        Err(e) => return V2Error(e).into_response(),
    };
    crate::http::rate_limit::admit_or_refuse::<V2>(verdict, principal, req, next).await
}
