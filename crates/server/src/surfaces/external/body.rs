//! The create and patch bodies: `application/json` or `multipart/form-data`, read into the
//! named fields core validates (text fields, files, or JSON values).

use super::response::{bad_request, nul_in_json, nul_refused};
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use fairdraw_core::chat::Raw;

/// The fields of a body, in order.
pub struct Fields(pub Vec<(String, Raw)>);

impl<S: Send + Sync> FromRequest<S> for Fields {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        if content_type.starts_with("multipart/form-data") {
            let mut form = Multipart::from_request(req, state)
                .await
                .map_err(|e| bad_request(vec![format!("the form could not be read: {}", e.body_text())]))?;
            let mut fields = Vec::new();
            loop {
                let field = match form.next_field().await {
                    Ok(Some(f)) => f,
                    Ok(None) => break,
                    Err(e) => {
                        return Err(bad_request(vec![format!(
                            "the form could not be read: {}",
                            e.body_text()
                        )]));
                    }
                };
                let name = field.name().unwrap_or_default().to_owned();
                let is_file = field.file_name().is_some();
                let bytes = field.bytes().await.map_err(|e| {
                    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                        e.into_response()
                    } else {
                        bad_request(vec![format!("{name} could not be read: {}", e.body_text())])
                    }
                })?;
                let raw = if is_file {
                    Raw::File(bytes.to_vec())
                } else {
                    match String::from_utf8(bytes.to_vec()) {
                        Ok(s) if s.contains('\0') => return Err(nul_refused(&name)),
                        Ok(s) => Raw::Text(s),
                        Err(_) => return Err(bad_request(vec![format!("{name} must be UTF-8 text")])),
                    }
                };
                fields.push((name, raw));
            }
            return Ok(Fields(fields));
        }
        if content_type.starts_with("application/json") || content_type.is_empty() {
            let bytes = axum::body::Bytes::from_request(req, state)
                .await
                .map_err(IntoResponse::into_response)?;
            if let Some(refused) = nul_in_json(&bytes) {
                return Err(refused);
            }
            let value: serde_json::Value = serde_json::from_slice(&bytes)
                .map_err(|e| bad_request(vec![format!("the body is not valid JSON: {e}")]))?;
            let serde_json::Value::Object(map) = value else {
                return Err(bad_request(vec!["the body must be a JSON object".to_owned()]));
            };
            return Ok(Fields(map.into_iter().map(|(k, v)| (k, Raw::Json(v))).collect()));
        }
        Err(bad_request(vec![
            "Content-Type must be application/json or multipart/form-data".to_owned(),
        ]))
    }
}
