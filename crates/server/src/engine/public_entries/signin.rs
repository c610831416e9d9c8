//! Coming back from the confirmation e-mail: its link carries the participant's `user_id`, an
//! expiry and an HMAC of both under a key derived from the server's signing key, so following it
//! (on any device) signs the entrant in: the page gets a fresh participant token for its cookie
//! and shows their entries and remaining methods instead of a new form. The link names no
//! e-mail address and no token, and cannot be made for another participant without the key.

use super::{new_participant_token, participant_token_key};
use crate::engine::{Engine, EngineError, EngineResult};
use fairdraw_store::StoreError;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

/// How long a sign-in link works after its e-mail is sent: 90 days.
pub const SIGNIN_LINK_TTL_MS: i64 = 90 * 24 * 3600 * 1000;

impl Engine {
    /// The HMAC key of sign-in links: derived from the signing key's seed, under its own label,
    /// so it is never the key of anything else.
    fn signin_key(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(b"fairdraw sign-in links v1\0");
        h.update(self.signing_key().to_seed());
        let mut key = [0u8; 32];
        key.copy_from_slice(&h.finalize());
        key
    }

    fn signin_mac(&self, giveaway_id: i64, user_id: &str, expires_ms: i64) -> Hmac<Sha256> {
        let mut mac =
            <Hmac<Sha256> as KeyInit>::new_from_slice(&self.signin_key()).expect("HMAC takes a key of any length");
        mac.update(format!("{giveaway_id}\n{user_id}\n{expires_ms}").as_bytes());
        mac
    }

    /// The query of a sign-in link to the giveaway's page (`/view/{id}-{slug}/signin?…`).
    pub fn signin_query(&self, giveaway_id: i64, user_id: &str) -> String {
        let expires = self.now_ms().saturating_add(SIGNIN_LINK_TTL_MS);
        let sig = hex::encode(self.signin_mac(giveaway_id, user_id, expires).finalize().into_bytes());
        let user: String = user_id
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
            .collect();
        format!("u={user}&e={expires}&s={sig}")
    }

    /// Follows a sign-in link: a fresh participant token when the link is genuine, not expired,
    /// and names an active participant of the giveaway; `NotFound` otherwise (one answer for
    /// every failure, so the link reveals nothing).
    pub async fn sign_in(&self, giveaway_id: i64, user_id: &str, expires_ms: i64, sig: &str) -> EngineResult<String> {
        let refused = || EngineError::NotFound("Sign-in link");
        let sig = hex::decode(sig.trim()).map_err(|_| refused())?;
        if expires_ms < self.now_ms() {
            return Err(refused());
        }
        self.signin_mac(giveaway_id, user_id, expires_ms)
            .verify_slice(&sig)
            .map_err(|_| refused())?;
        let p = match self.db().participant_by_user_id(giveaway_id, user_id).await {
            Ok(p) => p,
            Err(StoreError::NotFound) => return Err(refused()),
            Err(e) => return Err(e.into()),
        };
        if p.status != "active" {
            return Err(refused());
        }
        let now = self.now_ms();
        let (token, key) = new_participant_token(now);
        debug_assert_eq!(key, participant_token_key(&token));
        self.db().add_participant_token(p.id, &key, now).await?;
        Ok(token)
    }
}
