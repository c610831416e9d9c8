//! Contract scenarios for public verification on `/v1/verify`: no key, the certificate of
//! spec §7, the pool as CSV, inclusion proofs, and `/v1`-style errors.

use crate::scenarios;
use crate::support::TestApp;
use crate::winners::{enter, fetch_and_verify, published};
use fairdraw_core::draw::{Hash32, InclusionProof, verify_certificate, verify_proof};
use serde_json::{Value, json};

scenarios!(
    certificate_pool_and_proofs_are_public,
    bad_and_unknown_hashes_are_refused_in_v1_style,
    the_served_pool_is_what_the_certificate_binds,
);

/// GET without a key; (status, content type, body as JSON or text).
async fn public_get(app: &TestApp, path: &str) -> (u16, String, String) {
    let r = app.http.get(app.url(path)).send().await.unwrap();
    let status = r.status().as_u16();
    let content_type = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, content_type, r.text().await.unwrap())
}

#[track_caller]
fn assert_v1_error(status: u16, text: &str, expected: u16, kind: &str) {
    assert_eq!(status, expected, "{text}");
    let body: Value = serde_json::from_str(text).unwrap();
    assert_eq!(body["error"]["code"], json!(kind), "{text}");
    assert!(body["error"].get("param").is_some(), "{text}");
    assert!(
        body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{text}"
    );
    assert!(body.get("success").is_none(), "/v1 has no envelope: {text}");
}

async fn certificate_pool_and_proofs_are_public(app: TestApp) {
    let (acct, id, g) = published(&app, json!({ "title": "Spring Giveaway" })).await;
    let mut ids = Vec::new();
    for i in 0..9 {
        ids.push(enter(&app, &g, &format!("v{i}@example.com"), i + 1, true).await);
    }
    let outsider = {
        let (_, _, other) = published(&app, json!({})).await;
        enter(&app, &other, "outsider@example.com", 1, true).await
    };
    let d = app
        .post(
            &acct.key,
            &format!("/v2/giveaways/{id}/winners/random"),
            json!({ "count": 2 }),
        )
        .await;
    d.expect(201);
    let hash = d.data()["verification"]["sha256"].as_str().unwrap().to_owned();

    let (cert, pool, json) = fetch_and_verify(&app, &hash).await;
    // Every field of spec §7 is there.
    for field in [
        "protocol",
        "draw_id",
        "subject",
        "pool_hash",
        "pool_size",
        "total_weight",
        "pool_root",
        "commitment",
        "committed_at",
        "server_seed",
        "round",
        "beacon",
        "winners",
        "extras",
        "draw_seed",
        "result_hash",
        "signature",
        "public_key",
        "drawn_at",
        "pool_url",
    ] {
        assert!(json.get(field).is_some_and(|v| !v.is_null()), "{field} missing: {json}");
    }
    assert_eq!(json["protocol"], json!("fairdraw-draw-v1"));
    assert_eq!(json["subject"]["giveaway_id"], json!(id));
    assert_eq!(json["subject"]["title"], json!("Spring Giveaway"));
    assert_eq!(json["drawn_at"], json!("2026-06-15T12:00:00Z"));
    assert_eq!(json["committed_at"], json!("2026-06-15T12:00:00Z"));
    assert_eq!(cert.pool_size, 9);
    assert_eq!(cert.total_weight, 45);
    assert!(!json.to_string().contains('@'), "no e-mail in a certificate: {json}");
    // The hash is found in any case.
    let (status, _, _) = public_get(&app, &format!("/v1/verify/{}", hash.to_uppercase())).await;
    assert_eq!(status, 200);

    // Each entrant can prove they were in, with their weight, against the certificate.
    for (i, user) in ids.iter().enumerate() {
        let (status, content_type, text) = public_get(&app, &format!("/v1/verify/{hash}/proof/{user}")).await;
        assert_eq!(status, 200, "{text}");
        assert!(content_type.starts_with("application/json"));
        let proof: InclusionProof = serde_json::from_str(&text).unwrap();
        assert_eq!(&proof.id, user);
        assert_eq!(proof.weight, i as u64 + 1);
        assert_eq!(Some(proof.index as usize), pool.position(user));
        verify_proof(&proof, &cert.pool_hash).unwrap();
        assert!(verify_proof(&proof, &Hash32([0; 32])).is_err());
    }
    let (status, _, text) = public_get(&app, &format!("/v1/verify/{hash}/proof/{outsider}")).await;
    assert_v1_error(status, &text, 404, "not_found");

    // The signing key is public and stable.
    let (status, content_type, text) = public_get(&app, "/v1/verify/key").await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("application/json"));
    let key: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(key["public_key"], json!(app.engine.signing_key().public_key().to_hex()));
    assert_eq!(key["public_key"].as_str().unwrap().len(), 64);
}

async fn bad_and_unknown_hashes_are_refused_in_v1_style(app: TestApp) {
    let unknown = "0".repeat(64);
    for path in [
        format!("/v1/verify/{unknown}"),
        format!("/v1/verify/{unknown}/pool"),
        format!("/v1/verify/{unknown}/proof/someone"),
        "/v1/no-such-route".to_owned(),
    ] {
        let (status, _, text) = public_get(&app, &path).await;
        assert_v1_error(status, &text, 404, "not_found");
    }
    for bad in ["abc", &"g".repeat(64), &"a".repeat(65)] {
        for path in [
            format!("/v1/verify/{bad}"),
            format!("/v1/verify/{bad}/pool"),
            format!("/v1/verify/{bad}/proof/someone"),
        ] {
            let (status, _, text) = public_get(&app, &path).await;
            assert_v1_error(status, &text, 400, "invalid_request");
        }
    }
}

async fn the_served_pool_is_what_the_certificate_binds(app: TestApp) {
    let (acct, id, g) = published(&app, json!({})).await;
    for i in 0..6 {
        enter(&app, &g, &format!("q{i}@example.com"), i + 1, true).await;
    }
    let mut hashes = Vec::new();
    for _ in 0..2 {
        let d = app
            .post(
                &acct.key,
                &format!("/v2/giveaways/{id}/winners/random"),
                json!({ "count": 2 }),
            )
            .await;
        d.expect(201);
        hashes.push(d.data()["verification"]["sha256"].as_str().unwrap().to_owned());
    }
    let (first, first_pool, _) = fetch_and_verify(&app, &hashes[0]).await;
    let (second, second_pool, _) = fetch_and_verify(&app, &hashes[1]).await;
    // The second round drew from the pool without the first round's winners.
    assert_eq!(first_pool.len(), 6);
    assert_eq!(second_pool.len(), 4);
    assert!(verify_certificate(&first, &second_pool).is_err());
    assert!(verify_certificate(&second, &first_pool).is_err());
    let mut tampered = first.clone();
    tampered.winners.reverse();
    assert!(verify_certificate(&tampered, &first_pool).is_err());
    let mut heavier = first_pool.to_candidates();
    heavier[0].weight += 1;
    let heavier = fairdraw_core::draw::Pool::new(heavier).unwrap();
    assert!(verify_certificate(&first, &heavier).is_err());
    // The CSV is exactly `id,weight` lines in canonical order.
    let (_, _, text) = public_get(&app, &format!("/v1/verify/{}/pool", hashes[0])).await;
    let expected: String = std::iter::once("id,weight".to_owned())
        .chain(first_pool.iter().map(|c| format!("{},{}", c.id, c.weight)))
        .map(|l| l + "\n")
        .collect();
    assert_eq!(text, expected);
}
