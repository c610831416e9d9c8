//! Two instances on one database, taking entries for one giveaway at the same instant: the
//! duplicate-IP rule, `max_total_participants` and `max_entries_per_user` hold exactly, as they
//! do inside one process. Each recording checks and writes in one transaction that first locks
//! the giveaway's counters (store `entries`), so concurrent writers of either instance queue
//! behind each other rather than both reading "not yet".
//!
//! A draw on one instance racing bans, disqualifications and new entries on the other pools the
//! eligible set of one moment: the changes made before it are all in, those after all out.

use crate::scenarios;
use crate::support::{Reply, TestApp};
use crate::v1_support::{Database, Instance, clock};
use fairdraw_server::config::ConfigLayer;
use serde_json::{Value, json};

scenarios!(
    entry_limits_hold_across_two_instances,
    a_draw_racing_bans_and_entries_pools_one_moment
);

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
    let p = one
        .app
        .get(&acct.key, &format!("/v2/giveaways/{per_user}/participants"))
        .await;
    p.expect(200);
    assert_eq!(p.data()[0]["total_entries"], json!(3), "{}", p.text);
    one.stop().await;
    two.stop().await;
    db.drop_now().await;
}

/// One change the second instance makes while the first draws, in this order.
enum Change {
    Ban(String),
    Disqualify(String),
    Enter(String),
}

async fn a_draw_racing_bans_and_entries_pools_one_moment(app: TestApp) {
    let db = Database::new(app.backend).await;
    let clock = clock();
    let one = Instance::start(app.backend, &db, ConfigLayer::default(), clock.clone()).await;
    let two = Instance::start(app.backend, &db, ConfigLayer::default(), clock.clone()).await;
    let acct = one.app.account().await;
    let id = one
        .app
        .create_giveaway(
            &acct.key,
            json!({ "start_time": "2020-01-01 00:00:00", "end_time": "2099-12-31 23:59:59", "time_zone": "UTC",
                    "is_draft": false, "rules_config": { "security_level": 1 } }),
        )
        .await;
    // 300 participants, one entry each.
    for chunk in 0..3 {
        let entries: Vec<Value> = (0..100)
            .map(|n| json!({ "user_email": format!("p{chunk}-{n}@example.com"), "user_name": "P" }))
            .collect();
        let r = one
            .app
            .post(
                &acct.key,
                &format!("/v2/giveaways/{id}/entries/bulk"),
                json!({ "entries": entries }),
            )
            .await;
        assert!(r.status < 300, "{}", r.text);
    }
    let mut users = Vec::new();
    for page in 1..=3 {
        let r = one
            .app
            .get(
                &acct.key,
                &format!("/v2/giveaways/{id}/participants?per_page=100&page={page}"),
            )
            .await;
        r.expect(200);
        users.extend(
            r.data()
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["user_id"].as_str().unwrap().to_owned()),
        );
    }
    assert_eq!(users.len(), 300);
    // The changes: a ban, a disqualification and a new person in turn, 60 in all.
    let changes: Vec<Change> = (0..60)
        .map(|n| match n % 3 {
            0 => Change::Ban(users[n].clone()),
            1 => Change::Disqualify(users[n].clone()),
            _ => Change::Enter(format!("late{n}@example.com")),
        })
        .collect();
    let (two_app, key) = (two.app.clone(), acct.key.clone());
    let paths: Vec<(String, Value)> = changes
        .iter()
        .map(|c| match c {
            Change::Ban(u) => (format!("/v2/giveaways/{id}/participants/{u}/ban"), json!({})),
            Change::Disqualify(u) => (format!("/v2/giveaways/{id}/participants/{u}/disqualify"), json!({})),
            Change::Enter(e) => (
                format!("/v2/giveaways/{id}/entries"),
                json!({ "user_email": e, "user_name": "Late", "entry_amount": 1 }),
            ),
        })
        .collect();
    let changer = tokio::spawn(async move {
        let mut entered = Vec::new();
        for (path, body) in paths {
            let r = two_app.post(&key, &path, body).await;
            assert!(r.status < 300, "{path}: {}", r.text);
            entered.push(r.data()["user_id"].as_str().map(str::to_owned));
        }
        entered
    });
    // The draw starts while the changes are under way.
    tokio::time::sleep(std::time::Duration::from_millis(40)).await;
    let d = one
        .app
        .post(
            &acct.key,
            &format!("/v2/giveaways/{id}/winners/random"),
            json!({ "count": 1 }),
        )
        .await;
    assert!(d.status < 300, "{}", d.text);
    let entered = changer.await.unwrap();
    let hash = d.data()["verification"]["sha256"].as_str().unwrap().to_owned();
    let (_, pool, _) = crate::winners::fetch_and_verify(&one.app, &hash).await;
    let pooled: std::collections::BTreeSet<String> = pool.iter().map(|c| c.id.to_owned()).collect();
    // Which changes the pool reflects, in the order they were made.
    let reflected: Vec<bool> = changes
        .iter()
        .zip(&entered)
        .map(|(c, user)| match c {
            Change::Ban(u) | Change::Disqualify(u) => !pooled.contains(u),
            Change::Enter(_) => pooled.contains(user.as_ref().expect("a new participant's user_id")),
        })
        .collect();
    let cut = reflected.iter().take_while(|r| **r).count();
    assert!(
        reflected[cut..].iter().all(|r| !r),
        "the pool mixes moments: {reflected:?}"
    );
    // And it is exactly the eligible set at that cut: everyone else, one ticket each.
    let mut expected: std::collections::BTreeSet<String> = users.iter().cloned().collect();
    for (c, user) in changes.iter().zip(&entered).take(cut) {
        match c {
            Change::Ban(u) | Change::Disqualify(u) => {
                expected.remove(u);
            }
            Change::Enter(_) => {
                expected.insert(user.clone().unwrap());
            }
        }
    }
    assert_eq!(pooled, expected, "cut after {cut} of {} changes", changes.len());
    assert!(pool.iter().all(|c| c.weight == 1));
    one.stop().await;
    two.stop().await;
    db.drop_now().await;
}
