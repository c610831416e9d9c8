//! `/external` answers in the reference's style (NestJS): errors are
//! `{"statusCode": 400, "error": "Bad Request", "message": [...]}`, with one message per
//! problem for a 400 and one string otherwise.

use crate::engine::EngineError;
use crate::engine::chat_giveaways::ChatError;
use crate::http::SurfaceErrors;
use axum::Json;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// Marker for this surface in shared middleware.
pub struct External;

impl SurfaceErrors for External {
    fn error(status: StatusCode, message: &str) -> Response {
        error(status, json!(message))
    }
}

/// An error body: `message` is a string, or a list of strings for a 400.
pub fn error(status: StatusCode, message: Value) -> Response {
    let body = json!({
        "statusCode": status.as_u16(),
        "error": status.canonical_reason().unwrap_or("Error"),
        "message": message,
    });
    (status, Json(body)).into_response()
}

/// Query parameters; a query that does not parse (a value of the wrong type, a parameter given
/// twice) is a 400 in this surface's style, not axum's plain-text rejection.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Query(q.0))
            .map_err(|e| bad_request(vec![format!("Invalid query parameters: {}", e.body_text())]))
    }
}

/// A 400 with one message per problem.
pub fn bad_request(problems: Vec<String>) -> Response {
    error(StatusCode::BAD_REQUEST, json!(problems))
}

/// The NUL character, refused in any field (`crate::http::nul`).
pub fn nul_refused(field: &str) -> Response {
    bad_request(vec![format!("{field} must not contain the NUL character")])
}

/// The refusal of a JSON body with `\u0000` in a string, naming the field; `None` when it has
/// none.
pub fn nul_in_json(bytes: &[u8]) -> Option<Response> {
    crate::http::nul::in_json(bytes).map(|field| nul_refused(&field))
}

pub fn ok(body: Value) -> Response {
    (StatusCode::OK, Json(body)).into_response()
}

pub fn created(body: Value) -> Response {
    (StatusCode::CREATED, Json(body)).into_response()
}

/// Any failure of an `/external` handler.
pub struct ExtError(pub ChatError);

impl From<EngineError> for ExtError {
    fn from(e: EngineError) -> Self {
        ExtError(ChatError::Engine(e))
    }
}

impl From<ChatError> for ExtError {
    fn from(e: ChatError) -> Self {
        ExtError(e)
    }
}

impl From<Response> for ExtError {
    fn from(r: Response) -> Self {
        ExtError(ChatError::Engine(EngineError::Internal(
            format!("unexpected early response {}", r.status()).into(),
        )))
    }
}

impl IntoResponse for ExtError {
    fn into_response(self) -> Response {
        let e = match self.0 {
            ChatError::Invalid(p) => return bad_request(p.0),
            ChatError::Engine(e) => e,
        };
        let message = e.to_string();
        match e {
            EngineError::NotFound(_) => error(StatusCode::NOT_FOUND, json!(message)),
            EngineError::Validation(fields) => bad_request(fields.iter().map(|(f, m)| format!("{f}: {m}")).collect()),
            EngineError::BadRequest(_) => bad_request(vec![message]),
            EngineError::Unauthorized(_) => error(StatusCode::UNAUTHORIZED, json!(message)),
            EngineError::Forbidden(_) => error(StatusCode::FORBIDDEN, json!(message)),
            EngineError::Conflict(_) => error(StatusCode::CONFLICT, json!(message)),
            EngineError::Unavailable(_) => error(StatusCode::SERVICE_UNAVAILABLE, json!(message)),
            EngineError::Internal(source) => {
                tracing::error!(error = %source, "internal error");
                error(StatusCode::INTERNAL_SERVER_ERROR, json!("Internal server error"))
            }
        }
    }
}

pub type ExtResult = Result<Response, ExtError>;

/// The fallback for paths `/external` does not have.
pub async fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, json!("Cannot find this resource"))
}
