//! The entry write path's webhook events: `participant.created` for each new participant and
//! `entry.created` for each entry row, queued as `webhook.deliver` jobs in the recording's
//! transaction, from the public endpoint (one at a time and in concurrent batches) and from
//! `/v2` create, bulk and import; and nothing queued when no webhook listens.

use crate::scenarios;
use crate::support::{Method, TestAccount, TestApp};
use fairdraw_core::time::format_utc;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

scenarios!(
    public_entries_queue_participant_and_entry_events,
    concurrent_public_entries_queue_one_event_each,
    v2_create_bulk_and_import_queue_events,
    nothing_is_queued_when_no_webhook_listens,
);

/// A webhook of the account's brand listening to `events`, written directly: its management
/// API is not what these scenarios are about.
async fn webhook(app: &TestApp, acct: &TestAccount, events: &[&str], active: bool) -> i64 {
    let now = app.clock.now_ms();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO webhooks (brand_id, url, events, secret, active, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(acct.brand_id)
    .bind("http://127.0.0.1:9/hook")
    .bind(json!(events).to_string())
    .bind("whsec_test")
    .bind(i64::from(active))
    .bind(now)
    .fetch_one(app.engine.db().writer())
    .await
    .expect("webhook row");
    id
}

/// The queued deliveries' payloads, in queue order.
async fn deliveries(app: &TestApp) -> Vec<Value> {
    app.engine
        .db()
        .jobs_of_kind(Some("webhook.deliver"))
        .await
        .expect("jobs")
        .iter()
        .map(|j| serde_json::from_str(&j.payload).expect("JSON payload"))
        .collect()
}

fn of_kind<'a>(all: &'a [Value], kind: &str) -> Vec<&'a Value> {
    all.iter().filter(|d| d["event"] == json!(kind)).collect()
}

async fn live_giveaway(app: &TestApp, acct: &TestAccount) -> i64 {
    let body = json!({
        "start_time": "2026-06-01 00:00:00",
        "end_time": "2026-12-31 23:59:59",
        "time_zone": "UTC",
        "is_draft": false,
        "rules_config": {},
    });
    app.create_giveaway(&acct.key, body).await
}

async fn enter(app: &TestApp, id: i64, body: Value) -> Value {
    let r = app
        .call(
            Method::POST,
            &format!("/api/public/giveaways/{id}/entries"),
            None,
            Some(&body),
        )
        .await;
    assert!(r.status == 201 || r.status == 200, "{}", r.text);
    r.data().clone()
}

fn person(email: &str) -> Value {
    json!({ "name": "Pat Entrant", "email": email, "consent": true, "country": "CA" })
}

/// (entry id, user_id) of every entry of the giveaway, as `/v2` lists them.
async fn listed_entries(app: &TestApp, acct: &TestAccount, id: i64) -> BTreeMap<i64, String> {
    let r = app
        .get(&acct.key, &format!("/v2/giveaways/{id}/entries?per_page=500"))
        .await;
    r.expect(200);
    r.data()
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| (e["id"].as_i64().unwrap(), e["user_id"].as_str().unwrap().to_owned()))
        .collect()
}

/// The per-giveaway number of the method of type `kind`.
async fn method_number(app: &TestApp, acct: &TestAccount, id: i64, kind: i64) -> i64 {
    let r = app.get(&acct.key, &format!("/v2/giveaways/{id}/entry-methods")).await;
    r.expect(200);
    r.data()
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["entry_method"] == json!(kind))
        .and_then(|m| m["entry_id"].as_i64())
        .expect("method of that type")
}

async fn public_entries_queue_participant_and_entry_events(app: TestApp) {
    let acct = app.account().await;
    let id = live_giveaway(&app, &acct).await;
    let hook = webhook(&app, &acct, &["entry.created", "participant.created"], true).await;
    let friend_method = {
        let r = app
            .post(
                &acct.key,
                &format!("/v2/giveaways/{id}/entry-methods"),
                json!({ "entry_method": 5, "entry_amount": 3 }),
            )
            .await;
        r.expect(201);
        r.data()["entry_id"].as_i64().unwrap()
    };
    let details = method_number(&app, &acct, id, 1).await;

    let referrer = enter(&app, id, person("ref@example.com")).await;
    let code = referrer["referral_code"].as_str().unwrap();
    let friend = enter(
        &app,
        id,
        json!({ "name": "Fran Friend", "email": "friend@example.com", "consent": true, "referral_code": code }),
    )
    .await;
    // Entering again adds nothing, so it announces nothing.
    enter(&app, id, person("ref@example.com")).await;

    let all = deliveries(&app).await;
    let created = format_utc(app.clock.now_ms());
    let participants = of_kind(&all, "participant.created");
    assert_eq!(participants.len(), 2, "{all:#?}");
    assert_eq!(
        participants[0]["data"],
        json!({
            "giveaway_id": id, "user_id": referrer["user_id"], "email": "ref@example.com", "name": "Pat Entrant",
            "country": "CA", "referred_by": null, "created_at": created,
        })
    );
    assert_eq!(participants[1]["data"]["user_id"], friend["user_id"]);
    assert_eq!(participants[1]["data"]["referred_by"], referrer["user_id"]);
    assert_eq!(participants[1]["data"]["country"], json!(null));

    // Two User Details entries and the referrer's Refer a Friend credit.
    let entries = of_kind(&all, "entry.created");
    let listed = listed_entries(&app, &acct, id).await;
    assert_eq!(entries.len(), 3, "{all:#?}");
    let announced: BTreeMap<i64, String> = entries
        .iter()
        .map(|d| {
            (
                d["data"]["entry_id"].as_i64().unwrap(),
                d["data"]["user_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(announced, listed);
    let first = &entries[0]["data"];
    assert_eq!(
        first,
        &json!({
            "giveaway_id": id, "entry_id": first["entry_id"], "user_id": referrer["user_id"],
            "email": "ref@example.com", "name": "Pat Entrant", "entry_method_id": details, "entry_type": 1,
            "amount": 1, "created_at": created,
        })
    );
    let credit = entries
        .iter()
        .find(|d| d["data"]["entry_type"] == json!(5))
        .expect("the referral credit is announced");
    assert_eq!(credit["data"]["user_id"], referrer["user_id"]);
    assert_eq!(credit["data"]["entry_method_id"], json!(friend_method));
    assert_eq!(credit["data"]["amount"], json!(3));

    for d in &all {
        assert_eq!(d["webhook_id"], json!(hook));
        assert_eq!(d["occurred_at"], json!(app.clock.now_ms()));
        assert!(d["event_id"].as_str().is_some_and(|e| !e.is_empty()), "{d}");
    }
    let ids: BTreeSet<&str> = all.iter().map(|d| d["event_id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), all.len(), "every event has its own id");
}

async fn concurrent_public_entries_queue_one_event_each(app: TestApp) {
    let acct = app.account().await;
    let id = live_giveaway(&app, &acct).await;
    webhook(&app, &acct, &["participant.created", "entry.created"], true).await;
    // Concurrent entries reach the writer together and are written as one group.
    let n = 24;
    let mut tasks = Vec::new();
    for i in 0..n {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            enter(&app, id, person(&format!("p{i}@example.com"))).await
        }));
    }
    let mut users = BTreeSet::new();
    for t in tasks {
        users.insert(t.await.unwrap()["user_id"].as_str().unwrap().to_owned());
    }
    let all = deliveries(&app).await;
    let announced: BTreeSet<String> = of_kind(&all, "participant.created")
        .iter()
        .map(|d| d["data"]["user_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(announced, users);
    let entries: BTreeMap<i64, String> = of_kind(&all, "entry.created")
        .iter()
        .map(|d| {
            (
                d["data"]["entry_id"].as_i64().unwrap(),
                d["data"]["user_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(entries, listed_entries(&app, &acct, id).await);
    assert_eq!(all.len(), 2 * n);
}

async fn v2_create_bulk_and_import_queue_events(app: TestApp) {
    let acct = app.account().await;
    let id = live_giveaway(&app, &acct).await;
    // Listens to entries only: no participant events are queued for it.
    webhook(&app, &acct, &["entry.created"], true).await;
    let only_people = webhook(&app, &acct, &["participant.created"], true).await;
    let path = format!("/v2/giveaways/{id}/entries");
    app.post(
        &acct.key,
        &path,
        json!({ "user_email": "solo@example.com", "user_name": "Solo", "entry_amount": 2 }),
    )
    .await
    .expect(201);
    app.post(
        &acct.key,
        &format!("{path}/bulk"),
        json!({ "entries": [
            { "user_email": "a@example.com", "user_name": "A", "entry_amount": 1 },
            { "user_email": "b@example.com", "user_name": "B", "entry_amount": 3 },
            { "user_email": "solo@example.com", "user_name": "Solo", "entry_amount": 1 },
        ] }),
    )
    .await
    .expect(201);
    app.post(
        &acct.key,
        &format!("{path}/import"),
        json!({ "entries": [
            { "user_email": "c@example.com", "user_name": "C", "entry_amount": 1 },
            { "user_email": "c@example.com", "user_name": "C", "entry_amount": 2 },
        ] }),
    )
    .await
    .expect(201);

    let all = deliveries(&app).await;
    let entries: BTreeMap<i64, String> = of_kind(&all, "entry.created")
        .iter()
        .map(|d| {
            (
                d["data"]["entry_id"].as_i64().unwrap(),
                d["data"]["user_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(entries.len(), 6, "{all:#?}");
    assert_eq!(entries, listed_entries(&app, &acct, id).await);
    let people = of_kind(&all, "participant.created");
    let emails: BTreeSet<&str> = people.iter().map(|d| d["data"]["email"].as_str().unwrap()).collect();
    assert_eq!(
        emails,
        BTreeSet::from(["solo@example.com", "a@example.com", "b@example.com", "c@example.com"])
    );
    assert!(people.iter().all(|d| d["webhook_id"] == json!(only_people)));
    assert_eq!(all.len(), 6 + 4);
}

async fn nothing_is_queued_when_no_webhook_listens(app: TestApp) {
    let acct = app.account().await;
    let other = app.account().await;
    let id = live_giveaway(&app, &acct).await;
    // Another brand's webhook, an inactive one, and one listening to something else.
    webhook(&app, &other, &["entry.created", "participant.created"], true).await;
    webhook(&app, &acct, &["entry.created", "participant.created"], false).await;
    webhook(&app, &acct, &["winner.picked"], true).await;
    enter(&app, id, person("a@example.com")).await;
    enter(&app, id, person("b@example.com")).await;
    app.post(
        &acct.key,
        &format!("/v2/giveaways/{id}/entries"),
        json!({ "user_email": "c@example.com", "user_name": "C", "entry_amount": 1 }),
    )
    .await
    .expect(201);
    assert_eq!(listed_entries(&app, &acct, id).await.len(), 3);
    assert!(deliveries(&app).await.is_empty());
}
