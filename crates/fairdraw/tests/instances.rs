//! The real binary end to end. Several `fairdraw serve` processes on one database behave as one
//! service: they share rate limits (in the database, or in Redis when configured), and each
//! stops gracefully on SIGTERM. And a draw made through `/v2` re-runs offline with
//! `fairdraw verify` from what anyone can download without a key. The PostgreSQL and Redis trials are listed as ignored when their
//! `FAIRDRAW_TEST_*` variable is not set.

mod support;

use fairdraw_testkit::{POSTGRES_ENV, PostgresDatabase, REDIS_ENV, env_url};
use libtest_mimic::{Arguments, Trial};
use std::process::Command;
use support::serve;

fn create_account(env: &[(&str, &str)], rpd: u32) -> String {
    let v = support::create_account(env, "Shared", rpd, 10_000);
    for field in ["user_id", "website_id", "api_key", "public_key"] {
        assert!(!v[field].is_null(), "{field} missing from {v}");
    }
    v["api_key"].as_str().unwrap().to_owned()
}

/// Two instances, one quota of `rpd` requests a day: requests alternate between them, and the
/// one past the quota is refused by whichever instance receives it.
fn two_instances_share_one_quota(env: &[(&str, &str)]) {
    let rpd = 6;
    let key = create_account(env, rpd);
    let a = serve(env);
    let b = serve(env);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let http = reqwest::Client::new();
        let get = |base: &str| http.get(format!("{base}/v2/account")).bearer_auth(&key).send();
        for i in 0..rpd {
            let base = if i % 2 == 0 { &a.base } else { &b.base };
            let r = get(base).await.unwrap();
            assert_eq!(r.status(), 200, "request {i} to {base}");
        }
        for base in [&a.base, &b.base] {
            let r = get(base).await.unwrap();
            assert_eq!(r.status(), 429, "over the shared daily quota at {base}");
            assert!(r.headers().get("retry-after").is_some());
        }
    });
    assert!(a.terminate().success(), "instance a did not stop gracefully");
    assert!(b.terminate().success(), "instance b did not stop gracefully");
}

fn on_postgres() {
    let admin = env_url(POSTGRES_ENV).expect("PostgreSQL URL");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let db = rt.block_on(PostgresDatabase::create(&admin));
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    two_instances_share_one_quota(&[("FAIRDRAW_DATABASE_URL", &db.url), ("FAIRDRAW_DATA_DIR", data)]);
    rt.block_on(db.drop_now());
}

fn on_redis_with_sqlite() {
    let redis = env_url(REDIS_ENV).expect("Redis URL");
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    two_instances_share_one_quota(&[("FAIRDRAW_DATA_DIR", data), ("FAIRDRAW_REDIS_URL", &redis)]);
}

fn on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    two_instances_share_one_quota(&[("FAIRDRAW_DATA_DIR", data)]);
}

/// A /v2 random draw's certificate and pool, fetched without a key, verify with the CLI; a
/// tampered certificate does not.
fn v2_draw_verifies_offline() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_owned();
    let env = [("FAIRDRAW_DATA_DIR", data.as_str())];
    let key = create_account(&env, 1000);
    let server = serve(&env);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (cert, pool, winners) = rt.block_on(async {
        let http = reqwest::Client::new();
        let base = &server.base;
        let id = live_giveaway(&http, base, &key, 7).await;
        let drawn = draw(&http, base, &key, id, 3).await;
        let hash = drawn["data"]["verification"]["sha256"]
            .as_str()
            .expect("verification hash")
            .to_owned();
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
        let winners: Vec<String> = drawn["data"]["winners"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["user_id"].as_str().unwrap().to_owned())
            .collect();
        (cert, pool, winners)
    });
    assert!(server.terminate().success());
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
    assert!(
        out.contains("entry 0 of 1 in the transparency log") && out.contains("proof valid"),
        "{out}"
    );
    for w in &winners {
        assert!(out.contains(w.as_str()), "winner {w} missing from: {out}");
    }
    // Swap the first two winners: the order is part of the result.
    let mut tampered: serde_json::Value = serde_json::from_str(&cert).unwrap();
    tampered["winners"].as_array_mut().unwrap().swap(0, 1);
    let bad_path = dir.path().join("tampered.json");
    std::fs::write(&bad_path, tampered.to_string()).unwrap();
    let bad = verify(&bad_path);
    assert!(!bad.status.success(), "a tampered certificate verified");
}

/// A live giveaway (no key needed to enter) with `entrants` entries through the public API.
async fn live_giveaway(http: &reqwest::Client, base: &str, key: &str, entrants: usize) -> i64 {
    let created: serde_json::Value = http
        .post(format!("{base}/v2/giveaways"))
        .bearer_auth(key)
        .json(&serde_json::json!({
            "title": "Offline check", "start_time": "2020-01-01 00:00:00",
            "end_time": "2099-01-01 00:00:00", "time_zone": "UTC", "is_draft": false
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["data"]["id"].as_i64().expect("giveaway id");
    for i in 0..entrants {
        let r = http
            .post(format!("{base}/api/public/giveaways/{id}/entries"))
            .json(&serde_json::json!({ "name": format!("Person {i}"), "email": format!("p{i}@example.com"), "consent": true }))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "entry {i}: {}", r.text().await.unwrap());
    }
    id
}

/// `winners/random` with `count`; the answer's body.
async fn draw(http: &reqwest::Client, base: &str, key: &str, id: i64, count: u32) -> serde_json::Value {
    http.post(format!("{base}/v2/giveaways/{id}/winners/random"))
        .bearer_auth(key)
        .json(&serde_json::json!({ "count": count }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// `fairdraw log verify` checks a live server's log, saves its head, accepts the log after a
/// later draw, and catches the log once a past entry is rewritten in the database.
fn log_cli_catches_a_rewritten_log() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_owned();
    let env = [("FAIRDRAW_DATA_DIR", data.as_str())];
    let key = create_account(&env, 1000);
    let server = serve(&env);
    let head = dir.path().join("head.json");
    let head = head.to_str().unwrap();
    let log_verify = |extra: &[&str]| {
        let mut args = vec!["log", "verify", "--url", server.base.as_str()];
        args.extend_from_slice(extra);
        let out = Command::new(support::BIN).args(&args).output().unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let http = reqwest::Client::new();
    let id = rt.block_on(live_giveaway(&http, &server.base, &key, 4));
    rt.block_on(draw(&http, &server.base, &key, id, 1));
    let (ok, out) = log_verify(&["--save", head]);
    assert!(ok && out.contains("1 entries"), "{out}");

    rt.block_on(draw(&http, &server.base, &key, id, 1));
    let (ok, out) = log_verify(&["--tree-head", head]);
    assert!(ok && out.contains("2 entries") && out.contains("consistent"), "{out}");

    // Someone with access to the database swaps the first draw for another.
    rt.block_on(async {
        let db = fairdraw_store::Db::connect(&format!("sqlite://{data}/fairdraw.db"))
            .await
            .unwrap();
        sqlx::query("UPDATE translog_leaves SET result_hash = $1 WHERE idx = 0")
            .bind("ab".repeat(32))
            .execute(db.writer())
            .await
            .unwrap();
        db.close().await;
    });
    let (ok, out) = log_verify(&["--tree-head", head]);
    assert!(!ok && out.contains("rewritten"), "a rewritten log passed: {out}");
    assert!(server.terminate().success());
}

/// The request log names each request's route template: an e-mail address in a path, a key in
/// a query string or an entrant's name in a body never reach it.
fn logs_name_routes_not_personal_data() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_owned();
    let env = [
        ("FAIRDRAW_DATA_DIR", data.as_str()),
        ("FAIRDRAW_LOG_FORMAT", "json"),
        ("RUST_LOG", "info"),
    ];
    let key = create_account(&env, 1000);
    let log_path = dir.path().join("server.log");
    let server = support::serve_with_logs(&env, std::fs::File::create(&log_path).unwrap());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let http = reqwest::Client::new();
    let base = server.base.clone();
    rt.block_on(async {
        let id = live_giveaway(&http, &base, &key, 0).await;
        let r = http
            .post(format!("{base}/api/public/giveaways/{id}/entries"))
            .json(&serde_json::json!({ "name": "Zelda Quux", "email": "zelda.quux@example.com", "consent": true }))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
        for path in [
            "/v2/participants/zelda.quux@example.com/entries".to_owned(),
            format!("/v2/giveaways/{id}/participants/search?q=zelda.quux@example.com&api_key={key}"),
        ] {
            let r = http
                .get(format!("{base}{path}"))
                .bearer_auth(&key)
                .send()
                .await
                .unwrap();
            assert!(r.status().is_success(), "{path}: {}", r.status());
        }
    });
    assert!(server.terminate().success());
    let logs = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        logs.contains("/v2/participants/{email}/entries") && logs.contains("/api/public/giveaways/{id}/entries"),
        "the routes are logged: {logs}"
    );
    for secret in ["zelda", "Zelda", "Quux", key.as_str()] {
        assert!(!logs.contains(secret), "{secret:?} is in the logs:\n{logs}");
    }
}

/// Two instances with workers on one PostgreSQL database: a chat giveaway ending now is drawn
/// once, and its winner list reaches the partner's receiver once.
fn two_processes_draw_a_chat_giveaway_once() {
    let admin = env_url(POSTGRES_ENV).expect("PostgreSQL URL");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let db = rt.block_on(PostgresDatabase::create(&admin));
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let env = [
        ("FAIRDRAW_DATABASE_URL", db.url.as_str()),
        ("FAIRDRAW_DATA_DIR", data),
        ("FAIRDRAW_WEBHOOK_ALLOW_PRIVATE", "true"),
    ];
    let acct = support::create_account(&env, "Chat", 10_000, 10_000);
    let (secret, public) = (
        acct["api_key"].as_str().unwrap().to_owned(),
        acct["public_key"].as_str().unwrap().to_owned(),
    );
    let a = serve(&env);
    let b = serve(&env);
    rt.block_on(async {
        let got = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
        let hook_got = got.clone();
        let router = axum::Router::new().route(
            "/winners",
            axum::routing::post(move |body: String| {
                let got = hook_got.clone();
                async move {
                    got.lock().unwrap().push(body);
                    "ok"
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/winners", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await });
        let http = reqwest::Client::new();
        let call = |base: &str, path: &str| {
            http.post(format!("{base}{path}"))
                .header("x-api-key", &public)
                .bearer_auth(&secret)
        };
        let end = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(4);
        let created: serde_json::Value = call(&a.base, "/external/giveaway")
            .json(
                &serde_json::json!({ "title": "Two instances", "roomIds": ["r1"], "maxWinners": 2,
                "endTime": end.to_string(), "winnerListUrl": url }),
            )
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = created["id"].as_i64().expect("giveaway id");
        for i in 0..10 {
            let base = if i % 2 == 0 { &a.base } else { &b.base };
            let r = call(base, &format!("/external/giveaway/{id}/participants"))
                .json(&serde_json::json!({ "userId": format!("u{i}"), "roomId": "r1" }))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 201, "join {i}");
        }
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while got.lock().unwrap().is_empty() && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        // Both schedulers keep ticking; give them time to (wrongly) draw again.
        tokio::time::sleep(std::time::Duration::from_secs(3)).await;
        let posts = got.lock().unwrap().clone();
        assert_eq!(posts.len(), 1, "exactly one winner list: {posts:?}");
        let body: serde_json::Value = serde_json::from_str(&posts[0]).unwrap();
        assert_eq!(body["event"], "giveaway.finished");
        let hash = body["verification"]["sha256"].as_str().unwrap().to_owned();
        for base in [&a.base, &b.base] {
            let w: serde_json::Value = http
                .get(format!("{base}/external/giveaway/{id}/winners"))
                .header("x-api-key", &public)
                .bearer_auth(&secret)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert_eq!(w["verification"]["sha256"], serde_json::json!(hash), "{base}");
        }
    });
    let draws: i64 = rt.block_on(async {
        let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM draws")
            .fetch_one(&pool)
            .await
            .unwrap();
        pool.close().await;
        n
    });
    assert_eq!(draws, 1, "one draw in the database");
    assert!(a.terminate().success());
    assert!(b.terminate().success());
    rt.block_on(db.drop_now());
}

fn main() {
    // The HTTP client shares the server's TLS set-up (rustls on ring).
    fairdraw_server::app::install_tls_provider();
    let args = Arguments::from_args();
    let postgres = env_url(POSTGRES_ENV).is_some();
    let redis = env_url(REDIS_ENV).is_some();
    if !postgres {
        eprintln!("{POSTGRES_ENV} is not set: the PostgreSQL trial is skipped (listed as ignored).");
    }
    if !redis {
        eprintln!("{REDIS_ENV} is not set: the Redis trial is skipped (listed as ignored).");
    }
    let trials = vec![
        Trial::test("v2_draw_verifies_offline_with_the_cli", || {
            v2_draw_verifies_offline();
            Ok(())
        }),
        Trial::test("the_log_cli_catches_a_rewritten_log", || {
            log_cli_catches_a_rewritten_log();
            Ok(())
        }),
        Trial::test("logs_name_routes_not_personal_data", || {
            logs_name_routes_not_personal_data();
            Ok(())
        }),
        Trial::test("two_processes_share_rate_limits_on_sqlite", || {
            on_sqlite();
            Ok(())
        }),
        Trial::test("two_processes_share_rate_limits_on_postgres", || {
            on_postgres();
            Ok(())
        })
        .with_ignored_flag(!postgres),
        Trial::test("two_processes_draw_a_chat_giveaway_once_on_postgres", || {
            two_processes_draw_a_chat_giveaway_once();
            Ok(())
        })
        .with_ignored_flag(!postgres),
        Trial::test("two_processes_share_rate_limits_in_redis", || {
            on_redis_with_sqlite();
            Ok(())
        })
        .with_ignored_flag(!redis),
    ];
    libtest_mimic::run(&args, trials).exit();
}
