//! Contract scenarios for `/v2/giveaways/{id}/entries`: the reference's examples, validation,
//! the list's filters and sorts, bulk and import (with their limits), deletion, the JSON export's
//! cap and the streamed CSV and NDJSON exports, other brands, and counters that stay exact while
//! everything happens at once.

use crate::scenarios;
use crate::support::{DAY, HOUR, Method, TestAccount, TestApp};
use fairdraw_core::apikey::KeyKind;
use fairdraw_store::entries::{Entrant, NewEntry};
use serde_json::{Value, json};

scenarios!(
    create_entry_follows_the_reference,
    create_entry_validation,
    list_filters_sorts_and_pages,
    list_rejects_bad_filters,
    bulk_follows_the_reference_and_reports_failures,
    bulk_limits_and_shapes,
    delete_recounts_in_the_same_transaction,
    import_is_all_or_nothing,
    export_json_is_capped_and_streams_are_not,
    csv_export_quotes_and_defuses_cells,
    other_brands_get_404_on_every_entries_route,
    listed_in_the_openapi_document,
    counters_stay_exact_under_a_concurrent_hammer,
);

fn entries(gid: i64) -> String {
    format!("/v2/giveaways/{gid}/entries")
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

/// Creates an entry and returns the response's data.
async fn enter(app: &TestApp, key: &str, gid: i64, email: &str, name: &str, amount: i64) -> Value {
    let r = app
        .post(
            key,
            &entries(gid),
            json!({ "user_email": email, "user_name": name, "entry_amount": amount }),
        )
        .await;
    r.expect(201);
    r.data().clone()
}

/// The stored counters equal a recount from the entries, and the API reports them.
async fn assert_counters(app: &TestApp, key: &str, gid: i64) -> (i64, i64, i64) {
    let db = app.engine.db();
    let stored = db.stored_counters(gid).await.unwrap();
    assert_eq!(stored, db.count_from_entries(gid).await.unwrap(), "counters drifted");
    let g = app.get(key, &format!("/v2/giveaways/{gid}")).await;
    g.expect(200);
    assert_eq!(
        (
            &g.data()["total_entries"],
            &g.data()["total_participants"],
            &g.data()["total_actions"]
        ),
        (&json!(stored.0), &json!(stored.1), &json!(stored.2))
    );
    stored
}

fn ids(list: &Value) -> Vec<i64> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|e| e["id"].as_i64().expect("id"))
        .collect()
}

async fn create_entry_follows_the_reference(app: TestApp) {
    let (acct, gid) = setup(&app).await;
    let r = app
        .post(
            &acct.key,
            &entries(gid),
            json!({ "user_email": "john@example.com", "user_name": "John Doe", "entry_amount": 5 }),
        )
        .await;
    r.expect(201);
    let d = r.data();
    assert_eq!(
        keys(d),
        sorted(&[
            "id",
            "user_id",
            "user_name",
            "user_email",
            "entry_method",
            "entry_method_name",
            "entry_amount",
            "is_verified",
            "is_new_user",
            "timestamp"
        ])
    );
    assert!(d["id"].is_i64());
    assert_eq!(d["user_id"].as_str().unwrap().len(), 36);
    assert_eq!(d["user_name"], json!("John Doe"));
    assert_eq!(d["user_email"], json!("john@example.com"));
    assert_eq!(
        (&d["entry_method"], &d["entry_method_name"]),
        (&json!(1), &json!("User Details"))
    );
    assert_eq!(d["entry_amount"], json!(5));
    assert_eq!(d["is_verified"], json!(true));
    assert_eq!(d["is_new_user"], json!(true));
    assert_eq!(d["timestamp"], json!("2026-06-15 12:00:00"));

    // The same person again (any case): the participant exists and keeps their name.
    app.clock.advance(HOUR);
    let again = enter(&app, &acct.key, gid, "John@Example.COM", "Johnny", 2).await;
    assert_eq!(again["is_new_user"], json!(false));
    assert_eq!(again["user_id"], d["user_id"]);
    assert_eq!(again["user_name"], json!("John Doe"));
    assert_eq!(again["timestamp"], json!("2026-06-15 13:00:00"));

    // GET one entry: the documented fields.
    let one = app.get(&acct.key, &format!("{}/{}", entries(gid), d["id"])).await;
    one.expect(200);
    let e = one.data();
    assert_eq!(
        keys(e),
        sorted(&[
            "id",
            "user_id",
            "user_name",
            "user_email",
            "entry_method",
            "entry_method_name",
            "entry_amount",
            "entry_value",
            "is_verified",
            "timestamp",
            "country"
        ])
    );
    assert_eq!(
        (&e["id"], &e["entry_amount"], &e["entry_value"]),
        (&d["id"], &json!(5), &Value::Null)
    );
    assert_eq!(e["user_email"], json!("john@example.com"));

    let (total, people, actions) = assert_counters(&app, &acct.key, gid).await;
    assert_eq!((total, people, actions), (7, 1, 2));
    let p = app
        .get(
            &acct.key,
            &format!("/v2/giveaways/{gid}/participants/{}", d["user_id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(p.data()["total_entries"], json!(7));

    // Unknown entries and entries of another giveaway are not found.
    let r = app.get(&acct.key, &format!("{}/999999", entries(gid))).await;
    r.expect_error(404);
    assert_eq!(r.body["error"]["message"], json!("Entry not found."));
    let other = app.create_giveaway(&acct.key, json!({})).await;
    app.get(&acct.key, &format!("{}/{}", entries(other), d["id"]))
        .await
        .expect_error(404);
    app.get(&acct.key, &format!("{}/abc", entries(gid)))
        .await
        .expect_error(404);
}

async fn create_entry_validation(app: TestApp) {
    let (acct, gid) = setup(&app).await;
    let path = entries(gid);
    let r = app.post(&acct.key, &path, json!({})).await;
    r.expect_error(422);
    assert_eq!(
        r.body["error"]["details"],
        json!({
            "user_email": "User email is required.",
            "user_name": "User name is required.",
            "entry_amount": "Entry amount is required."
        })
    );
    let r = app
        .post(
            &acct.key,
            &path,
            json!({ "user_email": "not-an-email", "user_name": "  ", "entry_amount": 0 }),
        )
        .await;
    r.expect_error(422);
    let details = &r.body["error"]["details"];
    assert_eq!(keys(details), sorted(&["entry_amount", "user_email", "user_name"]));
    assert_eq!(details["entry_amount"], json!("Must be between 1 and 1000000."));
    for (field, body) in [
        (
            "user_name",
            json!({ "user_email": "a@example.com", "user_name": "x".repeat(256), "entry_amount": 1 }),
        ),
        (
            "entry_amount",
            json!({ "user_email": "a@example.com", "user_name": "A", "entry_amount": -3 }),
        ),
        (
            "entry_amount",
            json!({ "user_email": "a@example.com", "user_name": "A", "entry_amount": 1_000_001 }),
        ),
        (
            "user_email",
            json!({ "user_email": "a b@example.com", "user_name": "A", "entry_amount": 1 }),
        ),
    ] {
        let r = app.post(&acct.key, &path, body).await;
        r.expect_error(422);
        assert_eq!(keys(&r.body["error"]["details"]), [field.to_owned()], "{}", r.text);
    }
    // Wrong types are 400 and name the field.
    for (field, body) in [
        (
            "user_email",
            json!({ "user_email": 5, "user_name": "A", "entry_amount": 1 }),
        ),
        (
            "user_name",
            json!({ "user_email": "a@example.com", "user_name": ["A"], "entry_amount": 1 }),
        ),
        (
            "entry_amount",
            json!({ "user_email": "a@example.com", "user_name": "A", "entry_amount": "5" }),
        ),
        (
            "entry_amount",
            json!({ "user_email": "a@example.com", "user_name": "A", "entry_amount": 1.5 }),
        ),
    ] {
        let r = app.post(&acct.key, &path, body).await;
        r.expect_error(400);
        assert!(
            r.body["error"]["message"].as_str().unwrap().contains(field),
            "{}",
            r.text
        );
    }
    let raw = app
        .http
        .post(app.url(&path))
        .bearer_auth(&acct.key)
        .body("{ not json")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 400);
    // Nothing was created by any of these; unknown fields are ignored.
    assert_eq!(assert_counters(&app, &acct.key, gid).await, (0, 0, 0));
    let r = app
        .post(
            &acct.key,
            &path,
            json!({ "user_email": "a@example.com", "user_name": "A", "entry_amount": 1, "color": "blue" }),
        )
        .await;
    r.expect(201);
    app.post(&acct.key, &entries(999_999), json!({}))
        .await
        .expect_error(404);
}

/// Entries at known times: day 0 jane 1 (User Details), day 1 john 3, day 2 jane 2 and a bonus of
/// 10, and one unverified entry by a pending participant on day 1.
async fn seeded(app: &TestApp) -> (TestAccount, i64, Vec<i64>) {
    let (acct, gid) = setup(app).await;
    let mut ids = Vec::new();
    ids.push(
        enter(app, &acct.key, gid, "jane@example.com", "Jane Smith", 1).await["id"]
            .as_i64()
            .unwrap(),
    );
    app.clock.advance(DAY);
    ids.push(
        enter(app, &acct.key, gid, "john@example.com", "John Doe", 3).await["id"]
            .as_i64()
            .unwrap(),
    );
    let who = app.engine.authenticate_secret(&acct.key).await.unwrap();
    let g = app.engine.owned_giveaway(&who, gid).await.unwrap();
    let pending = Entrant {
        email: "pending@example.com".to_owned(),
        name: "Pending Person".to_owned(),
        country: Some("CA".to_owned()),
        birthday: None,
        ip: None,
        referred_by_code: None,
        verified: false,
    };
    let entry = NewEntry {
        entry_method_id: None,
        method_type: 1,
        amount: 1,
        value: None,
    };
    app.engine
        .record_entries(&g, pending, vec![entry])
        .await
        .unwrap()
        .unwrap();
    app.clock.advance(DAY);
    let jane = enter(app, &acct.key, gid, "jane@example.com", "Jane Smith", 2).await;
    ids.push(jane["id"].as_i64().unwrap());
    let bonus = app
        .post(
            &acct.key,
            &format!(
                "/v2/giveaways/{gid}/participants/{}/add-entries",
                jane["user_id"].as_str().unwrap()
            ),
            json!({ "amount": 10 }),
        )
        .await;
    bonus.expect(200);
    let detail = app
        .get(
            &acct.key,
            &format!("/v2/giveaways/{gid}/participants/{}", jane["user_id"].as_str().unwrap()),
        )
        .await;
    ids.push(detail.data()["entries"][2]["id"].as_i64().unwrap());
    (acct, gid, ids)
}

async fn list_filters_sorts_and_pages(app: TestApp) {
    let (acct, gid, seeded_ids) = seeded(&app).await;
    let [jane1, john3, jane2, bonus10] = seeded_ids[..] else {
        panic!("four entries")
    };
    let get = |query: &str| {
        let (app, key, path) = (app.clone(), acct.key.clone(), format!("{}?{query}", entries(gid)));
        async move {
            let r = app.get(&key, &path).await;
            r.expect(200);
            r
        }
    };
    // Default: verified only, newest first; the documented pagination.
    let all = get("").await;
    assert_eq!(ids(all.data()), [bonus10, jane2, john3, jane1]);
    assert_eq!(
        all.body["pagination"],
        json!({ "page": 1, "per_page": 20, "total": 4, "total_pages": 1, "has_more": false })
    );
    let first = &all.data()[3];
    assert_eq!(
        keys(first),
        sorted(&[
            "id",
            "user_id",
            "user_name",
            "user_email",
            "entry_method",
            "entry_method_name",
            "entry_amount",
            "entry_value",
            "is_verified",
            "timestamp",
            "country"
        ])
    );
    assert_eq!(first["timestamp"], json!("2026-06-15 12:00:00"));
    assert_eq!(all.data()[0]["entry_method"], json!(4));
    assert_eq!(all.data()[0]["entry_method_name"], json!("Free Bonus Entries"));
    assert_eq!(
        ids(get("sort=timestamp_asc").await.data()),
        [jane1, john3, jane2, bonus10]
    );
    assert_eq!(
        ids(get("sort=entries_desc").await.data()),
        [bonus10, john3, jane2, jane1]
    );
    assert_eq!(
        ids(get("sort=entries_asc").await.data()),
        [jane1, jane2, john3, bonus10]
    );

    // Unverified entries only when asked for.
    let pending = get("is_verified=0").await;
    assert_eq!(pending.data().as_array().unwrap().len(), 1);
    assert_eq!(pending.data()[0]["user_email"], json!("pending@example.com"));
    assert_eq!(pending.data()[0]["is_verified"], json!(false));
    assert_eq!(pending.data()[0]["country"], json!("CA"));
    assert_eq!(
        ids(get("is_verified=1&sort=timestamp_asc").await.data()),
        [jane1, john3, jane2, bonus10]
    );

    // Filters, alone and together.
    assert_eq!(ids(get("entry_method=4").await.data()), [bonus10]);
    assert_eq!(
        ids(get("entry_method=1&sort=timestamp_asc").await.data()),
        [jane1, john3, jane2]
    );
    assert_eq!(ids(get("entry_method=14").await.data()), Vec::<i64>::new());
    assert_eq!(
        ids(get("date_from=2026-06-16&date_to=2026-06-16").await.data()),
        [john3]
    );
    assert_eq!(
        ids(get("date_from=2026-06-16&sort=timestamp_asc").await.data()),
        [john3, jane2, bonus10]
    );
    assert_eq!(ids(get("date_to=2026-06-15").await.data()), [jane1]);
    assert_eq!(ids(get("date_from=2026-06-18").await.data()), Vec::<i64>::new());
    assert_eq!(
        ids(get("search=JANE&sort=timestamp_asc").await.data()),
        [jane1, jane2, bonus10]
    );
    assert_eq!(
        ids(get("search=%40example.com&entry_method=1&date_from=2026-06-17")
            .await
            .data()),
        [jane2]
    );
    assert_eq!(ids(get("search=%25").await.data()), Vec::<i64>::new());
    assert_eq!(ids(get("search=nobody").await.data()), Vec::<i64>::new());

    // Pages.
    let p1 = get("per_page=3&sort=timestamp_asc").await;
    assert_eq!(ids(p1.data()), [jane1, john3, jane2]);
    assert_eq!(
        p1.body["pagination"],
        json!({ "page": 1, "per_page": 3, "total": 4, "total_pages": 2, "has_more": true })
    );
    let p2 = get("per_page=3&page=2&sort=timestamp_asc").await;
    assert_eq!(ids(p2.data()), [bonus10]);
    assert_eq!(p2.body["pagination"]["has_more"], json!(false));
    assert_eq!(get("per_page=1000").await.body["pagination"]["per_page"], json!(100));
}

async fn list_rejects_bad_filters(app: TestApp) {
    let (acct, gid) = setup(&app).await;
    for query in [
        "is_verified=2",
        "is_verified=true",
        "entry_method=abc",
        "entry_method=99999",
        "date_from=2026-13-01",
        "date_from=15-06-2026",
        "date_to=2026-06-15T00:00:00",
        "date_from=2026-06-16&date_to=2026-06-15",
        "sort=newest",
        "page=first",
    ] {
        let r = app.get(&acct.key, &format!("{}?{query}", entries(gid))).await;
        r.expect_error(400);
        assert!(
            r.body["error"]["message"].as_str().unwrap().contains("Invalid"),
            "{query}: {}",
            r.text
        );
    }
    for query in ["format=xml", "date_from=yesterday", "entry_method=-1"] {
        app.get(&acct.key, &format!("{}/export?{query}", entries(gid)))
            .await
            .expect_error(400);
    }
}

async fn bulk_follows_the_reference_and_reports_failures(app: TestApp) {
    let (acct, gid) = setup(&app).await;
    let bulk = format!("{}/bulk", entries(gid));
    let r = app
        .post(
            &acct.key,
            &bulk,
            json!({
                "entries": [
                    { "user_email": "alice@example.com", "user_name": "Alice", "entry_amount": 1 },
                    { "user_email": "bob@example.com", "user_name": "Bob", "entry_amount": 3 },
                    { "user_email": "carol@example.com", "user_name": "Carol", "entry_amount": 1 }
                ]
            }),
        )
        .await;
    r.expect(201);
    assert_eq!(
        r.data(),
        &json!({ "created": 3, "failed": 0, "total": 3, "errors": [] })
    );
    assert_eq!(assert_counters(&app, &acct.key, gid).await, (5, 3, 3));

    // Bob is banned: his item is refused, like the invalid ones; the rest are created.
    let bob = app
        .get(
            &acct.key,
            &format!("/v2/giveaways/{gid}/participants/search?q=bob@example.com"),
        )
        .await;
    let bob_id = bob.data()[0]["user_id"].as_str().unwrap().to_owned();
    app.post(
        &acct.key,
        &format!("/v2/giveaways/{gid}/participants/{bob_id}/ban"),
        json!({}),
    )
    .await
    .expect(200);
    let r = app
        .post(
            &acct.key,
            &bulk,
            json!({
                "entries": [
                    { "user_email": "dave@example.com", "user_name": "Dave" },
                    { "user_email": "not-an-email", "user_name": "Nobody" },
                    { "user_email": "bob@example.com", "user_name": "Bob", "entry_amount": 2 },
                    { "user_email": "erin@example.com", "user_name": "Erin", "entry_amount": 0 },
                    { "user_email": "alice@example.com", "user_name": "Alice", "entry_amount": 4 }
                ]
            }),
        )
        .await;
    r.expect(201);
    let d = r.data();
    assert_eq!(
        (&d["created"], &d["failed"], &d["total"]),
        (&json!(2), &json!(3), &json!(5))
    );
    let errors = d["errors"].as_array().unwrap();
    let indexes: Vec<i64> = errors.iter().map(|e| e["index"].as_i64().unwrap()).collect();
    assert_eq!(indexes, [1, 2, 3]);
    assert!(
        errors[0]["message"].as_str().unwrap().starts_with("user_email:"),
        "{}",
        r.text
    );
    assert_eq!(
        errors[0]["details"]["user_email"],
        json!("E-mail is not a valid address.")
    );
    assert_eq!(
        errors[1]["message"],
        json!("This participant is banned from this giveaway.")
    );
    assert_eq!(
        errors[2]["details"]["entry_amount"],
        json!("Must be between 1 and 1000000.")
    );
    // Dave got the default single entry; Alice now has 5; Bob's 3 no longer count.
    assert_eq!(assert_counters(&app, &acct.key, gid).await, (1 + 1 + 4 + 1, 3, 4));
}

async fn bulk_limits_and_shapes(app: TestApp) {
    let (acct, gid) = setup(&app).await;
    let item = |i: usize| json!({ "user_email": format!("p{i}@example.com"), "user_name": format!("P{i}") });
    let bulk = format!("{}/bulk", entries(gid));
    let hundred: Vec<Value> = (0..100).map(item).collect();
    let r = app.post(&acct.key, &bulk, json!({ "entries": hundred })).await;
    r.expect(201);
    assert_eq!((&r.data()["created"], &r.data()["failed"]), (&json!(100), &json!(0)));
    assert_eq!(assert_counters(&app, &acct.key, gid).await, (100, 100, 100));

    let many: Vec<Value> = (0..101).map(item).collect();
    let r = app.post(&acct.key, &bulk, json!({ "entries": many })).await;
    r.expect_error(422);
    assert!(
        r.body["error"]["details"]["entries"]
            .as_str()
            .unwrap()
            .contains("At most 100")
    );
    for body in [json!({}), json!({ "entries": [] }), json!({ "entries": null })] {
        let r = app.post(&acct.key, &bulk, body).await;
        r.expect_error(422);
        assert_eq!(keys(&r.body["error"]["details"]), ["entries"]);
    }
    for body in [
        json!({ "entries": "alice@example.com" }),
        json!({ "entries": [5] }),
        json!({ "entries": [{ "user_email": "a@example.com", "user_name": "A", "entry_amount": "2" }] }),
    ] {
        app.post(&acct.key, &bulk, body).await.expect_error(400);
    }
    assert_eq!(assert_counters(&app, &acct.key, gid).await, (100, 100, 100));
}

async fn delete_recounts_in_the_same_transaction(app: TestApp) {
    let (acct, gid) = setup(&app).await;
    let a = enter(&app, &acct.key, gid, "jane@example.com", "Jane", 2).await;
    let b = enter(&app, &acct.key, gid, "jane@example.com", "Jane", 5).await;
    enter(&app, &acct.key, gid, "john@example.com", "John", 1).await;
    assert_eq!(assert_counters(&app, &acct.key, gid).await, (8, 2, 3));

    let path = format!("{}/{}", entries(gid), b["id"]);
    let r = app.delete(&acct.key, &path).await;
    r.expect(204);
    assert!(r.text.is_empty());
    app.get(&acct.key, &path).await.expect_error(404);
    app.delete(&acct.key, &path).await.expect_error(404);
    assert_eq!(assert_counters(&app, &acct.key, gid).await, (3, 2, 2));
    let jane = app
        .get(
            &acct.key,
            &format!("/v2/giveaways/{gid}/participants/{}", a["user_id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(jane.data()["total_entries"], json!(2));
    assert_eq!(ids(&jane.data()["entries"]), [a["id"].as_i64().unwrap()]);
    // The participant with no entries left is still a participant.
    app.delete(&acct.key, &format!("{}/{}", entries(gid), a["id"]))
        .await
        .expect(204);
    assert_eq!(assert_counters(&app, &acct.key, gid).await, (1, 2, 1));
    // The entries list agrees with the counters.
    let list = app.get(&acct.key, &entries(gid)).await;
    assert_eq!(list.body["pagination"]["total"], json!(1));
}

fn import_items(n: usize, prefix: &str) -> Vec<Value> {
    (0..n)
        .map(|i| json!({ "user_email": format!("{prefix}{}@x.io", i % 500), "user_name": "N" }))
        .collect()
}

async fn import_is_all_or_nothing(app: TestApp) {
    let (acct, gid) = setup(&app).await;
    let import = format!("{}/import", entries(gid));
    let r = app
        .post(
            &acct.key,
            &import,
            json!({ "entries": [
                { "user_email": "alice@example.com", "user_name": "Alice", "entry_amount": 1 },
                { "user_email": "bob@example.com", "user_name": "Bob", "entry_amount": 3 },
                { "user_email": "alice@example.com", "user_name": "Alice", "entry_amount": 2 }
            ] }),
        )
        .await;
    r.expect(201);
    assert_eq!(
        r.data(),
        &json!({ "created": 3, "failed": 0, "total": 3, "new_participants": 2 })
    );
    assert_eq!(assert_counters(&app, &acct.key, gid).await, (6, 2, 3));

    // Any invalid item: 422 naming each, and nothing is written.
    let r = app
        .post(
            &acct.key,
            &import,
            json!({ "entries": [
                { "user_email": "carol@example.com", "user_name": "Carol" },
                { "user_email": "nope", "user_name": "Nope" },
                { "user_email": "dave@example.com", "user_name": "Dave" },
                { "user_email": "erin@example.com", "user_name": "Erin", "entry_amount": 0 }
            ] }),
        )
        .await;
    r.expect_error(422);
    assert_eq!(
        keys(&r.body["error"]["details"]),
        sorted(&["entries[1].user_email", "entries[3].entry_amount"])
    );
    // A refused item (a banned participant) rolls back the items before it too.
    let bob = app
        .get(
            &acct.key,
            &format!("/v2/giveaways/{gid}/participants/search?q=bob@example.com"),
        )
        .await;
    let bob_id = bob.data()[0]["user_id"].as_str().unwrap().to_owned();
    app.post(
        &acct.key,
        &format!("/v2/giveaways/{gid}/participants/{bob_id}/ban"),
        json!({}),
    )
    .await
    .expect(200);
    let r = app
        .post(
            &acct.key,
            &import,
            json!({ "entries": [
                { "user_email": "carol@example.com", "user_name": "Carol", "entry_amount": 7 },
                { "user_email": "bob@example.com", "user_name": "Bob" }
            ] }),
        )
        .await;
    r.expect_error(422);
    assert_eq!(
        r.body["error"]["details"],
        json!({ "entries[1]": "This participant is banned from this giveaway." })
    );
    assert_eq!(assert_counters(&app, &acct.key, gid).await, (3, 1, 2));
    let carol = app
        .get(
            &acct.key,
            &format!("/v2/giveaways/{gid}/participants/search?q=carol@example.com"),
        )
        .await;
    assert_eq!(carol.data(), &json!([]));

    // 10,000 per request, not one more.
    let r = app
        .post(&acct.key, &import, json!({ "entries": import_items(10_001, "big") }))
        .await;
    r.expect_error(422);
    assert!(
        r.body["error"]["details"]["entries"]
            .as_str()
            .unwrap()
            .contains("At most 10000")
    );
    let r = app
        .post(&acct.key, &import, json!({ "entries": import_items(10_000, "big") }))
        .await;
    r.expect(201);
    assert_eq!(
        r.data(),
        &json!({ "created": 10_000, "failed": 0, "total": 10_000, "new_participants": 500 })
    );
    assert_eq!(assert_counters(&app, &acct.key, gid).await, (10_003, 501, 10_002));
    for body in [json!({}), json!({ "entries": [] })] {
        app.post(&acct.key, &import, body).await.expect_error(422);
    }
    app.post(&acct.key, &import, json!({ "entries": [{ "user_email": 1 }] }))
        .await
        .expect_error(400);
}

async fn export_json_is_capped_and_streams_are_not(app: TestApp) {
    let (acct, gid) = setup(&app).await;
    let import = format!("{}/import", entries(gid));
    app.post(&acct.key, &import, json!({ "entries": import_items(10_000, "e") }))
        .await
        .expect(201);
    app.clock.advance(DAY);
    let last = enter(&app, &acct.key, gid, "last@example.com", "Last One", 3).await;
    let export = format!("{}/export", entries(gid));

    // JSON: the first 10,000 in time order, and a header saying there were more.
    let r = app.get(&acct.key, &export).await;
    r.expect(200);
    assert_eq!(r.header("x-export-truncated"), Some("true"));
    assert!(r.body.get("pagination").is_none());
    let rows = r.data().as_array().unwrap();
    assert_eq!(rows.len(), 10_000);
    for field in [
        "user_id",
        "name",
        "email",
        "entry_method",
        "entry_method_name",
        "entry_amount",
        "timestamp",
        "is_verified",
        "country",
    ] {
        assert!(rows[0].get(field).is_some(), "{field} missing from {}", rows[0]);
    }
    assert_eq!(rows[0]["email"], json!("e0@x.io"));
    assert_eq!(rows[0]["timestamp"], json!("2026-06-15 12:00:00"));
    assert!(rows.iter().all(|e| e["email"] != json!("last@example.com")));
    // Filters narrow it below the cap.
    let r = app.get(&acct.key, &format!("{export}?date_from=2026-06-16")).await;
    assert_eq!(r.header("x-export-truncated"), Some("false"));
    assert_eq!(r.data().as_array().unwrap().len(), 1);
    assert_eq!(r.data()[0]["name"], json!("Last One"));
    assert_eq!(r.data()[0]["id"], last["id"]);
    let r = app
        .get(&acct.key, &format!("{export}?date_to=2026-06-15&entry_method=1"))
        .await;
    assert_eq!(r.header("x-export-truncated"), Some("false"));
    assert_eq!(r.data().as_array().unwrap().len(), 10_000);
    let r = app.get(&acct.key, &format!("{export}?entry_method=4")).await;
    assert_eq!(r.data(), &json!([]));

    // CSV: a header row, then every entry, in time order.
    let csv_reply = app.get(&acct.key, &format!("{export}?format=csv")).await;
    csv_reply.expect(200);
    assert_eq!(csv_reply.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(csv_reply.header("content-disposition").unwrap().contains(".csv"));
    let mut reader = csv::Reader::from_reader(csv_reply.text.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "id",
            "user_id",
            "name",
            "email",
            "entry_method",
            "entry_method_name",
            "entry_amount",
            "entry_value",
            "timestamp",
            "is_verified",
            "country"
        ]
    );
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 10_001);
    let csv_ids: Vec<i64> = records.iter().map(|r| r[0].parse().unwrap()).collect();
    assert!(csv_ids.windows(2).all(|w| w[0] < w[1]), "time order, each entry once");
    let tail = &records[10_000];
    assert_eq!((&tail[2], &tail[3], &tail[6]), ("Last One", "last@example.com", "3"));
    assert_eq!(
        (&tail[5], &tail[8], &tail[9]),
        ("User Details", "2026-06-16 12:00:00", "1")
    );

    // NDJSON: one object per line, every entry, the same order.
    let nd = app.get(&acct.key, &format!("{export}?format=ndjson")).await;
    nd.expect(200);
    assert_eq!(nd.header("content-type"), Some("application/x-ndjson"));
    let lines: Vec<Value> = nd.text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 10_001);
    assert_eq!(
        lines.iter().map(|l| l["id"].as_i64().unwrap()).collect::<Vec<_>>(),
        csv_ids
    );
    assert_eq!(lines[10_000]["email"], json!("last@example.com"));
    assert_eq!(lines[10_000]["entry_amount"], json!(3));
    // Filters apply to streams too.
    let nd = app
        .get(&acct.key, &format!("{export}?format=ndjson&date_from=2026-06-16"))
        .await;
    assert_eq!(nd.text.lines().count(), 1);
    let empty = app
        .get(&acct.key, &format!("{export}?format=csv&date_from=2026-07-01"))
        .await;
    empty.expect(200);
    assert_eq!(empty.text.lines().count(), 1, "only the header: {}", empty.text);
}

async fn csv_export_quotes_and_defuses_cells(app: TestApp) {
    let (acct, gid) = setup(&app).await;
    enter(&app, &acct.key, gid, "quote@example.com", "Doe, \"Jay\"\nJr", 1).await;
    enter(
        &app,
        &acct.key,
        gid,
        "formula@example.com",
        "=HYPERLINK(\"http://evil\")",
        1,
    )
    .await;
    let r = app.get(&acct.key, &format!("{}/export?format=csv", entries(gid))).await;
    r.expect(200);
    let mut reader = csv::Reader::from_reader(r.text.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 2);
    assert_eq!(&records[0][2], "Doe, \"Jay\"\nJr");
    assert_eq!(&records[1][2], "'=HYPERLINK(\"http://evil\")");
    // JSON keeps the name as it is.
    let json_export = app.get(&acct.key, &format!("{}/export", entries(gid))).await;
    assert_eq!(json_export.data()[1]["name"], json!("=HYPERLINK(\"http://evil\")"));
}

async fn other_brands_get_404_on_every_entries_route(app: TestApp) {
    let (acct, gid) = setup(&app).await;
    let e = enter(&app, &acct.key, gid, "jane@example.com", "Jane", 1).await;
    let other_account = app.account().await;
    let brand = app
        .engine
        .create_brand(acct.account_id, "Second brand", None)
        .await
        .unwrap();
    let sibling = app.engine.issue_key(brand, KeyKind::Secret, None).await.unwrap();
    let item = json!({ "user_email": "x@example.com", "user_name": "X", "entry_amount": 1 });
    for key in [other_account.key.as_str(), sibling.key.expose().as_str()] {
        let one = format!("{}/{}", entries(gid), e["id"]);
        for r in [
            app.get(key, &entries(gid)).await,
            app.post(key, &entries(gid), item.clone()).await,
            app.get(key, &one).await,
            app.delete(key, &one).await,
            app.post(key, &format!("{}/bulk", entries(gid)), json!({ "entries": [item] }))
                .await,
            app.post(key, &format!("{}/import", entries(gid)), json!({ "entries": [item] }))
                .await,
            app.get(key, &format!("{}/export", entries(gid))).await,
            app.get(key, &format!("{}/export?format=csv", entries(gid))).await,
            app.get(key, &format!("{}/export?format=ndjson", entries(gid))).await,
        ] {
            r.expect_error(404);
            assert_eq!(r.body["error"]["message"], json!("Giveaway not found."));
        }
    }
    // Nothing changed for the owner.
    assert_eq!(assert_counters(&app, &acct.key, gid).await, (1, 1, 1));
    app.get(&acct.key, &format!("{}/{}", entries(gid), e["id"]))
        .await
        .expect(200);
    // A deleted giveaway's entries are gone too.
    app.delete(&acct.key, &format!("/v2/giveaways/{gid}")).await.expect(204);
    app.get(&acct.key, &entries(gid)).await.expect_error(404);
}

async fn listed_in_the_openapi_document(app: TestApp) {
    let doc = app.call(Method::GET, "/openapi.json", None, None).await;
    doc.expect(200);
    let paths = &doc.body["paths"];
    for (path, methods) in [
        ("/v2/giveaways/{id}/entries", &["get", "post"][..]),
        ("/v2/giveaways/{id}/entries/{entry_id}", &["get", "delete"][..]),
        ("/v2/giveaways/{id}/entries/bulk", &["post"][..]),
        ("/v2/giveaways/{id}/entries/import", &["post"][..]),
        ("/v2/giveaways/{id}/entries/export", &["get"][..]),
    ] {
        for method in methods {
            assert!(paths[path][method].is_object(), "{method} {path}");
        }
    }
    let export = &paths["/v2/giveaways/{id}/entries/export"]["get"];
    let content = &export["responses"]["200"]["content"];
    for kind in ["application/json", "text/csv", "application/x-ndjson"] {
        assert!(content[kind].is_object(), "{kind}: {export}");
    }
    assert!(
        export["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == json!("format"))
    );
}

/// Many clients at once: single entries, bulk requests, imports, bonus grants, deletions, bans
/// and unbans on one giveaway. Afterwards the stored counters equal a recount, and every figure the API
/// shows agrees with them.
async fn counters_stay_exact_under_a_concurrent_hammer(app: TestApp) {
    let (acct, gid) = setup(&app).await;
    // Twelve people with two entries each, made before the hammer so it can delete and ban them.
    let mut people = Vec::new();
    let mut doomed = Vec::new();
    for i in 0..12 {
        let first = enter(&app, &acct.key, gid, &format!("early{i}@example.com"), "Early", 2).await;
        let second = enter(&app, &acct.key, gid, &format!("early{i}@example.com"), "Early", 3).await;
        people.push(first["user_id"].as_str().unwrap().to_owned());
        doomed.push(second["id"].as_i64().unwrap());
    }
    let mut tasks = tokio::task::JoinSet::new();
    for t in 0..48_usize {
        let (app, key) = (app.clone(), acct.key.clone());
        tasks.spawn(async move {
            // Early people get entries too, also those being banned at the same moment: the
            // writer locks the giveaway before it reads anyone's standing.
            let email = match t % 3 {
                0 => format!("early{}@example.com", t % 12),
                _ => format!("late{}@example.com", t % 12),
            };
            let r = app
                .post(
                    &key,
                    &entries(gid),
                    json!({ "user_email": email, "user_name": "P", "entry_amount": t % 4 + 1 }),
                )
                .await;
            assert!(r.status == 201 || r.status == 409, "{}", r.text);
        });
    }
    for t in 0..8_usize {
        let (app, key) = (app.clone(), acct.key.clone());
        tasks.spawn(async move {
            let items: Vec<Value> = (0..15)
                .map(|k| json!({ "user_email": format!("bulk{}@example.com", (t * 15 + k) % 40), "user_name": "B", "entry_amount": k % 3 + 1 }))
                .collect();
            let r = app.post(&key, &format!("{}/bulk", entries(gid)), json!({ "entries": items })).await;
            r.expect(201);
            assert_eq!(r.data()["created"], json!(15));
        });
    }
    for t in 0..2_usize {
        let (app, key) = (app.clone(), acct.key.clone());
        tasks.spawn(async move {
            let items: Vec<Value> = (0..50)
                .map(|k| json!({ "user_email": format!("imp{}@example.com", (t * 50 + k) % 70), "user_name": "I" }))
                .collect();
            let r = app
                .post(&key, &format!("{}/import", entries(gid)), json!({ "entries": items }))
                .await;
            r.expect(201);
        });
    }
    for id in doomed.iter().take(8) {
        let (app, key, path) = (app.clone(), acct.key.clone(), format!("{}/{id}", entries(gid)));
        tasks.spawn(async move {
            app.delete(&key, &path).await.expect(204);
        });
    }
    for (i, user_id) in people.iter().enumerate().take(6) {
        let (app, key) = (app.clone(), acct.key.clone());
        let base = format!("/v2/giveaways/{gid}/participants/{user_id}");
        tasks.spawn(async move {
            app.post(&key, &format!("{base}/ban"), json!({})).await.expect(200);
            if i % 2 == 0 {
                app.post(&key, &format!("{base}/unban"), json!({})).await.expect(200);
            }
        });
    }
    for user_id in people.iter().skip(8) {
        let (app, key) = (app.clone(), acct.key.clone());
        let path = format!("/v2/giveaways/{gid}/participants/{user_id}/add-entries");
        tasks.spawn(async move {
            app.post(&key, &path, json!({ "amount": 5 })).await.expect(200);
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }

    let (total_entries, total_participants, total_actions) = assert_counters(&app, &acct.key, gid).await;
    // The entries list counts the same entries.
    let list = app.get(&acct.key, &format!("{}?per_page=1", entries(gid))).await;
    assert_eq!(list.body["pagination"]["total"], json!(total_actions));
    // The participants list counts the same people, and their totals add up.
    let mut sum = 0;
    let mut listed = 0;
    for page in 1.. {
        let r = app
            .get(
                &acct.key,
                &format!("/v2/giveaways/{gid}/participants?per_page=100&page={page}"),
            )
            .await;
        r.expect(200);
        let rows = r.data().as_array().unwrap().clone();
        if rows.is_empty() {
            break;
        }
        for p in &rows {
            sum += p["total_entries"].as_i64().unwrap();
            listed += 1;
            let detail = app
                .get(
                    &acct.key,
                    &format!("/v2/giveaways/{gid}/participants/{}", p["user_id"].as_str().unwrap()),
                )
                .await;
            let valid: i64 = detail.data()["entries"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["is_valid"] == json!(true))
                .map(|e| e["entry_amount"].as_i64().unwrap())
                .sum();
            assert_eq!(valid, p["total_entries"].as_i64().unwrap(), "{}", detail.text);
        }
    }
    assert_eq!((sum, listed), (total_entries, total_participants));
    // Three early people stay banned: their entries count nowhere.
    let banned = app
        .get(&acct.key, &format!("/v2/giveaways/{gid}/participants?status=banned"))
        .await;
    assert_eq!(banned.body["pagination"]["total"], json!(3));
}
