//! Comment draws of `/v1`: uploads, platform connections, the draws (request, progress,
//! answer) and their completion. A draw is written `processing` with its run job in one
//! transaction, so it finishes even if the request that started it does not; completing or
//! failing it is one conditional update (`WHERE status = 'processing'`), so of a request and a
//! job racing to finish one draw exactly one wins, and only the winner's events are queued.

use crate::db::Db;
use crate::draws::{NewDraw, insert_draw_in};
use crate::error::{StoreError, StoreResult};
use crate::jobs::{NewJob, enqueue_in};
use sqlx::{AnyConnection, FromRow};

/// The job that fetches, filters and draws one comment draw.
pub const COMMENT_DRAW_RUN: &str = "comment_draw.run";
/// The job that delivers one `/v1` event to one receiver.
pub const V1_WEBHOOK_DELIVER: &str = "v1.webhook.deliver";

fn run_key(draw_id: i64) -> String {
    format!("{COMMENT_DRAW_RUN}:{draw_id}")
}

#[derive(Clone, Debug, FromRow)]
pub struct UploadRow {
    pub id: i64,
    pub public_id: String,
    pub brand_id: i64,
    pub format: String,
    pub comment_count: i64,
    pub byte_size: i64,
    pub sha256: String,
    pub created_at: i64,
}

/// A connection as stored. Its `Debug` leaves out the token.
#[derive(Clone, FromRow)]
pub struct ConnectionRow {
    pub id: i64,
    pub public_id: String,
    pub brand_id: i64,
    pub platform: String,
    pub account_id: Option<String>,
    pub access_token: String,
    pub token_hint: String,
    pub created_at: i64,
}

impl std::fmt::Debug for ConnectionRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionRow")
            .field("public_id", &self.public_id)
            .field("platform", &self.platform)
            .field("access_token", &"[redacted]")
            .finish_non_exhaustive()
    }
}

const DRAW_COLUMNS: &str = "id, public_id, brand_id, account_id, serial, url, source_key, tier, winners, extras, \
    filters, webhook_url, status, comments_processed, server_seed, commitment, error_code, error_message, draw_id, \
    result, price_cents, created_at, completed_at, duration_ms, beacon_round, claim_deadline_hours";

#[derive(Clone, Debug, FromRow)]
pub struct CommentDrawRow {
    pub id: i64,
    pub public_id: String,
    pub brand_id: i64,
    pub account_id: i64,
    pub serial: i64,
    pub url: String,
    pub source_key: String,
    pub tier: String,
    pub winners: i64,
    pub extras: i64,
    /// JSON.
    pub filters: String,
    pub webhook_url: Option<String>,
    /// processing, completed or failed.
    pub status: String,
    pub comments_processed: i64,
    pub server_seed: String,
    pub commitment: String,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub draw_id: Option<i64>,
    /// The answer (JSON) once completed.
    pub result: Option<String>,
    pub price_cents: Option<i64>,
    pub created_at: i64,
    pub completed_at: Option<i64>,
    pub duration_ms: Option<i64>,
    /// The drand round named at the request (JSON), when the draw waits for one.
    pub beacon_round: Option<String>,
    /// Hours each winner has to claim (migration 0017); `None`: winners need not claim.
    pub claim_deadline_hours: Option<i64>,
}

/// A draw to start.
#[derive(Clone, Debug)]
pub struct NewCommentDraw {
    pub public_id: String,
    pub brand_id: i64,
    pub account_id: i64,
    pub url: String,
    pub source_key: String,
    pub tier: String,
    pub winners: i64,
    pub extras: i64,
    pub filters: String,
    pub webhook_url: Option<String>,
    pub server_seed: String,
    pub commitment: String,
    /// When the queue should take the draw over if the request has not finished it.
    pub job_run_at: i64,
    /// The drand round the draw waits for (JSON), fixed with the commitment.
    pub beacon_round: Option<String>,
    pub claim_deadline_hours: Option<i64>,
}

/// An event to deliver when a draw ends: to every subscribed webhook of the brand, and to the
/// draw's own `webhook_url`.
#[derive(Clone, Debug)]
pub struct DrawEvent<'a> {
    pub event: &'a str,
    /// The documented body, JSON.
    pub body: &'a str,
}

/// What a `v1.webhook.deliver` job carries.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct V1Delivery {
    pub comment_draw_id: i64,
    pub brand_id: i64,
    /// `None`: the draw's own `webhook_url`.
    pub webhook_id: Option<i64>,
    pub url: String,
    pub event: String,
    pub event_id: String,
    pub body: String,
}

/// One completed, billed draw.
#[derive(Clone, Debug, FromRow)]
pub struct UsageLine {
    pub public_id: String,
    pub url: String,
    pub tier: String,
    pub price_cents: i64,
    pub completed_at: i64,
}

/// An earlier draw of the same post by the same account.
#[derive(Clone, Debug, FromRow)]
pub struct SiblingDraw {
    pub serial: i64,
    pub public_id: String,
    pub result_hash: String,
    pub drawn_at: i64,
}

#[derive(Clone, Debug, FromRow)]
pub struct V1WebhookRow {
    pub id: i64,
    pub public_id: String,
    pub brand_id: i64,
    pub url: String,
    pub events: String,
    pub created_at: i64,
}

#[derive(Clone, Debug, FromRow)]
pub struct V1DeliveryRow {
    pub webhook_id: Option<i64>,
    pub event: String,
    pub attempt: i64,
    pub http_code: Option<i64>,
    pub success: i64,
    pub error: Option<String>,
}

impl Db {
    pub async fn insert_upload(&self, u: &UploadRow) -> StoreResult<i64> {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO comment_uploads (public_id, brand_id, format, comment_count, byte_size, sha256, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(&u.public_id)
        .bind(u.brand_id)
        .bind(&u.format)
        .bind(u.comment_count)
        .bind(u.byte_size)
        .bind(&u.sha256)
        .bind(u.created_at)
        .fetch_one(self.writer())
        .await?;
        Ok(id)
    }

    pub async fn upload(&self, brand_id: i64, public_id: &str) -> StoreResult<Option<UploadRow>> {
        Ok(sqlx::query_as(
            "SELECT id, public_id, brand_id, format, comment_count, byte_size, sha256, created_at \
             FROM comment_uploads WHERE brand_id = $1 AND public_id = $2",
        )
        .bind(brand_id)
        .bind(public_id)
        .fetch_optional(self.reader())
        .await?)
    }

    pub async fn insert_connection(&self, c: &ConnectionRow) -> StoreResult<i64> {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO platform_connections (public_id, brand_id, platform, account_id, access_token, token_hint, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(&c.public_id)
        .bind(c.brand_id)
        .bind(&c.platform)
        .bind(&c.account_id)
        .bind(&c.access_token)
        .bind(&c.token_hint)
        .bind(c.created_at)
        .fetch_one(self.writer())
        .await?;
        Ok(id)
    }

    pub async fn connections(&self, brand_id: i64) -> StoreResult<Vec<ConnectionRow>> {
        Ok(sqlx::query_as(
            "SELECT id, public_id, brand_id, platform, account_id, access_token, token_hint, created_at \
             FROM platform_connections WHERE brand_id = $1 AND deleted_at IS NULL ORDER BY id",
        )
        .bind(brand_id)
        .fetch_all(self.reader())
        .await?)
    }

    /// The brand's newest connection to `platform`.
    pub async fn connection_for(&self, brand_id: i64, platform: &str) -> StoreResult<Option<ConnectionRow>> {
        Ok(sqlx::query_as(
            "SELECT id, public_id, brand_id, platform, account_id, access_token, token_hint, created_at \
             FROM platform_connections WHERE brand_id = $1 AND platform = $2 AND deleted_at IS NULL \
             ORDER BY id DESC LIMIT 1",
        )
        .bind(brand_id)
        .bind(platform)
        .fetch_optional(self.reader())
        .await?)
    }

    pub async fn delete_connection(&self, brand_id: i64, public_id: &str, now: i64) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE platform_connections SET deleted_at = $3, access_token = '' \
             WHERE brand_id = $1 AND public_id = $2 AND deleted_at IS NULL",
        )
        .bind(brand_id)
        .bind(public_id)
        .bind(now)
        .execute(self.writer())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Writes a new draw with the next serial of its account, and its run job, in one
    /// transaction.
    pub async fn create_comment_draw(&self, d: &NewCommentDraw, now: i64) -> StoreResult<CommentDrawRow> {
        // Two draws of one account at the same moment may pick the same serial; the unique
        // index refuses one, which then takes the next.
        let mut last = None;
        for _ in 0..5 {
            match self.try_create_comment_draw(d, now).await {
                Err(StoreError::Conflict(c))
                    if c.contains("serial") || c.contains("UNIQUE") || c.contains("unique") =>
                {
                    last = Some(StoreError::Conflict(c));
                }
                other => return other,
            }
        }
        Err(last.unwrap_or(StoreError::NotFound))
    }

    async fn try_create_comment_draw(&self, d: &NewCommentDraw, now: i64) -> StoreResult<CommentDrawRow> {
        let mut tx = self.begin_write().await?;
        let sql = format!(
            "INSERT INTO comment_draws (public_id, brand_id, account_id, serial, url, source_key, tier, winners, extras, \
             filters, webhook_url, status, comments_processed, server_seed, commitment, created_at, beacon_round, \
             claim_deadline_hours) \
             SELECT $1, $2, $3, COALESCE(MAX(serial), 0) + 1, $4, $5, $6, $7, $8, $9, $10, 'processing', 0, $11, $12, $13, \
             $14, $15 \
             FROM comment_draws WHERE account_id = $3 RETURNING {DRAW_COLUMNS}"
        );
        let row: CommentDrawRow = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(&d.public_id)
            .bind(d.brand_id)
            .bind(d.account_id)
            .bind(&d.url)
            .bind(&d.source_key)
            .bind(&d.tier)
            .bind(d.winners)
            .bind(d.extras)
            .bind(&d.filters)
            .bind(&d.webhook_url)
            .bind(&d.server_seed)
            .bind(&d.commitment)
            .bind(now)
            .bind(&d.beacon_round)
            .bind(d.claim_deadline_hours)
            .fetch_one(&mut *tx)
            .await?;
        let job = NewJob::new(COMMENT_DRAW_RUN, serde_json::json!({ "comment_draw_id": row.id }))
            .dedupe(run_key(row.id))
            .at(d.job_run_at);
        enqueue_in(&mut tx, &job, now).await?;
        tx.commit().await?;
        Ok(row)
    }

    pub async fn comment_draw(&self, brand_id: i64, public_id: &str) -> StoreResult<Option<CommentDrawRow>> {
        let sql = format!("SELECT {DRAW_COLUMNS} FROM comment_draws WHERE brand_id = $1 AND public_id = $2");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(brand_id)
            .bind(public_id)
            .fetch_optional(self.reader())
            .await?)
    }

    pub async fn comment_draw_by_id(&self, id: i64) -> StoreResult<Option<CommentDrawRow>> {
        let sql = format!("SELECT {DRAW_COLUMNS} FROM comment_draws WHERE id = $1");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(self.reader())
            .await?)
    }

    /// The brand's draws, newest first, after the draw `after` (a public id) when given.
    pub async fn list_comment_draws(
        &self,
        brand_id: i64,
        after: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<CommentDrawRow>> {
        let sql = format!(
            "SELECT {DRAW_COLUMNS} FROM comment_draws WHERE brand_id = $1 \
             AND ($2 = '' OR id < (SELECT c.id FROM comment_draws c WHERE c.brand_id = $1 AND c.public_id = $2)) \
             ORDER BY id DESC LIMIT $3"
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(brand_id)
            .bind(after.unwrap_or(""))
            .bind(limit)
            .fetch_all(self.reader())
            .await?)
    }

    /// Records how many comments a running draw has read (never going back).
    pub async fn comment_draw_progress(&self, id: i64, processed: i64) -> StoreResult<()> {
        sqlx::query(
            "UPDATE comment_draws SET comments_processed = $2 \
             WHERE id = $1 AND status = 'processing' AND comments_processed < $2",
        )
        .bind(id)
        .bind(processed)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// Lets the queue take a draw over now (its request gave up waiting).
    pub async fn hand_comment_draw_to_queue(&self, id: i64, now: i64) -> StoreResult<()> {
        sqlx::query("UPDATE jobs SET run_at = $2 WHERE dedupe_key = $1 AND state = 'pending'")
            .bind(run_key(id))
            .bind(now)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    /// Earlier completed draws of the same post by the same account, oldest first.
    pub async fn sibling_draws(&self, account_id: i64, source_key: &str, except: i64) -> StoreResult<Vec<SiblingDraw>> {
        Ok(sqlx::query_as(
            "SELECT c.serial, c.public_id, d.result_hash, d.drawn_at FROM comment_draws c \
             JOIN draws d ON d.id = c.draw_id \
             WHERE c.account_id = $1 AND c.source_key = $2 AND c.id <> $3 AND c.status = 'completed' \
             ORDER BY c.serial",
        )
        .bind(account_id)
        .bind(source_key)
        .bind(except)
        .fetch_all(self.reader())
        .await?)
    }

    /// Completes a processing draw: stores the protocol draw with its pool, the answer, the
    /// price and the winners' claims when they must claim (`(winners, deadline)`), and queues
    /// `draw.completed`. `false` when the draw had already ended.
    #[allow(clippy::too_many_arguments)]
    pub async fn complete_comment_draw(
        &self,
        row: &CommentDrawRow,
        draw: &NewDraw,
        pool: &[(&str, i64)],
        result: &str,
        processed: i64,
        price_cents: i64,
        duration_ms: i64,
        event: &DrawEvent<'_>,
        claims: Option<(&[String], i64)>,
        now: i64,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let claimed = sqlx::query(
            "UPDATE comment_draws SET status = 'completed', comments_processed = $2, result = $3, price_cents = $4, \
             completed_at = $5, duration_ms = $6 WHERE id = $1 AND status = 'processing'",
        )
        .bind(row.id)
        .bind(processed)
        .bind(result)
        .bind(price_cents)
        .bind(now)
        .bind(duration_ms)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() == 0 {
            return Ok(false);
        }
        let draw_id = insert_draw_in(&mut tx, draw, pool).await?;
        sqlx::query("UPDATE comment_draws SET draw_id = $2 WHERE id = $1")
            .bind(row.id)
            .bind(draw_id)
            .execute(&mut *tx)
            .await?;
        // Winners who must claim (migration 0017): each win pending until `deadline`.
        if let Some((winners, deadline)) = claims {
            crate::result_claims::require_result_claims_in(
                &mut tx,
                crate::result_claims::ClaimSurface::Comment,
                row.id,
                draw_id,
                winners,
                deadline,
                now,
            )
            .await?;
        }
        finish_in(&mut tx, row, event, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Fails a processing draw with its reason and queues `draw.failed`. `false` when the draw
    /// had already ended.
    pub async fn fail_comment_draw(
        &self,
        row: &CommentDrawRow,
        code: &str,
        message: &str,
        event: &DrawEvent<'_>,
        now: i64,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let claimed = sqlx::query(
            "UPDATE comment_draws SET status = 'failed', error_code = $2, error_message = $3, completed_at = $4, \
             duration_ms = $4 - created_at WHERE id = $1 AND status = 'processing'",
        )
        .bind(row.id)
        .bind(code)
        .bind(message)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() == 0 {
            return Ok(false);
        }
        finish_in(&mut tx, row, event, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Completed draws of the brand in `[from, to)`, oldest first: the invoice lines.
    pub async fn comment_draw_usage(&self, brand_id: i64, from: i64, to: i64) -> StoreResult<Vec<UsageLine>> {
        Ok(sqlx::query_as(
            "SELECT public_id, url, tier, price_cents, completed_at FROM comment_draws \
             WHERE brand_id = $1 AND status = 'completed' AND completed_at >= $2 AND completed_at < $3 \
             AND price_cents IS NOT NULL ORDER BY completed_at, id",
        )
        .bind(brand_id)
        .bind(from)
        .bind(to)
        .fetch_all(self.reader())
        .await?)
    }

    // ---- /v1 webhooks and their secret ----

    /// Registers a webhook; when the brand had no /v1 secret yet, `new_secret` becomes it and is
    /// returned.
    pub async fn create_v1_webhook(
        &self,
        brand_id: i64,
        public_id: &str,
        url: &str,
        events: &str,
        new_secret: &str,
        now: i64,
    ) -> StoreResult<(V1WebhookRow, Option<String>)> {
        let mut tx = self.begin_write().await?;
        let row: V1WebhookRow = sqlx::query_as(
            "INSERT INTO v1_webhooks (public_id, brand_id, url, events, created_at) VALUES ($1, $2, $3, $4, $5) \
             RETURNING id, public_id, brand_id, url, events, created_at",
        )
        .bind(public_id)
        .bind(brand_id)
        .bind(url)
        .bind(events)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let made = sqlx::query(
            "INSERT INTO v1_signing_secrets (brand_id, secret, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (brand_id) DO NOTHING",
        )
        .bind(brand_id)
        .bind(new_secret)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok((row, (made.rows_affected() > 0).then(|| new_secret.to_owned())))
    }

    pub async fn v1_webhooks(&self, brand_id: i64) -> StoreResult<Vec<V1WebhookRow>> {
        Ok(sqlx::query_as(
            "SELECT id, public_id, brand_id, url, events, created_at FROM v1_webhooks \
             WHERE brand_id = $1 AND deleted_at IS NULL ORDER BY id",
        )
        .bind(brand_id)
        .fetch_all(self.reader())
        .await?)
    }

    pub async fn v1_webhook_active(&self, id: i64) -> StoreResult<bool> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM v1_webhooks WHERE id = $1 AND deleted_at IS NULL")
            .bind(id)
            .fetch_optional(self.reader())
            .await?;
        Ok(row.is_some())
    }

    pub async fn delete_v1_webhook(&self, brand_id: i64, public_id: &str, now: i64) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE v1_webhooks SET deleted_at = $3 WHERE brand_id = $1 AND public_id = $2 AND deleted_at IS NULL",
        )
        .bind(brand_id)
        .bind(public_id)
        .bind(now)
        .execute(self.writer())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Sets the brand's /v1 secret (creating or replacing it).
    pub async fn set_v1_secret(&self, brand_id: i64, secret: &str, now: i64) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO v1_signing_secrets (brand_id, secret, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (brand_id) DO UPDATE SET secret = $2, created_at = $3",
        )
        .bind(brand_id)
        .bind(secret)
        .bind(now)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// The brand's /v1 secret; `candidate` becomes it when there is none.
    pub async fn v1_secret_or(&self, brand_id: i64, candidate: &str, now: i64) -> StoreResult<String> {
        sqlx::query(
            "INSERT INTO v1_signing_secrets (brand_id, secret, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (brand_id) DO NOTHING",
        )
        .bind(brand_id)
        .bind(candidate)
        .bind(now)
        .execute(self.writer())
        .await?;
        let (secret,): (String,) = sqlx::query_as("SELECT secret FROM v1_signing_secrets WHERE brand_id = $1")
            .bind(brand_id)
            .fetch_one(self.writer())
            .await?;
        Ok(secret)
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn record_v1_delivery(
        &self,
        d: &V1Delivery,
        attempt: i64,
        http_code: Option<i64>,
        success: bool,
        error: Option<&str>,
        duration_ms: i64,
        now: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO v1_deliveries (comment_draw_id, webhook_id, event_id, event, attempt, http_code, success, \
             error, duration_ms, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(d.comment_draw_id)
        .bind(d.webhook_id)
        .bind(&d.event_id)
        .bind(&d.event)
        .bind(attempt)
        .bind(http_code)
        .bind(i64::from(success))
        .bind(error)
        .bind(duration_ms)
        .bind(now)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    pub async fn v1_deliveries(&self, comment_draw_id: i64) -> StoreResult<Vec<V1DeliveryRow>> {
        Ok(sqlx::query_as(
            "SELECT webhook_id, event, attempt, http_code, success, error FROM v1_deliveries \
             WHERE comment_draw_id = $1 ORDER BY id",
        )
        .bind(comment_draw_id)
        .fetch_all(self.reader())
        .await?)
    }
}

/// Ends a draw's run job (unless it is the one running) and queues its event to every
/// subscribed webhook and to the draw's own `webhook_url`.
async fn finish_in(conn: &mut AnyConnection, row: &CommentDrawRow, event: &DrawEvent<'_>, now: i64) -> StoreResult<()> {
    sqlx::query("DELETE FROM jobs WHERE dedupe_key = $1 AND state = 'pending'")
        .bind(run_key(row.id))
        .execute(&mut *conn)
        .await?;
    let hooks: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT id, url, events FROM v1_webhooks WHERE brand_id = $1 AND deleted_at IS NULL ORDER BY id",
    )
    .bind(row.brand_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut targets: Vec<(Option<i64>, String)> = hooks
        .into_iter()
        .filter(|(_, _, events)| {
            serde_json::from_str::<Vec<String>>(events).is_ok_and(|e| e.iter().any(|n| n == event.event))
        })
        .map(|(id, url, _)| (Some(id), url))
        .collect();
    if let Some(url) = &row.webhook_url {
        targets.push((None, url.clone()));
    }
    for (webhook_id, url) in targets {
        let target = webhook_id.map_or_else(|| "own".to_owned(), |id| id.to_string());
        let event_id = format!("evt_{}_{}_{target}", row.public_id, event.event.replace('.', "_"));
        let delivery = V1Delivery {
            comment_draw_id: row.id,
            brand_id: row.brand_id,
            webhook_id,
            url,
            event: event.event.to_owned(),
            event_id: event_id.clone(),
            body: event.body.to_owned(),
        };
        let job = NewJob::new(
            V1_WEBHOOK_DELIVER,
            serde_json::to_value(&delivery).map_err(|e| StoreError::Config(e.to_string()))?,
        )
        .dedupe(event_id);
        enqueue_in(conn, &job, now).await?;
    }
    Ok(())
}
