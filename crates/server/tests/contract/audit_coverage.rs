//! Contract scenarios for the audit trail's coverage (issue 16): every administrative change
//! through `/v2` — prizes, rewards, entry methods, whitelist and blacklist edits, manual, bulk,
//! imported, bonus and deleted entries, photo moderation and the "most voted" pick — lands in
//! the brand's chain with its giveaway, in the change's own transaction, with ids, counts and
//! changed field names but never an address, a name, an IP or a list value. A refused change
//! appends nothing, and a change whose entry cannot be appended does not happen.

use crate::audit::{actions, report};
use crate::gallery::{PNG, approved_photo, contest, enter, forwarded, futures_voters, gallery, upload, vote};
use crate::scenarios;
use crate::support::{Reply, TestAccount, TestApp, start_with};
use fairdraw_core::audit::Head;
use serde_json::{Value, json};

scenarios!(
    every_admin_change_of_a_giveaway_is_audited,
    photo_moderation_and_the_most_voted_pick_are_audited,
    a_refused_change_appends_nothing,
    a_change_whose_entry_cannot_be_appended_does_not_happen,
);

/// The entries about giveaway `id`, oldest first, through the API.
async fn giveaway_log(app: &TestApp, key: &str, id: i64) -> Vec<Value> {
    let mut out = Vec::new();
    for page in 1.. {
        let r = app
            .get(key, &format!("/v2/audit-log?giveaway_id={id}&per_page=100&page={page}"))
            .await;
        r.expect(200);
        out.extend(r.data().as_array().expect("a list").iter().cloned());
        if r.body["pagination"]["has_more"] != json!(true) {
            break;
        }
    }
    out.reverse();
    out
}

/// The one entry of `action` in `entries`.
#[track_caller]
fn only<'a>(entries: &'a [Value], action: &str) -> &'a Value {
    let found: Vec<&Value> = entries.iter().filter(|e| e["action"] == json!(action)).collect();
    assert_eq!(found.len(), 1, "{action}: {found:?}");
    found[0]
}

#[track_caller]
fn succeeded(r: &Reply) {
    assert!((200..300).contains(&r.status), "status {}: {}", r.status, r.text);
}

/// Asserts that none of `values` appears anywhere in the entries.
#[track_caller]
fn holds_none_of(entries: &[Value], values: &[&str]) {
    let text = serde_json::to_string(entries).unwrap();
    for v in values {
        assert!(!text.contains(v), "{v} in the audit log: {text}");
    }
}

/// The ids of a list page, in order.
async fn list_ids(app: &TestApp, key: &str, path: &str) -> Vec<i64> {
    let r = app.get(key, &format!("{path}?per_page=100")).await;
    r.expect(200);
    r.data()
        .as_array()
        .expect("a list")
        .iter()
        .map(|i| i["id"].as_i64().expect("id"))
        .collect()
}

/// The brand's chain re-checks and ends at the head it stored; that head.
async fn intact(app: &TestApp, acct: &TestAccount) -> Head {
    let rep = report(app, acct.brand_id).await;
    let head = rep.result.expect("the chain holds");
    assert_eq!(head, app.engine.db().audit_head(acct.brand_id).await.unwrap());
    assert_eq!(rep.entries as i64, head.seq);
    head
}

async fn every_admin_change_of_a_giveaway_is_audited(app: TestApp) {
    let acct = app.account().await;
    let key = &acct.key;
    let who = app.engine.authenticate_secret(key).await.unwrap();
    let id = app.create_giveaway(key, json!({ "is_draft": false })).await;
    let g = format!("/v2/giveaways/{id}");

    // Prizes: created, edited (two fields and the codes; the currency is given unchanged), archived.
    let r = app
        .post(
            key,
            &format!("{g}/prizes"),
            json!({
                "prize_name": "Gift card",
                "prize_winners_allowed": 2,
                "prize_currency": "USD",
                "redemption_codes": "CODE-AAA\nCODE-BBB",
                "redemption_reply_to_email": "prizes@example.com",
                "redemption_reply_to_name": "Prize Person",
            }),
        )
        .await;
    r.expect(201);
    let prize = r.data()["prize_id"].as_i64().unwrap();
    app.put(
        key,
        &format!("{g}/prizes/{prize}"),
        json!({
            "prize_name": "Bigger gift card",
            "prize_currency": "usd",
            "redemption_reply_to_email": "other@example.com",
            "redemption_codes": "CODE-CCC",
        }),
    )
    .await
    .expect(200);
    succeeded(&app.delete(key, &format!("{g}/prizes/{prize}")).await);

    // Rewards.
    let r = app
        .post(
            key,
            &format!("{g}/rewards"),
            json!({
                "type": 2, "title": "Coupon", "entries_required": 5, "coupon_code": "SECRETCOUPON",
                "email_reply_to_email": "rewards@example.com",
            }),
        )
        .await;
    r.expect(201);
    let reward = r.data()["id"].as_i64().unwrap();
    succeeded(
        &app.put(
            key,
            &format!("{g}/rewards/{reward}"),
            json!({ "title": "Coupon, renamed", "coupon_code": "SECRETCOUPON2", "entries_required": 5 }),
        )
        .await,
    );
    succeeded(&app.delete(key, &format!("{g}/rewards/{reward}")).await);

    // Entry methods: added, edited, reordered, removed.
    let methods = format!("{g}/entry-methods");
    let r = app
        .post(
            key,
            &methods,
            json!({ "entry_method": 5, "entry_amount": 2, "entry_title": "Refer a friend" }),
        )
        .await;
    r.expect(201);
    let method = r.data()["id"].as_i64().unwrap();
    let method_number = r.data()["entry_id"].as_i64().unwrap();
    app.put(
        key,
        &format!("{methods}/{method}"),
        json!({ "entry_title": "Refer more friends", "entry_amount": 2 }),
    )
    .await
    .expect(200);
    let mut order = list_ids(&app, key, &methods).await;
    order.reverse();
    app.put(key, &format!("{methods}/reorder"), json!({ "order": order }))
        .await
        .expect(200);
    succeeded(&app.delete(key, &format!("{methods}/{method}")).await);

    // The whitelist: an addition, a repeat (nothing new: no entry), removals by value and by id.
    let whitelist = format!("{g}/whitelist");
    app.post(
        key,
        &whitelist,
        json!({ "emails": ["wl1@example.com", "wl2@example.com", "not-an-email"] }),
    )
    .await
    .expect(201);
    let listed = list_ids(&app, key, &whitelist).await;
    assert_eq!(listed.len(), 2);
    let r = app
        .post(key, &whitelist, json!({ "emails": ["WL1@example.com"] }))
        .await;
    r.expect(201);
    assert_eq!(r.data()["added"], json!(0));
    app.delete_with(
        key,
        &whitelist,
        json!({ "emails": ["wl1@example.com", "nobody@example.com"] }),
    )
    .await
    .expect(204);
    // Nothing listed among these: no entry.
    app.delete_with(key, &whitelist, json!({ "emails": ["nobody@example.com"] }))
        .await
        .expect(204);
    app.delete_with(key, &whitelist, json!({ "id": listed[1] }))
        .await
        .expect(204);

    // The blacklist: an address, an IP and a range; one removed by id.
    let blacklist = format!("{g}/blacklist");
    app.post(
        key,
        &blacklist,
        json!({ "values": ["bl@example.com", "203.0.113.77", "198.51.100.0/24"] }),
    )
    .await
    .expect(201);
    let banned = list_ids(&app, key, &blacklist).await;
    assert_eq!(banned.len(), 3);
    succeeded(&app.delete(key, &format!("{blacklist}/{}", banned[1])).await);

    // Entries by hand: one, a bulk of two (one invalid), an import of two, bonus entries, and a
    // deletion.
    let r = app
        .post(
            key,
            &format!("{g}/entries"),
            json!({ "user_email": "manual@example.com", "user_name": "Manual Person", "entry_amount": 2 }),
        )
        .await;
    r.expect(201);
    let manual_entry = r.data()["id"].as_i64().unwrap();
    let manual_user = r.data()["user_id"].as_str().unwrap().to_owned();
    let r = app
        .post(
            key,
            &format!("{g}/entries/bulk"),
            json!({ "entries": [
                { "user_email": "bulk1@example.com", "user_name": "Bulk One", "entry_amount": 1 },
                { "user_email": "not-an-email", "user_name": "Bulk Two", "entry_amount": 1 },
            ] }),
        )
        .await;
    r.expect(201);
    assert_eq!(r.data()["created"], json!(1));
    let r = app
        .post(
            key,
            &format!("{g}/entries/import"),
            json!({ "entries": [
                { "user_email": "imp1@example.com", "user_name": "Imported One", "entry_amount": 1 },
                { "user_email": "imp2@example.com", "user_name": "Imported Two", "entry_amount": 1 },
            ] }),
        )
        .await;
    r.expect(201);
    app.post(
        key,
        &format!("{g}/participants/{manual_user}/add-entries"),
        json!({ "amount": 3 }),
    )
    .await
    .expect(200);
    app.delete(key, &format!("{g}/entries/{manual_entry}"))
        .await
        .expect(204);

    let entries = giveaway_log(&app, key, id).await;
    assert_eq!(
        actions(&entries),
        vec![
            "giveaway.created",
            "prize.created",
            "prize.updated",
            "prize.deleted",
            "reward.created",
            "reward.updated",
            "reward.deleted",
            "entry_method.created",
            "entry_method.updated",
            "entry_methods.reordered",
            "entry_method.deleted",
            "whitelist.added",
            "whitelist.removed",
            "whitelist.removed",
            "blacklist.added",
            "blacklist.removed",
            "entry.created",
            "entry.created",
            "entries.imported",
            "participant.bonus_entries_added",
            "entry.deleted",
        ]
    );
    for e in &entries {
        assert_eq!(e["giveaway_id"], json!(id), "{e}");
        assert_eq!(e["actor_key_id"], json!(who.key_id), "{e}");
    }

    // Ids, counts and the names of what changed.
    assert_eq!(
        only(&entries, "prize.created")["details"],
        json!({ "prize_id": prize, "codes": 2 })
    );
    assert_eq!(
        only(&entries, "prize.updated")["details"],
        json!({
            "prize_id": prize,
            "codes": 1,
            "changed": ["prize_name", "redemption_reply_to_email", "redemption_codes"],
        })
    );
    assert_eq!(only(&entries, "prize.deleted")["details"], json!({ "prize_id": prize }));
    assert_eq!(
        only(&entries, "reward.created")["details"],
        json!({ "reward_id": reward, "type": 2 })
    );
    assert_eq!(
        only(&entries, "reward.updated")["details"],
        json!({ "reward_id": reward, "changed": ["title", "coupon_code"] })
    );
    assert_eq!(
        only(&entries, "reward.deleted")["details"],
        json!({ "reward_id": reward })
    );
    assert_eq!(
        only(&entries, "entry_method.created")["details"],
        json!({ "method_id": method, "entry_id": method_number, "entry_method": 5 })
    );
    assert_eq!(
        only(&entries, "entry_method.updated")["details"],
        json!({ "method_id": method, "entry_id": method_number, "changed": ["entry_title"] })
    );
    assert_eq!(
        only(&entries, "entry_methods.reordered")["details"],
        json!({ "order": order })
    );
    assert_eq!(
        only(&entries, "entry_method.deleted")["details"],
        json!({ "method_id": method, "entry_id": method_number, "entry_method": 5 })
    );
    assert_eq!(
        only(&entries, "whitelist.added")["details"],
        json!({ "added": 2, "already_listed": 0, "entry_ids": listed })
    );
    let removed: Vec<&Value> = entries
        .iter()
        .filter(|e| e["action"] == json!("whitelist.removed"))
        .map(|e| &e["details"])
        .collect();
    assert_eq!(
        removed,
        vec![
            &json!({ "removed": 1, "entry_ids": [listed[0]] }),
            &json!({ "removed": 1, "entry_ids": [listed[1]] }),
        ]
    );
    assert_eq!(
        only(&entries, "blacklist.added")["details"],
        json!({ "added": 3, "already_listed": 0, "entry_ids": banned })
    );
    assert_eq!(
        only(&entries, "blacklist.removed")["details"],
        json!({ "removed": 1, "entry_ids": [banned[1]] })
    );
    let created: Vec<&Value> = entries
        .iter()
        .filter(|e| e["action"] == json!("entry.created"))
        .map(|e| &e["details"])
        .collect();
    assert_eq!(created[0]["entry_ids"], json!([manual_entry]));
    assert_eq!(created[0]["user_id"], json!(manual_user));
    assert_eq!(created[0]["new_participant"], json!(true));
    assert_eq!(created[1]["bulk_index"], json!(0));
    assert_eq!(created[1]["entry_ids"].as_array().unwrap().len(), 1);
    assert_eq!(
        only(&entries, "entries.imported")["details"],
        json!({ "created": 2, "new_participants": 2 })
    );
    let bonus = &only(&entries, "participant.bonus_entries_added")["details"];
    assert_eq!(
        (&bonus["amount"], &bonus["user_id"], &bonus["new_participant"]),
        (&json!(3), &json!(manual_user), &json!(false))
    );
    let deleted = &only(&entries, "entry.deleted")["details"];
    assert_eq!(
        (&deleted["entry_id"], &deleted["user_id"], &deleted["amount"]),
        (&json!(manual_entry), &json!(manual_user), &json!(2))
    );

    // Never what was typed in: no address, name, IP, range, code or coupon.
    holds_none_of(
        &entries,
        &[
            "@",
            "example.com",
            "not-an-email",
            "Person",
            "Bulk One",
            "Imported",
            "203.0.113.77",
            "198.51.100",
            "CODE-",
            "SECRETCOUPON",
            "Gift card",
            "Refer",
        ],
    );

    // The chain holds every one of them, and nothing else.
    let head = intact(&app, &acct).await;
    assert_eq!(head.seq, entries.len() as i64);
}

async fn photo_moderation_and_the_most_voted_pick_are_audited(harness: TestApp) {
    let (app, running) = start_with(harness.backend, forwarded()).await;
    let acct = app.account().await;
    let key = &acct.key;
    let (id, page, method) = contest(&app, &acct, json!({})).await;
    let (_, ana) = approved_photo(&app, &acct, id, &page, method, "Ana").await;
    // Bo's photo: rejected, rejected again (no change: no entry), then approved.
    let cookie = enter(&app, &page, "Bo", "bo@example.com", "198.51.100.2").await;
    let r = upload(
        &app,
        &page,
        &cookie,
        method,
        ("dog.png", "image/png", PNG.to_vec()),
        "Bo",
    )
    .await;
    assert_eq!(r.status(), 303);
    let pending = gallery(&app, &acct, id, "?status=pending").await;
    let bo = pending["data"][0]["entry_id"].as_i64().unwrap();
    let at = |verb: &str, entry: i64| format!("/v2/giveaways/{id}/gallery/{entry}/{verb}");
    app.post(key, &at("reject", bo), json!({})).await.expect(200);
    app.post(key, &at("reject", bo), json!({})).await.expect(200);
    app.post(key, &at("approve", bo), json!({})).await.expect(200);
    // Two votes for Ana, one for Bo; the pick names Ana.
    let voters = futures_voters(&app, &page, 2).await;
    for v in &voters {
        assert_eq!(vote(&app, &page, Some(v), ana, "198.51.100.20").await.status(), 303);
    }
    assert_eq!(
        vote(&app, &page, Some(&voters[0]), bo, "198.51.100.20").await.status(),
        303
    );
    let r = app
        .post(key, &format!("/v2/giveaways/{id}/gallery/most-voted"), json!({}))
        .await;
    r.expect(201);
    let winner_user = r.data()["user_id"].clone();

    let entries = giveaway_log(&app, key, id).await;
    assert_eq!(
        actions(&entries),
        vec![
            "giveaway.created",
            "entry_method.created",
            "gallery.approved",
            "gallery.rejected",
            "gallery.approved",
            "winner.picked",
        ]
    );
    let details: Vec<&Value> = entries[2..5].iter().map(|e| &e["details"]).collect();
    assert_eq!(
        details,
        vec![
            &json!({ "entry_id": ana, "previous_status": "pending" }),
            &json!({ "entry_id": bo, "previous_status": "pending" }),
            &json!({ "entry_id": bo, "previous_status": "rejected" }),
        ]
    );
    let picked = &entries[5]["details"];
    assert_eq!(picked["user_id"], winner_user);
    assert_eq!(
        picked["most_voted"],
        json!({ "entry_id": ana, "votes": 2, "runner_up_votes": 1 })
    );
    // The pick and its mark on the photo are one change.
    let approved = gallery(&app, &acct, id, "?status=approved").await;
    let marked: Vec<(i64, Value)> = approved["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["entry_id"].as_i64().unwrap(), s["picked_votes"].clone()))
        .collect();
    assert_eq!(marked, vec![(ana, json!(2)), (bo, Value::Null)]);
    // No address of the authors or the voters.
    holds_none_of(&entries, &["@", "example.com", "198.51.100"]);
    intact(&app, &acct).await;
    running.stop().await;
}

/// A new account's live giveaway with one prize: `(account, giveaway id, prize number)`.
async fn with_a_prize(app: &TestApp) -> (TestAccount, i64, i64) {
    let acct = app.account().await;
    let id = app.create_giveaway(&acct.key, json!({ "is_draft": false })).await;
    let r = app
        .post(
            &acct.key,
            &format!("/v2/giveaways/{id}/prizes"),
            json!({ "prize_name": "Prize", "prize_winners_allowed": 1 }),
        )
        .await;
    r.expect(201);
    (acct, id, r.data()["prize_id"].as_i64().unwrap())
}

async fn a_refused_change_appends_nothing(app: TestApp) {
    let (acct, id, prize) = with_a_prize(&app).await;
    let other = app.account().await;
    let key = &acct.key;
    let g = format!("/v2/giveaways/{id}");
    app.post(
        key,
        &format!("{g}/whitelist"),
        json!({ "emails": ["kept@example.com"] }),
    )
    .await
    .expect(201);
    let r = app
        .post(
            key,
            &format!("{g}/entries"),
            json!({ "user_email": "banned@example.com", "user_name": "Banned", "entry_amount": 1 }),
        )
        .await;
    r.expect(201);
    let banned = r.data()["user_id"].as_str().unwrap().to_owned();
    app.post(key, &format!("{g}/participants/{banned}/ban"), json!({}))
        .await
        .expect(200);
    let before = intact(&app, &acct).await;

    // Unknown ids, invalid bodies and refusals: nothing changes, nothing is recorded.
    app.put(key, &format!("{g}/prizes/999"), json!({ "prize_name": "X" }))
        .await
        .expect_error(404);
    app.delete(key, &format!("{g}/prizes/999")).await.expect_error(404);
    app.post(key, &format!("{g}/prizes"), json!({})).await.expect_error(422);
    app.put(
        key,
        &format!("{g}/prizes/{prize}"),
        json!({ "prize_winners_allowed": 0 }),
    )
    .await
    .expect_error(422);
    app.put(key, &format!("{g}/rewards/999"), json!({ "title": "X" }))
        .await
        .expect_error(404);
    app.delete(key, &format!("{g}/rewards/999")).await.expect_error(404);
    app.put(key, &format!("{g}/entry-methods/999"), json!({ "entry_title": "X" }))
        .await
        .expect_error(404);
    app.delete(key, &format!("{g}/entry-methods/999"))
        .await
        .expect_error(404);
    app.put(key, &format!("{g}/entry-methods/reorder"), json!({ "order": [999] }))
        .await
        .expect_error(422);
    app.delete_with(key, &format!("{g}/whitelist"), json!({ "id": 999_999 }))
        .await
        .expect_error(404);
    app.delete_with(
        key,
        &format!("{g}/whitelist"),
        json!({ "emails": ["nobody@example.com"] }),
    )
    .await
    .expect(204);
    let r = app
        .post(
            key,
            &format!("{g}/whitelist"),
            json!({ "emails": ["KEPT@example.com"] }),
        )
        .await;
    r.expect(201);
    assert_eq!(r.data()["added"], json!(0));
    app.delete(key, &format!("{g}/blacklist/999999"))
        .await
        .expect_error(404);
    app.post(key, &format!("{g}/gallery/999/approve"), json!({}))
        .await
        .expect_error(404);
    app.post(
        key,
        &format!("{g}/entries"),
        json!({ "user_email": "banned@example.com", "user_name": "Banned", "entry_amount": 1 }),
    )
    .await
    .expect_error(409);
    app.post(
        key,
        &format!("{g}/entries/import"),
        json!({ "entries": [
            { "user_email": "fine@example.com", "user_name": "Fine", "entry_amount": 1 },
            { "user_email": "banned@example.com", "user_name": "Banned", "entry_amount": 1 },
        ] }),
    )
    .await
    .expect_error(422);
    app.post(
        key,
        &format!("{g}/participants/{banned}/add-entries"),
        json!({ "amount": 2 }),
    )
    .await
    .expect_error(409);
    app.delete(key, &format!("{g}/entries/999999")).await.expect_error(404);
    app.post(
        key,
        &format!("{g}/participants/nobody/add-entries"),
        json!({ "amount": 1 }),
    )
    .await
    .expect_error(404);
    // Another brand's key finds no such giveaway.
    app.post(
        &other.key,
        &format!("{g}/prizes"),
        json!({ "prize_name": "Theirs", "prize_winners_allowed": 1 }),
    )
    .await
    .expect_error(404);
    app.delete(&other.key, &format!("{g}/prizes/{prize}"))
        .await
        .expect_error(404);
    app.post(
        &other.key,
        &format!("{g}/whitelist"),
        json!({ "emails": ["x@example.com"] }),
    )
    .await
    .expect_error(404);

    assert_eq!(intact(&app, &acct).await, before);
    assert_eq!(app.engine.db().audit_head(other.brand_id).await.unwrap(), Head::EMPTY);
    let r = app.get(key, &format!("/v2/audit-log?giveaway_id={id}")).await;
    assert_eq!(r.body["pagination"]["total"], json!(before.seq));
}

async fn a_change_whose_entry_cannot_be_appended_does_not_happen(app: TestApp) {
    let (acct, id, prize) = with_a_prize(&app).await;
    let key = &acct.key;
    let g = format!("/v2/giveaways/{id}");
    let before = intact(&app, &acct).await;

    // A row squatting on the chain's next place: every append of the brand fails until it goes.
    let db = app.engine.db().writer();
    sqlx::query(
        "INSERT INTO audit_log (brand_id, seq, prev_hash, hash, created_at, actor_key_id, action, giveaway_id, details) \
         VALUES ($1, $2, $3, $3, 0, NULL, 'squatter', NULL, '{}')",
    )
    .bind(acct.brand_id)
    .bind(before.seq + 1)
    .bind("0".repeat(64))
    .execute(db)
    .await
    .unwrap();
    let refused = |r: Reply| assert!(r.status >= 400, "status {}: {}", r.status, r.text);
    refused(
        app.post(
            key,
            &format!("{g}/prizes"),
            json!({ "prize_name": "Unrecorded", "prize_winners_allowed": 1 }),
        )
        .await,
    );
    refused(app.delete(key, &format!("{g}/prizes/{prize}")).await);
    refused(
        app.post(
            key,
            &format!("{g}/whitelist"),
            json!({ "emails": ["late@example.com"] }),
        )
        .await,
    );
    refused(
        app.post(
            key,
            &format!("{g}/entry-methods"),
            json!({ "entry_method": 5, "entry_amount": 2, "entry_title": "Refer a friend" }),
        )
        .await,
    );
    refused(
        app.post(
            key,
            &format!("{g}/entries"),
            json!({ "user_email": "late@example.com", "user_name": "Late", "entry_amount": 1 }),
        )
        .await,
    );
    // None of them happened.
    let prizes = app.get(key, &format!("{g}/prizes")).await;
    let names: Vec<&Value> = prizes
        .data()
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["prize_name"])
        .collect();
    assert_eq!(names, vec![&json!("Prize")]);
    assert!(list_ids(&app, key, &format!("{g}/whitelist")).await.is_empty());
    assert_eq!(list_ids(&app, key, &format!("{g}/entry-methods")).await.len(), 1);
    let listed = app.get(key, &format!("{g}/entries")).await;
    assert_eq!(listed.body["pagination"]["total"], json!(0), "{}", listed.text);

    // Once the place is free again, the chain is as it was and changes are recorded again.
    sqlx::query("DELETE FROM audit_log WHERE brand_id = $1 AND action = 'squatter'")
        .bind(acct.brand_id)
        .execute(db)
        .await
        .unwrap();
    assert_eq!(intact(&app, &acct).await, before);
    app.post(
        key,
        &format!("{g}/whitelist"),
        json!({ "emails": ["late@example.com"] }),
    )
    .await
    .expect(201);
    let head = intact(&app, &acct).await;
    assert_eq!(head.seq, before.seq + 1);
    let r = app.get(key, "/v2/audit-log?per_page=1").await;
    assert_eq!(r.data()[0]["action"], json!("whitelist.added"));
}
