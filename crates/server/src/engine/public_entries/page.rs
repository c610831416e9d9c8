//! What the hosted giveaway page (`/view/…`) shows, read through the same cached entry
//! configuration as the entry endpoint (`engine/cache.rs`), plus a second copy of the same kind
//! for the page's own reads (prizes, rewards, leaderboard, winners), at most a second old and
//! dropped by this instance's management writes. A returning entrant's progress is read fresh,
//! since it changes with their own clicks.
//!
//! Entering and completing entry methods from the page go through [`Engine::enter_giveaway`] and
//! [`Engine::complete_action`], the same calls as `/api/public`; nothing here writes.

use super::{local_today, participant_token_key, token_hash};
use crate::engine::cache::EntryConfig;
use crate::engine::{Engine, EngineError, EngineResult};
use fairdraw_core::entry_methods::UPLOAD_A_PHOTO;
use fairdraw_core::giveaway::Status;
use fairdraw_core::giveaway::design::Design;
use fairdraw_store::StoreError;
use fairdraw_store::analytics::LeaderRow;
use fairdraw_store::gallery::PublicPhoto;
use fairdraw_store::page::{MethodProgress, PublicWinner};
use fairdraw_store::prizes::PrizeRow;
use std::sync::Arc;
use std::time::Instant;

/// The most winners the page lists.
const MAX_WINNERS: i64 = 100;
/// The most photos the page's gallery shows (the most voted first).
const MAX_PHOTOS: i64 = 60;

/// A milestone reward as the public sees it: never its coupon code.
#[derive(Clone, Debug)]
pub struct PublicReward {
    pub title: String,
    pub entries_required: i64,
    pub hide_progress: bool,
}

/// The parts of the page that are the same for every visitor, read together.
#[derive(Debug)]
pub struct PageExtras {
    pub design: Design,
    pub prizes: Vec<PrizeRow>,
    pub rewards: Vec<PublicReward>,
    /// Empty unless the giveaway shows its leaderboard.
    pub leaders: Vec<LeaderRow>,
    pub winners: Vec<PublicWinner>,
    /// A photo contest's approved photos, most voted first; empty for other giveaways.
    pub gallery: Vec<PublicPhoto>,
}

/// The participant whose token the visitor holds.
#[derive(Clone, Debug)]
pub struct PageEntrant {
    pub name: String,
    pub referral_code: String,
    pub total_entries: i64,
    /// active, banned or disqualified.
    pub status: String,
    pub is_verified: bool,
    pub progress: Vec<MethodProgress>,
    /// When today began in the giveaway's time zone (Unix ms), for daily methods.
    pub today_began_at: i64,
    /// The photos (entry ids) the entrant voted for today.
    pub voted_today: Vec<i64>,
}

impl PageEntrant {
    /// Whether the entrant can still complete `method` (daily methods once each day).
    pub fn can_complete(&self, method_id: i64, daily: bool) -> bool {
        match self.progress.iter().find(|p| p.entry_method_id == method_id) {
            None => true,
            Some(p) => daily && p.last_at < self.today_began_at,
        }
    }

    pub fn times(&self, method_id: i64) -> i64 {
        self.progress
            .iter()
            .find(|p| p.entry_method_id == method_id)
            .map_or(0, |p| p.times)
    }
}

/// Everything one view of the page shows.
#[derive(Debug)]
pub struct PublicPage {
    pub config: Arc<EntryConfig>,
    pub status: Status,
    /// The giveaway's entries: as of the cached copy for a visitor, read now for an entrant.
    pub total_entries: i64,
    pub extras: Arc<PageExtras>,
    pub entrant: Option<PageEntrant>,
}

impl Engine {
    /// The page of a giveaway that is published and not deleted (drafts and deleted ones are
    /// "not found", as everywhere in public), with the progress of the participant holding
    /// `token` when it is theirs.
    pub async fn public_page(&self, id: i64, token: Option<&str>) -> EngineResult<PublicPage> {
        let (config, status) = match self.entry_config(id).await {
            Ok(found) => found,
            Err(StoreError::NotFound) => return Err(EngineError::NotFound("Giveaway")),
            Err(e) => return Err(e.into()),
        };
        if status == Status::Draft {
            return Err(EngineError::NotFound("Giveaway"));
        }
        let entrant = match token.map(str::trim).filter(|t| !t.is_empty()) {
            Some(token) => self.page_entrant(&config, token).await?,
            None => None,
        };
        // An entrant has just changed the counters and the leaderboard themselves: they see
        // them as they are now, not as the shared copy had them up to a second ago.
        let fresh = entrant.is_some();
        let extras = self.page_extras(&config, fresh).await?;
        let total_entries = if fresh {
            self.db().stored_counters(id).await?.0
        } else {
            config.giveaway.row.total_entries
        };
        Ok(PublicPage {
            config,
            status,
            total_entries,
            extras,
            entrant,
        })
    }

    async fn page_entrant(&self, config: &EntryConfig, token: &str) -> EngineResult<Option<PageEntrant>> {
        let g = &config.giveaway;
        let keys = [participant_token_key(token), token_hash(token)];
        let Some(holder) = self.db().participant_by_token(g.id(), &keys).await? else {
            return Ok(None);
        };
        let progress = self.db().method_progress(holder.id).await?;
        let (today, today_began_at) = local_today(g, self.now_ms());
        let voted_today = if config.methods.iter().any(|m| m.method_type == UPLOAD_A_PHOTO) {
            self.db().votes_of(holder.id, &today.to_string()).await?
        } else {
            Vec::new()
        };
        Ok(Some(PageEntrant {
            name: holder.name,
            referral_code: holder.referral_code,
            total_entries: holder.total_entries,
            status: holder.status,
            is_verified: holder.is_verified == 1,
            progress,
            today_began_at,
            voted_today,
        }))
    }

    /// The shared parts of the page, from the copy at most a second old unless `fresh`.
    async fn page_extras(&self, config: &EntryConfig, fresh: bool) -> EngineResult<Arc<PageExtras>> {
        let cache = &self.inner.page_extras;
        let g = &config.giveaway;
        if !fresh && let Some(extras) = cache.get(&g.id()) {
            return Ok(extras);
        }
        let generation = cache.generation();
        let read_at = Instant::now();
        let db = self.db();
        let design = serde_json::from_str(&g.row.design).unwrap_or_default();
        let prizes = if g.settings.show_prizes {
            db.list_prizes(g.id()).await?
        } else {
            Vec::new()
        };
        let rewards = db
            .list_rewards(g.id())
            .await?
            .into_iter()
            .map(|r| PublicReward {
                title: r.title,
                entries_required: r.entries_required,
                hide_progress: r.hide_progress != 0,
            })
            .collect();
        let leaders = if g.settings.if_leaderboard {
            db.leaderboard(g.id(), i64::from(g.settings.leaderboard_display_amount))
                .await?
        } else {
            Vec::new()
        };
        let winners = db.public_winners(g.id(), MAX_WINNERS).await?;
        let gallery = if config.methods.iter().any(|m| m.method_type == UPLOAD_A_PHOTO) {
            db.public_gallery(g.id(), MAX_PHOTOS).await?
        } else {
            Vec::new()
        };
        let extras = Arc::new(PageExtras {
            design,
            prizes,
            rewards,
            leaders,
            winners,
            gallery,
        });
        cache.put(g.id(), generation, read_at, extras.clone());
        Ok(extras)
    }
}
