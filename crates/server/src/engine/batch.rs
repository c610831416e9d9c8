//! One task that writes what many requests hand it, many to a transaction.
//!
//! A request hands its item over and waits for the answer; the task takes whatever has queued up
//! (up to its batch size) and writes it in one go, so under load one commit serves hundreds of
//! requests while a lone one is written at once. An answer is sent only after the write: an
//! acknowledged item is durable. When a batch fails, its items are written one at a time, so
//! one bad item cannot fail its neighbours.
//!
//! The entry writer (`entry_writer`) is the same idea with PostgreSQL-specific tuning; the chat
//! joins and the authenticated callers' rate counters and usage use this one.

use super::{EngineError, EngineResult};
use std::future::Future;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

const QUEUE: usize = 16_384;

type Reply<O> = oneshot::Sender<Result<O, String>>;

/// The handle requests write through. Cheap to clone.
pub struct Batcher<I, O> {
    name: &'static str,
    sender: mpsc::Sender<(I, Reply<O>)>,
}

impl<I, O> Clone for Batcher<I, O> {
    fn clone(&self) -> Self {
        Batcher {
            name: self.name,
            sender: self.sender.clone(),
        }
    }
}

impl<I, O> std::fmt::Debug for Batcher<I, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Batcher({})", self.name)
    }
}

impl<I, O> Batcher<I, O>
where
    I: Clone + Send + Sync + 'static,
    O: Send + 'static,
{
    /// Starts the task on the current runtime. `write` answers a batch with one output per
    /// item, in order, or fails the whole batch.
    pub fn spawn<F, Fut>(name: &'static str, max_batch: usize, write: F) -> Self
    where
        F: Fn(Arc<[I]>) -> Fut + Send + 'static,
        Fut: Future<Output = Result<Vec<O>, String>> + Send + 'static,
    {
        let (sender, receiver) = mpsc::channel(QUEUE);
        tokio::spawn(run(name, receiver, max_batch, write));
        Batcher { name, sender }
    }

    /// Hands `item` to the task and waits until it is written.
    pub async fn write(&self, item: I) -> EngineResult<O> {
        let (reply, answer) = oneshot::channel();
        let stopped = || EngineError::Internal(format!("the {} writer has stopped", self.name).into());
        self.sender.send((item, reply)).await.map_err(|_| stopped())?;
        answer
            .await
            .map_err(|_| stopped())?
            .map_err(|e| EngineError::Internal(e.into()))
    }
}

async fn run<I, O, F, Fut>(name: &'static str, mut receiver: mpsc::Receiver<(I, Reply<O>)>, max_batch: usize, write: F)
where
    I: Clone,
    F: Fn(Arc<[I]>) -> Fut,
    Fut: Future<Output = Result<Vec<O>, String>>,
{
    let mut queued = Vec::with_capacity(max_batch);
    while receiver.recv_many(&mut queued, max_batch).await > 0 {
        let (items, replies): (Vec<I>, Vec<Reply<O>>) = queued.drain(..).unzip();
        let items: Arc<[I]> = items.into();
        match write(items.clone()).await {
            Ok(outputs) if outputs.len() == replies.len() => {
                for (reply, output) in replies.into_iter().zip(outputs) {
                    let _ = reply.send(Ok(output));
                }
            }
            Ok(outputs) => {
                let e = format!(
                    "the {name} writer answered {} of {} items",
                    outputs.len(),
                    replies.len()
                );
                for reply in replies {
                    let _ = reply.send(Err(e.clone()));
                }
            }
            Err(e) if items.len() > 1 => {
                tracing::warn!(error = %e, size = items.len(), writer = name, "batch failed; writing its items one by one");
                for (item, reply) in items.iter().zip(replies) {
                    let one = write(Arc::from([item.clone()])).await;
                    let _ = reply.send(
                        one.and_then(|mut o| o.pop().ok_or_else(|| format!("the {name} writer answered nothing"))),
                    );
                }
            }
            Err(e) => {
                for reply in replies {
                    let _ = reply.send(Err(e.clone()));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[tokio::test]
    async fn batches_answer_in_order_and_a_bad_item_fails_alone() {
        let sizes = Arc::new(Mutex::new(Vec::new()));
        let seen = sizes.clone();
        let doubler = Batcher::spawn("test", 64, move |items: Arc<[i64]>| {
            seen.lock().unwrap().push(items.len());
            async move {
                if items.contains(&13) {
                    return Err("13 is refused".to_owned());
                }
                Ok(items.iter().map(|i| i * 2).collect())
            }
        });
        let answers = futures_join((0..20).map(|i| {
            let b = doubler.clone();
            async move { b.write(i).await }
        }))
        .await;
        for (i, answer) in answers.into_iter().enumerate() {
            let i = i as i64;
            match answer {
                Ok(v) => assert_eq!(v, i * 2),
                Err(e) => assert!(i == 13 && e.to_string().contains("13 is refused"), "{i}: {e}"),
            }
        }
        assert!(
            sizes.lock().unwrap().iter().any(|&n| n == 1),
            "the failed batch was retried one by one"
        );
    }

    async fn futures_join<F: Future + Send + 'static>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
    where
        F::Output: Send + 'static,
    {
        let handles: Vec<_> = futures.map(tokio::spawn).collect();
        let mut out = Vec::new();
        for h in handles {
            out.push(h.await.unwrap());
        }
        out
    }
}
