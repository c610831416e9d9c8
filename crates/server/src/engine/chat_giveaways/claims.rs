//! Winners who must claim a chat giveaway's prize (`claimDeadlineHours`): the partner's backend
//! confirms or disqualifies a winner; the shared path (`engine/result_claims.rs`) forfeits and
//! promotes; the partner hears of each event by a signed POST to `winnerListUrl`, like the
//! winner list (`chat.notify`).

use super::ChatGiveaway;
use super::draw::{NOTIFY_JOB, Notice};
use crate::engine::result_claims::{
    ClaimEvent, ClaimNotices, ClaimOwner, ResultClaim, ResultReplacement, disqualify_reason,
};
use crate::engine::{Engine, EngineError, EngineResult, Principal};
use fairdraw_core::time::format_rfc3339;
use fairdraw_store::StoreError;
use fairdraw_store::jobs::NewJob;
use fairdraw_store::result_claims::{ClaimSurface, ResultClaimRow};
use serde_json::{Value, json};

/// A win as the partner sees it: the person the draw's result names, with the claim's state.
fn person(g: &ChatGiveaway, c: &ResultClaimRow) -> Value {
    let result: Value = g
        .row
        .result
        .as_deref()
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or(Value::Null);
    let listed = ["winners", "alternates"]
        .iter()
        .filter_map(|k| result[*k].as_array())
        .flatten()
        .find(|p| p["userId"] == json!(c.candidate_id))
        .cloned();
    let mut p = listed.unwrap_or_else(|| json!({ "userId": c.candidate_id }));
    p["claimStatus"] = json!(c.status);
    p["claimDeadline"] = json!(format_rfc3339(c.deadline));
    p["claimedAt"] = json!(c.claimed_at.map(format_rfc3339));
    p
}

impl ClaimNotices for ChatGiveaway {
    fn notices(&self, event: &ClaimEvent<'_>, now: i64) -> Vec<NewJob> {
        let Some(url) = self.spec.winner_list_url.clone() else {
            return Vec::new();
        };
        let mut body = json!({ "event": event.name(), "giveawayId": self.id(), "title": self.spec.title });
        match event {
            ClaimEvent::Claimed(c) => body["winner"] = person(self, c),
            ClaimEvent::Expired(c) => {
                body["winner"] = person(self, c);
                body["expiredAt"] = json!(format_rfc3339(now));
            }
            ClaimEvent::Replaced { old, reason, note, new } => {
                body["reason"] = json!(reason.as_str());
                body["note"] = json!(note);
                body["replaced"] = person(self, old);
                body["replacement"] = match new {
                    Some(n) => {
                        let mut p = person(self, n);
                        p["alternatePosition"] = json!(n.alternate_position);
                        p
                    }
                    None => Value::Null,
                };
                body["verification"] = json!({ "sha256": self.row.result_hash });
                body["replacedAt"] = json!(format_rfc3339(now));
            }
        }
        body["data"] = json!(self.spec.data);
        let delivery = format!("chat-{}-{}-{}", self.id(), event.name(), event.claim_id());
        let notice = Notice {
            giveaway_id: self.id(),
            brand_id: self.row.brand_id,
            event: event.name().to_owned(),
            url,
            body,
            delivery: Some(delivery.clone()),
        };
        match serde_json::to_value(notice) {
            Ok(payload) => vec![NewJob::new(NOTIFY_JOB, payload).dedupe(format!("{NOTIFY_JOB}:{delivery}"))],
            Err(_) => Vec::new(),
        }
    }
}

fn owner_of(g: ChatGiveaway) -> Option<ClaimOwner> {
    let hours = g.spec.claim_deadline_hours?;
    Some(ClaimOwner {
        surface: ClaimSurface::Chat,
        id: g.id(),
        deadline_hours: i64::from(hours),
        notices: Box::new(g),
    })
}

impl Engine {
    /// A chat giveaway as the owner of its claims (`None`: gone, or no claim is asked).
    pub(crate) async fn chat_claim_owner(&self, id: i64) -> EngineResult<Option<ClaimOwner>> {
        match self.db().chat_giveaway(id).await {
            Ok(row) => Ok(owner_of(ChatGiveaway::from_row(row)?)),
            Err(StoreError::NotFound) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The caller's drawn giveaway whose winners must claim.
    async fn owned_claim_owner(&self, who: &Principal, id: i64) -> EngineResult<ClaimOwner> {
        let g = self.chat_giveaway(who, id).await?;
        if g.row.draw_public_id.is_none() {
            return Err(EngineError::Conflict("This giveaway has not been drawn.".to_owned()));
        }
        owner_of(g).ok_or_else(|| EngineError::Conflict("This giveaway does not ask winners to claim.".to_owned()))
    }

    /// `POST /external/giveaway/:id/winners/:userId/claim`: the partner confirms the claim.
    pub async fn claim_chat_win(&self, who: &Principal, id: i64, user_id: &str) -> EngineResult<ResultClaim> {
        let owner = self.owned_claim_owner(who, id).await?;
        self.confirm_result_claim(&owner, user_id).await
    }

    /// `POST /external/giveaway/:id/winners/:userId/disqualify`: the win goes to the next
    /// alternate of the draw.
    pub async fn disqualify_chat_winner(
        &self,
        who: &Principal,
        id: i64,
        user_id: &str,
        reason: Option<String>,
    ) -> EngineResult<ResultReplacement> {
        let reason = disqualify_reason(reason)?;
        let owner = self.owned_claim_owner(who, id).await?;
        let actor = format!("api_key:{}", who.key_id);
        self.disqualify_result_claim(&owner, user_id, reason.as_deref(), &actor)
            .await
    }
}
