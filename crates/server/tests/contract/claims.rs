//! Contract scenarios for winners who must claim (issue 15): the claim link's page and API with
//! answers stored encrypted, an unclaimed win expiring at its deadline and going to the first
//! alternate of the same draw exactly once across two instances (recorded on the verify page),
//! disqualification promoting the next alternate, exhausted alternates drawing a linked round,
//! and the `winner.claimed`, `winner.expired` and `winner.replaced` events.

use crate::scenarios;
use crate::support::{DAY, HOUR, MINUTE, TestAccount, TestApp};
use crate::v1_support::{Database, Got, Instance, clock, receiver};
use crate::winners::{enter, fetch_and_verify, published};
use fairdraw_server::config::ConfigLayer;
use serde_json::{Value, json};

scenarios!(
    a_winner_claims_through_the_page_and_the_api,
    an_unclaimed_win_goes_to_the_first_alternate_once_across_two_instances,
    disqualifying_promotes_the_next_alternate_then_a_linked_round,
    claim_settings_are_validated,
);

fn claim_rules(hours: i64) -> Value {
    json!({
        "claim_deadline_hours": hours,
        "claim_questions": [
            { "id": "address", "label": "Shipping address", "kind": "long_text", "required": true },
            { "id": "adult", "label": "I am 18 or older", "kind": "checkbox", "required": true },
            { "id": "born", "label": "Date of birth", "kind": "date" }
        ]
    })
}

async fn hook(app: &TestApp, acct: &TestAccount, url: &str) {
    let events = ["winner.picked", "winner.claimed", "winner.expired", "winner.replaced"];
    app.post(&acct.key, "/v2/webhooks", json!({ "url": url, "events": events }))
        .await
        .expect(201);
}

/// The events of `kind` the receiver got, by their `data`, in the order of their causes
/// (deliveries run side by side, so they may arrive in any order).
fn events(got: &Got, kind: &str) -> Vec<Value> {
    let mut out: Vec<Value> = got
        .lock()
        .unwrap()
        .iter()
        .map(|d| d.json())
        .filter(|b| b["event"] == json!(kind))
        .map(|b| b["data"].clone())
        .collect();
    let key = |v: &Value| {
        v["replaced"]["winner_id"]
            .as_i64()
            .or_else(|| v["winner_id"].as_i64())
            .unwrap_or_default()
    };
    out.sort_by_key(key);
    out
}

async fn winners(app: &TestApp, key: &str, id: i64) -> Vec<Value> {
    let r = app.get(key, &format!("/v2/giveaways/{id}/winners")).await;
    r.expect(200);
    r.data().as_array().unwrap().clone()
}

/// The path of a win's claim link.
fn claim_path(app: &TestApp, winner_id: i64) -> String {
    let url = app.engine.claim_url(winner_id).unwrap();
    url.strip_prefix("https://fairdraw.test").unwrap().to_owned()
}

pub async fn page(app: &TestApp, path: &str) -> (u16, String) {
    let r = app.http.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn post_form(app: &TestApp, path: &str, form: &[(&str, &str)]) -> (u16, String) {
    let r = app.http.post(app.url(path)).form(form).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn sealed_answers(app: &TestApp, winner_id: i64) -> Vec<u8> {
    let (a,): (Option<Vec<u8>>,) = sqlx::query_as("SELECT claim_answers FROM winners WHERE id = $1")
        .bind(winner_id)
        .fetch_one(app.engine.db().reader())
        .await
        .unwrap();
    a.expect("answers are stored")
}

async fn a_winner_claims_through_the_page_and_the_api(app: TestApp) {
    let (acct, id, g) = published(&app, claim_rules(48)).await;
    let (url, got) = receiver().await;
    hook(&app, &acct, &format!("{url}/hook")).await;
    let details = app.get(&acct.key, &format!("/v2/giveaways/{id}")).await;
    details.expect(200);
    assert_eq!(details.data()["claim_deadline_hours"], json!(48));
    assert_eq!(details.data()["claim_notify"], json!("email"));
    assert_eq!(details.data()["claim_questions"][1]["kind"], json!("checkbox"));
    for i in 0..5 {
        enter(&app, &g, &format!("claim{i}@example.com"), 1, true).await;
    }
    let d = app
        .post(
            &acct.key,
            &format!("/v2/giveaways/{id}/winners/random"),
            json!({ "count": 2 }),
        )
        .await;
    d.expect(201);
    // A giveaway whose winners must claim draws as many alternates as winners by default.
    let hash = d.data()["verification"]["sha256"].as_str().unwrap().to_owned();
    let (cert, _, _) = fetch_and_verify(&app, &hash).await;
    assert_eq!((cert.winners.len(), cert.extras.len()), (2, 2));

    let list = winners(&app, &acct.key, id).await;
    assert_eq!(list.len(), 2);
    let deadline = fairdraw_core::time::format_utc(crate::support::T0 + 48 * HOUR);
    for w in &list {
        assert_eq!(w["claim_status"], json!("pending"), "{w}");
        assert_eq!(w["claim_deadline"], json!(deadline));
        assert_eq!(w["claimed_at"], Value::Null);
    }
    let (first, second) = (
        list[0]["entry_id"].as_i64().unwrap(),
        list[1]["entry_id"].as_i64().unwrap(),
    );

    // The page: questions shown, a missing answer refused next to its field, then the claim.
    let path = claim_path(&app, first);
    let (status, html) = page(&app, &path).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Claim my prize") && html.contains("Shipping address"),
        "{html}"
    );
    assert!(html.contains("Holiday Giveaway 2026"));
    let (status, html) = post_form(&app, &path, &[("q_address", "")]).await;
    assert_eq!(status, 422);
    assert!(html.contains("This answer is required."), "{html}");
    let address = "742 Evergreen Terrace, Springfield";
    let (status, html) = post_form(&app, &path, &[("q_address", address), ("q_adult", "yes")]).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Your prize is claimed"), "{html}");
    let (status, _) = post_form(&app, &path, &[("q_address", address), ("q_adult", "yes")]).await;
    assert_eq!(status, 409);

    // The API, for the second winner.
    let api = format!("/api/public{}", claim_path(&app, second));
    let r = app.call(reqwest::Method::GET, &api, None, None).await;
    r.expect(200);
    assert_eq!(r.data()["claim_status"], json!("pending"));
    assert_eq!(r.data()["questions"].as_array().unwrap().len(), 3);
    let bad = app
        .call(
            reqwest::Method::POST,
            &api,
            None,
            Some(&json!({ "answers": { "adult": true, "born": "31/12/1990", "shoe": "44" } })),
        )
        .await;
    bad.expect_error(422);
    let details = &bad.body["error"]["details"];
    for f in ["answers.address", "answers.born", "answers.shoe"] {
        assert!(details.get(f).is_some(), "{f}: {}", bad.text);
    }
    let good = json!({ "answers": { "address": "1 Infinite Loop", "adult": true, "born": "1990-12-31" } });
    let r = app.call(reqwest::Method::POST, &api, None, Some(&good)).await;
    r.expect(200);
    assert_eq!(r.data()["claim_status"], json!("claimed"));
    assert!(r.data()["claimed_at"].is_string());
    assert!(!r.text.contains("Infinite Loop"), "answers are never shown back");
    app.call(reqwest::Method::POST, &api, None, Some(&good))
        .await
        .expect_error(409);

    // A link not signed by this instance names no claim.
    let forged = format!("/api/public/claim/{first}.{}", "0".repeat(32));
    app.call(reqwest::Method::GET, &forged, None, None)
        .await
        .expect_error(404);
    assert_eq!(page(&app, &format!("/claim/{first}.{}", "0".repeat(32))).await.0, 404);

    // Stored encrypted: the column holds neither answer in clear; the organiser reads them.
    for (winner, plain) in [(first, address), (second, "1 Infinite Loop")] {
        let sealed = sealed_answers(&app, winner).await;
        assert!(sealed.len() > 24 + 16);
        assert!(!sealed.windows(plain.len()).any(|w| w == plain.as_bytes()));
        assert!(!String::from_utf8_lossy(&sealed).contains("Springfield"));
    }
    let r = app
        .get(&acct.key, &format!("/v2/giveaways/{id}/winners/{first}/claim"))
        .await;
    r.expect(200);
    assert_eq!(r.data()["claim_status"], json!("claimed"));
    assert_eq!(r.data()["answers"], json!({ "address": address, "adult": "yes" }));
    let r = app
        .get(&acct.key, &format!("/v2/giveaways/{id}/winners/{second}/claim"))
        .await;
    assert_eq!(r.data()["answers"]["born"], json!("1990-12-31"));

    let list = winners(&app, &acct.key, id).await;
    assert!(list.iter().all(|w| w["claim_status"] == json!("claimed")), "{list:?}");
    // Claimed wins do not expire.
    app.clock.advance(49 * HOUR);
    app.run_jobs().await;
    let list = winners(&app, &acct.key, id).await;
    assert_eq!(list.len(), 2);
    assert!(list.iter().all(|w| w["claim_status"] == json!("claimed")));

    let claimed = events(&got, "winner.claimed");
    assert_eq!(claimed.len(), 2, "{claimed:?}");
    assert!(claimed.iter().all(|e| e.get("answers").is_none()));
    let picked = events(&got, "winner.picked");
    assert_eq!(picked.len(), 2);
    assert_eq!(picked[0]["claim_deadline"], json!(deadline));
    // Notified by e-mail only: the link is not in the webhook.
    assert!(picked[0].get("claim_url").is_none());
    assert!(events(&got, "winner.replaced").is_empty());
}

async fn an_unclaimed_win_goes_to_the_first_alternate_once_across_two_instances(app: TestApp) {
    let db = Database::new(app.backend).await;
    let clock = clock();
    let one = Instance::start(app.backend, &db, ConfigLayer::default(), clock.clone()).await;
    let two = Instance::start(app.backend, &db, ConfigLayer::default(), clock.clone()).await;
    let a = &one.app;
    let (acct, id, g) = published(a, {
        let mut rules = claim_rules(24);
        rules["claim_notify"] = json!("email_and_webhook");
        rules
    })
    .await;
    let (url, got) = receiver().await;
    hook(a, &acct, &format!("{url}/hook")).await;
    for i in 0..6 {
        enter(a, &g, &format!("two{i}@example.com"), 1 + i, true).await;
    }
    let d = a
        .post(
            &acct.key,
            &format!("/v2/giveaways/{id}/winners/random"),
            json!({ "count": 1, "alternates": 3 }),
        )
        .await;
    d.expect(201);
    let hash = d.data()["verification"]["sha256"].as_str().unwrap().to_owned();
    let (cert, _, _) = fetch_and_verify(a, &hash).await;
    assert_eq!((cert.winners.len(), cert.extras.len()), (1, 3));
    let list = winners(a, &acct.key, id).await;
    let loser = list[0]["entry_id"].as_i64().unwrap();
    assert_eq!(list[0]["user_id"], json!(cert.winners[0]));

    // The winner e-mail (written to the outbox without SMTP) carries the claim link; so does
    // the webhook, as the giveaway asked.
    a.run_jobs().await;
    let link = a.engine.claim_url(loser).unwrap();
    let outbox = db.dir.path().join("outbox");
    let texts: Vec<String> = std::fs::read_dir(&outbox)
        .expect("the outbox exists")
        .map(|f| std::fs::read(f.unwrap().path()).unwrap())
        .map(|raw| {
            let m = mail_parser::MessageParser::default()
                .parse(&raw)
                .expect("a parsable message");
            m.body_text(0).map(|t| t.to_string()).unwrap_or_default()
        })
        .collect();
    assert!(
        texts.iter().any(|t| t.contains(&link)),
        "no e-mail carries {link}: {texts:?}"
    );
    assert_eq!(events(&got, "winner.picked")[0]["claim_url"], json!(link));

    // Not yet: a minute before the deadline nothing happens.
    clock.advance(DAY - MINUTE);
    tokio::join!(one.app.run_jobs(), two.app.run_jobs());
    assert_eq!(winners(a, &acct.key, id).await.len(), 1);

    // The deadline passes: both instances run their queue and sweep at once, then both try
    // the expiry again by hand. Exactly one replacement is made.
    clock.advance(2 * MINUTE);
    tokio::join!(one.app.run_jobs(), two.app.run_jobs());
    let (x, y) = tokio::join!(one.app.engine.expire_claim(loser), two.app.engine.expire_claim(loser));
    assert!(x.unwrap().is_none() && y.unwrap().is_none());
    tokio::join!(one.app.run_jobs(), two.app.run_jobs());

    let list = winners(&two.app, &acct.key, id).await;
    assert_eq!(list.len(), 2, "{list:?}");
    let (old, new) = (&list[0], &list[1]);
    assert_eq!(old["entry_id"], json!(loser));
    assert_eq!(
        (old["claim_status"].as_str(), old["display_winner"].as_i64()),
        (Some("expired"), Some(0))
    );
    assert_eq!(
        new["user_id"],
        json!(cert.extras[0]),
        "the first alternate, in certificate order"
    );
    assert_eq!(
        new["draw_id"],
        d.data()["draw_id"],
        "an alternate of the same draw, not a new one"
    );
    assert_eq!(new["claim_status"], json!("pending"));
    assert_eq!(new["replaces_entry_id"], json!(loser));
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM winner_replacements WHERE old_winner_id = $1")
        .bind(loser)
        .fetch_one(a.engine.db().reader())
        .await
        .unwrap();
    assert_eq!(n, 1);
    let (draws,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM draws WHERE giveaway_id = $1")
        .bind(id)
        .fetch_one(a.engine.db().reader())
        .await
        .unwrap();
    assert_eq!(draws, 1, "no new draw while an alternate is left");

    let expired = events(&got, "winner.expired");
    assert_eq!(expired.len(), 1, "{expired:?}");
    assert_eq!(expired[0]["winner_id"], json!(loser));
    let replaced = events(&got, "winner.replaced");
    assert_eq!(replaced.len(), 1, "{replaced:?}");
    assert_eq!(replaced[0]["reason"], json!("expired"));
    assert_eq!(replaced[0]["alternate_position"], json!(0));
    assert_eq!(replaced[0]["replacement"]["user_id"], json!(cert.extras[0]));
    assert_eq!(replaced[0]["replaced"]["user_id"], json!(cert.winners[0]));
    // The promoted alternate is a winner like any other, with a deadline of their own.
    let picked = events(&got, "winner.picked");
    assert_eq!(picked.len(), 2);
    assert_eq!(picked[1]["user_id"], json!(cert.extras[0]));

    // The verify page records it, on either instance; the certificate still verifies.
    let (status, html) = page(&two.app, &format!("/verify/{hash}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Replacements"), "{html}");
    assert!(html.contains("did not claim the prize in time"), "{html}");
    assert!(
        html.contains(&format!("replaced by alternate #1 <code>{}</code>", cert.extras[0])),
        "{html}"
    );
    assert!(html.contains("automatically, at the deadline"));
    fetch_and_verify(&two.app, &hash).await;

    let jobs = a.engine.db().jobs_of_kind(Some("winner.claim_expire")).await.unwrap();
    assert!(
        jobs.len() == 2 && jobs.iter().filter(|j| j.state == "done").count() == 1,
        "{jobs:?}"
    );
    // The expired link now says so.
    let (status, html) = page(a, &claim_path(a, loser)).await;
    assert_eq!(status, 200);
    assert!(html.contains("deadline to claim this prize passed"), "{html}");
    one.stop().await;
    two.stop().await;
    db.drop_now().await;
}

async fn disqualifying_promotes_the_next_alternate_then_a_linked_round(app: TestApp) {
    let (acct, id, g) = published(&app, json!({})).await;
    let (url, got) = receiver().await;
    hook(&app, &acct, &format!("{url}/hook")).await;
    for i in 0..5 {
        enter(&app, &g, &format!("dq{i}@example.com"), 1, true).await;
    }
    let d = app
        .post(
            &acct.key,
            &format!("/v2/giveaways/{id}/winners/random"),
            json!({ "count": 1, "alternates": 1 }),
        )
        .await;
    d.expect(201);
    let hash = d.data()["verification"]["sha256"].as_str().unwrap().to_owned();
    let (cert, _, _) = fetch_and_verify(&app, &hash).await;
    let list = winners(&app, &acct.key, id).await;
    assert_eq!(list[0]["claim_status"], Value::Null, "no claim required here");
    let first = list[0]["entry_id"].as_i64().unwrap();

    let path = |w: i64| format!("/v2/giveaways/{id}/winners/{w}/disqualify");
    app.post(&acct.key, &path(first), json!({ "reason": "x".repeat(501) }))
        .await
        .expect_error(422);
    app.post(&acct.key, &path(999_999), json!({})).await.expect_error(404);
    let r = app
        .post(
            &acct.key,
            &path(first),
            json!({ "reason": "Entered with a fake account" }),
        )
        .await;
    r.expect(200);
    assert_eq!(r.data()["replaced_entry_id"], json!(first));
    assert_eq!(r.data()["replacement_user_id"], json!(cert.extras[0]));
    assert_eq!(r.data()["alternate_position"], json!(0));
    assert_eq!(r.data()["new_round_draw_id"], Value::Null);
    let second = r.data()["replacement_entry_id"].as_i64().unwrap();
    // A forfeited win is not forfeited twice.
    app.post(&acct.key, &path(first), json!({})).await.expect_error(404);

    // The only alternate is used: disqualifying again draws a new round, linked both ways.
    let r = app.post(&acct.key, &path(second), json!({})).await;
    r.expect(200);
    assert_eq!(r.data()["alternate_position"], Value::Null);
    let round = r.data()["new_round_draw_id"].as_str().unwrap().to_owned();
    let third_user = r.data()["replacement_user_id"].as_str().unwrap().to_owned();
    assert!(third_user != cert.winners[0] && third_user != cert.extras[0]);

    let list = winners(&app, &acct.key, id).await;
    assert_eq!(list.len(), 3);
    assert_eq!(list[0]["claim_status"], json!("disqualified"));
    assert_eq!(list[1]["claim_status"], json!("disqualified"));
    assert_eq!(list[2]["user_id"], json!(third_user));
    assert_eq!(list[2]["draw_id"], json!(round));
    assert_eq!(list[2]["display_winner"], json!(1));

    let (_, html) = page(&app, &format!("/verify/{hash}")).await;
    assert!(
        html.contains("was disqualified by the organiser (Entered with a fake account)"),
        "{html}"
    );
    assert!(html.contains("a new round"), "{html}");
    let new_hash: (String,) = sqlx::query_as("SELECT result_hash FROM draws WHERE public_id = $1")
        .bind(&round)
        .fetch_one(app.engine.db().reader())
        .await
        .unwrap();
    assert!(html.contains(&format!("href=\"{}\"", new_hash.0)), "{html}");
    let (_, round_html) = page(&app, &format!("/verify/{}", new_hash.0)).await;
    assert!(round_html.contains("Why this draw was made"), "{round_html}");
    assert!(round_html.contains(&format!("href=\"{hash}\"")), "{round_html}");
    let (round_cert, _, _) = fetch_and_verify(&app, &new_hash.0).await;
    assert_eq!(round_cert.round, 1);
    assert_eq!(round_cert.winners, std::slice::from_ref(&third_user));

    app.run_jobs().await;
    let replaced = events(&got, "winner.replaced");
    assert_eq!(replaced.len(), 2, "{replaced:?}");
    assert_eq!(replaced[0]["reason"], json!("disqualified"));
    assert_eq!(replaced[0]["note"], json!("Entered with a fake account"));
    assert_eq!(replaced[1]["new_round_draw_id"], json!(round));
    assert!(events(&got, "winner.expired").is_empty());
}

async fn claim_settings_are_validated(app: TestApp) {
    let acct = app.account().await;
    let r = app
        .post(
            &acct.key,
            "/v2/giveaways",
            json!({
                "title": "t", "start_time": "2026-12-01 00:00:00", "end_time": "2026-12-02 00:00:00",
                "claim_deadline_hours": 5000, "claim_notify": "pigeon",
                "claim_questions": [{ "id": "Bad Id", "label": "" }],
                "number_of_winners": 0
            }),
        )
        .await;
    r.expect_error(422);
    let details = &r.body["error"]["details"];
    for f in [
        "claim_deadline_hours",
        "claim_notify",
        "claim_questions.0.id",
        "claim_questions.0.label",
        "number_of_winners",
    ] {
        assert!(details.get(f).is_some(), "{f}: {}", r.text);
    }
    let id = app
        .create_giveaway(&acct.key, json!({ "claim_deadline_hours": 12 }))
        .await;
    app.put(
        &acct.key,
        &format!("/v2/giveaways/{id}"),
        json!({ "claim_notify": "webhook" }),
    )
    .await
    .expect(200);
    let d = app.get(&acct.key, &format!("/v2/giveaways/{id}")).await;
    assert_eq!(d.data()["claim_deadline_hours"], json!(12), "the rest is kept");
    assert_eq!(d.data()["claim_notify"], json!("webhook"));
    app.put(
        &acct.key,
        &format!("/v2/giveaways/{id}"),
        json!({ "claim_deadline_hours": 0 }),
    )
    .await
    .expect(200);
    let d = app.get(&acct.key, &format!("/v2/giveaways/{id}")).await;
    assert_eq!(d.data()["claim_deadline_hours"], json!(0));
    let r = app
        .post(
            &acct.key,
            &format!("/v2/giveaways/{id}/winners/random"),
            json!({ "count": 1, "alternates": 101 }),
        )
        .await;
    r.expect_error(422);
}
