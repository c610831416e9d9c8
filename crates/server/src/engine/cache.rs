//! Short-lived copies of what the public entry path reads about a giveaway before it reaches
//! the writer: the giveaway with its parsed settings and rules, its entry methods, and whether
//! it has a whitelist or a blacklist at all. Under load every request of a giveaway asks the
//! same; reading it once a second instead of four queries a request frees the database.
//!
//! A copy is used for at most [`TTL`], and none older than the last management write of this
//! instance (see [`EntryConfigCache::invalidate`]), so an owner who changes a giveaway sees it
//! apply at once here and within a second on other instances. Counters, limits and bans are
//! never taken from here: the writer checks them in its transaction.

use super::{Engine, Giveaway};
use fairdraw_core::giveaway::Status;
use fairdraw_core::giveaway::emails::EmailSettings;
use fairdraw_store::StoreResult;
use fairdraw_store::entry_methods::EntryMethodRow;
use fairdraw_store::lists::List;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a copy serves.
pub const TTL: Duration = Duration::from_secs(1);

/// Above this many giveaways, expired copies are dropped when a new one is stored.
const PRUNE_ABOVE: usize = 4096;

/// A giveaway's entry configuration as read at one moment.
#[derive(Debug)]
pub struct EntryConfig {
    /// `status` is as of the read; [`Engine::entry_config`] callers compute it afresh.
    pub giveaway: Giveaway,
    pub methods: Vec<EntryMethodRow>,
    pub has_whitelist: bool,
    pub has_blacklist: bool,
    /// Whether new entrants get the confirmation e-mail (its `status` in the e-mail settings).
    pub sends_confirmation: bool,
}

/// Copies per giveaway id (or per other key `K`: the API keys' owners are kept the same way).
#[derive(Debug)]
pub struct EntryConfigCache<T = EntryConfig, K = i64> {
    /// Moves on every management write; copies read before it are not used.
    generation: AtomicU64,
    slots: Mutex<HashMap<K, Slot<T>>>,
}

impl<T, K> Default for EntryConfigCache<T, K> {
    fn default() -> Self {
        EntryConfigCache {
            generation: AtomicU64::new(0),
            slots: Mutex::default(),
        }
    }
}

#[derive(Debug)]
struct Slot<T> {
    read_at: Instant,
    generation: u64,
    config: Arc<T>,
}

impl<T, K: std::hash::Hash + Eq> EntryConfigCache<T, K> {
    /// Forgets every copy. Called before a management write: a read that began earlier is
    /// stamped with the older generation and never served.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// The current generation, to stamp a read with before it starts.
    pub(super) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    pub(super) fn get<Q>(&self, id: &Q) -> Option<Arc<T>>
    where
        K: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        let generation = self.generation.load(Ordering::Acquire);
        let slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        let slot = slots.get(id)?;
        (slot.generation == generation && slot.read_at.elapsed() < TTL).then(|| slot.config.clone())
    }

    pub(super) fn put(&self, id: K, generation: u64, read_at: Instant, config: Arc<T>) {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        if slots.len() > PRUNE_ABOVE {
            slots.retain(|_, s| s.read_at.elapsed() < TTL);
        }
        slots.insert(
            id,
            Slot {
                read_at,
                generation,
                config,
            },
        );
    }
}

impl Engine {
    /// The entry configuration of a giveaway that is not deleted (`StoreError::NotFound`
    /// otherwise), with its status computed now.
    pub(crate) async fn entry_config(&self, id: i64) -> StoreResult<(Arc<EntryConfig>, Status)> {
        let cache = &self.inner.entry_config;
        let config = match cache.get(&id) {
            Some(config) => config,
            None => {
                let generation = cache.generation.load(Ordering::Acquire);
                let read_at = Instant::now();
                let db = self.db();
                let row = db.giveaway(id).await?;
                let sends_confirmation = serde_json::from_str::<EmailSettings>(&row.email_settings)
                    .map_or(true, |e| e.confirmation_email.status == 1);
                let config = Arc::new(EntryConfig {
                    sends_confirmation,
                    giveaway: self.view(row),
                    methods: db.entry_methods(id).await?,
                    has_whitelist: db.count_list(List::Whitelist, id).await? > 0,
                    has_blacklist: db.count_list(List::Blacklist, id).await? > 0,
                });
                cache.put(id, generation, read_at, config.clone());
                config
            }
        };
        let row = &config.giveaway.row;
        let status = Status::at(row.is_draft != 0, row.start_at, row.end_at, self.now_ms());
        Ok((config, status))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_expire_and_writes_invalidate_them() {
        let cache = EntryConfigCache::<u32>::default();
        cache.put(7, 0, Instant::now(), Arc::new(70));
        assert_eq!(cache.get(&7).as_deref(), Some(&70));
        assert!(cache.get(&8).is_none());
        cache.invalidate();
        assert!(cache.get(&7).is_none(), "a write makes earlier reads unusable");
        let stale = Instant::now().checked_sub(TTL).expect("an instant a second ago");
        cache.put(7, 1, stale, Arc::new(71));
        assert!(cache.get(&7).is_none(), "a copy older than the TTL is not served");
        cache.put(7, 1, Instant::now(), Arc::new(72));
        assert_eq!(cache.get(&7).as_deref(), Some(&72));
    }
}
