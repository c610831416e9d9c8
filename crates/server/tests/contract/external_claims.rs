//! `/external` winners who must claim (issue 15): `claimDeadlineHours` validated in the
//! surface's 400 style; the partner confirms a claim; an unclaimed win goes to the first
//! alternate of the same draw at its deadline, exactly once across two instances; a
//! disqualification promotes the next alternate; every event reaches the partner's
//! `winnerListUrl`, signed like the winner list; the winners call and the verify page show it.

use crate::claims::page;
use crate::scenarios;
use crate::support::{DAY, HOUR, MINUTE, Reply, TestAccount, TestApp};
use crate::v1_support::{Database, Got, Instance, clock, receiver};
use crate::winners::fetch_and_verify;
use fairdraw_server::config::ConfigLayer;
use fairdraw_store::result_claims::ClaimSurface;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

scenarios!(
    external_winners_claim_and_an_unclaimed_win_goes_to_the_first_alternate_once,
    external_disqualifying_promotes_the_next_alternate_until_none_is_left,
);

async fn ext(app: &TestApp, acct: &TestAccount, method: reqwest::Method, path: &str, body: Option<Value>) -> Reply {
    let mut req = app
        .http
        .request(method, app.url(path))
        .header("x-api-key", &acct.public_key)
        .header("Authorization", format!("Bearer {}", acct.key));
    if let Some(b) = body {
        req = req.json(&b);
    }
    TestApp::read(req).await
}

async fn post(app: &TestApp, acct: &TestAccount, path: &str, body: Value) -> Reply {
    ext(app, acct, reqwest::Method::POST, path, Some(body)).await
}

async fn winners(app: &TestApp, acct: &TestAccount, id: i64) -> Value {
    let r = ext(
        app,
        acct,
        reqwest::Method::GET,
        &format!("/external/giveaway/{id}/winners"),
        None,
    )
    .await;
    r.expect(200);
    r.body
}

/// A live giveaway in room r1 ending in an hour, with `users` joined; drawn at its end.
async fn drawn(app: &TestApp, acct: &TestAccount, url: &str, extra: Value, users: usize) -> i64 {
    let mut body = json!({
        "title": "Claim Cup", "roomIds": ["r1"], "winnerListUrl": url,
        "endTime": fairdraw_core::time::format_rfc3339(app.clock.now_ms() + HOUR),
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let r = post(app, acct, "/external/giveaway", body).await;
    r.expect(201);
    let id = r.body["id"].as_i64().unwrap();
    for i in 0..users {
        post(
            app,
            acct,
            &format!("/external/giveaway/{id}/participants"),
            json!({ "userId": format!("u{i}"), "roomId": "r1", "name": format!("Viewer {i}") }),
        )
        .await
        .expect(201);
    }
    app.clock.advance(HOUR);
    app.run_jobs().await;
    id
}

/// The partner's POSTs of `event`, each checked as the partner would: `X-Fairdraw-Signature`
/// is `sha256=` + HMAC-SHA256(brand secret, raw body).
fn events(got: &Got, secret: &str, event: &str) -> Vec<Value> {
    got.lock()
        .unwrap()
        .iter()
        .filter(|d| d.json()["event"] == json!(event))
        .map(|d| {
            let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).unwrap();
            mac.update(&d.body);
            let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
            let sig = d.headers.get("x-fairdraw-signature").and_then(|v| v.to_str().ok());
            assert_eq!(sig, Some(expected.as_str()), "{event} is signed");
            assert_eq!(
                d.headers.get("x-fairdraw-event").and_then(|v| v.to_str().ok()),
                Some(event)
            );
            d.json()
        })
        .collect()
}

fn problems(r: &Reply) -> Vec<String> {
    r.expect(400);
    assert_eq!(r.body["error"], json!("Bad Request"), "{}", r.text);
    serde_json::from_value(r.body["message"].clone()).unwrap()
}

async fn external_winners_claim_and_an_unclaimed_win_goes_to_the_first_alternate_once(app: TestApp) {
    let db = Database::new(app.backend).await;
    let clock = clock();
    let one = Instance::start(app.backend, &db, ConfigLayer::default(), clock.clone()).await;
    let two = Instance::start(app.backend, &db, ConfigLayer::default(), clock.clone()).await;
    let a = &one.app;
    let acct = a.account().await;
    let (url, got) = receiver().await;
    let url = format!("{url}/winners");

    // Validated with the other fields, one message each.
    let end = fairdraw_core::time::format_rfc3339(clock.now_ms() + HOUR);
    for bad in [json!(0), json!(2161), json!("soon"), json!(1.5)] {
        let r = post(
            a,
            &acct,
            "/external/giveaway",
            json!({ "title": "X", "roomIds": ["r1"], "endTime": end, "claimDeadlineHours": bad }),
        )
        .await;
        let p = problems(&r);
        assert!(p.iter().any(|m| m.starts_with("claimDeadlineHours")), "{bad}: {p:?}");
    }

    let id = drawn(a, &acct, &url, json!({ "maxWinners": 2, "claimDeadlineHours": 24 }), 8).await;
    let drawn_at = clock.now_ms();
    let deadline = fairdraw_core::time::format_rfc3339(drawn_at + DAY);
    let secret = a.engine.external_secret(acct.brand_id, false).await.unwrap();
    let finished = events(&got, &secret, "giveaway.finished");
    assert_eq!(finished.len(), 1);
    assert_eq!(finished[0]["winners"][0]["claimStatus"], json!("pending"));
    assert_eq!(finished[0]["winners"][0]["claimDeadline"], json!(deadline));

    let w = winners(a, &acct, id).await;
    assert_eq!(w["claimDeadlineHours"], json!(24));
    let hash = w["verification"]["sha256"].as_str().unwrap().to_owned();
    let (cert, _, _) = fetch_and_verify(a, &hash).await;
    assert_eq!((cert.winners.len(), cert.extras.len()), (2, 2));
    for (i, person) in w["winners"].as_array().unwrap().iter().enumerate() {
        assert_eq!(person["userId"], json!(cert.winners[i]));
        assert_eq!(person["claimStatus"], json!("pending"));
        assert_eq!(person["claimDeadline"], json!(deadline));
        assert_eq!(person["claimedAt"], Value::Null);
    }
    let (keeper, loser) = (cert.winners[0].clone(), cert.winners[1].clone());

    // The partner confirms the first winner's claim; once.
    let path = |user: &str, what: &str| format!("/external/giveaway/{id}/winners/{user}/{what}");
    let r = post(a, &acct, &path(&keeper, "claim"), json!({})).await;
    r.expect(200);
    assert_eq!(r.body["claimStatus"], json!("claimed"));
    post(a, &acct, &path(&keeper, "claim"), json!({})).await.expect(409);
    // An alternate has no win to claim; another brand sees no giveaway.
    post(a, &acct, &path(&cert.extras[0], "claim"), json!({}))
        .await
        .expect(404);
    let other = a.account().await;
    post(a, &other, &path(&loser, "claim"), json!({})).await.expect(404);

    // A minute before the deadline nothing happens.
    clock.advance(DAY - MINUTE);
    tokio::join!(one.app.run_jobs(), two.app.run_jobs());
    assert!(events(&got, &secret, "winner.expired").is_empty());

    // The deadline passes: both instances run their queue and sweep at once, then both try the
    // expiry again by hand. Exactly one replacement is made.
    clock.advance(2 * MINUTE);
    post(a, &acct, &path(&loser, "claim"), json!({})).await.expect(409);
    tokio::join!(one.app.run_jobs(), two.app.run_jobs());
    let claims = a.engine.result_claims(ClaimSurface::Chat, id).await.unwrap();
    let loser_claim = claims.iter().find(|c| c.row.candidate_id == loser).unwrap().row.id;
    let (x, y) = tokio::join!(
        one.app.engine.expire_result_claim(loser_claim),
        two.app.engine.expire_result_claim(loser_claim)
    );
    assert!(x.unwrap().is_none() && y.unwrap().is_none());
    tokio::join!(one.app.run_jobs(), two.app.run_jobs());

    let w = winners(&two.app, &acct, id).await;
    let list = w["winners"].as_array().unwrap();
    assert_eq!(list.len(), 3, "{w}");
    assert_eq!(
        (list[0]["userId"].as_str(), list[0]["claimStatus"].as_str()),
        (Some(keeper.as_str()), Some("claimed"))
    );
    assert!(list[0]["claimedAt"].is_string());
    assert_eq!(list[1]["claimStatus"], json!("expired"));
    let new = &list[2];
    assert_eq!(
        new["userId"],
        json!(cert.extras[0]),
        "the first alternate, in certificate order"
    );
    assert_eq!(new["name"], json!(format!("Viewer {}", &cert.extras[0][1..])));
    assert_eq!(new["claimStatus"], json!("pending"));
    assert_eq!(new["replacesUserId"], json!(loser));
    assert_eq!(new["alternatePosition"], json!(0));
    let reps = w["replacements"].as_array().unwrap();
    assert_eq!(reps.len(), 1, "{w}");
    assert_eq!(reps[0]["userId"], json!(loser));
    assert_eq!(reps[0]["reason"], json!("expired"));
    assert_eq!(reps[0]["by"], json!("deadline"));
    assert_eq!(reps[0]["replacementUserId"], json!(cert.extras[0]));

    // The partner heard each event once, signed.
    let claimed = events(&got, &secret, "winner.claimed");
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0]["giveawayId"], json!(id));
    assert_eq!(claimed[0]["winner"]["userId"], json!(keeper));
    assert_eq!(claimed[0]["winner"]["claimStatus"], json!("claimed"));
    let expired = events(&got, &secret, "winner.expired");
    assert_eq!(expired.len(), 1);
    assert_eq!(expired[0]["winner"]["userId"], json!(loser));
    let replaced = events(&got, &secret, "winner.replaced");
    assert_eq!(replaced.len(), 1);
    assert_eq!(replaced[0]["reason"], json!("expired"));
    assert_eq!(replaced[0]["replaced"]["userId"], json!(loser));
    assert_eq!(replaced[0]["replacement"]["userId"], json!(cert.extras[0]));
    assert_eq!(replaced[0]["replacement"]["alternatePosition"], json!(0));
    assert_eq!(replaced[0]["verification"]["sha256"], json!(hash));
    let deliveries: std::collections::HashSet<String> = got
        .lock()
        .unwrap()
        .iter()
        .map(|d| d.headers["x-fairdraw-delivery"].to_str().unwrap().to_owned())
        .collect();
    assert_eq!(deliveries.len(), 4, "one delivery id per event: {deliveries:?}");

    // The verify page records the replacement, on either instance; the certificate still
    // verifies.
    let (status, html) = page(&two.app, &format!("/verify/{hash}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Replacements"), "{html}");
    assert!(html.contains("did not claim the prize in time"), "{html}");
    assert!(html.contains(&format!("<code>{}</code>", cert.extras[0])), "{html}");
    fetch_and_verify(&two.app, &hash).await;
    one.stop().await;
    two.stop().await;
    db.drop_now().await;
}

async fn external_disqualifying_promotes_the_next_alternate_until_none_is_left(app: TestApp) {
    let acct = app.account().await;
    let (url, got) = receiver().await;
    let url = format!("{url}/winners");
    let id = drawn(
        &app,
        &acct,
        &url,
        json!({ "maxWinners": 1, "claimDeadlineHours": 2 }),
        5,
    )
    .await;
    let w = winners(&app, &acct, id).await;
    let hash = w["verification"]["sha256"].as_str().unwrap().to_owned();
    let (cert, _, _) = fetch_and_verify(&app, &hash).await;
    let path = |user: &str| format!("/external/giveaway/{id}/winners/{user}/disqualify");

    let long = "x".repeat(501);
    let p = problems(&post(&app, &acct, &path(&cert.winners[0]), json!({ "reason": long })).await);
    assert_eq!(p, vec!["reason must be at most 500 characters".to_owned()]);
    let p = problems(&post(&app, &acct, &path(&cert.winners[0]), json!({ "reason": 5 })).await);
    assert_eq!(p, vec!["reason must be a string".to_owned()]);

    let r = post(&app, &acct, &path(&cert.winners[0]), json!({ "reason": "bot account" })).await;
    r.expect(200);
    assert_eq!(r.body["disqualified"]["claimStatus"], json!("disqualified"));
    assert_eq!(r.body["replacement"]["userId"], json!(cert.extras[0]));
    // A disqualified winner cannot be disqualified again, nor claim.
    post(&app, &acct, &path(&cert.winners[0]), json!({})).await.expect(409);
    post(
        &app,
        &acct,
        &format!("/external/giveaway/{id}/winners/{}/claim", cert.winners[0]),
        json!({}),
    )
    .await
    .expect(409);

    // The only alternate is disqualified too: nobody is left, the forfeit stands.
    let r = post(&app, &acct, &path(&cert.extras[0]), json!({})).await;
    r.expect(200);
    assert_eq!(r.body["replacement"], Value::Null);
    app.run_jobs().await;

    let w = winners(&app, &acct, id).await;
    let statuses: Vec<&str> = w["winners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["claimStatus"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["disqualified", "disqualified"]);
    let reps = w["replacements"].as_array().unwrap();
    assert_eq!(reps.len(), 2);
    assert_eq!(
        (reps[0]["note"].as_str(), reps[0]["by"].as_str()),
        (Some("bot account"), Some("partner"))
    );
    assert_eq!(reps[1]["replacementUserId"], Value::Null);

    let secret = app.engine.external_secret(acct.brand_id, false).await.unwrap();
    let replaced = events(&got, &secret, "winner.replaced");
    assert_eq!(replaced.len(), 2);
    let first = replaced
        .iter()
        .find(|e| e["replaced"]["userId"] == json!(cert.winners[0]))
        .unwrap();
    assert_eq!(
        (first["reason"].as_str(), first["note"].as_str()),
        (Some("disqualified"), Some("bot account"))
    );
    assert!(
        events(&got, &secret, "winner.expired").is_empty(),
        "a disqualification is not an expiry"
    );

    // A giveaway that asks no claim refuses both calls.
    let plain = drawn(&app, &acct, &url, json!({}), 3).await;
    let w = winners(&app, &acct, plain).await;
    let user = w["winners"][0]["userId"].as_str().unwrap().to_owned();
    assert!(w["winners"][0].get("claimStatus").is_none());
    post(
        &app,
        &acct,
        &format!("/external/giveaway/{plain}/winners/{user}/claim"),
        json!({}),
    )
    .await
    .expect(409);
}
