//! Rate limits of `/v1` by plan, as the reference states them: Free 30 requests a minute, Pro
//! 300, Enterprise as configured for the account (`fairdraw accounts create … --rpm`). Every
//! request counts once; the counters are shared by every instance, as on `/v2`, in windows of
//! their own.

use crate::engine::{Engine, EngineResult, Principal};
use fairdraw_core::account::{Plan, RateLimits};
use fairdraw_store::ratelimit::Verdict;

/// The `/v1` limits of a caller.
pub fn v1_limits(plan: Plan, configured: RateLimits) -> RateLimits {
    let rpm = match plan {
        Plan::Free => 30,
        Plan::Pro => 300,
        Plan::Enterprise | Plan::EnterprisePlus => configured.rpm,
    };
    // Only the minute is documented: the second and the day never refuse before it does.
    RateLimits {
        rpm,
        rpd: configured.rpd.max(rpm.saturating_mul(1_440)),
        burst: rpm,
    }
}

impl Engine {
    /// Counts one `/v1` request; when admitted, it also counts in the account's usage.
    pub async fn admit_v1(&self, who: &Principal) -> EngineResult<Verdict> {
        self.admit_counted(
            who,
            format!("v1:{}", who.rate_subject),
            v1_limits(who.plan, who.limits),
            1,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_by_plan() {
        let configured = RateLimits {
            rpm: 5,
            rpd: 10,
            burst: 1,
        };
        assert_eq!(v1_limits(Plan::Free, configured).rpm, 30);
        assert_eq!(v1_limits(Plan::Pro, configured).rpm, 300);
        assert_eq!(v1_limits(Plan::Enterprise, configured).rpm, 5);
        let l = v1_limits(Plan::Free, configured);
        assert!(l.burst >= l.rpm && l.rpd >= l.rpm);
    }
}
