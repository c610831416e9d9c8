//! Extractors that turn request parts into typed values, answering bad input in the `/v2`
//! error style: malformed JSON and wrong types are 400 (naming the field), an oversized body is
//! 413, an unparseable path id is 404, and the NUL character anywhere (body, path, query) is 400.

use super::response::error_response;
use crate::app::AppState;
use crate::engine::Principal;
use crate::http::{BodyError, nul, read_body};
use axum::extract::FromRef;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

/// A JSON body. The `Content-Type` is not insisted on, since many clients send JSON as
/// `application/x-www-form-urlencoded` by default.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T>
where
    AppState: FromRef<S>,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let limit = AppState::from_ref(state).config.max_body_bytes;
        let bytes = read_body(req.into_body(), limit).await.map_err(|e| match e {
            BodyError::TooLarge => error_response(StatusCode::PAYLOAD_TOO_LARGE, "Request body is too large.", None),
            BodyError::Read => error_response(StatusCode::BAD_REQUEST, "Could not read the request body.", None),
        })?;
        if let Some(field) = nul::in_json(&bytes) {
            return Err(nul_refused(&field));
        }
        let slice: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            &bytes
        };
        let de = &mut serde_json::Deserializer::from_slice(slice);
        match serde_path_to_error::deserialize(de) {
            Ok(v) => Ok(Body(v)),
            Err(e) => {
                let path = e.path().to_string();
                let inner = e.into_inner();
                let message = if inner.is_data() && path != "." {
                    format!("Invalid value for '{path}': {}", strip_position(&inner.to_string()))
                } else if inner.is_data() {
                    format!("Invalid request body: {}", strip_position(&inner.to_string()))
                } else {
                    format!("Malformed JSON: {inner}")
                };
                Err(error_response(StatusCode::BAD_REQUEST, &message, None))
            }
        }
    }
}

/// A text with the NUL character, which no field accepts (`crate::http::nul`).
fn nul_refused(field: &str) -> Response {
    let message = if field == "." {
        "Invalid request body: text may not contain the NUL character (\\u0000).".to_owned()
    } else {
        format!("Invalid value for '{field}': text may not contain the NUL character (\\u0000).")
    };
    error_response(StatusCode::BAD_REQUEST, &message, None)
}

/// `%00` in the path or the query string.
fn nul_in_uri_refused() -> Response {
    error_response(
        StatusCode::BAD_REQUEST,
        "The URL may not contain the NUL character (%00).",
        None,
    )
}

fn strip_position(message: &str) -> &str {
    message.split(" at line ").next().unwrap_or(message)
}

/// Query parameters; a value of the wrong type is a 400.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if nul::in_uri(&parts.uri) {
            return Err(nul_in_uri_refused());
        }
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Query(q.0))
            .map_err(|e| {
                error_response(
                    StatusCode::BAD_REQUEST,
                    &format!("Invalid query parameters: {}", e.body_text()),
                    None,
                )
            })
    }
}

/// Path parameters; one that does not parse names nothing that exists, so it is a 404.
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if nul::in_uri(&parts.uri) {
            return Err(nul_in_uri_refused());
        }
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Path(p.0))
            .map_err(|_| error_response(StatusCode::NOT_FOUND, "The requested resource does not exist.", None))
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
            .ok_or_else(|| error_response(StatusCode::UNAUTHORIZED, "Missing API key.", None).into_response())
    }
}
