//! Contract scenarios for rewards: the reference's examples, validation (including the coupon
//! code a type 2 reward needs), soft deletion, text round trips, and brand scoping.

use crate::scenarios;
use crate::support::{TestAccount, TestApp};
use serde_json::{Value, json};

scenarios!(
    reference_examples,
    validation_errors_are_per_field,
    a_coupon_reward_always_has_a_code,
    wrong_types_are_400_and_unknown_fields_ignored,
    delete_removes_from_the_list,
    any_text_survives_a_round_trip,
    other_brands_and_unknown_ids_are_404,
    listed_in_the_openapi_document,
);

fn rewards_path(gid: i64) -> String {
    format!("/v2/giveaways/{gid}/rewards")
}

fn reward_path(gid: i64, id: i64) -> String {
    format!("/v2/giveaways/{gid}/rewards/{id}")
}

async fn setup(app: &TestApp) -> (TestAccount, i64) {
    let acct = app.account().await;
    let gid = app.create_giveaway(&acct.key, json!({})).await;
    (acct, gid)
}

async fn list(app: &TestApp, key: &str, gid: i64) -> Vec<Value> {
    let r = app.get(key, &rewards_path(gid)).await;
    r.expect(200);
    assert!(r.body.get("pagination").is_none(), "{}", r.text);
    r.data().as_array().expect("a list").clone()
}

async fn add(app: &TestApp, key: &str, gid: i64, body: Value) -> i64 {
    let r = app.post(key, &rewards_path(gid), body).await;
    r.expect(201);
    r.data()["id"].as_i64().expect("id")
}

const DOCUMENTED: [&str; 11] = [
    "id",
    "type",
    "title",
    "entries_required",
    "prize_random_or_guaranteed",
    "coupon_if_coupon_code",
    "coupon_code",
    "coupon_directions",
    "hide_progress",
    "send_email",
    "order",
];

fn documented_only(v: &Value) -> Value {
    let mut v = v.clone();
    v.as_object_mut()
        .unwrap()
        .retain(|k, _| DOCUMENTED.contains(&k.as_str()));
    v
}

async fn reference_examples(app: TestApp) {
    let (acct, gid) = setup(&app).await;
    assert_eq!(list(&app, &acct.key, gid).await, Vec::<Value>::new());
    // The two rewards of the reference's list example, then its create example as the third.
    let first = add(
        &app,
        &acct.key,
        gid,
        json!({ "type": 2, "title": "10% Off Coupon", "entries_required": 5, "coupon_code": "SAVE10",
                "coupon_directions": "Use this code at checkout." }),
    )
    .await;
    let second = add(
        &app,
        &acct.key,
        gid,
        json!({ "type": 1, "title": "Bonus Prize Entry", "entries_required": 15, "coupon_if_coupon_code": 0 }),
    )
    .await;
    let r = app
        .post(
            &acct.key,
            &rewards_path(gid),
            json!({ "type": 2, "title": "Free Shipping Code", "entries_required": 10, "coupon_code": "FREESHIP" }),
        )
        .await;
    r.expect(201);
    let third = r.data()["id"].as_i64().unwrap();
    assert_eq!(
        r.data(),
        &json!({ "id": third, "competition_id": gid, "type": 2, "title": "Free Shipping Code", "entries_required": 10, "order": 3 })
    );
    assert!(r.body["meta"]["request_id"].is_string());

    let items = list(&app, &acct.key, gid).await;
    assert_eq!(items.len(), 3);
    for item in &items {
        for field in DOCUMENTED {
            assert!(item.get(field).is_some(), "{field} missing: {item}");
        }
    }
    assert_eq!(
        documented_only(&items[0]),
        json!({ "id": first, "type": 2, "title": "10% Off Coupon", "entries_required": 5,
                "prize_random_or_guaranteed": 1, "coupon_if_coupon_code": 1,
                "coupon_code": "SAVE10", "coupon_directions": "Use this code at checkout.",
                "hide_progress": false, "send_email": 1, "order": 1 })
    );
    assert_eq!(
        documented_only(&items[1]),
        json!({ "id": second, "type": 1, "title": "Bonus Prize Entry", "entries_required": 15,
                "prize_random_or_guaranteed": 1, "coupon_if_coupon_code": 0,
                "coupon_code": null, "coupon_directions": null,
                "hide_progress": false, "send_email": 1, "order": 2 })
    );

    // The update example.
    let r = app
        .put(
            &acct.key,
            &reward_path(gid, third),
            json!({ "entries_required": 20, "coupon_code": "FREESHIP20" }),
        )
        .await;
    r.expect(200);
    assert_eq!(
        r.data(),
        &json!({ "id": third, "message": "Reward updated successfully." })
    );
    let updated = &list(&app, &acct.key, gid).await[2];
    assert_eq!(
        documented_only(updated),
        json!({ "id": third, "type": 2, "title": "Free Shipping Code", "entries_required": 20,
                "prize_random_or_guaranteed": 1, "coupon_if_coupon_code": 1,
                "coupon_code": "FREESHIP20", "coupon_directions": null,
                "hide_progress": false, "send_email": 1, "order": 3 })
    );

    // Every documented field can be set, on create and on update.
    let all = add(
        &app,
        &acct.key,
        gid,
        json!({ "type": 1, "title": "All", "entries_required": 1, "hide_progress": true,
                "prize_random_or_guaranteed": 2, "coupon_if_coupon_code": 0, "send_email": 0,
                "email_body": "<h1>Hi</h1>", "email_subject": "You unlocked it",
                "email_reply_to_email": "Rewards@Example.com", "email_reply_to_name": "Rewards" }),
    )
    .await;
    let item = list(&app, &acct.key, gid).await[3].clone();
    assert_eq!(
        item,
        json!({ "id": all, "type": 1, "title": "All", "entries_required": 1, "prize_random_or_guaranteed": 2,
                "coupon_if_coupon_code": 0, "coupon_code": null, "coupon_directions": null, "hide_progress": true,
                "send_email": 0, "order": 4, "email_subject": "You unlocked it", "email_body": "<h1>Hi</h1>",
                "email_reply_to_email": "rewards@example.com", "email_reply_to_name": "Rewards" })
    );
    app.put(
        &acct.key,
        &reward_path(gid, all),
        json!({ "hide_progress": false, "prize_random_or_guaranteed": 1, "send_email": 1, "email_subject": "",
                "title": "  Trimmed  " }),
    )
    .await
    .expect(200);
    let item = list(&app, &acct.key, gid).await[3].clone();
    assert_eq!(item["hide_progress"], json!(false));
    assert_eq!(item["prize_random_or_guaranteed"], json!(1));
    assert_eq!(item["send_email"], json!(1));
    assert_eq!(item["email_subject"], json!(null));
    assert_eq!(item["title"], json!("Trimmed"));
    assert_eq!(item["email_body"], json!("<h1>Hi</h1>"));
}

async fn validation_errors_are_per_field(app: TestApp) {
    let (acct, gid) = setup(&app).await;
    let r = app.post(&acct.key, &rewards_path(gid), json!({})).await;
    r.expect_error(422);
    assert_eq!(r.body["error"]["message"], json!("Validation failed."));
    assert_eq!(
        r.body["error"]["details"],
        json!({ "type": "Type is required.", "title": "Title is required.",
                "entries_required": "Entries required is required." })
    );
    let valid = json!({ "type": 1, "title": "Reward", "entries_required": 3 });
    let rid = add(&app, &acct.key, gid, valid.clone()).await;
    let cases: Vec<(&str, Value)> = vec![
        ("type", json!(0)),
        ("type", json!(3)),
        ("title", json!("")),
        ("title", json!("  ")),
        ("title", json!("t".repeat(256))),
        ("entries_required", json!(0)),
        ("entries_required", json!(-5)),
        ("entries_required", json!(1_000_001)),
        ("prize_random_or_guaranteed", json!(0)),
        ("prize_random_or_guaranteed", json!(3)),
        ("coupon_if_coupon_code", json!(2)),
        ("coupon_if_coupon_code", json!(-1)),
        ("send_email", json!(2)),
        ("coupon_code", json!("c".repeat(256))),
        ("coupon_directions", json!("d".repeat(5_001))),
        ("email_subject", json!("s".repeat(256))),
        ("email_body", json!("b".repeat(100_001))),
        ("email_reply_to_email", json!("nobody")),
        ("email_reply_to_email", json!("x@y")),
        ("email_reply_to_name", json!("n".repeat(256))),
    ];
    for (field, value) in cases {
        let mut body = valid.clone();
        body[field] = value.clone();
        let r = app.post(&acct.key, &rewards_path(gid), body).await;
        r.expect_error(422);
        let details = r.body["error"]["details"].as_object().unwrap();
        assert_eq!(
            details.keys().collect::<Vec<_>>(),
            [field],
            "{field} = {value}: {}",
            r.text
        );
        assert!(details[field].as_str().is_some_and(|m| !m.is_empty()));
        let mut patch = json!({});
        patch[field] = value.clone();
        let r = app.put(&acct.key, &reward_path(gid, rid), patch).await;
        r.expect_error(422);
        assert!(r.body["error"]["details"][field].is_string(), "{field}: {}", r.text);
    }
    // Nothing invalid was stored.
    let items = list(&app, &acct.key, gid).await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["title"], json!("Reward"));
    assert_eq!(items[0]["entries_required"], json!(3));
    // Limits are inclusive.
    let r = app
        .post(
            &acct.key,
            &rewards_path(gid),
            json!({ "type": 2, "title": "t".repeat(255), "entries_required": 1_000_000, "coupon_code": "c".repeat(255),
                    "coupon_directions": "d".repeat(5_000), "email_subject": "s".repeat(255),
                    "email_body": "b".repeat(100_000), "email_reply_to_name": "n".repeat(255) }),
        )
        .await;
    r.expect(201);
    assert_eq!(r.data()["order"], json!(2));
}

async fn a_coupon_reward_always_has_a_code(app: TestApp) {
    let (acct, gid) = setup(&app).await;
    for body in [
        json!({ "type": 2, "title": "Coupon", "entries_required": 1 }),
        json!({ "type": 2, "title": "Coupon", "entries_required": 1, "coupon_code": "" }),
        json!({ "type": 2, "title": "Coupon", "entries_required": 1, "coupon_code": "   " }),
        json!({ "type": 2, "title": "Coupon", "entries_required": 1, "coupon_code": null }),
    ] {
        let r = app.post(&acct.key, &rewards_path(gid), body).await;
        r.expect_error(422);
        assert!(r.body["error"]["details"]["coupon_code"].is_string(), "{}", r.text);
    }
    // A prize-entry reward becoming a coupon reward needs a code.
    let entry = add(
        &app,
        &acct.key,
        gid,
        json!({ "type": 1, "title": "Entry", "entries_required": 2 }),
    )
    .await;
    let r = app.put(&acct.key, &reward_path(gid, entry), json!({ "type": 2 })).await;
    r.expect_error(422);
    assert!(r.body["error"]["details"]["coupon_code"].is_string());
    app.put(
        &acct.key,
        &reward_path(gid, entry),
        json!({ "type": 2, "coupon_code": " NEWCODE " }),
    )
    .await
    .expect(200);
    let items = list(&app, &acct.key, gid).await;
    assert_eq!(
        (&items[0]["type"], &items[0]["coupon_code"]),
        (&json!(2), &json!("NEWCODE"))
    );
    // A coupon reward cannot lose its code.
    let r = app
        .put(&acct.key, &reward_path(gid, entry), json!({ "coupon_code": "" }))
        .await;
    r.expect_error(422);
    assert!(r.body["error"]["details"]["coupon_code"].is_string());
    // Unless it stops being a coupon reward.
    app.put(
        &acct.key,
        &reward_path(gid, entry),
        json!({ "type": 1, "coupon_code": "" }),
    )
    .await
    .expect(200);
    let items = list(&app, &acct.key, gid).await;
    assert_eq!((&items[0]["type"], &items[0]["coupon_code"]), (&json!(1), &json!(null)));
}

async fn wrong_types_are_400_and_unknown_fields_ignored(app: TestApp) {
    let (acct, gid) = setup(&app).await;
    for body in [
        json!({ "type": "2", "title": "T", "entries_required": 1, "coupon_code": "C" }),
        json!({ "type": 1, "title": 5, "entries_required": 1 }),
        json!({ "type": 1, "title": "T", "entries_required": "10" }),
        json!({ "type": 1, "title": "T", "entries_required": 1, "hide_progress": 1 }),
        json!({ "type": 1, "title": "T", "entries_required": 1, "send_email": true }),
        json!({ "type": 1.5, "title": "T", "entries_required": 1 }),
    ] {
        app.post(&acct.key, &rewards_path(gid), body).await.expect_error(400);
    }
    let r = app
        .post(
            &acct.key,
            &rewards_path(gid),
            json!({ "type": 1, "title": "T", "entries_required": 1, "competition_id": 12345, "order": 99, "extra": [1] }),
        )
        .await;
    r.expect(201);
    assert_eq!(r.data()["competition_id"], json!(gid));
    assert_eq!(r.data()["order"], json!(1));
    let id = r.data()["id"].as_i64().unwrap();
    app.put(&acct.key, &reward_path(gid, id), json!({ "hide_progress": "yes" }))
        .await
        .expect_error(400);
    app.put(&acct.key, &reward_path(gid, id), json!({ "whatever": 1 }))
        .await
        .expect(200);
}

async fn delete_removes_from_the_list(app: TestApp) {
    let (acct, gid) = setup(&app).await;
    let a = add(
        &app,
        &acct.key,
        gid,
        json!({ "type": 1, "title": "A", "entries_required": 1 }),
    )
    .await;
    let b = add(
        &app,
        &acct.key,
        gid,
        json!({ "type": 1, "title": "B", "entries_required": 2 }),
    )
    .await;
    let r = app.delete(&acct.key, &reward_path(gid, a)).await;
    r.expect(204);
    assert!(r.text.is_empty());
    let items = list(&app, &acct.key, gid).await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], json!(b));
    for r in [
        app.delete(&acct.key, &reward_path(gid, a)).await,
        app.put(&acct.key, &reward_path(gid, a), json!({ "title": "Back" }))
            .await,
    ] {
        r.expect_error(404);
        assert_eq!(r.body["error"]["message"], json!("Reward not found."));
    }
    // The row is kept, marked deleted, for participants who unlocked it.
    let (deleted_at,): (Option<i64>,) = sqlx::query_as("SELECT deleted_at FROM rewards WHERE id = $1")
        .bind(a)
        .fetch_one(app.engine.db().reader())
        .await
        .unwrap();
    assert_eq!(deleted_at, Some(app.engine.now_ms()));
    // New rewards go after the last one still listed.
    let r = app
        .post(
            &acct.key,
            &rewards_path(gid),
            json!({ "type": 1, "title": "C", "entries_required": 3 }),
        )
        .await;
    r.expect(201);
    assert_eq!(r.data()["order"], json!(3));
}

async fn any_text_survives_a_round_trip(app: TestApp) {
    let (acct, gid) = setup(&app).await;
    let title = "Récompense 🎁 — 奖励 «spéciale»";
    let directions = "Utilisez ce code à la caisse ✅\n使用此代码";
    let body = "<div style=\"color:#333\">¡Hola! 🎉 <b>Ваш купон</b> — 쿠폰</div>";
    let id = add(
        &app,
        &acct.key,
        gid,
        json!({ "type": 2, "title": title, "entries_required": 7, "coupon_code": "ÉTÉ-2026-😀",
                "coupon_directions": directions, "email_body": body, "email_subject": "Débloqué ! 🔓",
                "email_reply_to_name": "Zoë 张" }),
    )
    .await;
    let item = list(&app, &acct.key, gid).await[0].clone();
    assert_eq!(item["id"], json!(id));
    assert_eq!(item["title"], json!(title));
    assert_eq!(item["coupon_code"], json!("ÉTÉ-2026-😀"));
    assert_eq!(item["coupon_directions"], json!(directions));
    assert_eq!(item["email_body"], json!(body));
    assert_eq!(item["email_subject"], json!("Débloqué ! 🔓"));
    assert_eq!(item["email_reply_to_name"], json!("Zoë 张"));
    let long = "奖".repeat(255);
    app.put(&acct.key, &reward_path(gid, id), json!({ "title": long }))
        .await
        .expect(200);
    assert_eq!(list(&app, &acct.key, gid).await[0]["title"], json!(long));
}

async fn other_brands_and_unknown_ids_are_404(app: TestApp) {
    let (acct, gid) = setup(&app).await;
    let id = add(
        &app,
        &acct.key,
        gid,
        json!({ "type": 1, "title": "Mine", "entries_required": 1 }),
    )
    .await;
    let other = app.account().await;
    let body = json!({ "type": 1, "title": "Theirs", "entries_required": 1 });
    for r in [
        app.get(&other.key, &rewards_path(gid)).await,
        app.post(&other.key, &rewards_path(gid), body.clone()).await,
        app.put(&other.key, &reward_path(gid, id), body.clone()).await,
        app.delete(&other.key, &reward_path(gid, id)).await,
    ] {
        r.expect_error(404);
        assert_eq!(r.body["error"]["message"], json!("Giveaway not found."));
    }
    let items = list(&app, &acct.key, gid).await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["title"], json!("Mine"));

    // Another brand's reward through its own giveaway is not found.
    let their_gid = app.create_giveaway(&other.key, json!({})).await;
    for r in [
        app.put(&other.key, &reward_path(their_gid, id), body.clone()).await,
        app.delete(&other.key, &reward_path(their_gid, id)).await,
    ] {
        r.expect_error(404);
        assert_eq!(r.body["error"]["message"], json!("Reward not found."));
    }
    // As is a reward of another giveaway of the same brand.
    let gid2 = app.create_giveaway(&acct.key, json!({})).await;
    app.put(&acct.key, &reward_path(gid2, id), body.clone())
        .await
        .expect_error(404);
    app.delete(&acct.key, &reward_path(gid2, id)).await.expect_error(404);
    assert_eq!(list(&app, &acct.key, gid).await.len(), 1);
    for path in [reward_path(gid, 999_999), reward_path(gid, 0)] {
        app.put(&acct.key, &path, body.clone()).await.expect_error(404);
        app.delete(&acct.key, &path).await.expect_error(404);
    }
    app.delete(&acct.key, &format!("{}/abc", rewards_path(gid)))
        .await
        .expect_error(404);
    for r in [
        app.get(&acct.key, &rewards_path(999_999)).await,
        app.post(&acct.key, &rewards_path(999_999), body.clone()).await,
    ] {
        r.expect_error(404);
    }
}

async fn listed_in_the_openapi_document(app: TestApp) {
    let doc = app.call(crate::support::Method::GET, "/openapi.json", None, None).await;
    doc.expect(200);
    let paths = &doc.body["paths"];
    for method in ["get", "post"] {
        assert!(
            paths["/v2/giveaways/{id}/rewards"][method].is_object(),
            "{method} rewards"
        );
    }
    for method in ["put", "delete"] {
        assert!(
            paths["/v2/giveaways/{id}/rewards/{reward_id}"][method].is_object(),
            "{method} reward_id"
        );
    }
}
