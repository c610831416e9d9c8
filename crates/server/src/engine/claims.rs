//! Winners who must claim (issue 15): the claim link, the claim with its encrypted answers, and
//! the forfeit of a win (not claimed in time, or disqualified) with its replacement by the next
//! alternate of the same draw, in the certificate's order (`fairdraw_core::claims`).
//!
//! **The link is HMAC-signed, not a stored random token.** The winner e-mail is written by a
//! job when it runs, and the webhook payload in the transaction that makes the win; both must
//! produce the link without the link being stored anywhere (a bearer secret in the jobs table or
//! a column is one more thing to leak). `{winner_id}.{HMAC-SHA256(key, "claim:" ‖ id)[..16]}`
//! can be recomputed whenever needed, checked in constant time, and carries nothing else; it
//! stops working when the win does (the claim's state is checked on every use).
//!
//! **Answers are sealed** with XChaCha20-Poly1305 (random 192-bit nonces are safe at any volume)
//! under a key of the instance, bound to the win's id as associated data so a sealed answer
//! cannot be moved to another win. Both keys derive from one 32-byte secret in the data
//! directory (`claims.key`), kept like the draw-signing key: every instance sharing the
//! database must share it.

use super::draws::{RandomRequest, award};
use super::{Engine, EngineError, EngineResult, Giveaway, Principal};
use chacha20poly1305::aead::{Aead, KeyInit as AeadKeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use fairdraw_core::claims::{ClaimConfig, ClaimStatus, Forfeit, MAX_REASON, Replacement, next_alternate};
use fairdraw_core::time::format_utc;
use fairdraw_core::validation::FieldErrors;
use fairdraw_store::StoreError;
use fairdraw_store::claims::{ClaimRow, NewReplacement};
use fairdraw_store::draws::{OpenPrize, ParticipantKey, PickedBy, WinnersTx};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The file in the data dir holding the secret the claim keys derive from (32 bytes, hex).
pub const CLAIM_KEY_FILE: &str = "claims.key";
/// Bytes of the HMAC kept in a link: 128 bits.
const TAG_LEN: usize = 16;
const NONCE_LEN: usize = 24;

/// The instance's claim keys and where its links point.
pub struct ClaimKeys {
    token: [u8; 32],
    answers: [u8; 32],
    public_url: String,
}

impl std::fmt::Debug for ClaimKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClaimKeys")
            .field("public_url", &self.public_url)
            .finish_non_exhaustive()
    }
}

fn hmac(key: &[u8], parts: &[&[u8]]) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes a key of any length");
    for p in parts {
        mac.update(p);
    }
    mac
}

fn derive(secret: &[u8; 32], label: &str) -> [u8; 32] {
    hmac(secret, &[label.as_bytes()]).finalize().into_bytes().into()
}

impl ClaimKeys {
    /// Keys derived from the instance's secret, one per use.
    pub fn new(secret: &[u8; 32], public_url: &str) -> ClaimKeys {
        ClaimKeys {
            token: derive(secret, "fairdraw/claim-link/v1"),
            answers: derive(secret, "fairdraw/claim-answers/v1"),
            public_url: public_url.trim_end_matches('/').to_owned(),
        }
    }

    /// The token of a win's claim link.
    pub fn token(&self, winner_id: i64) -> String {
        let tag = hmac(&self.token, &[b"claim:", winner_id.to_string().as_bytes()])
            .finalize()
            .into_bytes();
        format!("{winner_id}.{}", hex::encode(&tag[..TAG_LEN]))
    }

    /// The win a token names, if its signature holds.
    pub fn verify(&self, token: &str) -> Option<i64> {
        let (id, tag) = token.split_once('.')?;
        if id.is_empty() || id.len() > 19 || !id.bytes().all(|b| b.is_ascii_digit()) || tag.len() != 2 * TAG_LEN {
            return None;
        }
        let winner_id: i64 = id.parse().ok()?;
        let tag = hex::decode(tag).ok()?;
        hmac(&self.token, &[b"claim:", winner_id.to_string().as_bytes()])
            .verify_truncated_left(&tag)
            .ok()?;
        Some(winner_id)
    }

    /// The page a winner claims on.
    pub fn claim_url(&self, winner_id: i64) -> String {
        format!("{}/claim/{}", self.public_url, self.token(winner_id))
    }

    fn aad(winner_id: i64) -> Vec<u8> {
        format!("fairdraw claim answers v1:{winner_id}").into_bytes()
    }

    /// Seals a claim's answers: nonce ‖ ciphertext.
    pub fn seal(&self, winner_id: i64, answers: &BTreeMap<String, String>) -> EngineResult<Vec<u8>> {
        let plain = serde_json::to_vec(answers).map_err(|e| internal(format!("answers JSON: {e}")))?;
        let nonce: [u8; NONCE_LEN] = super::random_bytes();
        let cipher = XChaCha20Poly1305::new((&self.answers).into());
        let sealed = cipher
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: &plain,
                    aad: &Self::aad(winner_id),
                },
            )
            .map_err(|_| internal("sealing claim answers failed".to_owned()))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// Opens sealed answers of a win.
    pub fn open(&self, winner_id: i64, sealed: &[u8]) -> EngineResult<BTreeMap<String, String>> {
        if sealed.len() < NONCE_LEN {
            return Err(internal(format!("win {winner_id}: sealed answers too short")));
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().expect("split at the nonce's length");
        let cipher = XChaCha20Poly1305::new((&self.answers).into());
        let plain = cipher
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: body,
                    aad: &Self::aad(winner_id),
                },
            )
            .map_err(|_| {
                internal(format!(
                    "win {winner_id}: claim answers do not open with this instance's key"
                ))
            })?;
        serde_json::from_slice(&plain).map_err(|e| internal(format!("win {winner_id}: answers JSON: {e}")))
    }
}

fn internal(message: String) -> EngineError {
    EngineError::Internal(message.into())
}

/// Reads the instance's claim secret, creating it on first start (like the signing key).
pub fn load_or_create_claim_secret(data_dir: &std::path::Path) -> std::io::Result<[u8; 32]> {
    let path = data_dir.join(CLAIM_KEY_FILE);
    let invalid = |m: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{}: {m}", path.display()));
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let bytes = hex::decode(text.trim()).map_err(|_| invalid("not hex"))?;
            bytes.try_into().map_err(|_| invalid("expected 32 bytes"))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(data_dir)?;
            let secret: [u8; 32] = super::random_bytes();
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            match options.open(&path) {
                Ok(mut f) => {
                    use std::io::Write;
                    f.write_all(hex::encode(secret).as_bytes())?;
                    tracing::info!(path = %path.display(), "created the claim key");
                    Ok(secret)
                }
                // Another instance on this data dir created it first: use theirs.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => load_or_create_claim_secret(data_dir),
                Err(e) => Err(e),
            }
        }
        Err(e) => Err(e),
    }
}

/// A giveaway's claim rules for the wins a transaction makes.
pub(super) struct ClaimSetup {
    config: ClaimConfig,
    keys: Option<std::sync::Arc<ClaimKeys>>,
}

impl ClaimSetup {
    pub(super) fn required(&self) -> bool {
        self.config.required()
    }

    /// Makes a new win one that must be claimed, when the giveaway says so; returns what the
    /// `winner.picked` event adds (the deadline, and the link when notifying by webhook).
    pub(super) async fn require(&self, tx: &mut WinnersTx, winner_id: i64, now: i64) -> EngineResult<Option<Value>> {
        if !self.required() {
            return Ok(None);
        }
        let deadline = self.config.deadline_from(now);
        tx.require_claim(winner_id, deadline, now).await?;
        let mut extra = json!({ "claim_status": "pending", "claim_deadline": format_utc(deadline) });
        if self.config.notify.by_webhook() {
            let keys = self
                .keys
                .as_ref()
                .ok_or_else(|| internal("claim keys are not set".to_owned()))?;
            extra["claim_url"] = json!(keys.claim_url(winner_id));
        }
        Ok(Some(extra))
    }
}

/// A claim as the claim page and API show it.
#[derive(Clone, Debug)]
pub struct ClaimView {
    pub winner_id: i64,
    pub giveaway_title: String,
    pub name: String,
    pub prize_name: Option<String>,
    /// pending, claimed, expired or disqualified.
    pub status: ClaimStatus,
    pub deadline: Option<i64>,
    pub claimed_at: Option<i64>,
    pub config: ClaimConfig,
}

/// What a forfeit did.
#[derive(Clone, Debug)]
pub struct ReplacementOutcome {
    pub replaced_winner_id: i64,
    /// The new win (an alternate's, or a new round's winner); `None` when nobody was left.
    pub new_winner_id: Option<i64>,
    pub new_user_id: Option<String>,
    pub alternate_position: Option<usize>,
    /// The new round's public id, when one was drawn.
    pub new_draw: Option<String>,
}

fn parse_config(raw: Option<&str>, giveaway_id: i64) -> ClaimConfig {
    raw.map(|c| {
        serde_json::from_str(c).unwrap_or_else(|e| {
            tracing::error!(giveaway = giveaway_id, error = %e, "stored claim rules do not parse; none apply");
            ClaimConfig::default()
        })
    })
    .unwrap_or_default()
}

fn winner_not_found(e: StoreError) -> EngineError {
    match e {
        StoreError::NotFound => EngineError::NotFound("Winner"),
        other => other.into(),
    }
}

impl Engine {
    /// Plugs in the claim keys (once; a second call is ignored).
    pub fn set_claim_keys(&self, keys: ClaimKeys) {
        let _ = self.inner.claim_keys.set(std::sync::Arc::new(keys));
    }

    fn claim_keys(&self) -> EngineResult<&std::sync::Arc<ClaimKeys>> {
        self.inner
            .claim_keys
            .get()
            .ok_or_else(|| internal("claim keys are not set".to_owned()))
    }

    /// The claim link of a win (for the winner e-mail).
    pub fn claim_url(&self, winner_id: i64) -> EngineResult<String> {
        Ok(self.claim_keys()?.claim_url(winner_id))
    }

    /// The giveaway's claim rules, for a transaction that makes wins.
    pub(super) async fn claim_setup(&self, tx: &mut WinnersTx) -> EngineResult<ClaimSetup> {
        let raw = tx.claim_config().await?;
        Ok(ClaimSetup {
            config: parse_config(raw.as_deref(), 0),
            keys: self.inner.claim_keys.get().cloned(),
        })
    }

    /// A giveaway's claim rules.
    pub async fn claim_config(&self, giveaway_id: i64) -> EngineResult<ClaimConfig> {
        let raw = self.db().claim_config(giveaway_id).await?;
        Ok(parse_config(raw.as_deref(), giveaway_id))
    }

    /// Validates the claim fields of a create or update body against the current rules.
    pub(super) async fn patched_claim(
        &self,
        giveaway_id: Option<i64>,
        patch: fairdraw_core::claims::ClaimPatch,
    ) -> EngineResult<Option<ClaimConfig>> {
        if patch.is_empty() {
            return Ok(None);
        }
        let current = match giveaway_id {
            Some(id) => self.claim_config(id).await?,
            None => ClaimConfig::default(),
        };
        Ok(Some(current.apply(patch)?))
    }

    /// Stores a giveaway's claim rules.
    pub(super) async fn store_claim(&self, giveaway_id: i64, config: &ClaimConfig) -> EngineResult<()> {
        let json = serde_json::to_string(config).map_err(|e| internal(format!("claim rules JSON: {e}")))?;
        self.db().set_claim_config(giveaway_id, Some(&json)).await?;
        Ok(())
    }

    async fn claim_by_token(&self, token: &str) -> EngineResult<ClaimRow> {
        let winner_id = self.claim_keys()?.verify(token).ok_or(EngineError::NotFound("Claim"))?;
        let row = self.db().claim_of(winner_id).await?;
        row.filter(|r| r.claim_status.is_some())
            .ok_or(EngineError::NotFound("Claim"))
    }

    fn claim_view(row: ClaimRow) -> ClaimView {
        let config = parse_config(row.claim_config.as_deref(), row.giveaway_id);
        ClaimView {
            winner_id: row.winner_id,
            giveaway_title: row.giveaway_title,
            name: row.name,
            prize_name: row.prize_name,
            status: row
                .claim_status
                .as_deref()
                .and_then(ClaimStatus::parse)
                .unwrap_or(ClaimStatus::Pending),
            deadline: row.claim_deadline,
            claimed_at: row.claimed_at,
            config,
        }
    }

    /// The claim a link names; "Claim not found." for a link that is not one of ours.
    pub async fn claim(&self, token: &str) -> EngineResult<ClaimView> {
        let row = self.claim_by_token(token).await?;
        let mut view = Self::claim_view(row);
        // A deadline passed shows as expired even before the job has run.
        if view.status == ClaimStatus::Pending && view.deadline.is_some_and(|d| d <= self.now_ms()) {
            view.status = ClaimStatus::Expired;
        }
        Ok(view)
    }

    /// Claims a win with the answers the giveaway asks for (question id → text). The answers
    /// are sealed before they are stored, and never logged.
    pub async fn submit_claim(&self, token: &str, answers: &BTreeMap<String, String>) -> EngineResult<ClaimView> {
        let view = self.claim(token).await?;
        if let Some(refusal) = view.status.refusal() {
            return Err(EngineError::Conflict(refusal.to_owned()));
        }
        let clean = view.config.answers(answers)?;
        let sealed = self.claim_keys()?.seal(view.winner_id, &clean)?;
        if !self.db().record_claim(view.winner_id, &sealed, self.now_ms()).await? {
            // The deadline passed, or the win ended, between the read and the write.
            return Err(EngineError::Conflict("This prize can no longer be claimed.".to_owned()));
        }
        self.claim(token).await
    }

    /// The answers of a claimed win, opened, for its organiser.
    pub async fn claim_answers(
        &self,
        who: &Principal,
        giveaway_id: i64,
        winner_id: i64,
    ) -> EngineResult<(ClaimView, BTreeMap<String, String>)> {
        let g = self.owned_giveaway(who, giveaway_id).await?;
        let row = self
            .db()
            .claim_of(winner_id)
            .await?
            .filter(|r| r.giveaway_id == g.id())
            .ok_or(EngineError::NotFound("Winner"))?;
        let view = Self::claim_view(row);
        let answers = match self.db().claim_answers(g.id(), winner_id).await? {
            Some(sealed) => self.claim_keys()?.open(winner_id, &sealed)?,
            None => BTreeMap::new(),
        };
        Ok((view, answers))
    }

    /// `POST /v2/giveaways/{id}/winners/{winner_id}/disqualify`: ends a current win and promotes
    /// the next alternate of its draw (or draws a new round when none is left).
    pub async fn disqualify_winner(
        &self,
        who: &Principal,
        giveaway_id: i64,
        winner_id: i64,
        reason: Option<String>,
    ) -> EngineResult<ReplacementOutcome> {
        let g = self.owned_giveaway(who, giveaway_id).await?;
        let reason = reason.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty());
        if reason.as_ref().is_some_and(|r| r.chars().count() > MAX_REASON) {
            return Err(FieldErrors::one("reason", format!("Must be at most {MAX_REASON} characters.")).into());
        }
        let actor = format!("api_key:{}", who.key_id);
        self.forfeit_and_replace(&g, winner_id, Forfeit::Disqualified, reason.as_deref(), &actor)
            .await?
            .ok_or(EngineError::NotFound("Winner"))
    }

    /// Forfeits a win whose claim deadline has passed, and replaces it. Safe to call from any
    /// number of instances at once: exactly one forfeits it; the others find nothing to do.
    pub async fn expire_claim(&self, winner_id: i64) -> EngineResult<Option<ReplacementOutcome>> {
        let Some(row) = self.db().claim_of(winner_id).await? else {
            return Ok(None);
        };
        let g = match self.db().giveaway(row.giveaway_id).await {
            Ok(g) => self.view(g),
            Err(StoreError::NotFound) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        self.forfeit_and_replace(&g, winner_id, Forfeit::Expired, None, "scheduler")
            .await
    }

    /// Expires every pending claim whose deadline has passed (the scheduler's sweep beside the
    /// deadline jobs). Returns how many wins were forfeited here.
    pub async fn expire_due_claims(&self) -> EngineResult<usize> {
        let due = self.db().due_claims(self.now_ms(), 50).await?;
        let mut done = 0;
        for (winner_id, _) in due {
            if self.expire_claim(winner_id).await?.is_some() {
                done += 1;
            }
        }
        Ok(done)
    }

    /// The promotion, in one transaction under the giveaway's lock: forfeit the win (if it still
    /// can be), pick the next alternate by the rule, award them the forfeited prize, and record
    /// the replacement with its events. `None` when the win could not be forfeited.
    async fn forfeit_and_replace(
        &self,
        g: &Giveaway,
        winner_id: i64,
        reason: Forfeit,
        note: Option<&str>,
        actor: &str,
    ) -> EngineResult<Option<ReplacementOutcome>> {
        let now = self.now_ms();
        let keys = self.claim_keys()?.clone();
        let mut tx = self.db().begin_winners(g.id()).await.map_err(winner_not_found)?;
        let Some(f) = tx.forfeit(winner_id, reason, note, now).await? else {
            return Ok(None);
        };
        let old_user_id = tx.user_id_of(f.participant_id).await?;
        let ever: HashSet<String> = tx.ever_won().await?.into_iter().collect();
        let (extras, draw) = match f.draw_id {
            Some(d) => (tx.draw_extras(d).await?, Some(tx.draw_public(d).await?)),
            None => (Vec::new(), None),
        };
        let mut eligible: HashMap<String, i64> = HashMap::new();
        for id in extras.iter().filter(|id| !ever.contains(id.as_str())) {
            if let Some(s) = tx.standing(ParticipantKey::UserId(id)).await?
                && s.status == "active"
                && s.is_verified != 0
                && s.valid_entries >= 1
            {
                eligible.insert(id.clone(), s.participant_id);
            }
        }
        let prizes = match f.prize_id {
            Some(id) => vec![OpenPrize {
                id,
                remaining: 1,
                redemption_switch: tx.prize_gives_codes(id).await?,
            }],
            None => Vec::new(),
        };
        let claim = self.claim_setup(&mut tx).await?;
        let mut outcome = ReplacementOutcome {
            replaced_winner_id: winner_id,
            new_winner_id: None,
            new_user_id: None,
            alternate_position: None,
            new_draw: None,
        };
        let mut new_draw_id = None;
        let mut verify_url = draw
            .as_ref()
            .map(|(_, hash)| format!("{}/verify/{hash}", keys.public_url));
        match next_alternate(&extras, |id| ever.contains(id), |id| eligible.contains_key(id)) {
            Replacement::Alternate { position, candidate_id } => {
                let (draw_id, (public_id, _)) = (f.draw_id.zip(draw.clone()))
                    .ok_or_else(|| internal(format!("win {winner_id}: an alternate without a draw")))?;
                let by = PickedBy {
                    draw_public_id: &public_id,
                    verify_url: verify_url.as_deref().unwrap_or_default(),
                };
                let new_id = award(
                    &mut tx,
                    eligible[&candidate_id],
                    Some((draw_id, by)),
                    prizes.first(),
                    &claim,
                    now,
                )
                .await?;
                tx.set_replaces(new_id, winner_id).await?;
                outcome.new_winner_id = Some(new_id);
                outcome.new_user_id = Some(candidate_id);
                outcome.alternate_position = Some(position);
            }
            Replacement::Exhausted => {
                let seed = self.committed_seed(g).await?;
                // A giveaway on a beacon draws its new round on the same (already public) round.
                let drand = self.named_beacon(g).await?;
                let req = RandomRequest {
                    count: 1,
                    min_entries: 0,
                    exclude_previous_winners: true,
                    alternates: None,
                    exclude_past_winners: true,
                };
                match self
                    .draw_in(
                        &mut tx,
                        g,
                        seed,
                        drand,
                        req,
                        Some(prizes.clone()),
                        &keys.public_url,
                        actor_key_id(actor),
                    )
                    .await
                {
                    Ok((d, ids)) => {
                        if let Some(&new_id) = ids.first() {
                            tx.set_replaces(new_id, winner_id).await?;
                            outcome.new_winner_id = Some(new_id);
                            outcome.new_user_id = d.winners.first().map(|p| p.user_id.clone());
                        }
                        new_draw_id = Some(d.draw_id);
                        verify_url = Some(d.links.verify_url.clone());
                        outcome.new_draw = Some(d.public_id);
                    }
                    // Nobody is left to draw: the forfeit stands, recorded without a successor.
                    Err(EngineError::Validation(_)) => {}
                    Err(e) => return Err(e),
                }
            }
        }
        let replacement = NewReplacement {
            draw_id: f.draw_id,
            old_winner_id: winner_id,
            old_candidate_id: &old_user_id,
            reason: reason.as_str(),
            note,
            actor,
            new_winner_id: outcome.new_winner_id,
            new_candidate_id: outcome.new_user_id.as_deref(),
            alternate_position: outcome.alternate_position.map(|p| p as i64),
            new_draw_id,
        };
        let data = json!({
            "giveaway_id": g.id(),
            "reason": reason.as_str(),
            "note": note,
            "replaced": { "winner_id": winner_id, "user_id": old_user_id },
            "replacement": outcome.new_winner_id.map(|id| json!({ "winner_id": id, "user_id": outcome.new_user_id })),
            "alternate_position": outcome.alternate_position,
            "draw_id": draw.as_ref().map(|(p, _)| p.clone()),
            "new_round_draw_id": outcome.new_draw,
            "verify_url": verify_url,
            "replaced_at": format_utc(now),
        });
        let expired = (reason == Forfeit::Expired).then(|| {
            json!({
                "giveaway_id": g.id(),
                "winner_id": winner_id,
                "user_id": old_user_id,
                "expired_at": format_utc(now),
            })
        });
        // Ids only: the organiser's note may name the person.
        let audit = fairdraw_store::audit::AuditEvent {
            brand_id: g.row.brand_id,
            actor_key_id: actor_key_id(actor),
            action: format!("winner.{}", reason.as_str()),
            giveaway_id: Some(g.id()),
            details: json!({
                "winner_id": winner_id,
                "replacement_winner_id": outcome.new_winner_id,
                "alternate_position": outcome.alternate_position,
                "new_round_draw": outcome.new_draw,
            }),
        };
        tx.audit(&audit, now).await?;
        tx.record_replacement(&replacement, &data, expired.as_ref(), now)
            .await?;
        tx.commit().await?;
        tracing::info!(
            giveaway = g.id(),
            winner = winner_id,
            reason = reason.as_str(),
            replacement = ?outcome.new_winner_id,
            "replaced a forfeited win"
        );
        Ok(Some(outcome))
    }
}

/// The API key named by a replacement's `actor` (`api_key:{id}`); `None` for the scheduler.
fn actor_key_id(actor: &str) -> Option<i64> {
    actor.strip_prefix("api_key:").and_then(|id| id.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actors_name_their_key() {
        assert_eq!(actor_key_id("api_key:12"), Some(12));
        assert_eq!(actor_key_id("scheduler"), None);
    }

    #[test]
    fn links_verify_only_as_signed() {
        let keys = ClaimKeys::new(&[7; 32], "https://x.test/");
        let t = keys.token(42);
        assert_eq!(keys.verify(&t), Some(42));
        assert_eq!(keys.claim_url(42), format!("https://x.test/claim/{t}"));
        let other = ClaimKeys::new(&[8; 32], "https://x.test");
        assert_eq!(other.verify(&t), None);
        let (_, tag) = t.split_once('.').unwrap();
        for bad in [
            format!("43.{tag}"),
            "42".to_owned(),
            format!("42.{}", &tag[2..]),
            "x.y".to_owned(),
            String::new(),
        ] {
            assert_eq!(keys.verify(&bad), None, "{bad}");
        }
    }

    #[test]
    fn answers_seal_and_open_bound_to_their_win() {
        let keys = ClaimKeys::new(&[7; 32], "https://x.test");
        let answers: BTreeMap<String, String> = [("address".to_owned(), "1 Main St".to_owned())].into();
        let sealed = keys.seal(5, &answers).unwrap();
        assert!(!sealed.windows(9).any(|w| w == b"1 Main St"));
        assert_eq!(keys.open(5, &sealed).unwrap(), answers);
        assert!(keys.open(6, &sealed).is_err());
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert!(keys.open(5, &tampered).is_err());
        assert_ne!(keys.seal(5, &answers).unwrap(), sealed, "a fresh nonce each time");
    }
}
