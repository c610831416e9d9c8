//! The audit trail: every administrative change of a brand, appended to a hash chain so that an
//! entry edited, inserted or removed after the fact shows.
//!
//! Each brand has its own chain. Entry `seq` (1, 2, …) holds the hash of entry `seq - 1` (for
//! the first: [`GENESIS`], 32 zero bytes) and its own hash, `SHA-256` of [`canonical`]:
//!
//! ```text
//! "fairdraw-audit-v1" 0x00
//! brand_id      i64, big-endian
//! seq           i64, big-endian
//! prev_hash     32 bytes
//! at_ms         i64, big-endian (Unix milliseconds)
//! actor_key_id  0x00 (none: an operator at the command line) | 0x01 i64 big-endian
//! action        u32 big-endian length ‖ UTF-8
//! giveaway_id   0x00 | 0x01 i64 big-endian
//! details       u32 big-endian length ‖ the JSON text exactly as stored
//! ```
//!
//! Lengths and presence flags make the encoding injective: no two different entries encode to
//! the same bytes. The details are hashed as the stored text, not re-serialised, so the hash
//! does not depend on a JSON library's key order or number formatting.
//!
//! The chain's head (latest `seq` and hash) is kept beside the entries and copied into draw
//! certificates, so that removing the newest entries is caught too.

use crate::draw::{Hash32, PublicKey, ServerKey, Signature, SignatureError};
use sha2::{Digest, Sha256};

/// The `prev_hash` of a brand's first entry.
pub const GENESIS: Hash32 = Hash32([0u8; 32]);

const DOMAIN: &[u8] = b"fairdraw-audit-v1\0";

/// The fields of an entry that its hash covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryFields<'a> {
    pub brand_id: i64,
    pub seq: i64,
    pub prev_hash: &'a Hash32,
    pub at_ms: i64,
    pub actor_key_id: Option<i64>,
    pub action: &'a str,
    pub giveaway_id: Option<i64>,
    /// JSON text, as stored.
    pub details: &'a str,
}

fn optional(out: &mut Vec<u8>, v: Option<i64>) {
    match v {
        None => out.push(0),
        Some(v) => {
            out.push(1);
            out.extend_from_slice(&v.to_be_bytes());
        }
    }
}

fn text(out: &mut Vec<u8>, s: &str) {
    // An entry longer than 4 GiB cannot be stored; saturating keeps this total.
    let len = u32::try_from(s.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(s.as_bytes());
}

/// The bytes an entry's hash is taken over (see the module documentation).
pub fn canonical(e: &EntryFields<'_>) -> Vec<u8> {
    let mut out = Vec::with_capacity(DOMAIN.len() + 80 + e.action.len() + e.details.len());
    out.extend_from_slice(DOMAIN);
    out.extend_from_slice(&e.brand_id.to_be_bytes());
    out.extend_from_slice(&e.seq.to_be_bytes());
    out.extend_from_slice(&e.prev_hash.0);
    out.extend_from_slice(&e.at_ms.to_be_bytes());
    optional(&mut out, e.actor_key_id);
    text(&mut out, e.action);
    optional(&mut out, e.giveaway_id);
    text(&mut out, e.details);
    out
}

/// `SHA-256(canonical(e))`.
pub fn entry_hash(e: &EntryFields<'_>) -> Hash32 {
    Hash32(Sha256::digest(canonical(e)).into())
}

/// An entry as stored: hashes as lowercase hex, as they were written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEntry {
    pub brand_id: i64,
    pub seq: i64,
    pub prev_hash: String,
    pub at_ms: i64,
    pub actor_key_id: Option<i64>,
    pub action: String,
    pub giveaway_id: Option<i64>,
    pub details: String,
    pub hash: String,
}

/// The end of a chain: its latest entry's `seq` and hash (`seq` 0 and [`GENESIS`] when empty).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Head {
    pub seq: i64,
    pub hash: Hash32,
}

impl Head {
    pub const EMPTY: Head = Head { seq: 0, hash: GENESIS };
}

/// Why a link does not hold.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Fault {
    #[error("belongs to brand {found}, not to this chain's")]
    Brand { found: i64 },
    #[error("expected entry {expected} here, found entry {found} (entries missing or inserted)")]
    Sequence { expected: i64, found: i64 },
    #[error("prev_hash is {found}, but the entry before it hashes to {expected}")]
    PrevHash { expected: String, found: String },
    #[error("stored hash is {stored}, but its contents hash to {recomputed}")]
    Hash { stored: String, recomputed: String },
    #[error("the chain's head is at entry {head_seq} ({head_hash}), but the entries end at {last_seq}")]
    Head {
        head_seq: i64,
        head_hash: String,
        last_seq: i64,
    },
}

/// The first link of a chain that does not hold: the entry `seq` at fault.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("brand {brand_id}, entry {seq}: {fault}")]
pub struct BrokenLink {
    pub brand_id: i64,
    pub seq: i64,
    pub fault: Fault,
}

/// Re-checks brand `brand_id`'s chain: `entries` in stored order (by `seq`), each one's hash
/// recomputed and its `prev_hash` compared with the hash before it. With `head` (the stored
/// head), the chain must also end exactly there, so entries cut from the end are caught.
/// Returns the chain's head, or the first link that does not hold.
pub fn verify_chain(brand_id: i64, entries: &[StoredEntry], head: Option<&Head>) -> Result<Head, BrokenLink> {
    let mut at = Head::EMPTY;
    let broken = |seq: i64, fault: Fault| BrokenLink { brand_id, seq, fault };
    for e in entries {
        let expected = at.seq + 1;
        if e.brand_id != brand_id {
            return Err(broken(e.seq, Fault::Brand { found: e.brand_id }));
        }
        if e.seq != expected {
            // A gap names the first entry missing; an entry out of place names itself.
            let seq = if e.seq > expected { expected } else { e.seq };
            return Err(broken(seq, Fault::Sequence { expected, found: e.seq }));
        }
        if e.prev_hash != at.hash.to_hex() {
            return Err(broken(
                e.seq,
                Fault::PrevHash {
                    expected: at.hash.to_hex(),
                    found: e.prev_hash.clone(),
                },
            ));
        }
        let recomputed = entry_hash(&EntryFields {
            brand_id,
            seq: e.seq,
            prev_hash: &at.hash,
            at_ms: e.at_ms,
            actor_key_id: e.actor_key_id,
            action: &e.action,
            giveaway_id: e.giveaway_id,
            details: &e.details,
        });
        if e.hash != recomputed.to_hex() {
            return Err(broken(
                e.seq,
                Fault::Hash {
                    stored: e.hash.clone(),
                    recomputed: recomputed.to_hex(),
                },
            ));
        }
        at = Head {
            seq: e.seq,
            hash: recomputed,
        };
    }
    if let Some(head) = head
        && *head != at
    {
        return Err(broken(
            // The first entry the head promises that is not there (or the last one, when the
            // head names a different hash for it).
            if head.seq > at.seq { at.seq + 1 } else { head.seq.max(1) },
            Fault::Head {
                head_seq: head.seq,
                head_hash: head.hash.to_hex(),
                last_seq: at.seq,
            },
        ));
    }
    Ok(at)
}

/// Builds the next entry of a chain whose head is `head` (for the store, and for tests).
pub fn next_entry(
    head: &Head,
    brand_id: i64,
    at_ms: i64,
    actor_key_id: Option<i64>,
    action: &str,
    giveaway_id: Option<i64>,
    details: &str,
) -> StoredEntry {
    let seq = head.seq + 1;
    let hash = entry_hash(&EntryFields {
        brand_id,
        seq,
        prev_hash: &head.hash,
        at_ms,
        actor_key_id,
        action,
        giveaway_id,
        details,
    });
    StoredEntry {
        brand_id,
        seq,
        prev_hash: head.hash.to_hex(),
        at_ms,
        actor_key_id,
        action: action.to_owned(),
        giveaway_id,
        details: details.to_owned(),
        hash: hash.to_hex(),
    }
}

/// A brand's audit head as a draw certificate carries it: the chain's latest entry when the
/// draw was made, signed with the draw-signing key together with the draw's result hash (over
/// [`stamp_message`]), so that the head cannot be swapped onto another draw or edited without
/// the key. A chain whose entry `seq` no longer hashes to `hash` was rewritten after the draw.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HeadStamp {
    pub seq: i64,
    pub hash: Hash32,
    pub signature: Signature,
}

const STAMP_DOMAIN: &[u8] = b"fairdraw-audit-head-v1\0";

/// `SHA-256("fairdraw-audit-head-v1" 0x00 ‖ result_hash ‖ seq (i64 big-endian) ‖ hash)`: what
/// a certificate's audit head signature signs.
pub fn stamp_message(result_hash: &Hash32, head: &Head) -> Hash32 {
    let mut h = Sha256::new();
    h.update(STAMP_DOMAIN);
    h.update(result_hash.0);
    h.update(head.seq.to_be_bytes());
    h.update(head.hash.0);
    Hash32(h.finalize().into())
}

impl HeadStamp {
    /// Signs `head` for the draw whose result hash is `result_hash`.
    pub fn sign(key: &ServerKey, result_hash: &Hash32, head: Head) -> HeadStamp {
        HeadStamp {
            seq: head.seq,
            hash: head.hash,
            signature: key.sign(&stamp_message(result_hash, &head)),
        }
    }

    pub fn head(&self) -> Head {
        Head {
            seq: self.seq,
            hash: self.hash,
        }
    }

    /// Checks the signature against `public_key` for the draw `result_hash`.
    pub fn verify(&self, public_key: &PublicKey, result_hash: &Hash32) -> Result<(), SignatureError> {
        public_key.verify(&stamp_message(result_hash, &self.head()), &self.signature)
    }
}

/// The head after `entry`, if its hash is well-formed.
pub fn head_of(entry: &StoredEntry) -> Option<Head> {
    Hash32::from_hex(&entry.hash)
        .ok()
        .map(|hash| Head { seq: entry.seq, hash })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn chain(brand_id: i64, n: usize) -> Vec<StoredEntry> {
        let mut head = Head::EMPTY;
        let mut out = Vec::new();
        for i in 0..n {
            let i = i as i64;
            let e = next_entry(
                &head,
                brand_id,
                1_700_000_000_000 + i,
                (i % 3 != 0).then_some(i),
                if i % 2 == 0 {
                    "giveaway.updated"
                } else {
                    "winners.drawn"
                },
                (i % 4 != 0).then_some(100 + i),
                &format!("{{\"n\":{i}}}"),
            );
            head = head_of(&e).unwrap();
            out.push(e);
        }
        out
    }

    fn head(entries: &[StoredEntry]) -> Head {
        entries.last().map(|e| head_of(e).unwrap()).unwrap_or(Head::EMPTY)
    }

    #[test]
    fn an_intact_chain_verifies_to_its_head() {
        let c = chain(7, 5);
        assert_eq!(verify_chain(7, &c, Some(&head(&c))), Ok(head(&c)));
        assert_eq!(verify_chain(7, &[], Some(&Head::EMPTY)), Ok(Head::EMPTY));
        assert_eq!(c[0].prev_hash, GENESIS.to_hex());
        assert_eq!(c[1].prev_hash, c[0].hash);
    }

    #[test]
    fn the_encoding_is_pinned() {
        // A known answer: the hash must not change when code around it does, or every stored
        // chain would stop verifying.
        let e = EntryFields {
            brand_id: 1,
            seq: 1,
            prev_hash: &GENESIS,
            at_ms: 0,
            actor_key_id: None,
            action: "a",
            giveaway_id: Some(2),
            details: "{}",
        };
        let mut expected = b"fairdraw-audit-v1\0".to_vec();
        expected.extend_from_slice(&1i64.to_be_bytes());
        expected.extend_from_slice(&1i64.to_be_bytes());
        expected.extend_from_slice(&[0; 32]);
        expected.extend_from_slice(&0i64.to_be_bytes());
        expected.push(0);
        expected.extend_from_slice(&[0, 0, 0, 1, b'a', 1]);
        expected.extend_from_slice(&2i64.to_be_bytes());
        expected.extend_from_slice(&[0, 0, 0, 2, b'{', b'}']);
        assert_eq!(canonical(&e), expected);
    }

    #[test]
    fn absent_and_present_fields_encode_apart() {
        let base = EntryFields {
            brand_id: 1,
            seq: 1,
            prev_hash: &GENESIS,
            at_ms: 5,
            actor_key_id: None,
            action: "x",
            giveaway_id: None,
            details: "{}",
        };
        let with_actor = EntryFields {
            actor_key_id: Some(0),
            ..base.clone()
        };
        let with_giveaway = EntryFields {
            giveaway_id: Some(0),
            ..base.clone()
        };
        assert_ne!(entry_hash(&base), entry_hash(&with_actor));
        assert_ne!(entry_hash(&with_actor), entry_hash(&with_giveaway));
        // Moving bytes between action and details changes the hash (length prefixes).
        let shifted = EntryFields {
            action: "x{",
            details: "}",
            ..base.clone()
        };
        assert_ne!(entry_hash(&base), entry_hash(&shifted));
    }

    #[test]
    fn an_edited_entry_is_named() {
        let mut c = chain(3, 6);
        c[2].details = "{\"n\":99}".to_owned();
        let err = verify_chain(3, &c, None).unwrap_err();
        assert_eq!(err.seq, 3);
        assert!(matches!(err.fault, Fault::Hash { .. }), "{err}");
    }

    #[test]
    fn a_rehashed_edit_breaks_the_next_link() {
        // Someone who edits an entry and recomputes its hash still breaks the one after it.
        let mut c = chain(3, 6);
        let prev = Hash32::from_hex(&c[1].prev_hash).unwrap();
        let forged = next_entry(
            &Head { seq: 1, hash: prev },
            3,
            c[1].at_ms,
            None,
            "giveaway.deleted",
            None,
            "{}",
        );
        c[1] = forged;
        let err = verify_chain(3, &c, None).unwrap_err();
        assert_eq!(err.seq, 3);
        assert!(matches!(err.fault, Fault::PrevHash { .. }), "{err}");
    }

    #[test]
    fn a_removed_entry_is_named() {
        let mut c = chain(3, 6);
        c.remove(3);
        let err = verify_chain(3, &c, None).unwrap_err();
        assert_eq!(err.seq, 4);
        assert!(matches!(err.fault, Fault::Sequence { expected: 4, found: 5 }), "{err}");
    }

    #[test]
    fn entries_cut_from_the_end_are_caught_by_the_head() {
        let c = chain(3, 6);
        let h = head(&c);
        let err = verify_chain(3, &c[..4], Some(&h)).unwrap_err();
        assert_eq!(err.seq, 5);
        assert!(
            matches!(
                err.fault,
                Fault::Head {
                    head_seq: 6,
                    last_seq: 4,
                    ..
                }
            ),
            "{err}"
        );
        // Without the head, a prefix is a valid chain.
        assert!(verify_chain(3, &c[..4], None).is_ok());
    }

    #[test]
    fn another_brands_entry_is_refused() {
        let c = chain(3, 2);
        let err = verify_chain(4, &c, None).unwrap_err();
        assert_eq!((err.seq, err.fault), (1, Fault::Brand { found: 3 }));
    }

    #[test]
    fn a_head_stamp_is_bound_to_its_draw() {
        let key = ServerKey::from_seed(&[5; 32]);
        let c = chain(1, 3);
        let h = head(&c);
        let result = Hash32([9; 32]);
        let stamp = HeadStamp::sign(&key, &result, h);
        assert_eq!(stamp.verify(&key.public_key(), &result), Ok(()));
        assert!(stamp.verify(&key.public_key(), &Hash32([8; 32])).is_err());
        let moved = HeadStamp {
            seq: 2,
            ..stamp.clone()
        };
        assert!(moved.verify(&key.public_key(), &result).is_err());
    }

    proptest! {
        #[test]
        fn any_changed_field_names_its_entry(n in 1usize..12, pick in 0usize..12, field in 0u8..8, delta in 1i64..1000) {
            let mut c = chain(9, n);
            let i = pick % n;
            let e = &mut c[i];
            match field {
                0 => e.at_ms += delta,
                1 => e.actor_key_id = Some(e.actor_key_id.unwrap_or(0) + delta),
                2 => e.action.push('x'),
                3 => e.giveaway_id = e.giveaway_id.map(|g| g + delta).or(Some(delta)),
                4 => e.details.push(' '),
                5 => e.hash = GENESIS.to_hex(),
                6 => e.prev_hash = Hash32([7; 32]).to_hex(),
                _ => e.seq += delta,
            }
            let err = verify_chain(9, &c, Some(&head(&chain(9, n)))).unwrap_err();
            prop_assert_eq!(err.seq, i as i64 + 1, "{}", err);
        }

        #[test]
        fn any_removed_entry_is_caught(n in 1usize..12, pick in 0usize..12) {
            let full = chain(9, n);
            let i = pick % n;
            let mut c = full.clone();
            c.remove(i);
            let err = verify_chain(9, &c, Some(&head(&full))).unwrap_err();
            prop_assert_eq!(err.seq, i as i64 + 1, "{}", err);
        }

        #[test]
        fn intact_chains_verify(n in 0usize..20, brand in any::<i64>()) {
            let c = chain(brand, n);
            prop_assert_eq!(verify_chain(brand, &c, Some(&head(&c))), Ok(head(&c)));
        }
    }
}
