//! Contract scenarios for entry methods: `/v2/giveaways/{id}/entry-methods` and
//! `/v2/entry-method-types`.

use crate::scenarios;
use crate::support::{Method, Reply, TestApp};
use serde_json::{Value, json};
use std::collections::HashSet;

scenarios!(
    reference_examples,
    catalog_lists_every_type_by_category,
    new_giveaways_have_user_details_which_cannot_be_deleted,
    add_validates_every_field,
    update_is_partial_and_validated,
    delete_is_soft_and_keeps_numbers,
    reorder_puts_listed_methods_first,
    reorder_refuses_foreign_duplicate_and_missing_ids,
    another_brand_gets_404_on_every_route,
    unknown_ids_are_404,
    concurrent_adds_get_distinct_numbers,
    routes_are_in_the_openapi_document,
);

fn methods_path(giveaway: i64) -> String {
    format!("/v2/giveaways/{giveaway}/entry-methods")
}

fn method_path(giveaway: i64, method: i64) -> String {
    format!("/v2/giveaways/{giveaway}/entry-methods/{method}")
}

async fn list(app: &TestApp, key: &str, giveaway: i64) -> Vec<Value> {
    let r = app.get(key, &methods_path(giveaway)).await;
    r.expect(200);
    r.data().as_array().expect("a list").clone()
}

async fn find(app: &TestApp, key: &str, giveaway: i64, method: i64) -> Value {
    let methods = list(app, key, giveaway).await;
    methods
        .into_iter()
        .find(|m| m["id"] == json!(method))
        .expect("the method is listed")
}

fn ids(methods: &[Value]) -> Vec<i64> {
    methods.iter().map(|m| m["id"].as_i64().unwrap()).collect()
}

/// Adds a method and returns its `id`.
async fn add(app: &TestApp, key: &str, giveaway: i64, body: Value) -> i64 {
    let r = app.post(key, &methods_path(giveaway), body).await;
    r.expect(201);
    r.data()["id"].as_i64().expect("method id")
}

/// A method of type "Refer a Friend", which needs no link.
async fn add_referral(app: &TestApp, key: &str, giveaway: i64, title: &str) -> i64 {
    add(
        app,
        key,
        giveaway,
        json!({ "entry_method": 5, "entry_amount": 2, "entry_title": title }),
    )
    .await
}

/// Asserts a 422 whose details name `field`, and returns that message.
#[track_caller]
fn field_error(r: &Reply, field: &str) -> String {
    r.expect_error(422);
    let message = r.body["error"]["details"][field].as_str();
    assert!(
        message.is_some_and(|m| !m.is_empty()),
        "no message for {field}: {}",
        r.text
    );
    message.unwrap().to_owned()
}

async fn reference_examples(app: TestApp) {
    let acct = app.account().await;
    let g = app.create_giveaway(&acct.key, json!({})).await;

    let r = app
        .post(
            &acct.key,
            &methods_path(g),
            json!({ "entry_method": 14, "entry_amount": 3, "entry_title": "Follow @mycompany",
                    "entry_link": "https://twitter.com/mycompany" }),
        )
        .await;
    r.expect(201);
    let follow = r.data()["id"].as_i64().unwrap();
    assert_eq!(
        r.data(),
        &json!({
            "id": follow,
            "entry_id": 2,
            "entry_method": 14,
            "entry_method_name": "Follow on Twitter",
            "entry_title": "Follow @mycompany",
            "entry_link": "https://twitter.com/mycompany",
            "entry_amount": 3,
            "required": false,
            "entry_order": 2,
            "entry_level": 1,
            "icon_color": null,
            "additional_instructions": null,
            "daily": false,
            "widget_display": true
        })
    );

    let refer = add(
        &app,
        &acct.key,
        g,
        json!({ "entry_method": 5, "entry_amount": 5, "entry_title": "Share with friends", "daily": true,
                "additional_instructions": "Share your unique link with friends!" }),
    )
    .await;

    let r = app
        .put(
            &acct.key,
            &method_path(g, follow),
            json!({ "entry_amount": 5, "entry_title": "Follow us on X" }),
        )
        .await;
    r.expect(200);
    assert_eq!(
        r.data(),
        &json!({ "id": follow, "message": "Entry method updated successfully." })
    );

    let methods = list(&app, &acct.key, g).await;
    let user_details = methods[0]["id"].as_i64().unwrap();
    assert_eq!(ids(&methods), [user_details, follow, refer]);
    assert_eq!(methods[1]["entry_amount"], json!(5));
    assert_eq!(methods[1]["entry_title"], json!("Follow us on X"));
    assert_eq!(methods[1]["entry_link"], json!("https://twitter.com/mycompany"));
    assert_eq!(
        methods[2],
        json!({
            "id": refer, "entry_id": 3, "entry_method": 5, "entry_method_name": "Refer a Friend",
            "entry_title": "Share with friends", "entry_link": null, "entry_amount": 5, "required": false,
            "entry_order": 3, "entry_level": 1, "icon_color": null,
            "additional_instructions": "Share your unique link with friends!", "daily": true, "widget_display": true
        })
    );

    let r = app
        .put(
            &acct.key,
            &format!("{}/reorder", methods_path(g)),
            json!({ "order": [user_details, refer, follow] }),
        )
        .await;
    r.expect(200);
    assert_eq!(r.data(), &json!({ "message": "Entry methods reordered successfully." }));
    let methods = list(&app, &acct.key, g).await;
    assert_eq!(ids(&methods), [user_details, refer, follow]);
    let orders: Vec<&Value> = methods.iter().map(|m| &m["entry_order"]).collect();
    assert_eq!(orders, [&json!(1), &json!(2), &json!(3)]);

    // The read the public entry endpoint will use sees the same methods, in the same order.
    let public = app.engine.entry_methods_of(g).await.unwrap();
    assert_eq!(
        public.iter().map(|m| m.id).collect::<Vec<_>>(),
        [user_details, refer, follow]
    );
}

async fn catalog_lists_every_type_by_category(app: TestApp) {
    let acct = app.account().await;
    let r = app.get(&acct.key, "/v2/entry-method-types").await;
    r.expect(200);
    let data = r.data();
    let categories = data["categories"].as_object().unwrap();
    let keys: Vec<&str> = categories.keys().map(String::as_str).collect();
    let documented = [
        "twitter_x",
        "instagram",
        "facebook",
        "youtube",
        "tiktok",
        "discord",
        "telegram",
        "content",
        "commerce",
        "special",
    ];
    for k in documented {
        assert!(keys.contains(&k), "missing category {k}: {keys:?}");
    }
    assert_eq!(&keys[..3], ["twitter_x", "instagram", "facebook"]);

    let mut seen = HashSet::new();
    for (key, types) in categories {
        let types = types.as_array().unwrap();
        assert!(!types.is_empty(), "{key} is empty");
        for t in types {
            let fields: Vec<&str> = t.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(fields, ["id", "name", "type"], "{t}");
            assert!(seen.insert(t["id"].as_i64().unwrap()), "id listed twice: {t}");
            assert!(!t["name"].as_str().unwrap().is_empty());
            let slug = if key == "twitter_x" { "twitter" } else { key.as_str() };
            assert_eq!(t["type"], json!(slug), "{t}");
        }
    }
    assert!(seen.len() >= 125, "only {} types", seen.len());
    assert_eq!(data["total_types"], json!(seen.len()));

    let twitter = &categories["twitter_x"];
    for (id, name) in [(14, "Follow on Twitter"), (15, "Retweet a Tweet"), (16, "Like a Tweet")] {
        assert!(
            twitter
                .as_array()
                .unwrap()
                .contains(&json!({ "id": id, "name": name, "type": "twitter" }))
        );
    }
    let instagram = categories["instagram"].as_array().unwrap();
    assert!(instagram.contains(&json!({ "id": 30, "name": "Follow on Instagram", "type": "instagram" })));
    assert!(instagram.contains(&json!({ "id": 31, "name": "Like a Post", "type": "instagram" })));
    let special = categories["special"].as_array().unwrap();
    assert!(special.contains(&json!({ "id": 1, "name": "User Details", "type": "special" })));
    assert!(special.contains(&json!({ "id": 5, "name": "Refer a Friend", "type": "special" })));

    // Same answer every time, and only with a key.
    assert_eq!(app.get(&acct.key, "/v2/entry-method-types").await.data(), data);
    app.call(Method::GET, "/v2/entry-method-types", None, None)
        .await
        .expect_error(401);
}

async fn new_giveaways_have_user_details_which_cannot_be_deleted(app: TestApp) {
    let acct = app.account().await;
    let g = app.create_giveaway(&acct.key, json!({})).await;
    let methods = list(&app, &acct.key, g).await;
    assert_eq!(methods.len(), 1);
    let ud = methods[0]["id"].as_i64().unwrap();
    assert_eq!(
        methods[0],
        json!({
            "id": ud, "entry_id": 1, "entry_method": 1, "entry_method_name": "User Details",
            "entry_title": null, "entry_link": null, "entry_amount": 1, "required": true,
            "entry_order": 1, "entry_level": null, "icon_color": null,
            "additional_instructions": null, "daily": false, "widget_display": true
        })
    );

    let r = app.delete(&acct.key, &method_path(g, ud)).await;
    let message = field_error(&r, "method_id");
    assert!(message.contains("User Details"), "{message}");
    assert_eq!(ids(&list(&app, &acct.key, g).await), [ud]);

    // A second one cannot be added, and it cannot be made optional.
    let r = app
        .post(
            &acct.key,
            &methods_path(g),
            json!({ "entry_method": 1, "entry_amount": 1 }),
        )
        .await;
    field_error(&r, "entry_method");
    let r = app
        .put(&acct.key, &method_path(g, ud), json!({ "required": false }))
        .await;
    field_error(&r, "required");
    // Its other settings can change.
    app.put(&acct.key, &method_path(g, ud), json!({ "entry_amount": 2 }))
        .await
        .expect(200);
    assert_eq!(list(&app, &acct.key, g).await[0]["entry_amount"], json!(2));
}

async fn add_validates_every_field(app: TestApp) {
    let acct = app.account().await;
    let g = app.create_giveaway(&acct.key, json!({})).await;
    let path = methods_path(g);
    let base = json!({ "entry_method": 14, "entry_amount": 3, "entry_link": "https://twitter.com/mycompany" });
    let with = |changes: Value| {
        let mut body = base.clone();
        for (k, v) in changes.as_object().unwrap() {
            if v.is_null() {
                body.as_object_mut().unwrap().remove(k);
            } else {
                body[k] = v.clone();
            }
        }
        body
    };
    let cases = [
        (with(json!({ "entry_method": null })), "entry_method"),
        (with(json!({ "entry_method": 9999 })), "entry_method"),
        (with(json!({ "entry_method": 0 })), "entry_method"),
        (with(json!({ "entry_method": 1 })), "entry_method"),
        (with(json!({ "entry_amount": null })), "entry_amount"),
        (with(json!({ "entry_amount": 0 })), "entry_amount"),
        (with(json!({ "entry_amount": -3 })), "entry_amount"),
        (with(json!({ "entry_amount": 1001 })), "entry_amount"),
        (with(json!({ "entry_title": "x".repeat(256) })), "entry_title"),
        (
            with(json!({ "entry_link": "http://twitter.com/mycompany" })),
            "entry_link",
        ),
        (with(json!({ "entry_link": "twitter.com/mycompany" })), "entry_link"),
        (with(json!({ "entry_link": null })), "entry_link"),
        (with(json!({ "icon_color": "blue" })), "icon_color"),
        (with(json!({ "icon_color": "#12345" })), "icon_color"),
        (
            with(json!({ "additional_instructions": "y".repeat(5001) })),
            "additional_instructions",
        ),
    ];
    for (body, field) in cases {
        let r = app.post(&acct.key, &path, body.clone()).await;
        assert_eq!(r.status, 422, "{body}: {}", r.text);
        field_error(&r, field);
    }
    // Every problem at once.
    let r = app
        .post(
            &acct.key,
            &path,
            json!({ "entry_method": 9999, "entry_amount": 0, "icon_color": "red" }),
        )
        .await;
    r.expect_error(422);
    let details = r.body["error"]["details"].as_object().unwrap();
    let fields: Vec<&str> = details.keys().map(String::as_str).collect();
    assert_eq!(fields, ["entry_amount", "entry_method", "icon_color"]);

    // Wrong types are 400, naming the field.
    for (body, field) in [
        (with(json!({ "entry_amount": "3" })), "entry_amount"),
        (with(json!({ "entry_amount": 2.5 })), "entry_amount"),
        (with(json!({ "entry_method": "14" })), "entry_method"),
        (with(json!({ "required": "yes" })), "required"),
        (with(json!({ "entry_title": 5 })), "entry_title"),
    ] {
        let r = app.post(&acct.key, &path, body).await;
        r.expect_error(400);
        assert!(
            r.body["error"]["message"].as_str().unwrap().contains(field),
            "{}",
            r.text
        );
    }
    assert_eq!(list(&app, &acct.key, g).await.len(), 1, "nothing was added");

    // The limits themselves are accepted, unknown fields ignored, defaults applied.
    let r = app
        .post(
            &acct.key,
            &path,
            json!({ "entry_method": 5, "entry_amount": 1000, "entry_title": "x".repeat(255),
                    "additional_instructions": "y".repeat(5000), "icon_color": "#1DA1F2", "colour": "blue" }),
        )
        .await;
    r.expect(201);
    assert_eq!(r.data()["icon_color"], json!("#1DA1F2"));
    assert_eq!(r.data()["required"], json!(false));
    assert_eq!(r.data()["widget_display"], json!(true));
    let r = app
        .post(
            &acct.key,
            &path,
            json!({ "entry_method": 9, "entry_amount": 1, "required": true, "daily": true, "widget_display": false }),
        )
        .await;
    r.expect(201);
    assert_eq!(
        (&r.data()["required"], &r.data()["daily"], &r.data()["widget_display"]),
        (&json!(true), &json!(true), &json!(false))
    );
    assert_eq!(r.data()["entry_method_name"], json!("Answer a Question"));
}

async fn update_is_partial_and_validated(app: TestApp) {
    let acct = app.account().await;
    let g = app.create_giveaway(&acct.key, json!({})).await;
    let m = add(
        &app,
        &acct.key,
        g,
        json!({ "entry_method": 30, "entry_amount": 2, "entry_title": "Follow us",
                "entry_link": "https://instagram.com/mycompany", "icon_color": "#E1306C",
                "additional_instructions": "Tap follow." }),
    )
    .await;
    let path = method_path(g, m);

    app.put(&acct.key, &path, json!({ "daily": true, "entry_method": 30 }))
        .await
        .expect(200);
    let after = find(&app, &acct.key, g, m).await;
    assert_eq!(after["daily"], json!(true));
    assert_eq!(after["entry_title"], json!("Follow us"));
    assert_eq!(after["icon_color"], json!("#E1306C"));
    assert_eq!(after["entry_amount"], json!(2));

    // `null` clears an optional text; a missing field keeps it.
    app.put(
        &acct.key,
        &path,
        json!({ "entry_title": null, "additional_instructions": null, "widget_display": false }),
    )
    .await
    .expect(200);
    let after = find(&app, &acct.key, g, m).await;
    assert_eq!(after["entry_title"], json!(null));
    assert_eq!(after["additional_instructions"], json!(null));
    assert_eq!(after["widget_display"], json!(false));
    assert_eq!(after["entry_link"], json!("https://instagram.com/mycompany"));

    let r = app.put(&acct.key, &path, json!({ "entry_method": 14 })).await;
    let message = field_error(&r, "entry_method");
    assert!(message.contains("delete"), "{message}");
    for (body, field) in [
        (json!({ "entry_amount": 0 }), "entry_amount"),
        (json!({ "entry_amount": 1001 }), "entry_amount"),
        (json!({ "entry_title": "x".repeat(256) }), "entry_title"),
        (json!({ "entry_link": "http://instagram.com/mycompany" }), "entry_link"),
        (json!({ "entry_link": null }), "entry_link"),
        (json!({ "icon_color": "pink" }), "icon_color"),
        (
            json!({ "additional_instructions": "y".repeat(5001) }),
            "additional_instructions",
        ),
    ] {
        let r = app.put(&acct.key, &path, body.clone()).await;
        assert_eq!(r.status, 422, "{body}: {}", r.text);
        field_error(&r, field);
    }
    app.put(&acct.key, &path, json!({ "daily": "no" }))
        .await
        .expect_error(400);
    // Nothing of the refused updates was stored.
    assert_eq!(find(&app, &acct.key, g, m).await, after);
}

async fn delete_is_soft_and_keeps_numbers(app: TestApp) {
    let acct = app.account().await;
    let g = app.create_giveaway(&acct.key, json!({})).await;
    let a = add_referral(&app, &acct.key, g, "a").await;
    let b = add_referral(&app, &acct.key, g, "b").await;
    let c = add_referral(&app, &acct.key, g, "c").await;

    let r = app.delete(&acct.key, &method_path(g, b)).await;
    r.expect(204);
    assert!(r.text.is_empty());
    let methods = list(&app, &acct.key, g).await;
    assert_eq!(ids(&methods)[1..], [a, c]);
    let orders: Vec<i64> = methods.iter().map(|m| m["entry_order"].as_i64().unwrap()).collect();
    assert_eq!(orders, [1, 2, 3], "the gap is closed");

    // The row stays for the entries made through it.
    let (deleted_at,): (Option<i64>,) = sqlx::query_as("SELECT deleted_at FROM entry_methods WHERE id = $1")
        .bind(b)
        .fetch_one(app.engine.db().reader())
        .await
        .unwrap();
    assert!(deleted_at.is_some());

    // Gone for the API.
    app.delete(&acct.key, &method_path(g, b)).await.expect_error(404);
    app.put(&acct.key, &method_path(g, b), json!({ "entry_amount": 2 }))
        .await
        .expect_error(404);

    // Numbers are never given twice, and a new method goes last.
    let r = app
        .post(
            &acct.key,
            &methods_path(g),
            json!({ "entry_method": 5, "entry_amount": 1 }),
        )
        .await;
    r.expect(201);
    assert_eq!(r.data()["entry_id"], json!(5));
    assert_eq!(r.data()["entry_order"], json!(4));
}

async fn reorder_puts_listed_methods_first(app: TestApp) {
    let acct = app.account().await;
    let g = app.create_giveaway(&acct.key, json!({})).await;
    let ud = ids(&list(&app, &acct.key, g).await)[0];
    let a = add_referral(&app, &acct.key, g, "a").await;
    let b = add_referral(&app, &acct.key, g, "b").await;
    let c = add_referral(&app, &acct.key, g, "c").await;
    let reorder = format!("{}/reorder", methods_path(g));

    app.put(&acct.key, &reorder, json!({ "order": [c, a] }))
        .await
        .expect(200);
    let methods = list(&app, &acct.key, g).await;
    assert_eq!(ids(&methods), [c, a, ud, b]);
    let orders: Vec<i64> = methods.iter().map(|m| m["entry_order"].as_i64().unwrap()).collect();
    assert_eq!(orders, [1, 2, 3, 4]);

    // An empty list changes nothing; a full one is taken as given.
    app.put(&acct.key, &reorder, json!({ "order": [] })).await.expect(200);
    assert_eq!(ids(&list(&app, &acct.key, g).await), [c, a, ud, b]);
    app.put(&acct.key, &reorder, json!({ "order": [ud, b, a, c] }))
        .await
        .expect(200);
    assert_eq!(ids(&list(&app, &acct.key, g).await), [ud, b, a, c]);

    // A method added afterwards goes last.
    let d = add_referral(&app, &acct.key, g, "d").await;
    assert_eq!(ids(&list(&app, &acct.key, g).await), [ud, b, a, c, d]);
}

async fn reorder_refuses_foreign_duplicate_and_missing_ids(app: TestApp) {
    let acct = app.account().await;
    let g = app.create_giveaway(&acct.key, json!({})).await;
    let other = app.create_giveaway(&acct.key, json!({})).await;
    let a = add_referral(&app, &acct.key, g, "a").await;
    let b = add_referral(&app, &acct.key, g, "b").await;
    let removed = add_referral(&app, &acct.key, g, "removed").await;
    app.delete(&acct.key, &method_path(g, removed)).await.expect(204);
    let foreign = add_referral(&app, &acct.key, other, "foreign").await;
    let before = ids(&list(&app, &acct.key, g).await);
    let reorder = format!("{}/reorder", methods_path(g));

    for body in [
        json!({ "order": [b, foreign] }),
        json!({ "order": [b, removed] }),
        json!({ "order": [b, 987654321] }),
        json!({ "order": [b, a, b] }),
        json!({}),
    ] {
        let r = app.put(&acct.key, &reorder, body.clone()).await;
        assert_eq!(r.status, 422, "{body}: {}", r.text);
        field_error(&r, "order");
    }
    for body in [
        json!({ "order": "b,a" }),
        json!({ "order": ["x"] }),
        json!({ "order": [1.5] }),
    ] {
        app.put(&acct.key, &reorder, body).await.expect_error(400);
    }
    assert_eq!(ids(&list(&app, &acct.key, g).await), before, "nothing moved");
}

async fn another_brand_gets_404_on_every_route(app: TestApp) {
    let owner = app.account().await;
    let stranger = app.account().await;
    let g = app.create_giveaway(&owner.key, json!({})).await;
    let m = add_referral(&app, &owner.key, g, "mine").await;
    let before = list(&app, &owner.key, g).await;

    let body = json!({ "entry_method": 5, "entry_amount": 1 });
    let replies = [
        app.get(&stranger.key, &methods_path(g)).await,
        app.post(&stranger.key, &methods_path(g), body.clone()).await,
        app.put(&stranger.key, &method_path(g, m), json!({ "entry_amount": 9 }))
            .await,
        app.delete(&stranger.key, &method_path(g, m)).await,
        app.put(
            &stranger.key,
            &format!("{}/reorder", methods_path(g)),
            json!({ "order": [m] }),
        )
        .await,
    ];
    for r in replies {
        r.expect_error(404);
        assert_eq!(r.body["error"]["message"], json!("Giveaway not found."));
    }

    // Through its own giveaway, the stranger cannot reach the owner's method either.
    let own = app.create_giveaway(&stranger.key, json!({})).await;
    for r in [
        app.put(&stranger.key, &method_path(own, m), json!({ "entry_amount": 9 }))
            .await,
        app.delete(&stranger.key, &method_path(own, m)).await,
    ] {
        r.expect_error(404);
        assert_eq!(r.body["error"]["message"], json!("Entry method not found."));
    }
    assert_eq!(list(&app, &owner.key, g).await, before, "nothing changed");
}

async fn unknown_ids_are_404(app: TestApp) {
    let acct = app.account().await;
    let g = app.create_giveaway(&acct.key, json!({})).await;
    let missing = 987_654_321;
    for r in [
        app.put(&acct.key, &method_path(g, missing), json!({ "entry_amount": 2 }))
            .await,
        app.delete(&acct.key, &method_path(g, missing)).await,
    ] {
        r.expect_error(404);
        assert_eq!(r.body["error"]["message"], json!("Entry method not found."));
    }
    app.put(&acct.key, &format!("{}/abc", methods_path(g)), json!({}))
        .await
        .expect_error(404);
    let body = json!({ "entry_method": 5, "entry_amount": 1 });
    for r in [
        app.get(&acct.key, &methods_path(missing)).await,
        app.post(&acct.key, &methods_path(missing), body).await,
        app.put(&acct.key, &method_path(missing, 1), json!({})).await,
        app.delete(&acct.key, &method_path(missing, 1)).await,
        app.put(
            &acct.key,
            &format!("{}/reorder", methods_path(missing)),
            json!({ "order": [] }),
        )
        .await,
    ] {
        r.expect_error(404);
        assert_eq!(r.body["error"]["message"], json!("Giveaway not found."));
    }
    // A deleted giveaway's methods are gone with it.
    app.delete(&acct.key, &format!("/v2/giveaways/{g}")).await.expect(204);
    app.get(&acct.key, &methods_path(g)).await.expect_error(404);
}

async fn concurrent_adds_get_distinct_numbers(app: TestApp) {
    let acct = app.account().await;
    let g = app.create_giveaway(&acct.key, json!({})).await;
    let adds: Vec<_> = (0..8)
        .map(|i| {
            let (app, key) = (app.clone(), acct.key.clone());
            tokio::spawn(async move { add_referral(&app, &key, g, &format!("r{i}")).await })
        })
        .collect();
    for a in adds {
        a.await.expect("add task");
    }
    let methods = list(&app, &acct.key, g).await;
    let mut entry_ids: Vec<i64> = methods.iter().map(|m| m["entry_id"].as_i64().unwrap()).collect();
    let orders: Vec<i64> = methods.iter().map(|m| m["entry_order"].as_i64().unwrap()).collect();
    entry_ids.sort_unstable();
    assert_eq!(entry_ids, (1..=9).collect::<Vec<_>>());
    assert_eq!(orders, (1..=9).collect::<Vec<_>>());
}

async fn routes_are_in_the_openapi_document(app: TestApp) {
    let doc = app.call(Method::GET, "/openapi.json", None, None).await;
    doc.expect(200);
    let paths = &doc.body["paths"];
    for (path, methods) in [
        ("/v2/giveaways/{id}/entry-methods", &["get", "post"][..]),
        ("/v2/entry-method-types", &["get"]),
        ("/v2/giveaways/{id}/entry-methods/{method_id}", &["put", "delete"]),
        ("/v2/giveaways/{id}/entry-methods/reorder", &["put"]),
    ] {
        for m in methods {
            assert!(
                paths[path][m].is_object(),
                "{m} {path} missing from the OpenAPI document"
            );
        }
    }
}
