//! The entry writer: counters stay exact under concurrent writes, limits hold inside the
//! transaction, and banned or disqualified participants are refused.

use crate::scenarios;
use crate::support::TestApp;
use fairdraw_store::entries::{Entrant, NewEntry, Refusal};
use serde_json::json;

scenarios!(
    counters_stay_exact_under_concurrent_recording,
    limits_hold_in_the_transaction
);

fn entrant(email: &str) -> Entrant {
    Entrant {
        email: email.to_owned(),
        name: "Test Person".to_owned(),
        country: Some("US".to_owned()),
        birthday: None,
        ip: Some("203.0.113.9".to_owned()),
        referred_by_code: None,
        verified: true,
    }
}

fn entry(amount: i64) -> NewEntry {
    NewEntry {
        entry_method_id: None,
        method_type: 1,
        amount,
        value: None,
    }
}

async fn counters_stay_exact_under_concurrent_recording(app: TestApp) {
    let acct = app.account().await;
    let id = app.create_giveaway(&acct.key, json!({ "is_draft": false })).await;
    let who = app.engine.authenticate_secret(&acct.key).await.unwrap();
    let g = app.engine.owned_giveaway(&who, id).await.unwrap();
    let mut tasks = Vec::new();
    for t in 0..400_i64 {
        let engine = app.engine.clone();
        let g = g.clone();
        tasks.push(tokio::spawn(async move {
            let email = format!("person{}@example.com", t % 60);
            let entries = (0..(t % 3 + 1)).map(|k| entry(k + 1)).collect();
            engine
                .record_entries(&g, entrant(&email), entries)
                .await
                .unwrap()
                .unwrap()
        }));
    }
    let mut new_people = 0;
    for t in tasks {
        if t.await.unwrap().is_new {
            new_people += 1;
        }
    }
    assert_eq!(new_people, 60, "each e-mail becomes one participant, once");
    let db = app.engine.db();
    let stored = db.stored_counters(id).await.unwrap();
    let recounted = db.count_from_entries(id).await.unwrap();
    assert_eq!(stored, recounted);
    assert_eq!(stored.1, 60);
    // 400 recordings of 1, 2 or 3 entries (amounts 1, 1+2, 1+2+3).
    let expected_entries: i64 = (0..400).map(|t| [1, 3, 6][(t % 3) as usize]).sum();
    assert_eq!(stored.0, expected_entries);
    let expected_actions: i64 = (0..400).map(|t| t % 3 + 1).sum();
    assert_eq!(stored.2, expected_actions);
    // The API reports the same figures.
    let d = app.get(&acct.key, &format!("/v2/giveaways/{id}")).await;
    assert_eq!(d.data()["total_entries"], json!(expected_entries));
    assert_eq!(d.data()["total_participants"], json!(60));
    assert_eq!(d.data()["total_actions"], json!(expected_actions));
}

async fn limits_hold_in_the_transaction(app: TestApp) {
    let acct = app.account().await;
    let id = app
        .create_giveaway(
            &acct.key,
            json!({ "is_draft": false, "rules_config": { "max_total_participants": 5, "max_entries_per_user": 4 } }),
        )
        .await;
    let who = app.engine.authenticate_secret(&acct.key).await.unwrap();
    let g = app.engine.owned_giveaway(&who, id).await.unwrap();
    let mut tasks = Vec::new();
    for t in 0..20 {
        let engine = app.engine.clone();
        let g = g.clone();
        tasks.push(tokio::spawn(async move {
            engine
                .record_entries(&g, entrant(&format!("p{t}@example.com")), vec![entry(1)])
                .await
                .unwrap()
        }));
    }
    let mut accepted = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => accepted += 1,
            Err(refusal) => assert_eq!(refusal, Refusal::MaxParticipants),
        }
    }
    assert_eq!(accepted, 5);
    let stranger = app
        .engine
        .record_entries(&g, entrant("late@example.com"), vec![entry(1)])
        .await
        .unwrap();
    assert_eq!(stranger, Err(Refusal::MaxParticipants));
    let db = app.engine.db();
    assert_eq!(
        db.stored_counters(id).await.unwrap(),
        db.count_from_entries(id).await.unwrap()
    );

    // Per-user cap of 4: 1, then 3 more fit; one more does not, nor does a first entry of 5.
    let capped = app
        .create_giveaway(
            &acct.key,
            json!({ "is_draft": false, "rules_config": { "max_entries_per_user": 4 } }),
        )
        .await;
    let g = app.engine.owned_giveaway(&who, capped).await.unwrap();
    let one = app
        .engine
        .record_entries(&g, entrant("a@example.com"), vec![entry(1)])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(one.total_entries, 1);
    let four = app
        .engine
        .record_entries(&g, entrant("a@example.com"), vec![entry(3)])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(four.total_entries, 4);
    let over = app
        .engine
        .record_entries(&g, entrant("a@example.com"), vec![entry(1)])
        .await
        .unwrap();
    assert_eq!(over, Err(Refusal::MaxEntriesPerUser));
    let too_big = app
        .engine
        .record_entries(&g, entrant("b@example.com"), vec![entry(5)])
        .await
        .unwrap();
    assert_eq!(too_big, Err(Refusal::MaxEntriesPerUser));
    assert_eq!(db.stored_counters(capped).await.unwrap(), (4, 1, 2));
}
