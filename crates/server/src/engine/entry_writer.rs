//! One task per process writes entries, many per transaction.
//!
//! Requests hand their recording to the writer and wait for its answer; the writer takes
//! whatever has queued up (up to [`MAX_BATCH`]) and commits it in one transaction, so under load
//! one commit (one fsync) serves hundreds of entries, while a lone request is written at once.
//! Under load a small batch waits a moment for the requests about to arrive (see [`LINGER`]).
//! An answer is sent only after the commit: an acknowledged entry is durable.

use fairdraw_store::entries::{Outcome, Recording};
use fairdraw_store::{Db, StoreError};
use tokio::sync::{mpsc, oneshot};

pub const MAX_BATCH: usize = 512;
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
}

impl EntryWriter {
    pub fn spawn(db: Db) -> EntryWriter {
        let (sender, receiver) = mpsc::channel(QUEUE);
        tokio::spawn(run(db, receiver));
        EntryWriter { sender }
    }

    pub async fn record(&self, recording: Recording) -> Result<Outcome, StoreError> {
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

async fn run(db: Db, mut receiver: mpsc::Receiver<Job>) {
    let mut jobs: Vec<Job> = Vec::with_capacity(MAX_BATCH);
    let mut last = 0;
    while let Some(first) = receiver.recv().await {
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
        last = jobs.len();
        let recordings: Vec<Recording> = jobs.iter().map(|j| j.recording.clone()).collect();
        let started = std::time::Instant::now();
        match db.record_batch(&recordings).await {
            Ok(outcomes) => {
                tracing::debug!(
                    size = jobs.len(),
                    micros = started.elapsed().as_micros(),
                    "entry batch committed"
                );
                for (job, outcome) in jobs.drain(..).zip(outcomes) {
                    let _ = job.reply.send(Ok(outcome));
                }
            }
            Err(batch_error) => {
                // One bad recording must not fail its neighbours: write them one at a time.
                if jobs.len() > 1 {
                    tracing::warn!(error = %batch_error, size = jobs.len(), "entry batch failed; retrying one by one");
                }
                for job in jobs.drain(..) {
                    let result = record_one(&db, &job.recording).await;
                    let _ = job.reply.send(result);
                }
            }
        }
    }
}

/// Writes one recording; a participant created by another instance at the same moment is found
/// on the second try.
async fn record_one(db: &Db, r: &Recording) -> Result<Outcome, StoreError> {
    match db.record(r).await {
        Err(StoreError::Conflict(_)) => db.record(r).await,
        other => other,
    }
}
