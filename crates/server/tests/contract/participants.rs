//! Contract scenarios for participants: the reference's examples, sorts and details, search by
//! e-mail, bonus entries, ban / unban / disqualify and their effect on counters, lists and
//! re-entry, the lookups across an account (and only that account), and other brands.

use crate::scenarios;
use crate::support::{HOUR, Method, TestAccount, TestApp};
use fairdraw_core::apikey::KeyKind;
use serde_json::{Value, json};

scenarios!(
    list_and_details_follow_the_reference,
    list_sorts_pages_and_standing,
    search_is_exact_and_case_insensitive,
    add_entries_follows_the_reference,
    ban_and_unban_round_trip,
    disqualify_keeps_entries_and_frees_prizes,
    lookups_by_email_stay_within_the_account,
    other_brands_get_404_on_every_participant_route,
    listed_in_the_openapi_document,
);

fn participants(gid: i64) -> String {
    format!("/v2/giveaways/{gid}/participants")
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().expect("an object").keys().cloned().collect();
    k.sort();
    k
}

fn sorted(names: &[&str]) -> Vec<String> {
    let mut k: Vec<String> = names.iter().map(|s| (*s).to_owned()).collect();
    k.sort();
    k
}

async fn setup(app: &TestApp) -> (TestAccount, i64) {
    let acct = app.account().await;
    let gid = app.create_giveaway(&acct.key, json!({ "is_draft": false })).await;
    (acct, gid)
}

/// Creates an entry and returns the participant's user_id.
async fn enter(app: &TestApp, key: &str, gid: i64, email: &str, name: &str, amount: i64) -> String {
    let r = app
        .post(
            key,
            &format!("/v2/giveaways/{gid}/entries"),
            json!({ "user_email": email, "user_name": name, "entry_amount": amount }),
        )
        .await;
    r.expect(201);
    r.data()["user_id"].as_str().unwrap().to_owned()
}

async fn counters(app: &TestApp, gid: i64) -> (i64, i64, i64) {
    let db = app.engine.db();
    let stored = db.stored_counters(gid).await.unwrap();
    assert_eq!(stored, db.count_from_entries(gid).await.unwrap(), "counters drifted");
    stored
}

fn user_ids(list: &Value) -> Vec<&str> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|p| p["user_id"].as_str().unwrap())
        .collect()
}

async fn list_and_details_follow_the_reference(app: TestApp) {
    let (acct, gid) = setup(&app).await;
    let jane = enter(&app, &acct.key, gid, "jane@example.com", "Jane Smith", 1).await;
    app.clock.advance(HOUR);
    enter(&app, &acct.key, gid, "jane@example.com", "Jane Smith", 3).await;
    let john = enter(&app, &acct.key, gid, "john@example.com", "John Doe", 8).await;
    let r = app
        .get(&acct.key, &format!("{}?sort=total_entries_desc", participants(gid)))
        .await;
    r.expect(200);
    assert_eq!(user_ids(r.data()), [john.as_str(), jane.as_str()]);
    assert_eq!(
        r.body["pagination"],
        json!({ "page": 1, "per_page": 20, "total": 2, "total_pages": 1, "has_more": false })
    );
    let first = &r.data()[0];
    assert_eq!(
        keys(first),
        sorted(&[
            "user_id",
            "name",
            "email",
            "country",
            "birthday",
            "total_entries",
            "status"
        ])
    );
    assert_eq!(
        (
            &first["name"],
            &first["email"],
            &first["total_entries"],
            &first["status"]
        ),
        (
            &json!("John Doe"),
            &json!("john@example.com"),
            &json!(8),
            &json!("active")
        )
    );
    assert_eq!((&first["country"], &first["birthday"]), (&Value::Null, &Value::Null));

    let d = app.get(&acct.key, &format!("{}/{jane}", participants(gid))).await;
    d.expect(200);
    let p = d.data();
    assert_eq!(
        keys(p),
        sorted(&[
            "user_id",
            "name",
            "email",
            "country",
            "birthday",
            "total_entries",
            "status",
            "entries"
        ])
    );
    assert_eq!((&p["user_id"], &p["total_entries"]), (&json!(jane), &json!(4)));
    let entries = p["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(
        keys(&entries[0]),
        sorted(&[
            "id",
            "entry_method",
            "entry_method_name",
            "entry_amount",
            "entry_value",
            "is_verified",
            "timestamp",
            "is_valid"
        ])
    );
    assert_eq!(
        (
            &entries[0]["entry_method"],
            &entries[0]["entry_method_name"],
            &entries[0]["entry_amount"]
        ),
        (&json!(1), &json!("User Details"), &json!(1))
    );
    assert_eq!(entries[0]["timestamp"], json!("2026-06-15 12:00:00"));
    assert_eq!(entries[1]["timestamp"], json!("2026-06-15 13:00:00"));
    assert_eq!(
        (&entries[1]["is_verified"], &entries[1]["is_valid"]),
        (&json!(true), &json!(true))
    );

    for path in [
        format!("{}/a1b2c3d4-e5f6-7890-abcd-ef1234567890", participants(gid)),
        format!("{}/nope", participants(gid)),
    ] {
        let r = app.get(&acct.key, &path).await;
        r.expect_error(404);
        assert_eq!(r.body["error"]["message"], json!("Participant not found."));
    }
    // A participant of another giveaway is not found through this one.
    let other = app.create_giveaway(&acct.key, json!({})).await;
    app.get(&acct.key, &format!("{}/{jane}", participants(other)))
        .await
        .expect_error(404);
}

async fn list_sorts_pages_and_standing(app: TestApp) {
    let (acct, gid) = setup(&app).await;
    let carol = enter(&app, &acct.key, gid, "carol@example.com", "carol", 5).await;
    let bob = enter(&app, &acct.key, gid, "bob@example.com", "Bob", 2).await;
    let alice = enter(&app, &acct.key, gid, "alice@example.com", "Alice", 9).await;
    let dave = enter(&app, &acct.key, gid, "dave@example.com", "Dave", 2).await;
    let get = |query: String| {
        let (app, key) = (app.clone(), acct.key.clone());
        async move {
            let r = app.get(&key, &format!("{}?{query}", participants(gid))).await;
            r.expect(200);
            r
        }
    };
    let ids = |r: &crate::support::Reply| user_ids(r.data()).into_iter().map(str::to_owned).collect::<Vec<_>>();
    let [alice, bob, carol, dave] = [&alice, &bob, &carol, &dave].map(String::as_str);
    // Ties keep the order people joined in.
    assert_eq!(ids(&get(String::new()).await), [alice, carol, bob, dave]);
    assert_eq!(
        ids(&get("sort=total_entries_asc".into()).await),
        [bob, dave, carol, alice]
    );
    assert_eq!(ids(&get("sort=name_asc".into()).await), [alice, bob, carol, dave]);
    let page = get("per_page=3&page=2".into()).await;
    assert_eq!(ids(&page), [dave]);
    assert_eq!(
        page.body["pagination"],
        json!({ "page": 2, "per_page": 3, "total": 4, "total_pages": 2, "has_more": false })
    );
    for query in ["sort=name_desc", "status=gone", "page=x"] {
        app.get(&acct.key, &format!("{}?{query}", participants(gid)))
            .await
            .expect_error(400);
    }
    // Banned and disqualified people leave the default list; `status` finds them.
    app.post(&acct.key, &format!("{}/{bob}/ban", participants(gid)), json!({}))
        .await
        .expect(200);
    app.post(
        &acct.key,
        &format!("{}/{dave}/disqualify", participants(gid)),
        json!({}),
    )
    .await
    .expect(200);
    assert_eq!(ids(&get(String::new()).await), [alice, carol]);
    let banned = get("status=banned".into()).await;
    assert_eq!(ids(&banned), [bob]);
    assert_eq!(banned.data()[0]["status"], json!("banned"));
    assert_eq!(banned.data()[0]["total_entries"], json!(0));
    assert_eq!(ids(&get("status=disqualified".into()).await), [dave]);
    assert_eq!(get("status=all".into()).await.body["pagination"]["total"], json!(4));
    assert_eq!(counters(&app, gid).await, (14, 2, 2));
}

async fn search_is_exact_and_case_insensitive(app: TestApp) {
    let (acct, gid) = setup(&app).await;
    let jane = enter(&app, &acct.key, gid, "jane@example.com", "Jane Smith", 12).await;
    enter(&app, &acct.key, gid, "janet@example.com", "Janet", 1).await;
    let search = format!("{}/search", participants(gid));
    for q in ["jane@example.com", "JANE%40Example.com", "%20jane@example.com%20"] {
        let r = app.get(&acct.key, &format!("{search}?q={q}")).await;
        r.expect(200);
        let found = r.data().as_array().unwrap();
        assert_eq!(found.len(), 1, "{q}: {}", r.text);
        assert_eq!(
            (&found[0]["user_id"], &found[0]["total_entries"]),
            (&json!(jane), &json!(12))
        );
        assert_eq!(found[0]["entries"].as_array().unwrap().len(), 1);
        assert_eq!(found[0]["entries"][0]["entry_method_name"], json!("User Details"));
    }
    for q in ["jane", "example.com", "nobody@example.com"] {
        let r = app.get(&acct.key, &format!("{search}?q={q}")).await;
        r.expect(200);
        assert_eq!(r.data(), &json!([]), "{q}");
    }
    for path in [search.clone(), format!("{search}?q="), format!("{search}?q=%20")] {
        app.get(&acct.key, &path).await.expect_error(400);
    }
}

async fn add_entries_follows_the_reference(app: TestApp) {
    let (acct, gid) = setup(&app).await;
    let jane = enter(&app, &acct.key, gid, "jane@example.com", "Jane Smith", 12).await;
    let path = format!("{}/{jane}/add-entries", participants(gid));
    let r = app.post(&acct.key, &path, json!({ "amount": 10 })).await;
    r.expect(200);
    assert_eq!(
        r.data(),
        &json!({ "message": "Entries added successfully.", "entries_added": 10, "total_entries": 22 })
    );
    assert_eq!(counters(&app, gid).await, (22, 1, 2));
    let d = app.get(&acct.key, &format!("{}/{jane}", participants(gid))).await;
    assert_eq!(d.data()["total_entries"], json!(22));
    let bonus = &d.data()["entries"][1];
    assert_eq!(
        (
            &bonus["entry_method"],
            &bonus["entry_method_name"],
            &bonus["entry_amount"]
        ),
        (&json!(4), &json!("Free Bonus Entries"), &json!(10))
    );

    let r = app.post(&acct.key, &path, json!({})).await;
    r.expect_error(422);
    assert_eq!(r.body["error"]["details"], json!({ "amount": "Amount is required." }));
    for amount in [0, -5, 1_000_001] {
        let r = app.post(&acct.key, &path, json!({ "amount": amount })).await;
        r.expect_error(422);
        assert_eq!(keys(&r.body["error"]["details"]), ["amount"]);
    }
    for body in [
        json!({ "amount": "10" }),
        json!({ "amount": 2.5 }),
        json!({ "amount": [1] }),
    ] {
        let r = app.post(&acct.key, &path, body).await;
        r.expect_error(400);
        assert!(
            r.body["error"]["message"].as_str().unwrap().contains("amount"),
            "{}",
            r.text
        );
    }
    let r = app
        .post(
            &acct.key,
            &format!("{}/nobody/add-entries", participants(gid)),
            json!({ "amount": 1 }),
        )
        .await;
    r.expect_error(404);
    assert_eq!(r.body["error"]["message"], json!("Participant not found."));
    // The per-user cap of the giveaway holds for bonus entries too.
    let capped = app
        .create_giveaway(
            &acct.key,
            json!({ "is_draft": false, "rules_config": { "max_entries_per_user": 5 } }),
        )
        .await;
    let joe = enter(&app, &acct.key, capped, "joe@example.com", "Joe", 2).await;
    let cap_path = format!("{}/{joe}/add-entries", participants(capped));
    app.post(&acct.key, &cap_path, json!({ "amount": 3 })).await.expect(200);
    app.post(&acct.key, &cap_path, json!({ "amount": 1 }))
        .await
        .expect_error(409);
    assert_eq!(counters(&app, gid).await, (22, 1, 2));
}

async fn ban_and_unban_round_trip(app: TestApp) {
    let (acct, gid) = setup(&app).await;
    let jane = enter(&app, &acct.key, gid, "jane@example.com", "Jane Smith", 4).await;
    enter(&app, &acct.key, gid, "jane@example.com", "Jane Smith", 1).await;
    enter(&app, &acct.key, gid, "john@example.com", "John Doe", 2).await;
    assert_eq!(counters(&app, gid).await, (7, 2, 3));
    let base = format!("{}/{jane}", participants(gid));
    let blacklisted = || async {
        !app.engine
            .db()
            .blacklist_candidates(gid, Some("jane@example.com"), None)
            .await
            .unwrap()
            .is_empty()
    };

    let r = app.post(&acct.key, &format!("{base}/ban"), json!({})).await;
    r.expect(200);
    assert_eq!(r.data(), &json!({ "message": "Participant banned." }));
    assert_eq!(counters(&app, gid).await, (2, 1, 1));
    assert!(blacklisted().await);
    let d = app.get(&acct.key, &base).await;
    assert_eq!(
        (&d.data()["status"], &d.data()["total_entries"]),
        (&json!("banned"), &json!(0))
    );
    let entries = d.data()["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "a ban keeps the entries");
    assert!(entries.iter().all(|e| e["is_valid"] == json!(false)));
    // Gone from the lists, and cannot enter again by any route.
    let list = app.get(&acct.key, &participants(gid)).await;
    assert_eq!(list.body["pagination"]["total"], json!(1));
    let list = app
        .get(&acct.key, &format!("/v2/giveaways/{gid}/entries?search=jane"))
        .await;
    assert_eq!(list.data(), &json!([]));
    let export = app.get(&acct.key, &format!("/v2/giveaways/{gid}/entries/export")).await;
    assert_eq!(export.data().as_array().unwrap().len(), 1);
    let again = app
        .post(
            &acct.key,
            &format!("/v2/giveaways/{gid}/entries"),
            json!({ "user_email": "JANE@example.com", "user_name": "Jane", "entry_amount": 1 }),
        )
        .await;
    again.expect_error(409);
    assert_eq!(
        again.body["error"]["message"],
        json!("This participant is banned from this giveaway.")
    );
    app.post(&acct.key, &format!("{base}/add-entries"), json!({ "amount": 3 }))
        .await
        .expect_error(409);
    // Banning again is harmless.
    app.post(&acct.key, &format!("{base}/ban"), json!({})).await.expect(200);
    assert_eq!(counters(&app, gid).await, (2, 1, 1));

    let r = app.post(&acct.key, &format!("{base}/unban"), json!({})).await;
    r.expect(200);
    assert_eq!(r.data(), &json!({ "message": "Participant unbanned." }));
    assert_eq!(counters(&app, gid).await, (7, 2, 3));
    assert!(!blacklisted().await);
    let d = app.get(&acct.key, &base).await;
    assert_eq!(
        (&d.data()["status"], &d.data()["total_entries"]),
        (&json!("active"), &json!(5))
    );
    assert!(
        d.data()["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["is_valid"] == json!(true))
    );
    app.post(&acct.key, &format!("{base}/unban"), json!({}))
        .await
        .expect(200);
    assert_eq!(counters(&app, gid).await, (7, 2, 3));
    // Free to enter again.
    enter(&app, &acct.key, gid, "jane@example.com", "Jane", 1).await;
    assert_eq!(counters(&app, gid).await, (8, 2, 4));
    for action in ["ban", "unban", "disqualify"] {
        let r = app
            .post(&acct.key, &format!("{}/nobody/{action}", participants(gid)), json!({}))
            .await;
        r.expect_error(404);
        assert_eq!(r.body["error"]["message"], json!("Participant not found."));
    }
}

async fn disqualify_keeps_entries_and_frees_prizes(app: TestApp) {
    let (acct, gid) = setup(&app).await;
    let jane = enter(&app, &acct.key, gid, "jane@example.com", "Jane Smith", 4).await;
    enter(&app, &acct.key, gid, "john@example.com", "John Doe", 2).await;
    let prize = app
        .post(
            &acct.key,
            &format!("/v2/giveaways/{gid}/prizes"),
            json!({ "prize_name": "Gift card", "prize_winners_allowed": 1 }),
        )
        .await;
    prize.expect(201);
    let prize_id = prize.data()["id"].as_i64().unwrap();
    let participant_id = app.engine.db().participant_by_user_id(gid, &jane).await.unwrap().id;
    sqlx::query(
        "INSERT INTO winners (giveaway_id, participant_id, prize_id, kind, created_at) VALUES ($1, $2, $3, 'random', $4)",
    )
    .bind(gid)
    .bind(participant_id)
    .bind(prize_id)
    .bind(app.engine.now_ms())
    .execute(app.engine.db().writer())
    .await
    .unwrap();
    let redeemed = || async {
        let r = app.get(&acct.key, &format!("/v2/giveaways/{gid}/prizes")).await;
        r.data()[0]["prize_winners_redeemed"].as_i64().unwrap()
    };
    assert_eq!(redeemed().await, 1);

    app.clock.advance(HOUR);
    let base = format!("{}/{jane}", participants(gid));
    let r = app.post(&acct.key, &format!("{base}/disqualify"), json!({})).await;
    r.expect(200);
    assert_eq!(r.data(), &json!({ "message": "Participant disqualified." }));
    assert_eq!(counters(&app, gid).await, (2, 1, 1));
    assert_eq!(redeemed().await, 0, "the prize is available again");
    let (removed_at,): (Option<i64>,) = sqlx::query_as("SELECT removed_at FROM winners WHERE participant_id = $1")
        .bind(participant_id)
        .fetch_one(app.engine.db().reader())
        .await
        .unwrap();
    assert_eq!(removed_at, Some(app.engine.now_ms()));
    let d = app.get(&acct.key, &base).await;
    assert_eq!(d.data()["status"], json!("disqualified"));
    assert_eq!(d.data()["total_entries"], json!(4), "the entries are kept");
    assert_eq!(d.data()["entries"][0]["is_valid"], json!(true));
    let listed = app.get(&acct.key, &participants(gid)).await;
    assert_eq!(listed.body["pagination"]["total"], json!(1));
    let again = app
        .post(
            &acct.key,
            &format!("/v2/giveaways/{gid}/entries"),
            json!({ "user_email": "jane@example.com", "user_name": "Jane", "entry_amount": 1 }),
        )
        .await;
    again.expect_error(409);
    assert_eq!(
        again.body["error"]["message"],
        json!("This participant is disqualified from this giveaway.")
    );
    // Repeating is harmless; unbanning does not undo a disqualification.
    app.post(&acct.key, &format!("{base}/disqualify"), json!({}))
        .await
        .expect(200);
    app.post(&acct.key, &format!("{base}/unban"), json!({}))
        .await
        .expect(200);
    assert_eq!(app.get(&acct.key, &base).await.data()["status"], json!("disqualified"));
    assert_eq!(counters(&app, gid).await, (2, 1, 1));
    assert_eq!(redeemed().await, 0);
}

async fn lookups_by_email_stay_within_the_account(app: TestApp) {
    let acct = app.account().await;
    let spring = app
        .create_giveaway(&acct.key, json!({ "title": "Spring Giveaway" }))
        .await;
    let brand = app
        .engine
        .create_brand(acct.account_id, "Second brand", None)
        .await
        .unwrap();
    let sibling = app.engine.issue_key(brand, KeyKind::Secret, None).await.unwrap();
    let sibling_key = sibling.key.expose().clone();
    let summer = app
        .create_giveaway(&sibling_key, json!({ "title": "Summer Giveaway 2026" }))
        .await;
    let deleted = app.create_giveaway(&acct.key, json!({ "title": "Deleted one" })).await;
    let stranger = app.account().await;
    let theirs = app
        .create_giveaway(&stranger.key, json!({ "title": "Not yours" }))
        .await;

    enter(&app, &acct.key, spring, "jane@example.com", "Jane", 5).await;
    app.clock.advance(HOUR);
    enter(&app, &sibling_key, summer, "jane@example.com", "Jane", 1).await;
    enter(&app, &sibling_key, summer, "Jane@Example.com", "Jane", 3).await;
    enter(&app, &acct.key, deleted, "jane@example.com", "Jane", 7).await;
    enter(&app, &stranger.key, theirs, "jane@example.com", "Jane", 9).await;
    enter(&app, &acct.key, spring, "john@example.com", "John", 2).await;
    app.delete(&acct.key, &format!("/v2/giveaways/{deleted}"))
        .await
        .expect(204);

    // Both brands' keys see the whole account, and only it.
    for key in [acct.key.as_str(), sibling_key.as_str()] {
        for email in ["jane%40example.com", "JANE%40example.COM", "jane@example.com"] {
            let r = app.get(key, &format!("/v2/participants/{email}/giveaways")).await;
            r.expect(200);
            assert_eq!(
                r.data(),
                &json!([
                    { "id": summer, "title": "Summer Giveaway 2026", "total_entries": 4 },
                    { "id": spring, "title": "Spring Giveaway", "total_entries": 5 }
                ])
            );
            let r = app.get(key, &format!("/v2/participants/{email}/entries")).await;
            r.expect(200);
            let found = r.data().as_array().unwrap();
            assert_eq!(found.len(), 3);
            assert_eq!(
                found[0],
                json!({ "giveaway_id": spring, "giveaway_title": "Spring Giveaway", "entry_method": 1,
                        "entry_method_name": "User Details", "entry_amount": 5, "timestamp": "2026-06-15 12:00:00" })
            );
            let amounts: Vec<i64> = found.iter().map(|e| e["entry_amount"].as_i64().unwrap()).collect();
            assert_eq!(amounts, [5, 1, 3]);
            assert!(found[1..].iter().all(|e| e["giveaway_id"] == json!(summer)));
        }
    }
    // The other account sees its own giveaway only.
    let r = app
        .get(&stranger.key, "/v2/participants/jane%40example.com/giveaways")
        .await;
    assert_eq!(
        r.data(),
        &json!([{ "id": theirs, "title": "Not yours", "total_entries": 9 }])
    );
    let r = app
        .get(&stranger.key, "/v2/participants/john%40example.com/entries")
        .await;
    r.expect(200);
    assert_eq!(r.data(), &json!([]));
    let r = app
        .get(&acct.key, "/v2/participants/nobody%40example.com/giveaways")
        .await;
    r.expect(200);
    assert_eq!(r.data(), &json!([]));
}

async fn other_brands_get_404_on_every_participant_route(app: TestApp) {
    let (acct, gid) = setup(&app).await;
    let jane = enter(&app, &acct.key, gid, "jane@example.com", "Jane", 3).await;
    let other_account = app.account().await;
    let brand = app
        .engine
        .create_brand(acct.account_id, "Second brand", None)
        .await
        .unwrap();
    let sibling = app.engine.issue_key(brand, KeyKind::Secret, None).await.unwrap();
    let base = format!("{}/{jane}", participants(gid));
    for key in [other_account.key.as_str(), sibling.key.expose().as_str()] {
        for r in [
            app.get(key, &participants(gid)).await,
            app.get(key, &base).await,
            app.get(key, &format!("{}/search?q=jane@example.com", participants(gid)))
                .await,
            app.post(key, &format!("{base}/add-entries"), json!({ "amount": 1 }))
                .await,
            app.post(key, &format!("{base}/ban"), json!({})).await,
            app.post(key, &format!("{base}/unban"), json!({})).await,
            app.post(key, &format!("{base}/disqualify"), json!({})).await,
        ] {
            r.expect_error(404);
            assert_eq!(r.body["error"]["message"], json!("Giveaway not found."));
        }
    }
    let d = app.get(&acct.key, &base).await;
    assert_eq!(
        (&d.data()["status"], &d.data()["total_entries"]),
        (&json!("active"), &json!(3))
    );
    assert_eq!(counters(&app, gid).await, (3, 1, 1));
    for r in [
        app.get(&acct.key, &participants(999_999)).await,
        app.post(&acct.key, &format!("{}/{jane}/ban", participants(999_999)), json!({}))
            .await,
    ] {
        r.expect_error(404);
    }
}

async fn listed_in_the_openapi_document(app: TestApp) {
    let doc = app.call(Method::GET, "/openapi.json", None, None).await;
    doc.expect(200);
    let paths = &doc.body["paths"];
    for (path, method) in [
        ("/v2/giveaways/{id}/participants", "get"),
        ("/v2/giveaways/{id}/participants/{user_id}", "get"),
        ("/v2/giveaways/{id}/participants/search", "get"),
        ("/v2/giveaways/{id}/participants/{user_id}/add-entries", "post"),
        ("/v2/giveaways/{id}/participants/{user_id}/ban", "post"),
        ("/v2/giveaways/{id}/participants/{user_id}/unban", "post"),
        ("/v2/giveaways/{id}/participants/{user_id}/disqualify", "post"),
        ("/v2/participants/{email}/entries", "get"),
        ("/v2/participants/{email}/giveaways", "get"),
    ] {
        assert!(paths[path][method].is_object(), "{method} {path}");
    }
}
