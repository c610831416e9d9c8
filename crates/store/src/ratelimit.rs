//! Request counters for rate limits, shared by every server instance that shares the store.
//!
//! Three fixed windows per subject (usually an API key): one second (burst), one minute (where
//! a write costs 2) and one UTC day. A request is admitted only if it fits all three; when it does
//! not, nothing is counted, so a client that backs off is not punished for its refused tries.

use crate::db::Db;
use crate::error::StoreResult;
use crate::usage::HOUR_MS;
use fairdraw_core::account::RateLimits;
use redis::aio::ConnectionManager;
use std::collections::BTreeMap;

/// Which window refused a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Window {
    Second,
    Minute,
    Day,
}

impl Window {
    const ALL: [Window; 3] = [Window::Second, Window::Minute, Window::Day];

    fn seconds(self) -> i64 {
        match self {
            Window::Second => 1,
            Window::Minute => 60,
            Window::Day => 86_400,
        }
    }

    fn tag(self) -> &'static str {
        match self {
            Window::Second => "s",
            Window::Minute => "m",
            Window::Day => "d",
        }
    }

    fn limit(self, l: RateLimits) -> i64 {
        i64::from(match self {
            Window::Second => l.burst,
            Window::Minute => l.rpm,
            Window::Day => l.rpd,
        })
    }

    fn start(self, now_s: i64) -> i64 {
        now_s - now_s.rem_euclid(self.seconds())
    }
}

/// One request to count.
#[derive(Clone, Debug)]
pub struct Hit<'a> {
    pub subject: &'a str,
    pub limits: RateLimits,
    /// What the request costs in the minute window (2 for writes).
    pub minute_cost: u32,
    pub now_ms: i64,
}

/// The answer, with what the `X-RateLimit-*` headers report: the minute window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub allowed: bool,
    /// The window that refused the request, when it was refused.
    pub refused_by: Option<Window>,
    pub limit: u32,
    pub remaining: u32,
    /// Unix seconds when the minute window resets.
    pub reset: i64,
    /// Seconds until the refusing window resets (0 when allowed).
    pub retry_after: i64,
}

impl Hit<'_> {
    fn cost(&self, w: Window) -> i64 {
        match w {
            Window::Minute => i64::from(self.minute_cost),
            _ => 1,
        }
    }

    fn now_s(&self) -> i64 {
        self.now_ms.div_euclid(1000)
    }

    fn verdict(&self, refused_by: Option<Window>, minute_used: i64) -> Verdict {
        let now_s = self.now_s();
        let minute_reset = Window::Minute.start(now_s) + 60;
        Verdict {
            allowed: refused_by.is_none(),
            refused_by,
            limit: self.limits.rpm,
            remaining: (i64::from(self.limits.rpm) - minute_used).clamp(0, i64::from(u32::MAX)) as u32,
            reset: minute_reset,
            retry_after: refused_by.map_or(0, |w| (w.start(now_s) + w.seconds() - now_s).max(1)),
        }
    }
}

/// Where the counters live.
#[derive(Clone)]
pub enum RateLimiter {
    /// The `rate_counters` table: shared by all instances on one database.
    Database(Db),
    /// Redis, for many instances or to keep counter writes off the database.
    Redis(ConnectionManager),
}

impl std::fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            RateLimiter::Database(_) => "RateLimiter::Database",
            RateLimiter::Redis(_) => "RateLimiter::Redis",
        })
    }
}

// Checks all three windows, then counts in all three only if every one has room. Returns
// {refused window index (0 = none), minute hits}.
const REDIS_SCRIPT: &str = r"
for i = 1, 3 do
  local used = tonumber(redis.call('GET', KEYS[i]) or '0')
  if used + tonumber(ARGV[i]) > tonumber(ARGV[i + 3]) then
    return {i, tonumber(redis.call('GET', KEYS[2]) or '0')}
  end
end
for i = 1, 3 do
  redis.call('INCRBY', KEYS[i], ARGV[i])
  redis.call('EXPIRE', KEYS[i], ARGV[i + 6])
end
return {0, tonumber(redis.call('GET', KEYS[2]))}
";

impl RateLimiter {
    pub async fn redis(url: &str) -> StoreResult<RateLimiter> {
        let client = redis::Client::open(url)?;
        let manager = ConnectionManager::new(client).await?;
        Ok(RateLimiter::Redis(manager))
    }

    pub async fn hit(&self, hit: &Hit<'_>) -> StoreResult<Verdict> {
        // A request larger than a whole window can never pass; say so without counting.
        if let Some(w) = hit.oversized() {
            return Ok(hit.verdict(Some(w), 0));
        }
        match self {
            RateLimiter::Database(db) => {
                let one = Admission {
                    subject: hit.subject.to_owned(),
                    limits: hit.limits,
                    minute_cost: hit.minute_cost,
                    now_ms: hit.now_ms,
                    account_id: None,
                    precounted: None,
                };
                Ok(db.admit_batch(std::slice::from_ref(&one)).await?[0])
            }
            RateLimiter::Redis(conn) => redis_hit(conn.clone(), hit).await,
        }
    }
}

/// One request to count, owned so it can wait in a batch: against its subject's windows (unless
/// `precounted` says another limiter already did) and, once admitted, in its account's usage.
#[derive(Clone, Debug)]
pub struct Admission {
    pub subject: String,
    pub limits: RateLimits,
    pub minute_cost: u32,
    pub now_ms: i64,
    /// Whose usage an admitted request counts in; `None` for calls outside any account.
    pub account_id: Option<i64>,
    /// The verdict of the limiter that counted it (Redis); `None` counts it here.
    pub precounted: Option<Verdict>,
}

impl Admission {
    fn hit(&self) -> Hit<'_> {
        Hit {
            subject: &self.subject,
            limits: self.limits,
            minute_cost: self.minute_cost,
            now_ms: self.now_ms,
        }
    }
}

impl Hit<'_> {
    /// The window this request can never fit in, whatever was counted before.
    fn oversized(&self) -> Option<Window> {
        Window::ALL.into_iter().find(|&w| self.cost(w) > w.limit(self.limits))
    }

    fn counter(&self, w: Window) -> (String, i64) {
        (format!("{}:{}", self.subject, w.tag()), w.start(self.now_s()))
    }
}

/// A counter row as a batch sees it: the hits stored before, what the batch adds, its expiry.
struct Counter {
    stored: i64,
    added: i64,
    expires_at: i64,
}

impl Db {
    /// Counts a batch of requests in one transaction, in their order, exactly as one at a time
    /// would: each is admitted only if it fits all three of its windows, and only an admitted one
    /// is counted (in the windows and in its account's usage). Every counter the batch touches is
    /// locked and read first, in one order, so instances sharing the database never see each
    /// other's half-counted batches and never deadlock; then each changed counter and each
    /// account's hour of usage is written once. Under load that is a handful of statements for
    /// hundreds of requests, where one at a time took four writes each.
    pub async fn admit_batch(&self, batch: &[Admission]) -> StoreResult<Vec<Verdict>> {
        let mut counters: BTreeMap<(String, i64), Counter> = BTreeMap::new();
        for a in batch.iter().filter(|a| a.precounted.is_none()) {
            let hit = a.hit();
            if hit.oversized().is_some() {
                continue;
            }
            for w in Window::ALL {
                let (bucket, start) = hit.counter(w);
                counters.entry((bucket, start)).or_insert(Counter {
                    stored: 0,
                    added: 0,
                    expires_at: start + 2 * w.seconds(),
                });
            }
        }
        let mut tx = self.begin_write().await?;
        for ((bucket, start), counter) in &mut counters {
            // The no-op update takes the row's lock (PostgreSQL) and reads it; a new window
            // starts at zero.
            let (hits,): (i64,) = sqlx::query_as(
                "INSERT INTO rate_counters (bucket, window_start, hits, expires_at) VALUES ($1, $2, 0, $3) \
                 ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_counters.hits \
                 RETURNING hits",
            )
            .bind(bucket.as_str())
            .bind(*start)
            .bind(counter.expires_at)
            .fetch_one(&mut *tx)
            .await?;
            counter.stored = hits;
        }
        let mut verdicts = Vec::with_capacity(batch.len());
        let mut usage: BTreeMap<(i64, i64), i64> = BTreeMap::new();
        for a in batch {
            let verdict = match a.precounted {
                Some(v) => v,
                None => decide(&a.hit(), &mut counters),
            };
            if let (true, Some(account)) = (verdict.allowed, a.account_id) {
                *usage.entry((account, a.now_ms.div_euclid(HOUR_MS))).or_default() += 1;
            }
            verdicts.push(verdict);
        }
        for ((bucket, start), counter) in counters.iter().filter(|(_, c)| c.added > 0) {
            sqlx::query("UPDATE rate_counters SET hits = hits + $3 WHERE bucket = $1 AND window_start = $2")
                .bind(bucket)
                .bind(*start)
                .bind(counter.added)
                .execute(&mut *tx)
                .await?;
        }
        for ((account, hour), requests) in usage {
            sqlx::query(
                "INSERT INTO api_usage (account_id, hour, requests) VALUES ($1, $2, $3) \
                 ON CONFLICT (account_id, hour) DO UPDATE SET requests = api_usage.requests + excluded.requests",
            )
            .bind(account)
            .bind(hour)
            .bind(requests)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(verdicts)
    }
}

/// Admits `hit` if it fits every window as counted so far (adding it), or names the first
/// window it does not fit.
fn decide(hit: &Hit<'_>, counters: &mut BTreeMap<(String, i64), Counter>) -> Verdict {
    if let Some(w) = hit.oversized() {
        return hit.verdict(Some(w), 0);
    }
    // The request's three counters, in `Window::ALL` order (the minute second).
    let keys = Window::ALL.map(|w| hit.counter(w));
    let used = |counters: &BTreeMap<(String, i64), Counter>, i: usize| {
        counters.get(&keys[i]).map_or(0, |c| c.stored + c.added)
    };
    if let Some((_, w)) = Window::ALL
        .into_iter()
        .enumerate()
        .find(|&(i, w)| used(counters, i) + hit.cost(w) > w.limit(hit.limits))
    {
        return hit.verdict(Some(w), used(counters, 1));
    }
    for (key, w) in keys.iter().zip(Window::ALL) {
        if let Some(c) = counters.get_mut(key) {
            c.added += hit.cost(w);
        }
    }
    hit.verdict(None, used(counters, 1))
}

async fn redis_hit(mut conn: ConnectionManager, hit: &Hit<'_>) -> StoreResult<Verdict> {
    let now_s = hit.now_s();
    let script = redis::Script::new(REDIS_SCRIPT);
    let mut invocation = script.prepare_invoke();
    for w in Window::ALL {
        invocation.key(format!("fairdraw:rl:{}:{}:{}", hit.subject, w.tag(), w.start(now_s)));
    }
    for w in Window::ALL {
        invocation.arg(hit.cost(w));
    }
    for w in Window::ALL {
        invocation.arg(w.limit(hit.limits));
    }
    for w in Window::ALL {
        invocation.arg(2 * w.seconds());
    }
    let (refused, minute_used): (i64, i64) = invocation.invoke_async(&mut conn).await?;
    let refused_by = match refused {
        1 => Some(Window::Second),
        2 => Some(Window::Minute),
        3 => Some(Window::Day),
        _ => None,
    };
    Ok(hit.verdict(refused_by, minute_used))
}

impl Db {
    /// Drops counters whose window has passed.
    pub async fn purge_rate_counters(&self, now_ms: i64) -> StoreResult<u64> {
        let done = sqlx::query("DELETE FROM rate_counters WHERE expires_at < $1")
            .bind(now_ms.div_euclid(1000))
            .execute(self.writer())
            .await?;
        Ok(done.rows_affected())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_align_to_their_size() {
        assert_eq!(Window::Minute.start(125), 120);
        assert_eq!(Window::Day.start(86_400 * 3 + 5), 86_400 * 3);
        assert_eq!(Window::Second.start(7), 7);
    }

    #[test]
    fn verdict_reports_the_minute_window() {
        let hit = Hit {
            subject: "k",
            limits: RateLimits {
                rpm: 10,
                rpd: 100,
                burst: 5,
            },
            minute_cost: 2,
            now_ms: 125_500,
        };
        let v = hit.verdict(None, 4);
        assert_eq!((v.limit, v.remaining, v.reset, v.retry_after), (10, 6, 180, 0));
        let refused = hit.verdict(Some(Window::Minute), 10);
        assert_eq!((refused.remaining, refused.retry_after), (0, 55));
        assert_eq!(hit.verdict(Some(Window::Second), 3).retry_after, 1);
    }
}
