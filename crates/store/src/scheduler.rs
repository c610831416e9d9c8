//! Announcing giveaways' transitions: a published giveaway whose start has passed is marked
//! `live_announced_at` and emits `giveaway.published`; one whose end has passed is marked
//! `end_announced_at` and emits `giveaway.expired`. Status itself is never stored (it is computed
//! from the schedule); the marks only record that a transition was announced.
//!
//! Each mark and its event are written in one transaction, and the mark is claimed by an
//! `UPDATE … WHERE <mark> IS NULL … RETURNING`, so of several instances (or a tick racing a
//! publish request) exactly one announces each transition. On PostgreSQL the inner
//! `SELECT … FOR UPDATE SKIP LOCKED` lets instances take disjoint batches instead of queueing
//! behind each other's row locks; the outer `<mark> IS NULL` re-check keeps a row announced by a
//! transaction that committed meanwhile from being announced again. On SQLite the statement runs
//! under the single write lock.

use crate::db::{Backend, Db};
use crate::error::StoreResult;
use crate::events::Subscribers;
use fairdraw_core::events::EventKind;
use fairdraw_core::giveaway::Status;
use sqlx::{AnyConnection, AssertSqlSafe, FromRow};
use std::collections::HashMap;

/// A transition the scheduler announces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    /// The start passed: `giveaway.published` ("a giveaway goes live").
    Live,
    /// The end passed: `giveaway.expired`.
    Ended,
}

impl Transition {
    fn mark(self) -> &'static str {
        match self {
            Transition::Live => "live_announced_at",
            Transition::Ended => "end_announced_at",
        }
    }

    fn due_column(self) -> &'static str {
        match self {
            Transition::Live => "start_at",
            Transition::Ended => "end_at",
        }
    }

    pub fn event(self) -> EventKind {
        match self {
            Transition::Live => EventKind::GiveawayPublished,
            Transition::Ended => EventKind::GiveawayExpired,
        }
    }
}

/// What an announcement says about the giveaway.
#[derive(Clone, Debug, FromRow)]
struct Announced {
    id: i64,
    brand_id: i64,
    title: String,
    start_local: String,
    end_local: String,
    time_zone: String,
    start_at: i64,
    end_at: i64,
    total_entries: i64,
    total_participants: i64,
    total_actions: i64,
}

impl Announced {
    /// The occurrence's name, from which its event id is derived. It carries the scheduled time,
    /// so a giveaway whose end was moved and passed again announces the new end as a new event,
    /// while two instances announcing the same end name it alike.
    fn cause(&self, t: Transition) -> String {
        let at = match t {
            Transition::Live => self.start_at,
            Transition::Ended => self.end_at,
        };
        format!("{}:{}:{at}", t.event().as_str(), self.id)
    }

    fn data(&self, now: i64) -> serde_json::Value {
        serde_json::json!({
            "giveaway_id": self.id,
            "title": self.title,
            "status": Status::at(false, self.start_at, self.end_at, now).as_str(),
            "start_time": self.start_local,
            "end_time": self.end_local,
            "time_zone": self.time_zone,
            "total_entries": self.total_entries,
            "total_participants": self.total_participants,
            "total_actions": self.total_actions,
        })
    }
}

/// Marks up to `limit` giveaways due for `t` (only `only` when given) and queues their events,
/// inside the caller's transaction. Returns the ids announced, in order.
pub async fn announce_in(
    conn: &mut AnyConnection,
    backend: Backend,
    t: Transition,
    only: Option<i64>,
    now: i64,
    limit: i64,
) -> StoreResult<Vec<i64>> {
    let lock = match backend {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let (mark, due) = (t.mark(), t.due_column());
    let sql = format!(
        "UPDATE giveaways SET {mark} = $1 WHERE id IN (SELECT id FROM giveaways WHERE is_draft = 0 \
         AND deleted_at IS NULL AND {mark} IS NULL AND {due} <= $1 AND ($2 IS NULL OR id = $2) \
         ORDER BY {due}, id LIMIT $3{lock}) AND {mark} IS NULL \
         RETURNING id, brand_id, title, start_local, end_local, time_zone, start_at, end_at, \
         total_entries, total_participants, total_actions"
    );
    let mut rows: Vec<Announced> = sqlx::query_as(AssertSqlSafe(sql))
        .bind(now)
        .bind(only)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
    rows.sort_by_key(|r| r.id);
    let mut subscribers: HashMap<i64, Subscribers> = HashMap::new();
    for row in &rows {
        let subs = match subscribers.get(&row.brand_id) {
            Some(s) => s.clone(),
            None => {
                let s = Subscribers::of_brand_in(&mut *conn, row.brand_id).await?;
                subscribers.insert(row.brand_id, s.clone());
                s
            }
        };
        subs.emit_in(&mut *conn, t.event(), &row.cause(t), &row.data(now), now)
            .await?;
    }
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// How many giveaways one call announced.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Announcements {
    pub published: usize,
    pub expired: usize,
}

impl Db {
    /// Announces, in one transaction, up to `limit` giveaways whose start has passed and then up
    /// to `limit` whose end has passed. A giveaway both started and ended since the last call
    /// announces both, live first.
    pub async fn announce_due_giveaways(&self, now: i64, limit: i64) -> StoreResult<Announcements> {
        let mut tx = self.begin_write().await?;
        let published = announce_in(&mut tx, self.backend(), Transition::Live, None, now, limit).await?;
        let expired = announce_in(&mut tx, self.backend(), Transition::Ended, None, now, limit).await?;
        tx.commit().await?;
        Ok(Announcements {
            published: published.len(),
            expired: expired.len(),
        })
    }

    /// When each transition of a giveaway was announced (`live_announced_at`,
    /// `end_announced_at`), deleted or not; for operators and tests.
    pub async fn giveaway_announcements(&self, id: i64) -> StoreResult<(Option<i64>, Option<i64>)> {
        Ok(
            sqlx::query_as("SELECT live_announced_at, end_announced_at FROM giveaways WHERE id = $1")
                .bind(id)
                .fetch_one(self.reader())
                .await?,
        )
    }
}
