//! Two instances on one database, taking entries for one giveaway at the same instant: the
//! duplicate-IP rule, `max_total_participants` and `max_entries_per_user` hold exactly, as they
//! do inside one process. Each recording checks and writes in one transaction that first locks
//! the giveaway's counters (store `entries`), so concurrent writers of either instance queue
//! behind each other rather than both reading "not yet".

use crate::scenarios;
use crate::support::{Reply, TestApp};
use crate::v1_support::{Database, Instance, clock};
use fairdraw_server::config::ConfigLayer;
use serde_json::{Value, json};

scenarios!(entry_limits_hold_across_two_instances);

async fn public_entry(app: &TestApp, id: i64, email: String, ip: String) -> Reply {
    let req = app
        .http
        .post(app.url(&format!("/api/public/giveaways/{id}/entries")))
        .header("X-Forwarded-For", ip)
        .json(&json!({ "name": "Pat Entrant", "email": email, "consent": true }));
    TestApp::read(req).await
}

fn statuses(replies: &[Reply]) -> (usize, Vec<String>) {
    let created = replies.iter().filter(|r| r.status == 201).count();
    let rules = replies
        .iter()
        .filter(|r| r.status != 201)
        .map(|r| {
            format!(
                "{} {}",
                r.status,
                r.body["error"]["details"]["rule"].as_str().unwrap_or(&r.text)
            )
        })
        .collect();
    (created, rules)
}

async fn entry_limits_hold_across_two_instances(app: TestApp) {
    let db = Database::new(app.backend).await;
    let clock = clock();
    // Clients reach both through a proxy on loopback that names their addresses.
    let layer = || ConfigLayer {
        client_ip_header: Some("X-Forwarded-For".to_owned()),
        trusted_proxies: Some(vec!["127.0.0.1".to_owned()]),
        public_ip_rpm: Some(100_000),
        public_giveaway_rps: Some(100_000),
        ..ConfigLayer::default()
    };
    let one = Instance::start(app.backend, &db, layer(), clock.clone()).await;
    let two = Instance::start(app.backend, &db, layer(), clock.clone()).await;
    let acct = one.app.account().await;
    let giveaway = |rules: Value| {
        let app = &one.app;
        let key = acct.key.clone();
        async move {
            app.create_giveaway(
                &key,
                json!({ "start_time": "2020-01-01 00:00:00", "end_time": "2099-12-31 23:59:59", "time_zone": "UTC",
                        "is_draft": false, "rules_config": rules }),
            )
            .await
        }
    };
    let apps = [one.app.clone(), two.app.clone()];

    // One address, sixteen people, both instances at once: one gets in.
    let same_ip = giveaway(json!({ "check_for_duplicate_ip": true })).await;
    let tasks: Vec<_> = (0..16)
        .map(|n| {
            let app = apps[n % 2].clone();
            tokio::spawn(async move {
                public_entry(&app, same_ip, format!("ip{n}@example.com"), "203.0.113.9".to_owned()).await
            })
        })
        .collect();
    let mut replies = Vec::new();
    for t in tasks {
        replies.push(t.await.unwrap());
    }
    let (created, refused) = statuses(&replies);
    assert_eq!(created, 1, "refusals: {refused:?}");
    assert!(refused.iter().all(|r| r == "403 duplicate_ip"), "{refused:?}");

    // At most five participants, twenty-four arriving at once: five get in.
    let capped = giveaway(json!({ "max_total_participants": 5 })).await;
    let tasks: Vec<_> = (0..24)
        .map(|n| {
            let app = apps[n % 2].clone();
            tokio::spawn(async move {
                public_entry(&app, capped, format!("cap{n}@example.com"), format!("198.51.100.{n}")).await
            })
        })
        .collect();
    let mut replies = Vec::new();
    for t in tasks {
        replies.push(t.await.unwrap());
    }
    let (created, refused) = statuses(&replies);
    assert_eq!(created, 5, "refusals: {refused:?}");
    assert!(refused.iter().all(|r| r == "403 max_participants"), "{refused:?}");

    // At most three entries a person, twelve API entries of one person at once: three stored.
    let per_user = giveaway(json!({ "max_entries_per_user": 3 })).await;
    let tasks: Vec<_> = (0..12)
        .map(|n| {
            let app = apps[n % 2].clone();
            let key = acct.key.clone();
            tokio::spawn(async move {
                app.post(
                    &key,
                    &format!("/v2/giveaways/{per_user}/entries"),
                    json!({ "user_email": "same@example.com", "user_name": "Same Person", "entry_amount": 1 }),
                )
                .await
            })
        })
        .collect();
    let mut accepted = 0;
    for t in tasks {
        let r = t.await.unwrap();
        assert!(r.status < 500, "{}", r.text);
        if r.status == 201 {
            accepted += 1;
        }
    }
    assert_eq!(accepted, 3);

    // What is stored agrees, and the counters equal the rows.
    let store = one.app.engine.db();
    for (id, participants) in [(same_ip, 1), (capped, 5), (per_user, 1)] {
        let stored = store.stored_counters(id).await.unwrap();
        assert_eq!(stored, store.count_from_entries(id).await.unwrap(), "counters drifted");
        assert_eq!(stored.1, participants, "giveaway {id}: {stored:?}");
    }
    let p = one.app.get(&acct.key, &format!("/v2/giveaways/{per_user}/participants")).await;
    p.expect(200);
    assert_eq!(p.data()[0]["total_entries"], json!(3), "{}", p.text);
    one.stop().await;
    two.stop().await;
    db.drop_now().await;
}
