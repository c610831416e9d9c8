//! Timed work that no request causes. Each scheduler tick announces the giveaways that went live
//! or ended since the last one (`giveaway.published`, `giveaway.expired`), each exactly once
//! across every instance; see `fairdraw_store::scheduler` for how the marks are claimed.
//!
//! Work due at a set time that is not a status change (automatic draws at a giveaway's end, when
//! that surface comes) is not polled for here: it is queued as a job with a future `run_at`
//! (`NewJob::at`) and a dedupe key naming the occurrence, in the transaction that schedules it,
//! and the workers run it when it is due, with the queue's leases, retries and exactly-once
//! claim.

use super::{Engine, EngineResult};
pub use fairdraw_store::scheduler::Announcements;

/// Giveaways announced per transition in one transaction; a tick loops until a batch comes back
/// short, so a burst of endings is spread over several short transactions.
const BATCH: i64 = 100;

impl Engine {
    /// Announces every giveaway whose start or end has passed and is not announced yet.
    pub async fn announce_due_giveaways(&self) -> EngineResult<Announcements> {
        let mut total = Announcements::default();
        loop {
            let now = self.now_ms();
            let done = self.db().announce_due_giveaways(now, BATCH).await?;
            total.published += done.published;
            total.expired += done.expired;
            if (done.published as i64) < BATCH && (done.expired as i64) < BATCH {
                return Ok(total);
            }
        }
    }
}
