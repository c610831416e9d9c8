//! Every request gets an id: echoed in `X-Request-Id`, written into response envelopes, and
//! attached to every log line of the request. Logs carry the method, the route's template (never
//! the path, which may hold an e-mail address, nor the query string, which may hold an
//! `api_key`), the status and the latency; never bodies.

use axum::extract::{MatchedPath, Request};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;
use tracing::Instrument;

pub const HEADER: &str = "x-request-id";

tokio::task_local! {
    static CURRENT: String;
}

/// The id of the request being handled on this task, or an empty string outside a request.
pub fn current() -> String {
    CURRENT.try_with(Clone::clone).unwrap_or_default()
}

fn acceptable(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn generate() -> String {
    format!("req_{}", hex::encode(crate::engine::random_bytes::<6>()))
}

pub async fn assign(mut req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| acceptable(v))
        .map_or_else(generate, str::to_owned);
    let header = HeaderValue::from_str(&id).expect("request ids are ASCII");
    req.headers_mut().insert(HEADER, header.clone());
    // The route's template, never the path itself: paths carry e-mail addresses
    // (`/v2/participants/{email}/…`) and other values that do not belong in logs.
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("(no route)", MatchedPath::as_str)
        .to_owned();
    let method = req.method().clone();
    let span = tracing::info_span!("request", request_id = %id, method = %method, route = %route);
    let started = Instant::now();
    let mut response = CURRENT.scope(id, next.run(req).instrument(span.clone())).await;
    response.headers_mut().insert(HEADER, header);
    let status = response.status().as_u16();
    let took = started.elapsed();
    crate::telemetry::request(&route, method.as_str(), status, took);
    let latency_ms = took.as_secs_f64() * 1000.0;
    span.in_scope(|| {
        if status >= 500 {
            tracing::error!(status, latency_ms, "request failed");
        } else {
            tracing::info!(status, latency_ms, "request finished");
        }
    });
    response
}
