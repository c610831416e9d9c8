//! `/v1` comment draws whose winners must claim (issue 15): `claim_deadline_hours` in the draw
//! request; the draw's `winners` and `extras` carry `claim_status`, `claim_deadline` and
//! `claimed_at`; the platform confirms a claim or disqualifies; an unclaimed win goes to the
//! first extra at its deadline, exactly once across two instances; `winner.claimed`,
//! `winner.expired` and `winner.replaced` reach the brand's webhooks signed
//! `X-PickAWin-Signature`; the verify page records each replacement.

use crate::claims::page;
use crate::scenarios;
use crate::support::{DAY, MINUTE, TestApp};
use crate::v1_support::{Database, Got, Instance, assert_v1_error, clock, receiver, upload_csv};
use crate::winners::fetch_and_verify;
use fairdraw_server::config::ConfigLayer;
use fairdraw_store::result_claims::ClaimSurface;
use serde_json::{Value, json};

scenarios!(
    v1_winners_claim_and_an_unclaimed_win_goes_to_the_first_extra_once,
    v1_disqualifying_promotes_the_next_extra_until_none_is_left,
);

const CSV: &str = "username,comment\nana,hi\nbia,hello\ncid,hey\ndan,yo\neva,ok\nfay,sure\ngus,go\n";

/// A webhook for the claim events; returns the brand's signing secret.
async fn hook(app: &TestApp, key: &str, url: &str) -> String {
    let r = app
        .post(
            key,
            "/v1/webhooks",
            json!({ "url": url, "events": ["winner.claimed", "winner.expired", "winner.replaced"] }),
        )
        .await;
    r.expect(201);
    r.body["secret"].as_str().unwrap().to_owned()
}

/// The deliveries of `event`, each checked against the secret as a receiver would.
fn events(got: &Got, secret: &str, event: &str) -> Vec<Value> {
    got.lock()
        .unwrap()
        .iter()
        .filter(|d| d.json()["event"] == json!(event))
        .map(|d| {
            assert!(d.signed_with(secret), "{event} is signed");
            assert!(!d.signed_with("whsec_wrong"));
            d.json()
        })
        .collect()
}

async fn v1_winners_claim_and_an_unclaimed_win_goes_to_the_first_extra_once(app: TestApp) {
    let db = Database::new(app.backend).await;
    let clock = clock();
    let one = Instance::start(app.backend, &db, ConfigLayer::default(), clock.clone()).await;
    let two = Instance::start(app.backend, &db, ConfigLayer::default(), clock.clone()).await;
    let a = &one.app;
    let acct = a.account().await;
    let (url, got) = receiver().await;
    let secret = hook(a, &acct.key, &format!("{url}/claims")).await;
    let upload = upload_csv(a, &acct.key, CSV).await;

    for bad in [json!(0), json!(2161)] {
        let r = a
            .post(
                &acct.key,
                "/v1/draws",
                json!({ "url": upload, "winners": 1, "claim_deadline_hours": bad }),
            )
            .await;
        assert_v1_error(&r, 422, "validation_error");
        assert_eq!(r.body["error"]["param"], json!("claim_deadline_hours"), "{}", r.text);
    }

    let r = a
        .post(
            &acct.key,
            "/v1/draws",
            json!({ "url": upload, "winners": 2, "extras": 2, "claim_deadline_hours": 48 }),
        )
        .await;
    r.expect(200);
    let id = r.body["id"].as_str().unwrap().to_owned();
    let deadline = fairdraw_core::time::format_rfc3339(clock.now_ms() + 2 * DAY);
    assert_eq!(r.body["claim_deadline_hours"], json!(48));
    for w in r.body["winners"].as_array().unwrap() {
        assert_eq!(
            (w["claim_status"].as_str(), w["claim_deadline"].as_str()),
            (Some("pending"), Some(deadline.as_str())),
            "{w}"
        );
    }
    let hash = r.body["verification"]["sha256"].as_str().unwrap().to_owned();
    let (cert, _, _) = fetch_and_verify(a, &hash).await;
    let (keeper, loser) = (cert.winners[0].clone(), cert.winners[1].clone());
    let path = |h: &str, what: &str| format!("/v1/draws/{id}/winners/{h}/{what}");

    // The platform confirms the first winner (the handle with or without @); once.
    let c = a
        .post(&acct.key, &path(&format!("@{keeper}"), "claim"), json!({}))
        .await;
    c.expect(200);
    assert_eq!(c.body["claim_status"], json!("claimed"));
    assert_eq!(c.body["username"], json!(format!("@{keeper}")));
    assert_v1_error(
        &a.post(&acct.key, &path(&keeper, "claim"), json!({})).await,
        409,
        "conflict",
    );
    assert_v1_error(
        &a.post(&acct.key, &path(&cert.extras[0], "claim"), json!({})).await,
        404,
        "not_found",
    );

    clock.advance(2 * DAY - MINUTE);
    tokio::join!(one.app.run_jobs(), two.app.run_jobs());
    assert!(events(&got, &secret, "winner.expired").is_empty());
    clock.advance(2 * MINUTE);
    tokio::join!(one.app.run_jobs(), two.app.run_jobs());
    let internal_id = a
        .engine
        .db()
        .comment_draw(acct.brand_id, &id)
        .await
        .unwrap()
        .unwrap()
        .id;
    let claims = a
        .engine
        .result_claims(ClaimSurface::Comment, internal_id)
        .await
        .unwrap();
    let lost = claims.iter().find(|c| c.row.candidate_id == loser).unwrap().row.id;
    let (x, y) = tokio::join!(
        one.app.engine.expire_result_claim(lost),
        two.app.engine.expire_result_claim(lost)
    );
    assert!(x.unwrap().is_none() && y.unwrap().is_none());
    tokio::join!(one.app.run_jobs(), two.app.run_jobs());

    let d = two.app.get(&acct.key, &format!("/v1/draws/{id}")).await;
    d.expect(200);
    let winners = d.body["winners"].as_array().unwrap();
    assert_eq!(winners[0]["claim_status"], json!("claimed"));
    assert!(winners[0]["claimed_at"].is_string());
    assert_eq!(winners[1]["claim_status"], json!("expired"));
    let extras = d.body["extras"].as_array().unwrap();
    assert_eq!(extras[0]["username"], json!(format!("@{}", cert.extras[0])));
    assert_eq!(
        extras[0]["claim_status"],
        json!("pending"),
        "the first extra, in certificate order"
    );
    assert_eq!(extras[0]["replaces"], json!(format!("@{loser}")));
    assert!(extras[1].get("claim_status").is_none());
    // The list shows each draw as its own endpoint does, claims included.
    let listed = two.app.get(&acct.key, "/v1/draws").await;
    listed.expect(200);
    let mine = listed.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == d.body["id"])
        .expect("the draw is listed")
        .clone();
    assert_eq!(mine["winners"], d.body["winners"]);
    assert_eq!(mine["extras"], d.body["extras"]);
    assert_eq!(mine["replacements"], d.body["replacements"]);
    let reps = d.body["replacements"].as_array().unwrap();
    assert_eq!(reps.len(), 1);
    assert_eq!(
        (reps[0]["reason"].as_str(), reps[0]["by"].as_str()),
        (Some("expired"), Some("deadline"))
    );

    let claimed = events(&got, &secret, "winner.claimed");
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0]["draw_id"], json!(id));
    assert_eq!(claimed[0]["winner"]["username"], json!(format!("@{keeper}")));
    let expired = events(&got, &secret, "winner.expired");
    assert_eq!(expired.len(), 1);
    assert_eq!(expired[0]["winner"]["username"], json!(format!("@{loser}")));
    let replaced = events(&got, &secret, "winner.replaced");
    assert_eq!(replaced.len(), 1);
    assert_eq!(
        replaced[0]["replacement"]["username"],
        json!(format!("@{}", cert.extras[0]))
    );
    assert_eq!(replaced[0]["replacement"]["extra_position"], json!(0));
    assert_eq!(replaced[0]["verification"]["sha256"], json!(hash));

    let (status, html) = page(&two.app, &format!("/verify/{hash}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("did not claim the prize in time"), "{html}");
    assert!(html.contains(&format!("<code>{}</code>", cert.extras[0])), "{html}");
    one.stop().await;
    two.stop().await;
    db.drop_now().await;
}

async fn v1_disqualifying_promotes_the_next_extra_until_none_is_left(app: TestApp) {
    let acct = app.account().await;
    let (url, got) = receiver().await;
    let upload = upload_csv(&app, &acct.key, CSV).await;
    // The draw's own webhook_url gets the events too, signed with the brand's secret.
    let r = app
        .post(
            &acct.key,
            "/v1/draws",
            json!({ "url": upload, "winners": 1, "extras": 1, "claim_deadline_hours": 1,
                    "webhook_url": format!("{url}/own") }),
        )
        .await;
    r.expect(200);
    let id = r.body["id"].as_str().unwrap().to_owned();
    let hash = r.body["verification"]["sha256"].as_str().unwrap().to_owned();
    let (cert, _, _) = fetch_and_verify(&app, &hash).await;
    let path = |h: &str| format!("/v1/draws/{id}/winners/{h}/disqualify");

    let r = app
        .post(&acct.key, &path(&cert.winners[0]), json!({ "reason": "x".repeat(501) }))
        .await;
    assert_v1_error(&r, 422, "validation_error");
    assert_eq!(r.body["error"]["param"], json!("reason"));
    let r = app
        .post(&acct.key, &path(&cert.winners[0]), json!({ "reason": "bought likes" }))
        .await;
    r.expect(200);
    assert_eq!(r.body["disqualified"]["claim_status"], json!("disqualified"));
    assert_eq!(r.body["replacement"]["username"], json!(format!("@{}", cert.extras[0])));
    assert_v1_error(
        &app.post(&acct.key, &path(&cert.winners[0]), json!({})).await,
        409,
        "conflict",
    );
    let r = app.post(&acct.key, &path(&cert.extras[0]), json!({})).await;
    r.expect(200);
    assert_eq!(r.body["replacement"], Value::Null, "no extra is left");
    app.run_jobs().await;

    let d = app.get(&acct.key, &format!("/v1/draws/{id}")).await;
    assert_eq!(d.body["winners"][0]["claim_status"], json!("disqualified"));
    assert_eq!(d.body["extras"][0]["claim_status"], json!("disqualified"));
    let reps = d.body["replacements"].as_array().unwrap();
    assert_eq!(reps.len(), 2);
    assert_eq!(
        (reps[0]["note"].as_str(), reps[0]["by"].as_str()),
        (Some("bought likes"), Some("api"))
    );
    assert_eq!(reps[1]["replacement"], Value::Null);

    let secret = app.engine.v1_signing_secret(acct.brand_id).await.unwrap();
    let replaced = events(&got, &secret, "winner.replaced");
    assert_eq!(replaced.len(), 2);
    let completed = events(&got, &secret, "draw.completed");
    assert_eq!(completed.len(), 1, "the draw's own webhook_url");
    assert_eq!(completed[0]["winners"][0]["claim_status"], json!("pending"));
    assert!(completed[0]["winners"][0]["claim_deadline"].is_string());
    assert!(events(&got, &secret, "winner.expired").is_empty());

    // A draw that asks no claim refuses the calls.
    let r = app
        .post(&acct.key, "/v1/draws", json!({ "url": upload, "winners": 1 }))
        .await;
    r.expect(200);
    let plain = r.body["id"].as_str().unwrap();
    assert!(r.body["winners"][0].get("claim_status").is_none());
    let h = r.body["winners"][0]["username"].as_str().unwrap();
    let r = app
        .post(&acct.key, &format!("/v1/draws/{plain}/winners/{h}/claim"), json!({}))
        .await;
    assert_v1_error(&r, 409, "conflict");

    // The OpenAPI document lists the claim routes of both surfaces.
    let doc = app.call(reqwest::Method::GET, "/openapi.json", None, None).await;
    doc.expect(200);
    for path in [
        "/v1/draws/{id}/winners/{handle}/claim",
        "/v1/draws/{id}/winners/{handle}/disqualify",
        "/external/giveaway/{id}/winners/{userId}/claim",
        "/external/giveaway/{id}/winners/{userId}/disqualify",
    ] {
        assert!(doc.body["paths"][path]["post"].is_object(), "{path} is documented");
    }
}
