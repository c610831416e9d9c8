//! `/v1` authentication: `Authorization: Bearer sk_live_…` (a brand's secret key), then the
//! plan's `/v1` rate limit with its `X-RateLimit-*` headers.

use super::{V1Error, error_response};
use crate::app::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use fairdraw_store::ratelimit::Verdict;

fn bearer(req: &Request) -> Option<String> {
    let v = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    (v.len() > 7 && v[..7].eq_ignore_ascii_case("bearer ")).then(|| v[7..].trim().to_owned())
}

pub async fn require_key(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
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
    if !verdict.allowed {
        let mut response = error_response(
            StatusCode::TOO_MANY_REQUESTS,
            &format!("Rate limit exceeded. Retry in {} seconds.", verdict.retry_after),
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
