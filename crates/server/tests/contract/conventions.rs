//! The `/v2` conventions every route shares: envelopes, errors, pagination, request ids, body
//! limits, rate limits and idempotency; plus the operational endpoints.

use crate::scenarios;
use crate::support::{Method, TestApp};
use fairdraw_core::account::{LimitOverrides, Plan};
use fairdraw_store::idempotency::Claim;
use fairdraw_store::ratelimit::{Admission, Window};
use serde_json::{Value, json};

scenarios!(
    unknown_routes_are_404_in_the_envelope,
    malformed_json_and_wrong_types_are_400,
    oversized_bodies_are_413,
    pagination_follows_the_reference,
    request_ids_are_echoed,
    burst_limit_refuses_with_retry_after,
    writes_count_twice_per_minute,
    daily_limit,
    concurrent_requests_are_admitted_exactly_to_the_limit,
    a_batch_counts_in_order_and_only_what_it_admits,
    limit_headers_on_every_response,
    idempotent_retries_replay_the_first_response,
    idempotency_keys_are_scoped_and_checked,
    health_readiness_and_openapi,
);

async fn unknown_routes_are_404_in_the_envelope(app: TestApp) {
    let acct = app.account().await;
    for path in ["/v2/nothing", "/v2/giveaways/1/nothing", "/v2/giveaways/abc"] {
        let r = app.get(&acct.key, path).await;
        r.expect_error(404);
        assert!(r.body["meta"]["request_id"].is_string());
    }
    app.call(Method::GET, "/v2/nothing", None, None).await.expect_error(404);
    app.call(Method::GET, "/nothing-at-all", None, None).await.expect(404);
    app.get(&acct.key, "/v2/giveaways/999999").await.expect_error(404);
    app.call(Method::PATCH, "/v2/account", Some(&acct.key), None)
        .await
        .expect_error(405);
}

async fn malformed_json_and_wrong_types_are_400(app: TestApp) {
    let acct = app.account().await;
    let raw = |body: &'static str| {
        app.http
            .post(app.url("/v2/giveaways"))
            .bearer_auth(&acct.key)
            .header("content-type", "application/json")
            .body(body)
    };
    let r = TestApp::read(raw("{\"title\": ")).await;
    r.expect_error(400);
    assert!(r.body["error"]["message"].as_str().unwrap().contains("Malformed JSON"));
    let r = TestApp::read(raw("[1, 2]")).await;
    r.expect_error(400);
    let r = TestApp::read(raw("{\"title\": 12, \"start_time\": \"2026-12-01 00:00:00\"}")).await;
    r.expect_error(400);
    assert!(
        r.body["error"]["message"].as_str().unwrap().contains("'title'"),
        "{}",
        r.text
    );
    let r = TestApp::read(raw("{\"title\": \"t\", \"rules_config\": {\"block_vpns\": \"yes\"}}")).await;
    r.expect_error(400);
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("rules_config.block_vpns"),
        "{}",
        r.text
    );
    // Missing fields are a validation problem, reported per field.
    let r = app.post(&acct.key, "/v2/giveaways", json!({})).await;
    r.expect_error(422);
    assert_eq!(r.body["error"]["message"], json!("Validation failed."));
    assert_eq!(r.body["error"]["details"]["title"], json!("Title is required."));
    // Unknown fields are ignored.
    let id = app
        .create_giveaway(&acct.key, json!({ "colour_of_the_day": "blue" }))
        .await;
    assert!(id > 0);
    app.get(&acct.key, "/v2/giveaways?page=abc").await.expect_error(400);
}

async fn oversized_bodies_are_413(app: TestApp) {
    let acct = app.account().await;
    let big = json!({ "title": "t", "description": "x".repeat(2 * 1024 * 1024) });
    app.post(&acct.key, "/v2/giveaways", big.clone())
        .await
        .expect_error(413);
    // Also when an Idempotency-Key makes the server read the body first.
    let r = TestApp::read(
        app.http
            .post(app.url("/v2/giveaways"))
            .bearer_auth(&acct.key)
            .header("Idempotency-Key", "big-1")
            .json(&big),
    )
    .await;
    r.expect_error(413);
}

async fn pagination_follows_the_reference(app: TestApp) {
    let acct = app.account().await;
    for i in 0..5 {
        app.create_giveaway(&acct.key, json!({ "title": format!("Giveaway {i}") }))
            .await;
    }
    let r = app.get(&acct.key, "/v2/giveaways?per_page=2").await;
    r.expect(200);
    assert_eq!(
        r.body["pagination"],
        json!({ "page": 1, "per_page": 2, "total": 5, "total_pages": 3, "has_more": true })
    );
    assert_eq!(r.data().as_array().unwrap().len(), 2);
    let last = app.get(&acct.key, "/v2/giveaways?per_page=2&page=3").await;
    assert_eq!(last.body["pagination"]["has_more"], json!(false));
    assert_eq!(last.data().as_array().unwrap().len(), 1);
    let beyond = app.get(&acct.key, "/v2/giveaways?per_page=2&page=9").await;
    assert_eq!(beyond.data(), &json!([]));
    let default = app.get(&acct.key, "/v2/giveaways").await;
    assert_eq!(default.body["pagination"]["per_page"], json!(20));
    let capped = app.get(&acct.key, "/v2/giveaways?per_page=1000").await;
    assert_eq!(capped.body["pagination"]["per_page"], json!(100));
}

async fn request_ids_are_echoed(app: TestApp) {
    let acct = app.account().await;
    let r = TestApp::read(
        app.http
            .get(app.url("/v2/account"))
            .bearer_auth(&acct.key)
            .header("X-Request-Id", "trace-abc_123"),
    )
    .await;
    assert_eq!(r.header("x-request-id"), Some("trace-abc_123"));
    assert_eq!(r.body["meta"]["request_id"], json!("trace-abc_123"));
    // Unsafe ids are replaced, not echoed.
    let r = TestApp::read(
        app.http
            .get(app.url("/v2/account"))
            .bearer_auth(&acct.key)
            .header("X-Request-Id", "a b<c>"),
    )
    .await;
    assert!(r.header("x-request-id").unwrap().starts_with("req_"));
    let a = app.get(&acct.key, "/v2/account").await;
    let b = app.get(&acct.key, "/v2/account").await;
    assert_ne!(a.header("x-request-id"), b.header("x-request-id"));
}

async fn burst_limit_refuses_with_retry_after(app: TestApp) {
    let acct = app
        .account_with(
            Plan::Enterprise,
            LimitOverrides {
                burst: Some(2),
                rpm: Some(100),
                ..Default::default()
            },
        )
        .await;
    app.get(&acct.key, "/v2/account").await.expect(200);
    app.get(&acct.key, "/v2/account").await.expect(200);
    let r = app.get(&acct.key, "/v2/account").await;
    r.expect_error(429);
    assert_eq!(r.header("retry-after"), Some("1"));
    assert!(r.header("x-ratelimit-limit").is_some());
    // The refused request is not usage, and the next second has room again.
    app.clock.advance(1_000);
    let u = app.get(&acct.key, "/v2/account/usage").await;
    u.expect(200);
    assert_eq!(u.data()["requests_today"], json!(3));
}

async fn writes_count_twice_per_minute(app: TestApp) {
    let acct = app
        .account_with(
            Plan::Enterprise,
            LimitOverrides {
                rpm: Some(5),
                ..Default::default()
            },
        )
        .await;
    // T0 is the start of a minute; stay inside it.
    app.create_giveaway(&acct.key, json!({})).await; // 2
    let r = app.post(&acct.key, "/v2/giveaways", json!({})).await; // 4 (a 422 still counts)
    r.expect(422);
    assert_eq!(r.header("x-ratelimit-remaining"), Some("1"));
    // A write needs 2 and only 1 is left; a read still fits.
    let refused = app.post(&acct.key, "/v2/giveaways", json!({})).await;
    refused.expect_error(429);
    assert_eq!(refused.header("retry-after"), Some("60"));
    let r = app.get(&acct.key, "/v2/account").await;
    r.expect(200);
    assert_eq!(r.header("x-ratelimit-remaining"), Some("0"));
    app.get(&acct.key, "/v2/account").await.expect_error(429);
    app.clock.advance(60_000);
    let r = app.get(&acct.key, "/v2/account").await;
    r.expect(200);
    assert_eq!(r.header("x-ratelimit-remaining"), Some("4"));
}

async fn daily_limit(app: TestApp) {
    let acct = app
        .account_with(
            Plan::Enterprise,
            LimitOverrides {
                rpd: Some(3),
                ..Default::default()
            },
        )
        .await;
    for _ in 0..3 {
        app.get(&acct.key, "/v2/account").await.expect(200);
        app.clock.advance(3_600_000);
    }
    let r = app.get(&acct.key, "/v2/account").await;
    r.expect_error(429);
    // T0 + 3h = 15:00 UTC: nine hours to the next UTC day.
    assert_eq!(r.header("retry-after"), Some("32400"));
    app.clock.advance(9 * 3_600_000);
    app.get(&acct.key, "/v2/account").await.expect(200);
}

async fn concurrent_requests_are_admitted_exactly_to_the_limit(app: TestApp) {
    // The counters of requests arriving together are written in one batch: the batch must
    // admit exactly as many as one-at-a-time counting would, and count only those.
    let acct = app
        .account_with(
            Plan::Enterprise,
            LimitOverrides {
                burst: Some(10),
                rpm: Some(1_000),
                ..Default::default()
            },
        )
        .await;
    let calls: Vec<_> = (0..40)
        .map(|_| {
            let (app, key) = (app.clone(), acct.key.clone());
            tokio::spawn(async move { app.get(&key, "/v2/account").await.status })
        })
        .collect();
    let mut statuses = Vec::new();
    for c in calls {
        statuses.push(c.await.expect("call task"));
    }
    assert_eq!(statuses.iter().filter(|&&s| s == 200).count(), 10, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|&&s| s == 429).count(), 30, "{statuses:?}");
    app.clock.advance(1_000);
    let u = app.get(&acct.key, "/v2/account/usage").await;
    u.expect(200);
    assert_eq!(u.data()["requests_today"], json!(11), "the ten admitted and this one");
}

async fn a_batch_counts_in_order_and_only_what_it_admits(app: TestApp) {
    let acct = app.account().await;
    app.get(&acct.key, "/v2/account").await.expect(200);
    let account_id = acct.account_id;
    let now_ms = app.clock.now_ms();
    let admission = |subject: &str, burst: u32, cost: u32| Admission {
        subject: subject.to_owned(),
        limits: fairdraw_core::account::RateLimits {
            rpm: 5,
            rpd: 100,
            burst,
        },
        minute_cost: cost,
        now_ms,
        account_id: Some(account_id),
        precounted: None,
    };
    let db = app.engine.db();
    let subject = format!("batch-test:{}", acct.key);
    // Burst 2: the third is refused by the second's window; a write (2) then no longer fits
    // the minute (5) after 1 + 1 + 2; one the size of a window more than its limit never fits.
    let batch = [
        admission(&subject, 2, 1),
        admission(&subject, 2, 1),
        admission(&subject, 2, 1),
        admission(&subject, 9, 2),
        admission(&subject, 9, 2),
        admission(&subject, 9, 6),
    ];
    let verdicts = db.admit_batch(&batch).await.unwrap();
    let refused: Vec<Option<Window>> = verdicts.iter().map(|v| v.refused_by).collect();
    assert_eq!(
        refused,
        [
            None,
            None,
            Some(Window::Second),
            None,
            Some(Window::Minute),
            Some(Window::Minute)
        ]
    );
    assert_eq!(verdicts[3].remaining, 1, "1 + 1 + 2 of 5 used");
    // The next batch sees what the first one stored.
    let next = db
        .admit_batch(&[admission(&subject, 9, 1), admission(&subject, 9, 1)])
        .await
        .unwrap();
    assert_eq!(next.iter().map(|v| v.allowed).collect::<Vec<_>>(), [true, false]);
    // Three admitted, one more; the account's usage counts those four and nothing refused.
    let totals = db.usage_totals(account_id, now_ms).await.unwrap();
    assert_eq!(
        totals.last_24h,
        1 + 4,
        "the GET /v2/account above and the four admitted"
    );
}

async fn limit_headers_on_every_response(app: TestApp) {
    let acct = app
        .account_with(
            Plan::Enterprise,
            LimitOverrides {
                rpm: Some(120),
                ..Default::default()
            },
        )
        .await;
    for (method, path, status) in [
        (Method::GET, "/v2/account", 200),
        (Method::GET, "/v2/giveaways/424242", 404),
        (Method::POST, "/v2/giveaways", 422),
    ] {
        let body = json!({});
        let r = app
            .call(
                method.clone(),
                path,
                Some(&acct.key),
                (method == Method::POST).then_some(&body),
            )
            .await;
        r.expect(status);
        assert_eq!(r.header("x-ratelimit-limit"), Some("120"), "{path}");
        assert!(r.header("x-ratelimit-remaining").unwrap().parse::<u32>().is_ok());
        // The end of the current minute, in Unix seconds.
        assert_eq!(
            r.header("x-ratelimit-reset"),
            Some(((crate::support::T0 + 60_000) / 1000).to_string().as_str())
        );
    }
}

async fn post_with_key(app: &TestApp, api_key: &str, idem: &str, body: &Value) -> crate::support::Reply {
    TestApp::read(
        app.http
            .post(app.url("/v2/giveaways"))
            .bearer_auth(api_key)
            .header("Idempotency-Key", idem)
            .json(body),
    )
    .await
}

async fn idempotent_retries_replay_the_first_response(app: TestApp) {
    let acct = app.account().await;
    let body = json!({ "title": "Once", "start_time": "2026-12-01 00:00:00", "end_time": "2026-12-02 00:00:00" });
    let first = post_with_key(&app, &acct.key, "create-once-1", &body).await;
    first.expect(201);
    let again = post_with_key(&app, &acct.key, "create-once-1", &body).await;
    again.expect(201);
    assert_eq!(again.data(), first.data());
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    let list = app.get(&acct.key, "/v2/giveaways").await;
    assert_eq!(list.body["pagination"]["total"], json!(1));
    // A validation failure is a response like any other: replayed too.
    let bad = post_with_key(&app, &acct.key, "create-bad", &json!({})).await;
    bad.expect(422);
    let bad_again = post_with_key(&app, &acct.key, "create-bad", &json!({})).await;
    bad_again.expect(422);
    assert_eq!(bad_again.body["error"], bad.body["error"]);
    // A new key does the work again.
    post_with_key(&app, &acct.key, "create-once-2", &body).await.expect(201);
    assert_eq!(
        app.get(&acct.key, "/v2/giveaways").await.body["pagination"]["total"],
        json!(2)
    );
}

async fn idempotency_keys_are_scoped_and_checked(app: TestApp) {
    let acct = app.account().await;
    let other = app.account().await;
    let body = json!({ "title": "Scoped", "start_time": "2026-12-01 00:00:00", "end_time": "2026-12-02 00:00:00" });
    post_with_key(&app, &acct.key, "shared-key", &body).await.expect(201);
    // The same key from another caller is that caller's own.
    let theirs = post_with_key(&app, &other.key, "shared-key", &body).await;
    theirs.expect(201);
    assert!(theirs.header("idempotent-replayed").is_none());
    // The same key with another body is refused.
    let changed = json!({ "title": "Changed", "start_time": "2026-12-01 00:00:00", "end_time": "2026-12-02 00:00:00" });
    post_with_key(&app, &acct.key, "shared-key", &changed)
        .await
        .expect_error(422);
    // Saved responses expire after 24 hours.
    app.clock.advance(25 * crate::support::HOUR);
    post_with_key(&app, &acct.key, "shared-key", &changed).await.expect(201);
    // While a first request runs, a retry is told so (checked at the store: the HTTP path waits).
    let db = app.engine.db();
    let now = app.engine.now_ms();
    assert_eq!(
        db.idempotency_claim("test-scope", "k", "h1", now).await.unwrap(),
        Claim::Run
    );
    assert_eq!(
        db.idempotency_claim("test-scope", "k", "h1", now).await.unwrap(),
        Claim::InFlight
    );
    assert_eq!(
        db.idempotency_claim("test-scope", "k", "h2", now).await.unwrap(),
        Claim::Mismatch
    );
    // A runner that died leaves the key free after a while.
    assert_eq!(
        db.idempotency_claim("test-scope", "k", "h1", now + 6 * 60_000)
            .await
            .unwrap(),
        Claim::Run
    );
    // Malformed keys are refused.
    let long = "k".repeat(300);
    post_with_key(&app, &acct.key, &long, &body).await.expect_error(400);
}

async fn health_readiness_and_openapi(app: TestApp) {
    let r = app.call(Method::GET, "/healthz", None, None).await;
    r.expect(200);
    let r = app.call(Method::GET, "/readyz", None, None).await;
    r.expect(200);
    assert_eq!(r.body["status"], json!("ready"));
    let doc = app.call(Method::GET, "/openapi.json", None, None).await;
    doc.expect(200);
    let paths = doc.body["paths"].as_object().unwrap();
    for p in [
        "/v2/account",
        "/v2/account/brands",
        "/v2/account/usage",
        "/v2/giveaways",
        "/v2/giveaways/{id}",
    ] {
        assert!(paths.contains_key(p), "{p} missing from the OpenAPI document");
    }
    let docs = TestApp::read(app.http.get(app.url("/docs/"))).await;
    docs.expect(200);
    assert!(docs.text.contains("swagger"), "docs page");
}
