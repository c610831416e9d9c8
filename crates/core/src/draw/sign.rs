//! Ed25519 signatures over the 32 raw bytes of `result_hash` (spec §6).
//!
//! Core does no I/O, so keys are made from a 32-byte secret seed the caller supplies (the
//! server takes it from the OS CSPRNG and stores it).

use std::fmt;

use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::hash::{Hash32, decode_hex_array};

/// The server's signing key. `Debug` never shows the secret.
#[derive(Clone)]
pub struct ServerKey(SigningKey);

impl ServerKey {
    /// The key whose Ed25519 secret is `seed` (RFC 8032's 32-byte private key).
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        ServerKey(SigningKey::from_bytes(seed))
    }

    /// The secret seed, for storing the key.
    pub fn to_seed(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.verifying_key().to_bytes())
    }

    /// Signs the raw 32 bytes of `result_hash`.
    pub fn sign(&self, result_hash: &Hash32) -> Signature {
        Signature(self.0.sign(&result_hash.0).to_bytes())
    }
}

impl fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ServerKey(public: {})", self.public_key())
    }
}

/// Why a signature does not check out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the public key is not a valid Ed25519 key")]
    BadPublicKey,
    #[error("the signature does not match the result hash and public key")]
    Invalid,
}

/// A 32-byte Ed25519 public key, as lowercase hex in JSON.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublicKey(pub [u8; 32]);

impl PublicKey {
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    pub fn from_hex(s: &str) -> Option<Self> {
        decode_hex_array(s).map(PublicKey)
    }

    /// Strict RFC 8032 verification (rejects small-order keys and malleable signatures).
    pub fn verify(&self, result_hash: &Hash32, signature: &Signature) -> Result<(), SignatureError> {
        let key = VerifyingKey::from_bytes(&self.0).map_err(|_| SignatureError::BadPublicKey)?;
        let sig = ed25519_dalek::Signature::from_bytes(&signature.0);
        key.verify_strict(&result_hash.0, &sig)
            .map_err(|_| SignatureError::Invalid)
    }
}

/// A 64-byte Ed25519 signature, as lowercase hex in JSON.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature(pub [u8; 64]);

impl Signature {
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    pub fn from_hex(s: &str) -> Option<Self> {
        decode_hex_array(s).map(Signature)
    }
}

/// Checks a signature made by [`ServerKey::sign`].
pub fn verify_signature(
    public_key: &PublicKey,
    result_hash: &Hash32,
    signature: &Signature,
) -> Result<(), SignatureError> {
    public_key.verify(result_hash, signature)
}

macro_rules! hex_display_and_serde {
    ($ty:ident, $what:literal) => {
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.to_hex())
            }
        }

        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($ty), "({})"), self.to_hex())
            }
        }

        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.to_hex())
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                $ty::from_hex(&s).ok_or_else(|| serde::de::Error::custom(concat!("expected ", $what, " in hex")))
            }
        }
    };
}

hex_display_and_serde!(PublicKey, "a 32-byte Ed25519 public key");
hex_display_and_serde!(Signature, "a 64-byte Ed25519 signature");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_and_verify_round_trip() {
        let key = ServerKey::from_seed(&[42; 32]);
        let hash = Hash32([7; 32]);
        let sig = key.sign(&hash);
        let pk = key.public_key();
        assert_eq!(verify_signature(&pk, &hash, &sig), Ok(()));
        assert_eq!(ServerKey::from_seed(&key.to_seed()).public_key(), pk);
        // Deterministic (RFC 8032): same key and message give the same signature.
        assert_eq!(key.sign(&hash), sig);
    }

    #[test]
    fn tampering_is_detected() {
        let key = ServerKey::from_seed(&[42; 32]);
        let hash = Hash32([7; 32]);
        let sig = key.sign(&hash);
        let pk = key.public_key();

        let mut other_hash = hash;
        other_hash.0[0] ^= 1;
        assert_eq!(pk.verify(&other_hash, &sig), Err(SignatureError::Invalid));

        let mut bad_sig = sig;
        bad_sig.0[10] ^= 0x40;
        assert_eq!(pk.verify(&hash, &bad_sig), Err(SignatureError::Invalid));

        let other = ServerKey::from_seed(&[43; 32]).public_key();
        assert_eq!(other.verify(&hash, &sig), Err(SignatureError::Invalid));
    }

    #[test]
    fn serde_is_hex_and_debug_hides_the_secret() {
        let key = ServerKey::from_seed(&[1; 32]);
        let sig = key.sign(&Hash32([0; 32]));
        let json = serde_json::to_string(&sig).unwrap();
        assert_eq!(json, format!("\"{}\"", sig.to_hex()));
        assert_eq!(serde_json::from_str::<Signature>(&json).unwrap(), sig);
        assert!(serde_json::from_str::<PublicKey>("\"abcd\"").is_err());
        assert!(!format!("{key:?}").contains(&hex::encode([1u8; 32])));
    }
}
