//! Request counters for rate limits, shared by every server instance that shares the store.
//!
//! Three fixed windows per subject (usually an API key): one second (burst), one minute (where
//! a write costs 2) and one UTC day. A request is admitted only if it fits all three; when it does
//! not, nothing is counted, so a client that backs off is not punished for its refused tries.

use crate::db::Db;
use crate::error::StoreResult;
use fairdraw_core::account::RateLimits;
use redis::aio::ConnectionManager;

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
        for w in Window::ALL {
            if hit.cost(w) > w.limit(hit.limits) {
                return Ok(hit.verdict(Some(w), 0));
            }
        }
        match self {
            RateLimiter::Database(db) => db_hit(db, hit).await,
            RateLimiter::Redis(conn) => redis_hit(conn.clone(), hit).await,
        }
    }
}

async fn db_hit(db: &Db, hit: &Hit<'_>) -> StoreResult<Verdict> {
    let now_s = hit.now_s();
    let mut tx = db.writer().begin().await?;
    let mut minute_used = 0;
    for w in Window::ALL {
        let start = w.start(now_s);
        // The conditional upsert locks the counter row, so concurrent instances see each
        // other's counts; a refusal returns no row and the transaction is rolled back.
        let row: Option<(i64,)> = sqlx::query_as(
            "INSERT INTO rate_counters (bucket, window_start, hits, expires_at) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_counters.hits + excluded.hits \
             WHERE rate_counters.hits + excluded.hits <= $5 \
             RETURNING hits",
        )
        .bind(format!("{}:{}", hit.subject, w.tag()))
        .bind(start)
        .bind(hit.cost(w))
        .bind(start + 2 * w.seconds())
        .bind(w.limit(hit.limits))
        .fetch_optional(&mut *tx)
        .await?;
        match row {
            Some((hits,)) if w == Window::Minute => minute_used = hits,
            Some(_) => {}
            None => {
                tx.rollback().await?;
                let used: Option<(i64,)> =
                    sqlx::query_as("SELECT hits FROM rate_counters WHERE bucket = $1 AND window_start = $2")
                        .bind(format!("{}:{}", hit.subject, Window::Minute.tag()))
                        .bind(Window::Minute.start(now_s))
                        .fetch_optional(db.reader())
                        .await?;
                return Ok(hit.verdict(Some(w), used.map_or(0, |(n,)| n)));
            }
        }
    }
    tx.commit().await?;
    Ok(hit.verdict(None, minute_used))
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
