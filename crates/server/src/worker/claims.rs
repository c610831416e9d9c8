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
