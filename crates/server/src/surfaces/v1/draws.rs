//! `/v1/draws`: run a comment draw, read one, list them.

use super::{Body, Caller, ErrorBody, Query, V1Result, error_with, page_limit};
use crate::app::AppState;
use crate::engine::comment_draws::{CreateDrawInput, RunFailure, Started, draw_json};
use crate::surfaces::enums::string_enum;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_draw, list_draws))
        .routes(routes!(get_draw))
}

/// A failure in the request, as its status: the platform's refusal is a 502 that names the
/// platform and says why; a draw with nothing to draw from is a 422.
pub fn failure_response(failure: &RunFailure) -> Response {
    let status = match failure {
        RunFailure::Platform(_) => StatusCode::BAD_GATEWAY,
        RunFailure::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        RunFailure::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        RunFailure::Beacon(_) => StatusCode::SERVICE_UNAVAILABLE,
    };
    error_with(status, failure.code(), &failure.message(), None)
}

string_enum!(
    /// Where a `/v1` draw is: `processing` while comments are read (and, with a beacon, until its
    /// round is out), then `completed` or `failed`, as the store records it.
    V1DrawStatus => ["processing", "completed", "failed"]
);

/// A draw as every route here answers it. Only its id and its status are described; the other
/// fields are the reference's (`comments_processed`, `winners`, `extras`, `verification`, …).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct V1Draw {
    /// `drw_…`.
    id: String,
    #[schema(value_type = V1DrawStatus)]
    status: String,
}

/// A page of draws, newest first.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct V1DrawPage {
    data: Vec<V1Draw>,
    has_more: bool,
    /// Pass it as `cursor` for the next page.
    next_cursor: Option<String>,
}

#[utoipa::path(post, path = "/draws", tag = "Draws", summary = "Run a new draw",
    description = "Reads the post's comments (or an upload's), keeps those the filters accept, and draws \
        `winners` and `extras` from the pool with the draw protocol, under a seed committed before the first \
        comment was read. Answers 200 with the result, or 202 `processing` when reading takes longer than \
        the server waits (`FAIRDRAW_V1_SYNC_WAIT_MS`); the draw then goes on in the background and \
        `draw.completed` / `draw.failed` is sent when it ends. `Idempotency-Key` recommended.",
    request_body = CreateDrawInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key get the first answer")),
    responses((status = 200, body = V1Draw), (status = 202, body = V1Draw), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody),
        (status = 502, body = ErrorBody)))]
pub async fn create_draw(
    State(state): State<AppState>,
    Caller(who): Caller,
    Body(input): Body<CreateDrawInput>,
) -> V1Result {
    let env = crate::connectors::draw_env(&state);
    let allow_private = state.config.outbound.allow_private;
    let started = state
        .engine
        .start_comment_draw(&who, &input, &env, allow_private)
        .await?;
    Ok(match started {
        Started::Completed(row) => {
            let mut v = draw_json(&row);
            super::claims::annotate(&state, &row, &mut v).await?;
            (StatusCode::OK, Json(v)).into_response()
        }
        Started::Processing(row) => (StatusCode::ACCEPTED, Json(draw_json(&row))).into_response(),
        Started::Failed(_, failure) => failure_response(&failure),
    })
}

#[utoipa::path(get, path = "/draws/{id}", tag = "Draws", summary = "Retrieve a draw by ID",
    description = "While `processing`, `comments_processed` grows as pages are read; then the result as \
        `POST /v1/draws` answers it (or `failed` with `error`).",
    params(("id" = String, Path, description = "drw_…")),
    responses((status = 200, body = V1Draw), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_draw(State(state): State<AppState>, Caller(who): Caller, Path(id): Path<String>) -> V1Result {
    let row = state.engine.comment_draw(&who, &id).await?;
    let mut v = draw_json(&row);
    super::claims::annotate(&state, &row, &mut v).await?;
    Ok(Json(v).into_response())
}

#[derive(Deserialize)]
pub struct ListQuery {
    cursor: Option<String>,
    limit: Option<i64>,
}

#[utoipa::path(get, path = "/draws", tag = "Draws", summary = "List draws",
    description = "Newest first. `{\"data\": [...], \"has_more\": bool, \"next_cursor\": \"...\"|null}`; pass \
        `next_cursor` as `cursor` for the next page.",
    params(("cursor" = Option<String>, Query, description = "next_cursor of the previous page"),
        ("limit" = Option<i64>, Query, description = "1 to 100, default 20")),
    responses((status = 200, body = V1DrawPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn list_draws(State(state): State<AppState>, Caller(who): Caller, Query(q): Query<ListQuery>) -> V1Result {
    let limit = match page_limit(q.limit) {
        Ok(l) => l,
        Err(response) => return Ok(*response),
    };
    let cursor = q.cursor.as_deref().map(str::trim).filter(|c| !c.is_empty());
    let (rows, has_more) = state.engine.list_comment_draws(&who, cursor, limit).await?;
    let next_cursor = if has_more {
        rows.last().map(|r| r.public_id.clone())
    } else {
        None
    };
    let mut data = Vec::with_capacity(rows.len());
    for row in &rows {
        // Each draw as its own endpoint shows it, claim status included.
        let mut v = draw_json(row);
        super::claims::annotate(&state, row, &mut v).await?;
        data.push(v);
    }
    Ok(Json(json!({ "data": data, "has_more": has_more, "next_cursor": next_cursor })).into_response())
}
