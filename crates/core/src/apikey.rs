//! API keys: how they look, how they are made from random bytes, and how they are stored.
//!
//! A key is shown to its owner once and only its SHA-256 is stored. Keys carry 192 bits of
//! randomness, so a fast hash is enough: nobody can guess a key from its hash, and lookups stay
//! a single indexed read.

use crate::secret::Secret;
use sha2::{Digest, Sha256};

/// What a key is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyKind {
    /// `sk_live_…`: authenticates the management and draws APIs; never leaves the server side.
    Secret,
    /// `pk_live_…`: a brand's public key, sent by chat widgets and partners.
    Public,
}

/// Number of random bytes in a key (hex-encoded after the prefix).
pub const KEY_RANDOM_BYTES: usize = 24;

impl KeyKind {
    pub fn prefix(self) -> &'static str {
        match self {
            KeyKind::Secret => "sk_live_",
            KeyKind::Public => "pk_live_",
        }
    }

    /// The value stored in the database's `kind` column.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyKind::Secret => "secret",
            KeyKind::Public => "public",
        }
    }

    pub fn parse(s: &str) -> Option<KeyKind> {
        match s {
            "secret" => Some(KeyKind::Secret),
            "public" => Some(KeyKind::Public),
            _ => None,
        }
    }

    /// Which kind of key a presented string claims to be, if it is well formed at all.
    pub fn of(presented: &str) -> Option<KeyKind> {
        [KeyKind::Secret, KeyKind::Public].into_iter().find(|k| {
            presented
                .strip_prefix(k.prefix())
                .is_some_and(|rest| rest.len() == KEY_RANDOM_BYTES * 2 && rest.bytes().all(|b| b.is_ascii_hexdigit()))
        })
    }
}

/// A freshly made key: the plain text (to show once), and what is stored.
#[derive(Debug)]
pub struct NewKey {
    pub kind: KeyKind,
    pub plain: Secret<String>,
    pub hash: String,
    /// The first characters, kept so people can tell their keys apart in listings.
    pub display_prefix: String,
}

impl NewKey {
    pub fn from_random(kind: KeyKind, random: [u8; KEY_RANDOM_BYTES]) -> NewKey {
        let plain = format!("{}{}", kind.prefix(), hex::encode(random));
        let hash = hash_key(&plain);
        let display_prefix = format!("{}…", &plain[..kind.prefix().len() + 6]);
        NewKey {
            kind,
            plain: Secret::new(plain),
            hash,
            display_prefix,
        }
    }
}

/// The stored form of a key: lowercase hex SHA-256 of the whole key string.
pub fn hash_key(plain: &str) -> String {
    hex::encode(Sha256::digest(plain.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_have_their_prefix_and_are_recognised() {
        let k = NewKey::from_random(KeyKind::Secret, [7; KEY_RANDOM_BYTES]);
        let plain = k.plain.expose();
        assert!(plain.starts_with("sk_live_"));
        assert_eq!(plain.len(), 8 + 48);
        assert_eq!(KeyKind::of(plain), Some(KeyKind::Secret));
        assert_eq!(k.hash, hash_key(plain));
        assert_ne!(k.hash, *plain);
        let p = NewKey::from_random(KeyKind::Public, [9; KEY_RANDOM_BYTES]);
        assert_eq!(KeyKind::of(p.plain.expose()), Some(KeyKind::Public));
        assert!(format!("{k:?}").contains("[redacted]"));
        assert!(!format!("{k:?}").contains(plain.as_str()));
    }

    #[test]
    fn malformed_keys_are_not_recognised() {
        assert_eq!(KeyKind::of("sk_live_short"), None);
        assert_eq!(KeyKind::of(""), None);
        assert_eq!(KeyKind::of(&format!("sk_test_{}", "a".repeat(48))), None);
        assert_eq!(KeyKind::of(&format!("sk_live_{}", "g".repeat(48))), None);
    }
}
