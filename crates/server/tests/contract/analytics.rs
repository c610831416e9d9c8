//! Contract scenarios for the leaderboard, referrals, analytics and page views: every figure
//! checked against hand-computed expectations, from data recorded through the engine and the
//! public page-view endpoint.

use crate::scenarios;
use crate::support::{self, DAY, HOUR, MINUTE, Method, TestAccount, TestApp};
use fairdraw_server::config::ConfigLayer;
use fairdraw_server::engine::Giveaway;
use fairdraw_store::entries::{Entrant, NewEntry, Recorded};
use serde_json::{Value, json};

scenarios!(
    leaderboard_needs_the_setting_and_ranks_ties_by_arrival,
    referrals_count_active_referred_participants,
    overview_combines_counters_and_views,
    daily_covers_every_day_of_the_range,
    daily_rejects_bad_dates,
    entry_methods_share_the_counted_entries,
    geography_ranks_countries,
    page_view_countries_come_from_configured_sources_only,
    referral_sources_rank_urls_with_their_domains,
    fraud_counts_shared_ips_without_showing_them,
    page_views_are_public_for_published_giveaways_only,
    page_view_bodies_are_checked,
    other_brands_and_unknown_ids_are_404,
    listed_in_the_openapi_document,
);

struct Setup {
    acct: TestAccount,
    id: i64,
    g: Giveaway,
}

/// A published giveaway with `overrides` in its create body.
async fn setup(app: &TestApp, overrides: Value) -> Setup {
    let acct = app.account().await;
    let mut body = json!({ "is_draft": false });
    if let (Some(b), Some(o)) = (body.as_object_mut(), overrides.as_object()) {
        b.extend(o.clone());
    }
    let id = app.create_giveaway(&acct.key, body).await;
    let who = app.engine.authenticate_secret(&acct.key).await.unwrap();
    let g = app.engine.owned_giveaway(&who, id).await.unwrap();
    Setup { acct, id, g }
}

#[derive(Clone)]
struct Person {
    email: String,
    name: String,
    ip: Option<String>,
    country: Option<String>,
    referred_by_code: Option<String>,
    verified: bool,
}

fn person(name: &str) -> Person {
    Person {
        email: format!("{}@example.com", name.to_lowercase().replace(' ', ".")),
        name: name.to_owned(),
        ip: None,
        country: None,
        referred_by_code: None,
        verified: true,
    }
}

impl Person {
    fn ip(mut self, ip: &str) -> Self {
        self.ip = Some(ip.to_owned());
        self
    }
    fn country(mut self, c: &str) -> Self {
        self.country = Some(c.to_owned());
        self
    }
    fn referred_by(mut self, r: &Recorded) -> Self {
        self.referred_by_code = Some(r.referral_code.clone());
        self
    }
    fn unverified(mut self) -> Self {
        self.verified = false;
        self
    }
}

/// Records `(method_type, amount)` entries for `p`.
async fn record(app: &TestApp, g: &Giveaway, p: &Person, entries: &[(i64, i64)]) -> Recorded {
    let entrant = Entrant {
        email: p.email.clone(),
        name: p.name.clone(),
        country: p.country.clone(),
        birthday: None,
        ip: p.ip.clone(),
        referred_by_code: p.referred_by_code.clone(),
        verified: p.verified,
    };
    let entries = entries
        .iter()
        .map(|&(method_type, amount)| NewEntry {
            entry_method_id: None,
            method_type,
            amount,
            value: None,
        })
        .collect();
    app.engine
        .record_entries(g, entrant, entries)
        .await
        .unwrap()
        .expect("recording accepted")
}

/// Sets a participant's status as the ban and disqualify operations do (a ban also invalidates
/// the entries), then recounts.
async fn set_status(app: &TestApp, id: i64, r: &Recorded, status: &str) {
    let db = app.engine.db();
    sqlx::query("UPDATE participants SET status = $2 WHERE id = $1")
        .bind(r.participant_id)
        .bind(status)
        .execute(db.writer())
        .await
        .unwrap();
    if status == "banned" {
        sqlx::query("UPDATE entries SET display_winner = 5 WHERE participant_id = $1")
            .bind(r.participant_id)
            .execute(db.writer())
            .await
            .unwrap();
    }
    db.recount_giveaway(id).await.unwrap();
}

/// Posts a page view without an API key.
async fn view_with(app: &TestApp, id: i64, body: Option<Value>, headers: &[(&str, &str)]) -> crate::support::Reply {
    let mut req = app
        .http
        .request(Method::POST, app.url(&format!("/api/public/giveaways/{id}/views")));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    TestApp::read(req).await
}

async fn view(app: &TestApp, id: i64, body: Value, headers: &[(&str, &str)]) {
    view_with(app, id, Some(body), headers).await.expect(201);
}

async fn data(app: &TestApp, key: &str, path: &str) -> Value {
    let r = app.get(key, path).await;
    r.expect(200);
    assert_eq!(r.body["success"], json!(true), "{}", r.text);
    assert!(r.body.get("pagination").is_none(), "{}", r.text);
    r.data().clone()
}

async fn leaderboard_needs_the_setting_and_ranks_ties_by_arrival(app: TestApp) {
    // Off by default: a clear 403.
    let off = setup(&app, json!({})).await;
    record(&app, &off.g, &person("Solo"), &[(1, 1)]).await;
    let r = app
        .get(&off.acct.key, &format!("/v2/giveaways/{}/leaderboard", off.id))
        .await;
    r.expect_error(403);
    assert_eq!(
        r.body["error"]["message"],
        json!("The leaderboard is not enabled for this giveaway.")
    );

    let s = setup(
        &app,
        json!({ "settings": { "if_leaderboard": true, "leaderboard_display_amount": 3 } }),
    )
    .await;
    let path = format!("/v2/giveaways/{}/leaderboard", s.id);
    assert_eq!(data(&app, &s.acct.key, &path).await, json!([]));

    let amy = record(&app, &s.g, &person("Amy"), &[(1, 1), (7, 4)]).await; // 5
    app.clock.advance(MINUTE);
    let ben = record(&app, &s.g, &person("Ben"), &[(1, 7)]).await; // 7
    app.clock.advance(MINUTE);
    let cat = record(&app, &s.g, &person("Cat"), &[(1, 5)]).await; // 5, after Amy
    app.clock.advance(MINUTE);
    // Same instant: the one recorded first wins the tie.
    let dan = record(&app, &s.g, &person("Dan"), &[(1, 2)]).await;
    let eve = record(&app, &s.g, &person("Eve"), &[(1, 2)]).await;
    // Pending verification and banned people are not ranked.
    record(&app, &s.g, &person("Pending").unverified(), &[(1, 50)]).await;
    let cheat = record(&app, &s.g, &person("Cheat"), &[(1, 40)]).await;
    set_status(&app, s.id, &cheat, "banned").await;

    let row = |rank: i64, r: &Recorded, name: &str, total: i64| json!({ "rank": rank, "user_id": r.user_id, "name": name, "total_entries": total });
    assert_eq!(
        data(&app, &s.acct.key, &path).await,
        json!([row(1, &ben, "Ben", 7), row(2, &amy, "Amy", 5), row(3, &cat, "Cat", 5)])
    );

    // Amy overtakes Ben; the display amount grows to show everyone.
    record(&app, &s.g, &person("Amy"), &[(7, 3)]).await; // 8
    app.put(
        &s.acct.key,
        &format!("/v2/giveaways/{}", s.id),
        json!({ "settings": { "leaderboard_display_amount": 10 } }),
    )
    .await
    .expect(200);
    assert_eq!(
        data(&app, &s.acct.key, &path).await,
        json!([
            row(1, &amy, "Amy", 8),
            row(2, &ben, "Ben", 7),
            row(3, &cat, "Cat", 5),
            row(4, &dan, "Dan", 2),
            row(5, &eve, "Eve", 2),
        ])
    );

    // Turning it off again closes it.
    app.put(
        &s.acct.key,
        &format!("/v2/giveaways/{}", s.id),
        json!({ "settings": { "if_leaderboard": false } }),
    )
    .await
    .expect(200);
    app.get(&s.acct.key, &path).await.expect_error(403);
}

async fn referrals_count_active_referred_participants(app: TestApp) {
    let s = setup(&app, json!({})).await;
    let summary = format!("/v2/giveaways/{}/referrals", s.id);
    let top = format!("/v2/giveaways/{}/referrals/top", s.id);
    let empty = json!({ "competition_id": s.id, "total_referrals": 0, "unique_referrers": 0,
        "avg_referrals_per_referrer": 0.0 });
    assert_eq!(data(&app, &s.acct.key, &summary).await, empty);
    assert_eq!(data(&app, &s.acct.key, &top).await, json!([]));

    let ann = record(&app, &s.g, &person("Ann"), &[(1, 1)]).await;
    app.clock.advance(MINUTE);
    let bob = record(&app, &s.g, &person("Bob"), &[(1, 1)]).await;
    app.clock.advance(MINUTE);
    record(&app, &s.g, &person("Cy"), &[(1, 1)]).await;
    app.clock.advance(MINUTE);
    let a1 = record(&app, &s.g, &person("A One").referred_by(&ann), &[(1, 1)]).await;
    let a2 = record(&app, &s.g, &person("A Two").referred_by(&ann), &[(1, 1)]).await;
    record(&app, &s.g, &person("A Three").referred_by(&ann), &[(1, 1)]).await;
    record(&app, &s.g, &person("B One").referred_by(&bob), &[(1, 1)]).await;
    record(&app, &s.g, &person("A One One").referred_by(&a1), &[(1, 1)]).await;
    // Not yet verified: not a referral yet.
    record(
        &app,
        &s.g,
        &person("A Pending").referred_by(&ann).unverified(),
        &[(1, 1)],
    )
    .await;

    // 5 referrals by Ann (3), Bob (1), A One (1): 5 / 3 = 1.67.
    assert_eq!(
        data(&app, &s.acct.key, &summary).await,
        json!({ "competition_id": s.id, "total_referrals": 5, "unique_referrers": 3,
            "avg_referrals_per_referrer": 1.67 })
    );
    let item = |r: &Recorded, name: &str, n: i64| {
        json!({ "user_id": r.user_id, "name": name,
            "email": format!("{}@example.com", name.to_lowercase().replace(' ', ".")), "referral_count": n })
    };
    // Bob and A One tie; Bob entered first.
    assert_eq!(
        data(&app, &s.acct.key, &top).await,
        json!([item(&ann, "Ann", 3), item(&bob, "Bob", 1), item(&a1, "A One", 1)])
    );

    // A banned referral no longer counts: 4 / 3 = 1.33.
    set_status(&app, s.id, &a2, "banned").await;
    assert_eq!(
        data(&app, &s.acct.key, &summary).await,
        json!({ "competition_id": s.id, "total_referrals": 4, "unique_referrers": 3,
            "avg_referrals_per_referrer": 1.33 })
    );
    assert_eq!(data(&app, &s.acct.key, &top).await[0], item(&ann, "Ann", 2));
}

async fn overview_combines_counters_and_views(app: TestApp) {
    let s = setup(&app, json!({})).await;
    let path = format!("/v2/giveaways/{}/analytics/overview", s.id);
    assert_eq!(
        data(&app, &s.acct.key, &path).await,
        json!({ "competition_id": s.id, "total_entries": 0, "total_participants": 0, "total_actions": 0,
            "total_views": 0, "unique_views": 0, "conversion_rate": 0.0, "avg_entries_per_user": 0.0,
            "avg_actions_per_user": 0.0 })
    );

    // Views with no participants yet: still no division by zero.
    view(&app, s.id, json!({ "visitor_id": "v1" }), &[]).await;
    let d = data(&app, &s.acct.key, &path).await;
    assert_eq!(d["total_views"], json!(1));
    assert_eq!(d["conversion_rate"], json!(0.0));

    record(&app, &s.g, &person("P1"), &[(1, 1), (7, 2)]).await;
    record(&app, &s.g, &person("P2"), &[(1, 1)]).await;
    record(&app, &s.g, &person("P3"), &[(1, 1), (5, 3), (7, 2)]).await;
    record(&app, &s.g, &person("Pending").unverified(), &[(1, 1), (7, 9)]).await;
    // v1 three times in all, v2..v6 once, and one browser without a visitor id twice.
    view(&app, s.id, json!({ "visitor_id": "v1" }), &[]).await;
    view(&app, s.id, json!({ "visitor_id": "v1" }), &[]).await;
    for v in ["v2", "v3", "v4", "v5", "v6"] {
        view(&app, s.id, json!({ "visitor_id": v }), &[]).await;
    }
    view(&app, s.id, json!({}), &[("User-Agent", "Browser/1")]).await;
    view(&app, s.id, json!({}), &[("User-Agent", "Browser/1")]).await;

    // 10 entries, 3 participants, 6 actions; 10 views by 7 visitors.
    assert_eq!(
        data(&app, &s.acct.key, &path).await,
        json!({ "competition_id": s.id, "total_entries": 10, "total_participants": 3, "total_actions": 6,
            "total_views": 10, "unique_views": 7, "conversion_rate": 42.86, "avg_entries_per_user": 3.33,
            "avg_actions_per_user": 2.0 })
    );
    // The stats endpoint agrees on the shared figures.
    let stats = data(&app, &s.acct.key, &format!("/v2/giveaways/{}/stats", s.id)).await;
    assert_eq!(stats["unique_page_views"], json!(7));
    assert_eq!(stats["conversion_rate"], json!(42.86));
}

fn day(date: &str, views: i64, unique: i64, entries: i64, people: i64) -> Value {
    json!({ "date": date, "total_views": views, "unique_views": unique, "entries": entries,
        "new_participants": people })
}

async fn daily_covers_every_day_of_the_range(app: TestApp) {
    let s = setup(&app, json!({})).await;
    let path = format!("/v2/giveaways/{}/analytics/daily", s.id);
    let q = |query: &str| format!("{path}?{query}");
    // Nothing yet: no days by default, zeros for asked-for days.
    assert_eq!(data(&app, &s.acct.key, &path).await, json!([]));
    assert_eq!(
        data(&app, &s.acct.key, &q("date_from=2026-06-01&date_to=2026-06-02")).await,
        json!([day("2026-06-01", 0, 0, 0, 0), day("2026-06-02", 0, 0, 0, 0)])
    );

    // 2026-06-15 12:00 UTC.
    view(&app, s.id, json!({ "visitor_id": "v1" }), &[]).await;
    view(&app, s.id, json!({ "visitor_id": "v2" }), &[]).await;
    view(&app, s.id, json!({ "visitor_id": "v1" }), &[]).await;
    record(&app, &s.g, &person("P1"), &[(1, 1), (7, 2)]).await;
    // 2026-06-17 12:00.
    app.clock.advance(2 * DAY);
    record(&app, &s.g, &person("P1"), &[(7, 4)]).await;
    record(&app, &s.g, &person("P2"), &[(1, 1)]).await;
    record(&app, &s.g, &person("Pending").unverified(), &[(1, 1)]).await;
    let banned = record(&app, &s.g, &person("Banned"), &[(1, 6)]).await;
    set_status(&app, s.id, &banned, "banned").await;
    view(&app, s.id, json!({ "visitor_id": "v3" }), &[]).await;
    // 2026-06-17 23:59, then 2026-06-18 00:01.
    app.clock.advance(12 * HOUR - MINUTE);
    view(&app, s.id, json!({ "visitor_id": "v1" }), &[]).await;
    app.clock.advance(2 * MINUTE);
    record(&app, &s.g, &person("P3"), &[(1, 1)]).await;

    let d15 = day("2026-06-15", 3, 2, 3, 1);
    let d16 = day("2026-06-16", 0, 0, 0, 0);
    let d17 = day("2026-06-17", 2, 2, 5, 1);
    let d18 = day("2026-06-18", 0, 0, 1, 1);
    assert_eq!(
        data(&app, &s.acct.key, &path).await,
        json!([d15, d16, d17, d18]),
        "default: first to last day of activity"
    );
    assert_eq!(
        data(&app, &s.acct.key, &q("date_from=2026-06-13&date_to=2026-06-16")).await,
        json!([day("2026-06-13", 0, 0, 0, 0), day("2026-06-14", 0, 0, 0, 0), d15, d16])
    );
    assert_eq!(
        data(&app, &s.acct.key, &q("date_from=2026-06-17")).await,
        json!([d17, d18])
    );
    assert_eq!(data(&app, &s.acct.key, &q("date_to=2026-06-15")).await, json!([d15]));
    assert_eq!(
        data(&app, &s.acct.key, &q("date_from=2026-06-19")).await,
        json!([day("2026-06-19", 0, 0, 0, 0)])
    );
    assert_eq!(
        data(&app, &s.acct.key, &q("date_from=2026-06-17&date_to=2026-06-17")).await,
        json!([d17])
    );
    // The reference's example range, and a full year.
    let week = data(&app, &s.acct.key, &q("date_from=2026-06-01&date_to=2026-06-07")).await;
    assert_eq!(week.as_array().unwrap().len(), 7);
    let year = data(&app, &s.acct.key, &q("date_from=2025-06-18&date_to=2026-06-18")).await;
    let year = year.as_array().unwrap();
    assert_eq!(year.len(), 366);
    assert_eq!(year[365], d18);
}

async fn daily_rejects_bad_dates(app: TestApp) {
    let s = setup(&app, json!({})).await;
    let path = format!("/v2/giveaways/{}/analytics/daily", s.id);
    let cases = [
        ("date_from=2026-13-01", "date_from"),
        ("date_from=2026-02-30", "date_from"),
        ("date_to=tomorrow", "date_to"),
        ("date_to=2026-6-1", "date_to"),
        ("date_from=2026-06-08&date_to=2026-06-07", "date_to"),
        ("date_from=2025-01-01&date_to=2026-01-02", "date_to"),
    ];
    for (query, field) in cases {
        let r = app.get(&s.acct.key, &format!("{path}?{query}")).await;
        r.expect_error(422);
        assert!(r.body["error"]["details"][field].is_string(), "{query}: {}", r.text);
    }
    let r = app.get(&s.acct.key, &format!("{path}?date_from=x&date_to=y")).await;
    r.expect_error(422);
    assert!(r.body["error"]["details"]["date_from"].is_string() && r.body["error"]["details"]["date_to"].is_string());
    // Unknown parameters are ignored.
    app.get(&s.acct.key, &format!("{path}?colour=blue")).await.expect(200);
}

async fn entry_methods_share_the_counted_entries(app: TestApp) {
    let s = setup(&app, json!({})).await;
    let path = format!("/v2/giveaways/{}/analytics/entry-methods", s.id);
    assert_eq!(data(&app, &s.acct.key, &path).await, json!([]));

    record(&app, &s.g, &person("P1"), &[(1, 1), (7, 2)]).await;
    record(&app, &s.g, &person("P2"), &[(1, 1), (7, 2), (5, 3)]).await;
    let p3 = record(&app, &s.g, &person("P3"), &[(1, 1), (5, 3), (5, 3)]).await;
    record(&app, &s.g, &person("Pending").unverified(), &[(1, 1), (7, 20)]).await;
    let m = |id: i64, name: &str, total: i64, users: i64, pct: f64| {
        json!({ "entry_method": id, "entry_method_name": name, "total_entries": total, "unique_users": users,
            "percentage": pct })
    };
    // 16 entries: 9 (56.25 → 56.3), 4 (25), 3 (18.75 → 18.8).
    assert_eq!(
        data(&app, &s.acct.key, &path).await,
        json!([
            m(5, "Refer a Friend", 9, 2, 56.3),
            m(7, "Visit a Website", 4, 2, 25.0),
            m(1, "User Details", 3, 3, 18.8),
        ])
    );
    // A ban takes P3's entries out: 9 entries left.
    set_status(&app, s.id, &p3, "banned").await;
    assert_eq!(
        data(&app, &s.acct.key, &path).await,
        json!([
            m(7, "Visit a Website", 4, 2, 44.4),
            m(5, "Refer a Friend", 3, 1, 33.3),
            m(1, "User Details", 2, 2, 22.2),
        ])
    );
}

/// The server of `harness`'s backend with the edge proxy's country header configured.
async fn with_country_header(harness: &TestApp) -> (TestApp, support::Running) {
    let layer = ConfigLayer {
        country_header: Some("CF-IPCountry".to_owned()),
        trusted_proxies: Some(vec!["127.0.0.1".to_owned()]),
        ..ConfigLayer::default()
    };
    support::start_with(harness.backend, layer).await
}

async fn geography_ranks_countries(harness: TestApp) {
    let (app, _running) = with_country_header(&harness).await;
    let s = setup(&app, json!({})).await;
    let path = format!("/v2/giveaways/{}/analytics/geography", s.id);
    assert_eq!(
        data(&app, &s.acct.key, &path).await,
        json!({ "views_by_country": [], "participants_by_country": [] })
    );
    for c in ["US", "GB", "CA", "US", "GB", "CA", "us", "XX", "T1", "ZZZ"] {
        view(&app, s.id, json!({}), &[("CF-IPCountry", c)]).await;
    }
    view(&app, s.id, json!({}), &[]).await;
    record(&app, &s.g, &person("P1").country("US"), &[(1, 1)]).await;
    record(&app, &s.g, &person("P2").country("CA"), &[(1, 1)]).await;
    record(&app, &s.g, &person("P3").country("US"), &[(1, 1)]).await;
    record(&app, &s.g, &person("P4"), &[(1, 1)]).await;
    let de = record(&app, &s.g, &person("P5").country("DE"), &[(1, 1)]).await;
    set_status(&app, s.id, &de, "disqualified").await;
    record(&app, &s.g, &person("P6").country("FR").unverified(), &[(1, 1)]).await;
    assert_eq!(
        data(&app, &s.acct.key, &path).await,
        json!({
            "views_by_country": [
                { "country_code": "US", "views": 3 },
                { "country_code": "CA", "views": 2 },
                { "country_code": "GB", "views": 2 },
            ],
            "participants_by_country": [
                { "country": "US", "participants": 2 },
                { "country": "CA", "participants": 1 },
            ],
        })
    );
}

async fn page_view_countries_come_from_configured_sources_only(app: TestApp) {
    // No country header is configured here: anyone could send CF-IPCountry, so it is ignored.
    let s = setup(&app, json!({})).await;
    view(&app, s.id, json!({}), &[("CF-IPCountry", "US")]).await;
    let path = format!("/v2/giveaways/{}/analytics/geography", s.id);
    assert_eq!(data(&app, &s.acct.key, &path).await["views_by_country"], json!([]));
    let overview = data(&app, &s.acct.key, &format!("/v2/giveaways/{}/analytics/overview", s.id)).await;
    assert_eq!(overview["total_views"], json!(1), "{overview}");
}

async fn referral_sources_rank_urls_with_their_domains(app: TestApp) {
    let s = setup(&app, json!({})).await;
    let path = format!("/v2/giveaways/{}/analytics/referrals", s.id);
    assert_eq!(data(&app, &s.acct.key, &path).await, json!([]));
    let twitter = "https://twitter.com/mycompany/status/123";
    let instagram = "https://www.instagram.com/p/abc123/";
    let blog = "https://myblog.com/giveaway-post";
    for r in [
        instagram,
        twitter,
        blog,
        twitter,
        "javascript:alert(1)",
        instagram,
        twitter,
        blog,
    ] {
        view(&app, s.id, json!({ "referrer": r }), &[]).await;
    }
    view(&app, s.id, json!({}), &[]).await;
    let long = format!("https://Long.Example:8443/{}", "a".repeat(3000));
    view(&app, s.id, json!({ "referrer": long }), &[]).await;
    let d = data(&app, &s.acct.key, &path).await;
    let cut: String = long.chars().take(2048).collect();
    assert_eq!(
        d,
        json!([
            { "referrer_url": twitter, "domain": "twitter.com", "count": 3 },
            { "referrer_url": instagram, "domain": "www.instagram.com", "count": 2 },
            { "referrer_url": blog, "domain": "myblog.com", "count": 2 },
            { "referrer_url": cut, "domain": "long.example", "count": 1 },
        ])
    );

    // Top 20 only.
    for n in 0..25 {
        view(
            &app,
            s.id,
            json!({ "referrer": format!("https://site{n}.example/") }),
            &[],
        )
        .await;
    }
    assert_eq!(data(&app, &s.acct.key, &path).await.as_array().unwrap().len(), 20);
}

async fn fraud_counts_shared_ips_without_showing_them(app: TestApp) {
    let s = setup(&app, json!({})).await;
    let path = format!("/v2/giveaways/{}/analytics/fraud", s.id);
    assert_eq!(
        data(&app, &s.acct.key, &path).await,
        json!({ "duplicate_ip_entries": 0, "banned_count": 0, "disqualified_count": 0, "top_duplicate_ips": [] })
    );
    record(&app, &s.g, &person("P1").ip("198.51.100.1"), &[(1, 1), (7, 4)]).await;
    let p2 = record(&app, &s.g, &person("P2").ip("198.51.100.1"), &[(1, 3)]).await;
    record(&app, &s.g, &person("P3").ip("198.51.100.2"), &[(1, 1)]).await;
    let p4 = record(&app, &s.g, &person("P4").ip("198.51.100.2"), &[(1, 1)]).await;
    record(&app, &s.g, &person("P5").ip("198.51.100.2"), &[(1, 2)]).await;
    record(&app, &s.g, &person("P6").ip("198.51.100.3"), &[(1, 10)]).await;
    record(&app, &s.g, &person("P7"), &[(1, 1)]).await;
    record(&app, &s.g, &person("P8"), &[(1, 1)]).await;

    let r = app.get(&s.acct.key, &path).await;
    r.expect(200);
    assert!(!r.text.contains("198.51.100"), "{}", r.text);
    assert_eq!(
        r.data(),
        &json!({ "duplicate_ip_entries": 2, "banned_count": 0, "disqualified_count": 0,
            "top_duplicate_ips": [{ "rank": 1, "entry_count": 8 }, { "rank": 2, "entry_count": 4 }] })
    );

    set_status(&app, s.id, &p2, "banned").await;
    set_status(&app, s.id, &p4, "disqualified").await;
    assert_eq!(
        data(&app, &s.acct.key, &path).await,
        json!({ "duplicate_ip_entries": 1, "banned_count": 1, "disqualified_count": 1,
            "top_duplicate_ips": [{ "rank": 1, "entry_count": 3 }] })
    );
}

async fn page_views_are_public_for_published_giveaways_only(app: TestApp) {
    let s = setup(&app, json!({})).await;
    let r = view_with(
        &app,
        s.id,
        Some(json!({ "referrer": "https://twitter.com/x", "visitor_id": "visitor-7" })),
        &[],
    )
    .await;
    r.expect(201);
    assert_eq!(r.body["success"], json!(true));
    assert_eq!(r.data(), &json!({ "recorded": true }));
    assert!(r.body["meta"]["request_id"].is_string());
    // No body at all, and unknown fields, are fine.
    view_with(&app, s.id, None, &[]).await.expect(201);
    view(&app, s.id, json!({ "page": "home", "visitor_id": null }), &[]).await;

    // Only a hash of the visitor is stored: never the IP or the visitor id.
    let rows: Vec<(String,)> = sqlx::query_as("SELECT visitor FROM page_views WHERE giveaway_id = $1 ORDER BY id")
        .bind(s.id)
        .fetch_all(app.engine.db().reader())
        .await
        .unwrap();
    assert_eq!(rows.len(), 3);
    for (v,) in &rows {
        assert_eq!(v.len(), 32);
        assert!(v.bytes().all(|b| b.is_ascii_hexdigit()), "{v}");
        // A hex digest can never contain the visitor id, which has non-hex letters.
        assert!(!v.contains("127.0.0.1") && !v.contains("visitor-7"));
    }
    // The same browser without a visitor id is one visitor.
    assert_eq!(rows[1].0, rows[2].0);
    assert_ne!(rows[0].0, rows[1].0);

    // The same visitor id on another giveaway is counted there, separately.
    let other = app.create_giveaway(&s.acct.key, json!({ "is_draft": false })).await;
    view(&app, other, json!({ "visitor_id": "visitor-7" }), &[]).await;
    let o = data(&app, &s.acct.key, &format!("/v2/giveaways/{other}/analytics/overview")).await;
    assert_eq!(
        (o["total_views"].clone(), o["unique_views"].clone()),
        (json!(1), json!(1))
    );

    // Drafts, deleted and unknown giveaways are not found.
    let draft = app.create_giveaway(&s.acct.key, json!({ "is_draft": true })).await;
    view_with(&app, draft, Some(json!({})), &[]).await.expect_error(404);
    app.delete(&s.acct.key, &format!("/v2/giveaways/{other}"))
        .await
        .expect(204);
    view_with(&app, other, Some(json!({})), &[]).await.expect_error(404);
    view_with(&app, 987_654_321, Some(json!({})), &[])
        .await
        .expect_error(404);
    let r = app
        .call(Method::POST, "/api/public/giveaways/abc/views", None, Some(&json!({})))
        .await;
    r.expect_error(404);
    // Publishing opens it.
    app.post(&s.acct.key, &format!("/v2/giveaways/{draft}/publish"), json!({}))
        .await
        .expect(200);
    view_with(&app, draft, Some(json!({})), &[]).await.expect(201);
}

async fn page_view_bodies_are_checked(app: TestApp) {
    let s = setup(&app, json!({})).await;
    for body in [json!({ "referrer": 5 }), json!({ "visitor_id": true }), json!([1, 2])] {
        view_with(&app, s.id, Some(body), &[]).await.expect_error(400);
    }
    let malformed = app
        .http
        .post(app.url(&format!("/api/public/giveaways/{}/views", s.id)))
        .header("Content-Type", "application/json")
        .body("{\"referrer\": ");
    TestApp::read(malformed).await.expect_error(400);
    let r = view_with(&app, s.id, Some(json!({ "visitor_id": "x".repeat(129) })), &[]).await;
    r.expect_error(422);
    assert!(r.body["error"]["details"]["visitor_id"].is_string(), "{}", r.text);
    view(&app, s.id, json!({ "visitor_id": "x".repeat(128) }), &[]).await;
    // Referrers that are not http(s) URLs are dropped, not refused.
    view(&app, s.id, json!({ "referrer": "file:///etc/passwd" }), &[]).await;
    let o = data(&app, &s.acct.key, &format!("/v2/giveaways/{}/analytics/overview", s.id)).await;
    assert_eq!(o["total_views"], json!(2));
    assert_eq!(
        data(
            &app,
            &s.acct.key,
            &format!("/v2/giveaways/{}/analytics/referrals", s.id)
        )
        .await,
        json!([])
    );
}

async fn other_brands_and_unknown_ids_are_404(app: TestApp) {
    let s = setup(&app, json!({ "settings": { "if_leaderboard": true } })).await;
    let stranger = app.account().await;
    let suffixes = [
        "leaderboard",
        "referrals",
        "referrals/top",
        "analytics/overview",
        "analytics/daily",
        "analytics/daily?date_from=2026-06-01&date_to=2026-06-07",
        "analytics/entry-methods",
        "analytics/geography",
        "analytics/referrals",
        "analytics/fraud",
    ];
    for suffix in suffixes {
        app.get(&s.acct.key, &format!("/v2/giveaways/{}/{suffix}", s.id))
            .await
            .expect(200);
        let r = app
            .get(&stranger.key, &format!("/v2/giveaways/{}/{suffix}", s.id))
            .await;
        r.expect_error(404);
        assert_eq!(r.body["error"]["message"], json!("Giveaway not found."), "{suffix}");
        app.get(&s.acct.key, &format!("/v2/giveaways/987654321/{suffix}"))
            .await
            .expect_error(404);
        app.call(Method::GET, &format!("/v2/giveaways/{}/{suffix}", s.id), None, None)
            .await
            .expect_error(401);
    }
    // A deleted giveaway is gone for its owner too.
    app.delete(&s.acct.key, &format!("/v2/giveaways/{}", s.id))
        .await
        .expect(204);
    app.get(&s.acct.key, &format!("/v2/giveaways/{}/analytics/overview", s.id))
        .await
        .expect_error(404);
}

async fn listed_in_the_openapi_document(app: TestApp) {
    let doc = app.call(Method::GET, "/openapi.json", None, None).await;
    doc.expect(200);
    let paths = &doc.body["paths"];
    for suffix in [
        "leaderboard",
        "referrals",
        "referrals/top",
        "analytics/overview",
        "analytics/daily",
        "analytics/entry-methods",
        "analytics/geography",
        "analytics/referrals",
        "analytics/fraud",
    ] {
        assert!(
            paths[format!("/v2/giveaways/{{id}}/{suffix}")]["get"].is_object(),
            "{suffix}"
        );
    }
    assert!(paths["/api/public/giveaways/{id}/views"]["post"].is_object());
}
