//! The public endpoint's per-address and per-giveaway limits, counted in this process when no
//! Redis is configured. Counting them in the database cost a write transaction per public
//! request, on the same single writer the entries need. Each instance counts on its own, so
//! behind N instances a client gets up to N times the configured rate; with `FAIRDRAW_REDIS_URL`
//! set, the counters are shared in Redis instead.

use std::collections::HashMap;
use std::sync::Mutex;

/// Above this many subjects, those whose windows have passed are dropped.
const PRUNE_ABOVE: usize = 65_536;

/// Two fixed windows per subject, like the store's limiter: one second (`burst`) and one minute
/// (`per_minute`). A call is counted only if both have room.
#[derive(Debug, Default)]
pub struct LocalLimiter {
    subjects: Mutex<HashMap<String, Windows>>,
}

#[derive(Clone, Copy, Debug, Default)]
struct Windows {
    second: i64,
    second_hits: u32,
    minute: i64,
    minute_hits: u32,
}

impl LocalLimiter {
    /// Counts one call of `subject` at `now_ms`; `Err(retry_after_seconds)` when refused.
    pub fn hit(&self, subject: &str, per_minute: u32, burst: u32, now_ms: i64) -> Result<(), i64> {
        let now_s = now_ms.div_euclid(1000);
        let minute = now_s - now_s.rem_euclid(60);
        let mut subjects = self.subjects.lock().unwrap_or_else(|p| p.into_inner());
        if subjects.len() > PRUNE_ABOVE {
            subjects.retain(|_, w| w.minute >= minute);
        }
        let w = match subjects.get_mut(subject) {
            Some(w) => w,
            None => subjects.entry(subject.to_owned()).or_default(),
        };
        if w.second != now_s {
            w.second = now_s;
            w.second_hits = 0;
        }
        if w.minute != minute {
            w.minute = minute;
            w.minute_hits = 0;
        }
        if w.second_hits >= burst {
            return Err(1);
        }
        if w.minute_hits >= per_minute {
            return Err((minute + 60 - now_s).max(1));
        }
        w.second_hits += 1;
        w.minute_hits += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_refuse_and_reset() {
        let l = LocalLimiter::default();
        let t = 120_000; // the start of a minute
        assert_eq!(l.hit("a", 3, 2, t), Ok(()));
        assert_eq!(l.hit("a", 3, 2, t + 10), Ok(()));
        assert_eq!(l.hit("a", 3, 2, t + 20), Err(1), "burst");
        assert_eq!(l.hit("b", 3, 2, t + 20), Ok(()), "subjects are counted apart");
        assert_eq!(l.hit("a", 3, 2, t + 1_000), Ok(()));
        assert_eq!(l.hit("a", 3, 2, t + 5_000), Err(55), "minute");
        assert_eq!(l.hit("a", 3, 2, t + 60_000), Ok(()), "a new minute");
    }
}
