//! The scheduler's announcements: a published giveaway emits `giveaway.published` when the clock
//! passes its start and `giveaway.expired` when it passes its end, each exactly once however
//! often the scheduler ticks (and however many tick at once); moving the end into the future
//! announces the new end; publishing after the start announces at once; drafts and deleted
//! giveaways are never announced. Deliveries go to a receiver on 127.0.0.1 run by the test.

use crate::scenarios;
use crate::support::{HOUR, TestAccount, TestApp};
use axum::extract::State;
use axum::http::HeaderMap;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

scenarios!(
    a_scheduled_giveaway_is_announced_live_then_expired_once,
    moving_the_end_into_the_future_announces_the_new_end,
    publishing_after_the_start_announces_at_once,
    drafts_and_deleted_giveaways_are_never_announced,
    concurrent_ticks_announce_each_giveaway_once,
);

/// What the receiver got: (X-Webhook-Id, body) per request.
type Received = Arc<Mutex<Vec<(String, Value)>>>;

/// A webhook receiver on 127.0.0.1 answering 200 to every POST; returns its URL.
async fn receiver() -> (String, Received) {
    async fn hook(State(got): State<Received>, headers: HeaderMap, body: String) -> &'static str {
        let id = headers
            .get("x-webhook-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = serde_json::from_str(&body).unwrap_or(Value::Null);
        got.lock().unwrap().push((id, body));
        "ok"
    }
    let got = Received::default();
    let router = axum::Router::new()
        .route("/hook", axum::routing::post(hook))
        .with_state(got.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (url, got)
}

/// A webhook of the account's brand subscribed to both giveaway events, written directly: its
/// management API is not what these scenarios are about.
async fn webhook(app: &TestApp, acct: &TestAccount, url: &str) -> i64 {
    let now = app.clock.now_ms();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO webhooks (brand_id, url, events, secret, active, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 1, $5, $5) RETURNING id",
    )
    .bind(acct.brand_id)
    .bind(url)
    .bind(json!(["giveaway.published", "giveaway.expired"]).to_string())
    .bind("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
    .bind(now)
    .fetch_one(app.engine.db().writer())
    .await
    .expect("webhook row");
    id
}

/// The queued deliveries of `event` for giveaway `id`, in queue order.
async fn queued(app: &TestApp, event: &str, id: i64) -> Vec<Value> {
    app.engine
        .db()
        .jobs_of_kind(Some("webhook.deliver"))
        .await
        .expect("jobs")
        .iter()
        .map(|j| serde_json::from_str::<Value>(&j.payload).expect("JSON payload"))
        .filter(|d| d["event"] == json!(event) && d["data"]["giveaway_id"] == json!(id))
        .collect()
}

/// What the receiver got of `event` for giveaway `id`.
fn received(got: &Received, event: &str, id: i64) -> Vec<(String, Value)> {
    got.lock()
        .unwrap()
        .iter()
        .filter(|(_, b)| b["event"] == json!(event) && b["data"]["giveaway_id"] == json!(id))
        .cloned()
        .collect()
}

/// A published giveaway in UTC from T0 + `start_h` hours to T0 + `end_h` hours (T0 is
/// 2026-06-15 12:00 UTC).
async fn giveaway(app: &TestApp, acct: &TestAccount, start_h: i64, end_h: i64, draft: bool) -> i64 {
    let at = |h: i64| format!("2026-06-15 {:02}:00:00", 12 + h);
    app.create_giveaway(
        &acct.key,
        json!({
            "title": "Midsummer draw",
            "start_time": at(start_h),
            "end_time": at(end_h),
            "time_zone": "UTC",
            "is_draft": draft,
            "rules_config": {},
        }),
    )
    .await
}

async fn a_scheduled_giveaway_is_announced_live_then_expired_once(app: TestApp) {
    let acct = app.account().await;
    let (url, got) = receiver().await;
    webhook(&app, &acct, &url).await;
    let id = giveaway(&app, &acct, 1, 3, false).await;

    app.run_jobs().await;
    assert!(
        queued(&app, "giveaway.published", id).await.is_empty(),
        "not started yet"
    );
    assert_eq!(app.engine.db().giveaway_announcements(id).await.unwrap(), (None, None));

    app.clock.advance(HOUR);
    for _ in 0..3 {
        app.run_jobs().await;
    }
    let published = queued(&app, "giveaway.published", id).await;
    assert_eq!(published.len(), 1, "{published:#?}");
    let shown = app.get(&acct.key, &format!("/v2/giveaways/{id}")).await;
    shown.expect(200);
    assert_eq!(
        published[0]["data"],
        json!({
            "giveaway_id": id, "title": "Midsummer draw", "status": "live",
            "start_time": shown.data()["start_time"], "end_time": shown.data()["end_time"], "time_zone": "UTC",
            "total_entries": 0, "total_participants": 0, "total_actions": 0,
        })
    );
    assert!(queued(&app, "giveaway.expired", id).await.is_empty(), "still live");
    let marks = app.engine.db().giveaway_announcements(id).await.unwrap();
    assert_eq!(marks, (Some(app.clock.now_ms()), None));
    let got_published = received(&got, "giveaway.published", id);
    assert_eq!(got_published.len(), 1, "delivered once: {got_published:#?}");
    assert_eq!(got_published[0].0, published[0]["event_id"].as_str().unwrap());

    app.clock.advance(2 * HOUR);
    for _ in 0..3 {
        app.run_jobs().await;
    }
    let expired = queued(&app, "giveaway.expired", id).await;
    assert_eq!(expired.len(), 1, "{expired:#?}");
    assert_eq!(expired[0]["data"]["status"], json!("expired"));
    assert_ne!(expired[0]["event_id"], published[0]["event_id"]);
    assert_eq!(
        queued(&app, "giveaway.published", id).await.len(),
        1,
        "published stays once"
    );
    assert_eq!(received(&got, "giveaway.expired", id).len(), 1);
    assert_eq!(received(&got, "giveaway.published", id).len(), 1);
    let counts = app.engine.db().job_counts().await.unwrap();
    assert_eq!((counts.pending, counts.running, counts.failed), (0, 0, 0), "{counts:?}");
}

async fn moving_the_end_into_the_future_announces_the_new_end(app: TestApp) {
    let acct = app.account().await;
    let (url, got) = receiver().await;
    webhook(&app, &acct, &url).await;
    let id = giveaway(&app, &acct, 0, 1, false).await;
    app.clock.advance(2 * HOUR);
    app.run_jobs().await;
    assert_eq!(queued(&app, "giveaway.expired", id).await.len(), 1);

    // Extended by two hours: live again, and its new end is announced when it passes.
    let r = app
        .put(
            &acct.key,
            &format!("/v2/giveaways/{id}"),
            json!({ "end_time": "2026-06-15 16:00:00" }),
        )
        .await;
    r.expect(200);
    assert_eq!(
        app.engine.db().giveaway_announcements(id).await.unwrap().1,
        None,
        "re-armed"
    );
    app.run_jobs().await;
    assert_eq!(
        queued(&app, "giveaway.expired", id).await.len(),
        1,
        "the new end has not passed"
    );
    // Editing something else, or moving the end to another future time, announces nothing.
    let r = app
        .put(
            &acct.key,
            &format!("/v2/giveaways/{id}"),
            json!({ "title": "Midsummer draw, extended" }),
        )
        .await;
    r.expect(200);
    app.run_jobs().await;
    assert_eq!(queued(&app, "giveaway.expired", id).await.len(), 1);

    app.clock.advance(2 * HOUR);
    app.run_jobs().await;
    app.run_jobs().await;
    let expired = queued(&app, "giveaway.expired", id).await;
    assert_eq!(expired.len(), 2, "{expired:#?}");
    assert_ne!(
        expired[0]["event_id"], expired[1]["event_id"],
        "a new occurrence, a new id"
    );
    assert_eq!(expired[1]["data"]["title"], json!("Midsummer draw, extended"));
    assert_eq!(expired[1]["data"]["end_time"], json!("2026-06-15 16:00:00"));
    assert_eq!(
        queued(&app, "giveaway.published", id).await.len(),
        1,
        "the start was not moved"
    );
    assert_eq!(received(&got, "giveaway.expired", id).len(), 2);
}

async fn publishing_after_the_start_announces_at_once(app: TestApp) {
    let acct = app.account().await;
    let (url, _got) = receiver().await;
    webhook(&app, &acct, &url).await;
    // Created published with a start already passed: announced in the creating transaction.
    let created = giveaway(&app, &acct, -1, 2, false).await;
    assert_eq!(queued(&app, "giveaway.published", created).await.len(), 1);
    let draft = giveaway(&app, &acct, -1, 2, true).await;
    app.run_jobs().await;
    assert!(
        queued(&app, "giveaway.published", draft).await.is_empty(),
        "a draft is not live"
    );

    let r = app
        .post(&acct.key, &format!("/v2/giveaways/{draft}/publish"), json!({}))
        .await;
    r.expect(200);
    // No tick in between: the publish request queued the event itself.
    let published = queued(&app, "giveaway.published", draft).await;
    assert_eq!(published.len(), 1);
    assert_eq!(published[0]["data"]["status"], json!("live"));
    app.run_jobs().await;
    app.run_jobs().await;
    assert_eq!(queued(&app, "giveaway.published", draft).await.len(), 1);
    assert_eq!(queued(&app, "giveaway.published", created).await.len(), 1);
    assert!(queued(&app, "giveaway.expired", draft).await.is_empty());
}

async fn drafts_and_deleted_giveaways_are_never_announced(app: TestApp) {
    let acct = app.account().await;
    let (url, got) = receiver().await;
    webhook(&app, &acct, &url).await;
    let draft = giveaway(&app, &acct, 1, 2, true).await;
    let deleted = giveaway(&app, &acct, 1, 2, false).await;
    let kept = giveaway(&app, &acct, 1, 2, false).await;
    app.delete(&acct.key, &format!("/v2/giveaways/{deleted}"))
        .await
        .expect(204);

    for _ in 0..3 {
        app.clock.advance(HOUR);
        app.run_jobs().await;
    }
    for id in [draft, deleted] {
        assert!(queued(&app, "giveaway.published", id).await.is_empty(), "giveaway {id}");
        assert!(queued(&app, "giveaway.expired", id).await.is_empty(), "giveaway {id}");
        assert_eq!(app.engine.db().giveaway_announcements(id).await.unwrap(), (None, None));
    }
    assert_eq!(queued(&app, "giveaway.published", kept).await.len(), 1);
    assert_eq!(queued(&app, "giveaway.expired", kept).await.len(), 1);
    assert_eq!(got.lock().unwrap().len(), 2, "only the kept giveaway's two events");
}

/// Several ticks at once (as several instances would run them) share out the giveaways that
/// ended together: every one is announced once in total.
async fn concurrent_ticks_announce_each_giveaway_once(app: TestApp) {
    let acct = app.account().await;
    let (url, _got) = receiver().await;
    webhook(&app, &acct, &url).await;
    let mut ids = Vec::new();
    for _ in 0..40 {
        ids.push(giveaway(&app, &acct, 1, 2, false).await);
    }
    app.clock.advance(3 * HOUR);
    let ticks: Vec<_> = (0..6)
        .map(|_| {
            let engine = app.engine.clone();
            tokio::spawn(async move { engine.announce_due_giveaways().await.expect("tick") })
        })
        .collect();
    let (mut published, mut expired) = (0, 0);
    for t in ticks {
        let done = t.await.unwrap();
        published += done.published;
        expired += done.expired;
    }
    assert_eq!((published, expired), (40, 40));
    for id in ids {
        assert_eq!(queued(&app, "giveaway.published", id).await.len(), 1, "giveaway {id}");
        assert_eq!(queued(&app, "giveaway.expired", id).await.len(), 1, "giveaway {id}");
    }
    let again = app.engine.announce_due_giveaways().await.unwrap();
    assert_eq!((again.published, again.expired), (0, 0));
}
