//! `/v2` authentication (Bearer, `X-API-Key`, or `?api_key=`, in that order of preference),
//! plan check, rate limits and their headers.

use super::response::{V2, V2Error, error_response};
use crate::app::AppState;
use crate::http::{SurfaceErrors, is_write};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use fairdraw_store::ratelimit::Verdict;

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

pub async fn require_key(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
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
    if !verdict.allowed {
        let mut response = error_response(
            StatusCode::TOO_MANY_REQUESTS,
            &format!("Rate limit exceeded. Retry in {} seconds.", verdict.retry_after),
            None,
        );
        set_limit_headers(response.headers_mut(), &verdict);
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(verdict.retry_after));
        return response;
    }
    req.extensions_mut().insert(principal);
    let mut response = next.run(req).await;
    set_limit_headers(response.headers_mut(), &verdict);
    response
}

fn set_limit_headers(headers: &mut HeaderMap, v: &Verdict) {
    headers.insert("x-ratelimit-limit", HeaderValue::from(v.limit));
    headers.insert("x-ratelimit-remaining", HeaderValue::from(v.remaining));
    headers.insert("x-ratelimit-reset", HeaderValue::from(v.reset));
}
