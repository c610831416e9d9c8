//! Hostile input at the edge: the NUL character anywhere it was found to reach the database
//! (PostgreSQL refuses it in text and answered 500; SQLite stored it) is a 400 on both backends,
//! and data answers carry `nosniff` and `no-store`. Idle, slow and half-sent connections are
//! cut off while others are served, and connections past the cap are closed at once. One
//! person's look-alike e-mails (full-width, invisible characters, mixed scripts) are one
//! participant or refused.

use crate::scenarios;
use crate::support::{self, Method, TestApp};
use fairdraw_server::config::ConfigLayer;
use serde_json::json;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

scenarios!(
    the_nul_character_is_refused_at_every_entrance,
    data_answers_are_not_sniffed_or_cached,
    idle_slow_and_half_sent_requests_are_cut_off_while_others_are_served,
    connections_past_the_cap_are_closed_at_once,
    look_alike_emails_are_one_participant_or_refused
);

const NUL: &str = "a\u{0}b";

async fn the_nul_character_is_refused_at_every_entrance(app: TestApp) {
    let acct = app.account().await;
    let key = acct.key.as_str();
    let id = app
        .create_giveaway(
            key,
            json!({ "start_time": "2026-01-01 00:00:00", "end_time": "2030-12-31 23:59:59", "time_zone": "UTC",
                    "is_draft": false, "rules_config": { "security_level": 1 } }),
        )
        .await;
    let bodies = [
        (
            "/v2/giveaways".to_owned(),
            json!({ "title": NUL, "start_time": "2026-12-01 00:00:00", "end_time": "2026-12-25 23:59:59" }),
            "title",
        ),
        (
            "/v2/giveaways".to_owned(),
            json!({ "title": "ok", "description": NUL, "start_time": "2026-12-01 00:00:00", "end_time": "2026-12-25 23:59:59" }),
            "description",
        ),
        (
            format!("/v2/giveaways/{id}/entries"),
            json!({ "user_email": "x@example.com", "user_name": NUL }),
            "user_name",
        ),
        (
            format!("/v2/giveaways/{id}/prizes"),
            json!({ "prize_name": NUL, "prize_winners_allowed": 1 }),
            "prize_name",
        ),
        (
            format!("/v2/giveaways/{id}/rewards"),
            json!({ "type": 2, "title": NUL, "entries_required": 2, "coupon_code": "C" }),
            "title",
        ),
    ];
    for (path, body, field) in bodies {
        let r = app.post(key, &path, body).await;
        r.expect_error(400);
        let message = r.body["error"]["message"].as_str().unwrap();
        assert!(message.contains(field) && message.contains("NUL"), "{path}: {message}");
    }
    // Without a key: the public entry's name and referral code.
    for body in [
        json!({ "name": NUL, "email": "p@example.com", "consent": true }),
        json!({ "name": "P", "email": "p@example.com", "consent": true, "referral_code": NUL }),
    ] {
        let r = app
            .call(
                Method::POST,
                &format!("/api/public/giveaways/{id}/entries"),
                None,
                Some(&body),
            )
            .await;
        r.expect_error(400);
    }
    // In the URL: a search, and an e-mail in the path.
    for path in [
        format!("/v2/giveaways/{id}/participants/search?q=a%00b"),
        format!("/v2/giveaways/{id}/participants?search=a%00b"),
        "/v2/participants/a%00b@example.com/entries".to_owned(),
        "/v2/participants/a%00b@example.com/giveaways".to_owned(),
    ] {
        let r = app.get(key, &path).await;
        r.expect_error(400);
        assert!(
            r.body["error"]["message"].as_str().unwrap().contains("NUL"),
            "{path}: {}",
            r.text
        );
    }
    // On /v1, in its own error style, naming the field.
    let r = app
        .post(
            key,
            "/v1/draws",
            json!({ "url": "upload://upload_\u{0}", "winners": 1 }),
        )
        .await;
    r.expect(400);
    assert_eq!(r.body["error"]["param"], "url", "{}", r.text);
    assert_eq!(r.body["error"]["code"], "invalid_request", "{}", r.text);
    let r = app.get(key, "/v1/draws/drw_%00").await;
    r.expect(400);
    assert!(
        r.body["error"]["message"].as_str().unwrap().contains("NUL"),
        "{}",
        r.text
    );
    // On /external, in the NestJS style.
    let ext = |path: &str| {
        app.http
            .post(app.url(path))
            .header("x-api-key", &acct.public_key)
            .bearer_auth(key)
    };
    let r = TestApp::read(ext("/external/giveaway").json(&json!({
        "title": NUL, "endTime": "2030-01-01T00:00:00Z", "roomIds": ["room_1"]
    })))
    .await;
    r.expect(400);
    assert_eq!(r.body["statusCode"], 400, "{}", r.text);
    assert!(r.body["message"][0].as_str().unwrap().contains("title"), "{}", r.text);
    let r = TestApp::read(
        app.http
            .get(app.url("/external/giveaway/1%00"))
            .header("x-api-key", &acct.public_key)
            .bearer_auth(key),
    )
    .await;
    r.expect(400);
    assert_eq!(r.body["statusCode"], 400, "{}", r.text);
    // Nothing was stored: still one giveaway, no participant, no prize, no reward.
    let list = app.get(key, "/v2/giveaways?status=all").await;
    assert_eq!(list.data().as_array().unwrap().len(), 1, "{}", list.text);
    let parts = app.get(key, &format!("/v2/giveaways/{id}/participants")).await;
    assert_eq!(parts.data().as_array().unwrap().len(), 0, "{}", parts.text);
    // An escaped backslash before "u0000" is ordinary text.
    let r = app
        .post(
            key,
            &format!("/v2/giveaways/{id}/prizes"),
            json!({ "prize_name": "a\\u0000", "prize_winners_allowed": 1 }),
        )
        .await;
    r.expect(201);
}

async fn data_answers_are_not_sniffed_or_cached(app: TestApp) {
    let acct = app.account().await;
    let r = app.get(&acct.key, "/v2/account").await;
    r.expect(200);
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let r = app.call(Method::GET, "/healthz", None, None).await;
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    let r = app.call(Method::GET, "/v2/nowhere", None, None).await;
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
}

async fn server_with(harness: &TestApp, layer: ConfigLayer) -> (TestApp, support::Running, String) {
    let (app, running) = support::start_with(harness.backend, layer).await;
    let addr = app.base.trim_start_matches("http://").to_owned();
    (app, running, addr)
}

/// Whether the server closes `stream` within `within` (after answering, if it does).
async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let mut buf = [0u8; 4096];
    let read_to_end = async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    };
    tokio::time::timeout(within, read_to_end).await.is_ok()
}

/// A plain request on a fresh connection, answered.
async fn served(addr: &str) -> bool {
    let Ok(mut s) = TcpStream::connect(addr).await else {
        return false;
    };
    let request = format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    if s.write_all(request.as_bytes()).await.is_err() {
        return false;
    }
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut answer)).await;
    String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200")
}

async fn idle_slow_and_half_sent_requests_are_cut_off_while_others_are_served(harness: TestApp) {
    let layer = ConfigLayer {
        header_read_timeout_secs: Some(2),
        body_read_timeout_secs: Some(2),
        ..ConfigLayer::default()
    };
    let (_app, running, addr) = server_with(&harness, layer).await;
    let mut idle = Vec::new();
    for _ in 0..30 {
        idle.push(TcpStream::connect(&addr).await.unwrap());
    }
    // Slowloris: a header line every 300 ms, never the blank line that ends the head.
    let mut slow = Vec::new();
    for _ in 0..10 {
        let mut s = TcpStream::connect(&addr).await.unwrap();
        s.write_all(format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\n").as_bytes())
            .await
            .unwrap();
        slow.push(tokio::spawn(async move {
            for i in 0..40 {
                tokio::time::sleep(Duration::from_millis(300)).await;
                if s.write_all(format!("X-Slow-{i}: a\r\n").as_bytes()).await.is_err() {
                    return true;
                }
            }
            false
        }));
    }
    // A body that declares 1,000 bytes and sends 9.
    let mut partial = Vec::new();
    for _ in 0..5 {
        let mut s = TcpStream::connect(&addr).await.unwrap();
        let head = format!(
            "POST /api/public/giveaways/1/entries HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"name\":"
        );
        s.write_all(head.as_bytes()).await.unwrap();
        partial.push(s);
    }
    assert!(served(&addr).await, "a well-behaved client is served beside them");
    for (i, s) in idle.iter_mut().enumerate() {
        assert!(
            closed_within(s, Duration::from_secs(8)).await,
            "idle connection {i} stayed open"
        );
    }
    for (i, s) in partial.iter_mut().enumerate() {
        assert!(
            closed_within(s, Duration::from_secs(8)).await,
            "half-sent request {i} stayed open"
        );
    }
    for (i, task) in slow.into_iter().enumerate() {
        assert!(task.await.unwrap(), "slowloris connection {i} was never cut off");
    }
    assert!(served(&addr).await, "still served afterwards");
    running.stop().await;
}

async fn connections_past_the_cap_are_closed_at_once(harness: TestApp) {
    let layer = ConfigLayer {
        max_connections: Some(5),
        header_read_timeout_secs: Some(60),
        ..ConfigLayer::default()
    };
    let (_app, running, addr) = server_with(&harness, layer).await;
    let mut held = Vec::new();
    for _ in 0..5 {
        held.push(TcpStream::connect(&addr).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    // The sixth is closed long before any timeout could have cut it.
    let mut sixth = TcpStream::connect(&addr).await.unwrap();
    assert!(
        closed_within(&mut sixth, Duration::from_secs(5)).await,
        "the sixth connection was kept"
    );
    for (i, s) in held.iter_mut().enumerate() {
        assert!(
            !closed_within(s, Duration::from_millis(200)).await,
            "connection {i} within the cap was closed"
        );
    }
    // A slot frees when one of them leaves.
    drop(held.pop());
    let mut ok = false;
    for _ in 0..50 {
        if served(&addr).await {
            ok = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ok, "a freed slot serves a new client");
    drop(held);
    running.stop().await;
}

/// The duplicate check compares canonical addresses (core `Email`): full-width letters, case and
/// Punycode give the same participant; invisible characters and mixed scripts are refused.
async fn look_alike_emails_are_one_participant_or_refused(app: TestApp) {
    let acct = app.account().await;
    let key = acct.key.as_str();
    let id = app.create_giveaway(key, json!({ "is_draft": false })).await;
    let enter = |email: &'static str| {
        let app = &app;
        async move {
            app.post(
                key,
                &format!("/v2/giveaways/{id}/entries"),
                json!({ "user_email": email, "user_name": "Dupe", "entry_amount": 1 }),
            )
            .await
        }
    };
    let first = enter("dupe@probe.io").await;
    first.expect(201);
    let user = first.data()["user_id"].clone();
    for same in [
        "dupe@\u{FF50}\u{FF52}\u{FF4F}\u{FF42}\u{FF45}.io",
        "DUPE@Probe.IO",
        "\u{FF44}upe@probe.io",
    ] {
        let r = enter(same).await;
        r.expect(201);
        assert_eq!(r.data()["user_id"], user, "{same:?} is the same person");
        assert_eq!(r.data()["user_email"], "dupe@probe.io", "{same:?}");
    }
    for (hidden, says) in [
        ("du\u{200B}pe@probe.io", "invisible"),
        ("\u{202E}dupe@probe.io", "invisible"),
        ("dupe@pro\u{200D}be.io", "invisible"),
        ("dupe@pr\u{043E}be.io", "alphabets"),
        ("dupe@xn--prbe-65d.io", "alphabets"),
    ] {
        let r = enter(hidden).await;
        assert_eq!(r.status, 422, "{hidden:?}: {}", r.body);
        assert!(r.body.to_string().contains(says), "{hidden:?}: {}", r.body);
    }
    // The public entry form compares the same way: the full-width address is already entered.
    let public = |email: &str| json!({ "name": "Dupe", "email": email, "consent": true });
    let path = format!("/api/public/giveaways/{id}/entries");
    let r = app
        .call(Method::POST, &path, None, Some(&public("dupe@\u{FF50}robe.io")))
        .await;
    assert!(r.status < 500, "{}", r.body);
    let r = app.get(key, &format!("/v2/giveaways/{id}/participants")).await;
    r.expect(200);
    assert_eq!(r.body["pagination"]["total"], 1, "one person: {}", r.body);
    // Looking the person up by any of the forms finds them.
    let r = app.get(key, "/v2/participants/dupe%40%EF%BD%90robe.io/giveaways").await;
    r.expect(200);
    assert_eq!(r.data().as_array().map(Vec::len), Some(1), "{}", r.body);
}
