//! The public beacon a draw may name in advance (protocol v1.1, docs/draw-protocol-v1.md §3.1):
//! a drand chain, the round number due after a giveaway's end, and the check of a round's
//! BLS signature against the chain's public key.
//!
//! Pure: fetching a round is the server's business; this module says which round, when it is
//! due, whether a round as fetched is genuine, and how its randomness enters the draw.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// drand's quicknet, the League of Entropy's 3-second unchained chain (drand's published info).
pub const QUICKNET_HASH: &str = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971";
pub const QUICKNET_PUBLIC_KEY: &str = "83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c8c4b450b6a0a6c3ac6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a";
pub const QUICKNET_GENESIS: i64 = 1_692_803_367;
pub const QUICKNET_PERIOD: i64 = 3;
/// The only scheme this verifier knows: signatures on G1, keys on G2, RFC 9380 hashing.
pub const SCHEME: &str = "bls-unchained-g1-rfc9380";

/// Which public beacon a draw waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum BeaconKind {
    /// No beacon: the draw runs at once, on the committed seed alone.
    #[default]
    None,
    /// The first drand round published after the end.
    Drand,
}

impl BeaconKind {
    pub fn parse(s: &str) -> Option<BeaconKind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "none" => Some(BeaconKind::None),
            "drand" => Some(BeaconKind::Drand),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            BeaconKind::None => "none",
            BeaconKind::Drand => "drand",
        }
    }
}

/// The `fairness` object of a create or update request: `{"beacon": "drand" | "none"}`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FairnessInput {
    #[serde(default)]
    pub beacon: Option<serde_json::Value>,
}

impl FairnessInput {
    /// The beacon asked for, if any: `Err` with a message for the field `fairness.beacon`.
    pub fn kind(&self) -> Result<Option<BeaconKind>, String> {
        match &self.beacon {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(s)) => BeaconKind::parse(s)
                .map(Some)
                .ok_or_else(|| "Use \"drand\" or \"none\".".to_owned()),
            Some(_) => Err("Must be a string: \"drand\" or \"none\".".to_owned()),
        }
    }
}

/// A drand chain: what a giveaway names, besides the round, so anyone can check the round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chain {
    /// The chain hash, 64 hex digits (the `{chain_hash}` of relay URLs).
    pub chain_hash: String,
    /// The chain's BLS public key (G2, 96 bytes), hex.
    pub public_key: String,
    pub scheme: String,
    /// Unix seconds of round 1.
    pub genesis_time: i64,
    /// Seconds between rounds.
    pub period: i64,
}

impl Chain {
    pub fn quicknet() -> Chain {
        Chain {
            chain_hash: QUICKNET_HASH.to_owned(),
            public_key: QUICKNET_PUBLIC_KEY.to_owned(),
            scheme: SCHEME.to_owned(),
            genesis_time: QUICKNET_GENESIS,
            period: QUICKNET_PERIOD,
        }
    }

    /// Checks the values an operator configured: hex of the right sizes, a key that is a point
    /// of G2, a positive period, the one scheme known.
    pub fn validate(&self) -> Result<(), String> {
        if self.scheme != SCHEME {
            return Err(format!("scheme {:?}: only {SCHEME} is supported", self.scheme));
        }
        if self.chain_hash.len() != 64 || hex::decode(&self.chain_hash).is_err() {
            return Err("chain hash: expected 64 hex digits".to_owned());
        }
        public_key(&self.public_key)?;
        if self.period <= 0 {
            return Err("period: must be at least 1 second".to_owned());
        }
        Ok(())
    }

    /// The round published at Unix time `t_secs`: `(t − genesis) / period + 1` (drand's
    /// formula; 0 before genesis, when no round is out yet).
    pub fn round_at(&self, t_secs: i64) -> u64 {
        if t_secs < self.genesis_time {
            return 0;
        }
        u64::try_from((t_secs - self.genesis_time) / self.period + 1).unwrap_or(u64::MAX)
    }

    /// The first round published strictly after `end_ms` (Unix ms): the round a giveaway
    /// ending then names. Its randomness is unknown to everyone while entries are open.
    pub fn first_round_after(&self, end_ms: i64) -> u64 {
        // The round out at end_ms was published at or before it; the next one is after.
        self.round_at(end_ms.div_euclid(1000)).saturating_add(1)
    }

    /// When `round` is published, in Unix ms.
    pub fn due_at_ms(&self, round: u64) -> i64 {
        let steps = i64::try_from(round.saturating_sub(1)).unwrap_or(i64::MAX / 2);
        self.genesis_time
            .saturating_add(steps.saturating_mul(self.period))
            .saturating_mul(1000)
    }
}

/// The beacon a giveaway commits to when it is published: chain and round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedRound {
    #[serde(flatten)]
    pub chain: Chain,
    pub round: u64,
}

impl NamedRound {
    pub fn due_at_ms(&self) -> i64 {
        self.chain.due_at_ms(self.round)
    }
}

/// A round as a relay serves it (`GET {relay}/{chain_hash}/public/{round}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Round {
    pub round: u64,
    /// SHA-256 of the signature, hex.
    pub randomness: String,
    /// The BLS signature (G1, 48 bytes) over SHA-256(u64be(round)), hex.
    pub signature: String,
}

/// What a certificate records of the beacon: the chain, the round and its proof.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrandEvidence {
    #[serde(flatten)]
    pub chain: Chain,
    pub round: u64,
    pub randomness: String,
    pub signature: String,
}

impl DrandEvidence {
    pub fn new(named: &NamedRound, round: &Round) -> DrandEvidence {
        DrandEvidence {
            chain: named.chain.clone(),
            round: round.round,
            randomness: round.randomness.to_ascii_lowercase(),
            signature: round.signature.to_ascii_lowercase(),
        }
    }

    /// The protocol's `beacon` input for this round: `drand/{chain_hash}/{round}/{randomness}`.
    pub fn beacon_input(&self) -> String {
        beacon_input(&self.chain.chain_hash, self.round, &self.randomness)
    }

    /// Re-checks the round offline: the signature against the chain key, the randomness as
    /// its hash. The chain key is the certificate's own; whoever relies on a particular chain
    /// compares it with the chain's published key ([`Chain::quicknet`] for the default).
    pub fn verify(&self) -> Result<(), BeaconError> {
        verify_round(
            &self.chain,
            &Round {
                round: self.round,
                randomness: self.randomness.clone(),
                signature: self.signature.clone(),
            },
        )
    }
}

/// The protocol's `beacon` string for a drand round.
pub fn beacon_input(chain_hash: &str, round: u64, randomness: &str) -> String {
    format!(
        "drand/{}/{round}/{}",
        chain_hash.to_ascii_lowercase(),
        randomness.to_ascii_lowercase()
    )
}

/// Why a round was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BeaconError {
    #[error("the chain's public key is not valid: {0}")]
    PublicKey(String),
    #[error("round {got} was served when round {wanted} was asked for")]
    WrongRound { wanted: u64, got: u64 },
    #[error("the signature is not hex of a G1 point: {0}")]
    Malformed(String),
    #[error("the randomness is not SHA-256 of the signature")]
    Randomness,
    #[error("the BLS signature of round {0} does not verify against the chain's public key")]
    Signature(u64),
}

fn public_key(hex_key: &str) -> Result<drand_verify::G2PubkeyRfc, String> {
    use drand_verify::Pubkey;
    let bytes: [u8; 96] = hex::decode(hex_key)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| "public key: expected 192 hex digits (a compressed G2 point)".to_owned())?;
    drand_verify::G2PubkeyRfc::from_fixed(bytes).map_err(|e| format!("public key: {e}"))
}

/// Checks `round` as served for `chain`: BLS signature over the round number under the chain
/// key (drand-verify, RFC 9380 hash to G1), and randomness = SHA-256(signature). A round that
/// fails is forged or corrupt and must never be used.
pub fn verify_round(chain: &Chain, round: &Round) -> Result<(), BeaconError> {
    use drand_verify::Pubkey;
    if chain.scheme != SCHEME {
        return Err(BeaconError::PublicKey(format!("unknown scheme {:?}", chain.scheme)));
    }
    let key = public_key(&chain.public_key).map_err(BeaconError::PublicKey)?;
    let signature = hex::decode(&round.signature).map_err(|e| BeaconError::Malformed(e.to_string()))?;
    let randomness = hex::decode(&round.randomness).map_err(|_| BeaconError::Randomness)?;
    if Sha256::digest(&signature).as_slice() != randomness.as_slice() {
        return Err(BeaconError::Randomness);
    }
    match key.verify(round.round, b"", &signature) {
        Ok(true) => Ok(()),
        Ok(false) => Err(BeaconError::Signature(round.round)),
        Err(e) => Err(BeaconError::Malformed(e.to_string())),
    }
}

/// Checks a round fetched for `wanted`: the number served is the one asked for, and it verifies.
pub fn verify_fetched(named: &NamedRound, round: &Round) -> Result<DrandEvidence, BeaconError> {
    if round.round != named.round {
        return Err(BeaconError::WrongRound {
            wanted: named.round,
            got: round.round,
        });
    }
    verify_round(&named.chain, round)?;
    Ok(DrandEvidence::new(named, round))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Quicknet round 1000 as drand published it (drand's Rust client tests, `verify.rs`).
    fn round_1000() -> Round {
        Round {
            round: 1000,
            randomness: "fe290beca10872ef2fb164d2aa4442de4566183ec51c56ff3cd603d930e54fdd".into(),
            signature:
                "b44679b9a59af2ec876b1a6b1ad52ea9b1615fc3982b19576350f93447cb1125e342b73a8dd2bacbe47e4b6b63ed5e39"
                    .into(),
        }
    }

    #[test]
    fn the_round_formula_is_drands() {
        let c = Chain::quicknet();
        assert_eq!(c.round_at(QUICKNET_GENESIS - 1), 0);
        assert_eq!(c.round_at(QUICKNET_GENESIS), 1);
        assert_eq!(c.round_at(QUICKNET_GENESIS + 2), 1);
        assert_eq!(c.round_at(QUICKNET_GENESIS + 3), 2);
        // Round 1000 is published at genesis + 999 periods.
        let t1000 = QUICKNET_GENESIS + 999 * 3;
        assert_eq!(c.round_at(t1000), 1000);
        assert_eq!(c.due_at_ms(1000), t1000 * 1000);
        assert_eq!(c.due_at_ms(1), QUICKNET_GENESIS * 1000);
    }

    #[test]
    fn a_giveaway_names_the_first_round_published_after_its_end() {
        let c = Chain::quicknet();
        let t1000 = (QUICKNET_GENESIS + 999 * 3) * 1000;
        // Ending just before round 1000 names 1000; ending the very moment it is out, or a
        // moment after, names 1001: a round out when entries close is never named.
        assert_eq!(c.first_round_after(t1000 - 1), 1000);
        assert_eq!(c.first_round_after(t1000 - 3000), 1000);
        assert_eq!(c.first_round_after(t1000), 1001);
        assert_eq!(c.first_round_after(t1000 + 2999), 1001);
        assert_eq!(c.first_round_after(0), 1);
        for end in [t1000 - 2999, t1000 - 1, t1000, t1000 + 1, t1000 + 2999] {
            let r = c.first_round_after(end);
            assert!(c.due_at_ms(r) > end, "round {r} must be due after {end}");
            assert!(c.due_at_ms(r - 1) <= end, "round {} is due after {end} too", r - 1);
        }
    }

    #[test]
    fn a_real_quicknet_round_verifies() {
        let chain = Chain::quicknet();
        chain.validate().unwrap();
        verify_round(&chain, &round_1000()).unwrap();
        let named = NamedRound { chain, round: 1000 };
        let evidence = verify_fetched(&named, &round_1000()).unwrap();
        evidence.verify().unwrap();
        assert_eq!(
            evidence.beacon_input(),
            format!("drand/{QUICKNET_HASH}/1000/fe290beca10872ef2fb164d2aa4442de4566183ec51c56ff3cd603d930e54fdd")
        );
    }

    #[test]
    fn forged_or_misplaced_rounds_are_refused() {
        let chain = Chain::quicknet();
        // Another round's genuine signature, served as round 1001.
        let mut r = round_1000();
        r.round = 1001;
        assert_eq!(verify_round(&chain, &r), Err(BeaconError::Signature(1001)));
        let named = NamedRound {
            chain: chain.clone(),
            round: 1001,
        };
        assert_eq!(
            verify_fetched(&named, &round_1000()),
            Err(BeaconError::WrongRound {
                wanted: 1001,
                got: 1000
            })
        );
        // Randomness that is not the signature's hash.
        let mut r = round_1000();
        r.randomness = "00".repeat(32);
        assert_eq!(verify_round(&chain, &r), Err(BeaconError::Randomness));
        // A signature changed in one bit, with the randomness recomputed to match it.
        let mut r = round_1000();
        let mut sig = hex::decode(&r.signature).unwrap();
        sig[47] ^= 1;
        r.randomness = hex::encode(Sha256::digest(&sig));
        r.signature = hex::encode(&sig);
        assert!(verify_round(&chain, &r).is_err());
        // The right round under another key.
        let mut other = chain.clone();
        other.public_key = "a1ee12542360bf75742bcade13d6134e7d5283d9eb782887c47d3d9725f05805d37b0106b7f744395bf82c175dd7434a169e998f188a657a030d588892c0cd2c01f996aaf331c4d8bc5b9734bbe261d09e7d2d39ef88b635077f262bd7bbb30f".into();
        assert_eq!(verify_round(&other, &round_1000()), Err(BeaconError::Signature(1000)));
    }

    #[test]
    fn configured_chains_are_checked() {
        assert!(Chain::quicknet().validate().is_ok());
        let mut c = Chain::quicknet();
        c.period = 0;
        assert!(c.validate().is_err());
        let mut c = Chain::quicknet();
        c.public_key = "00".repeat(96);
        assert!(c.validate().is_err());
        let mut c = Chain::quicknet();
        c.scheme = "pedersen-bls-chained".into();
        assert!(c.validate().is_err());
    }
}
