//! The `/v2` envelope, for successes and for errors.

use crate::engine::EngineError;
use crate::http::{SurfaceErrors, request_id};
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use fairdraw_core::page::PageInfo;
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

/// Marker for this surface in shared middleware.
pub struct V2;

impl SurfaceErrors for V2 {
    fn error(status: StatusCode, message: &str) -> Response {
        error_response(status, message, None)
    }
}

/// `meta` of every response.
#[derive(Serialize, ToSchema)]
pub struct Meta {
    /// The id also sent in the `X-Request-Id` header.
    pub request_id: String,
}

/// The success envelope.
#[derive(Serialize, ToSchema)]
pub struct Envelope<T> {
    pub success: bool,
    pub data: T,
    pub meta: Meta,
}

/// The success envelope of a paginated list.
#[derive(Serialize, ToSchema)]
pub struct ListEnvelope<T> {
    pub success: bool,
    pub data: Vec<T>,
    #[schema(value_type = Object)]
    pub pagination: PageInfo,
    pub meta: Meta,
}

/// The error envelope.
#[derive(Serialize, ToSchema)]
pub struct ErrorEnvelope {
    pub success: bool,
    pub error: ErrorBody,
    pub meta: Meta,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    /// The HTTP status code, repeated.
    pub code: u16,
    pub message: String,
    /// Field-level messages, for 422.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub details: Option<Value>,
}

fn meta() -> Meta {
    Meta {
        request_id: request_id::current(),
    }
}

pub fn ok<T: Serialize>(data: T) -> Response {
    with_status(StatusCode::OK, data)
}

pub fn created<T: Serialize>(data: T) -> Response {
    with_status(StatusCode::CREATED, data)
}

pub fn with_status<T: Serialize>(status: StatusCode, data: T) -> Response {
    (
        status,
        Json(Envelope {
            success: true,
            data,
            meta: meta(),
        }),
    )
        .into_response()
}

pub fn list<T: Serialize>(data: Vec<T>, pagination: PageInfo) -> Response {
    Json(ListEnvelope {
        success: true,
        data,
        pagination,
        meta: meta(),
    })
    .into_response()
}

/// 204 with an empty body, for deletes.
pub fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

pub fn error_response(status: StatusCode, message: &str, details: Option<Value>) -> Response {
    let body = ErrorEnvelope {
        success: false,
        error: ErrorBody {
            code: status.as_u16(),
            message: message.to_owned(),
            details,
        },
        meta: meta(),
    };
    (status, Json(body)).into_response()
}

/// An engine error as this surface reports it.
pub struct V2Error(pub EngineError);

impl From<EngineError> for V2Error {
    fn from(e: EngineError) -> Self {
        V2Error(e)
    }
}

impl From<fairdraw_store::StoreError> for V2Error {
    fn from(e: fairdraw_store::StoreError) -> Self {
        V2Error(e.into())
    }
}

impl IntoResponse for V2Error {
    fn into_response(self) -> Response {
        let message = self.0.to_string();
        match self.0 {
            EngineError::NotFound(_) => error_response(StatusCode::NOT_FOUND, &message, None),
            EngineError::Validation(details) => {
                error_response(StatusCode::UNPROCESSABLE_ENTITY, &message, Some(json!(details)))
            }
            EngineError::BadRequest(_) => error_response(StatusCode::BAD_REQUEST, &message, None),
            EngineError::Unauthorized(_) => error_response(StatusCode::UNAUTHORIZED, &message, None),
            EngineError::Forbidden(_) => error_response(StatusCode::FORBIDDEN, &message, None),
            EngineError::Conflict(_) => error_response(StatusCode::CONFLICT, &message, None),
            EngineError::Unavailable(_) => error_response(StatusCode::SERVICE_UNAVAILABLE, &message, None),
            EngineError::Internal(source) => {
                // The cause goes to the log (with the request id from the span), not the client.
                tracing::error!(error = %source, "internal error");
                error_response(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error.", None)
            }
        }
    }
}

pub type V2Result = Result<Response, V2Error>;

/// The fallback for paths and methods that `/v2` does not have.
pub async fn not_found() -> Response {
    error_response(StatusCode::NOT_FOUND, "The requested resource does not exist.", None)
}

/// A known path with a method it does not have.
pub async fn method_not_allowed() -> Response {
    error_response(
        StatusCode::METHOD_NOT_ALLOWED,
        "This method is not allowed on this resource.",
        None,
    )
}
