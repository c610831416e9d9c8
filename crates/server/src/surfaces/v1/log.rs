//! The transparency log of every draw, public and without a key (`engine::translog`): the
//! signed tree head, inclusion and consistency proofs (RFC 9162 §2.1), and the entries. Anyone
//! who keeps a tree head can later ask for a consistency proof to today's and catch a log that
//! was rewritten; `fairdraw log verify` does it.

use super::{ErrorBody, V1Error, V1Result};
use crate::app::AppState;
use crate::engine::EngineError;
use crate::engine::draw_history::{DrawHistory, DrawSubject};
use crate::surfaces::enums::string_enum;
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
        .routes(routes!(draws))
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

#[derive(Deserialize, IntoParams)]
pub struct DrawsParams {
    /// A `/v2` giveaway's id.
    giveaway_id: Option<String>,
    /// A `/v1` draw's post URL (or `upload://…`): the draws of that post by anyone on this server.
    url: Option<String>,
    /// An `/external` chat giveaway's id.
    chat_giveaway_id: Option<String>,
    /// A draw's result hash: the draws of the same giveaway or post as that draw.
    hash: Option<String>,
}

string_enum!(
    /// What a draw was made for: a `/v2` giveaway, a post of `/v1`, or a chat giveaway of
    /// `/external` (one per variant of `DrawSubject`, named in `draws_body`).
    DrawSubjectKind => ["giveaway", "post", "chat_giveaway"]
);

/// What the draws were made for.
#[derive(Serialize, ToSchema)]
pub struct DrawSubjectBody {
    /// `giveaway`, `post` or `chat_giveaway`.
    #[serde(rename = "type")]
    #[schema(value_type = DrawSubjectKind)]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    giveaway_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    chat_giveaway_id: Option<i64>,
    /// The post's URL (as asked for) and the post it names (`platform:id`).
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    post: Option<String>,
}

/// One draw of the subject.
#[derive(Serialize, ToSchema)]
pub struct SubjectDrawBody {
    /// Its place in this list, from 1: "draw 2 of 3".
    number: u64,
    /// Its serial: its position in the transparency log.
    log_index: i64,
    draw_id: String,
    result_hash: String,
    /// The protocol's round (a `/v1` draw: the account's serial for the post).
    round: i64,
    /// Unix milliseconds.
    drawn_at: i64,
    verify_url: String,
}

#[derive(Serialize, ToSchema)]
pub struct DrawsBody {
    subject: DrawSubjectBody,
    /// Every draw made for the subject, in log order.
    draws: Vec<SubjectDrawBody>,
}

fn draws_body(base: &str, history: DrawHistory) -> DrawsBody {
    let subject = match &history.subject {
        DrawSubject::Giveaway(id) => DrawSubjectBody {
            kind: "giveaway",
            giveaway_id: Some(*id),
            chat_giveaway_id: None,
            url: None,
            post: None,
        },
        DrawSubject::Post { url, key } => DrawSubjectBody {
            kind: "post",
            giveaway_id: None,
            chat_giveaway_id: None,
            url: Some(url.clone()),
            post: Some(key.clone()),
        },
        DrawSubject::ChatGiveaway(id) => DrawSubjectBody {
            kind: "chat_giveaway",
            giveaway_id: None,
            chat_giveaway_id: Some(*id),
            url: None,
            post: None,
        },
    };
    let draws = history
        .draws
        .into_iter()
        .zip(1..)
        .map(|(d, number)| SubjectDrawBody {
            number,
            log_index: d.log_index,
            verify_url: format!("{base}/verify/{}", d.result_hash),
            draw_id: d.public_id,
            result_hash: d.result_hash,
            round: d.round,
            drawn_at: d.drawn_at,
        })
        .collect();
    DrawsBody { subject, draws }
}

/// A query parameter that was given, and not blank.
fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().filter(|s| !s.trim().is_empty())
}

/// A positive id from the query string, or a 400 naming the parameter.
fn id(name: &str, raw: &str) -> Result<i64, V1Error> {
    raw.trim().parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
        V1Error(EngineError::BadRequest(format!(
            "{name} must be a whole number of 1 or more."
        )))
    })
}

#[utoipa::path(get, path = "/log/draws", tag = "Transparency log", summary = "Every draw of one giveaway or post",
    description = "Every draw ever made for one `/v2` giveaway (`giveaway_id`), one `/v1` post (`url`, by anyone on \
        this server), one `/external` chat giveaway (`chat_giveaway_id`), or the same subject as one draw (`hash`), \
        in the order the transparency log holds them, each with its serial (`log_index`). A re-draw cannot hide \
        the draw it replaced. Give exactly one parameter; a subject with no draw has an empty list.",
    params(DrawsParams),
    responses((status = 200, body = DrawsBody), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn draws(State(state): State<AppState>, Query(p): Query<DrawsParams>) -> V1Result {
    let (giveaway, url, chat, hash) = (
        given(&p.giveaway_id),
        given(&p.url),
        given(&p.chat_giveaway_id),
        given(&p.hash),
    );
    let one = || {
        V1Error(EngineError::BadRequest(
            "Give exactly one of giveaway_id, url, chat_giveaway_id and hash.".to_owned(),
        ))
    };
    if [giveaway, url, chat, hash].iter().flatten().count() != 1 {
        return Err(one());
    }
    let engine = &state.engine;
    let history = if let Some(g) = giveaway {
        engine
            .draw_history(DrawSubject::Giveaway(id("giveaway_id", g)?))
            .await?
    } else if let Some(url) = url {
        engine.draw_history(DrawSubject::post(url)?).await?
    } else if let Some(c) = chat {
        engine
            .draw_history(DrawSubject::ChatGiveaway(id("chat_giveaway_id", c)?))
            .await?
    } else if let Some(hash) = hash {
        engine
            .draw_history_of(hash)
            .await?
            .ok_or(V1Error(EngineError::NotFound("Draw")))?
    } else {
        return Err(one());
    };
    let base = state.config.public_url.trim_end_matches('/');
    Ok(Json(draws_body(base, history)).into_response())
}
