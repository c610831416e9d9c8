//! `/v2/account`, its brands and usage; authentication and plans.

use crate::scenarios;
use crate::support::{Method, TestApp};
use fairdraw_core::account::{LimitOverrides, Plan};
use fairdraw_core::apikey::KeyKind;
use serde_json::json;

scenarios!(
    account_details_have_every_documented_field,
    brands_list_only_the_callers_account,
    usage_counts_real_requests,
    three_ways_to_present_a_key,
    missing_invalid_revoked_and_public_keys_are_401,
    plans_without_api_access_get_403,
);

async fn account_details_have_every_documented_field(app: TestApp) {
    let acct = app.account().await;
    let r = app.get(&acct.key, "/v2/account").await;
    r.expect(200);
    let d = r.data();
    assert_eq!(r.body["success"], json!(true));
    assert_eq!(d["user_id"], json!(acct.account_id));
    assert!(d["email"].as_str().unwrap().ends_with("@example.com"));
    assert!(d["username"].is_null());
    assert_eq!(d["plan"], json!(6));
    assert_eq!(d["plan_name"], json!("Enterprise"));
    assert!(d["payment_platform"].is_i64());
    assert_eq!(d["website_id"], json!(acct.brand_id));
    assert!(d["website_name"].as_str().unwrap().starts_with("Brand "));
    assert_eq!(d["total_giveaways"], json!(0));
    let created = d["created_at"].as_str().unwrap();
    assert_eq!(created, "2026-06-15 12:00:00");
    let rid = r.body["meta"]["request_id"].as_str().unwrap();
    assert!(rid.starts_with("req_"));
    assert_eq!(r.header("x-request-id"), Some(rid));

    app.create_giveaway(&acct.key, json!({})).await;
    let r = app.get(&acct.key, "/v2/account").await;
    assert_eq!(r.data()["total_giveaways"], json!(1));
}

async fn brands_list_only_the_callers_account(app: TestApp) {
    let acct = app.account().await;
    let other = app.account().await;
    let second = app
        .engine
        .create_brand(acct.account_id, "Second brand", None)
        .await
        .unwrap();
    let r = app.get(&acct.key, "/v2/account/brands").await;
    r.expect(200);
    let list = r.data().as_array().unwrap();
    let ids: Vec<i64> = list.iter().map(|b| b["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [acct.brand_id, second]);
    assert!(!ids.contains(&other.brand_id));
    assert_eq!(list[1]["website_name"], json!("Second brand"));
    assert_eq!(list[1]["plan"], json!(6));
    assert_eq!(list[1]["plan_name"], json!("Enterprise"));
    assert_eq!(list[1]["active_brand"], json!(true));
    assert!(r.body.get("pagination").is_none());
}

async fn usage_counts_real_requests(app: TestApp) {
    let acct = app
        .account_with(
            Plan::Enterprise,
            LimitOverrides {
                rpm: Some(500),
                rpd: Some(9_000),
                burst: Some(50),
            },
        )
        .await;
    for _ in 0..3 {
        app.get(&acct.key, "/v2/account").await.expect(200);
    }
    let r = app.get(&acct.key, "/v2/account/usage").await;
    r.expect(200);
    // Three calls, plus this one.
    assert_eq!(r.data()["requests_today"], json!(4));
    assert_eq!(r.data()["requests_7d"], json!(4));
    assert_eq!(r.data()["requests_30d"], json!(4));
    assert_eq!(r.data()["rate_limit"], json!({ "rpm": 500, "rpd": 9000, "burst": 50 }));

    // Two days later the 24-hour figure has moved on; the week and month still count them.
    app.clock.advance(2 * crate::support::DAY);
    let r = app.get(&acct.key, "/v2/account/usage").await;
    assert_eq!(r.data()["requests_today"], json!(1));
    assert_eq!(r.data()["requests_7d"], json!(5));
    // Another account's requests are not this account's usage.
    let other = app.account().await;
    let r = app.get(&other.key, "/v2/account/usage").await;
    assert_eq!(r.data()["requests_30d"], json!(1));
}

async fn three_ways_to_present_a_key(app: TestApp) {
    let acct = app.account().await;
    let bearer = TestApp::read(app.http.get(app.url("/v2/account")).bearer_auth(&acct.key)).await;
    bearer.expect(200);
    let header = TestApp::read(app.http.get(app.url("/v2/account")).header("X-API-Key", &acct.key)).await;
    header.expect(200);
    let query = TestApp::read(app.http.get(app.url(&format!("/v2/account?api_key={}", acct.key)))).await;
    query.expect(200);
    for r in [bearer, header, query] {
        assert_eq!(r.data()["user_id"], json!(acct.account_id));
    }
    // "bearer" in any case.
    let lower = TestApp::read(
        app.http
            .get(app.url("/v2/account"))
            .header("Authorization", format!("bearer {}", acct.key)),
    )
    .await;
    lower.expect(200);
}

async fn missing_invalid_revoked_and_public_keys_are_401(app: TestApp) {
    let acct = app.account().await;
    app.call(Method::GET, "/v2/account", None, None).await.expect_error(401);
    app.get("sk_live_nope", "/v2/account").await.expect_error(401);
    let wellformed = format!("sk_live_{}", "ab".repeat(24));
    app.get(&wellformed, "/v2/account").await.expect_error(401);
    // The brand's public key is for widgets, not the management API.
    app.get(&acct.public_key, "/v2/account").await.expect_error(401);

    let extra = app
        .engine
        .issue_key(acct.brand_id, KeyKind::Secret, None)
        .await
        .unwrap();
    let extra_key = extra.key.expose().clone();
    app.get(&extra_key, "/v2/account").await.expect(200);
    app.engine.revoke_key(extra.key_id).await.unwrap();
    app.get(&extra_key, "/v2/account").await.expect_error(401);
    // Revoking one key leaves the others working.
    app.get(&acct.key, "/v2/account").await.expect(200);
}

async fn plans_without_api_access_get_403(app: TestApp) {
    for plan in [Plan::Free, Plan::Pro] {
        let acct = app.account_with(plan, LimitOverrides::default()).await;
        let r = app.get(&acct.key, "/v2/account").await;
        r.expect_error(403);
        assert!(r.body["error"]["message"].as_str().unwrap().contains("API access"));
        app.post(&acct.key, "/v2/giveaways", json!({})).await.expect_error(403);
    }
    let plus = app.account_with(Plan::EnterprisePlus, LimitOverrides::default()).await;
    let r = app.get(&plus.key, "/v2/account").await;
    r.expect(200);
    assert_eq!(r.data()["plan"], json!(7));
}
