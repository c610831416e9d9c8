//! The transparency log: an append-only Merkle tree of every draw the instance signs, in the
//! structure of RFC 9162 (Certificate Transparency 2.0) §2.1, so that a draw made and then
//! hidden, or a log rewritten after the fact, can be caught by anyone who kept an older tree
//! head.
//!
//! - Leaf data: the 32 raw bytes of a certificate's `result_hash`.
//! - Leaf hash: `SHA-256(0x00 ‖ data)`; interior node: `SHA-256(0x01 ‖ left ‖ right)`; the empty
//!   tree's root is `SHA-256("")`.
//! - Inclusion and consistency proofs are RFC 9162's `PATH` and `PROOF` (§2.1.3, §2.1.4), lists
//!   of node hashes; their checks are the RFC's verification algorithms.
//! - A tree head (`tree_size`, `root_hash`, `timestamp` in Unix milliseconds) is signed with the
//!   instance's draw-signing key (Ed25519) over [`TreeHead::message`].
//!
//! Pure functions over a slice of leaf hashes: the store keeps the leaves, the engine signs.

use crate::draw::{Hash32, PublicKey, ServerKey, Signature, verify_signature};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// `SHA-256(0x00 ‖ data)`: the hash of one leaf (a draw's result hash).
pub fn leaf_hash(data: &Hash32) -> Hash32 {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(data.0);
    Hash32(h.finalize().into())
}

/// `SHA-256(0x01 ‖ left ‖ right)`.
pub fn node_hash(left: &Hash32, right: &Hash32) -> Hash32 {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left.0);
    h.update(right.0);
    Hash32(h.finalize().into())
}

/// The largest power of two smaller than `n` (n ≥ 2): where RFC 9162 splits a tree.
fn split(n: usize) -> usize {
    debug_assert!(n >= 2);
    let mut k = 1;
    while k << 1 < n {
        k <<= 1;
    }
    k
}

/// `MTH(D[n])` over leaf hashes (RFC 9162 §2.1.1).
pub fn root(leaves: &[Hash32]) -> Hash32 {
    match leaves.len() {
        0 => Hash32(Sha256::digest([]).into()),
        1 => leaves[0],
        n => {
            let k = split(n);
            node_hash(&root(&leaves[..k]), &root(&leaves[k..]))
        }
    }
}

/// `PATH(m, D[n])`: the inclusion proof of leaf `index` in the tree of `leaves`
/// (RFC 9162 §2.1.3.1). `None` when `index` is not in the tree.
pub fn inclusion_proof(leaves: &[Hash32], index: usize) -> Option<Vec<Hash32>> {
    if index >= leaves.len() {
        return None;
    }
    let mut out = Vec::new();
    path(leaves, index, &mut out);
    Some(out)
}

fn path(leaves: &[Hash32], m: usize, out: &mut Vec<Hash32>) {
    let n = leaves.len();
    if n <= 1 {
        return;
    }
    let k = split(n);
    if m < k {
        path(&leaves[..k], m, out);
        out.push(root(&leaves[k..]));
    } else {
        path(&leaves[k..], m - k, out);
        out.push(root(&leaves[..k]));
    }
}

/// Checks that `leaf` is at `index` of the tree of `tree_size` leaves whose root is `root`
/// (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(leaf: &Hash32, index: u64, tree_size: u64, proof: &[Hash32], root: &Hash32) -> bool {
    if index >= tree_size {
        return false;
    }
    let (mut fn_, mut sn) = (index, tree_size - 1);
    let mut r = *leaf;
    for p in proof {
        if sn == 0 {
            return false;
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash(p, &r);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    sn == 0 && r == *root
}

/// `PROOF(m, D[n])`: proves that the tree of the first `first` leaves is a prefix of the tree of
/// all `leaves` (RFC 9162 §2.1.4.1). `None` unless `0 < first ≤ leaves.len()`.
pub fn consistency_proof(leaves: &[Hash32], first: usize) -> Option<Vec<Hash32>> {
    if first == 0 || first > leaves.len() {
        return None;
    }
    let mut out = Vec::new();
    subproof(first, leaves, true, &mut out);
    Some(out)
}

fn subproof(m: usize, leaves: &[Hash32], complete: bool, out: &mut Vec<Hash32>) {
    let n = leaves.len();
    if m == n {
        if !complete {
            out.push(root(leaves));
        }
        return;
    }
    let k = split(n);
    if m <= k {
        subproof(m, &leaves[..k], complete, out);
        out.push(root(&leaves[k..]));
    } else {
        subproof(m - k, &leaves[k..], false, out);
        out.push(root(&leaves[..k]));
    }
}

/// Checks a consistency proof between the tree heads `(first, first_root)` and
/// `(second, second_root)` (RFC 9162 §2.1.4.2). Equal sizes need an empty proof and equal roots.
pub fn verify_consistency(
    first: u64,
    second: u64,
    first_root: &Hash32,
    second_root: &Hash32,
    proof: &[Hash32],
) -> bool {
    if first == 0 || first > second {
        return false;
    }
    if first == second {
        return proof.is_empty() && first_root == second_root;
    }
    // When the first tree is a complete subtree, its root starts the walk.
    let mut path: Vec<Hash32> = Vec::with_capacity(proof.len() + 1);
    if first.is_power_of_two() {
        path.push(*first_root);
    }
    path.extend_from_slice(proof);
    let Some((&start, rest)) = path.split_first() else {
        return false;
    };
    let (mut fn_, mut sn) = (first - 1, second - 1);
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    let (mut fr, mut sr) = (start, start);
    for c in rest {
        if sn == 0 {
            return false;
        }
        if fn_ & 1 == 1 || fn_ == sn {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    sn == 0 && fr == *first_root && sr == *second_root
}

/// What a signed tree head says.
pub const TREE_HEAD_DOMAIN: &[u8] = b"fairdraw-tree-head-v1";

/// A signed statement of the log's size and root at a moment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TreeHead {
    pub tree_size: u64,
    pub root_hash: Hash32,
    /// Unix milliseconds.
    pub timestamp: i64,
    /// Ed25519 over [`TreeHead::message`].
    pub signature: Signature,
    pub public_key: PublicKey,
}

impl TreeHead {
    /// `SHA-256("fairdraw-tree-head-v1" ‖ tree_size as 8 bytes big-endian ‖ timestamp as 8 bytes
    /// big-endian ‖ root_hash)`: the 32 bytes the signature covers.
    pub fn message(tree_size: u64, timestamp: i64, root_hash: &Hash32) -> Hash32 {
        let mut h = Sha256::new();
        h.update(TREE_HEAD_DOMAIN);
        h.update(tree_size.to_be_bytes());
        h.update(timestamp.to_be_bytes());
        h.update(root_hash.0);
        Hash32(h.finalize().into())
    }

    /// Signs the head of the tree of `leaves` at `timestamp`.
    pub fn sign(leaves: &[Hash32], timestamp: i64, key: &ServerKey) -> TreeHead {
        let root_hash = root(leaves);
        let tree_size = leaves.len() as u64;
        TreeHead {
            tree_size,
            root_hash,
            timestamp,
            signature: key.sign(&Self::message(tree_size, timestamp, &root_hash)),
            public_key: key.public_key(),
        }
    }

    /// Whether the signature is the key's over this head.
    pub fn signature_ok(&self) -> bool {
        let message = Self::message(self.tree_size, self.timestamp, &self.root_hash);
        verify_signature(&self.public_key, &message, &self.signature).is_ok()
    }
}

/// Where a certificate stands in the log, as the certificate carries it (`log`): its position,
/// the signed head of the log it is proved against, and the inclusion proof.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogInclusion {
    pub log_index: u64,
    pub tree_size: u64,
    pub root_hash: Hash32,
    /// The tree head's time, Unix milliseconds.
    pub timestamp: i64,
    /// The tree head's signature, by the certificate's `public_key`.
    pub signature: Signature,
    pub inclusion_proof: Vec<Hash32>,
}

/// Why a certificate's `log` does not check out.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LogError {
    #[error("the tree head's signature is not the certificate key's")]
    BadSignature,
    #[error("the inclusion proof does not lead from the result hash to the tree head's root")]
    NotIncluded,
}

impl LogInclusion {
    /// The proof for leaf `index` of `leaves` against a head of the whole tree signed at
    /// `timestamp`.
    pub fn prove(leaves: &[Hash32], index: usize, timestamp: i64, key: &ServerKey) -> Option<LogInclusion> {
        let inclusion_proof = inclusion_proof(leaves, index)?;
        let head = TreeHead::sign(leaves, timestamp, key);
        Some(LogInclusion {
            log_index: index as u64,
            tree_size: head.tree_size,
            root_hash: head.root_hash,
            timestamp,
            signature: head.signature,
            inclusion_proof,
        })
    }

    /// The signed tree head this proof is against.
    pub fn tree_head(&self, public_key: PublicKey) -> TreeHead {
        TreeHead {
            tree_size: self.tree_size,
            root_hash: self.root_hash,
            timestamp: self.timestamp,
            signature: self.signature,
            public_key,
        }
    }

    /// Checks that the draw with `result_hash` is in the log under a head signed by `public_key`.
    pub fn check(&self, result_hash: &Hash32, public_key: PublicKey) -> Result<(), LogError> {
        if !self.tree_head(public_key).signature_ok() {
            return Err(LogError::BadSignature);
        }
        let leaf = leaf_hash(result_hash);
        if verify_inclusion(
            &leaf,
            self.log_index,
            self.tree_size,
            &self.inclusion_proof,
            &self.root_hash,
        ) {
            Ok(())
        } else {
            Err(LogError::NotIncluded)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn leaves(n: usize) -> Vec<Hash32> {
        (0..n)
            .map(|i| leaf_hash(&Hash32(Sha256::digest((i as u64).to_be_bytes()).into())))
            .collect()
    }

    #[test]
    fn roots_follow_rfc_9162() {
        assert_eq!(
            root(&[]).to_hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let l = leaves(3);
        assert_eq!(root(&l[..1]), l[0]);
        assert_eq!(root(&l), node_hash(&node_hash(&l[0], &l[1]), &l[2]));
        // The leaf hash is domain-separated from a node.
        let data = Hash32([7; 32]);
        let mut expected = vec![0u8];
        expected.extend_from_slice(&[7; 32]);
        assert_eq!(leaf_hash(&data).0, <[u8; 32]>::from(Sha256::digest(&expected)));
    }

    /// The roots of Certificate Transparency's reference test tree (eight leaves of raw data,
    /// hashed as RFC 6962/9162 leaves), for every size.
    #[test]
    fn roots_match_the_certificate_transparency_test_vectors() {
        let data = [
            "",
            "00",
            "10",
            "2021",
            "3031",
            "40414243",
            "5051525354555657",
            "606162636465666768696a6b6c6d6e6f",
        ];
        let hashes: Vec<Hash32> = data
            .iter()
            .map(|d| {
                let mut h = Sha256::new();
                h.update([0u8]);
                h.update(hex::decode(d).unwrap());
                Hash32(h.finalize().into())
            })
            .collect();
        let roots = [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
        ];
        for (n, expected) in roots.iter().enumerate() {
            assert_eq!(root(&hashes[..=n]).to_hex(), *expected, "size {}", n + 1);
        }
    }

    #[test]
    fn every_leaf_of_every_small_tree_is_proved() {
        for n in 1..=40 {
            let l = leaves(n);
            let r = root(&l);
            for i in 0..n {
                let p = inclusion_proof(&l, i).unwrap();
                assert!(verify_inclusion(&l[i], i as u64, n as u64, &p, &r), "n={n} i={i}");
                // The same proof does not prove another position or another leaf.
                if n > 1 {
                    assert!(!verify_inclusion(&l[(i + 1) % n], i as u64, n as u64, &p, &r));
                }
            }
            assert!(inclusion_proof(&l, n).is_none());
        }
    }

    #[test]
    fn every_prefix_of_every_small_tree_is_consistent() {
        for n in 1..=40 {
            let l = leaves(n);
            for m in 1..=n {
                let p = consistency_proof(&l, m).unwrap();
                assert!(
                    verify_consistency(m as u64, n as u64, &root(&l[..m]), &root(&l), &p),
                    "m={m} n={n}"
                );
            }
            assert!(consistency_proof(&l, 0).is_none());
        }
    }

    #[test]
    fn a_rewritten_history_is_not_consistent() {
        let l = leaves(13);
        let old_root = root(&l[..6]);
        let mut rewritten = l.clone();
        rewritten[3] = leaf_hash(&Hash32([9; 32]));
        let p = consistency_proof(&rewritten, 6).unwrap();
        assert!(!verify_consistency(6, 13, &old_root, &root(&rewritten), &p));
        // Nor is a proof for the genuine log accepted against the rewritten root.
        let genuine = consistency_proof(&l, 6).unwrap();
        assert!(!verify_consistency(6, 13, &old_root, &root(&rewritten), &genuine));
    }

    #[test]
    fn tree_heads_are_signed_over_size_time_and_root() {
        let key = ServerKey::from_seed(&[3; 32]);
        let l = leaves(5);
        let head = TreeHead::sign(&l, 1_781_524_800_000, &key);
        assert!(head.signature_ok());
        assert_eq!(head.root_hash, root(&l));
        let mut moved = head.clone();
        moved.tree_size = 4;
        assert!(!moved.signature_ok());
        let mut later = head.clone();
        later.timestamp += 1;
        assert!(!later.signature_ok());
        let json = serde_json::to_value(&head).unwrap();
        assert_eq!(json["tree_size"], 5);
        assert_eq!(json["root_hash"], head.root_hash.to_hex());
    }

    #[test]
    fn a_certificate_log_entry_checks_against_its_signed_head() {
        let key = ServerKey::from_seed(&[5; 32]);
        let data: Vec<Hash32> = (0..9u8).map(|i| Hash32([i; 32])).collect();
        let l: Vec<Hash32> = data.iter().map(leaf_hash).collect();
        let proof = LogInclusion::prove(&l, 4, 1_000, &key).unwrap();
        assert_eq!(proof.check(&data[4], key.public_key()), Ok(()));
        assert_eq!(proof.check(&data[5], key.public_key()), Err(LogError::NotIncluded));
        let other = ServerKey::from_seed(&[6; 32]);
        assert_eq!(proof.check(&data[4], other.public_key()), Err(LogError::BadSignature));
        assert!(LogInclusion::prove(&l, 9, 1_000, &key).is_none());
    }

    proptest! {
        #[test]
        fn proofs_hold_for_any_tree(n in 1usize..300, i in 0usize..300, m in 1usize..300) {
            let l = leaves(n);
            let (i, m) = (i % n, 1 + (m - 1) % n);
            let p = inclusion_proof(&l, i).unwrap();
            prop_assert!(verify_inclusion(&l[i], i as u64, n as u64, &p, &root(&l)));
            let c = consistency_proof(&l, m).unwrap();
            prop_assert!(verify_consistency(m as u64, n as u64, &root(&l[..m]), &root(&l), &c));
            // A proof with one hash flipped fails.
            if let Some(first) = c.first().copied() {
                let mut bad = c.clone();
                bad[0] = node_hash(&first, &first);
                prop_assert!(!verify_consistency(m as u64, n as u64, &root(&l[..m]), &root(&l), &bad));
            }
        }
    }
}
