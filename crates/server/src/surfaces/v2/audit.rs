//! `/v2/audit-log`: the brand's audit trail, newest first. Each entry carries its place in the
//! brand's hash chain (`seq`, `prev_hash`, `hash`), so a client that keeps a copy can re-check
//! it the way `fairdraw audit verify` does (docs/audit-log.md).

use super::extract::{Caller, Query};
use super::response::{ErrorEnvelope, ListEnvelope, V2Result, list};
use crate::app::AppState;
use crate::engine::EngineError;
use crate::engine::audit::AuditFilter;
use axum::extract::State;
use fairdraw_core::page::PageRequest;
use fairdraw_core::time::format_utc;
use fairdraw_store::audit::AuditRow;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_audit_log))
}

/// One administrative change.
#[derive(Serialize, ToSchema)]
pub struct AuditEntry {
    /// Position in the brand's chain: 1, 2, … without gaps.
    seq: i64,
    /// e.g. giveaway.created, giveaway.updated, giveaway.published, giveaway.deleted,
    /// winners.drawn, winner.picked, winner.removed, winner.disqualified, participant.banned,
    /// participant.disqualified, participant.erased, participant.bonus_entries_added,
    /// entry.created, entries.imported, entry.deleted, prize.created, prize.updated,
    /// prize.deleted, reward.created, reward.updated, reward.deleted, entry_method.created,
    /// entry_method.updated, entry_method.deleted, entry_methods.reordered, whitelist.added,
    /// whitelist.removed, blacklist.added, blacklist.removed, gallery.approved,
    /// gallery.rejected, key.created, key.revoked, webhook.created, webhook.updated,
    /// webhook.deleted.
    action: String,
    giveaway_id: Option<i64>,
    /// The API key that made the change; null for an operator at the command line.
    actor_key_id: Option<i64>,
    /// Ids and flags describing the change; never personal data.
    #[schema(value_type = Object)]
    details: serde_json::Value,
    /// The JSON text of `details` exactly as hashed.
    details_text: String,
    /// Unix milliseconds, as hashed.
    created_at_ms: i64,
    timestamp: String,
    /// The hash of entry `seq - 1` (64 zeros for the first), lowercase hex.
    prev_hash: String,
    /// SHA-256 of the entry's canonical encoding, lowercase hex.
    hash: String,
}

fn entry(r: AuditRow) -> AuditEntry {
    AuditEntry {
        seq: r.seq,
        details: serde_json::from_str(&r.details).unwrap_or(serde_json::Value::Null),
        details_text: r.details,
        action: r.action,
        giveaway_id: r.giveaway_id,
        actor_key_id: r.actor_key_id,
        created_at_ms: r.created_at,
        timestamp: format_utc(r.created_at),
        prev_hash: r.prev_hash,
        hash: r.hash,
    }
}

#[derive(Deserialize, IntoParams)]
pub struct AuditParams {
    /// Only the entries about this giveaway.
    giveaway_id: Option<i64>,
    /// Only the entries of this action (e.g. `winners.drawn`).
    action: Option<String>,
    page: Option<i64>,
    per_page: Option<i64>,
}

#[utoipa::path(get, path = "/audit-log", tag = "Audit log", summary = "List the audit log",
    description = "Every administrative change of your brand (giveaways created, edited, published or deleted; winners drawn, \
        picked, removed or disqualified; participants banned, disqualified or erased, or given bonus entries; entries created, \
        imported or deleted by hand; prizes, rewards and entry methods created, edited, deleted or reordered; whitelist and \
        blacklist additions and removals; photos approved or rejected; keys created or revoked; webhooks changed), \
        newest first. Entries are hash-chained per brand: each holds the hash of the one before. Details hold ids, counts and \
        the names of changed fields, never personal data.",
    params(AuditParams),
    responses((status = 200, body = ListEnvelope<AuditEntry>), (status = 400, body = ErrorEnvelope), (status = 401, body = ErrorEnvelope)))]
pub async fn list_audit_log(
    State(state): State<AppState>,
    Caller(who): Caller,
    Query(p): Query<AuditParams>,
) -> V2Result {
    let action = p.action.map(|a| a.trim().to_owned()).filter(|a| !a.is_empty());
    if action
        .as_deref()
        .is_some_and(|a| a.len() > 64 || a.chars().any(char::is_control))
    {
        return Err(EngineError::BadRequest("Invalid action.".to_owned()).into());
    }
    let filter = AuditFilter {
        giveaway_id: p.giveaway_id,
        action,
        page: PageRequest::new(p.page, p.per_page),
    };
    let (rows, info) = state.engine.list_audit(&who, &filter).await?;
    Ok(list(rows.into_iter().map(entry).collect(), info))
}
