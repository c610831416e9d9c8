//! `GET /verify/{hash}`: one draw explained for people, then re-run by their own browser with a
//! small script of ours (served from the binary, so the page needs no other host).

mod html;
pub(super) mod view;

pub(super) use html::Code;

use crate::app::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use view::DrawView;

const SCRIPT: &str = include_str!("../../../assets/verify.js");
const STYLE: &str = include_str!("../../../assets/verify.css");

/// The page loads only our own script and stylesheet and talks only to its own host.
const PAGE_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
                           img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/verify/{hash}", get(page))
        .route("/verify/assets/verify.js", get(script))
        .route("/verify/assets/verify.css", get(style))
}

async fn page(State(state): State<AppState>, Path(hash): Path<String>) -> Response {
    match DrawView::by_hash(&state, &hash).await {
        Ok(Some(view)) => {
            let mut response = html_response(StatusCode::OK, html::draw_page(&view));
            // A published draw never changes; a short lifetime still lets a fixed page refresh.
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
            response
        }
        Ok(None) => not_found(&hash, Code::Hash, "assets/"),
        Err(e) => server_error(&e, "assets/"),
    }
}

async fn script() -> Response {
    asset("text/javascript; charset=utf-8", SCRIPT)
}

async fn style() -> Response {
    asset("text/css; charset=utf-8", STYLE)
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        body,
    )
        .into_response()
}

fn html_response(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(PAGE_POLICY));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The friendly 404 for an unknown draw; `assets` leads from the requested URL to our assets.
pub(super) fn not_found(code: &str, kind: Code, assets: &str) -> Response {
    html_response(StatusCode::NOT_FOUND, html::not_found_page(code, kind, assets))
}

pub(super) fn server_error(e: &crate::engine::EngineError, assets: &str) -> Response {
    tracing::error!(error = %e, "reading a published draw failed");
    html_response(StatusCode::INTERNAL_SERVER_ERROR, html::error_page(assets))
}
