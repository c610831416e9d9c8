//! `Idempotency-Key` on any POST: the first response is saved with a hash of the request; a
//! retry with the same key and request gets the same status and body without the work being
//! done again. The same key with another request is a 422; a retry while the first is still
//! running waits for it, then gets a 409 if it is still not done.

use super::SurfaceErrors;
use crate::app::AppState;
use crate::engine::Principal;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use fairdraw_store::idempotency::{Claim, SavedResponse};
use sha2::{Digest, Sha256};
use std::time::Duration;

pub const HEADER: &str = "idempotency-key";
/// How long a retry waits for the first request before giving up with 409.
const WAIT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(50);
/// Responses larger than this are not kept (the request still runs and answers normally).
const MAX_SAVED_BODY: usize = 4 * 1024 * 1024;

pub async fn layer<S: SurfaceErrors>(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    let Some(raw_key) = req.headers().get(HEADER) else {
        return next.run(req).await;
    };
    let key = match raw_key.to_str() {
        Ok(k) if (1..=255).contains(&k.len()) => k.to_owned(),
        _ => {
            return S::error(
                StatusCode::BAD_REQUEST,
                "Idempotency-Key must be 1 to 255 visible ASCII characters.",
            );
        }
    };
    // Keys are scoped to the caller, so two clients never see each other's responses.
    let scope = match req.extensions().get::<Principal>() {
        Some(p) => format!("key:{}", p.key_id),
        None => format!("anon:{}", super::client_ip(&req)),
    };
    let (parts, body) = req.into_parts();
    let bytes = match super::read_body(body, state.config.max_body_bytes).await {
        Ok(b) => b,
        Err(super::BodyError::TooLarge) => {
            return S::error(StatusCode::PAYLOAD_TOO_LARGE, "Request body is too large.");
        }
        Err(super::BodyError::Read) => return S::error(StatusCode::BAD_REQUEST, "Could not read the request body."),
    };
    let mut hasher = Sha256::new();
    hasher.update(parts.method.as_str().as_bytes());
    hasher.update(b" ");
    hasher.update(parts.uri.path().as_bytes());
    hasher.update(b"\n");
    hasher.update(&bytes);
    let request_hash = hex::encode(hasher.finalize());
    let db = state.engine.db();

    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let claim = match db
            .idempotency_claim(&scope, &key, &request_hash, state.engine.now_ms())
            .await
        {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(error = %e, "idempotency lookup failed");
                return S::error(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error.");
            }
        };
        match claim {
            Claim::Run => break,
            Claim::Replay(saved) => return replay(saved),
            Claim::Mismatch => {
                return S::error(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "This Idempotency-Key was already used with a different request.",
                );
            }
            Claim::InFlight if tokio::time::Instant::now() < deadline => tokio::time::sleep(POLL).await,
            Claim::InFlight => {
                return S::error(
                    StatusCode::CONFLICT,
                    "A request with this Idempotency-Key is still being processed; retry later.",
                );
            }
        }
    }

    let response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
    let status = response.status();
    if status.is_server_error() {
        // Let a retry run the request again rather than replaying a failure.
        if let Err(e) = db.idempotency_release(&scope, &key).await {
            tracing::error!(error = %e, "releasing idempotency key failed");
        }
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match to_bytes(body, MAX_SAVED_BODY).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "response too large to save for idempotency");
            let _ = db.idempotency_release(&scope, &key).await;
            return S::error(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error.");
        }
    };
    let saved = SavedResponse {
        status: status.as_u16(),
        content_type: parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        body: bytes.to_vec(),
    };
    if let Err(e) = db.idempotency_finish(&scope, &key, &saved, state.engine.now_ms()).await {
        tracing::error!(error = %e, "saving idempotent response failed");
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(bytes))
}

fn replay(saved: SavedResponse) -> Response {
    let status = StatusCode::from_u16(saved.status).unwrap_or(StatusCode::OK);
    let mut response = (status, saved.body).into_response();
    let headers = response.headers_mut();
    match saved.content_type.as_deref().map(HeaderValue::from_str) {
        Some(Ok(ct)) => {
            headers.insert(header::CONTENT_TYPE, ct);
        }
        _ => {
            headers.remove(header::CONTENT_TYPE);
        }
    }
    headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    response
}
