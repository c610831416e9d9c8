//! Contract scenarios for prizes: the reference's examples, validation, redemption codes (taken
//! in, counted, never shown), archiving, live winner counts, and the engine calls the winners
//! feature relies on.

use crate::scenarios;
use crate::support::{TestAccount, TestApp};
use serde_json::{Value, json};

scenarios!(
    reference_examples,
    validation_errors_are_per_field,
    wrong_types_are_400_and_unknown_fields_ignored,
    redemption_codes_are_counted_never_shown,
    update_replaces_only_unassigned_codes,
    codes_are_handed_out_in_order_once,
    archive_hides_a_prize_and_keeps_assignments,
    winners_redeemed_counts_real_winners,
    any_text_survives_a_round_trip,
    other_brands_and_unknown_ids_are_404,
    listed_in_the_openapi_document,
    concurrent_creates_get_distinct_numbers,
);

fn prizes_path(gid: i64) -> String {
    format!("/v2/giveaways/{gid}/prizes")
}

fn prize_path(gid: i64, prize_id: i64) -> String {
    format!("/v2/giveaways/{gid}/prizes/{prize_id}")
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
    let gid = app.create_giveaway(&acct.key, json!({})).await;
    (acct, gid)
}

async fn list(app: &TestApp, key: &str, gid: i64) -> Vec<Value> {
    let r = app.get(key, &prizes_path(gid)).await;
    r.expect(200);
    assert!(r.body.get("pagination").is_none(), "{}", r.text);
    r.data().as_array().expect("a list").clone()
}

/// Creates a prize and returns its per-giveaway number.
async fn add(app: &TestApp, key: &str, gid: i64, body: Value) -> i64 {
    let r = app.post(key, &prizes_path(gid), body).await;
    r.expect(201);
    r.data()["prize_id"].as_i64().expect("prize_id")
}

/// The global id of an active prize, from its number.
async fn global_id(app: &TestApp, gid: i64, number: i64) -> i64 {
    let prizes = app.engine.active_prizes(gid).await.unwrap();
    prizes.iter().find(|p| p.number == number).expect("active prize").id
}

async fn add_winner(app: &TestApp, gid: i64, prize: i64, participant: i64, removed_at: Option<i64>) {
    sqlx::query(
        "INSERT INTO winners (giveaway_id, participant_id, prize_id, kind, created_at, removed_at) \
         VALUES ($1, $2, $3, 'manual', $4, $5)",
    )
    .bind(gid)
    .bind(participant)
    .bind(prize)
    .bind(app.engine.now_ms())
    .bind(removed_at)
    .execute(app.engine.db().writer())
    .await
    .unwrap();
}

async fn reference_examples(app: TestApp) {
    let (acct, gid) = setup(&app).await;
    assert_eq!(list(&app, &acct.key, gid).await, Vec::<Value>::new());
    // The two prizes of the reference's list example, then its create example as the third.
    let first = add(
        &app,
        &acct.key,
        gid,
        json!({ "prize_name": "Grand Prize - $500 Gift Card", "prize_winners_allowed": 1, "prize_value": "500" }),
    )
    .await;
    let second = add(
        &app,
        &acct.key,
        gid,
        json!({ "prize_name": "Runner Up - $50 Gift Card", "prize_winners_allowed": 5, "prize_value": "50",
                "prize_currency": "USD", "redemption_switch": true, "redemption_codes": "RU-1\nRU-2\nRU-3\nRU-4\nRU-5" }),
    )
    .await;
    assert_eq!((first, second), (1, 2));
    let r = app
        .post(
            &acct.key,
            &prizes_path(gid),
            json!({ "prize_name": "$100 Amazon Gift Card", "prize_winners_allowed": 3, "prize_value": "100", "prize_currency": "USD" }),
        )
        .await;
    r.expect(201);
    let data = r.data();
    let id = data["id"].as_i64().unwrap();
    assert!(id > 0);
    assert_eq!(
        data,
        &json!({ "id": id, "prize_id": 3, "prize_name": "$100 Amazon Gift Card", "prize_value": "100",
                 "prize_currency": "USD", "prize_winners_allowed": 3, "prize_order": 3, "redemption_switch": false })
    );
    assert!(r.body["meta"]["request_id"].is_string());

    let documented = [
        "prize_id",
        "prize_name",
        "prize_value",
        "prize_currency",
        "prize_winners_allowed",
        "prize_winners_redeemed",
        "prize_order",
        "redemption_switch",
        "has_redemption_codes",
    ];
    let items = list(&app, &acct.key, gid).await;
    assert_eq!(items.len(), 3);
    for item in &items {
        let mut expected = documented.to_vec();
        expected.extend(["redemption_codes_total", "redemption_codes_available"]);
        assert_eq!(keys(item), sorted(&expected));
    }
    let only_documented = |v: &Value| {
        let mut v = v.clone();
        let o = v.as_object_mut().unwrap();
        o.retain(|k, _| documented.contains(&k.as_str()));
        v
    };
    assert_eq!(
        only_documented(&items[0]),
        json!({ "prize_id": 1, "prize_name": "Grand Prize - $500 Gift Card", "prize_value": "500", "prize_currency": "USD",
                "prize_winners_allowed": 1, "prize_winners_redeemed": 0, "prize_order": 1, "redemption_switch": false,
                "has_redemption_codes": false })
    );
    assert_eq!(
        only_documented(&items[1]),
        json!({ "prize_id": 2, "prize_name": "Runner Up - $50 Gift Card", "prize_value": "50", "prize_currency": "USD",
                "prize_winners_allowed": 5, "prize_winners_redeemed": 0, "prize_order": 2, "redemption_switch": true,
                "has_redemption_codes": true })
    );

    // The update example.
    let r = app
        .put(
            &acct.key,
            &prize_path(gid, 3),
            json!({ "prize_name": "$200 Amazon Gift Card", "prize_value": "200" }),
        )
        .await;
    r.expect(200);
    assert_eq!(
        r.data(),
        &json!({ "prize_id": 3, "message": "Prize updated successfully." })
    );
    let third = &list(&app, &acct.key, gid).await[2];
    assert_eq!(third["prize_name"], json!("$200 Amazon Gift Card"));
    assert_eq!(third["prize_value"], json!("200"));
    // Fields not given are unchanged.
    assert_eq!(third["prize_winners_allowed"], json!(3));
    assert_eq!(third["prize_currency"], json!("USD"));
    // An empty update changes nothing and still succeeds.
    app.put(&acct.key, &prize_path(gid, 3), json!({})).await.expect(200);
    assert_eq!(&list(&app, &acct.key, gid).await[2], third);
}

async fn validation_errors_are_per_field(app: TestApp) {
    let (acct, gid) = setup(&app).await;
    let r = app.post(&acct.key, &prizes_path(gid), json!({})).await;
    r.expect_error(422);
    assert_eq!(r.body["error"]["message"], json!("Validation failed."));
    assert_eq!(
        r.body["error"]["details"],
        json!({ "prize_name": "Prize name is required.", "prize_winners_allowed": "Prize winners allowed is required." })
    );
    let valid = json!({ "prize_name": "Prize", "prize_winners_allowed": 1 });
    let cases: Vec<(&str, Value)> = vec![
        ("prize_name", json!("   ")),
        ("prize_name", json!("n".repeat(256))),
        ("prize_winners_allowed", json!(0)),
        ("prize_winners_allowed", json!(-1)),
        ("prize_winners_allowed", json!(100_001)),
        ("prize_value", json!("v".repeat(256))),
        ("prize_currency", json!("DOLLARS")),
        ("prize_currency", json!("XYZ")),
        ("prize_currency", json!("")),
        ("redemption_codes", json!(format!("OK-1\n{}", "c".repeat(256)))),
        ("redemption_codes", json!("c\n".repeat(100_001))),
        ("redemption_instructions", json!("i".repeat(10_001))),
        ("redemption_subject", json!("s".repeat(256))),
        ("redemption_reply_to_email", json!("not-an-email")),
        ("redemption_reply_to_email", json!("a@b")),
        ("redemption_reply_to_name", json!("n".repeat(256))),
    ];
    let pid = add(&app, &acct.key, gid, valid.clone()).await;
    for (field, value) in cases {
        let mut body = valid.clone();
        body[field] = value.clone();
        let r = app.post(&acct.key, &prizes_path(gid), body).await;
        r.expect_error(422);
        let details = r.body["error"]["details"].as_object().unwrap();
        assert_eq!(
            details.keys().collect::<Vec<_>>(),
            [field],
            "{field} = {value}: {}",
            r.text
        );
        assert!(details[field].as_str().is_some_and(|m| !m.is_empty()));
        // The same checks apply on update.
        let mut patch = json!({});
        patch[field] = value.clone();
        let r = app.put(&acct.key, &prize_path(gid, pid), patch).await;
        r.expect_error(422);
        assert!(r.body["error"]["details"][field].is_string(), "{field}: {}", r.text);
    }
    // Nothing invalid was stored.
    let items = list(&app, &acct.key, gid).await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["prize_name"], json!("Prize"));
    assert_eq!(items[0]["has_redemption_codes"], json!(false));

    // Limits are inclusive, and currency case is normalised.
    let r = app
        .post(
            &acct.key,
            &prizes_path(gid),
            json!({ "prize_name": "n".repeat(255), "prize_winners_allowed": 100_000, "prize_currency": " eur ",
                    "prize_value": "v".repeat(255), "redemption_reply_to_email": "Prizes@Example.com",
                    "redemption_codes": format!("{}\n", "c".repeat(255)) }),
        )
        .await;
    r.expect(201);
    assert_eq!(r.data()["prize_currency"], json!("EUR"));
    assert_eq!(r.data()["prize_winners_allowed"], json!(100_000));
    // Default currency.
    let r = app.post(&acct.key, &prizes_path(gid), valid).await;
    assert_eq!(r.data()["prize_currency"], json!("USD"));
    assert_eq!(r.data()["prize_value"], json!(""));
}

async fn wrong_types_are_400_and_unknown_fields_ignored(app: TestApp) {
    let (acct, gid) = setup(&app).await;
    for body in [
        json!({ "prize_name": 12, "prize_winners_allowed": 1 }),
        json!({ "prize_name": "P", "prize_winners_allowed": "3" }),
        json!({ "prize_name": "P", "prize_winners_allowed": 1.5 }),
        json!({ "prize_name": "P", "prize_winners_allowed": 1, "redemption_switch": "yes" }),
        json!({ "prize_name": "P", "prize_winners_allowed": 1, "redemption_codes": ["A", "B"] }),
    ] {
        let r = app.post(&acct.key, &prizes_path(gid), body.clone()).await;
        r.expect_error(400);
    }
    let r = app
        .post(
            &acct.key,
            &prizes_path(gid),
            json!({ "prize_name": "P", "prize_winners_allowed": 1, "prize_color": "gold" }),
        )
        .await;
    r.expect(201);
    assert!(r.data().get("prize_color").is_none());
    app.put(&acct.key, &prize_path(gid, 1), json!({ "prize_winners_allowed": "2" }))
        .await
        .expect_error(400);
    app.put(&acct.key, &prize_path(gid, 1), json!({ "anything": true }))
        .await
        .expect(200);
}

async fn redemption_codes_are_counted_never_shown(app: TestApp) {
    let (acct, gid) = setup(&app).await;
    let mut texts = Vec::new();
    let r = app
        .post(
            &acct.key,
            &prizes_path(gid),
            json!({ "prize_name": "Coded", "prize_winners_allowed": 3, "redemption_switch": true,
                    "redemption_codes": "SECRET-AAA\r\nSECRET-BBB\n\n   \n  SECRET-CCC  \r\n",
                    "redemption_instructions": "Redeem at example.com", "redemption_subject": "Your code",
                    "redemption_reply_to_email": "prizes@example.com", "redemption_reply_to_name": "Prize Desk" }),
        )
        .await;
    r.expect(201);
    assert_eq!(r.data()["redemption_switch"], json!(true));
    texts.push(r.text.clone());
    add(
        &app,
        &acct.key,
        gid,
        json!({ "prize_name": "Plain", "prize_winners_allowed": 1 }),
    )
    .await;
    let items = list(&app, &acct.key, gid).await;
    assert_eq!(items[0]["has_redemption_codes"], json!(true));
    assert_eq!(items[0]["redemption_codes_total"], json!(3));
    assert_eq!(items[0]["redemption_codes_available"], json!(3));
    assert_eq!(items[1]["has_redemption_codes"], json!(false));
    assert_eq!(items[1]["redemption_codes_total"], json!(0));
    texts.push(app.get(&acct.key, &prizes_path(gid)).await.text);
    let r = app
        .put(
            &acct.key,
            &prize_path(gid, 1),
            json!({ "redemption_codes": "SECRET-DDD" }),
        )
        .await;
    r.expect(200);
    texts.push(r.text.clone());
    texts.push(app.get(&acct.key, &prizes_path(gid)).await.text);
    texts.push(app.get(&acct.key, &format!("/v2/giveaways/{gid}")).await.text);
    for t in &texts {
        assert!(!t.contains("SECRET-"), "a code leaked: {t}");
    }
    // The codes are stored one per row, in order.
    let pid = global_id(&app, gid, 1).await;
    let codes: Vec<(String,)> = sqlx::query_as("SELECT code FROM prize_codes WHERE prize_id = $1 ORDER BY position")
        .bind(pid)
        .fetch_all(app.engine.db().reader())
        .await
        .unwrap();
    assert_eq!(codes, [("SECRET-DDD".to_owned(),)]);
    // Giving an empty list removes the unassigned codes.
    app.put(&acct.key, &prize_path(gid, 1), json!({ "redemption_codes": "\n\n" }))
        .await
        .expect(200);
    let items = list(&app, &acct.key, gid).await;
    assert_eq!(items[0]["has_redemption_codes"], json!(false));
    // The redemption settings are stored as given (the reply-to address normalised).
    let p = &app.engine.active_prizes(gid).await.unwrap()[0];
    assert_eq!(p.redemption_instructions.as_deref(), Some("Redeem at example.com"));
    assert_eq!(p.redemption_subject.as_deref(), Some("Your code"));
    assert_eq!(p.redemption_reply_to_email.as_deref(), Some("prizes@example.com"));
    assert_eq!(p.redemption_reply_to_name.as_deref(), Some("Prize Desk"));
    // A blank reply-to address clears it.
    app.put(
        &acct.key,
        &prize_path(gid, 1),
        json!({ "redemption_reply_to_email": "" }),
    )
    .await
    .expect(200);
    let p = &app.engine.active_prizes(gid).await.unwrap()[0];
    assert_eq!(p.redemption_reply_to_email, None);
}

async fn update_replaces_only_unassigned_codes(app: TestApp) {
    let (acct, gid) = setup(&app).await;
    add(
        &app,
        &acct.key,
        gid,
        json!({ "prize_name": "Codes", "prize_winners_allowed": 10, "redemption_codes": "A\nB\nC" }),
    )
    .await;
    let pid = global_id(&app, gid, 1).await;
    assert_eq!(
        app.engine.take_redemption_code(pid, 501).await.unwrap().as_deref(),
        Some("A")
    );
    let items = list(&app, &acct.key, gid).await;
    assert_eq!(
        (
            &items[0]["redemption_codes_total"],
            &items[0]["redemption_codes_available"]
        ),
        (&json!(3), &json!(2))
    );
    app.put(&acct.key, &prize_path(gid, 1), json!({ "redemption_codes": "X\r\nY" }))
        .await
        .expect(200);
    let items = list(&app, &acct.key, gid).await;
    // A stays with its winner; B and C are replaced by X and Y.
    assert_eq!(
        (
            &items[0]["redemption_codes_total"],
            &items[0]["redemption_codes_available"]
        ),
        (&json!(3), &json!(2))
    );
    assert_eq!(items[0]["has_redemption_codes"], json!(true));
    let rows: Vec<(String, Option<i64>)> =
        sqlx::query_as("SELECT code, winner_id FROM prize_codes WHERE prize_id = $1 ORDER BY position")
            .bind(pid)
            .fetch_all(app.engine.db().reader())
            .await
            .unwrap();
    assert_eq!(
        rows,
        [
            ("A".to_owned(), Some(501)),
            ("X".to_owned(), None),
            ("Y".to_owned(), None)
        ]
    );
    assert_eq!(
        app.engine.take_redemption_code(pid, 502).await.unwrap().as_deref(),
        Some("X")
    );
    // Updating other fields leaves the codes alone.
    app.put(&acct.key, &prize_path(gid, 1), json!({ "prize_name": "Renamed" }))
        .await
        .expect(200);
    let items = list(&app, &acct.key, gid).await;
    assert_eq!(
        (
            &items[0]["redemption_codes_total"],
            &items[0]["redemption_codes_available"]
        ),
        (&json!(3), &json!(1))
    );
}

async fn codes_are_handed_out_in_order_once(app: TestApp) {
    let (acct, gid) = setup(&app).await;
    add(
        &app,
        &acct.key,
        gid,
        json!({ "prize_name": "First", "prize_winners_allowed": 2, "redemption_codes": "ONE\nTWO" }),
    )
    .await;
    add(
        &app,
        &acct.key,
        gid,
        json!({ "prize_name": "Second", "prize_winners_allowed": 4 }),
    )
    .await;
    let prizes = app.engine.active_prizes(gid).await.unwrap();
    assert_eq!(prizes.iter().map(|p| p.number).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(prizes.iter().map(|p| p.remaining()).collect::<Vec<_>>(), [2, 4]);
    let (first, second) = (prizes[0].id, prizes[1].id);
    let e = &app.engine;
    assert_eq!(e.take_redemption_code(first, 1).await.unwrap().as_deref(), Some("ONE"));
    // The same winner asking again gets the same code, not a second one.
    assert_eq!(e.take_redemption_code(first, 1).await.unwrap().as_deref(), Some("ONE"));
    assert_eq!(e.take_redemption_code(first, 2).await.unwrap().as_deref(), Some("TWO"));
    assert_eq!(e.take_redemption_code(first, 3).await.unwrap(), None);
    assert_eq!(e.take_redemption_code(second, 1).await.unwrap(), None);

    // Concurrent claims never hand out one code twice.
    add(
        &app,
        &acct.key,
        gid,
        json!({ "prize_name": "Race", "prize_winners_allowed": 20, "redemption_codes": (1..=10).map(|i| format!("R{i}")).collect::<Vec<_>>().join("\n") }),
    )
    .await;
    let race = global_id(&app, gid, 3).await;
    let claims = (100..120).map(|w| {
        let e = app.engine.clone();
        tokio::spawn(async move { e.take_redemption_code(race, w).await.unwrap() })
    });
    let mut got = Vec::new();
    for c in claims {
        if let Some(code) = c.await.unwrap() {
            got.push(code);
        }
    }
    got.sort();
    let mut expected: Vec<String> = (1..=10).map(|i| format!("R{i}")).collect();
    expected.sort();
    assert_eq!(got, expected);
}

async fn archive_hides_a_prize_and_keeps_assignments(app: TestApp) {
    let (acct, gid) = setup(&app).await;
    add(
        &app,
        &acct.key,
        gid,
        json!({ "prize_name": "Gone", "prize_winners_allowed": 2, "redemption_codes": "KEEP-1\nKEEP-2" }),
    )
    .await;
    add(
        &app,
        &acct.key,
        gid,
        json!({ "prize_name": "Stays", "prize_winners_allowed": 1 }),
    )
    .await;
    let gone = global_id(&app, gid, 1).await;
    app.engine.take_redemption_code(gone, 77).await.unwrap();
    add_winner(&app, gid, gone, 77, None).await;

    let r = app.delete(&acct.key, &prize_path(gid, 1)).await;
    r.expect(204);
    assert!(r.text.is_empty());
    let items = list(&app, &acct.key, gid).await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["prize_id"], json!(2));
    assert_eq!(app.engine.active_prizes(gid).await.unwrap().len(), 1);

    let r = app.delete(&acct.key, &prize_path(gid, 1)).await;
    r.expect_error(404);
    assert_eq!(r.body["error"]["message"], json!("Prize not found."));
    let r = app
        .put(&acct.key, &prize_path(gid, 1), json!({ "prize_name": "Back" }))
        .await;
    r.expect_error(404);
    assert_eq!(r.body["error"]["message"], json!("Prize not found."));

    // The winner keeps the prize and the code handed out.
    let (winner_prize, removed): (Option<i64>, Option<i64>) =
        sqlx::query_as("SELECT prize_id, removed_at FROM winners WHERE giveaway_id = $1")
            .bind(gid)
            .fetch_one(app.engine.db().reader())
            .await
            .unwrap();
    assert_eq!((winner_prize, removed), (Some(gone), None));
    let (holder,): (Option<i64>,) = sqlx::query_as("SELECT winner_id FROM prize_codes WHERE code = 'KEEP-1'")
        .fetch_one(app.engine.db().reader())
        .await
        .unwrap();
    assert_eq!(holder, Some(77));

    // Numbers are never reused; the new prize goes after the last active one.
    let r = app
        .post(
            &acct.key,
            &prizes_path(gid),
            json!({ "prize_name": "New", "prize_winners_allowed": 1 }),
        )
        .await;
    r.expect(201);
    assert_eq!(r.data()["prize_id"], json!(3));
    assert_eq!(r.data()["prize_order"], json!(3));
}

async fn winners_redeemed_counts_real_winners(app: TestApp) {
    let (acct, gid) = setup(&app).await;
    add(
        &app,
        &acct.key,
        gid,
        json!({ "prize_name": "Counted", "prize_winners_allowed": 5 }),
    )
    .await;
    add(
        &app,
        &acct.key,
        gid,
        json!({ "prize_name": "Other", "prize_winners_allowed": 5 }),
    )
    .await;
    let counted = global_id(&app, gid, 1).await;
    add_winner(&app, gid, counted, 1, None).await;
    add_winner(&app, gid, counted, 2, None).await;
    add_winner(&app, gid, counted, 3, Some(app.engine.now_ms())).await;
    let items = list(&app, &acct.key, gid).await;
    assert_eq!(items[0]["prize_winners_redeemed"], json!(2));
    assert_eq!(items[1]["prize_winners_redeemed"], json!(0));
    let prizes = app.engine.active_prizes(gid).await.unwrap();
    assert_eq!((prizes[0].winners_redeemed, prizes[0].remaining()), (2, 3));
    assert_eq!(prizes[1].remaining(), 5);

    // A prize cannot be cut below the winners who already hold it.
    let r = app
        .put(&acct.key, &prize_path(gid, 1), json!({ "prize_winners_allowed": 1 }))
        .await;
    r.expect_error(422);
    assert!(r.body["error"]["details"]["prize_winners_allowed"].is_string());
    app.put(&acct.key, &prize_path(gid, 1), json!({ "prize_winners_allowed": 2 }))
        .await
        .expect(200);
    let prizes = app.engine.active_prizes(gid).await.unwrap();
    assert_eq!(prizes[0].remaining(), 0);
    // A prize holding more winners than its limit (a manual pick) can still be edited otherwise.
    add_winner(&app, gid, counted, 4, None).await;
    app.put(&acct.key, &prize_path(gid, 1), json!({ "prize_name": "Renamed" }))
        .await
        .expect(200);
    let prizes = app.engine.active_prizes(gid).await.unwrap();
    assert_eq!((prizes[0].winners_redeemed, prizes[0].remaining()), (3, 0));
}

async fn any_text_survives_a_round_trip(app: TestApp) {
    let (acct, gid) = setup(&app).await;
    let name = "Grand Prix 🎉 — café crème, 大奖 «Ünïcödé»";
    let value = "¥1,000 – 千円";
    let instructions = "<p>Bonjour 👋 — 使用说明:\n  1. Visit https://example.com/ça</p>";
    add(
        &app,
        &acct.key,
        gid,
        json!({ "prize_name": name, "prize_winners_allowed": 1, "prize_value": value, "prize_currency": "jpy",
                "redemption_instructions": instructions, "redemption_subject": "Ваш приз 🎁",
                "redemption_reply_to_name": "Zoë Ångström", "redemption_codes": "码-①\nКОД-2" }),
    )
    .await;
    let items = list(&app, &acct.key, gid).await;
    assert_eq!(items[0]["prize_name"], json!(name));
    assert_eq!(items[0]["prize_value"], json!(value));
    assert_eq!(items[0]["prize_currency"], json!("JPY"));
    let p = &app.engine.active_prizes(gid).await.unwrap()[0];
    assert_eq!(p.redemption_instructions.as_deref(), Some(instructions));
    assert_eq!(p.redemption_subject.as_deref(), Some("Ваш приз 🎁"));
    assert_eq!(p.redemption_reply_to_name.as_deref(), Some("Zoë Ångström"));
    assert_eq!(
        app.engine.take_redemption_code(p.id, 9).await.unwrap().as_deref(),
        Some("码-①")
    );
    // 255 characters is counted in characters, not bytes.
    let long = "🎁".repeat(255);
    app.put(&acct.key, &prize_path(gid, 1), json!({ "prize_name": long }))
        .await
        .expect(200);
    assert_eq!(list(&app, &acct.key, gid).await[0]["prize_name"], json!(long));
}

async fn other_brands_and_unknown_ids_are_404(app: TestApp) {
    let (acct, gid) = setup(&app).await;
    add(
        &app,
        &acct.key,
        gid,
        json!({ "prize_name": "Mine", "prize_winners_allowed": 1 }),
    )
    .await;
    let other = app.account().await;
    let body = json!({ "prize_name": "Theirs", "prize_winners_allowed": 1 });
    for r in [
        app.get(&other.key, &prizes_path(gid)).await,
        app.post(&other.key, &prizes_path(gid), body.clone()).await,
        app.put(&other.key, &prize_path(gid, 1), body.clone()).await,
        app.delete(&other.key, &prize_path(gid, 1)).await,
    ] {
        r.expect_error(404);
        assert_eq!(r.body["error"]["message"], json!("Giveaway not found."));
    }
    // Nothing changed for the owner.
    let items = list(&app, &acct.key, gid).await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["prize_name"], json!("Mine"));

    // A prize of another giveaway (even of the same brand) is not found through this one.
    let gid2 = app.create_giveaway(&acct.key, json!({})).await;
    let r = app.put(&acct.key, &prize_path(gid2, 1), body.clone()).await;
    r.expect_error(404);
    assert_eq!(r.body["error"]["message"], json!("Prize not found."));
    app.delete(&acct.key, &prize_path(gid2, 1)).await.expect_error(404);
    for path in [prize_path(gid, 99), prize_path(gid, 0), prize_path(gid, -1)] {
        app.put(&acct.key, &path, body.clone()).await.expect_error(404);
        app.delete(&acct.key, &path).await.expect_error(404);
    }
    app.put(&acct.key, &format!("{}/abc", prizes_path(gid)), body.clone())
        .await
        .expect_error(404);
    for r in [
        app.get(&acct.key, &prizes_path(999_999)).await,
        app.post(&acct.key, &prizes_path(999_999), body.clone()).await,
    ] {
        r.expect_error(404);
    }
    // A deleted giveaway's prizes are gone with it.
    app.delete(&acct.key, &format!("/v2/giveaways/{gid}")).await.expect(204);
    app.get(&acct.key, &prizes_path(gid)).await.expect_error(404);
}

async fn listed_in_the_openapi_document(app: TestApp) {
    let doc = app.call(crate::support::Method::GET, "/openapi.json", None, None).await;
    doc.expect(200);
    let paths = &doc.body["paths"];
    for method in ["get", "post"] {
        assert!(
            paths["/v2/giveaways/{id}/prizes"][method].is_object(),
            "{method} prizes"
        );
    }
    for method in ["put", "delete"] {
        assert!(
            paths["/v2/giveaways/{id}/prizes/{prize_id}"][method].is_object(),
            "{method} prize_id"
        );
    }
}

async fn concurrent_creates_get_distinct_numbers(app: TestApp) {
    let (acct, gid) = setup(&app).await;
    let creates = (0..8).map(|i| {
        let (app, key) = (app.clone(), acct.key.clone());
        tokio::spawn(async move {
            let body = json!({ "prize_name": format!("P{i}"), "prize_winners_allowed": 1, "redemption_codes": "A\nB" });
            let r = app.post(&key, &prizes_path(gid), body).await;
            r.expect(201);
            r.data()["prize_id"].as_i64().unwrap()
        })
    });
    let mut numbers = Vec::new();
    for c in creates {
        numbers.push(c.await.unwrap());
    }
    numbers.sort();
    assert_eq!(numbers, (1..=8).collect::<Vec<_>>());
    let items = list(&app, &acct.key, gid).await;
    assert_eq!(items.len(), 8);
    assert!(items.iter().all(|p| p["redemption_codes_total"] == json!(2)));
}
