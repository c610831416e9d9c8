//! Emitting events: inside the transaction of the change that causes it, an event becomes one
//! `webhook.deliver` job per active webhook of the brand subscribed to it, so an event is
//! delivered if and only if its cause commits.

use crate::error::StoreResult;
use crate::jobs::{NewJob, enqueue_in};
use fairdraw_core::events::{EventKind, event_id};
use sqlx::AnyConnection;

/// The job kind that delivers one event to one webhook.
pub const WEBHOOK_DELIVER: &str = "webhook.deliver";

/// What a `webhook.deliver` job carries.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Delivery {
    pub webhook_id: i64,
    pub event_id: String,
    pub event: EventKind,
    /// When the cause committed, Unix ms.
    pub occurred_at: i64,
    pub data: serde_json::Value,
}

/// The active webhooks of one brand and what each listens to; load once per transaction and
/// emit any number of events through it.
#[derive(Clone, Debug, Default)]
pub struct Subscribers {
    hooks: Vec<(i64, Vec<EventKind>)>,
}

impl Subscribers {
    /// The active webhooks of `brand_id`.
    pub async fn of_brand_in(conn: &mut AnyConnection, brand_id: i64) -> StoreResult<Subscribers> {
        let rows: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, events FROM webhooks WHERE brand_id = $1 AND active = 1 ORDER BY id")
                .bind(brand_id)
                .fetch_all(conn)
                .await?;
        Ok(Subscribers::from_rows(rows))
    }

    /// The active webhooks of the brand owning `giveaway_id`.
    pub async fn of_giveaway_in(conn: &mut AnyConnection, giveaway_id: i64) -> StoreResult<Subscribers> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT w.id, w.events FROM webhooks w JOIN giveaways g ON g.brand_id = w.brand_id \
             WHERE g.id = $1 AND w.active = 1 ORDER BY w.id",
        )
        .bind(giveaway_id)
        .fetch_all(conn)
        .await?;
        Ok(Subscribers::from_rows(rows))
    }

    fn from_rows(rows: Vec<(i64, String)>) -> Subscribers {
        let hooks = rows
            .into_iter()
            .map(|(id, events)| {
                let names: Vec<String> = serde_json::from_str(&events).unwrap_or_default();
                (id, names.iter().filter_map(|n| EventKind::parse(n)).collect())
            })
            .collect();
        Subscribers { hooks }
    }

    /// Whether any webhook listens to `kind` (callers can skip building the payload when not).
    pub fn wants(&self, kind: EventKind) -> bool {
        self.hooks.iter().any(|(_, kinds)| kinds.contains(&kind))
    }

    /// Queues the event for every webhook listening to it. `cause` names this occurrence
    /// uniquely (see [`event_id`]); emitting the same cause twice queues nothing the second time.
    pub async fn emit_in(
        &self,
        conn: &mut AnyConnection,
        kind: EventKind,
        cause: &str,
        data: &serde_json::Value,
        now: i64,
    ) -> StoreResult<()> {
        if !self.wants(kind) {
            return Ok(());
        }
        let id = event_id(cause);
        for (webhook_id, kinds) in &self.hooks {
            if !kinds.contains(&kind) {
                continue;
            }
            let delivery = Delivery {
                webhook_id: *webhook_id,
                event_id: id.clone(),
                event: kind,
                occurred_at: now,
                data: data.clone(),
            };
            let payload = serde_json::to_value(&delivery).expect("a delivery serializes");
            let job = NewJob::new(WEBHOOK_DELIVER, payload).dedupe(format!("webhook:{webhook_id}:{id}"));
            enqueue_in(&mut *conn, &job, now).await?;
        }
        Ok(())
    }
}

/// Emits one event of the brand owning `giveaway_id` (loads its subscribers first).
pub async fn emit_for_giveaway_in(
    conn: &mut AnyConnection,
    giveaway_id: i64,
    kind: EventKind,
    cause: &str,
    data: &serde_json::Value,
    now: i64,
) -> StoreResult<()> {
    let subs = Subscribers::of_giveaway_in(&mut *conn, giveaway_id).await?;
    subs.emit_in(conn, kind, cause, data, now).await
}
