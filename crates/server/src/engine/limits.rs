//! Rate limits and usage accounting for authenticated callers.

use super::{Engine, EngineResult, Principal};
use fairdraw_store::ratelimit::{Hit, Verdict};

impl Engine {
    /// Counts one request against the caller's limits and, when admitted, in its usage.
    pub async fn admit(&self, who: &Principal, is_write: bool) -> EngineResult<Verdict> {
        if is_write {
            // Every management write passes here before it changes anything: the entry path's
            // copies of giveaway configuration must not outlive it (see `cache`).
            self.inner.entry_config.invalidate();
            self.inner.page_extras.invalidate();
        }
        let now_ms = self.now_ms();
        let verdict = self
            .inner
            .limiter
            .hit(&Hit {
                subject: &who.rate_subject,
                limits: who.limits,
                minute_cost: if is_write { 2 } else { 1 },
                now_ms,
            })
            .await?;
        if verdict.allowed {
            self.db().record_request(who.account_id, now_ms).await?;
        }
        Ok(verdict)
    }
}
