//! Operational endpoints: liveness, readiness, metrics, the OpenAPI document and its docs page.

use crate::app::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use subtle::ConstantTimeEq;

/// Liveness: the process is up and serving.
pub async fn healthz() -> Response {
    Json(json!({ "status": "ok" })).into_response()
}

/// Readiness: the database answers.
pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.engine.db().ping().await {
        Ok(()) => Json(json!({ "status": "ready", "database": state.engine.db().backend().name() })).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable" })),
            )
                .into_response()
        }
    }
}

/// The metrics in the Prometheus text format (`crate::telemetry`), with the job queue read from
/// the database now. When `FAIRDRAW_METRICS_TOKEN` is set, only `Authorization: Bearer <token>`
/// gets them (compared in constant time).
pub async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = &state.config.metrics_token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        if !bool::from(given.as_bytes().ct_eq(token.expose().as_bytes())) {
            return (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer realm=\"metrics\"")],
                "The metrics need the configured bearer token.\n",
            )
                .into_response();
        }
    }
    let engine = &state.engine;
    let now = engine.now_ms();
    match engine.db().job_queue_by_kind(now).await {
        Ok(rows) => {
            let kinds: Vec<_> = rows
                .into_iter()
                .map(|(kind, pending, oldest, failed)| {
                    let waited =
                        oldest.map(|at| std::time::Duration::from_millis(u64::try_from(now - at).unwrap_or(0)));
                    (kind, pending, waited, failed)
                })
                .collect();
            crate::telemetry::job_queue(&kinds);
        }
        Err(e) => tracing::warn!(error = %e, "reading the job queue for the metrics failed"),
    }
    (
        [
            (header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        crate::telemetry::render(),
    )
        .into_response()
}

/// Any path that no surface claims.
pub async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({ "success": false, "error": { "code": 404, "message": "Not found." } })),
    )
        .into_response()
}
