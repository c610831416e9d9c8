//! Contract scenarios for the public beacon (issue 15): a giveaway that asks for drand names,
//! at publication, the first quicknet round published after its end; its draw waits for that
//! round, takes it from the configured relays only once its BLS signature verifies, and the
//! certificate re-runs offline with it. The relay is a stand-in serving real quicknet rounds
//! (`fairdraw_testkit::drand`); the engine's manual clock is set in 2024 so that a giveaway's end
//! falls just before one of them.

use crate::scenarios;
use crate::support::{self, Reply, TestAccount, TestApp};
use crate::winners::{enter, fetch_and_verify};
use fairdraw_core::beacon::{QUICKNET_HASH, QUICKNET_PUBLIC_KEY};
use fairdraw_core::draw::verify_certificate;
use fairdraw_server::config::ConfigLayer;
use fairdraw_server::engine::Giveaway;
use fairdraw_testkit::drand::{DrandRelay, FixtureRound, QUICKNET_ROUNDS};
use serde_json::{Value, json};

scenarios!(
    a_giveaway_names_its_round_at_publish,
    the_instance_default_can_be_drand,
    winners_wait_for_the_round_and_verify_it,
    a_forged_round_is_refused_and_nothing_is_drawn,
    unreachable_relays_are_reported_and_nothing_is_drawn,
    a_chat_giveaway_draw_waits_in_the_queue_for_its_round,
    a_v1_draw_on_drand_is_finished_by_the_queue,
);

/// Round 1000 (2023) and round 12040883 (2024-10-14T17:13:33Z).
const EARLY: FixtureRound = QUICKNET_ROUNDS[0];
const ROUND: FixtureRound = QUICKNET_ROUNDS[1];
const DUE: &str = "2024-10-14T17:13:33Z";
/// A port nothing listens on: connecting is refused at once.
const DEAD_RELAY: &str = "http://127.0.0.1:9";

/// A giveaway body ending one second before `ROUND` is published (UTC), so `ROUND` is the
/// first round published after its end.
fn body(extra: Value) -> Value {
    let mut b = json!({
        "title": "Beacon giveaway",
        "start_time": "2024-10-01 00:00:00",
        "end_time": "2024-10-14 17:13:32",
        "time_zone": "UTC",
        "number_of_winners": 2,
        "is_draft": true,
    });
    if let (Some(b), Some(e)) = (b.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    b
}

/// Sets the clock inside the giveaway's entry period.
fn during_entries(app: &TestApp) {
    app.clock.set(ROUND.published_at_ms() - 4 * support::DAY);
}

async fn create(app: &TestApp, key: &str, extra: Value) -> i64 {
    let r = app.post(key, "/v2/giveaways", body(extra)).await;
    r.expect(201);
    r.data()["id"].as_i64().unwrap()
}

/// The giveaway's hosted page, as a visitor gets it.
async fn hosted_page(app: &TestApp, id: i64) -> String {
    let mut r = app.http.get(app.url(&format!("/view/{id}"))).send().await.unwrap();
    if r.status().is_redirection() {
        let to = r.headers()["location"].to_str().unwrap().to_owned();
        r = app.http.get(app.url(&to)).send().await.unwrap();
    }
    assert_eq!(r.status(), 200);
    r.text().await.unwrap()
}

fn check_named(fairness: &Value) {
    assert_eq!(fairness["beacon"], json!("drand"), "{fairness}");
    let d = &fairness["drand"];
    assert_eq!(d["chain_hash"], json!(QUICKNET_HASH), "{fairness}");
    assert_eq!(d["round"], json!(ROUND.round), "{fairness}");
    assert_eq!(d["public_key"], json!(QUICKNET_PUBLIC_KEY), "{fairness}");
    assert_eq!(d["scheme"], json!("bls-unchained-g1-rfc9380"));
    assert_eq!(d["period"], json!(3));
    assert_eq!(d["genesis_time"], json!(1_692_803_367));
    assert_eq!(d["due_at"], json!(DUE));
    assert!(fairness["commitment"].is_string(), "{fairness}");
}

async fn a_giveaway_names_its_round_at_publish(app: TestApp) {
    during_entries(&app);
    let acct = app.account().await;
    let id = create(&app, &acct.key, json!({ "fairness": { "beacon": "drand" } })).await;
    let path = format!("/v2/giveaways/{id}");

    // A draft asks for the beacon but has named nothing yet.
    let d = app.get(&acct.key, &path).await;
    d.expect(200);
    assert_eq!(d.data()["fairness"]["beacon"], json!("drand"), "{}", d.text);
    assert!(d.data()["fairness"]["drand"].is_null(), "{}", d.text);
    assert!(d.data()["fairness"]["commitment"].is_null(), "{}", d.text);

    // Publishing commits to the seed and names the round, together.
    let p = app.post(&acct.key, &format!("{path}/publish"), json!({})).await;
    p.expect(200);
    check_named(&p.data()["fairness"]);
    let d = app.get(&acct.key, &path).await;
    check_named(&d.data()["fairness"]);
    assert_eq!(d.data()["fairness"], p.data()["fairness"]);
    // The hosted page names the round beside the commitment, for entrants to check later.
    let page = hosted_page(&app, id).await;
    let named = format!("drand round {}, due 2024-10-14 17:13:33 UTC", ROUND.round);
    assert!(page.contains(&named), "{page}");

    // The named round is part of the commitment: it stays, and the end cannot reach it.
    let r = app
        .put(&acct.key, &path, json!({ "fairness": { "beacon": "none" } }))
        .await;
    r.expect_error(422);
    assert!(r.body["error"]["details"]["fairness.beacon"].is_string(), "{}", r.text);
    let r = app
        .put(&acct.key, &path, json!({ "end_time": "2024-10-14 17:13:33" }))
        .await;
    r.expect_error(422);
    let message = r.body["error"]["details"]["end_time"].as_str().unwrap_or_default();
    assert!(message.contains("12040883") && message.contains(DUE), "{}", r.text);
    // Moving the end earlier keeps the round already named.
    app.put(&acct.key, &path, json!({ "end_time": "2024-10-14 12:00:00" }))
        .await
        .expect(200);
    check_named(&app.get(&acct.key, &path).await.data()["fairness"]);

    // A bad value is refused with the field named; no beacon asked is `none`.
    let r = app
        .post(
            &acct.key,
            "/v2/giveaways",
            body(json!({ "fairness": { "beacon": "sometimes" } })),
        )
        .await;
    r.expect_error(422);
    assert!(r.body["error"]["details"]["fairness.beacon"].is_string(), "{}", r.text);
    let plain = create(&app, &acct.key, json!({ "is_draft": false })).await;
    let d = app.get(&acct.key, &format!("/v2/giveaways/{plain}")).await;
    assert_eq!(d.data()["fairness"]["beacon"], json!("none"), "{}", d.text);
    assert!(d.data()["fairness"]["drand"].is_null(), "{}", d.text);

    // Created published, it names the round at creation.
    let at_once = create(
        &app,
        &acct.key,
        json!({ "is_draft": false, "fairness": { "beacon": "drand" } }),
    )
    .await;
    check_named(&app.get(&acct.key, &format!("/v2/giveaways/{at_once}")).await.data()["fairness"]);
}

async fn the_instance_default_can_be_drand(harness: TestApp) {
    let layer = ConfigLayer {
        beacon_default: Some(fairdraw_core::beacon::BeaconKind::Drand),
        ..ConfigLayer::default()
    };
    let (app, running) = support::start_with(harness.backend, layer).await;
    during_entries(&app);
    let acct = app.account().await;
    let id = create(&app, &acct.key, json!({ "is_draft": false })).await;
    check_named(&app.get(&acct.key, &format!("/v2/giveaways/{id}")).await.data()["fairness"]);
    // A giveaway can still opt out.
    let id = create(
        &app,
        &acct.key,
        json!({ "is_draft": false, "fairness": { "beacon": "none" } }),
    )
    .await;
    let d = app.get(&acct.key, &format!("/v2/giveaways/{id}")).await;
    assert_eq!(d.data()["fairness"]["beacon"], json!("none"), "{}", d.text);
    running.stop().await;
}

/// A server whose relays are `relays` (in order), with a published drand giveaway of five
/// entrants whose entries are closed (the clock is just past its end, before the round).
async fn drawn_setup(harness: &TestApp, relays: Vec<String>) -> (TestApp, support::Running, TestAccount, i64) {
    let layer = ConfigLayer {
        drand_urls: Some(relays),
        ..ConfigLayer::default()
    };
    let (app, running) = support::start_with(harness.backend, layer).await;
    during_entries(&app);
    let acct = app.account().await;
    let id = create(
        &app,
        &acct.key,
        json!({ "is_draft": false, "fairness": { "beacon": "drand" } }),
    )
    .await;
    let who = app.engine.authenticate_secret(&acct.key).await.unwrap();
    let g: Giveaway = app.engine.owned_giveaway(&who, id).await.unwrap();
    for (i, name) in ["ana", "bo", "cy", "dee", "eli"].iter().enumerate() {
        enter(&app, &g, &format!("{name}@example.com"), 1 + i as i64, true).await;
    }
    // Entries closed; the round is 500 ms away. From now on no entry can be added by any path.
    app.clock.set(ROUND.published_at_ms() - 500);
    let late = app
        .post(
            &acct.key,
            &format!("/v2/giveaways/{id}/entries"),
            json!({ "user_email": "late@example.com", "user_name": "Late", "entry_amount": 1 }),
        )
        .await;
    late.expect_error(409);
    assert!(
        late.body["error"]["message"].as_str().unwrap().contains("12040883"),
        "{}",
        late.text
    );
    (app, running, acct, id)
}

fn draw_body() -> Value {
    json!({ "count": 2 })
}

async fn winners_wait_for_the_round_and_verify_it(harness: TestApp) {
    let relay = DrandRelay::start(&QUICKNET_ROUNDS).await;
    // The first relay is down: the next one in the list is asked.
    let (app, running, acct, id) = drawn_setup(&harness, vec![DEAD_RELAY.to_owned(), relay.url.clone()]).await;
    let draw = format!("/v2/giveaways/{id}/winners/random");

    // Before the round's time: 409 naming the round and when it is due; no relay is asked.
    let r = app.post(&acct.key, &draw, draw_body()).await;
    r.expect_error(409);
    let message = r.body["error"]["message"].as_str().unwrap();
    assert!(message.contains("12040883") && message.contains(DUE), "{message}");
    assert!(
        relay.requests().is_empty(),
        "nothing is fetched before the round's time"
    );

    // Its time has come but the relay does not have it yet: still 409, and still no draw.
    app.clock.set(ROUND.published_at_ms() + 1_000);
    let r = app.post(&acct.key, &draw, draw_body()).await;
    r.expect_error(409);
    assert!(
        r.body["error"]["message"].as_str().unwrap().contains("12040883"),
        "{}",
        r.text
    );
    assert_eq!(relay.requests(), vec![ROUND.round]);
    let listed = app.get(&acct.key, &format!("/v2/giveaways/{id}/winners")).await;
    assert_eq!(listed.data().as_array().map(Vec::len), Some(0), "{}", listed.text);

    // Out: the draw takes it, verified, and the certificate carries it.
    relay.release(ROUND.round);
    let r = app.post(&acct.key, &draw, draw_body()).await;
    r.expect(201);
    let hash = r.data()["verification"]["sha256"].as_str().unwrap().to_owned();
    let (cert, pool, json) = fetch_and_verify(&app, &hash).await;
    let d = cert.drand.clone().expect("the certificate records the drand round");
    assert_eq!(d.round, ROUND.round);
    assert_eq!(d.randomness, ROUND.randomness);
    assert_eq!(d.signature, ROUND.signature);
    assert_eq!(d.chain.chain_hash, QUICKNET_HASH);
    assert_eq!(d.chain.public_key, QUICKNET_PUBLIC_KEY);
    assert_eq!(
        cert.beacon,
        format!("drand/{QUICKNET_HASH}/{}/{}", ROUND.round, ROUND.randomness)
    );
    assert_eq!(json["drand"]["round"], json!(ROUND.round));
    assert_eq!(json["drand"]["signature"], json!(ROUND.signature));
    assert_eq!(cert.winners.len(), 2);

    // Offline, the round is re-checked with the draw: another round's signature, or a
    // different randomness, is caught.
    let mut forged = cert.clone();
    if let Some(d) = forged.drand.as_mut() {
        d.signature = EARLY.signature.to_owned();
        d.randomness = EARLY.randomness.to_owned();
    }
    let fields: Vec<&str> = verify_certificate(&forged, &pool)
        .unwrap_err()
        .iter()
        .map(|m| m.field())
        .collect();
    assert!(fields.contains(&"drand"), "{fields:?}");
    let mut other_beacon = cert.clone();
    other_beacon.beacon = format!("drand/{QUICKNET_HASH}/{}/{}", EARLY.round, EARLY.randomness);
    assert!(verify_certificate(&other_beacon, &pool).is_err());

    // The page for people shows the beacon and that its signature verified.
    let page = app
        .http
        .get(app.url(&format!("/verify/{hash}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for needle in ["12040883", ROUND.randomness, QUICKNET_HASH, "signature verified"] {
        assert!(page.contains(needle), "the verify page shows {needle}");
    }
    // So does the PDF (its text is compressed; it is served and is a PDF).
    let pdf = app
        .http
        .get(app.url(&format!("/cert/{}.pdf", cert.draw_id.clone().unwrap())))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), 200);
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF"));
    running.stop().await;
}

async fn a_forged_round_is_refused_and_nothing_is_drawn(harness: TestApp) {
    let relay = DrandRelay::start(&QUICKNET_ROUNDS).await;
    let (app, running, acct, id) = drawn_setup(&harness, vec![relay.url.clone()]).await;
    app.clock.set(ROUND.published_at_ms() + 1_000);
    // The relay answers for round 12040883 with round 1000's genuine signature.
    relay.forge(ROUND.round, EARLY);
    let draw = format!("/v2/giveaways/{id}/winners/random");
    let r = app.post(&acct.key, &draw, draw_body()).await;
    r.expect_error(503);
    let message = r.body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("does not verify") && message.contains("No draw was made"),
        "{message}"
    );
    let listed = app.get(&acct.key, &format!("/v2/giveaways/{id}/winners")).await;
    assert_eq!(listed.data().as_array().map(Vec::len), Some(0), "{}", listed.text);
    let head: Value = app
        .http
        .get(app.url("/v1/log/tree-head"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(head["tree_size"], json!(0), "no draw was logged: {head}");
    // Once the relay serves the real round, the draw goes ahead with it.
    relay.unforge(ROUND.round);
    let r = app.post(&acct.key, &draw, draw_body()).await;
    r.expect(201);
    running.stop().await;
}

async fn unreachable_relays_are_reported_and_nothing_is_drawn(harness: TestApp) {
    let (app, running, acct, id) = drawn_setup(&harness, vec![DEAD_RELAY.to_owned()]).await;
    app.clock.set(ROUND.published_at_ms() + 1_000);
    let r = app
        .post(&acct.key, &format!("/v2/giveaways/{id}/winners/random"), draw_body())
        .await;
    r.expect_error(503);
    let message = r.body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("no drand relay could be reached") && message.contains("12040883"),
        "{message}"
    );
    let listed = app.get(&acct.key, &format!("/v2/giveaways/{id}/winners")).await;
    assert_eq!(listed.data().as_array().map(Vec::len), Some(0), "{}", listed.text);
    running.stop().await;
}

/// Runs the queue with the clock moved `ms` on first (past any retry's backoff).
async fn later(app: &TestApp, ms: i64) {
    app.clock.advance(ms);
    app.run_jobs().await;
}

async fn external(
    app: &TestApp,
    acct: &TestAccount,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> Reply {
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

/// The last error recorded on the jobs of `kind`.
async fn last_job_error(app: &TestApp, kind: &str) -> String {
    app.engine
        .db()
        .jobs_of_kind(Some(kind))
        .await
        .unwrap()
        .into_iter()
        .filter_map(|j| j.last_error)
        .next_back()
        .unwrap_or_default()
}

async fn a_chat_giveaway_draw_waits_in_the_queue_for_its_round(harness: TestApp) {
    let relay = DrandRelay::start(&QUICKNET_ROUNDS).await;
    let layer = ConfigLayer {
        drand_urls: Some(vec![relay.url.clone()]),
        ..ConfigLayer::default()
    };
    let (app, running) = support::start_with(harness.backend, layer).await;
    during_entries(&app);
    let acct = app.account().await;
    let r = external(
        &app,
        &acct,
        reqwest::Method::POST,
        "/external/giveaway",
        Some(json!({
            "title": "Chat on drand", "roomIds": ["r1"], "maxWinners": 2,
            "endTime": "2024-10-14T17:13:32Z",
            "fairness": { "beacon": "drand" },
        })),
    )
    .await;
    r.expect(201);
    let id = r.body["id"].as_i64().unwrap();
    let f = &r.body["fairness"];
    assert_eq!(f["beacon"], json!("drand"), "{}", r.text);
    assert_eq!(f["drand"]["round"], json!(ROUND.round), "{}", r.text);
    assert_eq!(f["drand"]["chain_hash"], json!(QUICKNET_HASH));
    assert_eq!(f["drand"]["public_key"], json!(QUICKNET_PUBLIC_KEY));
    let bad = external(
        &app,
        &acct,
        reqwest::Method::POST,
        "/external/giveaway",
        Some(
            json!({ "title": "x", "roomIds": ["r1"], "endTime": "2024-10-14T17:13:32Z", "fairness": { "beacon": 7 } }),
        ),
    )
    .await;
    bad.expect(400);
    assert!(bad.text.contains("fairness.beacon"), "{}", bad.text);
    // The end cannot move to the named round's time.
    let moved = external(
        &app,
        &acct,
        reqwest::Method::PATCH,
        &format!("/external/giveaway/{id}"),
        Some(json!({ "endTime": DUE })),
    )
    .await;
    moved.expect(400);
    assert!(moved.text.contains("12040883"), "{}", moved.text);
    for i in 0..6 {
        external(
            &app,
            &acct,
            reqwest::Method::POST,
            &format!("/external/giveaway/{id}/participants"),
            Some(json!({ "userId": format!("u{i}"), "roomId": "r1", "name": format!("Viewer {i}") })),
        )
        .await
        .expect(201);
    }
    let status = |app: TestApp, acct: TestAccount| async move {
        external(
            &app,
            &acct,
            reqwest::Method::GET,
            &format!("/external/giveaway/{id}"),
            None,
        )
        .await
    };

    // Ended, round not due: the queued draw waits, says why, and asks no relay.
    app.clock.set(ROUND.published_at_ms() - 500);
    app.run_jobs().await;
    assert_ne!(
        status(app.clone(), acct.clone()).await.body["status"],
        json!("FINISHED")
    );
    let why = last_job_error(&app, "chat.draw").await;
    assert!(
        why.contains("waits for its beacon") && why.contains("12040883"),
        "{why}"
    );
    assert!(relay.requests().is_empty());

    // Due, but the relay does not have it yet: still waiting.
    later(&app, 10 * support::MINUTE).await;
    assert_ne!(
        status(app.clone(), acct.clone()).await.body["status"],
        json!("FINISHED")
    );
    assert_eq!(relay.requests(), vec![ROUND.round]);

    // Out: the next retry draws with it.
    relay.release(ROUND.round);
    later(&app, 10 * support::MINUTE).await;
    let g = status(app.clone(), acct.clone()).await;
    assert_eq!(g.body["status"], json!("FINISHED"), "{}", g.text);
    let hash = g.body["verifyUrl"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let (cert, _pool, _) = fetch_and_verify(&app, &hash).await;
    let d = cert.drand.expect("the chat draw's certificate records its round");
    assert_eq!((d.round, d.randomness.as_str()), (ROUND.round, ROUND.randomness));
    running.stop().await;
}

async fn a_v1_draw_on_drand_is_finished_by_the_queue(harness: TestApp) {
    let relay = DrandRelay::start(&QUICKNET_ROUNDS).await;
    let layer = ConfigLayer {
        drand_urls: Some(vec![relay.url.clone()]),
        ..ConfigLayer::default()
    };
    let (app, running) = support::start_with(harness.backend, layer).await;
    // Two seconds before round 12040883: it is the first published after the request.
    app.clock.set(ROUND.published_at_ms() - 2_000);
    let acct = app.account().await;
    let url = crate::v1_support::upload_csv(&app, &acct.key, "username,comment\nana,hi\nbo,hey\ncy,yo\ndee,ok\n").await;
    let bad = app
        .post(
            &acct.key,
            "/v1/draws",
            json!({ "url": url, "winners": 1, "beacon": "sometimes" }),
        )
        .await;
    crate::v1_support::assert_v1_error(&bad, 422, "validation_error");
    let r = app
        .post(
            &acct.key,
            "/v1/draws",
            json!({ "url": url, "winners": 2, "extras": 1, "beacon": "drand" }),
        )
        .await;
    r.expect(202);
    assert_eq!(r.body["status"], json!("processing"), "{}", r.text);
    let draw_id = r.body["id"].as_str().unwrap().to_owned();
    let get = |app: TestApp, key: String, id: String| async move { app.get(&key, &format!("/v1/draws/{id}")).await };

    // Nothing runs before the round is due.
    app.run_jobs().await;
    assert_eq!(
        get(app.clone(), acct.key.clone(), draw_id.clone()).await.body["status"],
        json!("processing")
    );
    assert!(relay.requests().is_empty());
    // Due, not yet served: the job retries and says so.
    app.clock.set(ROUND.published_at_ms());
    app.run_jobs().await;
    assert_eq!(relay.requests(), vec![ROUND.round]);
    let why = last_job_error(&app, "comment_draw.run").await;
    assert!(why.contains("12040883"), "{why}");
    // Served: completed with the round in its certificate.
    relay.release(ROUND.round);
    later(&app, 10 * support::MINUTE).await;
    let done = get(app.clone(), acct.key.clone(), draw_id.clone()).await;
    assert_eq!(done.body["status"], json!("completed"), "{}", done.text);
    let hash = done.body["verification"]["sha256"].as_str().unwrap().to_owned();
    let (cert, _pool, _) = fetch_and_verify(&app, &hash).await;
    let d = cert.drand.expect("the /v1 certificate records its round");
    assert_eq!((d.round, d.signature.as_str()), (ROUND.round, ROUND.signature));
    running.stop().await;
}
