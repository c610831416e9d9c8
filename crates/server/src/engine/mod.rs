//! The engine: every use case of the product, written once, in terms of domain types. The API
//! surfaces call it and only translate between HTTP and these calls; the CLI calls it too.

mod accounts;
pub mod analytics;
pub mod audit;
mod batch;
pub mod beacon;
mod cache;
pub mod chat_giveaways;
pub mod claims;
mod clock;
pub mod comment_draws;
pub mod draw_history;
pub mod draws;
pub mod entries;
pub mod entry_methods;
mod entry_writer;
mod error;
pub mod gallery;
pub mod giveaway_settings;
mod giveaways;
mod limits;
pub mod lists;
pub mod participants;
pub mod privacy;
pub mod prizes;
pub mod public_entries;
pub mod result_claims;
pub mod rewards;
pub mod scheduler;
pub mod translog;
pub mod webhooks;

pub use accounts::{AccountDetails, BrandSummary, IssuedAccount, IssuedKey, NewAccount, Principal, Usage};
pub use clock::Clock;
pub use error::{EngineError, EngineResult};
pub use giveaways::{Giveaway, GiveawayFilter, GiveawayStats};

use fairdraw_core::draw::ServerKey;
use fairdraw_store::Db;
use fairdraw_store::ratelimit::RateLimiter;
use std::sync::Arc;

/// Cheap to clone: everything lives behind one `Arc`.
#[derive(Clone, Debug)]
pub struct Engine {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    db: Db,
    limiter: RateLimiter,
    clock: Clock,
    entry_writer: entry_writer::EntryWriter,
    /// What the public entry path reads about giveaways, kept for a moment.
    entry_config: cache::EntryConfigCache,
    /// Who each API key belongs to, kept for as long (every authenticated request asks).
    key_owners: cache::EntryConfigCache<fairdraw_store::keys::KeyOwner, String>,
    /// What the hosted page reads about giveaways besides that, kept for as long.
    page_extras: cache::EntryConfigCache<public_entries::page::PageExtras>,
    /// The public endpoint's limits when they are not kept in Redis.
    public_limiter: public_entries::LocalLimiter,
    /// Signs every draw's result hash; its public key is published.
    signing_key: ServerKey,
    /// What the chat-giveaway join path reads about a giveaway, kept for a moment.
    chat_config: chat_giveaways::ChatCache,
    /// The batched writer of chat-giveaway joins, started on first use.
    chat_joiner: std::sync::OnceLock<chat_giveaways::ChatJoiner>,
    /// The batched writer of authenticated callers' rate counters and usage, started on first use.
    admissions: std::sync::OnceLock<limits::Admissions>,
    /// Checks captcha tokens; plugged in by the server (`outbound::captcha`), absent in the CLI.
    captcha: std::sync::OnceLock<Arc<dyn public_entries::CaptchaVerifier>>,
    /// Signs claim links and seals claim answers; plugged in at start-up (`claims.key`).
    claim_keys: std::sync::OnceLock<Arc<claims::ClaimKeys>>,
    /// The public beacon's settings and relay client; set by the server, defaults otherwise.
    beacons: std::sync::OnceLock<beacon::Beacons>,
}

impl Engine {
    pub fn new(db: Db, limiter: RateLimiter, clock: Clock, signing_key: ServerKey) -> Engine {
        let entry_writer = entry_writer::EntryWriter::spawn(db.clone());
        Engine {
            inner: Arc::new(Inner {
                db,
                limiter,
                clock,
                entry_writer,
                entry_config: cache::EntryConfigCache::default(),
                page_extras: cache::EntryConfigCache::default(),
                key_owners: cache::EntryConfigCache::default(),
                public_limiter: public_entries::LocalLimiter::default(),
                signing_key,
                chat_config: chat_giveaways::ChatCache::default(),
                chat_joiner: std::sync::OnceLock::new(),
                admissions: std::sync::OnceLock::new(),
                captcha: std::sync::OnceLock::new(),
                claim_keys: std::sync::OnceLock::new(),
                beacons: std::sync::OnceLock::new(),
            }),
        }
    }

    /// Plugs in the captcha verifier `require_captcha` giveaways check tokens with (once; a
    /// second call is ignored).
    pub fn set_captcha_verifier(&self, verifier: Arc<dyn public_entries::CaptchaVerifier>) {
        let _ = self.inner.captcha.set(verifier);
    }

    /// Sets the public beacon's settings and the client that asks drand relays for rounds
    /// (once, before first use; a later call is ignored). Without it: the defaults, and no relay
    /// is reachable.
    pub fn set_beacon(&self, config: beacon::BeaconConfig, client: Arc<dyn beacon::RelayClient>) {
        let _ = self.inner.beacons.set(beacon::Beacons::new(config, Some(client)));
    }

    fn beacons(&self) -> &beacon::Beacons {
        self.inner
            .beacons
            .get_or_init(|| beacon::Beacons::new(beacon::BeaconConfig::default(), None))
    }

    /// The instance's draw-signing key.
    pub fn signing_key(&self) -> &ServerKey {
        &self.inner.signing_key
    }

    pub fn db(&self) -> &Db {
        &self.inner.db
    }

    /// Where entries are written (batched; see `entry_writer`).
    pub(crate) fn entry_writer(&self) -> &entry_writer::EntryWriter {
        &self.inner.entry_writer
    }

    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    pub fn now_ms(&self) -> i64 {
        self.inner.clock.now_ms()
    }

    /// Deletes what has expired: old rate-limit windows and idempotency records.
    pub async fn housekeeping(&self) -> EngineResult<()> {
        let now = self.now_ms();
        self.db().purge_rate_counters(now).await?;
        self.db().purge_idempotency(now).await?;
        Ok(())
    }
}

/// `n` bytes from the operating system's CSPRNG.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    // The OS generator failing is not something a request can recover from.
    getrandom::fill(&mut buf).expect("the operating system's random number generator failed");
    buf
}
