//! The draws API on `/v1`, shaped like the PickAWin reference: plain JSON objects (no
//! envelope), errors as `{"error": {"code", "message", "param"}}`, cursor pagination, Bearer
//! keys (`sk_live_…`). One file per resource; the public verify routes need no key.

mod auth;
mod claims;
mod comments;
mod connections;
mod draws;
mod log;
mod uploads;
mod usage;
mod verify;
mod webhooks;

use crate::app::AppState;
use crate::engine::{EngineError, Principal};
use crate::http::{BodyError, SurfaceErrors, idempotency, nul, read_body};
use axum::Json;
use axum::extract::{FromRef, FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::middleware;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;

pub fn router(state: AppState) -> OpenApiRouter<AppState> {
    let keyed = OpenApiRouter::new()
        .merge(draws::routes())
        // Winners who must claim (issue 15).
        .merge(claims::routes())
        .merge(comments::routes())
        .merge(webhooks::routes())
        .merge(connections::routes())
        .merge(usage::routes())
        .route_layer(middleware::from_fn_with_state(state.clone(), idempotency::layer::<V1>))
        // Uploads are larger than the idempotency layer keeps; an upload repeated is harmless.
        .merge(uploads::routes());
    let keyed = crate::openapi::engine_enums(keyed);
    let keyed = crate::openapi::secured(keyed, crate::openapi::Auth::V1)
        .route_layer(middleware::from_fn_with_state(state, auth::require_key));
    OpenApiRouter::new()
        .merge(verify::routes())
        .merge(log::routes())
        .merge(keyed)
        .fallback(not_found)
}

/// Marker for this surface in shared middleware.
pub struct V1;

impl SurfaceErrors for V1 {
    fn error(status: StatusCode, message: &str) -> Response {
        error_response(status, message)
    }
}

/// The error body of every `/v1` route (named apart from `/v2`'s, which has a numeric code).
#[derive(Serialize, ToSchema)]
#[schema(as = V1ErrorBody)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
#[schema(as = V1ErrorDetail)]
pub struct ErrorDetail {
    /// invalid_request, unauthorized, forbidden, not_found, conflict, validation_error,
    /// rate_limited, platform_error, no_qualifying_comments or internal_error.
    pub code: String,
    pub message: String,
    /// The request field the error is about, when there is one.
    pub param: Option<String>,
}

fn code(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::BAD_REQUEST | StatusCode::PAYLOAD_TOO_LARGE => "invalid_request",
        StatusCode::UNPROCESSABLE_ENTITY => "validation_error",
        StatusCode::CONFLICT => "conflict",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::TOO_MANY_REQUESTS => "rate_limited",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::BAD_GATEWAY => "platform_error",
        _ => "internal_error",
    }
}

pub fn error_response(status: StatusCode, message: &str) -> Response {
    error_with(status, code(status), message, None)
}

pub fn error_with(status: StatusCode, code: &str, message: &str, param: Option<&str>) -> Response {
    let body = ErrorBody {
        error: ErrorDetail {
            code: code.to_owned(),
            message: message.to_owned(),
            param: param.map(str::to_owned),
        },
    };
    (status, Json(body)).into_response()
}

/// An engine error as this surface reports it.
#[derive(Debug)]
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
                // One line a person can read; the first field is the `param`.
                let text = details.iter().map(|(_, m)| m.to_owned()).collect::<Vec<_>>().join(" ");
                let param = details.iter().next().map(|(f, _)| f.to_owned());
                return error_with(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "validation_error",
                    &text,
                    param.as_deref(),
                );
            }
            EngineError::BadRequest(_) => StatusCode::BAD_REQUEST,
            EngineError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            EngineError::Forbidden(_) => StatusCode::FORBIDDEN,
            EngineError::Conflict(_) => StatusCode::CONFLICT,
            EngineError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
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

/// A JSON body; malformed JSON or a wrong type is a 400 naming the field in `param`.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T>
where
    AppState: FromRef<S>,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let limit = AppState::from_ref(state).config.max_body_bytes;
        let bytes = read_body(req.into_body(), limit).await.map_err(|e| match e {
            BodyError::TooLarge => error_response(StatusCode::PAYLOAD_TOO_LARGE, "Request body is too large."),
            BodyError::Read => error_response(StatusCode::BAD_REQUEST, "Could not read the request body."),
        })?;
        if let Some(field) = nul::in_json(&bytes) {
            return Err(error_with(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Text may not contain the NUL character (\\u0000).",
                Some(&field),
            ));
        }
        let slice: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            &bytes
        };
        let de = &mut serde_json::Deserializer::from_slice(slice);
        serde_path_to_error::deserialize(de).map(Body).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let said = inner.to_string();
            let said = said.split(" at line ").next().unwrap_or_default();
            if inner.is_data() && path != "." {
                error_with(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    &format!("Invalid value for '{path}': {said}"),
                    Some(&path),
                )
            } else {
                error_response(StatusCode::BAD_REQUEST, &format!("The body is not valid JSON: {said}"))
            }
        })
    }
}

/// Query parameters; a value of the wrong type is a 400.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        serde_urlencoded::from_str(parts.uri.query().unwrap_or_default())
            .map(Query)
            .map_err(|e| error_response(StatusCode::BAD_REQUEST, &format!("Invalid query parameters: {e}")))
    }
}

/// The authenticated caller, put there by the auth middleware.
pub struct Caller(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Principal>()
            .cloned()
            .map(Caller)
            .ok_or_else(|| error_response(StatusCode::UNAUTHORIZED, "Missing API key."))
    }
}

/// A page of a cursor list: `limit` 1 to 100, default 20.
pub fn page_limit(raw: Option<i64>) -> Result<i64, Box<Response>> {
    match raw {
        None => Ok(20),
        Some(n) if (1..=100).contains(&n) => Ok(n),
        Some(_) => Err(Box::new(error_with(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "limit must be between 1 and 100.",
            Some("limit"),
        ))),
    }
}
