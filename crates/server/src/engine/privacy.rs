//! A person's data across the caller's brand: export (everything held, by e-mail) and erasure.
//! Draws stay verifiable after an erasure: pools and certificates name participants by their
//! random `user_id`, which an erasure keeps.

use super::audit::audit_event;
use super::{Engine, EngineError, EngineResult, Principal, random_bytes};
use fairdraw_core::validation::{ERASED_DOMAIN, Email, FieldErrors};
use fairdraw_store::jobs::NewJob;
use fairdraw_store::privacy::{Erased, Erasure, PersonData};
use serde_json::json;
use sha2::{Digest, Sha256};

/// The job an erasure queues to remove the person's e-mails from the outbox folder (where mail
/// goes when no SMTP server is configured). Its payload names the address by its digest alone.
pub const OUTBOX_ERASURE_JOB: &str = "privacy.outbox";

fn parse_email(raw: &str) -> EngineResult<Email> {
    Email::parse(raw).map_err(|m| FieldErrors::one("email", m).into())
}

/// What an erased address becomes: a hash of the address under a random salt that is not
/// kept, so it names nobody, shaped as an address no mail can reach (RFC 2606 `.invalid`).
fn pseudonym(email: &str, salt: &[u8; 16]) -> String {
    let mut h = Sha256::new();
    h.update(salt);
    h.update(email.as_bytes());
    let digest = hex::encode(h.finalize());
    format!("erased-{}@{ERASED_DOMAIN}", &digest[..32])
}

impl Engine {
    /// Everything the caller's brand holds about `email`; "Participant not found." when nothing.
    pub async fn export_person(&self, who: &Principal, email: &str) -> EngineResult<PersonData> {
        let email = parse_email(email)?;
        let data = self.db().person_data(who.brand_id, email.as_str()).await?;
        if data.is_empty() {
            return Err(EngineError::NotFound("Participant"));
        }
        Ok(data)
    }

    /// Erases `email` across the caller's brand (see `fairdraw_store::privacy::Db::erase_person`),
    /// recorded in the audit trail by participant ids. "Participant not found." when the brand
    /// holds nothing under that address (also when it was erased before).
    pub async fn erase_person(&self, who: &Principal, email: &str) -> EngineResult<Erased> {
        let email = parse_email(email)?;
        let alias = pseudonym(email.as_str(), &random_bytes());
        let erasure = Erasure {
            email: email.as_str(),
            pseudonym: &alias,
            then: NewJob::new(OUTBOX_ERASURE_JOB, json!({ "address_sha256": email.digest() })),
        };
        let audit = audit_event(who, "participant.erased", None, json!({}));
        let erased = self
            .db()
            .erase_person(who.brand_id, &erasure, &audit, self.now_ms())
            .await?;
        if erased.is_empty() {
            return Err(EngineError::NotFound("Participant"));
        }
        Ok(erased)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_hide_the_address_and_differ_by_salt() {
        let a = pseudonym("ann@example.com", &[1; 16]);
        let b = pseudonym("ann@example.com", &[2; 16]);
        assert_ne!(a, b);
        assert!(!a.contains("ann") && !a.contains("example"));
        assert!(a.ends_with("@erased.invalid") && Email::is_erased(&a));
        assert!(!Email::is_erased("ann@example.com"));
        assert!(Email::parse(&a).is_ok(), "{a}");
    }
}
