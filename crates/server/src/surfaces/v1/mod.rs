//! The draws API on `/v1`, shaped like the PickAWin reference: plain JSON objects (no envelope),
//! errors as `{ "error": { "type": …, "message": … } }`, cursor pagination, Bearer keys. For
//! now: public verification of draws.

mod log;
mod verify;

use crate::app::AppState;
use crate::engine::EngineError;
use crate::http::SurfaceErrors;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;

pub fn router(_state: AppState) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(verify::routes())
        .merge(log::routes())
        .fallback(not_found)
}

/// Marker for this surface in shared middleware.
pub struct V1;

impl SurfaceErrors for V1 {
    fn error(status: StatusCode, message: &str) -> Response {
        error_response(status, message)
    }
}

/// The error body of every `/v1` route.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// not_found, invalid_request, validation_error, conflict, unauthorized, forbidden,
    /// rate_limited or internal_error.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub message: String,
}

fn kind(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::BAD_REQUEST | StatusCode::PAYLOAD_TOO_LARGE => "invalid_request",
        StatusCode::UNPROCESSABLE_ENTITY => "validation_error",
        StatusCode::CONFLICT => "conflict",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::TOO_MANY_REQUESTS => "rate_limited",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        _ => "internal_error",
    }
}

pub fn error_response(status: StatusCode, message: &str) -> Response {
    let body = ErrorBody {
        error: ErrorDetail {
            kind: kind(status),
            message: message.to_owned(),
        },
    };
    (status, Json(body)).into_response()
}

/// An engine error as this surface reports it.
pub struct V1Error(pub EngineError);

impl From<EngineError> for V1Error {
    fn from(e: EngineError) -> Self {
        V1Error(e)
    }
}

impl IntoResponse for V1Error {
    fn into_response(self) -> Response {
        let message = self.0.to_string();
        let status = match self.0 {
            EngineError::NotFound(_) => StatusCode::NOT_FOUND,
            EngineError::Validation(details) => {
                // One line a person can read; the fields are named in it.
                let text = details
                    .iter()
                    .map(|(field, m)| format!("{field}: {m}"))
                    .collect::<Vec<_>>()
                    .join(" ");
                return error_response(StatusCode::UNPROCESSABLE_ENTITY, &text);
            }
            EngineError::BadRequest(_) => StatusCode::BAD_REQUEST,
            EngineError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            EngineError::Forbidden(_) => StatusCode::FORBIDDEN,
            EngineError::Conflict(_) => StatusCode::CONFLICT,
            EngineError::Internal(source) => {
                tracing::error!(error = %source, "internal error");
                return error_response(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error.");
            }
        };
        error_response(status, &message)
    }
}

pub type V1Result = Result<Response, V1Error>;

/// The fallback for paths that `/v1` does not have.
pub async fn not_found() -> Response {
    error_response(StatusCode::NOT_FOUND, "The requested resource does not exist.")
}
