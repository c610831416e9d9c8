//! The end of every surface's authentication: a caller the rate limiter admitted goes on to the
//! handler, one it refused gets a 429 with `Retry-After`, in the surface's own error style; both
//! answers carry `X-RateLimit-Limit/Remaining/Reset`.

use super::SurfaceErrors;
use crate::engine::Principal;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use fairdraw_store::ratelimit::Verdict;

/// Runs `next` as `principal` when `verdict` admits the call, or answers 429.
pub async fn admit_or_refuse<S: SurfaceErrors>(
    verdict: Verdict,
    principal: Principal,
    mut req: Request,
    next: Next,
) -> Response {
    if !verdict.allowed {
        crate::telemetry::rate_limited(crate::telemetry::surface_of(req.uri().path()));
        let mut response = S::error(
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
