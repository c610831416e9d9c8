//! `POST /v1/comments/uploads`: a CSV or JSON export of comments, as multipart (`file`) or as
//! the raw body, up to 50 MB and 1,000,000 comments. The global body limit is for JSON
//! requests; this route has its own.

use super::{Caller, ErrorBody, V1Error, V1Result, error_response, error_with};
use crate::app::AppState;
use crate::engine::comment_draws::uploads::{MAX_UPLOAD_BYTES, UploadRefused};
use crate::engine::comment_draws::uploads_dir;
use axum::Json;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Request, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use fairdraw_core::comments::upload::Format;
use fairdraw_core::time::format_rfc3339;
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_upload))
        // Room for the multipart framing around a 50 MB file.
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES + 64 * 1024))
}

fn format_of(content_type: Option<&str>, filename: Option<&str>) -> Option<Format> {
    let ct = content_type.unwrap_or_default().to_ascii_lowercase();
    if ct.starts_with("text/csv") || ct.starts_with("application/csv") {
        return Some(Format::Csv);
    }
    if ct.starts_with("application/json") {
        return Some(Format::Json);
    }
    let name = filename.unwrap_or_default().to_ascii_lowercase();
    if name.ends_with(".csv") {
        Some(Format::Csv)
    } else if name.ends_with(".json") {
        Some(Format::Json)
    } else {
        None
    }
}

fn too_large() -> axum::response::Response {
    error_response(
        StatusCode::PAYLOAD_TOO_LARGE,
        "The file is larger than 50 MB; split it, or remove columns other than username, comment, timestamp and parent_id.",
    )
}

#[utoipa::path(post, path = "/comments/uploads", tag = "Comments", summary = "Upload comments",
    description = "A CSV with a header (`username,comment[,timestamp][,parent_id]`) or a JSON export (an array of \
        `{username, comment, timestamp?, parent_id?}`, or `{\"comments\": [...]}`), as multipart/form-data (field \
        `file`) or as the raw body (`Content-Type: text/csv` or `application/json`). Answers the upload's id and \
        the `upload://` URL that `POST /v1/draws` and `POST /v1/comments/scrape` accept. A bad row is a 400 that \
        names its line.",
    request_body(content = String, content_type = "text/csv"),
    responses((status = 201, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 413, body = ErrorBody)))]
pub async fn create_upload(State(state): State<AppState>, Caller(who): Caller, req: Request) -> V1Result {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (bytes, format) = if content_type
        .as_deref()
        .is_some_and(|c| c.to_ascii_lowercase().starts_with("multipart/form-data"))
    {
        let mut multipart = match Multipart::from_request(req, &state).await {
            Ok(m) => m,
            Err(e) => {
                return Ok(error_response(
                    StatusCode::BAD_REQUEST,
                    &format!("Not a valid multipart body: {e}"),
                ));
            }
        };
        let mut found = None;
        loop {
            match multipart.next_field().await {
                Ok(Some(field)) => {
                    if field.name() != Some("file") && found.is_some() {
                        continue;
                    }
                    let format = format_of(field.content_type(), field.file_name());
                    match field.bytes().await {
                        Ok(b) => found = Some((b, format)),
                        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Ok(too_large()),
                        Err(e) => {
                            return Ok(error_response(
                                StatusCode::BAD_REQUEST,
                                &format!("Could not read the file: {e}"),
                            ));
                        }
                    }
                }
                Ok(None) => break,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Ok(too_large()),
                Err(e) => {
                    return Ok(error_response(
                        StatusCode::BAD_REQUEST,
                        &format!("Not a valid multipart body: {e}"),
                    ));
                }
            }
        }
        match found {
            Some(f) => f,
            None => {
                return Ok(error_with(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "The multipart body has no file; send it in the field `file`.",
                    Some("file"),
                ));
            }
        }
    } else {
        match axum::body::to_bytes(req.into_body(), MAX_UPLOAD_BYTES).await {
            Ok(b) => (b, format_of(content_type.as_deref(), None)),
            Err(_) => return Ok(too_large()),
        }
    };
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Ok(too_large());
    }
    let dir = uploads_dir(&state.config.data_dir);
    let row = match state
        .engine
        .save_upload(&who, std::sync::Arc::from(&bytes[..]), format, &dir)
        .await
    {
        Ok(r) => r,
        Err(UploadRefused::Invalid(e)) => {
            let message = match e.line {
                Some(line) => format!("Line {line}: {}", e.message),
                None => format!("The file was refused: {}", e.message),
            };
            return Ok(error_with(
                StatusCode::BAD_REQUEST,
                "invalid_file",
                &message,
                Some("file"),
            ));
        }
        Err(UploadRefused::Engine(e)) => return Err(V1Error(e)),
    };
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "id": row.public_id,
            "url": format!("upload://{}", row.public_id),
            "format": row.format,
            "comments": row.comment_count,
            "bytes": row.byte_size,
            "sha256": row.sha256,
            "created_at": format_rfc3339(row.created_at),
        })),
    )
        .into_response())
}
