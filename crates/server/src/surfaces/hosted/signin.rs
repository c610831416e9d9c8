//! `GET /view/{key}/signin`: the link of the confirmation e-mail. A genuine link sets the
//! page's participant cookie and sends the entrant to the page, which then shows their entries
//! and remaining methods; any other link goes to the page as a visitor sees it.

use super::{parse_key, redirect, set_token_cookie};
use crate::app::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
struct SigninQuery {
    u: Option<String>,
    e: Option<i64>,
    s: Option<String>,
}

#[utoipa::path(get, path = "/view/{key}/signin", tag = "Pages", summary = "Sign back in from the confirmation e-mail",
    description = "The link in the confirmation e-mail: `u` (the participant's user_id), `e` (expiry, Unix ms) and \
        `s` (their HMAC under the server's key). A genuine, unexpired link for an active participant sets the page's \
        participant cookie; either way the answer is a 303 to the page.",
    params(("key" = String, Path, description = "`{id}-{slug}`")),
    responses((status = 303, description = "To the page")))]
pub async fn signin(State(state): State<AppState>, Path(key): Path<String>, RawQuery(raw): RawQuery) -> Response {
    let safe_key: String = key.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    let page = format!("/view/{safe_key}");
    let Some((id, _)) = parse_key(&key) else {
        return redirect(&page, StatusCode::SEE_OTHER);
    };
    let q: SigninQuery = raw
        .as_deref()
        .and_then(|r| serde_urlencoded::from_str(r).ok())
        .unwrap_or_default();
    let (Some(user), Some(expires), Some(sig)) = (q.u, q.e, q.s) else {
        return redirect(&page, StatusCode::SEE_OTHER);
    };
    match state.engine.sign_in(id, &user, expires, &sig).await {
        Ok(token) => {
            let mut r = redirect(&format!("{page}#fd-entry"), StatusCode::SEE_OTHER);
            if let Ok(v) = HeaderValue::from_str(&set_token_cookie(&state.config.public_url, id, &token)) {
                r.headers_mut().insert(header::SET_COOKIE, v);
            }
            r
        }
        Err(e) => {
            if !matches!(e, crate::engine::EngineError::NotFound(_)) {
                tracing::error!(error = %e, "a sign-in link failed");
            }
            redirect(&page, StatusCode::SEE_OTHER)
        }
    }
}
