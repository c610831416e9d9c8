//! The public entry endpoint: entering, actions, e-mail verification, and every `rules_config`
//! rule shown refusing and allowing. Rules that depend on server configuration (trusted proxy
//! headers, VPN lists, the captcha provider, rate limits) run on a server of their own, started
//! here with that configuration on the scenario's backend.

use crate::scenarios;
use crate::support::{Backend, DAY, HOUR, POSTGRES_ENV, Reply, T0, TestAccount, TestApp};
use axum::extract::State;
use fairdraw_server::Server;
use fairdraw_server::config::ConfigLayer;
use fairdraw_server::engine::Clock;
use fairdraw_testkit::PostgresDatabase;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

scenarios!(
    enters_once_per_email,
    entry_input_is_validated,
    giveaway_must_be_live,
    country_rule,
    geoip_country_rule,
    age_limits,
    duplicate_ip_rule,
    proxy_headers_count_only_from_trusted_proxies,
    vpn_rule,
    disposable_email_rule,
    whitelist_rule,
    blacklist_rule,
    max_entries_per_user_rule,
    max_participants_rule,
    captcha_rule,
    email_verification_flow,
    referral_credit_waits_for_both_verifications,
    referral_credit_once_never_self,
    milestone_rewards_unlock_once,
    daily_and_one_time_actions,
    required_methods_come_first,
    rate_limits,
);

/// A server of the scenario's own, with `layer` over the test defaults (and no per-IP limit,
/// since every call comes from the loopback address).
struct Own {
    app: TestApp,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    _dir: tempfile::TempDir,
    _postgres: Option<PostgresDatabase>,
}

impl Drop for Own {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}

async fn serve(harness: &TestApp, layer: ConfigLayer) -> Own {
    let dir = tempfile::tempdir().expect("temp dir");
    let postgres = match harness.backend {
        Backend::Sqlite => None,
        Backend::Postgres => {
            let admin = fairdraw_testkit::env_url(POSTGRES_ENV).expect("PostgreSQL URL");
            Some(PostgresDatabase::create(&admin).await)
        }
    };
    let database_url = match &postgres {
        Some(pg) => pg.url.clone(),
        None => format!("sqlite://{}", dir.path().join("public.db").display()),
    };
    let base = ConfigLayer {
        bind: Some("127.0.0.1:0".to_owned()),
        database_url: Some(fairdraw_core::secret::Secret::new(database_url)),
        data_dir: Some(dir.path().to_owned()),
        public_url: Some("https://fairdraw.test".to_owned()),
        public_ip_rpm: Some(0),
        workers: Some(false),
        webhook_allow_private: Some(true),
        ..ConfigLayer::default()
    };
    let config = base.merge(layer).resolve().expect("test config");
    let clock = Clock::manual(T0);
    let server = Server::build_with_clock(config, clock.clone())
        .await
        .expect("server starts");
    let base = format!("http://{}", server.local_addr());
    let engine = server.state().engine.clone();
    let worker = server.worker();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let handle = tokio::spawn(server.run(async {
        let _ = rx.await;
    }));
    Own {
        app: TestApp {
            base,
            http: reqwest::Client::new(),
            engine,
            clock,
            backend: harness.backend,
            worker,
        },
        shutdown: Some(tx),
        server: Some(handle),
        _dir: dir,
        _postgres: postgres,
    }
}

/// Behind two proxies: one on this host (the test's own connections come from 127.0.0.1) and
/// an edge proxy in 10.0.0.0/8, which each append the address they were reached from.
fn behind_proxy() -> ConfigLayer {
    ConfigLayer {
        client_ip_header: Some("X-Forwarded-For".to_owned()),
        trusted_proxies: Some(vec!["127.0.0.1".to_owned(), "10.0.0.0/8".to_owned()]),
        ..ConfigLayer::default()
    }
}

/// A giveaway taking entries at `T0` (1 June to 31 December 2026, New York), with no rules
/// unless `overrides` sets them.
async fn live_giveaway(app: &TestApp, acct: &TestAccount, overrides: Value) -> i64 {
    let mut body = json!({
        "start_time": "2026-06-01 00:00:00",
        "end_time": "2026-12-31 23:59:59",
        "time_zone": "America/New_York",
        "is_draft": false,
        "rules_config": {},
    });
    if let (Some(b), Some(o)) = (body.as_object_mut(), overrides.as_object()) {
        for (k, v) in o {
            b.insert(k.clone(), v.clone());
        }
    }
    app.create_giveaway(&acct.key, body).await
}

fn person(email: &str) -> Value {
    json!({ "name": "Pat Entrant", "email": email, "consent": true })
}

fn with(mut body: Value, extra: Value) -> Value {
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            b.insert(k.clone(), v.clone());
        }
    }
    body
}

async fn enter(app: &TestApp, id: i64, body: Value) -> Reply {
    app.call(
        reqwest::Method::POST,
        &format!("/api/public/giveaways/{id}/entries"),
        None,
        Some(&body),
    )
    .await
}

/// An entry with extra request headers (a proxy's `X-Forwarded-For`, a country header).
async fn enter_with(app: &TestApp, id: i64, body: Value, headers: &[(&str, &str)]) -> Reply {
    let mut req = app
        .http
        .post(app.url(&format!("/api/public/giveaways/{id}/entries")))
        .json(&body);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    TestApp::read(req).await
}

async fn act(app: &TestApp, id: i64, token: &str, method: i64) -> Reply {
    let body = json!({ "participant_token": token, "entry_method_id": method });
    app.call(
        reqwest::Method::POST,
        &format!("/api/public/giveaways/{id}/actions"),
        None,
        Some(&body),
    )
    .await
}

/// Asserts a refusal by `rule` with this status, whose message names the rule.
#[track_caller]
fn refused(reply: &Reply, status: u16, rule: &str) {
    reply.expect_error(status);
    assert_eq!(reply.body["error"]["details"]["rule"], json!(rule), "{}", reply.text);
    let message = reply.body["error"]["message"].as_str().unwrap_or("");
    assert!(message.contains(rule), "the message names the rule: {message}");
}

fn token(reply: &Reply) -> String {
    reply.data()["participant_token"]
        .as_str()
        .expect("participant token")
        .to_owned()
}

async fn add_method(app: &TestApp, acct: &TestAccount, id: i64, body: Value) -> i64 {
    let reply = app
        .post(&acct.key, &format!("/v2/giveaways/{id}/entry-methods"), body)
        .await;
    reply.expect(201);
    reply.data()["id"].as_i64().expect("method id")
}

async fn custom_action(app: &TestApp, acct: &TestAccount, id: i64, amount: i64, extra: Value) -> i64 {
    let body = with(
        json!({ "entry_method": 210, "entry_amount": amount, "entry_title": "Tell us a joke" }),
        extra,
    );
    add_method(app, acct, id, body).await
}

/// (entries, participants, actions) as stored, checked against a recount.
async fn counters(app: &TestApp, id: i64) -> (i64, i64, i64) {
    let db = app.engine.db();
    let stored = db.stored_counters(id).await.unwrap();
    assert_eq!(
        stored,
        db.count_from_entries(id).await.unwrap(),
        "counters match a recount"
    );
    stored
}

async fn jobs(app: &TestApp, kind: &str) -> Vec<(Option<String>, Value)> {
    let rows: Vec<(Option<String>, String)> =
        sqlx::query_as("SELECT dedupe_key, payload FROM jobs WHERE kind = $1 ORDER BY id")
            .bind(kind)
            .fetch_all(app.engine.db().reader())
            .await
            .unwrap();
    rows.into_iter()
        .map(|(k, p)| (k, serde_json::from_str(&p).unwrap()))
        .collect()
}

async fn enters_once_per_email(harness: TestApp) {
    let own = serve(&harness, ConfigLayer::default()).await;
    let app = &own.app;
    let acct = app.account().await;
    let id = live_giveaway(app, &acct, json!({})).await;
    // The User Details entry is worth what the giveaway's User Details method says.
    let methods = app.get(&acct.key, &format!("/v2/giveaways/{id}/entry-methods")).await;
    let details = methods.data()[0]["id"].as_i64().unwrap();
    app.put(
        &acct.key,
        &format!("/v2/giveaways/{id}/entry-methods/{details}"),
        json!({ "entry_amount": 3 }),
    )
    .await
    .expect(200);

    let first = enter(app, id, person("Jane@Example.com")).await;
    first.expect(201);
    let d = first.data();
    assert_eq!(d["is_new_user"], json!(true));
    assert_eq!(d["total_entries"], json!(3));
    assert_eq!(d["email_verification_required"], json!(false));
    let code = d["referral_code"].as_str().unwrap();
    let g = app.get(&acct.key, &format!("/v2/giveaways/{id}")).await;
    let view_url = g.data()["view_url"].as_str().unwrap().to_owned();
    assert_eq!(d["referral_link"], json!(format!("{view_url}?ref={code}")));
    assert_eq!(token(&first).len(), 64);

    let again = enter(app, id, person(" jane@example.COM ")).await;
    again.expect(200);
    assert_eq!(again.data()["is_new_user"], json!(false));
    assert_eq!(again.data()["user_id"], d["user_id"]);
    assert_eq!(again.data()["total_entries"], json!(3), "no second User Details entry");
    assert_ne!(token(&again), token(&first), "a fresh token each time");
    assert_eq!(counters(app, id).await, (3, 1, 1));

    // Both tokens act for the participant; the stored form is a hash, never the token.
    let action = custom_action(app, &acct, id, 2, json!({})).await;
    act(app, id, &token(&first), action).await.expect(201);
    let stored: Vec<(String,)> = sqlx::query_as("SELECT token_hash FROM participant_tokens")
        .fetch_all(app.engine.db().reader())
        .await
        .unwrap();
    assert_eq!(stored.len(), 2);
    assert!(stored.iter().all(|(h,)| h != &token(&first) && h != &token(&again)));
    // A token of another giveaway's participant does not work here.
    let other = live_giveaway(app, &acct, json!({})).await;
    let stranger = enter(app, other, person("sam@example.com")).await;
    act(app, id, &token(&stranger), action).await.expect_error(401);
    act(app, id, "not-a-token", action).await.expect_error(401);
}

async fn entry_input_is_validated(harness: TestApp) {
    let own = serve(&harness, ConfigLayer::default()).await;
    let app = &own.app;
    let acct = app.account().await;
    let id = live_giveaway(app, &acct, json!({})).await;
    let bad = enter(
        app,
        id,
        json!({ "name": " ", "email": "nope", "country": "XX", "birthday": "1990-13-01" }),
    )
    .await;
    bad.expect_error(422);
    for field in ["name", "email", "country", "birthday", "consent"] {
        assert!(bad.body["error"]["details"][field].is_string(), "{field}: {}", bad.text);
    }
    enter(app, id, with(person("a@example.com"), json!({ "consent": false })))
        .await
        .expect_error(422);
    enter(app, id, with(person("a@example.com"), json!({ "consent": "yes" })))
        .await
        .expect_error(400);
    enter(
        app,
        id,
        with(person("a@example.com"), json!({ "unknown_field": 1, "country": "ca" })),
    )
    .await
    .expect(201);
    enter(app, 999_999, person("a@example.com")).await.expect_error(404);
    let action = json!({ "entry_method_id": "x" });
    app.call(
        reqwest::Method::POST,
        &format!("/api/public/giveaways/{id}/actions"),
        None,
        Some(&action),
    )
    .await
    .expect_error(400);
    let missing = app
        .call(
            reqwest::Method::POST,
            &format!("/api/public/giveaways/{id}/actions"),
            None,
            Some(&json!({})),
        )
        .await;
    missing.expect_error(422);
    assert!(missing.body["error"]["details"]["participant_token"].is_string());
    assert!(missing.body["error"]["details"]["entry_method_id"].is_string());
}

async fn giveaway_must_be_live(harness: TestApp) {
    let own = serve(&harness, ConfigLayer::default()).await;
    let app = &own.app;
    let acct = app.account().await;
    let draft = live_giveaway(app, &acct, json!({ "is_draft": true })).await;
    enter(app, draft, person("a@example.com")).await.expect_error(404);
    let scheduled = live_giveaway(app, &acct, json!({ "start_time": "2026-07-01 00:00:00" })).await;
    refused(
        &enter(app, scheduled, person("a@example.com")).await,
        403,
        "giveaway_live",
    );
    let live = live_giveaway(app, &acct, json!({ "end_time": "2026-06-20 00:00:00" })).await;
    enter(app, live, person("a@example.com")).await.expect(201);
    let deleted = live_giveaway(app, &acct, json!({})).await;
    app.delete(&acct.key, &format!("/v2/giveaways/{deleted}")).await;
    enter(app, deleted, person("a@example.com")).await.expect_error(404);
    app.clock.advance(10 * DAY);
    refused(&enter(app, live, person("b@example.com")).await, 403, "giveaway_live");
    app.clock.advance(20 * DAY);
    enter(app, scheduled, person("a@example.com")).await.expect(201);
}

async fn country_rule(harness: TestApp) {
    let layer = ConfigLayer {
        country_header: Some("CF-IPCountry".to_owned()),
        ..behind_proxy()
    };
    let own = serve(&harness, layer).await;
    let app = &own.app;
    let acct = app.account().await;
    let rules = json!({ "rules_config": { "countries_allowed": ["US", "CA"] } });
    let id = live_giveaway(app, &acct, rules.clone()).await;
    let from = |c: &'static str| [("CF-IPCountry", c)];
    // The proxy's header decides, whatever the entrant states.
    let us = enter_with(
        app,
        id,
        with(person("a@example.com"), json!({ "country": "FR" })),
        &from("US"),
    )
    .await;
    us.expect(201);
    refused(
        &enter_with(
            app,
            id,
            with(person("b@example.com"), json!({ "country": "US" })),
            &from("FR"),
        )
        .await,
        403,
        "country",
    );
    refused(
        &enter_with(app, id, person("c@example.com"), &from("XX")).await,
        403,
        "country",
    );
    refused(&enter(app, id, person("d@example.com")).await, 403, "country");
    let worldwide = live_giveaway(app, &acct, json!({})).await;
    enter_with(app, worldwide, person("b@example.com"), &from("FR"))
        .await
        .expect(201);

    // Without a trusted source, the stated country is what there is.
    let plain = serve(&harness, ConfigLayer::default()).await;
    let app = &plain.app;
    let acct = app.account().await;
    let id = live_giveaway(app, &acct, rules).await;
    refused(
        &enter(app, id, with(person("a@example.com"), json!({ "country": "FR" }))).await,
        403,
        "country",
    );
    refused(&enter(app, id, person("b@example.com")).await, 403, "country");
    enter(app, id, with(person("c@example.com"), json!({ "country": "ca" })))
        .await
        .expect(201);
}

async fn geoip_country_rule(harness: TestApp) {
    // A real MaxMind-format database, read by the server from its configured path.
    let geo = tempfile::tempdir().expect("temp dir");
    let path = geo.path().join("countries.mmdb");
    std::fs::write(
        &path,
        fairdraw_testkit::geoip::country_db(&[([203, 0, 113, 0], 24, "US"), ([198, 51, 100, 0], 24, "FR")]),
    )
    .expect("write the GeoIP database");
    let layer = ConfigLayer {
        geoip_db: Some(path),
        country_header: Some("CF-IPCountry".to_owned()),
        ..behind_proxy()
    };
    let own = serve(&harness, layer).await;
    let app = &own.app;
    let acct = app.account().await;
    let id = live_giveaway(
        app,
        &acct,
        json!({ "rules_config": { "countries_allowed": ["US", "CA"] } }),
    )
    .await;
    let from = |ip: &'static str| [("X-Forwarded-For", ip)];
    // The database decides by the client's address, whatever the entrant states.
    let us = enter_with(
        app,
        id,
        with(person("a@example.com"), json!({ "country": "FR" })),
        &from("203.0.113.9"),
    )
    .await;
    us.expect(201);
    refused(
        &enter_with(
            app,
            id,
            with(person("b@example.com"), json!({ "country": "US" })),
            &from("198.51.100.20"),
        )
        .await,
        403,
        "country",
    );
    // An address the database does not know has no country: a country-restricted giveaway
    // refuses it, whatever is stated.
    refused(
        &enter_with(
            app,
            id,
            with(person("c@example.com"), json!({ "country": "US" })),
            &from("192.0.2.1"),
        )
        .await,
        403,
        "country",
    );
    // The proxy's country header, when sent, comes before the database.
    enter_with(
        app,
        id,
        person("d@example.com"),
        &[("X-Forwarded-For", "198.51.100.21"), ("CF-IPCountry", "CA")],
    )
    .await
    .expect(201);
    // The judged country is the one stored with the participant and their entry.
    let listed = app.get(&acct.key, &format!("/v2/giveaways/{id}/participants")).await;
    listed.expect(200);
    let countries: HashMap<String, Value> = listed
        .data()
        .as_array()
        .expect("participants")
        .iter()
        .map(|p| (p["email"].as_str().unwrap_or("").to_owned(), p["country"].clone()))
        .collect();
    assert_eq!(countries.len(), 2, "{}", listed.text);
    assert_eq!(countries["a@example.com"], json!("US"), "{}", listed.text);
    assert_eq!(countries["d@example.com"], json!("CA"), "{}", listed.text);

    // Page views are placed by the same database.
    for ip in ["198.51.100.1", "198.51.100.2", "203.0.113.5", "192.0.2.9"] {
        app.http
            .post(app.url(&format!("/api/public/giveaways/{id}/views")))
            .header("X-Forwarded-For", ip)
            .json(&json!({}))
            .send()
            .await
            .expect("page view")
            .error_for_status()
            .expect("page view recorded");
    }
    let geography = app
        .get(&acct.key, &format!("/v2/giveaways/{id}/analytics/geography"))
        .await;
    geography.expect(200);
    assert_eq!(
        geography.data()["views_by_country"],
        json!([{ "country_code": "FR", "views": 2 }, { "country_code": "US", "views": 1 }]),
        "{}",
        geography.text
    );

    // A giveaway open to everyone takes the addresses the database places elsewhere.
    let worldwide = live_giveaway(app, &acct, json!({})).await;
    enter_with(app, worldwide, person("b@example.com"), &from("198.51.100.20"))
        .await
        .expect(201);
}

async fn age_limits(harness: TestApp) {
    let own = serve(&harness, ConfigLayer::default()).await;
    let app = &own.app;
    let acct = app.account().await;
    // T0 is 2026-06-15.
    let adults = live_giveaway(app, &acct, json!({ "rules_config": { "age_limit": 18 } })).await;
    let born = |d: &str| json!({ "birthday": d });
    let no_birthday = enter(app, adults, person("a@example.com")).await;
    no_birthday.expect_error(422);
    assert!(no_birthday.body["error"]["details"]["birthday"].is_string());
    refused(
        &enter(app, adults, with(person("a@example.com"), born("2008-06-16"))).await,
        403,
        "age_limit",
    );
    enter(app, adults, with(person("b@example.com"), born("2008-06-15")))
        .await
        .expect(201);
    let young = live_giveaway(
        app,
        &acct,
        json!({ "rules_config": { "age_limit": 30, "age_limit_type": "maximum" } }),
    )
    .await;
    refused(
        &enter(app, young, with(person("c@example.com"), born("1995-06-14"))).await,
        403,
        "age_limit",
    );
    enter(app, young, with(person("d@example.com"), born("1995-06-16")))
        .await
        .expect(201);
    enter(app, young, with(person("e@example.com"), born("2030-01-01")))
        .await
        .expect_error(422);
}

async fn proxy_headers_count_only_from_trusted_proxies(harness: TestApp) {
    // The headers are configured, but this host (127.0.0.1) is not a trusted proxy: a client
    // writing them itself passes for nobody else.
    let untrusted = ConfigLayer {
        client_ip_header: Some("X-Forwarded-For".to_owned()),
        country_header: Some("CF-IPCountry".to_owned()),
        trusted_proxies: Some(vec!["10.0.0.0/8".to_owned()]),
        ..ConfigLayer::default()
    };
    let own = serve(&harness, untrusted).await;
    let app = &own.app;
    let acct = app.account().await;
    let us_only = live_giveaway(app, &acct, json!({ "rules_config": { "countries_allowed": ["US"] } })).await;
    refused(
        &enter_with(app, us_only, person("a@example.com"), &[("CF-IPCountry", "US")]).await,
        403,
        "country",
    );
    let one_per_ip = live_giveaway(
        app,
        &acct,
        json!({ "rules_config": { "check_for_duplicate_ip": true } }),
    )
    .await;
    enter_with(
        app,
        one_per_ip,
        person("a@example.com"),
        &[("X-Forwarded-For", "198.51.100.1")],
    )
    .await
    .expect(201);
    refused(
        &enter_with(
            app,
            one_per_ip,
            person("b@example.com"),
            &[("X-Forwarded-For", "198.51.100.2")],
        )
        .await,
        403,
        "duplicate_ip",
    );

    // Trusted, the header is read from the right: the first address no trusted proxy wrote is
    // the client, whatever the client put before it.
    let own = serve(&harness, behind_proxy()).await;
    let app = &own.app;
    let acct = app.account().await;
    let id = live_giveaway(
        app,
        &acct,
        json!({ "rules_config": { "check_for_duplicate_ip": true } }),
    )
    .await;
    enter_with(
        app,
        id,
        person("a@example.com"),
        &[("X-Forwarded-For", "1.1.1.1, 198.51.100.7, 10.0.0.1")],
    )
    .await
    .expect(201);
    refused(
        &enter_with(
            app,
            id,
            person("b@example.com"),
            &[("X-Forwarded-For", "2.2.2.2, 198.51.100.7")],
        )
        .await,
        403,
        "duplicate_ip",
    );
    enter_with(app, id, person("c@example.com"), &[("X-Forwarded-For", "198.51.100.8")])
        .await
        .expect(201);
}

async fn duplicate_ip_rule(harness: TestApp) {
    let own = serve(&harness, behind_proxy()).await;
    let app = &own.app;
    let acct = app.account().await;
    let id = live_giveaway(
        app,
        &acct,
        json!({ "rules_config": { "check_for_duplicate_ip": true } }),
    )
    .await;
    let from = |ip: &'static str| [("X-Forwarded-For", ip)];
    enter_with(
        app,
        id,
        person("a@example.com"),
        &[("X-Forwarded-For", "198.51.100.7, 10.0.0.1")],
    )
    .await
    .expect(201);
    refused(
        &enter_with(app, id, person("b@example.com"), &from("198.51.100.7")).await,
        403,
        "duplicate_ip",
    );
    // The same person again is not "another participant".
    enter_with(app, id, person("a@example.com"), &from("198.51.100.7"))
        .await
        .expect(200);
    enter_with(app, id, person("b@example.com"), &from("198.51.100.8"))
        .await
        .expect(201);
    // Concurrent entries from one address: one gets in.
    let mut tasks = Vec::new();
    for n in 0..8 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            enter_with(
                &app,
                id,
                person(&format!("burst{n}@example.com")),
                &from("203.0.113.50"),
            )
            .await
            .status
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 403).count(), 7, "{statuses:?}");
    let open = live_giveaway(app, &acct, json!({})).await;
    enter_with(app, open, person("a@example.com"), &from("198.51.100.7"))
        .await
        .expect(201);
    enter_with(app, open, person("b@example.com"), &from("198.51.100.7"))
        .await
        .expect(201);
}

async fn vpn_rule(harness: TestApp) {
    let lists = tempfile::tempdir().unwrap();
    let file = lists.path().join("vpn.txt");
    std::fs::write(&file, "# a VPN provider\n198.51.100.0/24\n2001:db8::/32\n192.0.2.9\n").unwrap();
    let layer = ConfigLayer {
        vpn_ranges: Some(vec![file]),
        ..behind_proxy()
    };
    let own = serve(&harness, layer).await;
    let app = &own.app;
    let acct = app.account().await;
    let id = live_giveaway(app, &acct, json!({ "rules_config": { "block_vpns": true } })).await;
    let from = |ip: &'static str| [("X-Forwarded-For", ip)];
    for (n, ip) in ["198.51.100.200", "2001:db8::5", "192.0.2.9"].into_iter().enumerate() {
        refused(
            &enter_with(app, id, person(&format!("v{n}@example.com")), &from(ip)).await,
            403,
            "vpn",
        );
    }
    enter_with(app, id, person("a@example.com"), &from("203.0.113.1"))
        .await
        .expect(201);
    let open = live_giveaway(app, &acct, json!({})).await;
    enter_with(app, open, person("a@example.com"), &from("198.51.100.200"))
        .await
        .expect(201);
}

async fn disposable_email_rule(harness: TestApp) {
    let own = serve(&harness, ConfigLayer::default()).await;
    let app = &own.app;
    let acct = app.account().await;
    let strict = live_giveaway(
        app,
        &acct,
        json!({ "rules_config": { "block_high_risk_email_tld": true } }),
    )
    .await;
    refused(
        &enter(app, strict, person("x@mailinator.com")).await,
        403,
        "email_domain",
    );
    refused(
        &enter(app, strict, person("x@mx.10minutemail.com")).await,
        403,
        "email_domain",
    );
    enter(app, strict, person("x@gmail.com")).await.expect(201);
    let open = live_giveaway(app, &acct, json!({})).await;
    enter(app, open, person("x@mailinator.com")).await.expect(201);
}

async fn whitelist_rule(harness: TestApp) {
    let own = serve(&harness, ConfigLayer::default()).await;
    let app = &own.app;
    let acct = app.account().await;
    let id = live_giveaway(app, &acct, json!({})).await;
    // An empty whitelist lets everyone in.
    enter(app, id, person("anyone@example.com")).await.expect(201);
    app.post(
        &acct.key,
        &format!("/v2/giveaways/{id}/whitelist"),
        json!({ "emails": ["vip@example.com"] }),
    )
    .await
    .expect(201);
    refused(&enter(app, id, person("other@example.com")).await, 403, "whitelist");
    enter(app, id, person("VIP@example.com")).await.expect(201);
}

async fn blacklist_rule(harness: TestApp) {
    let own = serve(&harness, behind_proxy()).await;
    let app = &own.app;
    let acct = app.account().await;
    let id = live_giveaway(app, &acct, json!({})).await;
    let from = |ip: &'static str| [("X-Forwarded-For", ip)];
    let action = custom_action(app, &acct, id, 1, json!({})).await;
    let early = enter_with(app, id, person("early@example.com"), &from("192.0.2.1")).await;
    early.expect(201);
    app.post(
        &acct.key,
        &format!("/v2/giveaways/{id}/blacklist"),
        json!({ "values": ["cheat@example.com", "203.0.113.9", "198.51.100.0/24"] }),
    )
    .await
    .expect(201);
    refused(
        &enter_with(app, id, person("Cheat@example.com"), &from("192.0.2.2")).await,
        403,
        "blacklist",
    );
    refused(
        &enter_with(app, id, person("a@example.com"), &from("203.0.113.9")).await,
        403,
        "blacklist",
    );
    refused(
        &enter_with(app, id, person("b@example.com"), &from("198.51.100.77")).await,
        403,
        "blacklist",
    );
    enter_with(app, id, person("c@example.com"), &from("203.0.113.10"))
        .await
        .expect(201);
    // A listed network cannot act for an earlier entrant either.
    let mut req = app
        .http
        .post(app.url(&format!("/api/public/giveaways/{id}/actions")))
        .json(&json!({ "participant_token": token(&early), "entry_method_id": action }));
    req = req.header("X-Forwarded-For", "198.51.100.1");
    refused(&TestApp::read(req).await, 403, "blacklist");
}

async fn max_entries_per_user_rule(harness: TestApp) {
    let own = serve(&harness, ConfigLayer::default()).await;
    let app = &own.app;
    let acct = app.account().await;
    let id = live_giveaway(app, &acct, json!({ "rules_config": { "max_entries_per_user": 3 } })).await;
    let two = custom_action(app, &acct, id, 2, json!({})).await;
    let one = custom_action(app, &acct, id, 1, json!({})).await;
    let t = token(&enter(app, id, person("a@example.com")).await);
    let done = act(app, id, &t, two).await;
    done.expect(201);
    assert_eq!(done.data()["total_entries"], json!(3));
    refused(&act(app, id, &t, one).await, 403, "max_entries_per_user");
    assert_eq!(counters(app, id).await, (3, 1, 2));
}

async fn max_participants_rule(harness: TestApp) {
    let own = serve(&harness, ConfigLayer::default()).await;
    let app = &own.app;
    let acct = app.account().await;
    let id = live_giveaway(app, &acct, json!({ "rules_config": { "max_total_participants": 2 } })).await;
    enter(app, id, person("a@example.com")).await.expect(201);
    enter(app, id, person("b@example.com")).await.expect(201);
    refused(&enter(app, id, person("c@example.com")).await, 403, "max_participants");
    enter(app, id, person("a@example.com")).await.expect(200);
    assert_eq!(counters(app, id).await.1, 2);
}

/// A stand-in for a captcha provider's siteverify endpoint: `good-token` passes.
async fn fake_provider() -> (
    String,
    Arc<Mutex<Vec<HashMap<String, String>>>>,
    tokio::task::JoinHandle<()>,
) {
    type Seen = Arc<Mutex<Vec<HashMap<String, String>>>>;
    async fn siteverify(
        State(seen): State<Seen>,
        axum::Form(form): axum::Form<HashMap<String, String>>,
    ) -> axum::Json<Value> {
        let success = form.get("response").is_some_and(|r| r == "good-token");
        seen.lock().unwrap().push(form);
        axum::Json(json!({ "success": success, "error-codes": [] }))
    }
    let seen: Seen = Arc::default();
    let router = axum::Router::new()
        .route("/siteverify", axum::routing::post(siteverify))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/siteverify", listener.local_addr().unwrap());
    let handle = tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
    });
    (url, seen, handle)
}

fn captcha_layer(url: String) -> ConfigLayer {
    ConfigLayer {
        captcha_provider: Some(fairdraw_server::config::CaptchaProvider::Turnstile),
        captcha_secret: Some(fairdraw_core::secret::Secret::new("provider-secret".to_owned())),
        captcha_verify_url: Some(url),
        ..behind_proxy()
    }
}

async fn captcha_rule(harness: TestApp) {
    let (url, seen, provider) = fake_provider().await;
    let own = serve(&harness, captcha_layer(url)).await;
    let app = &own.app;
    let acct = app.account().await;
    let id = live_giveaway(app, &acct, json!({ "settings": { "require_captcha": true } })).await;
    let from = [("X-Forwarded-For", "203.0.113.5")];
    refused(
        &enter_with(app, id, person("a@example.com"), &from).await,
        403,
        "captcha",
    );
    let bad = with(person("a@example.com"), json!({ "captcha_token": "bad-token" }));
    refused(&enter_with(app, id, bad, &from).await, 403, "captcha");
    let good = with(person("a@example.com"), json!({ "captcha_token": "good-token" }));
    enter_with(app, id, good.clone(), &from).await.expect(201);
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 2, "a missing token never reaches the provider");
        let last = &seen[1];
        assert_eq!(last["secret"], "provider-secret");
        assert_eq!(last["response"], "good-token");
        assert_eq!(last["remoteip"], "203.0.113.5");
    }
    // Giveaways without the setting do not ask the provider.
    let open = live_giveaway(app, &acct, json!({})).await;
    enter_with(app, open, person("b@example.com"), &from).await.expect(201);
    assert_eq!(seen.lock().unwrap().len(), 2);

    // The provider unreachable: 503, the entrant may retry.
    provider.abort();
    let _ = provider.await;
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/siteverify", l.local_addr().unwrap())
    };
    let down = serve(&harness, captcha_layer(closed)).await;
    let acct = down.app.account().await;
    let id = live_giveaway(&down.app, &acct, json!({ "settings": { "require_captcha": true } })).await;
    refused(&enter_with(&down.app, id, good.clone(), &from).await, 503, "captcha");
    // No provider configured at all: the giveaway cannot be entered, and says why.
    let none = serve(&harness, ConfigLayer::default()).await;
    let acct = none.app.account().await;
    let id = live_giveaway(&none.app, &acct, json!({ "settings": { "require_captcha": true } })).await;
    refused(&enter(&none.app, id, good).await, 503, "captcha");
}

async fn email_verification_flow(harness: TestApp) {
    let own = serve(&harness, ConfigLayer::default()).await;
    let app = &own.app;
    let acct = app.account().await;
    let id = live_giveaway(
        app,
        &acct,
        json!({ "rules_config": { "require_email_verification": true } }),
    )
    .await;
    let action = custom_action(app, &acct, id, 2, json!({})).await;
    let entered = enter(app, id, person("a@example.com")).await;
    entered.expect(201);
    assert_eq!(entered.data()["email_verification_required"], json!(true));
    act(app, id, &token(&entered), action).await.expect(201);
    // Recorded, but not counted until verified.
    assert_eq!(counters(app, id).await, (0, 0, 0));
    let sent = jobs(app, "email.verification").await;
    assert_eq!(sent.len(), 1);
    let payload = &sent[0].1;
    assert_eq!(payload["email"], json!("a@example.com"));
    let link = payload["link"].as_str().unwrap();
    let prefix = "https://fairdraw.test/api/public/verify-email/";
    assert!(link.starts_with(prefix), "{link}");
    let path = &link["https://fairdraw.test".len()..];
    // Entering again sends no second e-mail and still says verification is pending.
    let again = enter(app, id, person("a@example.com")).await;
    assert_eq!(again.data()["email_verification_required"], json!(true));
    assert_eq!(jobs(app, "email.verification").await.len(), 1);

    let verified = app.call(reqwest::Method::GET, path, None, None).await;
    verified.expect(200);
    assert_eq!(verified.data()["verified"], json!(true));
    assert_eq!(counters(app, id).await, (3, 1, 2));
    app.call(reqwest::Method::GET, path, None, None).await.expect(200);
    assert_eq!(counters(app, id).await, (3, 1, 2));
    let after = enter(app, id, person("a@example.com")).await;
    assert_eq!(after.data()["email_verification_required"], json!(false));
    app.call(
        reqwest::Method::GET,
        &format!("/api/public/verify-email/{}", "0".repeat(64)),
        None,
        None,
    )
    .await
    .expect_error(404);
    // Without the rule nothing waits and nothing is e-mailed.
    let open = live_giveaway(app, &acct, json!({})).await;
    let plain = enter(app, open, person("b@example.com")).await;
    assert_eq!(plain.data()["email_verification_required"], json!(false));
    assert_eq!(counters(app, open).await, (1, 1, 1));
    assert_eq!(jobs(app, "email.verification").await.len(), 1);
}

/// The path of the verification link e-mailed to `email`.
async fn verification_path(app: &TestApp, email: &str) -> String {
    let sent = jobs(app, "email.verification").await;
    let (_, payload) = sent
        .iter()
        .find(|(_, p)| p["email"] == json!(email))
        .expect("a verification e-mail is queued");
    let link = payload["link"].as_str().unwrap();
    link.strip_prefix("https://fairdraw.test").unwrap().to_owned()
}

async fn referral_credit_waits_for_both_verifications(harness: TestApp) {
    let own = serve(&harness, ConfigLayer::default()).await;
    let app = &own.app;
    let acct = app.account().await;
    let id = live_giveaway(
        app,
        &acct,
        json!({ "rules_config": { "require_email_verification": true }, "settings": { "if_unlock_rewards": true } }),
    )
    .await;
    add_method(app, &acct, id, json!({ "entry_method": 5, "entry_amount": 3 })).await;
    app.post(
        &acct.key,
        &format!("/v2/giveaways/{id}/rewards"),
        json!({ "type": 1, "title": "Bonus", "entries_required": 4 }),
    )
    .await
    .expect(201);
    let get = |path: String| async move { app.call(reqwest::Method::GET, &path, None, None).await };
    let referrer = enter(app, id, person("ref@example.com")).await;
    let code = referrer.data()["referral_code"].as_str().unwrap().to_owned();
    enter(
        app,
        id,
        with(person("friend@example.com"), json!({ "referral_code": code })),
    )
    .await
    .expect(201);
    // The friend verifies first: the credit waits for the referrer.
    get(verification_path(app, "friend@example.com").await)
        .await
        .expect(200);
    assert_eq!(counters(app, id).await, (1, 1, 1));
    get(verification_path(app, "ref@example.com").await).await.expect(200);
    assert_eq!(counters(app, id).await, (5, 2, 3));
    let unlocked: Vec<(i64,)> = sqlx::query_as("SELECT participant_id FROM reward_unlocks")
        .fetch_all(app.engine.db().reader())
        .await
        .unwrap();
    assert_eq!(unlocked.len(), 1, "the referrer reached 4 entries once verified");
    // A verified referrer's credit for a new friend waits for that friend.
    enter(
        app,
        id,
        with(person("late@example.com"), json!({ "referral_code": code })),
    )
    .await
    .expect(201);
    assert_eq!(counters(app, id).await, (5, 2, 3));
    get(verification_path(app, "late@example.com").await).await.expect(200);
    assert_eq!(counters(app, id).await, (9, 3, 5));
}

async fn referral_credit_once_never_self(harness: TestApp) {
    let own = serve(&harness, ConfigLayer::default()).await;
    let app = &own.app;
    let acct = app.account().await;
    let id = live_giveaway(app, &acct, json!({})).await;
    add_method(app, &acct, id, json!({ "entry_method": 5, "entry_amount": 3 })).await;
    let referrer = enter(app, id, person("ref@example.com")).await;
    let code = referrer.data()["referral_code"].as_str().unwrap().to_owned();
    let total = |r: &Reply| r.data()["total_entries"].as_i64().unwrap();
    let by = |email: &str| with(person(email), json!({ "referral_code": code }));
    enter(app, id, by("friend@example.com")).await.expect(201);
    assert_eq!(total(&enter(app, id, person("ref@example.com")).await), 4);
    // The same friend again, and the referrer with their own code: nothing more.
    enter(app, id, by("friend@example.com")).await.expect(200);
    enter(app, id, by("ref@example.com")).await.expect(200);
    assert_eq!(total(&enter(app, id, person("ref@example.com")).await), 4);
    enter(app, id, by("second@example.com")).await.expect(201);
    assert_eq!(total(&enter(app, id, person("ref@example.com")).await), 7);
    assert_eq!(counters(app, id).await, (9, 3, 5));
    // A giveaway without a Refer a Friend method gives no credit.
    let plain = live_giveaway(app, &acct, json!({})).await;
    let r = enter(app, plain, person("ref@example.com")).await;
    let code = r.data()["referral_code"].as_str().unwrap().to_owned();
    enter(
        app,
        plain,
        with(person("f@example.com"), json!({ "referral_code": code })),
    )
    .await
    .expect(201);
    assert_eq!(total(&enter(app, plain, person("ref@example.com")).await), 1);
}

async fn milestone_rewards_unlock_once(harness: TestApp) {
    let own = serve(&harness, ConfigLayer::default()).await;
    let app = &own.app;
    let acct = app.account().await;
    let id = live_giveaway(app, &acct, json!({ "settings": { "if_unlock_rewards": true } })).await;
    let reward = app
        .post(
            &acct.key,
            &format!("/v2/giveaways/{id}/rewards"),
            json!({ "type": 2, "title": "10% off", "entries_required": 3, "coupon_code": "SAVE10", "send_email": 1 }),
        )
        .await;
    reward.expect(201);
    let reward_id = reward.data()["id"].as_i64().unwrap();
    let two = custom_action(app, &acct, id, 2, json!({})).await;
    let more = custom_action(app, &acct, id, 5, json!({})).await;
    let unlocks = || async {
        let rows: Vec<(i64,)> = sqlx::query_as("SELECT reward_id FROM reward_unlocks")
            .fetch_all(app.engine.db().reader())
            .await
            .unwrap();
        rows.into_iter().map(|(r,)| r).collect::<Vec<_>>()
    };
    let t = token(&enter(app, id, person("a@example.com")).await);
    assert!(unlocks().await.is_empty(), "1 entry is below the milestone");
    act(app, id, &t, two).await.expect(201);
    assert_eq!(unlocks().await, [reward_id]);
    act(app, id, &t, more).await.expect(201);
    assert_eq!(unlocks().await, [reward_id], "unlocked once");
    let mails = jobs(app, "email.reward").await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].1["reward_id"], json!(reward_id));
    assert_eq!(mails[0].1["email"], json!("a@example.com"));
    // With rewards switched off nothing unlocks.
    let off = live_giveaway(app, &acct, json!({})).await;
    app.post(
        &acct.key,
        &format!("/v2/giveaways/{off}/rewards"),
        json!({ "type": 1, "title": "Bonus", "entries_required": 1 }),
    )
    .await
    .expect(201);
    enter(app, off, person("b@example.com")).await.expect(201);
    assert_eq!(unlocks().await.len(), 1);
}

async fn daily_and_one_time_actions(harness: TestApp) {
    let own = serve(&harness, ConfigLayer::default()).await;
    let app = &own.app;
    let acct = app.account().await;
    let id = live_giveaway(app, &acct, json!({})).await;
    let daily = custom_action(app, &acct, id, 2, json!({ "daily": true })).await;
    let once = custom_action(app, &acct, id, 1, json!({})).await;
    let t = token(&enter(app, id, person("a@example.com")).await);
    act(app, id, &t, daily).await.expect(201);
    refused(&act(app, id, &t, daily).await, 409, "daily");
    act(app, id, &t, once).await.expect(201);
    refused(&act(app, id, &t, once).await, 409, "once");
    // T0 is 08:00 in New York. 23:00 there is still the same day (though a new day in UTC).
    app.clock.advance(15 * HOUR);
    refused(&act(app, id, &t, daily).await, 409, "daily");
    app.clock.advance(2 * HOUR);
    let next = act(app, id, &t, daily).await;
    next.expect(201);
    assert_eq!(next.data()["total_entries"], json!(6));
    refused(&act(app, id, &t, once).await, 409, "once");
    // Concurrent repeats of one action: exactly one counts.
    app.clock.advance(DAY);
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let (app, t) = (app.clone(), t.clone());
        tasks.push(tokio::spawn(async move { act(&app, id, &t, daily).await.status }));
    }
    let mut ok = 0;
    for task in tasks {
        if task.await.unwrap() == 201 {
            ok += 1;
        }
    }
    assert_eq!(ok, 1);
    assert_eq!(counters(app, id).await, (8, 1, 5));
    let unknown = act(app, id, &t, 999_999).await;
    unknown.expect_error(404);
}

async fn required_methods_come_first(harness: TestApp) {
    let own = serve(&harness, ConfigLayer::default()).await;
    let app = &own.app;
    let acct = app.account().await;
    let id = live_giveaway(app, &acct, json!({})).await;
    let required = custom_action(app, &acct, id, 1, json!({ "required": true })).await;
    let optional = custom_action(app, &acct, id, 4, json!({})).await;
    let t = token(&enter(app, id, person("a@example.com")).await);
    let early = act(app, id, &t, optional).await;
    refused(&early, 403, "required_methods");
    assert_eq!(early.body["error"]["details"]["entry_method_ids"], json!([required]));
    act(app, id, &t, required).await.expect(201);
    let later = act(app, id, &t, optional).await;
    later.expect(201);
    assert_eq!(later.data()["total_entries"], json!(6));
    let methods = app.get(&acct.key, &format!("/v2/giveaways/{id}/entry-methods")).await;
    let details = methods.data()[0]["id"].as_i64().unwrap();
    refused(&act(app, id, &t, details).await, 409, "once");
}

async fn rate_limits(harness: TestApp) {
    let layer = ConfigLayer {
        public_ip_rpm: Some(3),
        public_giveaway_rps: Some(4),
        ..behind_proxy()
    };
    let own = serve(&harness, layer).await;
    let app = &own.app;
    let acct = app.account().await;
    let id = live_giveaway(app, &acct, json!({})).await;
    let from = |ip: &'static str| [("X-Forwarded-For", ip)];
    for n in 0..3 {
        enter_with(app, id, person(&format!("a{n}@example.com")), &from("203.0.113.1"))
            .await
            .expect(201);
    }
    let limited = enter_with(app, id, person("a9@example.com"), &from("203.0.113.1")).await;
    refused(&limited, 429, "rate_limit");
    let retry: i64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    // Another address is not held back by the first one's limit, but the giveaway's own limit
    // of 4 a second is reached.
    enter_with(app, id, person("b@example.com"), &from("203.0.113.2"))
        .await
        .expect(201);
    refused(
        &enter_with(app, id, person("c@example.com"), &from("203.0.113.3")).await,
        429,
        "rate_limit",
    );
    app.clock.advance(1_000);
    enter_with(app, id, person("c@example.com"), &from("203.0.113.3"))
        .await
        .expect(201);
    app.clock.advance(60_000);
    enter_with(app, id, person("a9@example.com"), &from("203.0.113.1"))
        .await
        .expect(201);
}
