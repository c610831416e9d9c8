//! Contract scenarios for `/v2/giveaways/{id}/winners`: random draws that anyone can re-check,
//! eligibility, rounds, concurrency, prizes and codes, manual picks and removals.

use crate::scenarios;
use crate::support::{TestAccount, TestApp};
use fairdraw_core::draw::{Certificate, Pool, PublicKey, draw, verify_certificate};
use fairdraw_server::engine::Giveaway;
use fairdraw_store::entries::{Entrant, NewEntry};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashSet};

scenarios!(
    a_random_draw_is_verifiable_without_a_key,
    rounds_advance_and_previous_winners_are_excluded,
    eligibility_follows_entries_and_standing,
    points_mode_gives_one_ticket_each,
    bad_requests_and_unpublished_giveaways_are_refused,
    concurrent_draws_never_collide,
    prizes_go_in_order_with_codes_and_come_back_on_removal,
    manual_winners_are_recorded_as_such,
    another_brand_gets_404_everywhere,
);

/// A published giveaway of a fresh account, with its engine view for recording entries.
pub async fn published(app: &TestApp, overrides: Value) -> (TestAccount, i64, Giveaway) {
    let acct = app.account().await;
    let mut body = json!({ "is_draft": false });
    if let (Some(b), Some(o)) = (body.as_object_mut(), overrides.as_object()) {
        b.extend(o.clone());
    }
    let id = app.create_giveaway(&acct.key, body).await;
    let who = app.engine.authenticate_secret(&acct.key).await.unwrap();
    let g = app.engine.owned_giveaway(&who, id).await.unwrap();
    (acct, id, g)
}

/// Records `amount` entries for `email` (verified or not) and returns the user_id.
pub async fn enter(app: &TestApp, g: &Giveaway, email: &str, amount: i64, verified: bool) -> String {
    let entrant = Entrant {
        email: email.to_owned(),
        name: format!("Name of {email}"),
        country: Some("US".to_owned()),
        birthday: None,
        ip: None,
        referred_by_code: None,
        verified,
    };
    let entry = NewEntry {
        entry_method_id: None,
        method_type: 1,
        amount,
        value: None,
    };
    app.engine
        .record_entries(g, entrant, vec![entry])
        .await
        .unwrap()
        .unwrap()
        .user_id
}

/// The certificate and the pool of a draw, fetched without a key, and the pool checked against
/// the certificate (and the signature against the instance's published key).
pub async fn fetch_and_verify(app: &TestApp, hash: &str) -> (Certificate, Pool, Value) {
    let reply = app
        .http
        .get(app.url(&format!("/v1/verify/{hash}")))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
    let cert_json: Value = reply.json().await.unwrap();
    let cert: Certificate = serde_json::from_value(cert_json.clone()).unwrap();
    let pool_url = format!("https://fairdraw.test/v1/verify/{hash}/pool");
    assert_eq!(cert.pool_url.as_deref(), Some(pool_url.as_str()));
    let csv = app
        .http
        .get(app.url(&format!("/v1/verify/{hash}/pool")))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"),
        "{:?}",
        csv.headers()
    );
    let text = csv.text().await.unwrap();
    assert!(!text.contains('@'), "the pool never holds e-mail addresses: {text}");
    let pool = parse_pool(&text);
    verify_certificate(&cert, &pool).unwrap_or_else(|m| panic!("certificate does not verify: {m:?}"));
    let key: Value = app
        .http
        .get(app.url("/v1/verify/key"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(key["algorithm"], json!("ed25519"));
    let published = PublicKey::from_hex(key["public_key"].as_str().unwrap()).unwrap();
    assert_eq!(cert.public_key, Some(published));
    (cert, pool, cert_json)
}

/// CSV `id,weight` as the pool endpoint serves it.
pub fn parse_pool(text: &str) -> Pool {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(reader.headers().unwrap(), vec!["id", "weight"]);
    let candidates = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            fairdraw_core::draw::Candidate::new(&r[0], r[1].parse().unwrap())
        })
        .collect::<Vec<_>>();
    // Served in canonical order already.
    let ids: Vec<&str> = candidates.iter().map(|c| c.id.as_str()).collect();
    assert!(
        ids.windows(2).all(|w| w[0].as_bytes() < w[1].as_bytes()),
        "canonical order"
    );
    Pool::new(candidates).unwrap()
}

fn user_ids(reply: &Value) -> Vec<String> {
    reply["winners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["user_id"].as_str().unwrap().to_owned())
        .collect()
}

async fn random(app: &TestApp, key: &str, id: i64, body: Value) -> Value {
    let reply = app.post(key, &format!("/v2/giveaways/{id}/winners/random"), body).await;
    reply.expect(201);
    reply.data().clone()
}

async fn a_random_draw_is_verifiable_without_a_key(app: TestApp) {
    let (acct, id, g) = published(&app, json!({})).await;
    let mut weights = BTreeMap::new();
    for i in 0..12 {
        let user_id = enter(&app, &g, &format!("person{i}@example.com"), i % 4 + 1, true).await;
        weights.insert(user_id, (i % 4 + 1) as u64);
    }
    // The reference's example body (with a threshold everyone meets here), plus a field it does not know.
    let d = random(
        &app,
        &acct.key,
        id,
        json!({ "count": 3, "min_entries": 1, "exclude_previous_winners": true, "unknown": 1 }),
    )
    .await;
    assert_eq!(d["winners_selected"], json!(3));
    assert_eq!(d["winners_requested"], json!(3));
    assert_eq!(d["eligible_pool_size"], json!(12));
    assert_eq!(d["round"], json!(0));
    for w in d["winners"].as_array().unwrap() {
        let email = w["email"].as_str().unwrap();
        assert_eq!(w["name"], json!(format!("Name of {email}")));
        assert_eq!(w["country"], json!("US"));
    }
    let hash = d["verification"]["sha256"].as_str().unwrap().to_owned();
    let draw_id = d["draw_id"].as_str().unwrap();
    assert!(draw_id.starts_with("drw_") && draw_id.len() == 24, "{draw_id}");
    assert_eq!(
        d["verification"]["verify_url"],
        json!(format!("https://fairdraw.test/verify/{hash}"))
    );
    assert_eq!(
        d["verification"]["certificate_pdf"],
        json!(format!("https://fairdraw.test/cert/{draw_id}.pdf"))
    );

    let (cert, pool, _) = fetch_and_verify(&app, &hash).await;
    assert_eq!(cert.winners, user_ids(&d));
    assert_eq!(cert.draw_id.as_deref(), Some(draw_id));
    assert_eq!(cert.round, 0);
    assert_eq!(cert.result_hash.to_hex(), hash);
    // The pool is every entrant with their entries as weight.
    let served: BTreeMap<String, u64> = pool.iter().map(|c| (c.id.to_owned(), c.weight)).collect();
    assert_eq!(served, weights);
    // The seed revealed is the one committed to when the giveaway was published.
    let details = app.get(&acct.key, &format!("/v2/giveaways/{id}")).await;
    assert_eq!(
        details.data()["fairness"]["commitment"],
        json!(cert.commitment.to_hex())
    );
    assert_eq!(cert.server_seed.commitment(), cert.commitment);
    // Re-running with the revealed seed gives the same winners.
    assert_eq!(draw(&pool, &cert.draw_input()).winners, cert.winners);

    let list = app.get(&acct.key, &format!("/v2/giveaways/{id}/winners")).await;
    list.expect(200);
    let rows = list.data().as_array().unwrap();
    assert_eq!(rows.len(), 3);
    let listed: Vec<&str> = rows.iter().map(|r| r["user_id"].as_str().unwrap()).collect();
    assert_eq!(listed, cert.winners.iter().map(String::as_str).collect::<Vec<_>>());
    for r in rows {
        assert!(r["entry_id"].as_i64().is_some());
        assert_eq!(r["display_winner"], json!(1));
        assert_eq!(r["prize_info"], Value::Null);
        assert_eq!(r["timestamp"], json!("2026-06-15 12:00:00"));
        assert_eq!(r["selection"], json!("random"));
        assert_eq!(r["draw_id"], json!(draw_id));
        assert!(r["email"].as_str().unwrap().ends_with("@example.com"));
    }
    assert_eq!(
        list.body["pagination"],
        json!({ "page": 1, "per_page": 20, "total": 3, "total_pages": 1, "has_more": false })
    );
    let page = app
        .get(&acct.key, &format!("/v2/giveaways/{id}/winners?page=2&per_page=2"))
        .await;
    assert_eq!(page.data().as_array().unwrap().len(), 1);
    assert_eq!(page.body["pagination"]["has_more"], json!(false));
    app.get(&acct.key, &format!("/v2/giveaways/{id}/winners?page=x"))
        .await
        .expect_error(400);
}

async fn rounds_advance_and_previous_winners_are_excluded(app: TestApp) {
    let (acct, id, g) = published(&app, json!({})).await;
    let mut everyone = BTreeSet::new();
    for i in 0..5 {
        everyone.insert(enter(&app, &g, &format!("r{i}@example.com"), 2, true).await);
    }
    let mut won = BTreeSet::new();
    let mut hashes = Vec::new();
    for (round, expected) in [(0, 2), (1, 2), (2, 1)] {
        let d = random(&app, &acct.key, id, json!({ "count": 2 })).await;
        assert_eq!(d["round"], json!(round));
        assert_eq!(d["winners_requested"], json!(2));
        assert_eq!(d["winners_selected"], json!(expected), "{d}");
        assert_eq!(d["eligible_pool_size"], json!(5 - won.len()));
        for w in user_ids(&d) {
            assert!(won.insert(w), "a current winner was drawn again");
        }
        hashes.push(d["verification"]["sha256"].as_str().unwrap().to_owned());
    }
    assert_eq!(won, everyone);
    // Nobody left: a clear 422, and no round is spent on it.
    let empty = app
        .post(
            &acct.key,
            &format!("/v2/giveaways/{id}/winners/random"),
            json!({ "count": 1 }),
        )
        .await;
    empty.expect_error(422);
    assert!(
        empty.body["error"]["details"]["eligible_pool_size"]
            .as_str()
            .unwrap()
            .contains("No participant is eligible")
    );
    // Without the exclusion everyone is in the pool again, in the next round.
    let d = random(
        &app,
        &acct.key,
        id,
        json!({ "count": 2, "exclude_previous_winners": false }),
    )
    .await;
    assert_eq!(d["round"], json!(3));
    assert_eq!(d["eligible_pool_size"], json!(5));
    hashes.push(d["verification"]["sha256"].as_str().unwrap().to_owned());
    for (round, hash) in hashes.iter().enumerate() {
        let (cert, _, _) = fetch_and_verify(&app, hash).await;
        assert_eq!(cert.round as usize, round);
    }
    assert_eq!(hashes.iter().collect::<HashSet<_>>().len(), 4);
}

async fn eligibility_follows_entries_and_standing(app: TestApp) {
    let (acct, id, g) = published(&app, json!({})).await;
    let few = enter(&app, &g, "few@example.com", 1, true).await;
    let many = enter(&app, &g, "many@example.com", 5, true).await;
    // The same person entering twice adds up.
    enter(&app, &g, "many@example.com", 2, true).await;
    let banned = enter(&app, &g, "banned@example.com", 9, true).await;
    let disqualified = enter(&app, &g, "dq@example.com", 9, true).await;
    enter(&app, &g, "unverified@example.com", 9, false).await;
    for (who, action) in [(&banned, "ban"), (&disqualified, "disqualify")] {
        app.post(
            &acct.key,
            &format!("/v2/giveaways/{id}/participants/{who}/{action}"),
            json!({}),
        )
        .await
        .expect(200);
    }

    // min_entries 5: only `many` qualifies.
    let d = random(
        &app,
        &acct.key,
        id,
        json!({ "count": 100, "min_entries": 5, "exclude_previous_winners": false }),
    )
    .await;
    assert_eq!(d["eligible_pool_size"], json!(1));
    assert_eq!(user_ids(&d), vec![many.clone()]);
    let (_, pool, _) = fetch_and_verify(&app, d["verification"]["sha256"].as_str().unwrap()).await;
    assert_eq!(pool.to_candidates(), [fairdraw_core::draw::Candidate::new(&many, 7)]);

    // Without a threshold: the two in good standing, weighted by their valid entries.
    let d = random(
        &app,
        &acct.key,
        id,
        json!({ "count": 100, "exclude_previous_winners": false }),
    )
    .await;
    assert_eq!(d["eligible_pool_size"], json!(2));
    assert_eq!(d["winners_selected"], json!(2));
    let (_, pool, _) = fetch_and_verify(&app, d["verification"]["sha256"].as_str().unwrap()).await;
    let served: BTreeMap<String, u64> = pool.iter().map(|c| (c.id.to_owned(), c.weight)).collect();
    assert_eq!(served, BTreeMap::from([(few, 1), (many, 7)]));
}

async fn points_mode_gives_one_ticket_each(app: TestApp) {
    let (acct, id, g) = published(&app, json!({ "settings": { "entries_or_points": "points" } })).await;
    for (i, amount) in [1, 10, 100].into_iter().enumerate() {
        enter(&app, &g, &format!("p{i}@example.com"), amount, true).await;
    }
    let d = random(&app, &acct.key, id, json!({ "count": 1 })).await;
    let (cert, pool, _) = fetch_and_verify(&app, d["verification"]["sha256"].as_str().unwrap()).await;
    assert_eq!(pool.len(), 3);
    assert!(pool.iter().all(|c| c.weight == 1));
    assert_eq!(cert.total_weight, 3);
}

async fn bad_requests_and_unpublished_giveaways_are_refused(app: TestApp) {
    let (acct, id, g) = published(&app, json!({})).await;
    let path = format!("/v2/giveaways/{id}/winners/random");
    // Nobody has entered yet.
    app.post(&acct.key, &path, json!({ "count": 1 }))
        .await
        .expect_error(422);
    enter(&app, &g, "one@example.com", 1, true).await;
    for (body, field) in [
        (json!({}), "count"),
        (json!({ "count": 0 }), "count"),
        (json!({ "count": 101 }), "count"),
        (json!({ "count": 1, "min_entries": -1 }), "min_entries"),
    ] {
        let r = app.post(&acct.key, &path, body).await;
        r.expect_error(422);
        assert!(r.body["error"]["details"][field].is_string(), "{}", r.text);
    }
    for body in [
        json!({ "count": "3" }),
        json!({ "count": 1.5 }),
        json!({ "count": 1, "exclude_previous_winners": "yes" }),
    ] {
        app.post(&acct.key, &path, body).await.expect_error(400);
    }
    // 100 is allowed, and asking for more than there are takes everyone.
    let d = random(&app, &acct.key, id, json!({ "count": 100 })).await;
    assert_eq!(d["winners_selected"], json!(1));
    assert_eq!(d["winners_requested"], json!(100));

    // A draft has published no commitment: drawing is refused, and nothing is recorded.
    let draft = app.create_giveaway(&acct.key, json!({ "is_draft": true })).await;
    let r = app
        .post(
            &acct.key,
            &format!("/v2/giveaways/{draft}/winners/random"),
            json!({ "count": 1 }),
        )
        .await;
    r.expect_error(409);
    assert!(
        r.body["error"]["message"].as_str().unwrap().contains("publish"),
        "{}",
        r.text
    );
    let list = app.get(&acct.key, &format!("/v2/giveaways/{draft}/winners")).await;
    assert_eq!(list.body["pagination"]["total"], json!(0));
}

async fn concurrent_draws_never_collide(app: TestApp) {
    let (acct, id, g) = published(&app, json!({})).await;
    for i in 0..30 {
        enter(&app, &g, &format!("c{i}@example.com"), i % 3 + 1, true).await;
    }
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let app = app.clone();
        let key = acct.key.clone();
        tasks.push(tokio::spawn(async move {
            let r = app
                .post(
                    &key,
                    &format!("/v2/giveaways/{id}/winners/random"),
                    json!({ "count": 3 }),
                )
                .await;
            r.expect(201);
            r.data().clone()
        }));
    }
    let mut rounds = BTreeSet::new();
    let mut winners = HashSet::new();
    let mut hashes = Vec::new();
    for t in tasks {
        let d = t.await.unwrap();
        assert!(rounds.insert(d["round"].as_i64().unwrap()), "a round was reused");
        for w in user_ids(&d) {
            assert!(winners.insert(w), "someone was picked twice");
        }
        hashes.push(d["verification"]["sha256"].as_str().unwrap().to_owned());
    }
    assert_eq!(rounds, (0..8).collect());
    assert_eq!(winners.len(), 24);
    let list = app
        .get(&acct.key, &format!("/v2/giveaways/{id}/winners?per_page=100"))
        .await;
    assert_eq!(list.body["pagination"]["total"], json!(24));
    for hash in &hashes {
        fetch_and_verify(&app, hash).await;
    }
}

async fn prizes_go_in_order_with_codes_and_come_back_on_removal(app: TestApp) {
    let (acct, id, g) = published(&app, json!({})).await;
    for i in 0..6 {
        enter(&app, &g, &format!("z{i}@example.com"), 1, true).await;
    }
    let prizes = format!("/v2/giveaways/{id}/prizes");
    app.post(
        &acct.key,
        &prizes,
        json!({ "prize_name": "Grand Prize", "prize_value": "$500 Gift Card", "prize_winners_allowed": 1 }),
    )
    .await
    .expect(201);
    app.post(
        &acct.key,
        &prizes,
        json!({ "prize_name": "Runner Up", "prize_value": "50", "prize_winners_allowed": 2,
                "redemption_switch": true, "redemption_codes": "CODE-A\nCODE-B\nCODE-C" }),
    )
    .await
    .expect(201);

    let d = random(&app, &acct.key, id, json!({ "count": 4 })).await;
    let drawn = user_ids(&d);
    let hash = d["verification"]["sha256"].as_str().unwrap().to_owned();
    let list = app.get(&acct.key, &format!("/v2/giveaways/{id}/winners")).await;
    let rows = list.data().as_array().unwrap().clone();
    let prize_of =
        |user: &str| -> Value { rows.iter().find(|r| r["user_id"] == json!(user)).unwrap()["prize_info"].clone() };
    assert_eq!(
        prize_of(&drawn[0]),
        json!({ "prize_name": "Grand Prize", "prize_value": "$500 Gift Card" })
    );
    assert_eq!(
        prize_of(&drawn[1]),
        json!({ "prize_name": "Runner Up", "prize_value": "50" })
    );
    assert_eq!(
        prize_of(&drawn[2]),
        json!({ "prize_name": "Runner Up", "prize_value": "50" })
    );
    assert_eq!(prize_of(&drawn[3]), Value::Null);
    let listed = app.get(&acct.key, &prizes).await;
    assert_eq!(listed.data()[0]["prize_winners_redeemed"], json!(1));
    assert_eq!(listed.data()[1]["prize_winners_redeemed"], json!(2));
    assert_eq!(listed.data()[1]["redemption_codes_available"], json!(1));
    let codes: Vec<(i64,)> =
        sqlx::query_as("SELECT winner_id FROM prize_codes WHERE winner_id IS NOT NULL ORDER BY position")
            .fetch_all(app.engine.db().reader())
            .await
            .unwrap();
    assert_eq!(codes.len(), 2, "one code per winner of the prize with codes");

    // Remove a runner-up: recorded, the prize comes back, the code stays spent.
    let runner_up = rows.iter().find(|r| r["user_id"] == json!(drawn[1])).unwrap();
    let entry_id = runner_up["entry_id"].as_i64().unwrap();
    let remove = format!("/v2/giveaways/{id}/winners/{entry_id}");
    let r = app.delete(&acct.key, &remove).await;
    r.expect(204);
    assert!(r.text.is_empty());
    app.delete(&acct.key, &remove).await.expect_error(404);
    app.delete(&acct.key, &format!("/v2/giveaways/{id}/winners/999999"))
        .await
        .expect_error(404);
    app.delete(&acct.key, &format!("/v2/giveaways/{id}/winners/abc"))
        .await
        .expect_error(404);
    let listed = app.get(&acct.key, &prizes).await;
    assert_eq!(listed.data()[1]["prize_winners_redeemed"], json!(1));
    assert_eq!(listed.data()[1]["redemption_codes_available"], json!(1));
    let list = app.get(&acct.key, &format!("/v2/giveaways/{id}/winners")).await;
    assert_eq!(list.body["pagination"]["total"], json!(3));
    assert!(
        list.data()
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["user_id"] != json!(drawn[1]))
    );

    // The draw is unchanged and still verifies; the removal is shown beside it.
    let (cert, _, _) = fetch_and_verify(&app, &hash).await;
    assert_eq!(cert.winners, drawn);
    let shown = app
        .engine
        .published_draw_by_hash("https://fairdraw.test", &hash)
        .await
        .unwrap();
    assert_eq!(shown.removed_winners, [drawn[1].clone()]);
    assert_eq!(shown.giveaway_id, id);

    // Disqualifying a winner gives their prize back too.
    app.post(
        &acct.key,
        &format!("/v2/giveaways/{id}/participants/{}/disqualify", drawn[0]),
        json!({}),
    )
    .await
    .expect(200);
    let listed = app.get(&acct.key, &prizes).await;
    assert_eq!(listed.data()[0]["prize_winners_redeemed"], json!(0));

    // The next draw fills the freed places in prize order; the removed runner-up is eligible again.
    let d = random(&app, &acct.key, id, json!({ "count": 3 })).await;
    assert_eq!(d["round"], json!(1));
    assert_eq!(
        d["eligible_pool_size"],
        json!(3),
        "6 entrants - 1 disqualified - 2 current winners"
    );
    let listed = app.get(&acct.key, &prizes).await;
    assert_eq!(listed.data()[0]["prize_winners_redeemed"], json!(1));
    assert_eq!(listed.data()[1]["prize_winners_redeemed"], json!(2));
    assert_eq!(listed.data()[1]["redemption_codes_available"], json!(0));
    fetch_and_verify(&app, d["verification"]["sha256"].as_str().unwrap()).await;
}

async fn manual_winners_are_recorded_as_such(app: TestApp) {
    let (acct, id, g) = published(&app, json!({})).await;
    let jane = enter(&app, &g, "jane@example.com", 3, true).await;
    let mike = enter(&app, &g, "mike@example.com", 1, true).await;
    let unverified = enter(&app, &g, "pending@example.com", 1, false).await;
    let banned = enter(&app, &g, "banned@example.com", 1, true).await;
    app.post(
        &acct.key,
        &format!("/v2/giveaways/{id}/participants/{banned}/ban"),
        json!({}),
    )
    .await
    .expect(200);
    app.post(
        &acct.key,
        &format!("/v2/giveaways/{id}/prizes"),
        json!({ "prize_name": "Grand Prize", "prize_value": "500", "prize_winners_allowed": 1 }),
    )
    .await
    .expect(201);
    let path = format!("/v2/giveaways/{id}/winners/manual");

    // The reference's example body, by e-mail in any case.
    let r = app.post(&acct.key, &path, json!({ "email": "JANE@example.com" })).await;
    r.expect(201);
    assert_eq!(
        *r.data(),
        json!({ "user_id": jane, "name": "Name of jane@example.com", "email": "jane@example.com", "country": "US" })
    );
    app.post(&acct.key, &path, json!({ "email": "jane@example.com" }))
        .await
        .expect_error(409);
    app.post(&acct.key, &path, json!({ "user_id": jane }))
        .await
        .expect_error(409);
    let r = app
        .post(&acct.key, &path, json!({ "user_id": mike, "extra": true }))
        .await;
    r.expect(201);
    assert_eq!(r.data()["email"], json!("mike@example.com"));

    for body in [
        json!({}),
        json!({ "user_id": "", "email": "" }),
        json!({ "user_id": jane, "email": "jane@example.com" }),
        json!({ "email": "not-an-address" }),
    ] {
        app.post(&acct.key, &path, body).await.expect_error(422);
    }
    app.post(&acct.key, &path, json!({ "user_id": 5 }))
        .await
        .expect_error(400);
    app.post(&acct.key, &path, json!({ "email": "nobody@example.com" }))
        .await
        .expect_error(404);
    app.post(&acct.key, &path, json!({ "user_id": "no-such-user" }))
        .await
        .expect_error(404);
    let r = app.post(&acct.key, &path, json!({ "user_id": unverified })).await;
    r.expect_error(422);
    assert!(r.body["error"]["details"]["user_id"].is_string(), "{}", r.text);
    app.post(&acct.key, &path, json!({ "user_id": banned }))
        .await
        .expect_error(409);

    // Listed as manual picks, with no draw; the first got the prize.
    let list = app.get(&acct.key, &format!("/v2/giveaways/{id}/winners")).await;
    let rows = list.data().as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert!(
        rows.iter()
            .all(|r| r["selection"] == json!("manual") && r["draw_id"].is_null())
    );
    assert_eq!(rows[0]["user_id"], json!(jane));
    assert_eq!(rows[0]["prize_info"]["prize_name"], json!("Grand Prize"));
    assert!(rows[1]["prize_info"].is_null());

    // Manual winners are current winners: a random draw leaves them out, and no draw names them.
    let r = app
        .post(
            &acct.key,
            &format!("/v2/giveaways/{id}/winners/random"),
            json!({ "count": 1 }),
        )
        .await;
    r.expect_error(422);
    let n: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM draws WHERE giveaway_id = $1")
        .bind(id)
        .fetch_one(app.engine.db().reader())
        .await
        .unwrap();
    assert_eq!(n.0, 0);
}

async fn another_brand_gets_404_everywhere(app: TestApp) {
    let (acct, id, g) = published(&app, json!({})).await;
    let user = enter(&app, &g, "someone@example.com", 1, true).await;
    random(&app, &acct.key, id, json!({ "count": 1 })).await;
    let list = app.get(&acct.key, &format!("/v2/giveaways/{id}/winners")).await;
    let entry_id = list.data()[0]["entry_id"].as_i64().unwrap();

    let other = app.account().await;
    app.get(&other.key, &format!("/v2/giveaways/{id}/winners"))
        .await
        .expect_error(404);
    app.post(
        &other.key,
        &format!("/v2/giveaways/{id}/winners/random"),
        json!({ "count": 1, "exclude_previous_winners": false }),
    )
    .await
    .expect_error(404);
    app.post(
        &other.key,
        &format!("/v2/giveaways/{id}/winners/manual"),
        json!({ "user_id": user }),
    )
    .await
    .expect_error(404);
    app.delete(&other.key, &format!("/v2/giveaways/{id}/winners/{entry_id}"))
        .await
        .expect_error(404);
    // A winner id is only found under its own giveaway.
    let mine = app.create_giveaway(&acct.key, json!({ "is_draft": false })).await;
    app.delete(&acct.key, &format!("/v2/giveaways/{mine}/winners/{entry_id}"))
        .await
        .expect_error(404);
    app.get(&acct.key, "/v2/giveaways/999999/winners")
        .await
        .expect_error(404);
    // Nothing changed.
    let list = app.get(&acct.key, &format!("/v2/giveaways/{id}/winners")).await;
    assert_eq!(list.body["pagination"]["total"], json!(1));
}
