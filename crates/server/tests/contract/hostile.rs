//! Hostile input at the edge: the NUL character anywhere it was found to reach the database
//! (PostgreSQL refuses it in text and answered 500; SQLite stored it) is a 400 on both backends,
//! and data answers carry `nosniff` and `no-store`.

use crate::scenarios;
use crate::support::{Method, TestApp};
use serde_json::json;

scenarios!(
    the_nul_character_is_refused_at_every_entrance,
    data_answers_are_not_sniffed_or_cached
);

const NUL: &str = "a\u{0}b";

async fn the_nul_character_is_refused_at_every_entrance(app: TestApp) {
    let acct = app.account().await;
    let key = acct.key.as_str();
    let id = app
        .create_giveaway(
            key,
            json!({ "start_time": "2026-01-01 00:00:00", "end_time": "2030-12-31 23:59:59", "time_zone": "UTC",
                    "is_draft": false, "rules_config": { "security_level": 1 } }),
        )
        .await;
    let bodies = [
        (
            "/v2/giveaways".to_owned(),
            json!({ "title": NUL, "start_time": "2026-12-01 00:00:00", "end_time": "2026-12-25 23:59:59" }),
            "title",
        ),
        (
            "/v2/giveaways".to_owned(),
            json!({ "title": "ok", "description": NUL, "start_time": "2026-12-01 00:00:00", "end_time": "2026-12-25 23:59:59" }),
            "description",
        ),
        (
            format!("/v2/giveaways/{id}/entries"),
            json!({ "user_email": "x@example.com", "user_name": NUL }),
            "user_name",
        ),
        (
            format!("/v2/giveaways/{id}/prizes"),
            json!({ "prize_name": NUL, "prize_winners_allowed": 1 }),
            "prize_name",
        ),
        (
            format!("/v2/giveaways/{id}/rewards"),
            json!({ "type": 2, "title": NUL, "entries_required": 2, "coupon_code": "C" }),
            "title",
        ),
    ];
    for (path, body, field) in bodies {
        let r = app.post(key, &path, body).await;
        r.expect_error(400);
        let message = r.body["error"]["message"].as_str().unwrap();
        assert!(message.contains(field) && message.contains("NUL"), "{path}: {message}");
    }
    // Without a key: the public entry's name and referral code.
    for body in [
        json!({ "name": NUL, "email": "p@example.com", "consent": true }),
        json!({ "name": "P", "email": "p@example.com", "consent": true, "referral_code": NUL }),
    ] {
        let r = app
            .call(
                Method::POST,
                &format!("/api/public/giveaways/{id}/entries"),
                None,
                Some(&body),
            )
            .await;
        r.expect_error(400);
    }
    // In the URL: a search, and an e-mail in the path.
    for path in [
        format!("/v2/giveaways/{id}/participants/search?q=a%00b"),
        format!("/v2/giveaways/{id}/participants?search=a%00b"),
        "/v2/participants/a%00b@example.com/entries".to_owned(),
        "/v2/participants/a%00b@example.com/giveaways".to_owned(),
    ] {
        let r = app.get(key, &path).await;
        r.expect_error(400);
        assert!(
            r.body["error"]["message"].as_str().unwrap().contains("NUL"),
            "{path}: {}",
            r.text
        );
    }
    // Nothing was stored: still one giveaway, no participant, no prize, no reward.
    let list = app.get(key, "/v2/giveaways?status=all").await;
    assert_eq!(list.data().as_array().unwrap().len(), 1, "{}", list.text);
    let parts = app.get(key, &format!("/v2/giveaways/{id}/participants")).await;
    assert_eq!(parts.data().as_array().unwrap().len(), 0, "{}", parts.text);
    // An escaped backslash before "u0000" is ordinary text.
    let r = app
        .post(
            key,
            &format!("/v2/giveaways/{id}/prizes"),
            json!({ "prize_name": "a\\u0000", "prize_winners_allowed": 1 }),
        )
        .await;
    r.expect(201);
}

async fn data_answers_are_not_sniffed_or_cached(app: TestApp) {
    let acct = app.account().await;
    let r = app.get(&acct.key, "/v2/account").await;
    r.expect(200);
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let r = app.call(Method::GET, "/healthz", None, None).await;
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    let r = app.call(Method::GET, "/v2/nowhere", None, None).await;
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
}
