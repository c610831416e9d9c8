//! The transparency log of every draw, public and without a key (`engine::translog`): the
//! signed tree head, inclusion and consistency proofs (RFC 9162 §2.1), and the entries. Anyone
//! who keeps a tree head can later ask for a consistency proof to today's and catch a log that
//! was rewritten; `fairdraw log verify` does it.

use super::{ErrorBody, V1Error, V1Result};
use crate::app::AppState;
use crate::engine::EngineError;
use axum::Json;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use fairdraw_core::draw::Hash32;
use fairdraw_core::translog::{LogInclusion, TreeHead};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(tree_head))
        .routes(routes!(inclusion))
        .routes(routes!(consistency))
        .routes(routes!(entries))
}

/// A number from the query string, or a 400 naming the parameter.
fn number(name: &str, raw: Option<&str>) -> Result<Option<u64>, V1Error> {
    raw.map(|v| {
        v.trim().parse::<u64>().map_err(|_| {
            V1Error(EngineError::BadRequest(format!(
                "{name} must be a whole number of 0 or more."
            )))
        })
    })
    .transpose()
}

fn hexes(list: &[Hash32]) -> Vec<String> {
    list.iter().map(Hash32::to_hex).collect()
}

/// A signed tree head.
#[derive(Serialize, ToSchema)]
pub struct TreeHeadBody {
    tree_size: u64,
    /// RFC 9162 root of the log's first `tree_size` leaves, hex.
    root_hash: String,
    /// Unix milliseconds.
    timestamp: i64,
    /// Ed25519 over SHA-256("fairdraw-tree-head-v1" ‖ tree_size u64 BE ‖ timestamp i64 BE ‖ root), hex.
    signature: String,
    /// The instance's draw-signing key, hex (the same as `/v1/verify/key`).
    public_key: String,
}

impl From<&TreeHead> for TreeHeadBody {
    fn from(h: &TreeHead) -> Self {
        TreeHeadBody {
            tree_size: h.tree_size,
            root_hash: h.root_hash.to_hex(),
            timestamp: h.timestamp,
            signature: h.signature.to_hex(),
            public_key: h.public_key.to_hex(),
        }
    }
}

#[utoipa::path(get, path = "/log/tree-head", tag = "Transparency log", summary = "The log's signed tree head",
    description = "Keep it: a consistency proof from it to any later head shows that the log only grew.",
    responses((status = 200, body = TreeHeadBody)))]
pub async fn tree_head(State(state): State<AppState>) -> V1Result {
    let head = state.engine.tree_head().await?;
    Ok(Json(TreeHeadBody::from(&head)).into_response())
}

#[derive(Deserialize, IntoParams)]
pub struct InclusionParams {
    /// The draw's result hash (64 hex digits).
    hash: Option<String>,
    /// The size of the tree to prove against (default: the log now).
    tree_size: Option<String>,
}

/// A draw's place in the log.
#[derive(Serialize, ToSchema)]
pub struct InclusionBody {
    log_index: u64,
    /// SHA-256(0x00 ‖ result hash), hex.
    leaf_hash: String,
    /// RFC 9162 audit path, leaf to root.
    inclusion_proof: Vec<String>,
    tree_head: TreeHeadBody,
}

#[utoipa::path(get, path = "/log/proof/inclusion", tag = "Transparency log", summary = "A draw's inclusion proof",
    params(InclusionParams),
    responses((status = 200, body = InclusionBody), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn inclusion(State(state): State<AppState>, Query(p): Query<InclusionParams>) -> V1Result {
    let hash = p
        .hash
        .as_deref()
        .ok_or_else(|| V1Error(EngineError::BadRequest("hash is required.".to_owned())))?;
    let tree_size = number("tree_size", p.tree_size.as_deref())?;
    let proof: LogInclusion = state.engine.log_inclusion(hash, tree_size).await?;
    let result_hash = Hash32::from_hex(hash).map_err(|_| V1Error(EngineError::NotFound("Draw")))?;
    let head = proof.tree_head(state.engine.signing_key().public_key());
    Ok(Json(InclusionBody {
        log_index: proof.log_index,
        leaf_hash: fairdraw_core::translog::leaf_hash(&result_hash).to_hex(),
        inclusion_proof: hexes(&proof.inclusion_proof),
        tree_head: TreeHeadBody::from(&head),
    })
    .into_response())
}

#[derive(Deserialize, IntoParams)]
pub struct ConsistencyParams {
    /// The size of the older tree head (at least 1).
    first: Option<String>,
    /// The size of the newer one (default: the log now).
    second: Option<String>,
}

/// Proof that the log of `first` entries is a prefix of the log of `second` entries.
#[derive(Serialize, ToSchema)]
pub struct ConsistencyBody {
    first: u64,
    second: u64,
    /// The root of the first `first` entries as this log computes it: compare it with the head you kept.
    first_root: String,
    second_root: String,
    /// RFC 9162 consistency proof.
    consistency_proof: Vec<String>,
}

#[utoipa::path(get, path = "/log/proof/consistency", tag = "Transparency log", summary = "A consistency proof between two tree sizes",
    params(ConsistencyParams),
    responses((status = 200, body = ConsistencyBody), (status = 400, body = ErrorBody)))]
pub async fn consistency(State(state): State<AppState>, Query(p): Query<ConsistencyParams>) -> V1Result {
    let first = number("first", p.first.as_deref())?
        .ok_or_else(|| V1Error(EngineError::BadRequest("first is required.".to_owned())))?;
    let second = match number("second", p.second.as_deref())? {
        Some(s) => s,
        None => state.engine.tree_head().await?.tree_size,
    };
    let c = state.engine.log_consistency(first, second).await?;
    Ok(Json(ConsistencyBody {
        first: c.first,
        second: c.second,
        first_root: c.first_root.to_hex(),
        second_root: c.second_root.to_hex(),
        consistency_proof: hexes(&c.proof),
    })
    .into_response())
}

#[derive(Deserialize, IntoParams)]
pub struct EntriesParams {
    /// The first position (default 0).
    start: Option<String>,
    /// One past the last position (default: the end of the log; at most 1,000 entries a call).
    end: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct EntryBody {
    log_index: i64,
    result_hash: String,
    draw_id: String,
    verify_url: String,
    /// Unix milliseconds.
    appended_at: i64,
}

#[derive(Serialize, ToSchema)]
pub struct EntriesBody {
    entries: Vec<EntryBody>,
}

#[utoipa::path(get, path = "/log/entries", tag = "Transparency log", summary = "Entries of the log",
    params(EntriesParams),
    responses((status = 200, body = EntriesBody), (status = 400, body = ErrorBody)))]
pub async fn entries(State(state): State<AppState>, Query(p): Query<EntriesParams>) -> V1Result {
    let start = number("start", p.start.as_deref())?.unwrap_or(0);
    let end = number("end", p.end.as_deref())?;
    let base = state.config.public_url.trim_end_matches('/');
    let entries = state
        .engine
        .log_entries(start, end)
        .await?
        .into_iter()
        .map(|e| EntryBody {
            log_index: e.idx,
            verify_url: format!("{base}/verify/{}", e.result_hash),
            result_hash: e.result_hash,
            draw_id: e.public_id,
            appended_at: e.appended_at,
        })
        .collect();
    Ok(Json(EntriesBody { entries }).into_response())
}
