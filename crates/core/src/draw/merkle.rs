//! RFC 6962 Merkle tree over the pool's leaves (spec §1): root, audit paths and their check.
//!
//! Hashing dominates the cost of a draw on a large pool (three SHA-256 compressions per
//! candidate), so leaves and nodes are padded by hand on the stack and fed straight to the
//! compression function: no allocation and no buffering per leaf.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::hash::{self, Hash32};
use super::par::{PARALLEL_MIN, join};
use super::pool::{Candidate, Packed};

const IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

fn digest_of(state: [u32; 8]) -> Hash32 {
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    Hash32(out)
}

/// `H(0x01 || left || right)`: 65 bytes, so always two blocks.
pub(crate) fn node_hash(left: &Hash32, right: &Hash32) -> Hash32 {
    let mut blocks = [[0u8; 64]; 2];
    blocks[0][0] = 0x01;
    blocks[0][1..33].copy_from_slice(&left.0);
    blocks[0][33..].copy_from_slice(&right.0[..31]);
    blocks[1][0] = right.0[31];
    blocks[1][1] = 0x80;
    blocks[1][56..].copy_from_slice(&(65u64 * 8).to_be_bytes());
    let mut state = IV;
    sha2::block_api::compress256(&mut state, &blocks);
    digest_of(state)
}

/// Leaf bytes that fit two blocks with their padding are hashed from the stack.
const MAX_STACK_LEAF: usize = 2 * 64 - 9;

/// `H(0x00 || u32be(len(id)) || id || u64be(weight))`.
pub(crate) fn leaf_hash(id: &str, weight: u64) -> Hash32 {
    leaf_hash_bytes(id.as_bytes(), weight)
}

fn leaf_hash_bytes(id: &[u8], weight: u64) -> Hash32 {
    // Pool::new guarantees the id length fits u32.
    let id_len = u32::try_from(id.len()).unwrap_or(u32::MAX);
    let len = 1 + 4 + id.len() + 8;
    if len > MAX_STACK_LEAF {
        let mut h = Sha256::new();
        h.update([0x00]);
        h.update(id_len.to_be_bytes());
        h.update(id);
        h.update(weight.to_be_bytes());
        return hash::finish(h);
    }
    let mut buf = [0u8; 128];
    buf[0] = 0x00;
    buf[1..5].copy_from_slice(&id_len.to_be_bytes());
    buf[5..5 + id.len()].copy_from_slice(id);
    buf[5 + id.len()..len].copy_from_slice(&weight.to_be_bytes());
    buf[len] = 0x80;
    let blocks = if len + 9 <= 64 { 1 } else { 2 };
    let end = blocks * 64;
    buf[end - 8..end].copy_from_slice(&(len as u64 * 8).to_be_bytes());
    let (chunks, _) = buf[..end].as_chunks::<64>();
    let mut state = IV;
    sha2::block_api::compress256(&mut state, chunks);
    digest_of(state)
}

/// Anything that lists leaves in order: a packed pool, or a plain slice of candidates.
pub(crate) trait Leaves: Sync {
    fn count(&self) -> usize;
    fn leaf(&self, i: usize) -> Hash32;
}

impl Leaves for Packed {
    fn count(&self) -> usize {
        self.len()
    }
    fn leaf(&self, i: usize) -> Hash32 {
        leaf_hash_bytes(self.id_bytes(i), self.weights[i])
    }
}

impl Leaves for [Candidate] {
    fn count(&self) -> usize {
        self.len()
    }
    fn leaf(&self, i: usize) -> Hash32 {
        leaf_hash(&self[i].id, self[i].weight)
    }
}

/// `MTH({}) = H("")`.
fn empty_root() -> Hash32 {
    Hash32(Sha256::digest(b"").into())
}

/// RFC 6962 Merkle Tree Hash of `leaves` in the order given (for a pool, use
/// [`crate::draw::Pool::root`], which hashes the canonical order once and caches it).
pub fn merkle_root(leaves: &[Candidate]) -> Hash32 {
    root(leaves)
}

pub(crate) fn root<L: Leaves + ?Sized>(leaves: &L) -> Hash32 {
    root_of_range(leaves, 0, leaves.count())
}

/// The roots of complete subtrees, built left to right: pushing the root of a complete
/// subtree of 2^h leaves merges it with its left neighbours of equal height, so the stack
/// always holds one subtree per set bit of the leaf count so far (O(log n) memory).
struct Frontier {
    stack: Vec<(Hash32, u32)>,
}

impl Frontier {
    fn new() -> Self {
        Frontier {
            stack: Vec::with_capacity(64),
        }
    }

    fn push(&mut self, mut node: Hash32, mut height: u32) {
        while let Some(&(left, h)) = self.stack.last() {
            if h != height {
                break;
            }
            self.stack.pop();
            node = node_hash(&left, &node);
            height += 1;
        }
        self.stack.push((node, height));
    }

    /// The leftover subtrees shrink from left to right, which is exactly RFC 6962's split
    /// at the largest power of two below n, applied again on the right.
    fn finish(mut self) -> Hash32 {
        let Some((mut acc, _)) = self.stack.pop() else {
            return empty_root();
        };
        while let Some((left, _)) = self.stack.pop() {
            acc = node_hash(&left, &acc);
        }
        acc
    }
}

/// Leaves per chunk hashed as one unit by a thread.
const CHUNK_HEIGHT: u32 = 16;

/// Merkle Tree Hash of leaves `lo..hi` (a tree of its own, as RFC 6962 subtrees are).
/// Large ranges are cut into complete subtrees of 2^16 leaves, hashed half on a helper
/// thread, then combined with the remaining leaves.
fn root_of_range<L: Leaves + ?Sized>(leaves: &L, lo: usize, hi: usize) -> Hash32 {
    let mut frontier = Frontier::new();
    let mut tail = lo;
    if hi - lo >= PARALLEL_MIN {
        let chunk = 1usize << CHUNK_HEIGHT;
        let chunks = (hi - lo) / chunk;
        let mid = lo + chunks / 2 * chunk;
        tail = lo + chunks * chunk;
        let roots_of = |from: usize, to: usize| -> Vec<Hash32> {
            (from..to)
                .step_by(chunk)
                .map(|start| root_of_range(leaves, start, start + chunk))
                .collect()
        };
        let (left, right) = join(|| roots_of(lo, mid), || roots_of(mid, tail));
        for r in left.into_iter().chain(right) {
            frontier.push(r, CHUNK_HEIGHT);
        }
    }
    for i in tail..hi {
        frontier.push(leaves.leaf(i), 0);
    }
    frontier.finish()
}

/// Largest power of two strictly below `n` (n >= 2).
fn split_point(n: usize) -> usize {
    debug_assert!(n >= 2);
    1 << (usize::BITS - 1 - (n - 1).leading_zeros())
}

/// RFC 6962 `PATH(m, D[n])`, ordered from the leaf up. Each leaf is hashed once.
pub(crate) fn audit_path<L: Leaves + ?Sized>(leaves: &L, index: usize) -> Vec<Hash32> {
    let mut path = Vec::new();
    collect_path(leaves, 0, leaves.count(), index, &mut path);
    path
}

fn collect_path<L: Leaves + ?Sized>(leaves: &L, lo: usize, hi: usize, m: usize, out: &mut Vec<Hash32>) {
    let n = hi - lo;
    if n <= 1 {
        return;
    }
    let k = split_point(n);
    if m < k {
        collect_path(leaves, lo, lo + k, m, out);
        out.push(root_of_range(leaves, lo + k, hi));
    } else {
        collect_path(leaves, lo + k, hi, m - k, out);
        out.push(root_of_range(leaves, lo, lo + k));
    }
}

/// Proof that `(id, weight)` is leaf `index` of a pool with `pool_size` leaves and root
/// `pool_root` (spec §1). It reveals no other id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InclusionProof {
    pub id: String,
    pub weight: u64,
    pub index: u64,
    pub pool_size: u64,
    pub total_weight: u64,
    pub pool_root: Hash32,
    /// Sibling hashes from the leaf up to the root.
    pub path: Vec<Hash32>,
}

impl InclusionProof {
    /// The `pool_hash` this proof claims, to compare with the one on a certificate.
    pub fn pool_hash(&self) -> Hash32 {
        hash::pool_hash(self.pool_size, self.total_weight, &self.pool_root)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    #[error("leaf index {index} is outside a pool of {pool_size}")]
    IndexOutOfRange { index: u64, pool_size: u64 },
    #[error("the audit path has the wrong length for leaf {index} of {pool_size}")]
    BadPathLength { index: u64, pool_size: u64 },
    #[error("the audit path leads to {computed}, not to the pool root {pool_root}")]
    RootMismatch { computed: Hash32, pool_root: Hash32 },
    #[error("the proof's pool hash is {computed}, not the expected {expected}")]
    PoolHashMismatch { computed: Hash32, expected: Hash32 },
}

/// Checks `proof` against a published `pool_hash` (from a certificate or the API): the audit
/// path must lead to `pool_root`, and `(pool_size, total_weight, pool_root)` must hash to it.
pub fn verify_proof(proof: &InclusionProof, pool_hash: &Hash32) -> Result<(), ProofError> {
    let computed = root_from_path(proof)?;
    if computed != proof.pool_root {
        return Err(ProofError::RootMismatch {
            computed,
            pool_root: proof.pool_root,
        });
    }
    let claimed = proof.pool_hash();
    if claimed != *pool_hash {
        return Err(ProofError::PoolHashMismatch {
            computed: claimed,
            expected: *pool_hash,
        });
    }
    Ok(())
}

/// The root implied by the proof's leaf and path (RFC 9162 §2.1.3.2).
pub fn root_from_path(proof: &InclusionProof) -> Result<Hash32, ProofError> {
    let (index, pool_size) = (proof.index, proof.pool_size);
    if index >= pool_size {
        return Err(ProofError::IndexOutOfRange { index, pool_size });
    }
    let bad_length = ProofError::BadPathLength { index, pool_size };
    let (mut fnode, mut snode) = (index, pool_size - 1);
    let mut r = leaf_hash(&proof.id, proof.weight);
    for p in &proof.path {
        if snode == 0 {
            return Err(bad_length);
        }
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(bad_length);
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn h(parts: &[&[u8]]) -> Hash32 {
        let mut hasher = Sha256::new();
        for p in parts {
            hasher.update(p);
        }
        Hash32(hasher.finalize().into())
    }

    /// The spec's recursive definition, with the plain hasher.
    fn reference_mth(leaves: &[Candidate]) -> Hash32 {
        match leaves {
            [] => h(&[]),
            [c] => h(&[
                &[0],
                &(c.id.len() as u32).to_be_bytes(),
                c.id.as_bytes(),
                &c.weight.to_be_bytes(),
            ]),
            _ => {
                let k = split_point(leaves.len());
                let (l, r) = (reference_mth(&leaves[..k]), reference_mth(&leaves[k..]));
                h(&[&[1], &l.0, &r.0])
            }
        }
    }

    fn leaves(n: usize, id_len: usize) -> Vec<Candidate> {
        (0..n)
            .map(|i| Candidate::new(format!("{i:0id_len$}"), i as u64 + 1))
            .collect()
    }

    #[test]
    fn split_point_is_largest_power_below() {
        assert_eq!(split_point(2), 1);
        assert_eq!(split_point(3), 2);
        assert_eq!(split_point(4), 2);
        assert_eq!(split_point(5), 4);
        assert_eq!(split_point(1 << 20), 1 << 19);
    }

    #[test]
    fn leaf_hash_matches_plain_sha256_at_every_block_boundary() {
        for id_len in 1..200 {
            let c = &leaves(1, id_len)[0];
            assert_eq!(
                leaf_hash(&c.id, c.weight),
                reference_mth(std::slice::from_ref(c)),
                "id_len {id_len}"
            );
        }
    }

    #[test]
    fn root_matches_recursive_definition() {
        for n in 0..70 {
            let l = leaves(n, 3);
            assert_eq!(root(l.as_slice()), reference_mth(&l), "n = {n}");
        }
    }

    #[test]
    fn proofs_verify_for_every_leaf_and_fail_when_tampered() {
        for n in 1..40 {
            let l = leaves(n, 2);
            let pool_root = root(l.as_slice());
            let total: u64 = l.iter().map(|c| c.weight).sum();
            let ph = hash::pool_hash(n as u64, total, &pool_root);
            for (i, c) in l.iter().enumerate() {
                let proof = InclusionProof {
                    id: c.id.clone(),
                    weight: c.weight,
                    index: i as u64,
                    pool_size: n as u64,
                    total_weight: total,
                    pool_root,
                    path: audit_path(l.as_slice(), i),
                };
                assert_eq!(verify_proof(&proof, &ph), Ok(()), "n {n} i {i}");

                let mut bad = proof.clone();
                bad.weight += 1;
                assert!(matches!(verify_proof(&bad, &ph), Err(ProofError::RootMismatch { .. })));
                if n > 1 {
                    let mut bad = proof.clone();
                    bad.index = (bad.index + 1) % n as u64;
                    assert!(verify_proof(&bad, &ph).is_err());
                    let mut bad = proof.clone();
                    bad.path.pop();
                    assert!(verify_proof(&bad, &ph).is_err());
                }
                let mut bad = proof.clone();
                bad.path.push(pool_root);
                assert!(verify_proof(&bad, &ph).is_err());
                let mut bad = proof.clone();
                bad.total_weight += 1;
                assert!(matches!(
                    verify_proof(&bad, &ph),
                    Err(ProofError::PoolHashMismatch { .. })
                ));
            }
        }
    }

    #[test]
    fn parallel_root_and_paths_match_the_definition() {
        let n = PARALLEL_MIN + 3 * (1 << CHUNK_HEIGHT) + 12_345;
        let l = leaves(n, 7);
        let expect = reference_mth(&l);
        assert_eq!(root(l.as_slice()), expect);
        let total: u64 = l.iter().map(|c| c.weight).sum();
        let ph = hash::pool_hash(n as u64, total, &expect);
        for i in [0, 1, n / 2, PARALLEL_MIN, n - 2, n - 1] {
            let proof = InclusionProof {
                id: l[i].id.clone(),
                weight: l[i].weight,
                index: i as u64,
                pool_size: n as u64,
                total_weight: total,
                pool_root: expect,
                path: audit_path(l.as_slice(), i),
            };
            assert_eq!(verify_proof(&proof, &ph), Ok(()), "leaf {i}");
        }
    }

    proptest! {
        #[test]
        fn root_matches_reference_for_random_ids(ids in proptest::collection::vec(".{1,80}", 0..40)) {
            let l: Vec<_> = ids.into_iter().enumerate().map(|(i, id)| Candidate::new(id, i as u64 + 1)).collect();
            prop_assert_eq!(root(l.as_slice()), reference_mth(&l));
        }
    }
}
