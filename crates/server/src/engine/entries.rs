//! Recording entries, shared by every way an entry arrives (the public entry endpoint, manual
//! and bulk creation on `/v2`, bonus grants). Rules that need the caller's context are checked
//! by the caller; the limits that races could slip past are checked in the writer's
//! transaction.

use super::{Engine, EngineResult, Giveaway, random_bytes};
use fairdraw_store::entries::{Entrant, EntryLimits, NewEntry, Outcome, PublicExtras, Recording};

/// A random (version 4) UUID: a participant's public id.
pub fn new_user_id() -> String {
    let mut b: [u8; 16] = random_bytes();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// A short code for referral links: 10 characters of an alphabet without look-alikes.
pub fn new_referral_code() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let bytes: [u8; 10] = random_bytes();
    // 31 symbols: the modulo bias is under 1%, irrelevant for an identifier that is not a secret.
    bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}

impl Engine {
    /// Records `entries` for `entrant` on `g`, creating the participant if needed, through the
    /// batching writer. `Ok(Err(refusal))` when a limit or the participant's status refuses it.
    pub async fn record_entries(
        &self,
        g: &Giveaway,
        entrant: Entrant,
        entries: Vec<NewEntry>,
    ) -> EngineResult<Outcome> {
        self.record_entries_with(g, entrant, entries, None).await
    }

    /// [`Engine::record_entries`] with the public entry endpoint's part of the transaction.
    pub(crate) async fn record_entries_with(
        &self,
        g: &Giveaway,
        entrant: Entrant,
        entries: Vec<NewEntry>,
        public: Option<PublicExtras>,
    ) -> EngineResult<Outcome> {
        let limits = EntryLimits {
            max_participants: i64::from(g.rules_config.max_total_participants),
            max_entries_per_user: i64::from(g.rules_config.max_entries_per_user),
        };
        let recording = Recording {
            giveaway_id: g.id(),
            entrant,
            entries,
            limits,
            new_user_id: new_user_id(),
            new_referral_code: new_referral_code(),
            now: self.now_ms(),
            public,
        };
        Ok(self.entry_writer().record(recording).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_their_shapes() {
        let id = new_user_id();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"));
        assert_ne!(new_user_id(), id);
        let code = new_referral_code();
        assert_eq!(code.len(), 10);
        assert!(code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
    }
}
