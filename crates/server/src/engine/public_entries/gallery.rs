//! Photo contests, the public side: uploading a photo completes the giveaway's "Upload a
//! Photo" method (through the same rules as any other method) and leaves a pending submission;
//! voting for an approved photo runs the rules that guard entries (the page's identity, VPNs,
//! the blacklist, the captcha, the duplicate-IP rule) and counts one vote per person per photo
//! per day. The owner's side (moderation, the "most voted" pick) is `engine/gallery.rs`.

use super::form::ActionInput;
use super::refusals::refused;
use super::{Origin, PublicError, PublicResult, Rule, check_captcha, local_today, participant_token_key, token_hash};
use crate::config::Config;
use crate::engine::{Engine, EngineError, random_bytes};
use fairdraw_core::entry_methods::UPLOAD_A_PHOTO;
use fairdraw_core::gallery::{PhotoError, PhotoLimits, VoteMode, caption, check_photo};
use fairdraw_core::lists::canonical_ip;
use fairdraw_core::validation::FieldErrors;
use fairdraw_store::entries::{Entrant, NewEntry};
use fairdraw_store::gallery::{NewSubmission, NewVote, VoteRefusal};

/// A photo sent from the page.
#[derive(Debug)]
pub struct PhotoUpload {
    pub participant_token: String,
    pub entry_method_id: Option<i64>,
    pub caption: Option<String>,
    /// The file's bytes, as sent (the surface stops reading past the configured limit).
    pub bytes: Vec<u8>,
}

/// An uploaded photo, waiting for moderation.
#[derive(Clone, Debug)]
pub struct PhotoSubmitted {
    pub entry_id: i64,
    pub total_entries: i64,
}

/// A vote from the page.
#[derive(Debug)]
pub struct VoteInput {
    pub participant_token: Option<String>,
    /// The photo's entry id.
    pub entry_id: Option<i64>,
    pub captcha_token: Option<String>,
}

/// A counted vote.
#[derive(Clone, Debug)]
pub struct VoteDone {
    pub votes: i64,
}

/// The photo's field name in errors (the page's file input).
pub const PHOTO_FIELD: &str = "photo";

impl Engine {
    /// Completes an "Upload a Photo" method with a photo: checked and stripped of its metadata
    /// first, so a refused photo records nothing; then the entry, then the photo and its pending
    /// submission (with the `gallery.submitted` event) tied to that entry.
    pub async fn submit_photo(
        &self,
        config: &Config,
        origin: &Origin,
        id: i64,
        input: PhotoUpload,
    ) -> PublicResult<PhotoSubmitted> {
        let limits = PhotoLimits {
            max_bytes: config.public.photo_max_bytes,
            max_pixels: config.public.photo_max_pixels,
        };
        let mut errors = FieldErrors::new();
        let caption = match caption(input.caption.as_deref()) {
            Ok(c) => c,
            Err(message) => {
                errors.add("caption", message);
                None
            }
        };
        let photo = match check_photo(&input.bytes, &limits) {
            Ok(p) => Some(p),
            Err(e) => {
                errors.add(PHOTO_FIELD, e.to_string());
                None
            }
        };
        errors.into_result()?;
        let photo =
            photo.ok_or_else(|| PublicError::from(FieldErrors::one(PHOTO_FIELD, PhotoError::Empty.to_string())))?;
        let cfg = self.live_giveaway(id).await?;
        let method = input
            .entry_method_id
            .and_then(|m| cfg.methods.iter().find(|x| x.id == m));
        if method.is_some_and(|m| m.method_type != UPLOAD_A_PHOTO) {
            return Err(FieldErrors::one("entry_method_id", "This entry method does not take a photo.").into());
        }
        let done = self
            .complete_method(
                config,
                origin,
                id,
                ActionInput {
                    participant_token: Some(input.participant_token),
                    entry_method_id: input.entry_method_id,
                    value: caption.clone(),
                },
                true,
            )
            .await?;
        let media_id = format!("g_{}", hex::encode(random_bytes::<12>()));
        let attached = self
            .db()
            .attach_photo(&NewSubmission {
                giveaway_id: id,
                brand_id: cfg.giveaway.row.brand_id,
                entry_id: done.entry_id,
                media_id: &media_id,
                ext: photo.ext,
                content_type: photo.content_type,
                bytes: &photo.bytes,
                width: i64::try_from(photo.width).unwrap_or(i64::MAX),
                height: i64::try_from(photo.height).unwrap_or(i64::MAX),
                caption: caption.as_deref(),
                now: self.now_ms(),
            })
            .await;
        if let Err(e) = attached {
            // The entry stands without its photo; the owner sees it in the entries, not the gallery.
            tracing::error!(error = %e, giveaway_id = id, entry_id = done.entry_id, "a contest photo could not be stored");
            return Err(EngineError::from(e).into());
        }
        Ok(PhotoSubmitted {
            entry_id: done.entry_id,
            total_entries: done.total_entries,
        })
    }

    /// One vote for an approved photo. The voter is the participant whose token the page holds.
    pub async fn vote_photo(
        &self,
        config: &Config,
        origin: &Origin,
        id: i64,
        input: VoteInput,
    ) -> PublicResult<VoteDone> {
        let public = &config.public;
        self.admit_public(public, origin.ip, Some(id)).await?;
        let cfg = self.live_giveaway(id).await?;
        let g = &cfg.giveaway;
        let token = input.participant_token.unwrap_or_default();
        let keys = [participant_token_key(&token), token_hash(&token)];
        let holder = match token.trim().is_empty() {
            true => None,
            false => self.db().participant_by_token(id, &keys).await?,
        };
        let Some(holder) = holder else {
            return Err(EngineError::Unauthorized("Enter the giveaway first, then vote.".to_owned()).into());
        };
        match holder.status.as_str() {
            "banned" => return Err(refused(Rule::Banned, "You can no longer take part in this giveaway.")),
            "disqualified" => {
                return Err(refused(
                    Rule::Disqualified,
                    "You can no longer take part in this giveaway.",
                ));
            }
            _ => {}
        }
        self.network_rules(public, &cfg, origin.ip, &holder.email).await?;
        if g.settings.require_captcha {
            let verifier = self.inner.captcha.get().filter(|_| public.captcha.is_some()).ok_or(
                PublicError::CaptchaUnavailable(
                    "This giveaway requires a captcha, but no captcha provider is configured on this server.",
                ),
            )?;
            check_captcha(verifier.as_ref(), input.captcha_token.as_deref(), origin.ip).await?;
        }
        let entry_id = input
            .entry_id
            .ok_or_else(|| FieldErrors::one("entry_id", "Which photo is the vote for?"))?;
        let (today, _) = local_today(g, self.now_ms());
        let day = today.to_string();
        let ip = canonical_ip(origin.ip).to_string();
        let voted = self
            .db()
            .vote(&NewVote {
                giveaway_id: id,
                entry_id,
                participant_id: holder.id,
                ip: &ip,
                day: &day,
                unique_ip: g.rules_config.check_for_duplicate_ip,
                now: self.now_ms(),
            })
            .await?;
        let voted = match voted {
            Ok(v) => v,
            Err(VoteRefusal::NoSuchPhoto) => return Err(EngineError::NotFound("Photo").into()),
            Err(VoteRefusal::AlreadyVoted) => {
                return Err(refused(
                    Rule::Daily,
                    "You already voted for this photo today; you can vote for it again tomorrow.",
                ));
            }
            Err(VoteRefusal::SameAddress) => {
                return Err(refused(
                    Rule::DuplicateIp,
                    "Someone on your network already voted for this photo today.",
                ));
            }
        };
        if g.settings.vote_mode() == VoteMode::Entries {
            let a = voted.author;
            let entrant = Entrant {
                email: a.email,
                name: a.name,
                country: a.country,
                birthday: None,
                ip: None,
                referred_by_code: None,
                verified: a.is_verified == 1,
            };
            let entry = NewEntry {
                entry_method_id: a.entry_method_id,
                method_type: UPLOAD_A_PHOTO,
                amount: 1,
                value: Some(format!("vote:{}", voted.vote_id)),
            };
            // The vote stands even when the author is at their entry limit.
            if let Err(e) = self.record_entries_with(g, entrant, vec![entry], None).await {
                tracing::warn!(error = %e, giveaway_id = id, "a vote's entry for the photo's author was not recorded");
            }
        }
        Ok(VoteDone { votes: voted.votes })
    }
}
