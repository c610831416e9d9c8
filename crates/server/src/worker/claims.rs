//! `winner.claim_expire`: at a win's claim deadline, forfeit it if it is still unclaimed and
//! promote the next alternate (engine/claims.rs). Running it twice, or on two instances, or
//! after the scheduler's sweep did it, changes nothing the second time.

use super::{Job, JobError};
use crate::app::AppState;
use serde::Deserialize;

#[derive(Deserialize)]
struct Payload {
    winner_id: i64,
}

pub async fn expire_job(state: &AppState, job: &Job) -> Result<(), JobError> {
    let p: Payload = job.payload()?;
    match state.engine.expire_claim(p.winner_id).await {
        Ok(Some(r)) => {
            tracing::info!(
                winner = p.winner_id,
                replacement = ?r.new_winner_id,
                "an unclaimed win expired"
            );
            Ok(())
        }
        // Claimed in time, disqualified, removed, or already expired elsewhere.
        Ok(None) => Ok(()),
        Err(e) => Err(JobError::retry(format!("expiring claim of win {}: {e}", p.winner_id))),
    }
}

#[derive(Deserialize)]
struct ResultPayload {
    claim_id: i64,
}

/// `result.claim_expire`: the same for a chat giveaway's or comment draw's win
/// (engine/result_claims.rs).
pub async fn expire_result_job(state: &AppState, job: &Job) -> Result<(), JobError> {
    let p: ResultPayload = job.payload()?;
    match state.engine.expire_result_claim(p.claim_id).await {
        Ok(Some(r)) => {
            tracing::info!(
                claim = p.claim_id,
                replacement = ?r.promoted.map(|c| c.id),
                "an unclaimed result win expired"
            );
            Ok(())
        }
        Ok(None) => Ok(()),
        Err(e) => Err(JobError::retry(format!("expiring result claim {}: {e}", p.claim_id))),
    }
}
