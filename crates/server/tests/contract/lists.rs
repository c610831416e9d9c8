//! Contract scenarios for the whitelist and the blacklist.

use crate::scenarios;
use crate::support::{Method, TestApp};
use serde_json::{Value, json};

scenarios!(
    whitelist_follows_the_reference,
    whitelist_normalises_and_counts_skipped_values,
    whitelist_validation,
    whitelist_removal_by_emails_and_by_id,
    whitelist_holds_at_most_5000,
    blacklist_follows_the_reference,
    blacklist_detects_and_normalises_values,
    blacklist_holds_at_most_5000,
    blacklist_removal_and_validation,
    entry_checks_match_lists,
    lists_are_paginated,
    another_brands_key_is_404_on_every_list_route,
);

fn whitelist(id: i64) -> String {
    format!("/v2/giveaways/{id}/whitelist")
}

fn blacklist(id: i64) -> String {
    format!("/v2/giveaways/{id}/blacklist")
}

/// The values of a list page, in order.
fn values(page: &Value, field: &str) -> Vec<String> {
    page.as_array()
        .expect("a list")
        .iter()
        .map(|item| item[field].as_str().expect("a string").to_owned())
        .collect()
}

async fn whitelist_follows_the_reference(app: TestApp) {
    let acct = app.account().await;
    let id = app.create_giveaway(&acct.key, json!({})).await;
    let r = app
        .post(
            &acct.key,
            &whitelist(id),
            json!({ "emails": ["jane@example.com", "john@example.com"] }),
        )
        .await;
    r.expect(201);
    assert_eq!(r.body["success"], json!(true));
    assert_eq!(
        r.data(),
        &json!({ "competition_id": id, "added": 2, "skipped_invalid": 0, "skipped_duplicate": 0 })
    );
    assert!(r.body["meta"]["request_id"].is_string());

    let r = app.get(&acct.key, &format!("{}?per_page=25", whitelist(id))).await;
    r.expect(200);
    let items = r.data().as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["email"], json!("jane@example.com"));
    assert_eq!(items[1]["email"], json!("john@example.com"));
    assert!(items[0]["id"].as_i64().unwrap() < items[1]["id"].as_i64().unwrap());
    assert_eq!(items[0].as_object().unwrap().len(), 2, "items are {{ id, email }}");
    assert_eq!(
        r.body["pagination"],
        json!({ "page": 1, "per_page": 25, "total": 2, "total_pages": 1, "has_more": false })
    );

    let r = app
        .delete_with(&acct.key, &whitelist(id), json!({ "emails": ["jane@example.com"] }))
        .await;
    r.expect(204);
    assert!(r.text.is_empty());
    let r = app.get(&acct.key, &whitelist(id)).await;
    assert_eq!(values(r.data(), "email"), ["john@example.com"]);
}

async fn whitelist_normalises_and_counts_skipped_values(app: TestApp) {
    let acct = app.account().await;
    let id = app.create_giveaway(&acct.key, json!({})).await;
    let r = app
        .post(
            &acct.key,
            &whitelist(id),
            json!({ "emails": ["  Jane@Example.COM ", "jane@example.com", "", "   ", null, "not-an-email", "a@b", "bob@example.org", "BOB@example.org"] }),
        )
        .await;
    r.expect(201);
    assert_eq!(
        r.data(),
        &json!({ "competition_id": id, "added": 2, "skipped_invalid": 5, "skipped_duplicate": 2 })
    );
    // Already listed values are duplicates too, whatever their case.
    let r = app
        .post(
            &acct.key,
            &whitelist(id),
            json!({ "emails": ["JANE@example.com", "carol@example.net", "x"], "unknown": true }),
        )
        .await;
    r.expect(201);
    assert_eq!(
        r.data(),
        &json!({ "competition_id": id, "added": 1, "skipped_invalid": 1, "skipped_duplicate": 1 })
    );
    let r = app.get(&acct.key, &whitelist(id)).await;
    assert_eq!(
        values(r.data(), "email"),
        ["jane@example.com", "bob@example.org", "carol@example.net"]
    );
    // An empty request adds nothing and is not an error.
    let r = app.post(&acct.key, &whitelist(id), json!({ "emails": [] })).await;
    r.expect(201);
    assert_eq!(r.data()["added"], json!(0));
}

async fn whitelist_validation(app: TestApp) {
    let acct = app.account().await;
    let id = app.create_giveaway(&acct.key, json!({})).await;
    let r = app.post(&acct.key, &whitelist(id), json!({})).await;
    r.expect_error(422);
    assert!(r.body["error"]["details"]["emails"].is_string(), "{}", r.text);
    let r = app.post(&acct.key, &whitelist(id), json!({ "emails": null })).await;
    r.expect_error(422);
    for bad in [
        json!({ "emails": "jane@example.com" }),
        json!({ "emails": [1, 2] }),
        json!({ "emails": { "a": "b" } }),
    ] {
        let r = app.post(&acct.key, &whitelist(id), bad).await;
        r.expect_error(400);
        assert!(
            r.body["error"]["message"].as_str().unwrap().contains("emails"),
            "{}",
            r.text
        );
    }
    let r = app.delete_with(&acct.key, &whitelist(id), json!({})).await;
    r.expect_error(422);
    assert!(r.body["error"]["details"]["emails"].is_string(), "{}", r.text);
    let r = app
        .delete_with(&acct.key, &whitelist(id), json!({ "emails": ["a@x.com"], "id": 1 }))
        .await;
    r.expect_error(422);
    assert!(r.body["error"]["details"]["id"].is_string(), "{}", r.text);
    app.delete_with(&acct.key, &whitelist(id), json!({ "id": "one" }))
        .await
        .expect_error(400);
    app.call(Method::DELETE, &whitelist(id), Some(&acct.key), None)
        .await
        .expect_error(422);
}

async fn whitelist_removal_by_emails_and_by_id(app: TestApp) {
    let acct = app.account().await;
    let id = app.create_giveaway(&acct.key, json!({})).await;
    let other = app.create_giveaway(&acct.key, json!({})).await;
    let emails = ["a@example.com", "b@example.com", "c@example.com", "d@example.com"];
    app.post(&acct.key, &whitelist(id), json!({ "emails": emails }))
        .await
        .expect(201);
    app.post(&acct.key, &whitelist(other), json!({ "emails": ["a@example.com"] }))
        .await
        .expect(201);
    // By e-mails, normalised; e-mails not listed (or not e-mails at all) are ignored.
    app.delete_with(
        &acct.key,
        &whitelist(id),
        json!({ "emails": [" A@Example.com", "zzz@example.com", "nonsense", null] }),
    )
    .await
    .expect(204);
    let page = app.get(&acct.key, &whitelist(id)).await;
    assert_eq!(
        values(page.data(), "email"),
        ["b@example.com", "c@example.com", "d@example.com"]
    );
    // The other giveaway's list is untouched.
    let r = app.get(&acct.key, &whitelist(other)).await;
    assert_eq!(values(r.data(), "email"), ["a@example.com"]);
    let other_entry = r.data()[0]["id"].as_i64().unwrap();

    // By id.
    let b = page.data()[0]["id"].as_i64().unwrap();
    app.delete_with(&acct.key, &whitelist(id), json!({ "id": b }))
        .await
        .expect(204);
    let r = app.delete_with(&acct.key, &whitelist(id), json!({ "id": b })).await;
    r.expect_error(404);
    assert_eq!(r.body["error"]["message"], json!("Whitelist entry not found."));
    // Another giveaway's entry is not in this list.
    app.delete_with(&acct.key, &whitelist(id), json!({ "id": other_entry }))
        .await
        .expect_error(404);
    app.delete_with(&acct.key, &whitelist(id), json!({ "id": 987_654_321 }))
        .await
        .expect_error(404);
    let r = app.get(&acct.key, &whitelist(id)).await;
    assert_eq!(values(r.data(), "email"), ["c@example.com", "d@example.com"]);
    assert_eq!(r.body["pagination"]["total"], json!(2));
    let r = app.get(&acct.key, &whitelist(other)).await;
    assert_eq!(r.body["pagination"]["total"], json!(1));
}

async fn whitelist_holds_at_most_5000(app: TestApp) {
    let acct = app.account().await;
    let id = app.create_giveaway(&acct.key, json!({})).await;
    let full: Vec<String> = (0..5000).map(|i| format!("user{i}@example.com")).collect();
    let r = app.post(&acct.key, &whitelist(id), json!({ "emails": full })).await;
    r.expect(201);
    assert_eq!(r.data()["added"], json!(5000));
    let r = app
        .post(&acct.key, &whitelist(id), json!({ "emails": ["one.more@example.com"] }))
        .await;
    r.expect_error(422);
    let message = r.body["error"]["details"]["emails"].as_str().unwrap();
    assert!(
        message.contains("5,000") && message.contains("only 0 more"),
        "{message}"
    );
    // Values already listed still answer, as duplicates.
    let r = app
        .post(
            &acct.key,
            &whitelist(id),
            json!({ "emails": ["user7@example.com", "bad"] }),
        )
        .await;
    r.expect(201);
    assert_eq!(
        r.data(),
        &json!({ "competition_id": id, "added": 0, "skipped_invalid": 1, "skipped_duplicate": 1 })
    );
    let r = app.get(&acct.key, &whitelist(id)).await;
    assert_eq!(r.body["pagination"]["total"], json!(5000));

    // A request that would pass the cap is refused whole, saying how much room is left.
    app.delete_with(
        &acct.key,
        &whitelist(id),
        json!({ "emails": ["user1@example.com", "user2@example.com", "user3@example.com"] }),
    )
    .await
    .expect(204);
    let r = app
        .post(
            &acct.key,
            &whitelist(id),
            json!({ "emails": ["n1@example.com", "n2@example.com", "n3@example.com", "n4@example.com", "user9@example.com"] }),
        )
        .await;
    r.expect_error(422);
    let message = r.body["error"]["details"]["emails"].as_str().unwrap();
    assert!(message.contains("only 3 more"), "{message}");
    let r = app.get(&acct.key, &whitelist(id)).await;
    assert_eq!(r.body["pagination"]["total"], json!(4997));
    let r = app
        .post(
            &acct.key,
            &whitelist(id),
            json!({ "emails": ["n1@example.com", "n2@example.com", "n3@example.com", "user9@example.com"] }),
        )
        .await;
    r.expect(201);
    assert_eq!(
        r.data(),
        &json!({ "competition_id": id, "added": 3, "skipped_invalid": 0, "skipped_duplicate": 1 })
    );
    // The cap is per giveaway.
    let other = app.create_giveaway(&acct.key, json!({})).await;
    app.post(&acct.key, &whitelist(other), json!({ "emails": ["n4@example.com"] }))
        .await
        .expect(201);
}

async fn blacklist_follows_the_reference(app: TestApp) {
    let acct = app.account().await;
    let id = app.create_giveaway(&acct.key, json!({})).await;
    let r = app
        .post(
            &acct.key,
            &blacklist(id),
            json!({ "values": ["spammer@example.com", "10.0.0.1"] }),
        )
        .await;
    r.expect(201);
    assert_eq!(
        r.data(),
        &json!({ "competition_id": id, "added": 2, "skipped_invalid": 0, "skipped_duplicate": 0 })
    );
    let r = app
        .get(&acct.key, &format!("{}?page=1&per_page=25", blacklist(id)))
        .await;
    r.expect(200);
    let items = r.data().as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["value"], json!("spammer@example.com"));
    assert_eq!(items[0]["type"], json!("email"));
    assert_eq!(items[1]["value"], json!("10.0.0.1"));
    assert_eq!(items[1]["type"], json!("ip"));
    assert!(items[0]["id"].is_i64());
    assert_eq!(
        r.body["pagination"],
        json!({ "page": 1, "per_page": 25, "total": 2, "total_pages": 1, "has_more": false })
    );
    let ban_id = items[0]["id"].as_i64().unwrap();
    let r = app.delete(&acct.key, &format!("{}/{ban_id}", blacklist(id))).await;
    r.expect(204);
    assert!(r.text.is_empty());
    let r = app.get(&acct.key, &blacklist(id)).await;
    assert_eq!(values(r.data(), "value"), ["10.0.0.1"]);
}

async fn blacklist_detects_and_normalises_values(app: TestApp) {
    let acct = app.account().await;
    let id = app.create_giveaway(&acct.key, json!({})).await;
    let r = app
        .post(
            &acct.key,
            &blacklist(id),
            json!({ "values": [
                " Spam@Example.COM ",
                "192.168.1.100",
                "::FFFF:10.0.0.2",
                "2001:0DB8:0000:0000:0000:0000:0000:0001",
                "10.0.0.7/8",
                "2001:db8:abcd:12::1/48",
                "::ffff:172.16.5.4/108",
                "fe80::/10",
                "not a value",
                "",
                null,
                "300.1.1.1",
                "10.0.0.0/33",
                "2001:db8::/129",
                "10.0.0.0/8",
                "spam@example.com",
                "192.168.1.100",
                "10.0.0.2",
                "2001:db8::1"
            ] }),
        )
        .await;
    r.expect(201);
    assert_eq!(
        r.data(),
        &json!({ "competition_id": id, "added": 8, "skipped_invalid": 6, "skipped_duplicate": 5 })
    );
    let r = app.get(&acct.key, &blacklist(id)).await;
    let listed: Vec<(String, String)> = r
        .data()
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["value"].as_str().unwrap().to_owned(),
                i["type"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("spam@example.com", "email"),
        ("192.168.1.100", "ip"),
        ("10.0.0.2", "ip"),
        ("2001:db8::1", "ip"),
        ("10.0.0.0/8", "cidr"),
        ("2001:db8:abcd::/48", "cidr"),
        ("172.16.0.0/12", "cidr"),
        ("fe80::/10", "cidr"),
    ];
    assert_eq!(
        listed,
        expected.map(|(v, k)| (v.to_owned(), k.to_owned())),
        "{}",
        r.text
    );
    // A second request finds the normalised values already listed.
    let r = app
        .post(
            &acct.key,
            &blacklist(id),
            json!({ "values": ["10.1.2.3/8", "SPAM@example.com", "2001:db8:0::1", "10.0.0.3"] }),
        )
        .await;
    r.expect(201);
    assert_eq!(
        r.data(),
        &json!({ "competition_id": id, "added": 1, "skipped_invalid": 0, "skipped_duplicate": 3 })
    );
}

async fn blacklist_holds_at_most_5000(app: TestApp) {
    let acct = app.account().await;
    let id = app.create_giveaway(&acct.key, json!({})).await;
    let full: Vec<String> = (0..5000).map(|i| format!("10.1.{}.{}", i / 256, i % 256)).collect();
    let r = app.post(&acct.key, &blacklist(id), json!({ "values": full })).await;
    r.expect(201);
    assert_eq!(
        r.data(),
        &json!({ "competition_id": id, "added": 5000, "skipped_invalid": 0, "skipped_duplicate": 0 })
    );
    let r = app
        .post(&acct.key, &blacklist(id), json!({ "values": ["10.2.0.1"] }))
        .await;
    r.expect_error(422);
    let message = r.body["error"]["details"]["values"].as_str().unwrap();
    assert!(
        message.contains("5,000") && message.contains("only 0 more"),
        "{message}"
    );
    let r = app.get(&acct.key, &blacklist(id)).await;
    assert_eq!(r.body["pagination"]["total"], json!(5000));
    // Room for two: three new values are refused whole; two new (with a repeat and an invalid
    // value) fit.
    let page = app.get(&acct.key, &format!("{}?per_page=2", blacklist(id))).await;
    for item in page.data().as_array().unwrap() {
        app.delete(&acct.key, &format!("{}/{}", blacklist(id), item["id"]))
            .await
            .expect(204);
    }
    let r = app
        .post(
            &acct.key,
            &blacklist(id),
            json!({ "values": ["a@example.com", "10.9.0.0/16", "2001:db8::7", "10.1.0.9", "junk"] }),
        )
        .await;
    r.expect_error(422);
    assert!(
        r.body["error"]["details"]["values"]
            .as_str()
            .unwrap()
            .contains("only 2 more"),
        "{}",
        r.text
    );
    let r = app
        .post(
            &acct.key,
            &blacklist(id),
            json!({ "values": ["a@example.com", "10.9.0.0/16", "10.1.0.9", "junk", "A@example.com"] }),
        )
        .await;
    r.expect(201);
    assert_eq!(
        r.data(),
        &json!({ "competition_id": id, "added": 2, "skipped_invalid": 1, "skipped_duplicate": 2 })
    );
    let r = app.get(&acct.key, &blacklist(id)).await;
    assert_eq!(r.body["pagination"]["total"], json!(5000));
}

async fn blacklist_removal_and_validation(app: TestApp) {
    let acct = app.account().await;
    let id = app.create_giveaway(&acct.key, json!({})).await;
    let other = app.create_giveaway(&acct.key, json!({})).await;
    app.post(&acct.key, &blacklist(id), json!({ "values": ["1.2.3.4"] }))
        .await
        .expect(201);
    app.post(&acct.key, &blacklist(other), json!({ "values": ["5.6.7.8"] }))
        .await
        .expect(201);
    let mine = app.get(&acct.key, &blacklist(id)).await.data()[0]["id"]
        .as_i64()
        .unwrap();
    let theirs = app.get(&acct.key, &blacklist(other)).await.data()[0]["id"]
        .as_i64()
        .unwrap();
    let r = app.delete(&acct.key, &format!("{}/{theirs}", blacklist(id))).await;
    r.expect_error(404);
    assert_eq!(r.body["error"]["message"], json!("Blacklist entry not found."));
    app.delete(&acct.key, &format!("{}/999999", blacklist(id)))
        .await
        .expect_error(404);
    app.delete(&acct.key, &format!("{}/abc", blacklist(id)))
        .await
        .expect_error(404);
    app.delete(&acct.key, &format!("{}/{mine}", blacklist(id)))
        .await
        .expect(204);
    let r = app.delete(&acct.key, &format!("{}/{mine}", blacklist(id))).await;
    r.expect_error(404);
    assert_eq!(r.body["error"]["message"], json!("Blacklist entry not found."));
    assert_eq!(
        app.get(&acct.key, &blacklist(other)).await.body["pagination"]["total"],
        json!(1)
    );

    let r = app
        .post(&acct.key, &blacklist(id), json!({ "emails": ["a@example.com"] }))
        .await;
    r.expect_error(422);
    assert!(r.body["error"]["details"]["values"].is_string(), "{}", r.text);
    for bad in [json!({ "values": "1.2.3.4" }), json!({ "values": [true] })] {
        let r = app.post(&acct.key, &blacklist(id), bad).await;
        r.expect_error(400);
        assert!(
            r.body["error"]["message"].as_str().unwrap().contains("values"),
            "{}",
            r.text
        );
    }
    app.get(&acct.key, &format!("{}?page=x", blacklist(id)))
        .await
        .expect_error(400);
}

async fn entry_checks_match_lists(app: TestApp) {
    let acct = app.account().await;
    let id = app.create_giveaway(&acct.key, json!({})).await;
    let other = app.create_giveaway(&acct.key, json!({})).await;
    app.post(&acct.key, &whitelist(id), json!({ "emails": ["Vip@Example.com"] }))
        .await
        .expect(201);
    app.post(
        &acct.key,
        &blacklist(id),
        json!({ "values": ["cheat@example.com", "192.168.1.100", "10.0.0.0/8", "2001:db8::/32"] }),
    )
    .await
    .expect(201);
    let engine = &app.engine;
    assert!(engine.whitelist_contains(id, " VIP@example.com").await.unwrap());
    assert!(!engine.whitelist_contains(id, "other@example.com").await.unwrap());
    assert!(!engine.whitelist_contains(id, "not an email").await.unwrap());
    assert!(!engine.whitelist_contains(other, "vip@example.com").await.unwrap());

    let ip = |s: &str| Some(s.parse().unwrap());
    let blocked = |email: Option<&'static str>, addr| engine.blacklist_matches(id, email, addr);
    assert!(blocked(Some("CHEAT@example.com"), None).await.unwrap());
    assert!(blocked(Some("ok@example.com"), ip("192.168.1.100")).await.unwrap());
    assert!(blocked(None, ip("::ffff:192.168.1.100")).await.unwrap());
    assert!(blocked(None, ip("10.200.3.4")).await.unwrap());
    assert!(blocked(None, ip("::ffff:10.200.3.4")).await.unwrap());
    assert!(blocked(None, ip("2001:db8:5::1")).await.unwrap());
    assert!(!blocked(Some("ok@example.com"), ip("192.168.1.101")).await.unwrap());
    assert!(!blocked(Some("ok@example.com"), ip("2001:db9::1")).await.unwrap());
    assert!(!blocked(None, None).await.unwrap());
    assert!(
        !engine
            .blacklist_matches(other, Some("cheat@example.com"), ip("10.0.0.1"))
            .await
            .unwrap()
    );
}

async fn lists_are_paginated(app: TestApp) {
    let acct = app.account().await;
    let id = app.create_giveaway(&acct.key, json!({})).await;
    let emails: Vec<String> = (0..45).map(|i| format!("p{i:02}@example.com")).collect();
    app.post(&acct.key, &whitelist(id), json!({ "emails": emails }))
        .await
        .expect(201);
    let r = app.get(&acct.key, &whitelist(id)).await;
    assert_eq!(r.data().as_array().unwrap().len(), 20);
    assert_eq!(
        r.body["pagination"],
        json!({ "page": 1, "per_page": 20, "total": 45, "total_pages": 3, "has_more": true })
    );
    let r = app
        .get(&acct.key, &format!("{}?page=3&per_page=20", whitelist(id)))
        .await;
    assert_eq!(
        values(r.data(), "email"),
        [
            "p40@example.com",
            "p41@example.com",
            "p42@example.com",
            "p43@example.com",
            "p44@example.com"
        ]
    );
    assert_eq!(r.body["pagination"]["has_more"], json!(false));
    let r = app.get(&acct.key, &format!("{}?page=4", whitelist(id))).await;
    r.expect(200);
    assert_eq!(r.data(), &json!([]));
    let r = app.get(&acct.key, &blacklist(id)).await;
    assert_eq!(r.data(), &json!([]));
    assert_eq!(
        r.body["pagination"],
        json!({ "page": 1, "per_page": 20, "total": 0, "total_pages": 0, "has_more": false })
    );
}

async fn another_brands_key_is_404_on_every_list_route(app: TestApp) {
    let owner = app.account().await;
    let stranger = app.account().await;
    let id = app.create_giveaway(&owner.key, json!({})).await;
    app.post(&owner.key, &whitelist(id), json!({ "emails": ["a@example.com"] }))
        .await
        .expect(201);
    app.post(&owner.key, &blacklist(id), json!({ "values": ["1.2.3.4"] }))
        .await
        .expect(201);
    let w = app.get(&owner.key, &whitelist(id)).await.data()[0]["id"]
        .as_i64()
        .unwrap();
    let b = app.get(&owner.key, &blacklist(id)).await.data()[0]["id"]
        .as_i64()
        .unwrap();
    let calls = [
        (Method::GET, whitelist(id), None),
        (
            Method::POST,
            whitelist(id),
            Some(json!({ "emails": ["x@example.com"] })),
        ),
        (Method::POST, whitelist(id), Some(json!({}))),
        (
            Method::DELETE,
            whitelist(id),
            Some(json!({ "emails": ["a@example.com"] })),
        ),
        (Method::DELETE, whitelist(id), Some(json!({ "id": w }))),
        (Method::GET, blacklist(id), None),
        (Method::POST, blacklist(id), Some(json!({ "values": ["5.6.7.8"] }))),
        (Method::DELETE, format!("{}/{b}", blacklist(id)), None),
    ];
    for (method, path, body) in calls {
        let r = app
            .call(method.clone(), &path, Some(&stranger.key), body.as_ref())
            .await;
        r.expect_error(404);
        assert_eq!(
            r.body["error"]["message"],
            json!("Giveaway not found."),
            "{method} {path}"
        );
    }
    // Nothing changed.
    let r = app.get(&owner.key, &whitelist(id)).await;
    assert_eq!(values(r.data(), "email"), ["a@example.com"]);
    let r = app.get(&owner.key, &blacklist(id)).await;
    assert_eq!(values(r.data(), "value"), ["1.2.3.4"]);
    // A deleted giveaway's lists are gone too.
    app.delete(&owner.key, &format!("/v2/giveaways/{id}")).await.expect(204);
    app.get(&owner.key, &whitelist(id)).await.expect_error(404);
    app.post(&owner.key, &blacklist(id), json!({ "values": ["9.9.9.9"] }))
        .await
        .expect_error(404);
}
