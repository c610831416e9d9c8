//! A `/v1` comment draw re-checks offline: upload comments, draw through the real binary, fetch
//! the certificate and the pool without a key, and run `fairdraw verify` on them.

mod support;

use std::process::Command;

const CSV: &str = "username,comment\nana,@bia\nbia,hi @ana and @cora\ncora,@dan\ndan,no tag\nana,again @eve\n";

#[test]
fn a_v1_comment_draw_verifies_offline_with_the_cli() {
    fairdraw_server::app::install_tls_provider();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_owned();
    let env = [("FAIRDRAW_DATA_DIR", data.as_str())];
    let key = support::create_account(&env, "Comments", 1_000, 1_000)["api_key"]
        .as_str()
        .unwrap()
        .to_owned();
    let server = support::serve(&env);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (cert, pool, drawn) = rt.block_on(async {
        let http = reqwest::Client::new();
        let base = &server.base;
        let up: serde_json::Value = http
            .post(format!("{base}/v1/comments/uploads"))
            .bearer_auth(&key)
            .header("content-type", "text/csv")
            .body(CSV)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let url = up["url"].as_str().expect("an upload:// url").to_owned();
        let drawn: serde_json::Value = http
            .post(format!("{base}/v1/draws"))
            .bearer_auth(&key)
            .json(&serde_json::json!({ "url": url, "winners": 2, "extras": 1, "filters": { "require_tag": true } }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let hash = drawn["verification"]["sha256"].as_str().expect("a hash").to_owned();
        let cert = http
            .get(format!("{base}/v1/verify/{hash}"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let pool = http
            .get(format!("{base}/v1/verify/{hash}/pool"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        (cert, pool, drawn)
    });
    assert!(server.terminate().success());
    assert_eq!(pool, "id,weight\nana,2\nbia,1\ncora,1\n");
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
    assert!(
        ok.status.success(),
        "verify failed: {out} {}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(out.contains("verified"), "{out}");
    for w in drawn["winners"].as_array().unwrap() {
        let name = &w["username"].as_str().unwrap()[1..];
        assert!(out.contains(name), "winner {name} missing from: {out}");
    }
    // A certificate that claims other winners does not verify.
    let mut tampered: serde_json::Value = serde_json::from_str(&cert).unwrap();
    tampered["winners"].as_array_mut().unwrap().swap(0, 1);
    let bad_path = dir.path().join("tampered.json");
    std::fs::write(&bad_path, tampered.to_string()).unwrap();
    assert!(!verify(&bad_path).status.success(), "a tampered certificate verified");
}
