//! Finished jobs are marked done in groups. Marking one done is a write of its own; with many
//! short jobs finishing at once (a confirmation e-mail for each of thousands of entrants), one
//! write each kept the database's single writer busy. A group gathers the runs that finish
//! within [`GATHER`] of its first, so under load one write serves many. A run's permit is given
//! back only after its job is marked.

use fairdraw_store::Db;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// The most jobs one group marks.
const MAX_GROUP: usize = 256;
/// How long a group waits for more runs to finish after its first. Each write borrows the
/// database's writer, which entries queue for too; a job's permit waits this much longer.
const GATHER: std::time::Duration = std::time::Duration::from_millis(5);

struct Finished {
    id: i64,
    now: i64,
    /// Whether the worker still held the job when it was marked.
    reply: oneshot::Sender<Result<bool, String>>,
}

/// Marks one worker's finished jobs done. Cheap to clone; the task ends with the last clone.
#[derive(Clone)]
pub(super) struct Completions {
    sender: mpsc::UnboundedSender<Finished>,
}

impl Completions {
    pub(super) fn spawn(db: Db, worker: Arc<str>) -> Completions {
        let (sender, receiver) = mpsc::unbounded_channel();
        tokio::spawn(run(db, worker, receiver));
        Completions { sender }
    }

    /// Marks the job done; false when the worker no longer held it.
    pub(super) async fn complete(&self, id: i64, now: i64) -> Result<bool, String> {
        let (reply, answer) = oneshot::channel();
        self.sender
            .send(Finished { id, now, reply })
            .map_err(|_| "the job completions task has stopped".to_owned())?;
        answer
            .await
            .map_err(|_| "the job completions task dropped a job".to_owned())?
    }
}

async fn run(db: Db, worker: Arc<str>, mut receiver: mpsc::UnboundedReceiver<Finished>) {
    let mut group: Vec<Finished> = Vec::with_capacity(MAX_GROUP);
    while let Some(first) = receiver.recv().await {
        group.push(first);
        let deadline = tokio::time::Instant::now() + GATHER;
        while group.len() < MAX_GROUP {
            match tokio::time::timeout_at(deadline, receiver.recv()).await {
                Ok(Some(f)) => group.push(f),
                _ => break,
            }
        }
        let ids: Vec<i64> = group.iter().map(|f| f.id).collect();
        let now = group.iter().map(|f| f.now).max().unwrap_or_default();
        match db.complete_jobs(&ids, &worker, now).await {
            Ok(held) => {
                for f in group.drain(..) {
                    let _ = f.reply.send(Ok(held.contains(&f.id)));
                }
            }
            Err(e) => {
                let message = e.to_string();
                for f in group.drain(..) {
                    let _ = f.reply.send(Err(message.clone()));
                }
            }
        }
    }
}
