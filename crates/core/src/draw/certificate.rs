//! The draw certificate (spec §7) and its independent verification.

use serde::{Deserialize, Serialize};

use super::hash::{Hash32, ServerSeed};
use super::pool::Pool;
use super::select::{DrawInput, DrawOutcome, draw};
use super::sign::{PublicKey, ServerKey, Signature, SignatureError};

/// The `protocol` field of every certificate of this version.
pub const PROTOCOL: &str = "fairdraw-draw-v1";

/// Everything needed to re-run and check a draw, given the pool. Optional fields serialise
/// as `null` so every field of spec §7 is always present in the JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Certificate {
    pub protocol: String,
    #[serde(default)]
    pub draw_id: Option<String>,
    /// What was drawn for: a giveaway, a comment URL, a chat giveaway (free-form JSON).
    #[serde(default)]
    pub subject: Option<serde_json::Value>,
    pub pool_hash: Hash32,
    pub pool_size: u64,
    pub total_weight: u64,
    pub pool_root: Hash32,
    pub commitment: Hash32,
    #[serde(default)]
    pub committed_at: Option<String>,
    pub server_seed: ServerSeed,
    pub round: u32,
    pub beacon: String,
    /// The drand round `beacon` was taken from, with its signature (protocol v1.1): the
    /// verifier re-checks the signature against the chain key and that `beacon` is made of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drand: Option<crate::beacon::DrandEvidence>,
    /// How many winners and extras were asked for. The picks alone cannot show that a draw
    /// was cut short, so when these are present the verifier re-runs with them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_winners: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_extras: Option<u32>,
    pub winners: Vec<String>,
    pub extras: Vec<String>,
    pub draw_seed: Hash32,
    pub result_hash: Hash32,
    #[serde(default)]
    pub signature: Option<Signature>,
    #[serde(default)]
    pub public_key: Option<PublicKey>,
    pub drawn_at: String,
    #[serde(default)]
    pub pool_url: Option<String>,
    /// Where the draw stands in the instance's transparency log (`crate::translog`). Not
    /// signed, like `pool_url`: it is added when the certificate is served and proves itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log: Option<crate::translog::LogInclusion>,
    /// The brand's audit-log head when the draw was made (`crate::audit`), signed with the
    /// draw's key over the result hash and the head. Absent on certificates made before the
    /// audit log and on draws that belong to no brand; an audit chain that no longer reaches
    /// this head was rewritten after the draw.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_head: Option<crate::audit::HeadStamp>,
}

impl Certificate {
    /// An unsigned certificate for `outcome`, the result of `draw(pool, input)`. The caller
    /// fills in the draw id, subject, commitment time and pool link, then signs.
    pub fn new(outcome: &DrawOutcome, input: &DrawInput, drawn_at: impl Into<String>) -> Self {
        Certificate {
            protocol: PROTOCOL.to_owned(),
            draw_id: None,
            subject: None,
            pool_hash: outcome.pool_hash,
            pool_size: outcome.pool_size,
            total_weight: outcome.total_weight,
            pool_root: outcome.pool_root,
            commitment: outcome.commitment,
            committed_at: None,
            server_seed: input.server_seed.clone(),
            round: input.round,
            beacon: input.beacon.clone(),
            drand: None,
            requested_winners: Some(input.winners),
            requested_extras: Some(input.extras),
            winners: outcome.winners.clone(),
            extras: outcome.extras.clone(),
            draw_seed: outcome.draw_seed,
            result_hash: outcome.result_hash,
            signature: None,
            public_key: None,
            drawn_at: drawn_at.into(),
            pool_url: None,
            log: None,
            audit_head: None,
        }
    }

    /// Signs `result_hash` and records the signature and public key.
    pub fn sign(&mut self, key: &ServerKey) {
        self.signature = Some(key.sign(&self.result_hash));
        self.public_key = Some(key.public_key());
    }

    /// The input that re-runs this draw. Without the requested counts, the counts of the
    /// published picks are used, which reproduces the same picks.
    pub fn draw_input(&self) -> DrawInput {
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        DrawInput {
            server_seed: self.server_seed.clone(),
            round: self.round,
            beacon: self.beacon.clone(),
            winners: self.requested_winners.unwrap_or(count(self.winners.len())),
            extras: self.requested_extras.unwrap_or(count(self.extras.len())),
        }
    }
}

/// One thing on a certificate that the re-run does not confirm.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Mismatch {
    #[error("protocol: the certificate says {found:?}, this verifier knows {PROTOCOL:?}")]
    Protocol { found: String },
    #[error("commitment: the certificate says {certificate}, but the server seed commits to {recomputed}")]
    Commitment { certificate: Hash32, recomputed: Hash32 },
    #[error("pool_size: the certificate says {certificate}, the pool has {recomputed}")]
    PoolSize { certificate: u64, recomputed: u64 },
    #[error("total_weight: the certificate says {certificate}, the pool has {recomputed}")]
    TotalWeight { certificate: u64, recomputed: u64 },
    #[error("pool_root: the certificate says {certificate}, the pool gives {recomputed}")]
    PoolRoot { certificate: Hash32, recomputed: Hash32 },
    #[error("pool_hash: the certificate says {certificate}, the pool gives {recomputed}")]
    PoolHash { certificate: Hash32, recomputed: Hash32 },
    #[error("draw_seed: the certificate says {certificate}, recomputed {recomputed}")]
    DrawSeed { certificate: Hash32, recomputed: Hash32 },
    #[error("winners: the certificate says {certificate:?}, the draw gives {recomputed:?}")]
    Winners {
        certificate: Vec<String>,
        recomputed: Vec<String>,
    },
    #[error("extras: the certificate says {certificate:?}, the draw gives {recomputed:?}")]
    Extras {
        certificate: Vec<String>,
        recomputed: Vec<String>,
    },
    #[error("result_hash: the certificate says {certificate}, recomputed {recomputed}")]
    ResultHash { certificate: Hash32, recomputed: Hash32 },
    #[error("drand: {0}")]
    Beacon(String),
    #[error("signature: there is a signature but no public_key to check it with")]
    MissingPublicKey,
    #[error("signature: {0}")]
    Signature(SignatureError),
    #[error("audit_head: {0}")]
    AuditHead(SignatureError),
}

impl Mismatch {
    /// The certificate field at fault, for machine-readable reports.
    pub fn field(&self) -> &'static str {
        match self {
            Mismatch::Protocol { .. } => "protocol",
            Mismatch::Commitment { .. } => "commitment",
            Mismatch::PoolSize { .. } => "pool_size",
            Mismatch::TotalWeight { .. } => "total_weight",
            Mismatch::PoolRoot { .. } => "pool_root",
            Mismatch::PoolHash { .. } => "pool_hash",
            Mismatch::DrawSeed { .. } => "draw_seed",
            Mismatch::Winners { .. } => "winners",
            Mismatch::Extras { .. } => "extras",
            Mismatch::ResultHash { .. } => "result_hash",
            Mismatch::Beacon(_) => "drand",
            Mismatch::MissingPublicKey | Mismatch::Signature(_) => "signature",
            Mismatch::AuditHead(_) => "audit_head",
        }
    }
}

/// Re-runs the draw of `cert` on `pool` and compares every recomputable field. Returns the
/// recomputed outcome when all match, or every mismatch found (not just the first), so a
/// reader sees at once whether the pool, the seed or the picks differ.
///
/// A signature is checked against the certificate's own `public_key`; whoever trusts a
/// particular server must also compare that key with the one the server publishes.
pub fn verify_certificate(cert: &Certificate, pool: &Pool) -> Result<DrawOutcome, Vec<Mismatch>> {
    let mut found = Vec::new();
    if cert.protocol != PROTOCOL {
        found.push(Mismatch::Protocol {
            found: cert.protocol.clone(),
        });
    }
    if let Some(evidence) = &cert.drand {
        if let Err(e) = evidence.verify() {
            found.push(Mismatch::Beacon(e.to_string()));
        } else if cert.beacon != evidence.beacon_input() {
            found.push(Mismatch::Beacon(format!(
                "the beacon {:?} is not the one round {} gives ({:?})",
                cert.beacon,
                evidence.round,
                evidence.beacon_input()
            )));
        }
    }
    let outcome = draw(pool, &cert.draw_input());
    let mut hash_check = |certificate: Hash32, recomputed: Hash32, make: fn(Hash32, Hash32) -> Mismatch| {
        if certificate != recomputed {
            found.push(make(certificate, recomputed));
        }
    };
    hash_check(cert.commitment, outcome.commitment, |certificate, recomputed| {
        Mismatch::Commitment {
            certificate,
            recomputed,
        }
    });
    hash_check(cert.pool_root, outcome.pool_root, |certificate, recomputed| {
        Mismatch::PoolRoot {
            certificate,
            recomputed,
        }
    });
    hash_check(cert.pool_hash, outcome.pool_hash, |certificate, recomputed| {
        Mismatch::PoolHash {
            certificate,
            recomputed,
        }
    });
    hash_check(cert.draw_seed, outcome.draw_seed, |certificate, recomputed| {
        Mismatch::DrawSeed {
            certificate,
            recomputed,
        }
    });
    hash_check(cert.result_hash, outcome.result_hash, |certificate, recomputed| {
        Mismatch::ResultHash {
            certificate,
            recomputed,
        }
    });
    if cert.pool_size != outcome.pool_size {
        found.push(Mismatch::PoolSize {
            certificate: cert.pool_size,
            recomputed: outcome.pool_size,
        });
    }
    if cert.total_weight != outcome.total_weight {
        found.push(Mismatch::TotalWeight {
            certificate: cert.total_weight,
            recomputed: outcome.total_weight,
        });
    }
    if cert.winners != outcome.winners {
        found.push(Mismatch::Winners {
            certificate: cert.winners.clone(),
            recomputed: outcome.winners.clone(),
        });
    }
    if cert.extras != outcome.extras {
        found.push(Mismatch::Extras {
            certificate: cert.extras.clone(),
            recomputed: outcome.extras.clone(),
        });
    }
    match (&cert.signature, &cert.public_key) {
        (Some(_), None) => found.push(Mismatch::MissingPublicKey),
        (Some(sig), Some(key)) => {
            if let Err(e) = key.verify(&cert.result_hash, sig) {
                found.push(Mismatch::Signature(e));
            }
        }
        (None, _) => {}
    }
    if let Some(stamp) = &cert.audit_head {
        match &cert.public_key {
            None => found.push(Mismatch::MissingPublicKey),
            Some(key) => {
                if let Err(e) = stamp.verify(key, &cert.result_hash) {
                    found.push(Mismatch::AuditHead(e));
                }
            }
        }
    }
    // Report in the order a reader checks things: inputs first, then derived values.
    found.sort_by_key(order);
    if found.is_empty() { Ok(outcome) } else { Err(found) }
}

fn order(m: &Mismatch) -> u8 {
    match m {
        Mismatch::Protocol { .. } => 0,
        Mismatch::Beacon(_) => 1,
        Mismatch::Commitment { .. } => 1,
        Mismatch::PoolSize { .. } => 2,
        Mismatch::TotalWeight { .. } => 3,
        Mismatch::PoolRoot { .. } => 4,
        Mismatch::PoolHash { .. } => 5,
        Mismatch::DrawSeed { .. } => 6,
        Mismatch::Winners { .. } => 7,
        Mismatch::Extras { .. } => 8,
        Mismatch::ResultHash { .. } => 9,
        Mismatch::MissingPublicKey | Mismatch::Signature(_) => 10,
        Mismatch::AuditHead(_) => 11,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draw::Candidate;

    fn setup() -> (Pool, Certificate) {
        let pool = Pool::new(
            (0..50)
                .map(|i| Candidate::new(format!("user-{i}"), 1 + i % 4))
                .collect(),
        )
        .unwrap();
        let input = DrawInput {
            server_seed: ServerSeed([5; 32]),
            round: 0,
            beacon: "beacon".into(),
            winners: 3,
            extras: 2,
        };
        let outcome = draw(&pool, &input);
        let mut cert = Certificate::new(&outcome, &input, "2026-01-01T00:00:00Z");
        cert.sign(&ServerKey::from_seed(&[9; 32]));
        (pool, cert)
    }

    fn fields(r: Result<DrawOutcome, Vec<Mismatch>>) -> Vec<&'static str> {
        r.err().unwrap_or_default().iter().map(Mismatch::field).collect()
    }

    #[test]
    fn a_fresh_certificate_verifies_and_survives_json() {
        let (pool, cert) = setup();
        assert!(verify_certificate(&cert, &pool).is_ok());
        let json = serde_json::to_string(&cert).unwrap();
        let back: Certificate = serde_json::from_str(&json).unwrap();
        assert_eq!(back, cert);
        assert!(verify_certificate(&back, &pool).is_ok());
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        for field in [
            "protocol",
            "draw_id",
            "subject",
            "committed_at",
            "signature",
            "public_key",
            "pool_url",
            "drawn_at",
        ] {
            assert!(v.get(field).is_some(), "{field} missing from {json}");
        }
    }

    #[test]
    fn an_audit_head_is_optional_and_checked_when_present() {
        use crate::audit::{Head, HeadStamp};
        let (pool, mut cert) = setup();
        // Certificates from before the audit log have none, and still verify.
        let json = serde_json::to_string(&cert).unwrap();
        assert!(!json.contains("audit_head"));
        let key = ServerKey::from_seed(&[9; 32]);
        let head = Head {
            seq: 4,
            hash: Hash32([3; 32]),
        };
        cert.audit_head = Some(HeadStamp::sign(&key, &cert.result_hash, head));
        let back: Certificate = serde_json::from_str(&serde_json::to_string(&cert).unwrap()).unwrap();
        assert_eq!(back, cert);
        assert!(verify_certificate(&back, &pool).is_ok());
        // A head edited after signing is named.
        let mut edited = cert.clone();
        edited.audit_head.as_mut().unwrap().seq = 3;
        assert_eq!(fields(verify_certificate(&edited, &pool)), vec!["audit_head"]);
        let mut other_key = cert.clone();
        other_key.audit_head = Some(HeadStamp::sign(
            &ServerKey::from_seed(&[1; 32]),
            &cert.result_hash,
            head,
        ));
        assert_eq!(fields(verify_certificate(&other_key, &pool)), vec!["audit_head"]);
    }

    #[test]
    fn each_tampering_is_named() {
        let (pool, cert) = setup();

        let mut c = cert.clone();
        c.winners[0] = "someone-else".into();
        assert_eq!(fields(verify_certificate(&c, &pool)), ["winners"]);

        let mut c = cert.clone();
        c.extras.swap(0, 1);
        assert_eq!(fields(verify_certificate(&c, &pool)), ["extras"]);

        let mut c = cert.clone();
        c.server_seed.0[0] ^= 1;
        let f = fields(verify_certificate(&c, &pool));
        assert!(f.starts_with(&["commitment"]) && f.contains(&"draw_seed"), "{f:?}");

        let mut c = cert.clone();
        c.round = 1;
        assert!(fields(verify_certificate(&c, &pool)).contains(&"draw_seed"));

        let mut c = cert.clone();
        c.result_hash.0[3] ^= 1;
        assert_eq!(fields(verify_certificate(&c, &pool)), ["result_hash", "signature"]);

        let mut c = cert.clone();
        c.protocol = "fairdraw-draw-v2".into();
        assert_eq!(fields(verify_certificate(&c, &pool)), ["protocol"]);

        let mut c = cert.clone();
        c.public_key = Some(ServerKey::from_seed(&[10; 32]).public_key());
        assert_eq!(fields(verify_certificate(&c, &pool)), ["signature"]);

        let mut c = cert.clone();
        c.public_key = None;
        assert_eq!(fields(verify_certificate(&c, &pool)), ["signature"]);

        let mut c = cert.clone();
        c.requested_winners = Some(4);
        assert!(fields(verify_certificate(&c, &pool)).contains(&"winners"));

        let mut candidates = pool.to_candidates();
        candidates[7].weight += 1;
        let f = fields(verify_certificate(&cert, &Pool::new(candidates).unwrap()));
        assert!(
            f.starts_with(&["total_weight", "pool_root", "pool_hash", "draw_seed"]),
            "{f:?}"
        );
    }

    #[test]
    fn a_drand_beacon_is_rechecked() {
        use crate::beacon::{Chain, DrandEvidence};
        let pool = Pool::new((0..20).map(|i| Candidate::new(format!("u{i}"), 1)).collect()).unwrap();
        // Quicknet round 1000 as drand published it.
        let evidence = DrandEvidence {
            chain: Chain::quicknet(),
            round: 1000,
            randomness: "fe290beca10872ef2fb164d2aa4442de4566183ec51c56ff3cd603d930e54fdd".into(),
            signature:
                "b44679b9a59af2ec876b1a6b1ad52ea9b1615fc3982b19576350f93447cb1125e342b73a8dd2bacbe47e4b6b63ed5e39"
                    .into(),
        };
        let input = DrawInput {
            server_seed: ServerSeed([5; 32]),
            round: 0,
            beacon: evidence.beacon_input(),
            winners: 2,
            extras: 1,
        };
        let mut cert = Certificate::new(&draw(&pool, &input), &input, "2026-01-01T00:00:00Z");
        cert.drand = Some(evidence);
        cert.sign(&ServerKey::from_seed(&[9; 32]));
        assert!(verify_certificate(&cert, &pool).is_ok());
        let back: Certificate = serde_json::from_str(&serde_json::to_string(&cert).unwrap()).unwrap();
        assert_eq!(back, cert);

        let mut c = cert.clone();
        c.drand.as_mut().unwrap().round = 1001;
        assert_eq!(fields(verify_certificate(&c, &pool)), ["drand"]);

        let mut c = cert.clone();
        c.drand.as_mut().unwrap().randomness = "11".repeat(32);
        assert_eq!(fields(verify_certificate(&c, &pool)), ["drand"]);

        let mut c = cert.clone();
        c.beacon = format!("{} ", c.beacon);
        assert!(fields(verify_certificate(&c, &pool)).starts_with(&["drand"]));
    }

    #[test]
    fn unsigned_certificates_verify() {
        let (pool, mut cert) = setup();
        cert.signature = None;
        cert.public_key = None;
        assert!(verify_certificate(&cert, &pool).is_ok());
    }

    #[test]
    fn counts_default_to_the_published_picks() {
        let (pool, mut cert) = setup();
        cert.requested_winners = None;
        cert.requested_extras = None;
        assert!(verify_certificate(&cert, &pool).is_ok());
        assert_eq!(cert.server_seed.commitment(), cert.commitment);
    }
}
