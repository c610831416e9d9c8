//! HTTP plumbing shared by every surface: request ids and logging, idempotency keys, and the
//! trait through which shared middleware speaks each surface's error style.

pub mod idempotency;
pub mod request_id;

use axum::http::StatusCode;
use axum::response::Response;

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
