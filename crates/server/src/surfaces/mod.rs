//! The API surfaces: thin adapters that translate HTTP into engine calls and engine results
//! into each surface's own envelope and error style.

pub mod enums;
pub mod external;
pub mod hosted;
pub mod links;
pub mod ops;
pub mod pages;
pub mod public;
pub mod v1;
pub mod v2;

use crate::http::SurfaceErrors;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// An error in the style of the surface that serves `path` (`http::ErrorStyle`).
pub fn error_for_path(path: &str, status: StatusCode, message: &str) -> Response {
    let under = |prefix: &str| path == prefix || path.starts_with(&format!("{prefix}/"));
    if under("/v2") || under("/api/public") {
        v2::response::V2::error(status, message)
    } else if under("/v1") {
        v1::V1::error(status, message)
    } else if under("/external") {
        external::response::External::error(status, message)
    } else {
        (status, message.to_owned()).into_response()
    }
}
