//! The durable job queue: side effects (webhooks, e-mails, timed work) are written here in the
//! same transaction as the change that causes them, and workers claim and run them.
//!
//! A claim marks jobs `running` with a lease (`locked_until`) and the claiming worker's id in one
//! statement. On PostgreSQL the inner `SELECT … FOR UPDATE SKIP LOCKED` lets several instances
//! claim side by side without waiting on, or taking, each other's rows; on SQLite the statement
//! runs under the database's single write lock, which gives the same guarantee. A worker that dies
//! leaves its lease to expire, and the job is claimed again. Finishing, retrying and releasing all
//! check that the lease is still the worker's own, so a worker that outlived its lease cannot
//! overwrite the work of the one that took over.

use crate::db::{Backend, Db};
use crate::error::StoreResult;
use crate::multirow::{chunk_len, json_rows, placeholders_from, to_json};
use sqlx::{AnyConnection, AssertSqlSafe};

/// Work for the job queue.
#[derive(Clone, Debug)]
pub struct NewJob {
    pub kind: String,
    pub payload: serde_json::Value,
    /// A job with the key of one already queued is not queued again.
    pub dedupe_key: Option<String>,
    /// When it may run, in Unix ms (`None`: at once).
    pub run_at: Option<i64>,
}

impl NewJob {
    pub fn new(kind: impl Into<String>, payload: serde_json::Value) -> NewJob {
        NewJob {
            kind: kind.into(),
            payload,
            dedupe_key: None,
            run_at: None,
        }
    }

    pub fn dedupe(mut self, key: impl Into<String>) -> NewJob {
        self.dedupe_key = Some(key.into());
        self
    }

    pub fn at(mut self, run_at: i64) -> NewJob {
        self.run_at = Some(run_at);
        self
    }
}

/// How many times a job runs before it is marked failed.
pub const DEFAULT_MAX_ATTEMPTS: i64 = 8;

/// Queues a job inside the caller's transaction; one whose dedupe key is taken is dropped.
/// Returns whether it was queued.
pub async fn enqueue_in(conn: &mut AnyConnection, job: &NewJob, now: i64) -> StoreResult<bool> {
    Ok(enqueue_many_in(conn, std::slice::from_ref(job), now).await? > 0)
}

/// Queues several jobs in one statement (the entry writer's batches); jobs whose dedupe key is
/// taken are dropped. Returns how many were queued.
pub async fn enqueue_many_in(conn: &mut AnyConnection, jobs: &[NewJob], now: i64) -> StoreResult<u64> {
    #[derive(serde::Serialize)]
    struct Row<'a> {
        kind: &'a str,
        payload: String,
        dedupe_key: Option<&'a str>,
        run_at: i64,
    }
    if jobs.is_empty() {
        return Ok(0);
    }
    let rows: Vec<Row<'_>> = jobs
        .iter()
        .map(|job| Row {
            kind: &job.kind,
            payload: job.payload.to_string(),
            dedupe_key: job.dedupe_key.as_deref(),
            run_at: job.run_at.unwrap_or(now),
        })
        .collect();
    let sql = format!(
        "INSERT INTO jobs (kind, payload, dedupe_key, state, attempts, max_attempts, run_at, created_at, updated_at) \
         SELECT j.value ->> 'kind', j.value ->> 'payload', j.value ->> 'dedupe_key', 'pending', 0, $2, \
         CAST(j.value ->> 'run_at' AS BIGINT), $3, $3 FROM {} WHERE true ON CONFLICT (dedupe_key) DO NOTHING",
        json_rows(conn)
    );
    Ok(sqlx::query(AssertSqlSafe(sql))
        .bind(to_json(&rows)?)
        .bind(DEFAULT_MAX_ATTEMPTS)
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected())
}

/// A job a worker holds a lease on.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ClaimedJob {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    /// This run's number, from 1.
    pub attempts: i64,
    pub max_attempts: i64,
    pub created_at: i64,
}

/// A job as stored, for operators and tests.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct JobRow {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    pub dedupe_key: Option<String>,
    pub state: String,
    pub attempts: i64,
    pub max_attempts: i64,
    pub run_at: i64,
    pub locked_until: Option<i64>,
    pub locked_by: Option<String>,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Jobs per state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct JobCounts {
    pub pending: i64,
    pub running: i64,
    pub done: i64,
    pub failed: i64,
}

const JOB_COLUMNS: &str = "id, kind, payload, dedupe_key, state, attempts, max_attempts, run_at, locked_until, \
     locked_by, last_error, created_at, updated_at";

impl Db {
    /// Queues a job in its own transaction.
    pub async fn enqueue(&self, job: &NewJob, now: i64) -> StoreResult<bool> {
        let mut conn = self.writer().acquire().await?;
        enqueue_in(&mut conn, job, now).await
    }

    /// Claims up to `limit` jobs that are due (pending with `run_at` passed, or running with an
    /// expired lease) for `worker` until `now + lease_ms`, oldest first.
    pub async fn claim_jobs(&self, worker: &str, now: i64, lease_ms: i64, limit: i64) -> StoreResult<Vec<ClaimedJob>> {
        let lock = match self.backend() {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        // Due jobs and expired leases are looked up apart, each in its own index's order, so a
        // claim reads `limit` index entries however long the queue is (one OR over both, in
        // run_at order, sorted the whole backlog: 17 ms at 50,000 pending, under the writer).
        let sql = format!(
            "UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_until = $1, locked_by = $2, \
             updated_at = $3 WHERE id IN (SELECT id FROM ( \
             SELECT id, run_at FROM (SELECT id, run_at FROM jobs WHERE state = 'pending' AND run_at <= $3 \
             ORDER BY run_at, id LIMIT $4{lock}) AS due \
             UNION ALL SELECT id, run_at FROM (SELECT id, run_at FROM jobs WHERE state = 'running' \
             AND locked_until < $3 ORDER BY locked_until, id LIMIT $4{lock}) AS expired \
             ) AS claimable ORDER BY run_at, id LIMIT $4) \
             RETURNING id, kind, payload, attempts, max_attempts, created_at"
        );
        let mut jobs: Vec<ClaimedJob> = sqlx::query_as(AssertSqlSafe(sql))
            .bind(now + lease_ms)
            .bind(worker)
            .bind(now)
            .bind(limit)
            .fetch_all(self.writer())
            .await?;
        jobs.sort_by_key(|j| j.id);
        Ok(jobs)
    }

    /// Extends a lease the worker still holds; false when it lost it.
    pub async fn extend_lease(&self, id: i64, worker: &str, locked_until: i64, now: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE jobs SET locked_until = $1, updated_at = $2 WHERE id = $3 AND state = 'running' AND locked_by = $4",
        )
        .bind(locked_until)
        .bind(now)
        .bind(id)
        .bind(worker)
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Marks a job done; false when the worker no longer held it.
    pub async fn complete_job(&self, id: i64, worker: &str, now: i64) -> StoreResult<bool> {
        Ok(!self.complete_jobs(&[id], worker, now).await?.is_empty())
    }

    /// Marks jobs done in one statement per [`chunk_len`] of them; returns those the worker
    /// still held (the others were taken over after their lease passed, and are left alone).
    pub async fn complete_jobs(&self, ids: &[i64], worker: &str, now: i64) -> StoreResult<Vec<i64>> {
        let mut held = Vec::with_capacity(ids.len());
        let mut rest = ids;
        while !rest.is_empty() {
            let (chunk, tail) = rest.split_at(chunk_len(rest.len()));
            rest = tail;
            let sql = format!(
                "UPDATE jobs SET state = 'done', locked_until = NULL, last_error = NULL, updated_at = $1 \
                 WHERE state = 'running' AND locked_by = $2 AND id IN ({}) RETURNING id",
                placeholders_from(3, chunk.len())
            );
            let mut q = sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql)).bind(now).bind(worker);
            for id in chunk {
                q = q.bind(id);
            }
            held.extend(q.fetch_all(self.writer()).await?);
        }
        Ok(held)
    }

    /// Records a failed run: the job waits until `retry_at`, or, when `retry_at` is `None` or
    /// its attempts are used up, is marked failed for good. Returns the state it was left in
    /// (`None` when the worker no longer held it).
    pub async fn fail_job(
        &self,
        id: i64,
        worker: &str,
        error: &str,
        retry_at: Option<i64>,
        now: i64,
    ) -> StoreResult<Option<String>> {
        let state: Option<(String,)> = sqlx::query_as(
            "UPDATE jobs SET state = CASE WHEN $1 IS NULL OR attempts >= max_attempts THEN 'failed' ELSE 'pending' END, \
             run_at = COALESCE($1, run_at), locked_until = NULL, last_error = $2, updated_at = $3 \
             WHERE id = $4 AND state = 'running' AND locked_by = $5 RETURNING state",
        )
        .bind(retry_at)
        .bind(error)
        .bind(now)
        .bind(id)
        .bind(worker)
        .fetch_optional(self.writer())
        .await?;
        Ok(state.map(|(s,)| s))
    }

    /// Gives a job back unrun (the worker is shutting down): its attempt is not counted.
    pub async fn release_job(&self, id: i64, worker: &str, now: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE jobs SET state = 'pending', attempts = attempts - 1, locked_until = NULL, locked_by = NULL, \
             updated_at = $1 WHERE id = $2 AND state = 'running' AND locked_by = $3",
        )
        .bind(now)
        .bind(id)
        .bind(worker)
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The earliest `run_at` of a pending job, so a worker can sleep until then.
    pub async fn next_job_at(&self) -> StoreResult<Option<i64>> {
        let next: Option<(Option<i64>,)> = sqlx::query_as("SELECT MIN(run_at) FROM jobs WHERE state = 'pending'")
            .fetch_optional(self.reader())
            .await?;
        Ok(next.and_then(|(t,)| t))
    }

    pub async fn job(&self, id: i64) -> StoreResult<JobRow> {
        Ok(
            sqlx::query_as(AssertSqlSafe(format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1")))
                .bind(id)
                .fetch_one(self.reader())
                .await?,
        )
    }

    /// Jobs of one kind (all kinds when `None`), oldest first.
    pub async fn jobs_of_kind(&self, kind: Option<&str>) -> StoreResult<Vec<JobRow>> {
        Ok(sqlx::query_as(AssertSqlSafe(format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE $1 IS NULL OR kind = $1 ORDER BY id"
        )))
        .bind(kind)
        .fetch_all(self.reader())
        .await?)
    }

    pub async fn job_counts(&self) -> StoreResult<JobCounts> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT state, CAST(COUNT(*) AS BIGINT) FROM jobs GROUP BY state")
                .fetch_all(self.reader())
                .await?;
        let mut c = JobCounts::default();
        for (state, n) in rows {
            match state.as_str() {
                "pending" => c.pending = n,
                "running" => c.running = n,
                "done" => c.done = n,
                "failed" => c.failed = n,
                _ => {}
            }
        }
        Ok(c)
    }

    /// The queue by kind, for the metrics: `(kind, pending, oldest due run_at among pending,
    /// failed)`, for every kind that has a pending or failed job.
    pub async fn job_queue_by_kind(&self, now: i64) -> StoreResult<Vec<(String, i64, Option<i64>, i64)>> {
        Ok(sqlx::query_as(
            "SELECT kind, CAST(SUM(CASE WHEN state = 'pending' THEN 1 ELSE 0 END) AS BIGINT), \
             MIN(CASE WHEN state = 'pending' AND run_at <= $1 THEN run_at END), \
             CAST(SUM(CASE WHEN state = 'failed' THEN 1 ELSE 0 END) AS BIGINT) \
             FROM jobs WHERE state IN ('pending', 'failed') GROUP BY kind ORDER BY kind",
        )
        .bind(now)
        .fetch_all(self.reader())
        .await?)
    }

    /// Jobs in one state (all when `None`), newest first, at most `limit`.
    pub async fn jobs_in_state(&self, state: Option<&str>, limit: i64) -> StoreResult<Vec<JobRow>> {
        Ok(sqlx::query_as(AssertSqlSafe(format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE $1 IS NULL OR state = $1 ORDER BY id DESC LIMIT $2"
        )))
        .bind(state)
        .bind(limit)
        .fetch_all(self.reader())
        .await?)
    }

    /// Puts failed jobs back in the queue with a fresh set of attempts: the ones listed, or every
    /// failed job when `ids` is `None`. Returns how many were re-queued.
    pub async fn retry_failed_jobs(&self, ids: Option<&[i64]>, now: i64) -> StoreResult<u64> {
        const RESET: &str = "UPDATE jobs SET state = 'pending', attempts = 0, run_at = $1, locked_until = NULL, \
             locked_by = NULL, updated_at = $1 WHERE state = 'failed'";
        let Some(ids) = ids else {
            return Ok(sqlx::query(RESET)
                .bind(now)
                .execute(self.writer())
                .await?
                .rows_affected());
        };
        let mut tx = self.begin_write().await?;
        let mut n = 0;
        for id in ids {
            n += sqlx::query(AssertSqlSafe(format!("{RESET} AND id = $2")))
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        tx.commit().await?;
        Ok(n)
    }

    /// Deletes finished jobs older than `before` (failed ones are kept for operators).
    pub async fn purge_done_jobs(&self, before: i64) -> StoreResult<u64> {
        let done = sqlx::query("DELETE FROM jobs WHERE state = 'done' AND updated_at < $1")
            .bind(before)
            .execute(self.writer())
            .await?;
        Ok(done.rows_affected())
    }
}
