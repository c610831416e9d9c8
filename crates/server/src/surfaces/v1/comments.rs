//! `POST /v1/comments/scrape`: a preview of a draw's pool, without drawing.

use super::draws::failure_response;
use super::{Body, Caller, ErrorBody, Query, V1Result, page_limit};
use crate::app::AppState;
use crate::engine::comment_draws::scrape::ScrapeInput;
use axum::Json;
use axum::extract::State;
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(scrape))
}

#[derive(Deserialize)]
pub struct PageQuery {
    cursor: Option<String>,
    limit: Option<i64>,
}

#[utoipa::path(post, path = "/comments/scrape", tag = "Comments", summary = "Scrape comments only (no draw)",
    description = "Reads the post's comments (or an upload's) and answers the pool a draw with these filters would \
        use: each person (`username`), their `qualifying_comments`, their `weight`, and their comments, a page at a \
        time in pool order. `comments_processed` counts every comment and reply read.",
    request_body = ScrapeInput,
    params(("cursor" = Option<String>, Query, description = "next_cursor of the previous page"),
        ("limit" = Option<i64>, Query, description = "1 to 100, default 20")),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 502, body = ErrorBody)))]
pub async fn scrape(
    State(state): State<AppState>,
    Caller(who): Caller,
    Query(q): Query<PageQuery>,
    Body(input): Body<ScrapeInput>,
) -> V1Result {
    let limit = match page_limit(q.limit) {
        Ok(l) => l as usize,
        Err(response) => return Ok(*response),
    };
    let env = crate::connectors::draw_env(&state);
    let cursor = q
        .cursor
        .as_deref()
        .map(|c| c.trim().trim_start_matches('@'))
        .filter(|c| !c.is_empty());
    let preview = match state.engine.scrape(&who, &input, cursor, limit, &env).await? {
        Ok(p) => p,
        Err(failure) => return Ok(failure_response(&failure)),
    };
    let next_cursor = if preview.has_more {
        preview.entries.last().map(|e| e.id.clone())
    } else {
        None
    };
    let data: Vec<_> = preview
        .entries
        .iter()
        .map(|e| {
            json!({
                "username": format!("@{}", e.id),
                "qualifying_comments": e.qualifying_comments,
                "weight": e.weight,
                "comments": e.comments,
            })
        })
        .collect();
    Ok(Json(json!({
        "url": preview.url,
        "comments_processed": preview.comments_processed,
        "pool_size": preview.pool_size,
        "total_weight": preview.total_weight,
        "data": data,
        "has_more": preview.has_more,
        "next_cursor": next_cursor,
    }))
    .into_response())
}
