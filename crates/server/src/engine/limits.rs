//! Rate limits and usage accounting for authenticated callers.
//!
//! Every authenticated request is counted against its key's windows and, once admitted, in its
//! account's usage. With the counters in the database both are written by one [`Batcher`]: the
//! requests that arrive together are counted in one transaction, in order and exactly as one at
//! a time would be (`Db::admit_batch`), where each used to cost four writes on the database's
//! writer. With Redis the windows are counted there first and only the usage goes to the batch.

use super::batch::Batcher;
use super::{Engine, EngineResult, Principal};
use fairdraw_core::account::RateLimits;
use fairdraw_store::Db;
use fairdraw_store::ratelimit::{Admission, Hit, RateLimiter, Verdict};
use std::sync::Arc;

/// Requests counted in one transaction at most.
const MAX_BATCH: usize = 1024;

/// The writer of admissions. Cheap to clone.
pub(super) type Admissions = Batcher<Admission, Verdict>;

fn spawn_admissions(db: Db) -> Admissions {
    Batcher::spawn("admission", MAX_BATCH, move |batch: Arc<[Admission]>| {
        let db = db.clone();
        async move { db.admit_batch(&batch).await.map_err(|e| e.to_string()) }
    })
}

impl Engine {
    /// Counts one request against the caller's limits and, when admitted, in its usage.
    pub async fn admit(&self, who: &Principal, is_write: bool) -> EngineResult<Verdict> {
        if is_write {
            // Every management write passes here before it changes anything: the entry path's
            // copies of giveaway configuration must not outlive it (see `cache`).
            self.inner.entry_config.invalidate();
            self.inner.page_extras.invalidate();
        }
        self.admit_counted(who, who.rate_subject.clone(), who.limits, if is_write { 2 } else { 1 })
            .await
    }

    /// Counts one request of `who` in the windows of `subject` (each surface keeps its own) and,
    /// when admitted, in `who`'s usage.
    pub(crate) async fn admit_counted(
        &self,
        who: &Principal,
        subject: String,
        limits: RateLimits,
        minute_cost: u32,
    ) -> EngineResult<Verdict> {
        let now_ms = self.now_ms();
        let precounted = match &self.inner.limiter {
            RateLimiter::Database(_) => None,
            redis @ RateLimiter::Redis(_) => {
                let verdict = redis
                    .hit(&Hit {
                        subject: &subject,
                        limits,
                        minute_cost,
                        now_ms,
                    })
                    .await?;
                if !verdict.allowed {
                    return Ok(verdict);
                }
                Some(verdict)
            }
        };
        let admissions = self
            .inner
            .admissions
            .get_or_init(|| spawn_admissions(self.db().clone()));
        admissions
            .write(Admission {
                subject,
                limits,
                minute_cost,
                now_ms,
                account_id: Some(who.account_id),
                precounted,
            })
            .await
    }
}
