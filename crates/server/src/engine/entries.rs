//! Recording entries, shared by every way an entry arrives (the public entry endpoint, manual
//! and bulk creation on `/v2`, bonus grants). Rules that need the caller's context are checked
//! by the caller; the limits that races could slip past are checked in the writer's
//! transaction.

use super::{Engine, EngineResult, Giveaway, random_bytes};
use fairdraw_store::audit::AuditEvent;
use fairdraw_store::entries::{Entrant, EntryLimits, NewEntry, Outcome, PublicExtras, Recording};

/// A participant's public id: a version 7 UUID (RFC 9562), the creation time in milliseconds
/// followed by 74 random bits. Ids made one after another sort together, so the unique index on
/// them grows at its end instead of rewriting a random page of it for every new participant
/// (under load that was most of what the entry writer wrote to disk).
pub fn new_user_id(now_ms: i64) -> String {
    let mut b: [u8; 16] = random_bytes();
    let time = u64::try_from(now_ms).unwrap_or(0).to_be_bytes();
    b[..6].copy_from_slice(&time[2..]);
    b[6] = (b[6] & 0x0f) | 0x70;
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

/// A code for referral links: the creation time in milliseconds (9 characters), then 6 random
/// ones, from an alphabet without look-alikes. Codes made one after another sort together, so
/// the unique index on them grows at its end instead of taking a random page for each new
/// participant. Two codes collide only if made in the same millisecond with the same random
/// part (about 1 in 900 million); the writer then tries again with fresh ones.
pub fn new_referral_code(now_ms: i64) -> String {
    const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
    const BASE: u64 = ALPHABET.len() as u64;
    let mut code = [0u8; 15];
    // 31^9 ms is some 800 years: nine digits hold any time this server will see.
    let mut time = u64::try_from(now_ms).unwrap_or(0);
    for digit in code[..9].iter_mut().rev() {
        *digit = ALPHABET[(time % BASE) as usize];
        time /= BASE;
    }
    let random: [u8; 6] = random_bytes();
    // 31 symbols: the modulo bias is under 1%, irrelevant for an identifier that is not a secret.
    for (digit, b) in code[9..].iter_mut().zip(random) {
        *digit = ALPHABET[usize::from(b) % ALPHABET.len()];
    }
    code.iter().map(|&b| b as char).collect()
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
        self.record_through_writer(g, entrant, entries, public, None).await
    }

    /// [`Engine::record_entries`] for an organiser (a manual or bonus entry through `/v2`):
    /// `audit` is appended in the recording's transaction, completed with the participant's
    /// and the new entries' ids; a refused recording records nothing.
    pub(crate) async fn record_entries_audited(
        &self,
        g: &Giveaway,
        entrant: Entrant,
        entries: Vec<NewEntry>,
        audit: AuditEvent,
    ) -> EngineResult<Outcome> {
        self.record_through_writer(g, entrant, entries, None, Some(audit)).await
    }

    async fn record_through_writer(
        &self,
        g: &Giveaway,
        entrant: Entrant,
        entries: Vec<NewEntry>,
        public: Option<PublicExtras>,
        audit: Option<AuditEvent>,
    ) -> EngineResult<Outcome> {
        self.check_entries_open(g)?;
        let limits = EntryLimits {
            max_participants: i64::from(g.rules_config.max_total_participants),
            max_entries_per_user: i64::from(g.rules_config.max_entries_per_user),
        };
        let now = self.now_ms();
        let recording = Recording {
            giveaway_id: g.id(),
            entrant,
            entries,
            limits,
            new_user_id: new_user_id(now),
            new_referral_code: new_referral_code(now),
            now,
            public,
            audit,
        };
        Ok(self.entry_writer().record(recording).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_their_shapes() {
        // 2026-06-15T12:00:00Z
        let now = 1_781_524_800_000;
        let id = new_user_id(now);
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "7");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"));
        assert_eq!(&id[..13], format!("{:08x}-{:04x}", now >> 16, now & 0xffff));
        assert_ne!(new_user_id(now), id);
        // Later ids sort after earlier ones.
        assert!(new_user_id(now + 1) > id);
        let code = new_referral_code(now);
        assert_eq!(code.len(), 15);
        assert!(code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
        assert!(!code.contains(['0', '1', 'i', 'l', 'o']), "{code}");
        assert_eq!(&new_referral_code(now)[..9], &code[..9]);
        assert_ne!(new_referral_code(now), code);
        // The alphabet is in ASCII order, so later codes sort after earlier ones.
        assert!(new_referral_code(now + 1) > code);
        assert!(new_referral_code(now + 31 * 31) > new_referral_code(now + 31 * 31 - 1));
    }
}
