//! Winners who must claim on the surfaces whose winners live in a draw's result: `/external`
//! chat giveaways and `/v1` comment draws (issue 15). Their winners are chat user ids and social
//! handles with no e-mail, so there is no claim link: the partner's platform reaches the winner
//! and confirms the claim with its keys.
//!
//! One path for both surfaces, and the rule of `/v2` (`fairdraw_core::claims::next_alternate`):
//! a win not claimed by its deadline (the `result.claim_expire` job, or the scheduler's sweep),
//! or disqualified by the partner, goes to the first alternate of the same draw, in the
//! certificate's order, who has not held a win of it. Every alternate was eligible when the
//! draw was made, and nothing is re-checked, so the order alone decides. When none is left the
//! forfeit stands without a successor (these surfaces draw once; there is no new round). Each
//! surface says only how its partner hears of it ([`ClaimNotices`]).

use super::{Engine, EngineError, EngineResult};
use fairdraw_core::claims::{ClaimStatus, Forfeit, MAX_REASON, Replacement, next_alternate};
use fairdraw_core::validation::FieldErrors;
use fairdraw_store::jobs::NewJob;
use fairdraw_store::result_claims::{ClaimSurface, NewResultReplacement, ResultClaimRow};
use std::collections::HashSet;

/// What happened to a win, as its partner is told.
#[derive(Clone, Copy, Debug)]
pub enum ClaimEvent<'a> {
    /// `winner.claimed`.
    Claimed(&'a ResultClaimRow),
    /// `winner.expired`: the deadline passed unclaimed.
    Expired(&'a ResultClaimRow),
    /// `winner.replaced`: the forfeited win, and the alternate who took it over (if any).
    Replaced {
        old: &'a ResultClaimRow,
        reason: Forfeit,
        note: Option<&'a str>,
        new: Option<&'a ResultClaimRow>,
    },
}

impl ClaimEvent<'_> {
    pub fn name(&self) -> &'static str {
        match self {
            ClaimEvent::Claimed(_) => "winner.claimed",
            ClaimEvent::Expired(_) => "winner.expired",
            ClaimEvent::Replaced { .. } => "winner.replaced",
        }
    }

    /// The win the event is about (the forfeited one for a replacement): with the event's
    /// name, it names one delivery, the same on every attempt.
    pub fn claim_id(&self) -> i64 {
        match self {
            ClaimEvent::Claimed(c) | ClaimEvent::Expired(c) => c.id,
            ClaimEvent::Replaced { old, .. } => old.id,
        }
    }
}

/// How a surface tells its partner about its claims: the jobs that deliver one event.
pub trait ClaimNotices: Send + Sync {
    fn notices(&self, event: &ClaimEvent<'_>, now: i64) -> Vec<NewJob>;
}

/// A result whose winners must claim.
pub struct ClaimOwner {
    pub surface: ClaimSurface,
    pub id: i64,
    /// Hours an alternate promoted now has to claim.
    pub deadline_hours: i64,
    pub notices: Box<dyn ClaimNotices>,
}

/// A win as the surfaces show it.
#[derive(Clone, Debug)]
pub struct ResultClaim {
    pub row: ResultClaimRow,
    /// The status as of now: a pending win past its deadline shows as expired before the job
    /// has run.
    pub status: ClaimStatus,
    /// The candidate whose forfeited win this one took over.
    pub replaces: Option<String>,
}

/// What a forfeit did.
#[derive(Clone, Debug)]
pub struct ResultReplacement {
    pub forfeited: ResultClaimRow,
    /// The alternate's new win; `None` when no alternate was left.
    pub promoted: Option<ResultClaimRow>,
}

/// A disqualification's reason, trimmed, at most [`MAX_REASON`] characters.
pub fn disqualify_reason(raw: Option<String>) -> Result<Option<String>, FieldErrors> {
    let reason = raw.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty());
    if reason.as_ref().is_some_and(|r| r.chars().count() > MAX_REASON) {
        return Err(FieldErrors::one(
            "reason",
            format!("Must be at most {MAX_REASON} characters."),
        ));
    }
    Ok(reason)
}

fn status_now(row: &ResultClaimRow, now: i64) -> ClaimStatus {
    match ClaimStatus::parse(&row.status).unwrap_or(ClaimStatus::Pending) {
        ClaimStatus::Pending if row.deadline <= now => ClaimStatus::Expired,
        s => s,
    }
}

impl Engine {
    /// The owner of a surface's claims; `None` when it is gone or no longer asks for claims.
    async fn claim_owner(&self, surface: ClaimSurface, id: i64) -> EngineResult<Option<ClaimOwner>> {
        match surface {
            ClaimSurface::Chat => self.chat_claim_owner(id).await,
            ClaimSurface::Comment => self.comment_claim_owner(id).await,
        }
    }

    /// Every win of a result, in the order made, with whom each replaced.
    pub async fn result_claims(&self, surface: ClaimSurface, owner_id: i64) -> EngineResult<Vec<ResultClaim>> {
        let rows = self.db().result_claims(surface, owner_id).await?;
        let now = self.now_ms();
        let by_id: std::collections::HashMap<i64, String> =
            rows.iter().map(|r| (r.id, r.candidate_id.clone())).collect();
        Ok(rows
            .iter()
            .map(|r| ResultClaim {
                status: status_now(r, now),
                replaces: r.replaces_claim_id.and_then(|id| by_id.get(&id).cloned()),
                row: r.clone(),
            })
            .collect())
    }

    /// The current win of `candidate` (the last one made; a forfeited one stays its last).
    async fn win_of(&self, owner: &ClaimOwner, candidate: &str) -> EngineResult<ResultClaimRow> {
        self.db()
            .result_claims(owner.surface, owner.id)
            .await?
            .into_iter()
            .rfind(|r| r.candidate_id == candidate)
            .ok_or(EngineError::NotFound("Winner"))
    }

    /// The partner confirms that `candidate` claimed their win.
    pub(super) async fn confirm_result_claim(&self, owner: &ClaimOwner, candidate: &str) -> EngineResult<ResultClaim> {
        let win = self.win_of(owner, candidate).await?;
        let now = self.now_ms();
        if let Some(refusal) = status_now(&win, now).refusal() {
            return Err(EngineError::Conflict(refusal.to_owned()));
        }
        let claimed = self
            .db()
            .record_result_claim(win.id, now, |row| owner.notices.notices(&ClaimEvent::Claimed(row), now))
            .await?
            .ok_or_else(|| EngineError::Conflict("This prize can no longer be claimed.".to_owned()))?;
        Ok(ResultClaim {
            status: ClaimStatus::Claimed,
            replaces: None,
            row: claimed,
        })
    }

    /// The partner disqualifies `candidate`: the win goes to the next alternate.
    pub(super) async fn disqualify_result_claim(
        &self,
        owner: &ClaimOwner,
        candidate: &str,
        reason: Option<&str>,
        actor: &str,
    ) -> EngineResult<ResultReplacement> {
        let win = self.win_of(owner, candidate).await?;
        if win.ended_at.is_some() {
            return Err(EngineError::Conflict(format!(
                "This win has already ended ({}).",
                win.status
            )));
        }
        self.forfeit_result(owner, win.id, Forfeit::Disqualified, reason, actor)
            .await?
            .ok_or_else(|| EngineError::Conflict("This win has already ended.".to_owned()))
    }

    /// Forfeits a win whose claim deadline has passed, and promotes the next alternate. Safe
    /// from any number of instances at once: exactly one forfeits it.
    pub async fn expire_result_claim(&self, claim_id: i64) -> EngineResult<Option<ResultReplacement>> {
        let Some(row) = self.db().result_claim(claim_id).await? else {
            return Ok(None);
        };
        let Some(surface) = ClaimSurface::parse(&row.surface) else {
            return Ok(None);
        };
        let Some(owner) = self.claim_owner(surface, row.owner_id).await? else {
            return Ok(None);
        };
        self.forfeit_result(&owner, claim_id, Forfeit::Expired, None, "scheduler")
            .await
    }

    /// Expires every pending win past its deadline (the scheduler's sweep). Returns how many
    /// were forfeited here.
    pub async fn expire_due_result_claims(&self) -> EngineResult<usize> {
        let mut done = 0;
        for id in self.db().due_result_claims(self.now_ms(), 50).await? {
            if self.expire_result_claim(id).await?.is_some() {
                done += 1;
            }
        }
        Ok(done)
    }

    /// The promotion, in one transaction under the owner's row lock: forfeit the win (if it
    /// still can be), give it to the next alternate by the rule, record the replacement and
    /// queue the partner's notices.
    async fn forfeit_result(
        &self,
        owner: &ClaimOwner,
        claim_id: i64,
        reason: Forfeit,
        note: Option<&str>,
        actor: &str,
    ) -> EngineResult<Option<ResultReplacement>> {
        let now = self.now_ms();
        let mut tx = self.db().begin_result_claims(owner.surface, owner.id).await?;
        let Some(old) = tx.forfeit(claim_id, reason, now).await? else {
            return Ok(None);
        };
        let ever: HashSet<String> = tx.ever_won().await?.into_iter().collect();
        let extras = tx.draw_extras(old.draw_id).await?;
        let promoted = match next_alternate(&extras, |c| ever.contains(c), |_| true) {
            Replacement::Alternate { position, candidate_id } => {
                let deadline = now.saturating_add(owner.deadline_hours.saturating_mul(3_600_000));
                let position = position as i64;
                let id = tx.promote(&old, &candidate_id, position, deadline, now).await?;
                Some(ResultClaimRow {
                    id,
                    surface: old.surface.clone(),
                    owner_id: old.owner_id,
                    draw_id: old.draw_id,
                    candidate_id,
                    status: ClaimStatus::Pending.as_str().to_owned(),
                    deadline,
                    claimed_at: None,
                    ended_at: None,
                    replaces_claim_id: Some(old.id),
                    alternate_position: Some(position),
                    created_at: now,
                })
            }
            Replacement::Exhausted => None,
        };
        let mut jobs = Vec::new();
        if reason == Forfeit::Expired {
            jobs.extend(owner.notices.notices(&ClaimEvent::Expired(&old), now));
        }
        let replaced = ClaimEvent::Replaced {
            old: &old,
            reason,
            note,
            new: promoted.as_ref(),
        };
        jobs.extend(owner.notices.notices(&replaced, now));
        let record = NewResultReplacement {
            old: &old,
            reason,
            note,
            actor,
            new_claim_id: promoted.as_ref().map(|p| p.id),
            new_candidate_id: promoted.as_ref().map(|p| p.candidate_id.as_str()),
            alternate_position: promoted.as_ref().and_then(|p| p.alternate_position),
        };
        tx.record(&record, &jobs, now).await?;
        tracing::info!(
            surface = owner.surface.as_str(),
            owner = owner.id,
            claim = claim_id,
            reason = reason.as_str(),
            replacement = ?promoted.as_ref().map(|p| p.id),
            "replaced a forfeited win"
        );
        Ok(Some(ResultReplacement {
            forfeited: old,
            promoted,
        }))
    }
}
