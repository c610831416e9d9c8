//! The chat widget in headless Chromium (`tests/browser/chat_widget.mjs`): the countdown, a
//! signed join, a refusal with its rule, the language, and the winners with the verify link.
//! SQLite only, like the other browser scenarios.

use crate::scenarios;
use crate::support::{HOUR, TestApp};
use fairdraw_server::engine::chat_giveaways::widget_sig;
use serde_json::json;

scenarios!(the_chat_widget_joins_refuses_counts_down_and_shows_winners);

async fn the_chat_widget_joins_refuses_counts_down_and_shows_winners(app: TestApp) {
    let acct = app.account().await;
    let end = fairdraw_core::time::format_rfc3339(app.clock.now_ms() + HOUR);
    let r = TestApp::read(
        app.http
            .post(app.url("/external/giveaway"))
            .header("x-api-key", &acct.public_key)
            .bearer_auth(&acct.key)
            .json(
                &json!({ "title": "Widget Cup", "text": "Win a headset", "buttonText": "Mitmachen!",
                "rewardName": "Headset", "roomIds": ["r1"], "endTime": end, "maxWinners": 2,
                "enableTranslation": true, "enableWinnersAnnouncement": true }),
            ),
    )
    .await;
    r.expect(201);
    let id = r.body["id"].as_i64().unwrap();
    let secret = app.engine.external_secret(acct.brand_id, false).await.unwrap();
    let (alice, eve) = (widget_sig(&secret, "alice"), widget_sig(&secret, "eve"));
    for (user, name) in [("bob", "Bob"), ("carol", "Carol")] {
        TestApp::read(
            app.http
                .post(app.url(&format!("/external/giveaway/{id}/participants")))
                .header("x-api-key", &acct.public_key)
                .bearer_auth(&acct.key)
                .json(&json!({ "userId": user, "roomId": "r1", "name": name })),
        )
        .await
        .expect(201);
    }
    // Refusals are for the person in the chat: worded in the widget's language, the rule named
    // for the partner's developers.
    for (body, rule, message) in [
        (
            json!({ "userId": "eve", "roomId": "r9", "sig": eve, "lang": "es" }),
            "roomIds",
            "Esta sala de chat no participa en este sorteo.",
        ),
        (
            json!({ "userId": "eve", "roomId": "r1", "sig": alice, "lang": "pl" }),
            "sig",
            "Ten link do widżetu nie został utworzony dla Ciebie i nie pozwala dołączyć.",
        ),
        (
            json!({ "userId": "eve", "roomId": "r9", "sig": eve }),
            "roomIds",
            "This chat room is not part of this giveaway.",
        ),
    ] {
        let r = TestApp::read(
            app.http
                .post(app.url(&format!("/external/widget/{id}/join")))
                .json(&body),
        )
        .await;
        r.expect(403);
        assert_eq!(
            (r.body["rule"].as_str(), r.body["message"].as_str()),
            (Some(rule), Some(message))
        );
    }
    let id_text = id.to_string();
    let out = fairdraw_testkit::browser::run("chat_widget", &app.base, &["join", &id_text, &alice, &eve]).await;
    assert!(out.contains("join: Du bist dabei!"), "{out}");
    assert!(out.contains("refused:"), "{out}");

    app.clock.advance(2 * HOUR);
    app.run_jobs().await;
    let w = TestApp::read(
        app.http
            .get(app.url(&format!("/external/giveaway/{id}/winners")))
            .header("x-api-key", &acct.public_key)
            .bearer_auth(&acct.key),
    )
    .await;
    w.expect(200);
    let names: Vec<String> = w.body["winners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().or(p["userId"].as_str()).unwrap().to_owned())
        .collect();
    assert_eq!(names.len(), 2);
    let mut args = vec!["winners", id_text.as_str(), alice.as_str()];
    args.extend(names.iter().map(String::as_str));
    let out = fairdraw_testkit::browser::run("chat_widget", &app.base, &args).await;
    assert!(out.contains("winners:"), "{out}");
}
