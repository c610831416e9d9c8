//! The brand's external signing secret: it signs the winner lists sent to the partner
//! (`X-Fairdraw-Signature: sha256=…`) and the chat-widget links (`sig`), so nobody can join as
//! another user. `fairdraw brands secret <brand>` shows it once, or rotates it.

use crate::engine::{Engine, EngineResult, random_bytes};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// `hex(HMAC-SHA256(secret, message))`.
pub fn sign_hex(secret: &str, message: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(message);
    hex::encode(mac.finalize().into_bytes())
}

/// The widget's `sig` for `user_id`: `hex(HMAC-SHA256(secret, user_id))`.
pub fn widget_sig(secret: &str, user_id: &str) -> String {
    sign_hex(secret, user_id.as_bytes())
}

/// Compares in constant time, so a wrong `sig` tells nothing about the right one.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn new_secret() -> String {
    format!("whsec_{}", hex::encode(random_bytes::<24>()))
}

impl Engine {
    /// The brand's secret, made on first use.
    pub async fn ensure_external_secret(&self, brand_id: i64) -> EngineResult<String> {
        if let Some(s) = self.db().external_secret(brand_id).await? {
            return Ok(s);
        }
        self.db()
            .put_external_secret(brand_id, &new_secret(), false, self.now_ms())
            .await?;
        // Another request may have made it first; the stored one wins.
        self.db()
            .external_secret(brand_id)
            .await?
            .ok_or_else(|| crate::engine::EngineError::Internal("the external secret vanished".into()))
    }

    /// For the CLI: the brand's secret (made now if it had none), or a new one in its place.
    pub async fn external_secret(&self, brand_id: i64, rotate: bool) -> EngineResult<String> {
        self.db().brand(brand_id).await.map_err(|e| match e {
            fairdraw_store::StoreError::NotFound => crate::engine::EngineError::NotFound("Brand"),
            other => other.into(),
        })?;
        if rotate {
            let secret = new_secret();
            self.db()
                .put_external_secret(brand_id, &secret, true, self.now_ms())
                .await?;
            return Ok(secret);
        }
        self.ensure_external_secret(brand_id).await
    }

    /// Whether `sig` is the widget signature of `user_id` for the brand.
    pub async fn widget_sig_ok(&self, brand_id: i64, user_id: &str, sig: &str) -> EngineResult<bool> {
        let Some(secret) = self.db().external_secret(brand_id).await? else {
            return Ok(false);
        };
        Ok(same(&widget_sig(&secret, user_id), &sig.to_ascii_lowercase()))
    }
}

impl Engine {
    /// The caller of an `/external` request: a secret key, and the public key of the same
    /// brand. Unknown, revoked or mismatched keys are all "invalid".
    pub async fn authenticate_external(
        &self,
        public_key: &str,
        secret_key: &str,
    ) -> EngineResult<crate::engine::Principal> {
        use fairdraw_core::apikey::{KeyKind, hash_key};
        let invalid = || crate::engine::EngineError::Unauthorized("Invalid API key.".to_owned());
        let principal = self.authenticate_secret(secret_key).await?;
        if KeyKind::of(public_key) != Some(KeyKind::Public) {
            return Err(invalid());
        }
        self.key_owner(&hash_key(public_key))
            .await?
            .filter(|o| o.kind == KeyKind::Public.as_str() && o.brand_id == principal.brand_id)
            .ok_or_else(invalid)?;
        Ok(principal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures() {
        // RFC 4231 test case 2.
        assert_eq!(
            sign_hex("Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert!(same("abc", "abc") && !same("abc", "abd") && !same("abc", "ab"));
    }
}
