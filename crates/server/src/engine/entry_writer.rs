//! One task per process writes entries, many per transaction.
//!
//! Requests hand their recording to the writer and wait for its answer; the writer takes
//! whatever has queued up (up to [`MAX_BATCH`]) and commits it in one transaction, so under load
//! one commit (one fsync) serves hundreds of entries, while a lone request is written at once.
//! Under load a small batch waits a moment for the requests about to arrive (see [`LINGER`]).
//! An answer is sent only after the commit: an acknowledged entry is durable.
//!
//! The writer runs on a thread and runtime of its own (on PostgreSQL with connections opened
//! there): a batch is a dozen awaits on the database, and on the shared runtime each wake-up
//! could queue behind the request handlers. Measured, this alone did not move the rate
//! (docs/BENCHMARKS.md); it keeps the writer's latency independent of the request load.

use fairdraw_store::entries::{Outcome, Recording};
use fairdraw_store::{Backend, Db, StoreError};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::{Mutex, mpsc, oneshot};

pub const MAX_BATCH: usize = 512;
/// Writers on PostgreSQL. Each writes a batch in its own transaction; they insert side by side
/// and queue only for the giveaway's counters and the commit, so while one commits the next one
/// writes. Measured: two are 16% faster than one; three make batches smaller and no faster on
/// two cores (docs/BENCHMARKS.md). SQLite has one writer connection, so one writer.
const POSTGRES_WRITERS: usize = 2;
/// The writers' own connections on PostgreSQL: one each, and one more for a retry.
const WRITER_CONNECTIONS: u32 = POSTGRES_WRITERS as u32 + 1;
const QUEUE: usize = 8192;
/// After a batch of at least this many, a batch under half its size waits up to [`LINGER`]
/// for more requests. A lone request at low load is never held.
const LINGER_AFTER: usize = 16;
const LINGER: std::time::Duration = std::time::Duration::from_millis(2);

struct Job {
    recording: Recording,
    reply: oneshot::Sender<Result<Outcome, StoreError>>,
}

#[derive(Clone, Debug)]
pub struct EntryWriter {
    sender: mpsc::Sender<Job>,
    /// Recordings handed to the writer and not answered yet.
    in_flight: Arc<AtomicUsize>,
}

/// Counts one recording in flight for as long as it lives (also when its request is dropped).
struct InFlight<'a>(&'a AtomicUsize);

impl<'a> InFlight<'a> {
    fn new(count: &'a AtomicUsize) -> InFlight<'a> {
        count.fetch_add(1, Ordering::Relaxed);
        InFlight(count)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl EntryWriter {
    pub fn spawn(db: Db) -> EntryWriter {
        let (sender, receiver) = mpsc::channel(QUEUE);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("the entry writer's runtime starts");
        std::thread::Builder::new()
            .name("entry-writer".to_owned())
            .spawn(move || {
                runtime.block_on(async move {
                    let db = match db.with_own_writer(WRITER_CONNECTIONS).await {
                        Ok(own) => own,
                        Err(e) => {
                            tracing::warn!(error = %e, "the entry writer uses the shared pool: it could not connect on its own");
                            db
                        }
                    };
                    let writers = writers(db.backend());
                    let receiver = Arc::new(Mutex::new(receiver));
                    let mut set = tokio::task::JoinSet::new();
                    for _ in 0..writers {
                        set.spawn(run(db.clone(), receiver.clone()));
                    }
                    while set.join_next().await.is_some() {}
                });
            })
            .expect("the entry writer's thread starts");
        EntryWriter {
            sender,
            in_flight: Arc::default(),
        }
    }

    /// How many recordings are waiting for the writer or being written now: the load of the
    /// entry path, which the job worker gives way to (see `worker::ENTRY_BURST`).
    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::Relaxed)
    }

    pub async fn record(&self, recording: Recording) -> Result<Outcome, StoreError> {
        let _counted = InFlight::new(&self.in_flight);
        let (reply, answer) = oneshot::channel();
        self.sender
            .send(Job { recording, reply })
            .await
            .map_err(|_| StoreError::Config("the entry writer has stopped".to_owned()))?;
        answer
            .await
            .map_err(|_| StoreError::Config("the entry writer dropped a request".to_owned()))?
    }
}

fn writers(backend: Backend) -> usize {
    match backend {
        Backend::Sqlite => 1,
        Backend::Postgres => POSTGRES_WRITERS,
    }
}

/// One writer: takes its turn at the queue, collects a batch, writes it. The next writer
/// collects the next batch while this one writes.
async fn run(db: Db, queue: Arc<Mutex<mpsc::Receiver<Job>>>) {
    let mut jobs: Vec<Job> = Vec::with_capacity(MAX_BATCH);
    let mut last = 0;
    loop {
        let mut receiver = queue.lock().await;
        let Some(first) = receiver.recv().await else {
            return;
        };
        jobs.push(first);
        while jobs.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        if last >= LINGER_AFTER && jobs.len() < last / 2 {
            // Under load, the clients answered by the last commit are sending their next
            // requests right now: a moment's wait lets one commit serve them all, instead of a
            // commit (and its fsync) for the first few and another for the rest.
            let deadline = tokio::time::Instant::now() + LINGER;
            while jobs.len() < last.min(MAX_BATCH) {
                match tokio::time::timeout_at(deadline, receiver.recv()).await {
                    Ok(Some(job)) => jobs.push(job),
                    _ => break,
                }
            }
        }
        drop(receiver);
        last = jobs.len();
        let (recordings, replies): (Vec<Recording>, Vec<_>) = jobs.drain(..).map(|j| (j.recording, j.reply)).unzip();
        let started = std::time::Instant::now();
        match db.record_batch(&recordings).await {
            Ok(outcomes) => {
                crate::telemetry::entry_batch(recordings.len(), started.elapsed());
                for (reply, outcome) in replies.into_iter().zip(outcomes) {
                    count(&outcome);
                    let _ = reply.send(Ok(outcome));
                }
            }
            Err(batch_error) => {
                // One bad recording must not fail its neighbours: write them one at a time.
                if recordings.len() > 1 {
                    tracing::warn!(error = %batch_error, size = recordings.len(), "entry batch failed; retrying one by one");
                }
                for (recording, reply) in recordings.iter().zip(replies) {
                    let started = std::time::Instant::now();
                    let result = record_one(&db, recording).await;
                    if let Ok(outcome) = &result {
                        crate::telemetry::entry_batch(1, started.elapsed());
                        count(outcome);
                    }
                    let _ = reply.send(result);
                }
            }
        }
    }
}

/// Counts a recording's outcome in the metrics, by the rule that refused it.
fn count(outcome: &Outcome) {
    use crate::engine::public_entries::Rule;
    use fairdraw_store::entries::PublicRefusal;
    match outcome {
        Ok(r)
            if r.public
                .as_ref()
                .is_some_and(|p| p.refused == Some(PublicRefusal::DuplicateIp)) =>
        {
            crate::telemetry::entry_refused(Rule::DuplicateIp.name())
        }
        Ok(_) => crate::telemetry::entry_accepted(),
        Err(refusal) => crate::telemetry::entry_refused(Rule::from(refusal.clone()).name()),
    }
}

/// Writes one recording. On a conflict it tries once more, with fresh public ids: either a
/// participant was created by another instance at the same moment (found on the second try), or
/// the new ids met ones already taken. A deadlock with a concurrent batch (the other PostgreSQL
/// writer, or another instance, inserting the same person) rolled everything back: it runs
/// again, a few times, after a moment.
async fn record_one(db: &Db, r: &Recording) -> Result<Outcome, StoreError> {
    let mut attempt = 0_u64;
    loop {
        match record_fresh_on_conflict(db, r).await {
            Err(e) if e.is_transient() && attempt < 4 => {
                attempt += 1;
                tracing::debug!(error = %e, attempt, "entry recording deadlocked; running it again");
                tokio::time::sleep(std::time::Duration::from_millis(5 * attempt)).await;
            }
            other => return other,
        }
    }
}

async fn record_fresh_on_conflict(db: &Db, r: &Recording) -> Result<Outcome, StoreError> {
    match db.record(r).await {
        Err(StoreError::Conflict(_)) => {
            let fresh = Recording {
                new_user_id: super::entries::new_user_id(r.now),
                new_referral_code: super::entries::new_referral_code(r.now),
                ..r.clone()
            };
            db.record(&fresh).await
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recording_counts_in_flight_until_it_is_answered_or_dropped() {
        let count = AtomicUsize::new(0);
        let first = InFlight::new(&count);
        {
            let _second = InFlight::new(&count);
            assert_eq!(count.load(Ordering::Relaxed), 2);
        }
        assert_eq!(count.load(Ordering::Relaxed), 1);
        drop(first);
        assert_eq!(count.load(Ordering::Relaxed), 0);
    }
}
