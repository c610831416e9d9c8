//! `GET /cert/{public_id}.pdf`: the draw's one-page, printable certificate, with the same facts
//! as the verify page and the verify URL as text and as a QR code.

mod fonts;
mod layout;
mod page;
mod pdf;

use super::verify_page::view::DrawView;
use super::verify_page::{Code, not_found, server_error};
use crate::app::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// From `/cert/…` back to the verify page's assets, for the HTML error pages.
const ASSETS: &str = "../verify/assets/";

pub fn routes() -> Router<AppState> {
    // The router matches whole segments, so `{id}.pdf` is one parameter with the suffix checked here.
    Router::new().route("/cert/{file}", get(certificate))
}

async fn certificate(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(public_id) = file.strip_suffix(".pdf") else {
        return not_found(&file, Code::DrawId, ASSETS);
    };
    let view = match DrawView::by_public_id(&state, public_id).await {
        Ok(Some(view)) => view,
        Ok(None) => return not_found(public_id, Code::DrawId, ASSETS),
        Err(e) => return server_error(&e, ASSETS),
    };
    // Font subsetting and compression take a few milliseconds of CPU: keep them off the reactor.
    let rendered = tokio::task::spawn_blocking(move || {
        let bytes = pdf::render(&view);
        (view.public_id, bytes)
    })
    .await;
    match rendered {
        Ok((id, Ok(bytes))) => pdf_response(&id, bytes),
        Ok((id, Err(e))) => {
            tracing::error!(draw = %id, error = %e, "rendering a certificate failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "the certificate renderer panicked");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn pdf_response(public_id: &str, bytes: Vec<u8>) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    let name: String = public_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if let Ok(value) = HeaderValue::from_str(&format!("inline; filename=\"fairdraw-draw-{name}.pdf\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}
