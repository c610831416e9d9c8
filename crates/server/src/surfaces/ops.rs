//! Operational endpoints: liveness, readiness, the OpenAPI document and its docs page.

use crate::app::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

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

/// Any path that no surface claims.
pub async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({ "success": false, "error": { "code": 404, "message": "Not found." } })),
    )
        .into_response()
}
