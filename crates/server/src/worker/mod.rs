//! Background work: the runner that claims queued jobs and hands each to its handler, and the
//! scheduler tick that runs beside it.
//!
//! Every instance with workers enabled runs one [`Worker`]. Jobs are claimed with a lease
//! (`workers.lease_secs`, [`LEASE_MS`] by default); a handler is cut off well before the lease
//! ends ([`job_timeout`]), so a job is
//! never run by two workers at once unless one of them has died (and then its lease has passed).
//! A failed run is retried with exponential backoff and jitter until its attempts are used up,
//! then left `failed`. On shutdown the worker stops claiming, lets running jobs finish for
//! [`SHUTDOWN_GRACE`], and gives back the ones still running so another instance (or the next
//! start) runs them.
//!
//! Handlers must be idempotent in effect: a job can run again after a crash between its effect
//! and its completion. Webhook deliveries carry a stable event id and e-mails a stable
//! Message-ID, so receivers can tell a repeat.

mod chat;
mod claims;
mod comment_draws;
mod completions;
pub mod scheduler;

use crate::app::AppState;
use completions::Completions;
use fairdraw_store::jobs::ClaimedJob;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tracing::Instrument;

/// How long a claim lasts before another worker may take the job over, unless configured.
pub const LEASE_MS: i64 = 120_000;
/// The longest one run of a job may take (less with a short lease).
pub const JOB_TIMEOUT: Duration = Duration::from_secs(60);

/// The longest one run may take under a lease of `lease_ms`: at most half of it, so a run is
/// over (and recorded) before anyone else may claim the job.
pub fn job_timeout(lease_ms: i64) -> Duration {
    JOB_TIMEOUT.min(Duration::from_millis(u64::try_from(lease_ms / 2).unwrap_or(0)))
}
/// How long running jobs get to finish after shutdown is asked for.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(15);
/// How often an idle worker looks for due jobs.
const POLL: Duration = Duration::from_millis(250);
/// Entries come first: while at least this many recordings are waiting for (or being written
/// by) the entry writer, the worker runs one group of jobs at a time and pauses [`GIVE_WAY`]
/// between groups, so e-mails and webhook deliveries take their turn after a burst of entries
/// instead of taking a third of the entry rate from it on a small machine (docs/BENCHMARKS.md).
/// Under such a burst it still runs up to `workers.concurrency` jobs per pause.
const ENTRY_BURST: usize = 16;
/// The worker's pause between groups of jobs during a burst of entries.
const GIVE_WAY: Duration = Duration::from_millis(100);
/// How often the scheduler looks for giveaways to announce.
const SCHEDULER_EVERY: Duration = Duration::from_secs(1);

/// Why a run failed, and whether trying again could help.
#[derive(Debug)]
pub struct JobError {
    pub message: String,
    pub retry: bool,
}

impl JobError {
    /// A failure that may pass (a timeout, a 5xx, a refused connection).
    pub fn retry(message: impl Into<String>) -> JobError {
        JobError {
            message: message.into(),
            retry: true,
        }
    }

    /// A failure that will not pass by itself (bad payload, a deleted webhook).
    pub fn permanent(message: impl Into<String>) -> JobError {
        JobError {
            message: message.into(),
            retry: false,
        }
    }
}

/// A claimed job as its handler sees it.
#[derive(Debug)]
pub struct Job {
    pub claimed: ClaimedJob,
}

impl Job {
    pub fn id(&self) -> i64 {
        self.claimed.id
    }

    /// This run's number, from 1.
    pub fn attempt(&self) -> i64 {
        self.claimed.attempts
    }

    /// Whether a failure now leaves the job failed for good.
    pub fn is_last_attempt(&self) -> bool {
        self.claimed.attempts >= self.claimed.max_attempts
    }

    /// The payload, parsed into the handler's type.
    pub fn payload<T: serde::de::DeserializeOwned>(&self) -> Result<T, JobError> {
        serde_json::from_str(&self.claimed.payload).map_err(|e| {
            JobError::permanent(format!(
                "{} job {} has a bad payload: {e}",
                self.claimed.kind,
                self.id()
            ))
        })
    }
}

/// Runs one job with the handler for its kind.
async fn dispatch(state: &AppState, job: &Job) -> Result<(), JobError> {
    let kind = job.claimed.kind.as_str();
    match kind {
        fairdraw_store::events::WEBHOOK_DELIVER => crate::outbound::webhooks::deliver_job(state, job).await,
        crate::engine::privacy::OUTBOX_ERASURE_JOB => crate::outbound::mail::erase_job(state, job).await,
        _ if kind.starts_with("email.") => crate::outbound::mail::send_job(state, job).await,
        crate::engine::chat_giveaways::DRAW_JOB => chat::draw_job(state, job).await,
        crate::engine::chat_giveaways::NOTIFY_JOB => chat::notify_job(state, job).await,
        fairdraw_store::comment_draws::COMMENT_DRAW_RUN => comment_draws::run_job(state, job).await,
        fairdraw_store::claims::CLAIM_EXPIRE => claims::expire_job(state, job).await,
        fairdraw_store::result_claims::RESULT_CLAIM_EXPIRE => claims::expire_result_job(state, job).await,
        fairdraw_store::comment_draws::V1_WEBHOOK_DELIVER => {
            crate::outbound::v1_webhooks::deliver_job(state, job).await
        }
        _ => Err(JobError::permanent(format!("no handler for job kind {kind:?}"))),
    }
}

/// One instance's job runner. Cheap to clone.
#[derive(Clone)]
pub struct Worker {
    state: AppState,
    id: Arc<str>,
    concurrency: usize,
    lease_ms: i64,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker").field("id", &self.id).finish()
    }
}

impl Worker {
    pub fn new(state: AppState) -> Worker {
        let concurrency = state.config.workers.concurrency as usize;
        let suffix: [u8; 4] = crate::engine::random_bytes();
        let id = format!("worker-{}-{}", std::process::id(), hex::encode(suffix));
        let lease_ms = i64::from(state.config.workers.lease_secs) * 1000;
        Worker {
            state,
            id: id.into(),
            concurrency,
            lease_ms,
        }
    }

    /// The id this worker claims jobs under.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Runs the scheduler once, then every job that is due, until none is left (jobs that a run
    /// makes due at once run too). Returns how many runs there were. For tests; a serving
    /// instance uses [`Worker::run`].
    pub async fn run_until_idle(&self) -> usize {
        self.tick().await;
        let completions = Completions::spawn(self.state.engine.db().clone(), self.id.clone());
        let mut runs = 0;
        loop {
            let claimed = self.claim(self.concurrency).await;
            if claimed.is_empty() {
                return runs;
            }
            let mut set = JoinSet::new();
            for claimed in claimed {
                runs += 1;
                let (state, id, lease_ms) = (self.state.clone(), self.id.clone(), self.lease_ms);
                let completions = completions.clone();
                set.spawn(async move { execute(&state, &id, lease_ms, &completions, Job { claimed }).await });
            }
            while set.join_next().await.is_some() {}
        }
    }

    /// One scheduler pass; a failure is logged and the next tick tries again.
    async fn tick(&self) {
        if let Err(e) = scheduler::tick(&self.state).await {
            tracing::warn!(error = %e, "scheduler tick failed");
        }
    }

    /// Claims up to `n` due jobs; a database error is logged and claims nothing this round.
    async fn claim(&self, n: usize) -> Vec<ClaimedJob> {
        let now = self.state.engine.now_ms();
        let db = self.state.engine.db();
        db.claim_jobs(&self.id, now, self.lease_ms, n as i64)
            .await
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e, "claiming jobs failed");
                Vec::new()
            })
    }

    /// Claims and runs jobs, and ticks the scheduler, until `shutdown` turns true.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        tracing::info!(worker = %self.id, concurrency = self.concurrency, "worker started");
        let permits = Arc::new(Semaphore::new(self.concurrency));
        // Flips to true when the grace period is over: handlers still running are cut off and
        // their jobs given back.
        let (cut_off, cut_off_rx) = watch::channel(false);
        let mut running = JoinSet::new();
        let mut last_tick = tokio::time::Instant::now() - SCHEDULER_EVERY;
        let completions = Completions::spawn(self.state.engine.db().clone(), self.id.clone());
        while !*shutdown.borrow() {
            if last_tick.elapsed() >= SCHEDULER_EVERY {
                last_tick = tokio::time::Instant::now();
                self.tick().await;
            }
            while running.try_join_next().is_some() {}
            if self.state.engine.entry_writer().in_flight() >= ENTRY_BURST {
                // A burst of entries: let the running group end, then pause before the next.
                tokio::select! {
                    _ = running.join_next(), if !running.is_empty() => continue,
                    () = tokio::time::sleep(GIVE_WAY), if running.is_empty() => {}
                    _ = shutdown.changed() => continue,
                }
            }
            let free = permits.available_permits();
            // Claim in groups: while more than half the runs are busy, wait for one to end
            // rather than claiming a job or two at a time (each claim is a write).
            if free * 2 < self.concurrency && !running.is_empty() {
                tokio::select! {
                    _ = running.join_next() => {}
                    () = tokio::time::sleep(POLL) => {}
                    _ = shutdown.changed() => {}
                }
                continue;
            }
            let claimed = if free == 0 { Vec::new() } else { self.claim(free).await };
            let idle = claimed.len() < free || free == 0;
            for claimed in claimed {
                let permit = permits
                    .clone()
                    .acquire_owned()
                    .await
                    .expect("the semaphore is never closed");
                let (state, id, mut cut_off) = (self.state.clone(), self.id.clone(), cut_off_rx.clone());
                let lease_ms = self.lease_ms;
                let completions = completions.clone();
                running.spawn(async move {
                    let job_id = claimed.id;
                    tokio::select! {
                        () = execute(&state, &id, lease_ms, &completions, Job { claimed }) => {}
                        () = async { let _ = cut_off.wait_for(|&c| c).await; } => {
                            let now = state.engine.now_ms();
                            match state.engine.db().release_job(job_id, &id, now).await {
                                Ok(_) => tracing::info!(job = job_id, "gave a running job back to the queue"),
                                Err(e) => tracing::warn!(job = job_id, error = %e, "could not give a job back; its lease will expire"),
                            }
                        }
                    }
                    drop(permit);
                });
            }
            if idle {
                tokio::select! {
                    () = tokio::time::sleep(POLL) => {}
                    _ = shutdown.changed() => {}
                }
            }
        }
        tracing::info!(worker = %self.id, running = running.len(), "worker stopping");
        let drained =
            tokio::time::timeout(SHUTDOWN_GRACE, async { while running.join_next().await.is_some() {} }).await;
        if drained.is_err() {
            let _ = cut_off.send(true);
            while running.join_next().await.is_some() {}
        }
        tracing::info!(worker = %self.id, "worker stopped");
    }
}

/// Runs one job and records how it went.
async fn execute(state: &AppState, worker: &str, lease_ms: i64, completions: &Completions, job: Job) {
    let span = tracing::info_span!("job", id = job.id(), kind = %job.claimed.kind, attempt = job.attempt());
    execute_in_span(state, worker, lease_ms, completions, job)
        .instrument(span)
        .await
}

async fn execute_in_span(state: &AppState, worker: &str, lease_ms: i64, completions: &Completions, job: Job) {
    let timeout = job_timeout(lease_ms);
    let result = match tokio::time::timeout(timeout, dispatch(state, &job)).await {
        Ok(r) => r,
        Err(_) => Err(JobError::retry(format!("timed out after {} ms", timeout.as_millis()))),
    };
    let db = state.engine.db();
    let now = state.engine.now_ms();
    let recorded = match &result {
        Ok(()) => completions
            .complete(job.id(), now)
            .await
            .map(|held| held.then(|| "done".to_owned())),
        Err(e) => {
            let retry_at = e
                .retry
                .then(|| now + fairdraw_core::retry::backoff_ms(job.attempt(), unit_random()));
            db.fail_job(job.id(), worker, &e.message, retry_at, now)
                .await
                .map_err(|e| e.to_string())
        }
    };
    match (&result, recorded) {
        (_, Err(e)) => {
            tracing::warn!(job = job.id(), error = %e, "could not record a job's result; its lease will expire")
        }
        (_, Ok(None)) => tracing::warn!(job = job.id(), "lost a job's lease before it finished"),
        (Ok(()), Ok(Some(_))) => {
            count_run(&job.claimed.kind, "done");
            tracing::debug!(job = job.id(), kind = %job.claimed.kind, "job done")
        }
        (Err(e), Ok(Some(state))) => {
            count_run(&job.claimed.kind, if state == "failed" { "failed" } else { "retry" });
            tracing::warn!(
            job = job.id(),
            kind = %job.claimed.kind,
            attempt = job.attempt(),
            error = %e.message,
            now = %state,
            "job failed"
            )
        }
    }
}

/// Counts a job run in the metrics; webhook deliveries also by their surface.
fn count_run(kind: &str, outcome: &'static str) {
    crate::telemetry::job_run(kind, outcome);
    let webhook = match kind {
        fairdraw_store::events::WEBHOOK_DELIVER => Some("v2"),
        fairdraw_store::comment_draws::V1_WEBHOOK_DELIVER => Some("v1"),
        crate::engine::chat_giveaways::NOTIFY_JOB => Some("external"),
        _ => None,
    };
    if let Some(surface) = webhook {
        crate::telemetry::webhook_delivery(surface, if outcome == "done" { "delivered" } else { outcome });
    }
}

/// A uniform number in `[0, 1)` from the OS generator, for jitter.
fn unit_random() -> f64 {
    let bytes: [u8; 8] = crate::engine::random_bytes();
    (u64::from_le_bytes(bytes) >> 11) as f64 / (1_u64 << 53) as f64
}
