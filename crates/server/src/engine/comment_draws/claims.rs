//! Winners who must claim a `/v1` comment draw's prize (`claim_deadline_hours`): the brand's
//! platform confirms or disqualifies a winner by handle; the shared path
//! (`engine/result_claims.rs`) forfeits and promotes the next extra; `winner.claimed`,
//! `winner.expired` and `winner.replaced` go to the brand's `/v1` webhooks that ask for them
//! and to the draw's own `webhook_url`, signed `X-PickAWin-Signature` like every `/v1` event.

use crate::engine::result_claims::{
    ClaimEvent, ClaimNotices, ClaimOwner, ResultClaim, ResultReplacement, disqualify_reason,
};
use crate::engine::{Engine, EngineError, EngineResult, Principal};
use fairdraw_core::time::format_rfc3339;
use fairdraw_store::comment_draws::{CommentDrawRow, V1_WEBHOOK_DELIVER, V1Delivery, V1WebhookRow};
use fairdraw_store::jobs::NewJob;
use fairdraw_store::result_claims::{ClaimSurface, ResultClaimRow};
use serde_json::{Value, json};

/// A comment draw with the brand's webhooks as they were when the event happened.
struct CommentClaims {
    row: CommentDrawRow,
    hooks: Vec<V1WebhookRow>,
}

/// A win as `/v1` shows it: the handle as `@handle`, with the claim's state.
pub fn claim_json(c: &ResultClaimRow) -> Value {
    json!({
        "username": format!("@{}", c.candidate_id),
        "claim_status": c.status,
        "claim_deadline": format_rfc3339(c.deadline),
        "claimed_at": c.claimed_at.map(format_rfc3339),
    })
}

impl ClaimNotices for CommentClaims {
    fn notices(&self, event: &ClaimEvent<'_>, now: i64) -> Vec<NewJob> {
        let r = &self.row;
        let mut body = json!({ "event": event.name(), "draw_id": r.public_id, "url": r.url });
        match event {
            ClaimEvent::Claimed(c) | ClaimEvent::Expired(c) => body["winner"] = claim_json(c),
            ClaimEvent::Replaced { old, reason, note, new } => {
                body["reason"] = json!(reason.as_str());
                body["note"] = json!(note);
                body["replaced"] = claim_json(old);
                body["replacement"] = match new {
                    Some(n) => {
                        let mut p = claim_json(n);
                        p["extra_position"] = json!(n.alternate_position);
                        p
                    }
                    None => Value::Null,
                };
                let hash = r
                    .result
                    .as_deref()
                    .and_then(|s| serde_json::from_str::<Value>(s).ok())
                    .map(|v| v["verification"]["sha256"].clone());
                body["verification"] = json!({ "sha256": hash });
            }
        }
        body["timestamp"] = json!(format_rfc3339(now));
        let body = body.to_string();
        let mut targets: Vec<(Option<i64>, String)> = self
            .hooks
            .iter()
            .filter(|h| {
                serde_json::from_str::<Vec<String>>(&h.events).is_ok_and(|e| e.iter().any(|n| n == event.name()))
            })
            .map(|h| (Some(h.id), h.url.clone()))
            .collect();
        if let Some(url) = &r.webhook_url {
            targets.push((None, url.clone()));
        }
        targets
            .into_iter()
            .filter_map(|(webhook_id, url)| {
                let target = webhook_id.map_or_else(|| "own".to_owned(), |id| id.to_string());
                let event_id = format!(
                    "evt_{}_{}_{}_{target}",
                    r.public_id,
                    event.name().replace('.', "_"),
                    event.claim_id()
                );
                let delivery = V1Delivery {
                    comment_draw_id: r.id,
                    brand_id: r.brand_id,
                    webhook_id,
                    url,
                    event: event.name().to_owned(),
                    event_id: event_id.clone(),
                    body: body.clone(),
                };
                let payload = serde_json::to_value(&delivery).ok()?;
                Some(NewJob::new(V1_WEBHOOK_DELIVER, payload).dedupe(event_id))
            })
            .collect()
    }
}

/// A handle as the path gives it: `@ana` or `ana`.
fn handle(raw: &str) -> &str {
    raw.trim().trim_start_matches('@')
}

impl Engine {
    async fn comment_owner_of(&self, row: CommentDrawRow) -> EngineResult<Option<ClaimOwner>> {
        let Some(hours) = row.claim_deadline_hours else {
            return Ok(None);
        };
        let hooks = self.db().v1_webhooks(row.brand_id).await?;
        Ok(Some(ClaimOwner {
            surface: ClaimSurface::Comment,
            id: row.id,
            deadline_hours: hours,
            notices: Box::new(CommentClaims { row, hooks }),
        }))
    }

    /// A comment draw as the owner of its claims (`None`: gone, or no claim is asked).
    pub(crate) async fn comment_claim_owner(&self, id: i64) -> EngineResult<Option<ClaimOwner>> {
        match self.db().comment_draw_by_id(id).await? {
            Some(row) => self.comment_owner_of(row).await,
            None => Ok(None),
        }
    }

    async fn owned_comment_claims(&self, who: &Principal, public_id: &str) -> EngineResult<ClaimOwner> {
        let row = self.comment_draw(who, public_id).await?;
        if row.status != "completed" {
            return Err(EngineError::Conflict("This draw has not completed.".to_owned()));
        }
        self.comment_owner_of(row)
            .await?
            .ok_or_else(|| EngineError::Conflict("This draw does not ask winners to claim.".to_owned()))
    }

    /// The wins of a comment draw whose winners must claim (empty otherwise).
    pub async fn comment_draw_claims(&self, row: &CommentDrawRow) -> EngineResult<Vec<ResultClaim>> {
        if row.claim_deadline_hours.is_none() {
            return Ok(Vec::new());
        }
        self.result_claims(ClaimSurface::Comment, row.id).await
    }

    /// `POST /v1/draws/:id/winners/:handle/claim`: the platform confirms the claim.
    pub async fn claim_comment_win(&self, who: &Principal, public_id: &str, raw: &str) -> EngineResult<ResultClaim> {
        let owner = self.owned_comment_claims(who, public_id).await?;
        self.confirm_result_claim(&owner, handle(raw)).await
    }

    /// `POST /v1/draws/:id/winners/:handle/disqualify`: the win goes to the next extra.
    pub async fn disqualify_comment_winner(
        &self,
        who: &Principal,
        public_id: &str,
        raw: &str,
        reason: Option<String>,
    ) -> EngineResult<ResultReplacement> {
        let reason = disqualify_reason(reason)?;
        let owner = self.owned_comment_claims(who, public_id).await?;
        let actor = format!("api_key:{}", who.key_id);
        self.disqualify_result_claim(&owner, handle(raw), reason.as_deref(), &actor)
            .await
    }
}
