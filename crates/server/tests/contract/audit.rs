//! Contract scenarios for the audit trail (issue 16): every administrative change through /v2
//! lands in the brand's hash chain in the change's own transaction; `GET /v2/audit-log` lists it
//! in the /v2 envelope; the chain re-check (what `fairdraw audit verify` runs) names the first
//! link an SQL edit broke; concurrent changes leave no gap and no fork; draw certificates carry
//! the head. And a person's export and erasure: nothing of the erased address is left, and past
//! draws still verify.

use crate::scenarios;
use crate::support::{TestAccount, TestApp, unique};
use crate::winners::{fetch_and_verify, published};
use fairdraw_core::audit::{Fault, Head};
use fairdraw_core::draw::Hash32;
use fairdraw_server::engine::Giveaway;
use fairdraw_server::engine::audit::ChainReport;
use fairdraw_store::entries::{Entrant, NewEntry};
use serde_json::{Value, json};

scenarios!(
    admin_changes_are_chained_and_listed,
    an_edited_or_removed_entry_is_named,
    concurrent_changes_leave_a_gap_free_chain,
    export_then_erasure_leaves_draws_verifiable,
    erasure_reaches_queued_work_and_saved_responses,
);

/// The re-check of `brand_id`'s chain, as `fairdraw audit verify` runs it.
pub(crate) async fn report(app: &TestApp, brand_id: i64) -> ChainReport {
    app.engine
        .verify_audit()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.brand_id == brand_id)
        .unwrap_or_else(|| panic!("brand {brand_id} has no chain"))
}

/// Every entry of the caller's brand, oldest first, through the API.
pub(crate) async fn all_entries(app: &TestApp, acct: &TestAccount) -> Vec<Value> {
    let mut out = Vec::new();
    for page in 1.. {
        let r = app
            .get(&acct.key, &format!("/v2/audit-log?per_page=100&page={page}"))
            .await;
        r.expect(200);
        let rows = r.data().as_array().unwrap().clone();
        let more = r.body["pagination"]["has_more"] == json!(true);
        out.extend(rows);
        if !more {
            break;
        }
    }
    out.reverse();
    out
}

pub(crate) fn actions(entries: &[Value]) -> Vec<&str> {
    entries.iter().map(|e| e["action"].as_str().unwrap()).collect()
}

/// Records one entry with an answer for `email`, who gives a birthday and enters from an IP
/// address of their own (`n`); returns the user_id.
async fn enter(app: &TestApp, g: &Giveaway, email: &str, answer: &str, n: u8) -> String {
    let entrant = Entrant {
        email: email.to_owned(),
        name: format!("Name of {email}"),
        country: Some("US".to_owned()),
        birthday: Some(format!("1990-01-{:02}", n % 28 + 1)),
        ip: Some(format!("203.0.113.{n}")),
        referred_by_code: None,
        verified: true,
    };
    let entry = NewEntry {
        entry_method_id: None,
        method_type: 1,
        amount: 2,
        value: Some(answer.to_owned()),
    };
    app.engine
        .record_entries(g, entrant, vec![entry])
        .await
        .unwrap()
        .unwrap()
        .user_id
}

async fn admin_changes_are_chained_and_listed(app: TestApp) {
    let acct = app.account().await;
    let other = app.account().await;
    let key = &acct.key;
    let id = app.create_giveaway(key, json!({ "title": "Audited" })).await;
    app.put(
        key,
        &format!("/v2/giveaways/{id}"),
        json!({ "title": "Audited, renamed" }),
    )
    .await
    .expect(200);
    app.post(key, &format!("/v2/giveaways/{id}/publish"), json!({}))
        .await
        .expect(200);
    let hook = app
        .post(
            key,
            "/v2/webhooks",
            json!({ "url": "https://hooks.example.com/a?token=secret", "events": ["winner.picked"] }),
        )
        .await;
    hook.expect(201);
    let hook_id = hook.data()["id"].as_i64().unwrap();
    app.put(key, &format!("/v2/webhooks/{hook_id}"), json!({ "active": false }))
        .await
        .expect(200);
    app.delete(key, &format!("/v2/webhooks/{hook_id}")).await.expect(204);

    let who = app.engine.authenticate_secret(key).await.unwrap();
    let g = app.engine.owned_giveaway(&who, id).await.unwrap();
    let mut users = Vec::new();
    for i in 0..6 {
        users.push(enter(&app, &g, &format!("audited{i}@example.com"), "blue", i).await);
    }
    let participants = format!("/v2/giveaways/{id}/participants");
    app.post(key, &format!("{participants}/{}/ban", users[0]), json!({}))
        .await
        .expect(200);
    // Banning again changes nothing, and records nothing.
    app.post(key, &format!("{participants}/{}/ban", users[0]), json!({}))
        .await
        .expect(200);
    app.post(key, &format!("{participants}/{}/unban", users[0]), json!({}))
        .await
        .expect(200);
    app.post(key, &format!("{participants}/{}/disqualify", users[1]), json!({}))
        .await
        .expect(200);
    let head_before_draw = app.engine.db().audit_head(acct.brand_id).await.unwrap();
    let d = app
        .post(
            key,
            &format!("/v2/giveaways/{id}/winners/random"),
            json!({ "count": 1 }),
        )
        .await;
    d.expect(201);
    let hash = d.data()["verification"]["sha256"].as_str().unwrap().to_owned();
    let drawn_user = d.data()["winners"][0]["user_id"].clone();
    let by_hand = users[2..].iter().find(|u| json!(u) != drawn_user).unwrap().clone();
    let picked = app
        .post(
            key,
            &format!("/v2/giveaways/{id}/winners/manual"),
            json!({ "user_id": by_hand }),
        )
        .await;
    picked.expect(201);
    let winners = app.get(key, &format!("/v2/giveaways/{id}/winners")).await;
    let manual = winners
        .data()
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["user_id"] == json!(by_hand))
        .unwrap()["entry_id"]
        .as_i64()
        .unwrap();
    app.delete(key, &format!("/v2/giveaways/{id}/winners/{manual}"))
        .await
        .expect(204);
    app.delete(key, &format!("/v2/giveaways/{id}")).await.expect(204);

    let entries = all_entries(&app, &acct).await;
    assert_eq!(
        actions(&entries),
        vec![
            "giveaway.created",
            "giveaway.updated",
            "giveaway.published",
            "webhook.created",
            "webhook.updated",
            "webhook.deleted",
            "participant.banned",
            "participant.unbanned",
            "participant.disqualified",
            "winners.drawn",
            "winner.picked",
            "winner.removed",
            "giveaway.deleted",
        ]
    );
    // A gap-free chain: seq 1, 2, …, each holding the hash of the one before.
    let mut prev = "0".repeat(64);
    for (i, e) in entries.iter().enumerate() {
        assert_eq!(e["seq"], json!(i as i64 + 1), "{e}");
        assert_eq!(e["prev_hash"], json!(prev), "{e}");
        assert_eq!(e["actor_key_id"], json!(who.key_id), "{e}");
        assert_eq!(
            e["details"],
            serde_json::from_str::<Value>(e["details_text"].as_str().unwrap()).unwrap()
        );
        prev = e["hash"].as_str().unwrap().to_owned();
    }
    for e in &entries[..3] {
        assert_eq!(e["giveaway_id"], json!(id), "{e}");
    }
    let drawn = &entries[9];
    assert_eq!(drawn["details"]["result_hash"], json!(hash));
    assert_eq!(drawn["details"]["winners"].as_array().unwrap().len(), 1);
    assert_eq!(entries[6]["details"]["user_id"], json!(users[0]));
    // Ids only: no address, name or webhook URL anywhere in the log.
    let text = serde_json::to_string(&entries).unwrap();
    for secret in [
        "@example.com",
        "Name of",
        "hooks.example.com",
        "token=secret",
        "203.0.113.",
    ] {
        assert!(!text.contains(secret), "{secret} in the audit log: {text}");
    }

    // The envelope, its paging and filters.
    let r = app.get(key, "/v2/audit-log?per_page=2&page=2").await;
    r.expect(200);
    assert_eq!(r.body["success"], json!(true));
    assert!(r.body["meta"]["request_id"].is_string());
    assert_eq!(r.body["pagination"]["total"], json!(13));
    assert_eq!(r.body["pagination"]["total_pages"], json!(7));
    assert_eq!(
        actions(r.data().as_array().unwrap()),
        vec!["winner.picked", "winners.drawn"]
    );
    let r = app
        .get(key, &format!("/v2/audit-log?giveaway_id={id}&action=winner.picked"))
        .await;
    assert_eq!(r.body["pagination"]["total"], json!(1));
    assert_eq!(r.data()[0]["details"]["user_id"], json!(by_hand));
    let r = app.get(key, &format!("/v2/audit-log?giveaway_id={id}")).await;
    assert_eq!(
        r.body["pagination"]["total"],
        json!(10),
        "webhook entries name no giveaway"
    );
    let r = app.get(key, "/v2/audit-log?action=nothing.like.this").await;
    assert_eq!(r.body["pagination"]["total"], json!(0));
    app.get(key, "/v2/audit-log?giveaway_id=abc").await.expect_error(400);
    app.call(reqwest::Method::GET, "/v2/audit-log", None, None)
        .await
        .expect_error(401);
    // Another brand sees none of it.
    let r = app.get(&other.key, "/v2/audit-log").await;
    r.expect(200);
    assert_eq!(r.body["pagination"]["total"], json!(0));
    let r = app.get(&other.key, &format!("/v2/audit-log?giveaway_id={id}")).await;
    assert_eq!(r.body["pagination"]["total"], json!(0));

    // The chain re-checks, and ends at the stored head.
    let rep = report(&app, acct.brand_id).await;
    assert_eq!(rep.entries, 13);
    let head = rep.result.unwrap();
    assert_eq!(head.seq, 13);
    assert_eq!(head.hash.to_hex(), entries[12]["hash"].as_str().unwrap());

    // The draw's certificate carries the head as the draw saw it (the entry before its own),
    // signed, and still verifies.
    let (cert, _, cert_json) = fetch_and_verify(&app, &hash).await;
    let stamp = cert.audit_head.expect("the certificate carries the audit head");
    assert_eq!(stamp.head(), head_before_draw);
    assert_eq!(stamp.seq, 9);
    assert_eq!(stamp.hash.to_hex(), entries[8]["hash"].as_str().unwrap());
    assert_eq!(
        Some(stamp.hash.to_hex()),
        drawn["prev_hash"].as_str().map(str::to_owned)
    );
    assert!(cert_json["audit_head"]["signature"].is_string(), "{cert_json}");
}

async fn an_edited_or_removed_entry_is_named(app: TestApp) {
    let acct = app.account().await;
    let bystander = app.account().await;
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(
            app.create_giveaway(&acct.key, json!({ "title": format!("G{i}") }))
                .await,
        );
    }
    app.create_giveaway(&bystander.key, json!({})).await;
    assert_eq!(report(&app, acct.brand_id).await.result.unwrap().seq, 5);
    let db = app.engine.db().writer();

    // An edit of one field of entry 3 names entry 3.
    sqlx::query("UPDATE audit_log SET details = '{\"is_draft\":false}' WHERE brand_id = $1 AND seq = 3")
        .bind(acct.brand_id)
        .execute(db)
        .await
        .unwrap();
    let broken = report(&app, acct.brand_id).await.result.unwrap_err();
    assert_eq!(broken.seq, 3, "{broken}");
    assert!(matches!(broken.fault, Fault::Hash { .. }), "{broken}");
    // Other brands' chains are not affected.
    assert!(report(&app, bystander.brand_id).await.result.is_ok());

    // Rehashing the edited entry does not help: the next link names the break.
    let (prev, at, actor): (String, i64, Option<i64>) =
        sqlx::query_as("SELECT prev_hash, created_at, actor_key_id FROM audit_log WHERE brand_id = $1 AND seq = 3")
            .bind(acct.brand_id)
            .fetch_one(db)
            .await
            .unwrap();
    let forged = fairdraw_core::audit::next_entry(
        &Head {
            seq: 2,
            hash: Hash32::from_hex(&prev).unwrap(),
        },
        acct.brand_id,
        at,
        actor,
        "giveaway.created",
        Some(ids[2]),
        "{\"is_draft\":false}",
    );
    sqlx::query("UPDATE audit_log SET hash = $2 WHERE brand_id = $1 AND seq = 3")
        .bind(acct.brand_id)
        .bind(&forged.hash)
        .execute(db)
        .await
        .unwrap();
    let broken = report(&app, acct.brand_id).await.result.unwrap_err();
    assert_eq!(broken.seq, 4, "{broken}");
    assert!(matches!(broken.fault, Fault::PrevHash { .. }), "{broken}");

    // A brand whose newest entry was deleted: the stored head names what is missing.
    let third = app.account().await;
    app.create_giveaway(&third.key, json!({})).await;
    app.create_giveaway(&third.key, json!({})).await;
    sqlx::query("DELETE FROM audit_log WHERE brand_id = $1 AND seq = 2")
        .bind(third.brand_id)
        .execute(db)
        .await
        .unwrap();
    let broken = report(&app, third.brand_id).await.result.unwrap_err();
    assert_eq!(broken.seq, 2, "{broken}");
    assert!(
        matches!(
            broken.fault,
            Fault::Head {
                head_seq: 2,
                last_seq: 1,
                ..
            }
        ),
        "{broken}"
    );
}

async fn concurrent_changes_leave_a_gap_free_chain(app: TestApp) {
    let acct = app.account().await;
    let id = app.create_giveaway(&acct.key, json!({})).await;
    // 20 changes at once: creations, edits and webhook creations of one brand.
    let mut calls = Vec::new();
    for i in 0..20 {
        let (app, key) = (app.clone(), acct.key.clone());
        calls.push(tokio::spawn(async move {
            match i % 3 {
                0 => {
                    app.post(
                        &key,
                        "/v2/giveaways",
                        json!({
                            "title": format!("Concurrent {i}"),
                            "start_time": "2026-12-01 00:00:00",
                            "end_time": "2026-12-25 23:59:59",
                            "number_of_winners": 1,
                            "is_draft": true,
                        }),
                    )
                    .await
                    .status
                }
                1 => {
                    app.put(
                        &key,
                        &format!("/v2/giveaways/{id}"),
                        json!({ "title": format!("Edit {i}") }),
                    )
                    .await
                    .status
                }
                _ => {
                    app.post(
                        &key,
                        "/v2/webhooks",
                        json!({
                            "url": format!("https://hooks.example.com/{i}"),
                            "events": ["winner.picked"],
                        }),
                    )
                    .await
                    .status
                }
            }
        }));
    }
    for c in calls {
        let status = c.await.unwrap();
        assert!(status == 200 || status == 201, "status {status}");
    }
    let entries = all_entries(&app, &acct).await;
    assert_eq!(entries.len(), 21);
    let seqs: Vec<i64> = entries.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, (1..=21).collect::<Vec<_>>());
    for pair in entries.windows(2) {
        assert_eq!(pair[1]["prev_hash"], pair[0]["hash"]);
    }
    let rep = report(&app, acct.brand_id).await;
    assert_eq!(rep.result.unwrap().seq, 21);
}

async fn export_then_erasure_leaves_draws_verifiable(app: TestApp) {
    let (acct, id, g) = published(&app, json!({ "title": "Erasure" })).await;
    let key = &acct.key;
    let (_, id2, g2) = {
        // A second giveaway of the same brand.
        let id2 = app.create_giveaway(key, json!({ "is_draft": false })).await;
        let who = app.engine.authenticate_secret(key).await.unwrap();
        (acct.clone(), id2, app.engine.owned_giveaway(&who, id2).await.unwrap())
    };
    let email = format!("{}@example.com", unique("erase"));
    let winner = enter(&app, &g, &email, "my secret answer", 9).await;
    enter(&app, &g2, &email, "another answer", 9).await;
    let bystander = enter(&app, &g, "stays@example.com", "kept answer", 20).await;
    app.post(
        key,
        &format!("/v2/giveaways/{id}/whitelist"),
        json!({ "emails": [email] }),
    )
    .await
    .expect(201);
    // Only the erased person is eligible so they are the winner: ban the bystander first.
    app.post(
        key,
        &format!("/v2/giveaways/{id}/participants/{bystander}/ban"),
        json!({}),
    )
    .await
    .expect(200);
    let d = app
        .post(
            key,
            &format!("/v2/giveaways/{id}/winners/random"),
            json!({ "count": 1 }),
        )
        .await;
    d.expect(201);
    let hash = d.data()["verification"]["sha256"].as_str().unwrap().to_owned();
    let (cert, _, _) = fetch_and_verify(&app, &hash).await;
    assert_eq!(cert.winners, vec![winner.clone()]);
    app.post(
        key,
        &format!("/v2/giveaways/{id}/participants/{bystander}/unban"),
        json!({}),
    )
    .await
    .expect(200);

    // The export: every record, with what identifies the person.
    let path = format!("/v2/participants/{}/export", email.to_uppercase());
    let r = app.get(key, &path).await;
    r.expect(200);
    let data = r.data();
    assert_eq!(data["email"], json!(email));
    assert_eq!(data["participants"].as_array().unwrap().len(), 2, "{data}");
    let p = &data["participants"][0];
    assert_eq!(p["giveaway_id"], json!(id));
    assert_eq!(p["name"], json!(format!("Name of {email}")));
    assert_eq!(p["ip"], json!("203.0.113.9"));
    assert_eq!(p["birthday"], json!("1990-01-10"));
    assert_eq!(p["user_id"], json!(winner));
    let answers: Vec<&Value> = data["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["entry_value"])
        .collect();
    assert_eq!(answers, vec![&json!("my secret answer"), &json!("another answer")]);
    assert_eq!(data["wins"][0]["user_id"], json!(winner));
    assert_eq!(data["wins"][0]["draw_id"], json!(cert.draw_id.clone().unwrap()));
    assert!(!r.text.contains("stays@example.com") && !r.text.contains("kept answer"));
    // Another brand holds nothing under the address; bad addresses are refused.
    let other = app.account().await;
    app.get(&other.key, &path).await.expect_error(404);
    app.delete(&other.key, &format!("/v2/participants/{email}"))
        .await
        .expect_error(404);
    app.get(key, "/v2/participants/not-an-address/export")
        .await
        .expect_error(422);

    // The erasure.
    let r = app.delete(key, &format!("/v2/participants/{email}")).await;
    r.expect(200);
    assert_eq!(r.data()["user_ids"].as_array().unwrap().len(), 2);
    assert!(r.data()["user_ids"].as_array().unwrap().contains(&json!(winner)));
    app.get(key, &path).await.expect_error(404);
    app.delete(key, &format!("/v2/participants/{email}"))
        .await
        .expect_error(404);

    // Nothing of the person is left in what /v2 lists.
    let local = email.split('@').next().unwrap();
    for path in [
        format!("/v2/giveaways/{id}/participants?status=all"),
        format!("/v2/giveaways/{id2}/participants?status=all"),
        format!("/v2/giveaways/{id}/winners"),
        format!("/v2/giveaways/{id}/entries"),
        format!("/v2/giveaways/{id}/whitelist"),
        format!("/v2/participants/{email}/entries"),
        format!("/v2/participants/{email}/giveaways"),
        "/v2/audit-log?per_page=100".to_owned(),
    ] {
        let r = app.get(key, &path).await;
        assert!(r.status == 200, "{path}: {}", r.text);
        for gone in [local, "my secret answer", "another answer", "203.0.113.9", "1990-01-10"] {
            assert!(!r.text.contains(gone), "{gone} still in {path}: {}", r.text);
        }
    }
    // Nor anywhere in the participant and entry tables.
    let (left,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM participants p JOIN entries e ON e.participant_id = p.id \
         WHERE p.email = $1 OR p.name LIKE $2 OR p.ip IS NOT NULL AND p.user_id = $3 OR e.value LIKE '%answer%' AND p.user_id = $3",
    )
    .bind(&email)
    .bind(format!("%{local}%"))
    .bind(&winner)
    .fetch_one(app.engine.db().reader())
    .await
    .unwrap();
    assert_eq!(left, 0);
    // The participant keeps their id and standing; the winners list still shows the win.
    let winners = app.get(key, &format!("/v2/giveaways/{id}/winners")).await;
    assert_eq!(winners.data()[0]["user_id"], json!(winner));
    // The bystander is untouched.
    let r = app.get(key, "/v2/participants/stays@example.com/export").await;
    r.expect(200);
    assert_eq!(r.data()["entries"][0]["entry_value"], json!("kept answer"));

    // The past draw still verifies: pool and certificate never held the address.
    let (after, _, _) = fetch_and_verify(&app, &hash).await;
    assert_eq!(after.winners, vec![winner.clone()]);
    // Recorded without the address.
    let r = app.get(key, "/v2/audit-log?action=participant.erased").await;
    assert_eq!(r.body["pagination"]["total"], json!(1));
    assert!(
        r.data()[0]["details"]["user_ids"]
            .as_array()
            .unwrap()
            .contains(&json!(winner))
    );
    assert!(!r.text.contains('@'), "{}", r.text);
    assert!(report(&app, acct.brand_id).await.result.is_ok());
}

/// The payloads of the brand's jobs (webhook deliveries, whatever their state).
async fn job_payloads(app: &TestApp) -> Vec<String> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT payload FROM jobs ORDER BY id")
        .fetch_all(app.engine.db().reader())
        .await
        .unwrap();
    rows.into_iter().map(|(p,)| p).collect()
}

async fn erasure_reaches_queued_work_and_saved_responses(app: TestApp) {
    let (acct, id, _) = published(&app, json!({ "title": "Erasure of queued work" })).await;
    let key = &acct.key;
    // Entries and participants are announced to a webhook: each announcement is a job whose
    // payload quotes the address and the name.
    app.post(
        key,
        "/v2/webhooks",
        json!({ "url": "https://hooks.example.com/erasure", "events": ["participant.created", "entry.created"] }),
    )
    .await
    .expect(201);
    // The same person in another brand, announced there too: that brand's data is not touched.
    let (other, other_id, _) = published(&app, json!({ "title": "Another brand" })).await;
    app.post(
        &other.key,
        "/v2/webhooks",
        json!({ "url": "https://hooks.example.com/other", "events": ["participant.created"] }),
    )
    .await
    .expect(201);

    let email = format!("{}@example.com", unique("queued_erase"));
    let name = unique("Queued Person");
    let body = json!({ "user_email": email, "user_name": name, "entry_amount": 1 });
    let idem = unique("erase-idem");
    let entered = TestApp::read(
        app.http
            .post(app.url(&format!("/v2/giveaways/{id}/entries")))
            .bearer_auth(key)
            .header("Idempotency-Key", &idem)
            .json(&body),
    )
    .await;
    entered.expect(201);
    app.post(&other.key, &format!("/v2/giveaways/{other_id}/entries"), body.clone())
        .await
        .expect(201);
    let quoting = |payloads: &[String]| payloads.iter().filter(|p| p.contains(&email)).count();
    let before = job_payloads(&app).await;
    // participant.created and entry.created here, participant.created in the other brand.
    assert_eq!(quoting(&before), 3, "{before:#?}");

    let r = app.delete(key, &format!("/v2/participants/{email}")).await;
    r.expect(200);

    let after = job_payloads(&app).await;
    let still: Vec<&String> = after.iter().filter(|p| p.contains(&email)).collect();
    assert_eq!(still.len(), 1, "{still:#?}");
    assert!(
        still[0].contains(&format!("\"giveaway_id\":{other_id}")),
        "{}",
        still[0]
    );
    let scrubbed: Vec<Value> = after
        .iter()
        .map(|p| serde_json::from_str::<Value>(p).unwrap())
        .filter(|p| p["data"]["giveaway_id"] == json!(id) && p.to_string().contains("@erased.invalid"))
        .collect();
    assert_eq!(scrubbed.len(), 2, "{after:#?}");
    for job in &scrubbed {
        assert_eq!(job["data"]["giveaway_id"], json!(id));
        assert_eq!(job["data"]["name"], json!(""), "{job}");
        assert!(!job.to_string().contains(&name), "{job}");
    }
    // The saved response of the idempotent entry quoted the address: it is gone, so a retry
    // runs again (and finds the erased participant's address free).
    let (saved,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM idempotency_keys WHERE idem_key = $1")
        .bind(&idem)
        .fetch_one(app.engine.db().reader())
        .await
        .unwrap();
    assert_eq!(saved, 0);
    // Recorded by counts alone.
    let r = app.get(key, "/v2/audit-log?action=participant.erased").await;
    assert_eq!(r.data()[0]["details"]["jobs_scrubbed"], json!(2), "{}", r.text);
    assert_eq!(
        r.data()[0]["details"]["saved_responses_removed"],
        json!(1),
        "{}",
        r.text
    );
    assert!(!r.text.contains(&email));
    // The other brand still holds the person.
    app.get(&other.key, &format!("/v2/participants/{email}/export"))
        .await
        .expect(200);
    assert!(report(&app, acct.brand_id).await.result.is_ok());
}
