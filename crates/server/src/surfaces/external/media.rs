//! `/media/{id}.{ext}`: banners uploaded with a chat giveaway, served to anyone (the widget and
//! the partner's chat show them).

use super::response::ExtResult;
use crate::app::AppState;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;

#[utoipa::path(get, path = "/media/{file}", tag = "External chat giveaways", summary = "An uploaded banner",
    params(("file" = String, Path, description = "<id>.<ext>")),
    responses((status = 200, description = "The image"), (status = 404, body = Object)))]
pub async fn get_media(State(state): State<AppState>, Path(file): Path<String>) -> ExtResult {
    let (content_type, bytes, is_photo) = state.engine.media(&file).await?;
    // An upload never changes: its id is new for every file. A contest photo can still be
    // rejected after approval, so caches keep it for minutes, not a year.
    let cache = if is_photo {
        "public, max-age=300"
    } else {
        "public, max-age=31536000, immutable"
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, cache.to_owned()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        bytes,
    )
        .into_response())
}
