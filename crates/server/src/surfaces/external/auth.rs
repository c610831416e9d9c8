//! `/external` authentication: the brand's public key in `x-api-key` (`pk_live_…`) and a secret
//! key of the same brand as `Authorization: Bearer sk_live_…`. Anything missing or mismatched is
//! a 401. Then the same plan check, rate limits (with their headers) and usage as on `/v2`.

use super::response::error;
use crate::app::AppState;
use crate::http::is_write;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    (v.len() > 7 && v[..7].eq_ignore_ascii_case("bearer ")).then(|| v[7..].trim())
}

fn unauthorized(message: &str) -> Response {
    error(StatusCode::UNAUTHORIZED, json!(message))
}

pub async fn require_keys(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let headers = req.headers();
    let public = headers.get("x-api-key").and_then(|v| v.to_str().ok()).map(str::trim);
    let (Some(public), Some(secret)) = (public.filter(|k| !k.is_empty()), bearer(headers)) else {
        return unauthorized("Send the public key in x-api-key and a secret key as 'Authorization: Bearer <key>'.");
    };
    let principal = match state.engine.authenticate_external(public, secret).await {
        Ok(p) => p,
        Err(crate::engine::EngineError::Unauthorized(m)) => return unauthorized(&m),
        Err(e) => return super::response::ExtError::from(e).into_response(),
    };
    if !principal.plan.api_access() {
        return error(
            StatusCode::FORBIDDEN,
            json!(format!(
                "Your plan ({}) does not include API access.",
                principal.plan.display_name()
            )),
        );
    }
    let verdict = match state.engine.admit(&principal, is_write(req.method())).await {
        Ok(v) => v,
        Err(e) => return super::response::ExtError::from(e).into_response(),
    };
    crate::http::rate_limit::admit_or_refuse::<super::response::External>(verdict, principal, req, next).await
}
