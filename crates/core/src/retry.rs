//! When to try a failed job again: exponential backoff with jitter.
//!
//! The delay before attempt `n + 1` grows as `base · 2^(n-1)` up to `cap`; the wait is drawn
//! uniformly from its upper half ("equal jitter"), so a burst of failures (a receiver that was down)
//! spreads out instead of coming back in step, while no retry comes sooner than half the nominal delay.

/// First retry after about this long.
pub const BASE_MS: i64 = 2_000;
/// No wait is longer than this.
pub const CAP_MS: i64 = 60 * 60 * 1000;

/// The wait after failed attempt `attempt` (1-based). `unit` is a uniform random number in
/// `[0, 1)`, passed in so the function stays pure.
pub fn backoff_ms(attempt: i64, unit: f64) -> i64 {
    let exp = attempt.clamp(1, 40) - 1;
    let nominal = BASE_MS.saturating_mul(1_i64 << exp.min(30)).min(CAP_MS);
    let half = nominal / 2;
    half + (half as f64 * unit.clamp(0.0, 1.0)) as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn doubles_then_caps() {
        assert_eq!(backoff_ms(1, 0.0), 1_000);
        assert_eq!(backoff_ms(1, 0.999_999), 1_999);
        assert_eq!(backoff_ms(2, 0.0), 2_000);
        assert_eq!(backoff_ms(3, 0.0), 4_000);
        assert_eq!(backoff_ms(40, 0.0), CAP_MS / 2);
    }

    proptest! {
        #[test]
        fn stays_within_half_and_whole_of_the_nominal(attempt in 1_i64..100, unit in 0.0_f64..1.0) {
            let d = backoff_ms(attempt, unit);
            let nominal = (BASE_MS << (attempt - 1).min(30)).min(CAP_MS);
            prop_assert!(d >= nominal / 2 && d <= nominal);
        }

        #[test]
        fn never_shrinks_with_more_attempts(attempt in 1_i64..60) {
            prop_assert!(backoff_ms(attempt + 1, 0.0) >= backoff_ms(attempt, 0.0));
        }
    }
}
