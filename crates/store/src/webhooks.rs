//! A brand's webhooks and their delivery log. Every lookup for the management API is scoped to
//! the brand, so another brand's id reads as missing. The failure count and the switch-off after
//! repeated failures are moved by single statements, so concurrent deliveries cannot lose a count.

use crate::audit::{self, AuditEvent};
use crate::db::Db;
use crate::error::StoreResult;
use sqlx::FromRow;

/// A webhook as stored. `events` is a JSON array of event names. Its `Debug` leaves out the
/// secret, so a logged row cannot leak it.
#[derive(Clone, FromRow)]
pub struct WebhookRow {
    pub id: i64,
    pub brand_id: i64,
    pub url: String,
    pub events: String,
    pub secret: String,
    pub active: i64,
    pub disabled_reason: Option<String>,
    pub consecutive_failures: i64,
    pub created_at: i64,
}

impl std::fmt::Debug for WebhookRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookRow")
            .field("id", &self.id)
            .field("brand_id", &self.brand_id)
            .field("events", &self.events)
            .field("active", &self.active)
            .field("secret", &"[redacted]")
            .finish_non_exhaustive()
    }
}

impl WebhookRow {
    /// The subscribed event names, as stored.
    pub fn event_names(&self) -> Vec<String> {
        serde_json::from_str(&self.events).unwrap_or_default()
    }
}

const COLUMNS: &str = "id, brand_id, url, events, secret, active, disabled_reason, consecutive_failures, created_at";

/// A partial update; `None` leaves the column as it is.
#[derive(Clone, Debug, Default)]
pub struct WebhookChange {
    pub url: Option<String>,
    /// A JSON array of event names.
    pub events: Option<String>,
    pub active: Option<bool>,
}

/// One delivery attempt for the log.
#[derive(Clone, Debug)]
pub struct NewDelivery<'a> {
    pub webhook_id: i64,
    pub event_id: &'a str,
    pub event: &'a str,
    pub attempt: i64,
    /// `None` when no HTTP answer came.
    pub http_code: Option<i64>,
    pub success: bool,
    pub error: Option<&'a str>,
    pub duration_ms: i64,
}

/// A row of the delivery log.
#[derive(Clone, Debug, FromRow)]
pub struct DeliveryRow {
    pub id: i64,
    pub event_id: String,
    pub event: String,
    pub attempt: i64,
    pub http_code: Option<i64>,
    pub success: i64,
    pub error: Option<String>,
    pub duration_ms: i64,
    pub created_at: i64,
}

impl Db {
    pub async fn create_webhook(
        &self,
        brand_id: i64,
        url: &str,
        events: &str,
        secret: &str,
        audit: &AuditEvent,
        now: i64,
    ) -> StoreResult<WebhookRow> {
        let sql = format!(
            "INSERT INTO webhooks (brand_id, url, events, secret, active, consecutive_failures, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 1, 0, $5, $5) RETURNING {COLUMNS}"
        );
        let mut tx = self.begin_write().await?;
        let row: WebhookRow = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(brand_id)
            .bind(url)
            .bind(events)
            .bind(secret)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        let audit = audit.with("webhook_id", row.id);
        audit::append_in(&mut tx, &audit, now).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// The brand's webhooks, oldest first.
    pub async fn list_webhooks(&self, brand_id: i64) -> StoreResult<Vec<WebhookRow>> {
        let sql = format!("SELECT {COLUMNS} FROM webhooks WHERE brand_id = $1 ORDER BY id");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(brand_id)
            .fetch_all(self.reader())
            .await?)
    }

    /// A webhook of the brand, or `None` (also for another brand's).
    pub async fn brand_webhook(&self, brand_id: i64, id: i64) -> StoreResult<Option<WebhookRow>> {
        let sql = format!("SELECT {COLUMNS} FROM webhooks WHERE brand_id = $1 AND id = $2");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(brand_id)
            .bind(id)
            .fetch_optional(self.reader())
            .await?)
    }

    /// A webhook by id, for delivery. Read from the writer so a change committed just before
    /// (a deactivation, a deletion) is seen.
    pub async fn webhook(&self, id: i64) -> StoreResult<Option<WebhookRow>> {
        let sql = format!("SELECT {COLUMNS} FROM webhooks WHERE id = $1");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(self.writer())
            .await?)
    }

    /// Applies a partial update; returns whether the brand has that webhook. Setting `active`
    /// (either way) is the owner's decision, so it clears the server's reason and the failure count.
    pub async fn update_webhook(
        &self,
        brand_id: i64,
        id: i64,
        change: &WebhookChange,
        audit: &AuditEvent,
        now: i64,
    ) -> StoreResult<bool> {
        let active = change.active.map(i64::from);
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE webhooks SET url = COALESCE($3, url), events = COALESCE($4, events), \
             active = COALESCE($5, active), \
             disabled_reason = CASE WHEN $5 IS NULL THEN disabled_reason ELSE NULL END, \
             consecutive_failures = CASE WHEN $5 IS NULL THEN consecutive_failures ELSE 0 END, \
             updated_at = $6 WHERE brand_id = $1 AND id = $2",
        )
        .bind(brand_id)
        .bind(id)
        .bind(change.url.as_deref())
        .bind(change.events.as_deref())
        .bind(active)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        audit::append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Deletes a webhook with its delivery log; returns whether the brand had it. Deliveries
    /// still queued for it find it gone and end without sending.
    pub async fn delete_webhook(&self, brand_id: i64, id: i64, audit: &AuditEvent, now: i64) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "DELETE FROM webhook_deliveries WHERE webhook_id IN (SELECT id FROM webhooks WHERE brand_id = $1 AND id = $2)",
        )
        .bind(brand_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let done = sqlx::query("DELETE FROM webhooks WHERE brand_id = $1 AND id = $2")
            .bind(brand_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        audit::append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    pub async fn record_delivery(&self, d: &NewDelivery<'_>, now: i64) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO webhook_deliveries (webhook_id, event_id, event, attempt, http_code, success, error, \
             duration_ms, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(d.webhook_id)
        .bind(d.event_id)
        .bind(d.event)
        .bind(d.attempt)
        .bind(d.http_code)
        .bind(i64::from(d.success))
        .bind(d.error)
        .bind(d.duration_ms)
        .bind(now)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// A page of a webhook's delivery log, newest first, and how many rows it has.
    pub async fn list_deliveries(
        &self,
        webhook_id: i64,
        limit: i64,
        offset: i64,
    ) -> StoreResult<(Vec<DeliveryRow>, i64)> {
        let rows = sqlx::query_as(
            "SELECT id, event_id, event, attempt, http_code, success, error, duration_ms, created_at \
             FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3",
        )
        .bind(webhook_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(self.reader())
        .await?;
        let (total,): (i64,) =
            sqlx::query_as("SELECT CAST(COUNT(*) AS BIGINT) FROM webhook_deliveries WHERE webhook_id = $1")
                .bind(webhook_id)
                .fetch_one(self.reader())
                .await?;
        Ok((rows, total))
    }

    /// An event was delivered: the run of failures is over.
    pub async fn webhook_delivered(&self, id: i64) -> StoreResult<()> {
        sqlx::query("UPDATE webhooks SET consecutive_failures = 0 WHERE id = $1 AND consecutive_failures <> 0")
            .bind(id)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    /// An event failed for good: counts it, and switches the webhook off with `reason` when this
    /// makes `limit` in a row. Returns whether this call switched it off.
    pub async fn webhook_event_failed(&self, id: i64, limit: i64, reason: &str, now: i64) -> StoreResult<bool> {
        // Columns on the right-hand side of SET read the row as it was, on both backends.
        let row: Option<(i64, i64)> = sqlx::query_as(
            "UPDATE webhooks SET consecutive_failures = consecutive_failures + 1, \
             active = CASE WHEN consecutive_failures + 1 >= $2 THEN 0 ELSE active END, \
             disabled_reason = CASE WHEN consecutive_failures + 1 >= $2 AND active = 1 THEN $3 ELSE disabled_reason END, \
             updated_at = $4 WHERE id = $1 RETURNING consecutive_failures, active",
        )
        .bind(id)
        .bind(limit)
        .bind(reason)
        .bind(now)
        .fetch_optional(self.writer())
        .await?;
        Ok(matches!(row, Some((n, 0)) if n == limit))
    }
}
