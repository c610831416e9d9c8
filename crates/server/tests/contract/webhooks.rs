//! `/v2/webhooks` end to end: management (CRUD, validation, brand scope, the secret shown once),
//! deliveries to a receiver written here (a small axum server on 127.0.0.1 that records what it
//! gets) with every signature checked, retries and the delivery log, switching off a webhook
//! that keeps failing, the test endpoint, and the SSRF rule with `allow_private` off.

use crate::scenarios;
use crate::support::{self, HOUR, TestAccount, TestApp};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use fairdraw_server::config::ConfigLayer;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

scenarios!(
    webhooks_are_managed_per_brand_with_the_secret_shown_once,
    webhook_input_is_validated,
    every_event_reaches_the_receiver_signed,
    a_receiver_that_fails_twice_gets_the_event_once_after_retries,
    a_webhook_that_keeps_failing_is_switched_off_with_a_reason,
    the_test_endpoint_reports_the_receivers_answer,
    private_addresses_are_refused_without_allow_private,
    deleted_or_inactive_webhooks_are_not_sent_queued_events,
);

/// One request the receiver got.
#[derive(Clone, Debug)]
struct Received {
    method: Method,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Received {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

#[derive(Clone, Default)]
struct Script {
    got: Arc<Mutex<Vec<Received>>>,
    /// Statuses to answer in turn; then `then`.
    answers: Arc<Mutex<VecDeque<u16>>>,
    then: u16,
}

/// A receiver on 127.0.0.1; returns its URL and what it got.
async fn receiver(answers: &[u16], then: u16) -> (String, Arc<Mutex<Vec<Received>>>) {
    let script = Script {
        got: Arc::default(),
        answers: Arc::new(Mutex::new(answers.iter().copied().collect())),
        then,
    };
    async fn hook(State(s): State<Script>, method: Method, headers: HeaderMap, body: Bytes) -> StatusCode {
        s.got.lock().unwrap().push(Received {
            method,
            headers,
            body: body.to_vec(),
        });
        let code = s.answers.lock().unwrap().pop_front().unwrap_or(s.then);
        StatusCode::from_u16(code).unwrap()
    }
    let got = script.got.clone();
    let app = axum::Router::new()
        .route("/hook", axum::routing::post(hook))
        .with_state(script);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/hook"), got)
}

/// A URL on 127.0.0.1 where nothing listens.
async fn closed_port_url() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}/hook")
}

fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// Creates a webhook; returns (id, secret).
async fn create(app: &TestApp, acct: &TestAccount, url: &str, events: &[&str]) -> (i64, String) {
    let r = app
        .post(&acct.key, "/v2/webhooks", json!({ "url": url, "events": events }))
        .await;
    r.expect(201);
    let d = r.data();
    (d["id"].as_i64().unwrap(), d["secret"].as_str().unwrap().to_owned())
}

/// A published giveaway (scheduled, so it has its draw commitment).
async fn giveaway(app: &TestApp, acct: &TestAccount) -> i64 {
    app.create_giveaway(&acct.key, json!({ "is_draft": false })).await
}

/// A manual entry; returns (entry id, user_id).
async fn entry(app: &TestApp, acct: &TestAccount, id: i64, email: &str) -> (i64, String) {
    let r = app
        .post(
            &acct.key,
            &format!("/v2/giveaways/{id}/entries"),
            json!({ "user_email": email, "user_name": "Pat Doe", "entry_amount": 2 }),
        )
        .await;
    r.expect(201);
    (
        r.data()["id"].as_i64().unwrap(),
        r.data()["user_id"].as_str().unwrap().to_owned(),
    )
}

async fn deliveries(app: &TestApp, acct: &TestAccount, hook: i64) -> Vec<Value> {
    let r = app
        .get(&acct.key, &format!("/v2/webhooks/{hook}/deliveries?per_page=100"))
        .await;
    r.expect(200);
    r.data().as_array().unwrap().clone()
}

async fn webhooks_are_managed_per_brand_with_the_secret_shown_once(app: TestApp) {
    let acct = app.account().await;
    let other = app.account().await;
    let r = app
        .post(
            &acct.key,
            "/v2/webhooks",
            json!({ "url": "https://hooks.example.com/sw", "events": ["entry.created", "winner.picked"] }),
        )
        .await;
    r.expect(201);
    let d = r.data();
    let id = d["id"].as_i64().unwrap();
    let secret = d["secret"].as_str().unwrap();
    assert_eq!(secret.len(), 64);
    assert!(
        secret.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
        "{secret}"
    );
    assert_eq!(d["url"], json!("https://hooks.example.com/sw"));
    assert_eq!(d["events"], json!(["entry.created", "winner.picked"]));
    assert_eq!(d["active"], json!(true));
    assert_eq!(d["created_at"], json!("2026-06-15 12:00:00"));
    let (_, second_secret) = create(&app, &acct, "https://hooks.example.com/two", &["giveaway.expired"]).await;
    assert_ne!(secret, second_secret, "every webhook gets its own secret");

    let list = app.get(&acct.key, "/v2/webhooks").await;
    list.expect(200);
    let items = list.data().as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(
        items[0],
        json!({ "id": id, "url": "https://hooks.example.com/sw", "events": ["entry.created", "winner.picked"],
                "active": true, "created_at": "2026-06-15 12:00:00" })
    );
    assert!(!list.text.contains(secret), "the secret is shown only at creation");

    let r = app
        .put(
            &acct.key,
            &format!("/v2/webhooks/{id}"),
            json!({ "events": ["giveaway.expired"], "active": false }),
        )
        .await;
    r.expect(200);
    assert_eq!(r.data(), &json!({ "message": "Webhook updated." }));
    let items = app.get(&acct.key, "/v2/webhooks").await.data().clone();
    assert_eq!(items[0]["events"], json!(["giveaway.expired"]));
    assert_eq!(items[0]["active"], json!(false));
    assert_eq!(
        items[0]["url"],
        json!("https://hooks.example.com/sw"),
        "what is not sent stays"
    );

    // Another brand sees none of it.
    assert_eq!(app.get(&other.key, "/v2/webhooks").await.data(), &json!([]));
    let path = format!("/v2/webhooks/{id}");
    app.put(&other.key, &path, json!({ "active": true }))
        .await
        .expect_error(404);
    app.delete(&other.key, &path).await.expect_error(404);
    app.post(&other.key, &format!("{path}/test"), json!({}))
        .await
        .expect_error(404);
    app.get(&other.key, &format!("{path}/deliveries"))
        .await
        .expect_error(404);
    app.get(&acct.key, "/v2/webhooks/999999/deliveries")
        .await
        .expect_error(404);

    let r = app.delete(&acct.key, &path).await;
    r.expect(204);
    assert!(r.text.is_empty());
    app.delete(&acct.key, &path).await.expect_error(404);
    assert_eq!(
        app.get(&acct.key, "/v2/webhooks")
            .await
            .data()
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

async fn webhook_input_is_validated(app: TestApp) {
    let acct = app.account().await;
    let fields = |r: &support::Reply| -> Vec<String> {
        r.body["error"]["details"]
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    };
    let r = app.post(&acct.key, "/v2/webhooks", json!({})).await;
    r.expect_error(422);
    assert_eq!(fields(&r), ["events", "url"]);
    for (body, field) in [
        (json!({ "url": "https://h.example.com/x", "events": [] }), "events"),
        (
            json!({ "url": "https://h.example.com/x", "events": ["entry.updated"] }),
            "events[0]",
        ),
        (
            json!({ "url": "https://h.example.com/x", "events": ["winner.picked", "winner.picked"] }),
            "events[1]",
        ),
        (
            json!({ "url": "ftp://h.example.com/x", "events": ["winner.picked"] }),
            "url",
        ),
        (json!({ "url": "not a url", "events": ["winner.picked"] }), "url"),
        (
            json!({ "url": "https://user:pw@h.example.com/", "events": ["winner.picked"] }),
            "url",
        ),
        (
            json!({ "url": format!("https://h.example.com/{}", "x".repeat(2100)), "events": ["winner.picked"] }),
            "url",
        ),
    ] {
        let r = app.post(&acct.key, "/v2/webhooks", body.clone()).await;
        r.expect_error(422);
        assert_eq!(fields(&r), [field], "{body}: {}", r.text);
    }
    app.post(
        &acct.key,
        "/v2/webhooks",
        json!({ "url": "https://h.example.com/", "events": "winner.picked" }),
    )
    .await
    .expect_error(400);
    let (id, _) = create(&app, &acct, "https://h.example.com/x", &["winner.picked"]).await;
    let r = app
        .put(&acct.key, &format!("/v2/webhooks/{id}"), json!({ "events": ["nope"] }))
        .await;
    r.expect_error(422);
    assert_eq!(fields(&r), ["events[0]"]);
    assert_eq!(
        app.get(&acct.key, "/v2/webhooks").await.data()[0]["events"],
        json!(["winner.picked"])
    );
}

async fn every_event_reaches_the_receiver_signed(app: TestApp) {
    let acct = app.account().await;
    let (url, got) = receiver(&[], 200).await;
    let mine = [
        "entry.deleted",
        "participant.banned",
        "participant.disqualified",
        "winner.picked",
        "winner.removed",
    ];
    let (hook, secret) = create(&app, &acct, &url, &mine).await;
    // Listening to something else, or belonging to another brand: these get nothing.
    let (unsubscribed_url, unsubscribed_got) = receiver(&[], 200).await;
    create(&app, &acct, &unsubscribed_url, &["giveaway.expired"]).await;
    let stranger = app.account().await;
    let (stranger_url, stranger_got) = receiver(&[], 200).await;
    create(&app, &stranger, &stranger_url, &mine).await;

    let id = giveaway(&app, &acct).await;
    let prize = app
        .post(
            &acct.key,
            &format!("/v2/giveaways/{id}/prizes"),
            json!({ "prize_name": "Gift card", "prize_value": "50", "prize_winners_allowed": 1,
                    "redemption_switch": true, "redemption_codes": "SECRET-CODE-7" }),
        )
        .await;
    prize.expect(201);
    let (_, a) = entry(&app, &acct, id, "a@example.com").await;
    let (_, b) = entry(&app, &acct, id, "b@example.com").await;
    let (_, c) = entry(&app, &acct, id, "c@example.com").await;
    let (d_entry, d) = entry(&app, &acct, id, "d@example.com").await;

    let g = format!("/v2/giveaways/{id}");
    app.post(&acct.key, &format!("{g}/winners/manual"), json!({ "user_id": c }))
        .await
        .expect(201);
    let drawn = app
        .post(&acct.key, &format!("{g}/winners/random"), json!({ "count": 1 }))
        .await;
    drawn.expect(201);
    let draw_id = drawn.data()["draw_id"].as_str().unwrap().to_owned();
    let drawn_user = drawn.data()["winners"][0]["user_id"].as_str().unwrap().to_owned();
    let winners = app.get(&acct.key, &format!("{g}/winners")).await;
    let manual_win = winners
        .data()
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["user_id"] == json!(c))
        .unwrap()["entry_id"]
        .as_i64()
        .unwrap();
    app.delete(&acct.key, &format!("{g}/winners/{manual_win}"))
        .await
        .expect(204);
    app.delete(&acct.key, &format!("{g}/entries/{d_entry}"))
        .await
        .expect(204);
    app.post(&acct.key, &format!("{g}/participants/{a}/ban"), json!({}))
        .await
        .expect(200);
    // Banning again changes nothing, so it announces nothing.
    app.post(&acct.key, &format!("{g}/participants/{a}/ban"), json!({}))
        .await
        .expect(200);
    app.post(&acct.key, &format!("{g}/participants/{b}/disqualify"), json!({}))
        .await
        .expect(200);

    // Each winner's e-mail is queued with the win, once.
    let mails = app.engine.db().jobs_of_kind(Some("email.winner")).await.unwrap();
    assert_eq!(mails.len(), 2, "{mails:?}");
    assert!(
        mails
            .iter()
            .any(|j| j.dedupe_key.as_deref() == Some(&format!("email.winner:{manual_win}")))
    );
    let payload: Value = serde_json::from_str(&mails[0].payload).unwrap();
    assert_eq!(payload["giveaway_id"], json!(id));

    app.run_jobs().await;
    let got = got.lock().unwrap().clone();
    let mut seen = Vec::new();
    for r in &got {
        assert_eq!(r.method, Method::POST);
        assert_eq!(r.header("content-type"), "application/json");
        assert_eq!(r.header("user-agent"), "Fairdraw-Webhooks/1");
        assert_eq!(
            r.header("x-webhook-signature"),
            sign(&secret, &r.body),
            "signature of {}",
            r.json()
        );
        let body = r.json();
        assert_eq!(r.header("x-webhook-id"), body["id"].as_str().unwrap());
        assert!(body["id"].as_str().unwrap().starts_with("evt_"));
        assert_eq!(r.header("x-webhook-event"), body["event"].as_str().unwrap());
        assert_eq!(r.header("x-webhook-timestamp"), body["timestamp"].to_string());
        assert_eq!(body["timestamp"], json!(support::T0 / 1000));
        assert_eq!(body["created_at"], json!("2026-06-15 12:00:00"));
        assert_eq!(body["data"]["giveaway_id"], json!(id));
        seen.push(body);
    }
    let of = |kind: &str| seen.iter().filter(|b| b["event"] == json!(kind)).collect::<Vec<_>>();
    let picked = of("winner.picked");
    assert_eq!(picked.len(), 2, "{seen:#?}");
    let manual = picked.iter().find(|p| p["data"]["user_id"] == json!(c)).unwrap();
    assert_eq!(manual["data"]["selection"], json!("manual"));
    assert_eq!(manual["data"]["email"], json!("c@example.com"));
    assert_eq!(manual["data"]["prize"]["name"], json!("Gift card"));
    assert_eq!(manual["data"]["has_redemption_code"], json!(true));
    assert!(
        got.iter()
            .all(|r| !String::from_utf8_lossy(&r.body).contains("SECRET-CODE-7")),
        "a redemption code is never sent to a webhook"
    );
    assert_eq!(manual["data"]["draw_id"], json!(null));
    let random = picked
        .iter()
        .find(|p| p["data"]["user_id"] == json!(drawn_user))
        .unwrap();
    assert_eq!(random["data"]["selection"], json!("random"));
    assert_eq!(random["data"]["draw_id"], json!(draw_id));
    assert!(
        random["data"]["verify_url"]
            .as_str()
            .unwrap()
            .starts_with("https://fairdraw.test/verify/")
    );

    let removed = of("winner.removed");
    assert!(
        removed
            .iter()
            .any(|r| r["data"]["winner_id"] == json!(manual_win) && r["data"]["user_id"] == json!(c))
    );
    // Disqualifying the drawn winner (when that was b) takes their win too.
    assert_eq!(removed.len(), if drawn_user == b { 2 } else { 1 }, "{removed:#?}");

    let deleted = of("entry.deleted");
    assert_eq!(deleted.len(), 1);
    assert_eq!(
        deleted[0]["data"],
        json!({ "giveaway_id": id, "entry_id": d_entry, "user_id": d, "email": "d@example.com",
                "entry_method_id": null, "entry_type": 1, "amount": 2, "deleted_at": "2026-06-15 12:00:00" })
    );
    let banned = of("participant.banned");
    assert_eq!(banned.len(), 1);
    assert_eq!(
        banned[0]["data"],
        json!({ "giveaway_id": id, "user_id": a, "email": "a@example.com", "name": "Pat Doe", "status": "banned",
                "at": "2026-06-15 12:00:00" })
    );
    let disqualified = of("participant.disqualified");
    assert_eq!(disqualified.len(), 1);
    assert_eq!(disqualified[0]["data"]["user_id"], json!(b));
    assert_eq!(disqualified[0]["data"]["status"], json!("disqualified"));

    let mut ids: Vec<&str> = seen.iter().map(|b| b["id"].as_str().unwrap()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), seen.len(), "every event has its own id");
    assert!(unsubscribed_got.lock().unwrap().is_empty(), "not subscribed");
    assert!(stranger_got.lock().unwrap().is_empty(), "another brand's events");

    let log = deliveries(&app, &acct, hook).await;
    assert_eq!(log.len(), seen.len());
    assert!(
        log.iter()
            .all(|d| d["success"] == json!(true) && d["http_code"] == json!(200) && d["attempt"] == json!(1))
    );
    assert!(
        log.windows(2).all(|w| w[0]["id"].as_i64() > w[1]["id"].as_i64()),
        "newest first"
    );
}

async fn a_receiver_that_fails_twice_gets_the_event_once_after_retries(app: TestApp) {
    let acct = app.account().await;
    let (url, got) = receiver(&[500, 500], 200).await;
    let (hook, secret) = create(&app, &acct, &url, &["entry.deleted"]).await;
    let id = giveaway(&app, &acct).await;
    let (entry_id, _) = entry(&app, &acct, id, "r@example.com").await;
    app.delete(&acct.key, &format!("/v2/giveaways/{id}/entries/{entry_id}"))
        .await
        .expect(204);

    assert_eq!(app.run_jobs().await, 1);
    assert_eq!(app.run_jobs().await, 0, "the retry waits for its backoff");
    app.clock.advance(2_001);
    assert_eq!(app.run_jobs().await, 1);
    app.clock.advance(4_001);
    assert_eq!(app.run_jobs().await, 1);
    app.clock.advance(HOUR);
    assert_eq!(app.run_jobs().await, 0, "delivered: nothing left to retry");

    let got = got.lock().unwrap().clone();
    assert_eq!(got.len(), 3);
    let event_id = got[0].header("x-webhook-id").to_owned();
    for r in &got {
        assert_eq!(r.header("x-webhook-id"), event_id, "one event, however many attempts");
        assert_eq!(r.header("x-webhook-signature"), sign(&secret, &r.body));
    }
    assert_ne!(
        got[0].header("x-webhook-timestamp"),
        got[2].header("x-webhook-timestamp"),
        "stamped per attempt"
    );

    let log = deliveries(&app, &acct, hook).await;
    let summary: Vec<(i64, Value, bool)> = log
        .iter()
        .map(|d| {
            (
                d["attempt"].as_i64().unwrap(),
                d["http_code"].clone(),
                d["success"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [(3, json!(200), true), (2, json!(500), false), (1, json!(500), false)]
    );
    assert_eq!(log[1]["error"], json!("HTTP 500"));
    assert!(
        log.iter()
            .all(|d| d["event_id"] == json!(event_id) && d["event"] == json!("entry.deleted"))
    );
    let jobs = app.engine.db().jobs_of_kind(Some("webhook.deliver")).await.unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].state, "done");
}

async fn a_webhook_that_keeps_failing_is_switched_off_with_a_reason(app: TestApp) {
    let acct = app.account().await;
    let (url, got) = receiver(&[], 500).await;
    let (hook, _) = create(&app, &acct, &url, &["entry.deleted"]).await;
    let id = giveaway(&app, &acct).await;
    let mut entries = Vec::new();
    for i in 0..6 {
        entries.push(entry(&app, &acct, id, &format!("f{i}@example.com")).await.0);
    }
    for e in &entries[..5] {
        app.delete(&acct.key, &format!("/v2/giveaways/{id}/entries/{e}"))
            .await
            .expect(204);
    }
    for _ in 0..12 {
        app.run_jobs().await;
        app.clock.advance(HOUR);
    }
    let jobs = app.engine.db().jobs_of_kind(Some("webhook.deliver")).await.unwrap();
    assert_eq!(jobs.len(), 5);
    assert!(jobs.iter().all(|j| j.state == "failed" && j.attempts == 8), "{jobs:?}");
    assert_eq!(got.lock().unwrap().len(), 40, "8 attempts of each of 5 events");

    let listed = app.get(&acct.key, "/v2/webhooks").await.data()[0].clone();
    assert_eq!(listed["id"], json!(hook));
    assert_eq!(listed["active"], json!(false));
    assert_eq!(
        listed["disabled_reason"],
        json!("Disabled after 5 events in a row failed to deliver; last error: HTTP 500")
    );
    // Switched off, it is sent nothing more.
    app.delete(&acct.key, &format!("/v2/giveaways/{id}/entries/{}", entries[5]))
        .await
        .expect(204);
    assert_eq!(app.run_jobs().await, 0);
    assert_eq!(
        app.engine
            .db()
            .jobs_of_kind(Some("webhook.deliver"))
            .await
            .unwrap()
            .len(),
        5
    );

    app.put(&acct.key, &format!("/v2/webhooks/{hook}"), json!({ "active": true }))
        .await
        .expect(200);
    let listed = app.get(&acct.key, "/v2/webhooks").await.data()[0].clone();
    assert_eq!(listed["active"], json!(true));
    assert!(listed.get("disabled_reason").is_none(), "{listed}");
}

async fn the_test_endpoint_reports_the_receivers_answer(app: TestApp) {
    let acct = app.account().await;
    let (url, got) = receiver(&[], 200).await;
    let (hook, secret) = create(&app, &acct, &url, &["winner.picked"]).await;
    let r = app
        .post(&acct.key, &format!("/v2/webhooks/{hook}/test"), json!({}))
        .await;
    r.expect(200);
    assert_eq!(
        r.data(),
        &json!({ "webhook_id": hook, "url": url, "http_code": 200, "success": true })
    );
    let got = got.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].json(),
        json!({ "event": "test", "webhook_id": hook, "timestamp": support::T0 / 1000 })
    );
    assert_eq!(got[0].header("x-sweepwidget-signature"), sign(&secret, &got[0].body));

    let (failing, _) = receiver(&[], 503).await;
    app.put(&acct.key, &format!("/v2/webhooks/{hook}"), json!({ "url": failing }))
        .await
        .expect(200);
    let r = app
        .post(&acct.key, &format!("/v2/webhooks/{hook}/test"), json!({}))
        .await;
    assert_eq!(r.data()["http_code"], json!(503));
    assert_eq!(r.data()["success"], json!(false));
    assert_eq!(r.data()["error"], json!("HTTP 503"));

    let down = closed_port_url().await;
    app.put(&acct.key, &format!("/v2/webhooks/{hook}"), json!({ "url": down }))
        .await
        .expect(200);
    let r = app
        .post(&acct.key, &format!("/v2/webhooks/{hook}/test"), json!({}))
        .await;
    r.expect(200);
    assert_eq!(r.data()["success"], json!(false));
    assert_eq!(r.data()["http_code"], json!(0));
    assert!(
        r.data()["error"].as_str().is_some_and(|e| e.contains("connect")),
        "{}",
        r.text
    );
    assert!(
        !r.data()["error"].as_str().unwrap().contains("127.0.0.1"),
        "no address in the error"
    );

    let log = deliveries(&app, &acct, hook).await;
    assert_eq!(log.len(), 3);
    assert!(log.iter().all(|d| d["event"] == json!("test")));
    assert_eq!(log[0]["http_code"], json!(null));
    assert_eq!(log[2]["success"], json!(true));
}

async fn private_addresses_are_refused_without_allow_private(app: TestApp) {
    let layer = ConfigLayer {
        webhook_allow_private: Some(false),
        ..ConfigLayer::default()
    };
    let (strict, running) = support::start_with(app.backend, layer).await;
    let acct = strict.account().await;
    for url in [
        "http://127.0.0.1/hook",
        "https://127.0.0.1/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://10.0.0.1/",
        "https://[::1]/",
        "https://[::ffff:192.168.0.1]/",
        "https://localhost/hook",
        "http://hooks.example.com/",
    ] {
        let r = strict
            .post(
                &acct.key,
                "/v2/webhooks",
                json!({ "url": url, "events": ["entry.deleted"] }),
            )
            .await;
        r.expect_error(422);
        assert!(r.body["error"]["details"]["url"].is_string(), "{url}: {}", r.text);
    }

    // A webhook saved when its name was harmless, whose name now resolves to loopback: the
    // delivery is refused as it connects.
    let (open_url, got) = receiver(&[], 200).await;
    let port = open_url
        .trim_start_matches("http://127.0.0.1:")
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let now = strict.clock.now_ms();
    let (hook,): (i64,) = sqlx::query_as(
        "INSERT INTO webhooks (brand_id, url, events, secret, active, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 1, $5, $5) RETURNING id",
    )
    .bind(acct.brand_id)
    .bind(format!("https://localhost:{port}/hook"))
    .bind(json!(["entry.deleted"]).to_string())
    .bind("0".repeat(64))
    .bind(now)
    .fetch_one(strict.engine.db().writer())
    .await
    .unwrap();
    let id = giveaway(&strict, &acct).await;
    let (entry_id, _) = entry(&strict, &acct, id, "s@example.com").await;
    strict
        .delete(&acct.key, &format!("/v2/giveaways/{id}/entries/{entry_id}"))
        .await
        .expect(204);
    assert_eq!(strict.run_jobs().await, 1);
    let jobs = strict.engine.db().jobs_of_kind(Some("webhook.deliver")).await.unwrap();
    assert_eq!(jobs[0].state, "failed", "a refused address is not retried");
    let log = deliveries(&strict, &acct, hook).await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["http_code"], json!(null));
    assert!(log[0]["error"].as_str().unwrap().contains("private"), "{}", log[0]);

    let r = strict
        .post(&acct.key, &format!("/v2/webhooks/{hook}/test"), json!({}))
        .await;
    r.expect(200);
    assert_eq!(r.data()["success"], json!(false));
    assert!(r.data()["error"].as_str().unwrap().contains("private"), "{}", r.text);
    assert!(got.lock().unwrap().is_empty(), "nothing reached the loopback receiver");
    running.stop().await;
}

async fn deleted_or_inactive_webhooks_are_not_sent_queued_events(app: TestApp) {
    let acct = app.account().await;
    let (url, got) = receiver(&[], 200).await;
    let (deleted, _) = create(&app, &acct, &url, &["entry.deleted"]).await;
    let (paused, _) = create(&app, &acct, &url, &["entry.deleted"]).await;
    let (narrowed, _) = create(&app, &acct, &url, &["entry.deleted"]).await;
    let id = giveaway(&app, &acct).await;
    let (entry_id, _) = entry(&app, &acct, id, "q@example.com").await;
    app.delete(&acct.key, &format!("/v2/giveaways/{id}/entries/{entry_id}"))
        .await
        .expect(204);
    assert_eq!(
        app.engine
            .db()
            .jobs_of_kind(Some("webhook.deliver"))
            .await
            .unwrap()
            .len(),
        3
    );

    // Changed after the event was queued, before it was sent.
    app.delete(&acct.key, &format!("/v2/webhooks/{deleted}"))
        .await
        .expect(204);
    app.put(&acct.key, &format!("/v2/webhooks/{paused}"), json!({ "active": false }))
        .await
        .expect(200);
    app.put(
        &acct.key,
        &format!("/v2/webhooks/{narrowed}"),
        json!({ "events": ["winner.picked"] }),
    )
    .await
    .expect(200);
    assert_eq!(app.run_jobs().await, 3);
    assert!(got.lock().unwrap().is_empty());
    let jobs = app.engine.db().jobs_of_kind(Some("webhook.deliver")).await.unwrap();
    assert!(jobs.iter().all(|j| j.state == "done"), "nothing to retry: {jobs:?}");
    assert!(deliveries(&app, &acct, paused).await.is_empty());
}
