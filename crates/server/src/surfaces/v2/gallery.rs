//! `/v2/giveaways/{id}/gallery`: photo-contest moderation. Approve and reject are the
//! reference's; the list, the review photo and the "most voted" pick are ours.

use super::extract::{Caller, Path, Query};
use super::response::{Envelope, ErrorEnvelope, ListEnvelope, V2Error, V2Result, created, list, ok};
use crate::app::AppState;
use crate::surfaces::enums::{PhotoStatusName, WinnerSelection};
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use fairdraw_core::gallery::Status;
use fairdraw_core::page::PageRequest;
use fairdraw_core::time::format_utc;
use fairdraw_store::gallery::SubmissionRow;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_gallery))
        .routes(routes!(approve_submission))
        .routes(routes!(reject_submission))
        .routes(routes!(submission_photo))
        .routes(routes!(pick_most_voted))
}

/// A photo submission.
#[derive(Serialize, ToSchema)]
pub struct SubmissionItem {
    /// The id of the entry the photo was uploaded with: the `{entry_id}` of approve and reject.
    entry_id: i64,
    user_id: String,
    name: String,
    email: String,
    caption: Option<String>,
    /// pending, approved or rejected.
    #[schema(value_type = PhotoStatusName)]
    status: String,
    votes: i64,
    width: i64,
    height: i64,
    content_type: String,
    /// The photo for review, whatever its status (this API's key required).
    review_url: String,
    /// The public address of the photo; only approved photos have one.
    photo_url: Option<String>,
    /// When the author was picked as the most voted winner: the votes the photo had then.
    picked_votes: Option<i64>,
    /// When it was uploaded (UTC).
    created_at: String,
    /// When it was last approved or rejected (UTC).
    reviewed_at: Option<String>,
}

fn item(public_url: &str, giveaway_id: i64, s: SubmissionRow) -> SubmissionItem {
    let approved = s.status == Status::Approved.as_str();
    SubmissionItem {
        entry_id: s.entry_id,
        user_id: s.user_id,
        name: s.name,
        email: s.email,
        caption: s.caption,
        votes: s.votes,
        width: s.width,
        height: s.height,
        content_type: s.content_type,
        review_url: format!("{public_url}/v2/giveaways/{giveaway_id}/gallery/{}/photo", s.entry_id),
        photo_url: approved.then(|| format!("{public_url}/media/{}.{}", s.media_id, s.ext)),
        status: s.status,
        picked_votes: s.picked_votes,
        created_at: format_utc(s.created_at),
        reviewed_at: s.reviewed_at.map(format_utc),
    }
}

#[derive(Deserialize, IntoParams)]
pub struct GalleryParams {
    /// pending, approved or rejected; all when left out.
    #[param(value_type = Option<PhotoStatusName>, inline)]
    status: Option<String>,
    page: Option<i64>,
    per_page: Option<i64>,
}

#[utoipa::path(get, path = "/giveaways/{id}/gallery", tag = "Gallery", summary = "List photo submissions",
    description = "Not in the reference. The photos uploaded with the giveaway's \"Upload a Photo\" entry method, \
        oldest first, optionally only those with one `status`. Paged like every list.",
    params(("id" = i64, Path, description = "The giveaway ID"), GalleryParams),
    responses((status = 200, body = ListEnvelope<SubmissionItem>), (status = 400, body = ErrorEnvelope),
        (status = 401, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
pub async fn list_gallery(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<i64>,
    Query(p): Query<GalleryParams>,
) -> V2Result {
    let page = PageRequest::new(p.page, p.per_page);
    let (rows, info) = state
        .engine
        .list_submissions(&who, id, p.status.as_deref(), page)
        .await?;
    let public_url = state.config.public_url.trim_end_matches('/');
    Ok(list(rows.into_iter().map(|s| item(public_url, id, s)).collect(), info))
}

/// The answer of approve and reject.
#[derive(Serialize, ToSchema)]
pub struct Message {
    message: &'static str,
}

#[utoipa::path(post, path = "/giveaways/{id}/gallery/{entry_id}/approve", tag = "Gallery", summary = "Approve a submission",
    description = "Approves a photo submission for public display in the giveaway gallery. Approved photos become \
        visible to other participants and can receive votes.",
    params(("id" = i64, Path, description = "The giveaway ID"), ("entry_id" = i64, Path, description = "The submission's entry ID")),
    responses((status = 200, body = Envelope<Message>), (status = 401, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
pub async fn approve_submission(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path((id, entry_id)): Path<(i64, i64)>,
) -> V2Result {
    state
        .engine
        .review_submission(&who, id, entry_id, Status::Approved)
        .await?;
    Ok(ok(Message {
        message: "Submission approved.",
    }))
}

#[utoipa::path(post, path = "/giveaways/{id}/gallery/{entry_id}/reject", tag = "Gallery", summary = "Reject a submission",
    description = "Rejects a photo submission. The photo will not be displayed in the gallery and will not be \
        eligible for voting; its public address stops answering.",
    params(("id" = i64, Path, description = "The giveaway ID"), ("entry_id" = i64, Path, description = "The submission's entry ID")),
    responses((status = 200, body = Envelope<Message>), (status = 401, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
pub async fn reject_submission(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path((id, entry_id)): Path<(i64, i64)>,
) -> V2Result {
    state
        .engine
        .review_submission(&who, id, entry_id, Status::Rejected)
        .await?;
    Ok(ok(Message {
        message: "Submission rejected.",
    }))
}

#[utoipa::path(get, path = "/giveaways/{id}/gallery/{entry_id}/photo", tag = "Gallery", summary = "A submission's photo",
    description = "Not in the reference. The photo as stored (its metadata already removed), whatever its status, \
        for review.",
    params(("id" = i64, Path, description = "The giveaway ID"), ("entry_id" = i64, Path, description = "The submission's entry ID")),
    responses((status = 200, description = "The image"), (status = 401, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
pub async fn submission_photo(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path((id, entry_id)): Path<(i64, i64)>,
) -> V2Result {
    let (content_type, bytes) = state.engine.submission_photo(&who, id, entry_id).await?;
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    let content_type =
        HeaderValue::from_str(&content_type).map_err(|e| V2Error(crate::engine::EngineError::Internal(e.into())))?;
    h.insert(header::CONTENT_TYPE, content_type);
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    Ok(r)
}

/// The "most voted" pick.
#[derive(Serialize, ToSchema)]
pub struct MostVotedWinner {
    user_id: String,
    name: String,
    email: String,
    /// The winning photo's entry ID.
    entry_id: i64,
    votes: i64,
    runner_up_votes: i64,
    /// Always "manual": votes decided it, not a draw.
    #[schema(value_type = WinnerSelection)]
    selection: &'static str,
}

#[utoipa::path(post, path = "/giveaways/{id}/gallery/most-voted", tag = "Gallery", summary = "Pick the most voted photo's author",
    description = "Not in the reference. For giveaways whose `settings.gallery_votes` is \"most_voted\": the author \
        of the approved photo with the most votes becomes a winner, recorded as a manual pick (it is not a random \
        draw and has no draw certificate) with the photo's votes. A tie for first place is a 409.",
    params(("id" = i64, Path, description = "The giveaway ID")),
    responses((status = 201, body = Envelope<MostVotedWinner>), (status = 401, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn pick_most_voted(State(state): State<AppState>, Caller(who): Caller, Path(id): Path<i64>) -> V2Result {
    let m = state.engine.pick_most_voted(&who, id).await?;
    Ok(created(MostVotedWinner {
        user_id: m.winner.user_id,
        name: m.winner.name,
        email: m.winner.email,
        entry_id: m.entry_id,
        votes: m.votes,
        runner_up_votes: m.runner_up_votes,
        selection: "manual",
    }))
}
