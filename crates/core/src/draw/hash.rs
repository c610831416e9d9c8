//! The protocol's fixed-size values (hashes, the server seed) and the tagged hashes of
//! spec §1–§3 and §6 that are not part of the Merkle tree.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

const TAG_POOL: &[u8] = b"fairdraw/pool/v1";
const TAG_COMMIT: &[u8] = b"fairdraw/commit/v1";
const TAG_SEED: &[u8] = b"fairdraw/seed/v1";
const TAG_RESULT: &[u8] = b"fairdraw/result/v1";

/// A hex string that is not exactly 32 bytes of hex.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected 64 hex digits (32 bytes), got {0:?}")]
pub struct HexError(pub String);

/// Decodes exactly `N` bytes of hex (either case).
pub(crate) fn decode_hex_array<const N: usize>(s: &str) -> Option<[u8; N]> {
    let mut out = [0u8; N];
    hex::decode_to_slice(s, &mut out).ok()?;
    Some(out)
}

/// A SHA-256 output: roots, hashes, seeds and commitments. Shown and serialised as lowercase hex.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Hash32(pub [u8; 32]);

impl Hash32 {
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    pub fn from_hex(s: &str) -> Result<Self, HexError> {
        decode_hex_array(s).map(Hash32).ok_or_else(|| HexError(s.to_owned()))
    }
}

impl fmt::Display for Hash32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Hash32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash32({})", self.to_hex())
    }
}

impl FromStr for Hash32 {
    type Err = HexError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_hex(s)
    }
}

impl From<[u8; 32]> for Hash32 {
    fn from(bytes: [u8; 32]) -> Self {
        Hash32(bytes)
    }
}

impl Serialize for Hash32 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for Hash32 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Hash32::from_hex(&s).map_err(serde::de::Error::custom)
    }
}

/// The server's 32-byte secret for one draw (spec §2). It stays secret until the draw is
/// published, so `Debug` never prints it; use [`ServerSeed::to_hex`] where it must be shown.
#[derive(Clone, PartialEq, Eq)]
pub struct ServerSeed(pub [u8; 32]);

impl ServerSeed {
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    pub fn from_hex(s: &str) -> Result<Self, HexError> {
        decode_hex_array(s)
            .map(ServerSeed)
            .ok_or_else(|| HexError(s.to_owned()))
    }

    /// `H("fairdraw/commit/v1" || server_seed)`, published before the draw.
    pub fn commitment(&self) -> Hash32 {
        commitment(self)
    }
}

impl fmt::Debug for ServerSeed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ServerSeed(..)")
    }
}

impl FromStr for ServerSeed {
    type Err = HexError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_hex(s)
    }
}

impl Serialize for ServerSeed {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for ServerSeed {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ServerSeed::from_hex(&s).map_err(serde::de::Error::custom)
    }
}

pub(crate) fn finish(hasher: Sha256) -> Hash32 {
    Hash32(hasher.finalize().into())
}

/// `u32be(len) || bytes`. The protocol cannot express 4 GiB or more: pool ids are checked
/// by [`crate::draw::PoolBuilder::push`]; a beacon or winner id that long (which no caller
/// can send, given request size limits) would hash with its length saturated at 2^32 - 1.
pub(crate) fn update_len_prefixed(hasher: &mut Sha256, bytes: &[u8]) {
    let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
    hasher.update(len.to_be_bytes());
    hasher.update(bytes);
}

/// Spec §2: `commitment = H("fairdraw/commit/v1" || server_seed)`.
pub fn commitment(server_seed: &ServerSeed) -> Hash32 {
    let mut h = Sha256::new();
    h.update(TAG_COMMIT);
    h.update(server_seed.0);
    finish(h)
}

/// Spec §1: `pool_hash = H("fairdraw/pool/v1" || u64be(n) || u64be(total_weight) || pool_root)`.
pub fn pool_hash(pool_size: u64, total_weight: u64, pool_root: &Hash32) -> Hash32 {
    let mut h = Sha256::new();
    h.update(TAG_POOL);
    h.update(pool_size.to_be_bytes());
    h.update(total_weight.to_be_bytes());
    h.update(pool_root.0);
    finish(h)
}

/// Spec §3: `draw_seed = H("fairdraw/seed/v1" || server_seed || pool_hash || u32be(round)
/// || u32be(len(beacon)) || beacon)`.
pub fn draw_seed(server_seed: &ServerSeed, pool_hash: &Hash32, round: u32, beacon: &str) -> Hash32 {
    let mut h = Sha256::new();
    h.update(TAG_SEED);
    h.update(server_seed.0);
    h.update(pool_hash.0);
    h.update(round.to_be_bytes());
    update_len_prefixed(&mut h, beacon.as_bytes());
    finish(h)
}

/// Spec §6: `result_hash = H("fairdraw/result/v1" || draw_seed || pool_hash || u32be(k)
/// || u32be(e) || u32be(k + e) || for each pick: u32be(len(id)) || id)`.
///
/// `winners` and `extras` are the picks actually made (at most as many as were asked for).
pub fn result_hash<W, E>(draw_seed: &Hash32, pool_hash: &Hash32, winners: &[W], extras: &[E]) -> Hash32
where
    W: AsRef<str>,
    E: AsRef<str>,
{
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let (k, e) = (count(winners.len()), count(extras.len()));
    let mut h = Sha256::new();
    h.update(TAG_RESULT);
    h.update(draw_seed.0);
    h.update(pool_hash.0);
    h.update(k.to_be_bytes());
    h.update(e.to_be_bytes());
    h.update(k.saturating_add(e).to_be_bytes());
    for id in winners
        .iter()
        .map(AsRef::as_ref)
        .chain(extras.iter().map(AsRef::as_ref))
    {
        update_len_prefixed(&mut h, id.as_bytes());
    }
    finish(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip_and_errors() {
        let h = Hash32([0xab; 32]);
        assert_eq!(Hash32::from_hex(&h.to_hex()), Ok(h));
        assert_eq!(Hash32::from_hex(&h.to_hex().to_uppercase()), Ok(h));
        assert!(Hash32::from_hex("abcd").is_err());
        assert!(Hash32::from_hex(&"zz".repeat(32)).is_err());
        assert!(ServerSeed::from_hex(&"0".repeat(66)).is_err());
    }

    #[test]
    fn seed_debug_is_redacted() {
        let seed = ServerSeed([7; 32]);
        assert_eq!(format!("{seed:?}"), "ServerSeed(..)");
    }

    #[test]
    fn empty_pool_hash_is_stable() {
        // MTH({}) = H("") for the empty pool.
        let root = Hash32(Sha256::digest(b"").into());
        let a = pool_hash(0, 0, &root);
        assert_eq!(a, pool_hash(0, 0, &root));
        assert_ne!(a, pool_hash(1, 0, &root));
    }
}
