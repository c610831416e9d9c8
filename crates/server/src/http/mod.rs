//! HTTP plumbing shared by every surface: request ids and logging, idempotency keys, and the
//! trait through which shared middleware speaks each surface's error style.

pub mod headers;
pub mod idempotency;
pub mod nul;
pub mod rate_limit;
pub mod request_id;
pub mod serve;

use axum::http::StatusCode;
use axum::response::Response;

/// Writes an error for a request path in the style of the surface that owns it (for middleware
/// that runs in front of every surface).
pub type ErrorStyle = fn(&str, StatusCode, &str) -> Response;

/// How a surface writes an error produced by shared middleware.
pub trait SurfaceErrors: Send + Sync + 'static {
    fn error(status: StatusCode, message: &str) -> Response;
}

pub fn is_write(method: &axum::http::Method) -> bool {
    use axum::http::Method;
    matches!(*method, Method::POST | Method::PUT | Method::PATCH | Method::DELETE)
}

/// The peer address of the connection, when the server was started with connect info.
pub fn client_ip(req: &axum::extract::Request) -> String {
    req.extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string())
}

/// A body over the size limit.
#[derive(Debug)]
pub enum BodyError {
    TooLarge,
    Read,
}

/// How much of an oversized body is read and thrown away before answering 413. Closing the
/// connection with the body half-sent makes many clients report a reset instead of the 413.
const DRAIN_LIMIT: usize = 16 * 1024 * 1024;

/// Reads a whole body of at most `limit` bytes.
pub async fn read_body(body: axum::body::Body, limit: usize) -> Result<axum::body::Bytes, BodyError> {
    use http_body_util::BodyExt;
    let mut body = body;
    let mut buf = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| BodyError::Read)?;
        if let Ok(data) = frame.into_data() {
            seen += data.len();
            if seen > DRAIN_LIMIT {
                return Err(BodyError::TooLarge);
            }
            if seen <= limit {
                buf.extend_from_slice(&data);
            }
        }
    }
    if seen > limit {
        Err(BodyError::TooLarge)
    } else {
        Ok(buf.into())
    }
}
