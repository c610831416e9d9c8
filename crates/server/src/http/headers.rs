//! Headers every response carries unless its handler set its own: `X-Content-Type-Options:
//! nosniff` everywhere, and `Cache-Control: no-store` on data answers (JSON, CSV, NDJSON), which
//! may hold a brand's private data and must not be kept by a shared cache or the browser.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

fn is_data(content_type: Option<&HeaderValue>) -> bool {
    content_type
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
        .is_some_and(|t| t == "application/json" || t == "text/csv" || t == "application/x-ndjson")
}

pub async fn defaults(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    headers
        .entry(header::X_CONTENT_TYPE_OPTIONS)
        .or_insert(HeaderValue::from_static("nosniff"));
    if is_data(headers.get(header::CONTENT_TYPE)) {
        headers
            .entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("no-store"));
    }
    response
}
