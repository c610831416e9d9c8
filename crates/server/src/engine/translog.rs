//! The transparency log of every draw this instance signed (`fairdraw_core::translog`): signed
//! tree heads, inclusion and consistency proofs, the entries themselves, and each served
//! certificate's place in it. All public: the log holds result hashes and draw ids only.

use super::{Engine, EngineError, EngineResult, draws::parse_result_hash};
use fairdraw_core::draw::Hash32;
use fairdraw_core::translog::{self, LogInclusion, TreeHead};
use fairdraw_store::translog::LogEntry;

/// The most entries one `entries` call returns.
pub const MAX_ENTRIES: u64 = 1_000;

/// A consistency proof between two sizes of the log, with both roots as this log computes them.
#[derive(Clone, Debug)]
pub struct Consistency {
    pub first: u64,
    pub second: u64,
    pub first_root: Hash32,
    pub second_root: Hash32,
    pub proof: Vec<Hash32>,
}

fn internal(message: String) -> EngineError {
    EngineError::Internal(message.into())
}

fn bad(message: impl Into<String>) -> EngineError {
    EngineError::BadRequest(message.into())
}

impl Engine {
    /// The leaf hashes of the first `size` leaves (the log's current size when `None`).
    async fn log_leaves(&self, size: Option<u64>) -> EngineResult<Vec<Hash32>> {
        let current = u64::try_from(self.db().log_size().await?).unwrap_or(0);
        let size = match size {
            Some(s) if s > current => {
                return Err(bad(format!(
                    "The log has {current} entries; tree_size {s} does not exist yet."
                )));
            }
            Some(s) => s,
            None => current,
        };
        let hashes = self.db().log_leaves(i64::try_from(size).unwrap_or(i64::MAX)).await?;
        tokio::task::spawn_blocking(move || {
            hashes
                .iter()
                .map(|h| {
                    Hash32::from_hex(h)
                        .map(|d| translog::leaf_hash(&d))
                        .map_err(|_| internal(format!("a log leaf is not a hash: {h}")))
                })
                .collect()
        })
        .await
        .map_err(|e| internal(format!("the log task failed: {e}")))?
    }

    /// The log's head now, signed with the draw-signing key.
    pub async fn tree_head(&self) -> EngineResult<TreeHead> {
        let leaves = self.log_leaves(None).await?;
        Ok(TreeHead::sign(&leaves, self.now_ms(), self.signing_key()))
    }

    /// Where the draw `hash` stands in the log of `tree_size` leaves (now, when `None`), against
    /// a head of that size signed now.
    pub async fn log_inclusion(&self, hash: &str, tree_size: Option<u64>) -> EngineResult<LogInclusion> {
        let hash = parse_result_hash(hash)?;
        let index = self
            .db()
            .log_index_of(&hash)
            .await?
            .ok_or(EngineError::NotFound("Draw"))?;
        let index = usize::try_from(index).map_err(|_| internal(format!("log index {index}")))?;
        let leaves = self.log_leaves(tree_size).await?;
        if index >= leaves.len() {
            return Err(bad(format!(
                "This draw is entry {index} of the log; a tree of {} entries does not hold it.",
                leaves.len()
            )));
        }
        let now = self.now_ms();
        let key = self.signing_key().clone();
        tokio::task::spawn_blocking(move || LogInclusion::prove(&leaves, index, now, &key))
            .await
            .map_err(|e| internal(format!("the log task failed: {e}")))?
            .ok_or_else(|| internal("an index inside the tree has no proof".to_owned()))
    }

    /// Proves that the log of `first` leaves is a prefix of the log of `second` leaves.
    pub async fn log_consistency(&self, first: u64, second: u64) -> EngineResult<Consistency> {
        if first == 0 || first > second {
            return Err(bad("Need 0 < first ≤ second."));
        }
        let leaves = self.log_leaves(Some(second)).await?;
        tokio::task::spawn_blocking(move || {
            let m = usize::try_from(first).map_err(|_| bad("first is too large."))?;
            let proof = translog::consistency_proof(&leaves, m)
                .ok_or_else(|| internal(format!("no consistency proof for {first} of {second}")))?;
            Ok(Consistency {
                first,
                second,
                first_root: translog::root(&leaves[..m]),
                second_root: translog::root(&leaves),
                proof,
            })
        })
        .await
        .map_err(|e| internal(format!("the log task failed: {e}")))?
    }

    /// Entries `start..end` of the log (at most [`MAX_ENTRIES`]; `end` past the log is cut).
    pub async fn log_entries(&self, start: u64, end: Option<u64>) -> EngineResult<Vec<LogEntry>> {
        let size = u64::try_from(self.db().log_size().await?).unwrap_or(0);
        let end = end.unwrap_or(size).min(size).min(start.saturating_add(MAX_ENTRIES));
        if start >= end {
            return Ok(Vec::new());
        }
        let as_i64 = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        Ok(self.db().log_entries(as_i64(start), as_i64(end)).await?)
    }
}
