//! The candidate pool (spec §1): validation, canonical order and the pool's hashes.
//!
//! Ids live in one contiguous buffer in canonical order rather than as one `String` each:
//! hashing a pool of 10^7 then reads memory front to back instead of chasing 10^7 pointers,
//! which is what makes large pools fast (see `canonical.rs` for the sort).

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::canonical;
use super::hash::{self, Hash32};
use super::merkle::{self, InclusionProof};

/// Weights and their sum must stay below 2^63 (spec §1).
pub const MAX_WEIGHT_EXCLUSIVE: u64 = 1 << 63;

/// One entry of a pool: a public id and how many chances it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub id: String,
    pub weight: u64,
}

impl Candidate {
    pub fn new(id: impl Into<String>, weight: u64) -> Self {
        Candidate { id: id.into(), weight }
    }
}

/// A candidate borrowed from a [`Pool`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CandidateRef<'a> {
    pub id: &'a str,
    pub weight: u64,
}

/// Why a list of candidates is not a valid pool. `index` is the position in the input
/// (the order of [`PoolBuilder::push`] or of the list given to [`Pool::new`]), so callers
/// can point at the offending input line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PoolError {
    #[error("candidate {index}: the id is empty")]
    EmptyId { index: usize },
    #[error("candidate {index}: the id is {len} bytes long, more than 2^32 - 1")]
    IdTooLong { index: usize, len: usize },
    #[error("candidate {index} ({id:?}): the weight is 0, it must be at least 1")]
    ZeroWeight { index: usize, id: String },
    #[error("candidate {index} ({id:?}): the weight {weight} is not below 2^63")]
    WeightTooLarge { index: usize, id: String, weight: u64 },
    #[error("candidate {index} ({id:?}): the total weight reaches 2^63")]
    TotalTooLarge { index: usize, id: String },
    #[error("candidates {first} and {second} have the same id {id:?}")]
    DuplicateId { id: String, first: usize, second: usize },
}

/// Ids packed end to end, with their weights, in some order. `bytes` is a concatenation of
/// `&str`s, and every span starts and ends where one did, so each span is valid UTF-8.
#[derive(Debug, Clone, Default)]
pub(crate) struct Packed {
    pub(crate) bytes: Vec<u8>,
    /// `ends[i]` is where id `i` stops in `bytes`; it starts where id `i - 1` stops.
    pub(crate) ends: Vec<usize>,
    pub(crate) weights: Vec<u64>,
}

impl Packed {
    pub(crate) fn with_capacity(candidates: usize, id_bytes: usize) -> Self {
        Packed {
            bytes: Vec::with_capacity(id_bytes),
            ends: Vec::with_capacity(candidates),
            weights: Vec::with_capacity(candidates),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    pub(crate) fn span(&self, i: usize) -> (usize, usize) {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        (start, self.ends[i])
    }

    pub(crate) fn id_bytes(&self, i: usize) -> &[u8] {
        let (start, end) = self.span(i);
        &self.bytes[start..end]
    }

    pub(crate) fn id(&self, i: usize) -> &str {
        // Spans are whole pushed `&str`s (see above), so this never falls back.
        std::str::from_utf8(self.id_bytes(i)).unwrap_or_default()
    }

    pub(crate) fn push(&mut self, id: &str, weight: u64) {
        self.bytes.extend_from_slice(id.as_bytes());
        self.ends.push(self.bytes.len());
        self.weights.push(weight);
    }
}

/// Collects candidates one at a time without an allocation per id (for streaming a large
/// file or query result), checking each as it comes.
#[derive(Debug, Clone, Default)]
pub struct PoolBuilder {
    packed: Packed,
    total: u64,
}

impl PoolBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Room for `candidates` ids of `id_bytes` bytes in all.
    pub fn with_capacity(candidates: usize, id_bytes: usize) -> Self {
        PoolBuilder {
            packed: Packed::with_capacity(candidates, id_bytes),
            total: 0,
        }
    }

    /// Number of candidates pushed so far (the `index` the next error would carry).
    pub fn len(&self) -> usize {
        self.packed.len()
    }

    pub fn is_empty(&self) -> bool {
        self.packed.len() == 0
    }

    /// Total weight pushed so far.
    pub fn total_weight(&self) -> u64 {
        self.total
    }

    /// Adds a candidate, rejecting an empty id, a weight outside `1..2^63` or a total
    /// reaching 2^63. Duplicates are found by [`PoolBuilder::build`].
    pub fn push(&mut self, id: &str, weight: u64) -> Result<(), PoolError> {
        let index = self.packed.len();
        if id.is_empty() {
            return Err(PoolError::EmptyId { index });
        }
        if u32::try_from(id.len()).is_err() {
            return Err(PoolError::IdTooLong { index, len: id.len() });
        }
        if weight == 0 {
            return Err(PoolError::ZeroWeight {
                index,
                id: id.to_owned(),
            });
        }
        if weight >= MAX_WEIGHT_EXCLUSIVE {
            return Err(PoolError::WeightTooLarge {
                index,
                id: id.to_owned(),
                weight,
            });
        }
        // Both operands are below 2^63, so the sum cannot overflow u64.
        let total = self.total + weight;
        if total >= MAX_WEIGHT_EXCLUSIVE {
            return Err(PoolError::TotalTooLarge {
                index,
                id: id.to_owned(),
            });
        }
        self.total = total;
        self.packed.push(id, weight);
        Ok(())
    }

    /// Puts the candidates in canonical order, rejecting duplicate ids.
    pub fn build(self) -> Result<Pool, PoolError> {
        let packed = canonical::canonicalize(self.packed).map_err(|(first, second, id)| PoolError::DuplicateId {
            id,
            first,
            second,
        })?;
        Ok(Pool {
            packed,
            total_weight: self.total,
            root: OnceLock::new(),
        })
    }
}

/// A validated pool in canonical order (ids sorted bytewise). Only [`Pool::new`] and
/// [`PoolBuilder::build`] make one, so everything downstream can rely on unique non-empty
/// ids and a total weight below 2^63.
#[derive(Debug, Clone)]
pub struct Pool {
    packed: Packed,
    total_weight: u64,
    // Hashing a large pool is the costliest step of a draw; do it at most once per pool.
    root: OnceLock<Hash32>,
}

impl Pool {
    /// Validates `candidates` (any order) and puts them in canonical order.
    pub fn new(candidates: Vec<Candidate>) -> Result<Pool, PoolError> {
        let bytes = candidates.iter().map(|c| c.id.len()).sum();
        let mut builder = PoolBuilder::with_capacity(candidates.len(), bytes);
        for c in &candidates {
            builder.push(&c.id, c.weight)?;
        }
        drop(candidates);
        builder.build()
    }

    pub fn len(&self) -> usize {
        self.packed.len()
    }

    pub fn is_empty(&self) -> bool {
        self.packed.len() == 0
    }

    /// `n` as the protocol hashes it.
    pub fn size(&self) -> u64 {
        self.packed.len() as u64
    }

    pub fn total_weight(&self) -> u64 {
        self.total_weight
    }

    /// The id at canonical index `i`. Panics if `i >= len()`, like slice indexing.
    pub fn id(&self, i: usize) -> &str {
        self.packed.id(i)
    }

    /// The candidate at canonical index `i`, if any.
    pub fn get(&self, i: usize) -> Option<CandidateRef<'_>> {
        (i < self.len()).then(|| CandidateRef {
            id: self.packed.id(i),
            weight: self.packed.weights[i],
        })
    }

    /// The weights in canonical order.
    pub fn weights(&self) -> &[u64] {
        &self.packed.weights
    }

    /// The candidates in canonical order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = CandidateRef<'_>> + '_ {
        (0..self.len()).map(|i| CandidateRef {
            id: self.packed.id(i),
            weight: self.packed.weights[i],
        })
    }

    /// Owned copies of the candidates, in canonical order.
    pub fn to_candidates(&self) -> Vec<Candidate> {
        self.iter().map(|c| Candidate::new(c.id, c.weight)).collect()
    }

    /// Canonical index of `id`, if present.
    pub fn position(&self, id: &str) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.packed.id_bytes(mid).cmp(id.as_bytes()) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    /// RFC 6962 Merkle Tree Hash over the leaves (computed once, then cached).
    pub fn root(&self) -> Hash32 {
        *self.root.get_or_init(|| merkle::root(&self.packed))
    }

    /// `pool_hash` of spec §1.
    pub fn hash(&self) -> Hash32 {
        hash::pool_hash(self.size(), self.total_weight, &self.root())
    }

    /// The inclusion proof of `id` (spec §1), or `None` if it is not in the pool.
    /// Costs one pass over the pool, with O(log n) memory.
    pub fn proof(&self, id: &str) -> Option<InclusionProof> {
        let index = self.position(id)?;
        Some(InclusionProof {
            id: id.to_owned(),
            weight: self.packed.weights[index],
            index: index as u64,
            pool_size: self.size(),
            total_weight: self.total_weight,
            pool_root: self.root(),
            path: merkle::audit_path(&self.packed, index),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(id: &str, weight: u64) -> Candidate {
        Candidate::new(id, weight)
    }

    fn ids(pool: &Pool) -> Vec<&str> {
        pool.iter().map(|c| c.id).collect()
    }

    #[test]
    fn sorts_bytewise() {
        let pool = Pool::new(vec![c("zoë", 2), c("Zoe", 2), c("日本", 1), c("émile", 4)]).unwrap();
        assert_eq!(ids(&pool), ["Zoe", "zoë", "émile", "日本"]);
        assert_eq!(pool.weights(), [2, 2, 4, 1]);
        assert_eq!(pool.total_weight(), 9);
        assert_eq!(pool.position("émile"), Some(2));
        assert_eq!(pool.position("emile"), None);
        assert_eq!(
            pool.get(3),
            Some(CandidateRef {
                id: "日本", weight: 1
            })
        );
        assert_eq!(pool.get(4), None);
        assert_eq!(pool.to_candidates()[0], c("Zoe", 2));
    }

    #[test]
    fn rejects_bad_candidates() {
        assert_eq!(
            Pool::new(vec![c("a", 1), c("", 1)]).unwrap_err(),
            PoolError::EmptyId { index: 1 }
        );
        assert!(matches!(
            Pool::new(vec![c("a", 0)]),
            Err(PoolError::ZeroWeight { index: 0, .. })
        ));
        assert!(matches!(
            Pool::new(vec![c("a", 1), c("b", 1 << 63)]),
            Err(PoolError::WeightTooLarge { index: 1, .. })
        ));
        assert!(matches!(
            Pool::new(vec![c("a", 1 << 62), c("b", 1 << 62)]),
            Err(PoolError::TotalTooLarge { index: 1, .. })
        ));
        assert!(Pool::new(vec![c("a", (1 << 62) - 1), c("b", 1 << 62)]).is_ok());
        assert_eq!(
            Pool::new(vec![c("b", 1), c("a", 1), c("b", 2)]).unwrap_err(),
            PoolError::DuplicateId {
                id: "b".into(),
                first: 0,
                second: 2
            }
        );
        // Already sorted input takes the fast path; duplicates are still found.
        assert_eq!(
            Pool::new(vec![c("a", 1), c("b", 1), c("b", 2)]).unwrap_err(),
            PoolError::DuplicateId {
                id: "b".into(),
                first: 1,
                second: 2
            }
        );
    }

    #[test]
    fn builder_reports_the_push_index() {
        let mut b = PoolBuilder::new();
        b.push("x", 3).unwrap();
        assert_eq!(
            b.push("y", 0),
            Err(PoolError::ZeroWeight {
                index: 1,
                id: "y".into()
            })
        );
        // A rejected push leaves the builder as it was.
        b.push("y", 2).unwrap();
        assert_eq!((b.len(), b.total_weight()), (2, 5));
        let pool = b.build().unwrap();
        assert_eq!(ids(&pool), ["x", "y"]);
    }

    #[test]
    fn empty_pool_is_valid() {
        let pool = Pool::new(Vec::new()).unwrap();
        assert!(pool.is_empty());
        assert_eq!(pool.total_weight(), 0);
        assert!(pool.proof("a").is_none());
        assert_eq!(pool.position(""), None);
    }
}
