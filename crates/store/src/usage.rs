//! Request counts per account, for the usage endpoint.

use crate::db::Db;
use crate::error::StoreResult;

pub(crate) const HOUR_MS: i64 = 3_600_000;

/// Requests in the last 24 hours, 7 days and 30 days.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UsageTotals {
    pub last_24h: i64,
    pub last_7d: i64,
    pub last_30d: i64,
}

impl Db {
    /// Sums whole hours: the current hour and the 23 (167, 719) before it.
    pub async fn usage_totals(&self, account_id: i64, now_ms: i64) -> StoreResult<UsageTotals> {
        let hour = now_ms.div_euclid(HOUR_MS);
        let (d1, d7, d30): (i64, i64, i64) = sqlx::query_as(
            "SELECT \
               CAST(COALESCE(SUM(CASE WHEN hour > $2 THEN requests ELSE 0 END), 0) AS BIGINT), \
               CAST(COALESCE(SUM(CASE WHEN hour > $3 THEN requests ELSE 0 END), 0) AS BIGINT), \
               CAST(COALESCE(SUM(requests), 0) AS BIGINT) \
             FROM api_usage WHERE account_id = $1 AND hour > $4",
        )
        .bind(account_id)
        .bind(hour - 24)
        .bind(hour - 24 * 7)
        .bind(hour - 24 * 30)
        .fetch_one(self.reader())
        .await?;
        Ok(UsageTotals {
            last_24h: d1,
            last_7d: d7,
            last_30d: d30,
        })
    }
}
