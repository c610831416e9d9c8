//! Public verification of draws, without a key: the instance's signing key, a draw's
//! certificate, its frozen pool (CSV `id,weight` in canonical order, the file
//! `fairdraw verify --pool` reads), and one entrant's inclusion proof. Everything here is
//! public by design: pools hold participant user ids, never e-mails.

use super::{Body, ErrorBody, V1Result};
use crate::app::AppState;
use crate::surfaces::enums::string_enum;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(signing_key))
        .routes(routes!(certificate))
        .routes(routes!(pool))
        .routes(routes!(proof))
        .routes(routes!(participant))
}

string_enum!(
    /// The signature scheme of draws.
    SigningAlgorithm => ["ed25519"]
);

/// The key that signs every draw's result hash.
#[derive(Serialize, ToSchema)]
pub struct SigningKey {
    /// Always "ed25519".
    #[schema(value_type = SigningAlgorithm)]
    algorithm: &'static str,
    /// The 32-byte public key, hex.
    public_key: String,
}

#[utoipa::path(get, path = "/verify/key", tag = "Verify", summary = "The instance's signing key",
    description = "Compare it with a certificate's `public_key` to know the certificate came from this server.",
    responses((status = 200, body = SigningKey)))]
pub async fn signing_key(State(state): State<AppState>) -> V1Result {
    Ok(Json(SigningKey {
        algorithm: "ed25519",
        public_key: state.engine.signing_key().public_key().to_hex(),
    })
    .into_response())
}

#[utoipa::path(get, path = "/verify/{hash}", tag = "Verify", summary = "A draw's certificate",
    description = "The certificate of the draw whose result hash is `hash` (docs/draw-protocol-v1.md §7), \
        with `pool_url` to download its pool and re-run it.",
    params(("hash" = String, Path, description = "The draw's result hash (64 hex digits), `verification.sha256`")),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn certificate(State(state): State<AppState>, Path(hash): Path<String>) -> V1Result {
    let draw = state
        .engine
        .published_draw_by_hash(&state.config.public_url, &hash)
        .await?;
    Ok(Json(draw.certificate).into_response())
}

#[utoipa::path(get, path = "/verify/{hash}/pool", tag = "Verify", summary = "A draw's pool",
    description = "CSV with header `id,weight`, one candidate per line in canonical order (ids sorted bytewise).",
    params(("hash" = String, Path, description = "The draw's result hash (64 hex digits)")),
    responses((status = 200, content_type = "text/csv", body = String), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn pool(State(state): State<AppState>, Path(hash): Path<String>) -> V1Result {
    let csv = state.engine.draw_pool_csv(&hash).await?;
    let disposition = format!("attachment; filename=\"pool-{}.csv\"", hash.to_ascii_lowercase());
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        csv,
    )
        .into_response())
}

#[utoipa::path(get, path = "/verify/{hash}/proof/{id}", tag = "Verify", summary = "An entrant's inclusion proof",
    description = "Proves that `id` was in the draw's pool with its weight, without revealing any other id: \
        the audit path leads to `pool_root`, which with `pool_size` and `total_weight` hashes to the \
        certificate's `pool_hash`.",
    params(("hash" = String, Path, description = "The draw's result hash (64 hex digits)"),
        ("id" = String, Path, description = "The entrant's id in the pool (their user_id)")),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn proof(State(state): State<AppState>, Path((hash, id)): Path<(String, String)>) -> V1Result {
    let proof = state.engine.inclusion_proof(&hash, &id).await?;
    Ok(Json(proof).into_response())
}

/// An entrant's participant token, from their entry's answer or their confirmation e-mail.
#[derive(Deserialize, ToSchema)]
pub struct TokenBody {
    participant_token: Option<String>,
}

/// The entrant's id in the draw's pool, to ask for their inclusion proof with.
#[derive(Serialize, ToSchema)]
pub struct ParticipantId {
    id: String,
}

#[utoipa::path(post, path = "/verify/{hash}/participant", tag = "Verify", summary = "An entrant's id in a draw, from their token",
    description = "For the verify page's \"Was I in this draw?\": turns the participant token an entrant received \
        when they entered this draw's giveaway into their id in the pool (nothing else), so they can fetch \
        their inclusion proof. 404 when the token is not of an entrant of this draw's giveaway. POST, so the \
        token stays out of URLs and logs.",
    params(("hash" = String, Path, description = "The draw's result hash (64 hex digits)")),
    request_body = TokenBody,
    responses((status = 200, body = ParticipantId), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn participant(
    State(state): State<AppState>,
    Path(hash): Path<String>,
    Body(body): Body<TokenBody>,
) -> V1Result {
    let id = state
        .engine
        .candidate_for_token(&hash, body.participant_token.as_deref().unwrap_or_default())
        .await?;
    Ok(Json(ParticipantId { id }).into_response())
}
