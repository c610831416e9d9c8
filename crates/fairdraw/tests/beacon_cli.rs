//! A `/v2` draw on the public beacon, end to end with the real binary: `fairdraw serve` names a
//! drand round at publication, waits for it, takes it from a stand-in relay serving a real
//! quicknet round, and `fairdraw verify` re-checks the round's BLS signature and the draw offline
//! from what anyone can download.
//!
//! The round is quicknet's round 12040883 as drand published it; the instance is configured with
//! quicknet's chain hash and key but a genesis time moved so that this round falls due a few
//! seconds from now (the signature covers the round number only, so it verifies all the same).

mod support;

use fairdraw_core::time::format_utc;
use fairdraw_testkit::drand::{DrandRelay, QUICKNET_ROUNDS};
use serde_json::{Value, json};
use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[test]
fn a_draw_on_drand_verifies_offline_with_the_cli() {
    fairdraw_server::app::install_tls_provider();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let round = QUICKNET_ROUNDS[1];
    let relay = rt.block_on(DrandRelay::start(&QUICKNET_ROUNDS));
    relay.release(round.round);

    let now_s = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
    let due_s = now_s + 12;
    let genesis = due_s - (round.round as i64 - 1) * 3;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_owned();
    let genesis_text = genesis.to_string();
    let env = [
        ("FAIRDRAW_DATA_DIR", data.as_str()),
        ("FAIRDRAW_DRAND_URLS", relay.url.as_str()),
        ("FAIRDRAW_DRAND_GENESIS_TIME", genesis_text.as_str()),
    ];
    let key = support::create_account(&env, "Beacon", 1_000, 1_000)["api_key"]
        .as_str()
        .unwrap()
        .to_owned();
    let server = support::serve(&env);
    let base = server.base.clone();
    let (cert, pool, fairness) = rt.block_on(async {
        let http = reqwest::Client::new();
        let post = |path: String, body: Value| http.post(format!("{base}{path}")).bearer_auth(&key).json(&body).send();
        let created: Value = post(
            "/v2/giveaways".to_owned(),
            json!({
                "title": "On drand", "time_zone": "UTC", "is_draft": false,
                "start_time": format_utc((now_s - 3_600) * 1000),
                "end_time": format_utc((due_s - 1) * 1000),
                "fairness": { "beacon": "drand" },
            }),
        )
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
        let id = created["data"]["id"].as_i64().unwrap_or_else(|| panic!("{created}"));
        for who in ["ana", "bo", "cy"] {
            let r = post(
                format!("/v2/giveaways/{id}/entries"),
                json!({ "user_email": format!("{who}@example.com"), "user_name": who, "entry_amount": 2 }),
            )
            .await
            .unwrap();
            assert_eq!(r.status(), 201);
        }
        let details: Value = http
            .get(format!("{base}/v2/giveaways/{id}"))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        // Wait for the round's time; until then the draw is refused with 409.
        let early = post(format!("/v2/giveaways/{id}/winners/random"), json!({ "count": 1 }))
            .await
            .unwrap();
        assert_eq!(early.status(), 409);
        while SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64 <= due_s {
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        let drawn: Value = post(format!("/v2/giveaways/{id}/winners/random"), json!({ "count": 1 }))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let hash = drawn["data"]["verification"]["sha256"]
            .as_str()
            .unwrap_or_else(|| panic!("{drawn}"))
            .to_owned();
        let get = |path: String| http.get(format!("{base}{path}")).send();
        let cert = get(format!("/v1/verify/{hash}")).await.unwrap().text().await.unwrap();
        let pool = get(format!("/v1/verify/{hash}/pool"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        (cert, pool, details["data"]["fairness"].clone())
    });
    assert!(server.terminate().success());
    assert_eq!(fairness["drand"]["round"], json!(round.round), "{fairness}");

    let cert_path = dir.path().join("cert.json");
    let pool_path = dir.path().join("pool.csv");
    std::fs::write(&cert_path, &cert).unwrap();
    std::fs::write(&pool_path, &pool).unwrap();
    let verify = |cert: &std::path::Path| {
        Command::new(support::BIN)
            .args(["verify", cert.to_str().unwrap(), "--pool", pool_path.to_str().unwrap()])
            .output()
            .unwrap()
    };
    let ok = verify(&cert_path);
    let out = String::from_utf8_lossy(&ok.stdout);
    assert!(ok.status.success(), "verify failed: {out}");
    for needle in [
        "drand:",
        "round 12040883",
        "signature verified",
        round.randomness,
        "drand quicknet",
    ] {
        assert!(out.contains(needle), "{needle} missing from: {out}");
    }

    // Another round's genuine signature in its place: refused offline.
    let mut forged: Value = serde_json::from_str(&cert).unwrap();
    forged["drand"]["signature"] = json!(QUICKNET_ROUNDS[0].signature);
    forged["drand"]["randomness"] = json!(QUICKNET_ROUNDS[0].randomness);
    let forged_path = dir.path().join("forged.json");
    std::fs::write(&forged_path, forged.to_string()).unwrap();
    let bad = verify(&forged_path);
    assert!(!bad.status.success(), "a forged round verified");
    assert!(String::from_utf8_lossy(&bad.stdout).contains("drand"));

    // quicknet's hash with another key: refused.
    let mut other_key: Value = serde_json::from_str(&cert).unwrap();
    other_key["drand"]["public_key"] = json!(
        "a1ee12542360bf75742bcade13d6134e7d5283d9eb782887c47d3d9725f05805d37b0106b7f744395bf82c175dd7434a169e998f188a657a030d588892c0cd2c01f996aaf331c4d8bc5b9734bbe261d09e7d2d39ef88b635077f262bd7bbb30f"
    );
    let other_path = dir.path().join("other-key.json");
    std::fs::write(&other_path, other_key.to_string()).unwrap();
    assert!(!verify(&other_path).status.success(), "another key verified");
}
