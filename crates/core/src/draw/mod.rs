//! The draw protocol v1 (see docs/draw-protocol-v1.md): pure functions from a pool, a
//! committed seed and a beacon to winners, a result hash, a signature and a certificate.
//!
//! Typical use by a server:
//! 1. at publication: `let seed = ServerSeed(os_random_bytes); publish(seed.commitment())`;
//! 2. at the draw: `let pool = Pool::new(candidates)?; let out = draw(&pool, &input);`
//! 3. `let mut cert = Certificate::new(&out, &input, now); cert.sign(&key);`
//! 4. anyone: `verify_certificate(&cert, &pool)`, and `verify_proof(&pool.proof(id)?, &pool_hash)`.

mod canonical;
mod certificate;
mod hash;
mod merkle;
mod par;
mod pool;
mod pool_csv;
mod rng;
mod select;
mod sign;

pub use certificate::{Certificate, Mismatch, PROTOCOL, verify_certificate};
pub use hash::{Hash32, HexError, ServerSeed, commitment, draw_seed, pool_hash, result_hash};
pub use merkle::{InclusionProof, ProofError, merkle_root, root_from_path, verify_proof};
pub use pool::{Candidate, CandidateRef, MAX_WEIGHT_EXCLUSIVE, Pool, PoolBuilder, PoolError};
pub use pool_csv::{PoolCsvError, read_pool_csv, write_pool_csv};
pub use rng::RandomStream;
pub use select::{DrawInput, DrawOutcome, draw, select};
pub use sign::{PublicKey, ServerKey, Signature, SignatureError, verify_signature};
