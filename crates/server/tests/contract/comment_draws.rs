//! Contract scenarios for the comment draws of `/v1` (the PickAWin-style draws API): draws from
//! uploads, the documented answer and certificate, filters, uploads, errors, paging,
//! idempotency, metering and rate limits. Connectors, webhooks and the 202 path are in
//! `comment_connectors`.

use crate::scenarios;
use crate::support::{Reply, TestApp};
use crate::v1_support::{assert_v1_error, upload, upload_csv};
use crate::winners::fetch_and_verify;
use fairdraw_core::account::{LimitOverrides, Plan};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

scenarios!(
    an_upload_draw_answers_as_documented_and_verifies,
    redraws_of_a_url_are_numbered_and_listed,
    filters_follow_the_documented_rules,
    uploads_take_csv_json_and_multipart_and_name_bad_lines,
    errors_have_the_documented_shape,
    draws_list_newest_first_with_a_cursor,
    an_idempotent_retry_is_one_draw_and_only_completed_draws_are_billed,
    rate_limits_follow_the_plan,
);

const CSV: &str = "username,comment,timestamp,parent_id\n\
maria_silva,Love this! @ana_costa,2026-04-28T10:00:00Z,\n\
Maria_Silva,again @luis123,2026-04-28T10:01:00Z,\n\
joao_p,yes please @luis123,2026-04-28T10:02:00Z,\n\
carla.dev,@bia_xyz this is for us,2026-04-28T10:03:00Z,\n\
bruno_45,@matt_y,2026-04-28T10:04:00Z,\n\
helena,@ana,2026-04-28T10:05:00Z,c1\n\
nobody,no tag here,2026-04-28T10:06:00Z,\n\
selfie,@selfie,2026-04-28T10:07:00Z,\n";

/// Who qualifies in `CSV` with `require_tag`, with their weight and first qualifying comment.
fn tagged() -> BTreeMap<&'static str, (u64, &'static str)> {
    BTreeMap::from([
        ("maria_silva", (2, "Love this! @ana_costa")),
        ("joao_p", (1, "yes please @luis123")),
        ("carla.dev", (1, "@bia_xyz this is for us")),
        ("bruno_45", (1, "@matt_y")),
        ("helena", (1, "@ana")),
    ])
}

pub async fn draw(app: &TestApp, key: &str, body: Value) -> Reply {
    app.post(key, "/v1/draws", body).await
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| (*s).to_owned()).collect()
}

async fn an_upload_draw_answers_as_documented_and_verifies(app: TestApp) {
    let acct = app.account().await;
    let url = upload_csv(&app, &acct.key, CSV).await;
    let filters = json!({ "require_tag": true, "min_tag_count": 1 });
    let r = draw(
        &app,
        &acct.key,
        json!({ "url": url, "winners": 3, "extras": 2, "filters": filters, "tier": "premium" }),
    )
    .await;
    r.expect(200);
    let d = &r.body;
    assert_eq!(
        keys(d),
        set(&[
            "id",
            "status",
            "url",
            "comments_processed",
            "winners",
            "extras",
            "verification",
            "duration_ms"
        ]),
        "{}",
        r.text
    );
    let id = d["id"].as_str().unwrap();
    assert!(id.starts_with("drw_") && id.len() == 30, "{id}");
    assert!(
        id[4..].bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()),
        "{id}"
    );
    assert_eq!(d["status"], json!("completed"));
    assert_eq!(d["url"], json!(url));
    assert_eq!(d["comments_processed"], json!(8));
    assert!(d["duration_ms"].is_i64());
    let expected = tagged();
    let mut seen = BTreeSet::new();
    for (list, fields) in [
        (&d["winners"], set(&["username", "comment", "drawn_at"])),
        (&d["extras"], set(&["username", "comment"])),
    ] {
        for w in list.as_array().unwrap() {
            assert_eq!(keys(w), fields, "{w}");
            let name = w["username"]
                .as_str()
                .unwrap()
                .strip_prefix('@')
                .expect("usernames as @name");
            let (_, first) = expected[name];
            assert_eq!(
                w["comment"],
                json!(first),
                "a winner is shown with their first qualifying comment"
            );
            assert!(seen.insert(name.to_owned()), "nobody is drawn twice");
        }
    }
    assert_eq!(
        (
            d["winners"].as_array().unwrap().len(),
            d["extras"].as_array().unwrap().len()
        ),
        (3, 2)
    );
    assert!(d["winners"][0]["drawn_at"].as_str().unwrap().ends_with('Z'));
    let hash = d["verification"]["sha256"].as_str().unwrap();
    assert_eq!(hash.len(), 64);
    assert_eq!(
        d["verification"]["verify_url"],
        json!(format!("https://fairdraw.test/verify/{hash}"))
    );
    assert_eq!(
        d["verification"]["certificate_pdf"],
        json!(format!("https://fairdraw.test/cert/{id}.pdf"))
    );

    // The certificate anyone can fetch re-runs to this answer, over the pool the rules make.
    let (cert, pool, cert_json) = fetch_and_verify(&app, hash).await;
    let served: BTreeMap<String, u64> = pool.iter().map(|c| (c.id.to_owned(), c.weight)).collect();
    let want: BTreeMap<String, u64> = expected.iter().map(|(k, (w, _))| ((*k).to_owned(), *w)).collect();
    assert_eq!(served, want);
    let names = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|w| w["username"].as_str().unwrap()[1..].to_owned())
            .collect()
    };
    assert_eq!(cert.winners, names(&d["winners"]));
    assert_eq!(cert.extras, names(&d["extras"]));
    assert_eq!(cert.draw_id.as_deref(), Some(id));
    let subject = &cert_json["subject"];
    assert_eq!(subject["url"], json!(url));
    assert_eq!(subject["comments_processed"], json!(8));
    assert_eq!(subject["filters"]["require_tag"], json!(true));
    assert_eq!(subject["filters"]["min_tag_count"], json!(1));
    assert_eq!(subject["serial"], json!(1));
    assert_eq!(subject["other_draws_of_url"], json!([]));
    assert_eq!(cert.round, 1);
    assert!(cert.committed_at.is_some());

    let again = app.get(&acct.key, &format!("/v1/draws/{id}")).await;
    again.expect(200);
    assert_eq!(again.body, r.body);

    // The people's pages work for comment draws too.
    let pdf = app.http.get(app.url(&format!("/cert/{id}.pdf"))).send().await.unwrap();
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let page = app.http.get(app.url(&format!("/verify/{hash}"))).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Comment draw #1"), "the page names the draw");

    // Another account cannot read it.
    let other = app.account().await;
    assert_v1_error(&app.get(&other.key, &format!("/v1/draws/{id}")).await, 404, "not_found");
}

async fn redraws_of_a_url_are_numbered_and_listed(app: TestApp) {
    let acct = app.account().await;
    let url = upload_csv(&app, &acct.key, CSV).await;
    let first = draw(&app, &acct.key, json!({ "url": url, "winners": 1 })).await;
    first.expect(200);
    // Without filters everyone who commented counts, the tag-less and self-tagging too.
    assert_eq!(first.body["comments_processed"], json!(8));
    let h1 = first.body["verification"]["sha256"].as_str().unwrap().to_owned();
    let (_, pool, _) = fetch_and_verify(&app, &h1).await;
    assert_eq!(pool.len(), 7);
    app.clock.advance(60_000);
    let second = draw(&app, &acct.key, json!({ "url": url, "winners": 1 })).await;
    second.expect(200);
    let h2 = second.body["verification"]["sha256"].as_str().unwrap().to_owned();
    assert_ne!(h1, h2, "each draw has its own seed");
    let (cert, _, cert_json) = fetch_and_verify(&app, &h2).await;
    assert_eq!(cert.round, 2);
    assert_eq!(cert_json["subject"]["serial"], json!(2));
    let others = cert_json["subject"]["other_draws_of_url"].as_array().unwrap();
    assert_eq!(others.len(), 1);
    assert_eq!(others[0]["serial"], json!(1));
    assert_eq!(others[0]["sha256"], json!(h1));
    assert_eq!(others[0]["id"], first.body["id"]);
    // Serials count the account's draws, whatever the URL.
    let url2 = upload_csv(&app, &acct.key, CSV).await;
    let third = draw(&app, &acct.key, json!({ "url": url2, "winners": 1 })).await;
    let h3 = third.body["verification"]["sha256"].as_str().unwrap().to_owned();
    let (_, _, c3) = fetch_and_verify(&app, &h3).await;
    assert_eq!(c3["subject"]["serial"], json!(3));
    assert_eq!(c3["subject"]["other_draws_of_url"], json!([]));
}

/// The pool a scrape answers, every page followed: id → (qualifying comments, weight).
pub async fn scrape_all(app: &TestApp, key: &str, url: &str, filters: Value) -> (u64, BTreeMap<String, (u64, u64)>) {
    let mut out = BTreeMap::new();
    let mut cursor: Option<String> = None;
    for _ in 0..100 {
        let path = match &cursor {
            Some(c) => format!("/v1/comments/scrape?limit=2&cursor={c}"),
            None => "/v1/comments/scrape?limit=2".to_owned(),
        };
        let r = app.post(key, &path, json!({ "url": url, "filters": filters })).await;
        r.expect(200);
        let processed = r.body["comments_processed"].as_u64().unwrap();
        for e in r.body["data"].as_array().unwrap() {
            let name = e["username"].as_str().unwrap()[1..].to_owned();
            assert!(e["comments"].as_array().unwrap().len() as u64 <= e["qualifying_comments"].as_u64().unwrap());
            out.insert(
                name,
                (
                    e["qualifying_comments"].as_u64().unwrap(),
                    e["weight"].as_u64().unwrap(),
                ),
            );
        }
        assert!(r.body["pool_size"].as_u64().unwrap() as usize >= out.len());
        if r.body["has_more"] == json!(true) {
            cursor = Some(r.body["next_cursor"].as_str().unwrap().to_owned());
        } else {
            assert_eq!(r.body["next_cursor"], Value::Null);
            assert_eq!(r.body["pool_size"].as_u64().unwrap() as usize, out.len());
            return (processed, out);
        }
    }
    panic!("the pages never ended");
}

fn people(pool: &BTreeMap<String, (u64, u64)>) -> Vec<&str> {
    pool.keys().map(String::as_str).collect()
}

async fn filters_follow_the_documented_rules(app: TestApp) {
    let acct = app.account().await;
    let long31 = "a".repeat(31);
    let long30 = "b".repeat(30);
    let comments = json!([
        { "id": "1", "username": "ana", "comment": "for @bia.", "timestamp": "2026-04-28T10:00:00Z" },
        { "id": "2", "username": "ana", "comment": "again @bia", "timestamp": "2026-04-28T10:01:00Z" },
        { "id": "3", "username": "cora", "comment": format!("@{long31}"), "timestamp": "2026-04-28T10:02:00Z" },
        { "id": "4", "username": "dan", "comment": format!("@{long30}!"), "timestamp": "2026-04-28T10:03:00Z" },
        { "id": "5", "username": "eve", "comment": "@eve @EVE", "timestamp": "2026-04-28T10:04:00Z" },
        { "id": "6", "username": "fay", "comment": "@gus", "parent_id": "5", "timestamp": "2026-04-28T10:05:00Z" },
        { "id": "7", "username": "gus", "comment": "WIN this @hal @ian @HAL", "timestamp": "2026-04-28T10:06:00Z" },
        { "id": "8", "username": "Bob", "comment": "@x", "timestamp": "2026-04-28T10:07:00Z" },
        { "id": "9", "username": "hal", "comment": "@a", "timestamp": "2026-05-01T00:00:00Z" },
        { "id": "10", "username": "ivy", "comment": "no time @x" },
    ]);
    let r = upload(
        &app,
        &acct.key,
        "application/json",
        &json!({ "comments": comments }).to_string(),
    )
    .await;
    r.expect(201);
    assert_eq!(r.body["comments"], json!(10));
    let url = r.body["url"].as_str().unwrap().to_owned();

    let (processed, pool) = scrape_all(&app, &acct.key, &url, json!({ "require_tag": true })).await;
    assert_eq!(processed, 10);
    // cora's 31-character run names nobody; eve only tags herself; a reply counts on its own.
    assert_eq!(people(&pool), ["ana", "bob", "dan", "fay", "gus", "hal", "ivy"]);
    assert_eq!(pool["ana"], (2, 2));

    let (_, pool) = scrape_all(
        &app,
        &acct.key,
        &url,
        json!({ "require_tag": true, "exclude_duplicates": true }),
    )
    .await;
    assert_eq!(pool["ana"], (2, 1), "one entry each with exclude_duplicates");

    let (_, pool) = scrape_all(
        &app,
        &acct.key,
        &url,
        json!({ "require_tag": true, "include_replies": false }),
    )
    .await;
    assert!(!pool.contains_key("fay"));

    let (_, pool) = scrape_all(
        &app,
        &acct.key,
        &url,
        json!({ "require_tag": true, "min_tag_count": 2 }),
    )
    .await;
    assert_eq!(people(&pool), ["gus"], "two distinct accounts: @HAL is @hal again");

    let (_, pool) = scrape_all(&app, &acct.key, &url, json!({ "keyword": "win" })).await;
    assert_eq!(people(&pool), ["gus"]);

    let (_, pool) = scrape_all(
        &app,
        &acct.key,
        &url,
        json!({ "require_tag": true, "exclude_users": ["@BOB", "dan"] }),
    )
    .await;
    assert_eq!(people(&pool), ["ana", "fay", "gus", "hal", "ivy"]);

    let (_, pool) = scrape_all(
        &app,
        &acct.key,
        &url,
        json!({ "since": "2026-04-28T10:01:00Z", "until": "2026-04-30T00:00:00+02:00" }),
    )
    .await;
    // hal is after `until`; ivy's comment has no time; ana's first comment is before `since`.
    assert_eq!(people(&pool), ["ana", "bob", "cora", "dan", "eve", "fay", "gus"]);
    assert_eq!(pool["ana"], (1, 1));

    let bad = app
        .post(
            &acct.key,
            "/v1/comments/scrape",
            json!({ "url": url, "filters": { "since": "last week" } }),
        )
        .await;
    assert_v1_error(&bad, 422, "validation_error");
    assert_eq!(bad.body["error"]["param"], json!("filters.since"));
}

async fn uploads_take_csv_json_and_multipart_and_name_bad_lines(app: TestApp) {
    let acct = app.account().await;
    let bad_time = "username,comment,timestamp\nana,hi,2026-04-28T10:00:00Z\nbia,yo,tomorrow\n";
    let r = upload(&app, &acct.key, "text/csv", bad_time).await;
    assert_v1_error(&r, 400, "invalid_file");
    assert!(
        r.body["error"]["message"].as_str().unwrap().starts_with("Line 3:"),
        "{}",
        r.text
    );
    assert_eq!(r.body["error"]["param"], json!("file"));

    let r = upload(&app, &acct.key, "text/csv", "user,text\nana,hi\n").await;
    assert_v1_error(&r, 400, "invalid_file");
    assert!(
        r.body["error"]["message"].as_str().unwrap().starts_with("Line 1:"),
        "{}",
        r.text
    );

    let r = upload(&app, &acct.key, "text/csv", "username,comment\n,hi\n").await;
    assert!(
        r.body["error"]["message"].as_str().unwrap().starts_with("Line 2:"),
        "{}",
        r.text
    );

    let json_bad = "[\n{\"username\": \"ana\", \"comment\": \"hi\"},\n{\"username\": \"bia\"}\n]";
    let r = upload(&app, &acct.key, "application/json", json_bad).await;
    assert_v1_error(&r, 400, "invalid_file");
    assert!(
        r.body["error"]["message"].as_str().unwrap().starts_with("Line 3:"),
        "{}",
        r.text
    );

    let r = upload(&app, &acct.key, "text/csv", "username,comment\n").await;
    assert_v1_error(&r, 400, "invalid_file");

    // Multipart, the format from the file name; and a raw body recognised by its first byte.
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(CSV.as_bytes().to_vec()).file_name("comments.csv"),
    );
    let r = TestApp::read(
        app.http
            .post(app.url("/v1/comments/uploads"))
            .bearer_auth(&acct.key)
            .multipart(form),
    )
    .await;
    r.expect(201);
    assert_eq!(
        (r.body["format"].as_str(), r.body["comments"].as_i64()),
        (Some("csv"), Some(8))
    );
    let id = r.body["id"].as_str().unwrap();
    assert!(id.starts_with("upload_"));
    assert_eq!(r.body["url"], json!(format!("upload://{id}")));
    let r = upload(
        &app,
        &acct.key,
        "application/octet-stream",
        "[{\"username\":\"ana\",\"text\":\"hi\"}]",
    )
    .await;
    r.expect(201);
    assert_eq!(r.body["format"], json!("json"));

    // Larger than the 1 MB JSON limit, well within the upload's own.
    let mut big = String::from("username,comment\n");
    for i in 0..60_000 {
        big.push_str(&format!("user_{i},comment number {i} @friend_{i}\n"));
    }
    assert!(big.len() > 2 * 1024 * 1024);
    let r = upload(&app, &acct.key, "text/csv", &big).await;
    r.expect(201);
    assert_eq!(r.body["comments"], json!(60_000));
    // An upload belongs to its brand.
    let other = app.account().await;
    let url = r.body["url"].as_str().unwrap();
    let d = draw(&app, &other.key, json!({ "url": url, "winners": 1 })).await;
    assert_v1_error(&d, 422, "validation_error");
    let d = draw(
        &app,
        &acct.key,
        json!({ "url": url, "winners": 5, "filters": { "require_tag": true } }),
    )
    .await;
    d.expect(200);
    assert_eq!(d.body["comments_processed"], json!(60_000));
}

async fn errors_have_the_documented_shape(app: TestApp) {
    let acct = app.account().await;
    let r = app.call(reqwest::Method::GET, "/v1/draws", None, None).await;
    assert_v1_error(&r, 401, "unauthorized");
    let r = app.get("sk_live_nope", "/v1/draws").await;
    assert_v1_error(&r, 401, "unauthorized");
    let r = app.get(&acct.public_key, "/v1/draws").await;
    assert_v1_error(&r, 401, "unauthorized");

    let url = upload_csv(&app, &acct.key, CSV).await;
    for (body, param) in [
        (json!({ "url": url, "winners": 0 }), "winners"),
        (json!({ "url": url, "winners": 1001 }), "winners"),
        (json!({ "url": url }), "winners"),
        (json!({ "url": url, "winners": 1, "extras": 1001 }), "extras"),
        (json!({ "url": url, "winners": 1, "tier": "gold" }), "tier"),
        (json!({ "winners": 1 }), "url"),
        (
            json!({ "url": url, "winners": 1, "webhook_url": "ftp://x" }),
            "webhook_url",
        ),
        (
            json!({ "url": url, "winners": 1, "filters": { "min_tag_count": 0 } }),
            "filters.min_tag_count",
        ),
    ] {
        let r = draw(&app, &acct.key, body.clone()).await;
        assert_v1_error(&r, 422, "validation_error");
        assert_eq!(r.body["error"]["param"], json!(param), "{body}: {}", r.text);
    }
    let r = draw(&app, &acct.key, json!({ "url": url, "winners": "three" })).await;
    assert_v1_error(&r, 400, "invalid_request");
    assert_eq!(r.body["error"]["param"], json!("winners"));
    let r = TestApp::read(
        app.http
            .post(app.url("/v1/draws"))
            .bearer_auth(&acct.key)
            .body("{not json"),
    )
    .await;
    assert_v1_error(&r, 400, "invalid_request");

    // A URL no connector handles, and a platform without a connection: 422 saying what to do.
    let r = draw(
        &app,
        &acct.key,
        json!({ "url": "https://example.com/post/1", "winners": 1 }),
    )
    .await;
    assert_v1_error(&r, 422, "validation_error");
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("/v1/comments/uploads"),
        "{}",
        r.text
    );
    let r = draw(
        &app,
        &acct.key,
        json!({ "url": "https://www.instagram.com/p/CxxxxxxxxxX/", "winners": 1 }),
    )
    .await;
    assert_v1_error(&r, 422, "validation_error");
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("POST /v1/connections"),
        "{}",
        r.text
    );
    let r = draw(&app, &acct.key, json!({ "url": "upload://upload_NOPE", "winners": 1 })).await;
    assert_v1_error(&r, 422, "validation_error");

    // Nothing qualifies: the draw fails (and is recorded as failed).
    let r = draw(
        &app,
        &acct.key,
        json!({ "url": url, "winners": 1, "filters": { "keyword": "zzz" } }),
    )
    .await;
    assert_v1_error(&r, 422, "no_qualifying_comments");
    let list = app.get(&acct.key, "/v1/draws").await;
    assert_eq!(list.body["data"][0]["status"], json!("failed"));
    assert_eq!(list.body["data"][0]["error"]["code"], json!("no_qualifying_comments"));

    assert_v1_error(&app.get(&acct.key, "/v1/draws/drw_NOPE").await, 404, "not_found");
    assert_v1_error(&app.get(&acct.key, "/v1/nothing-here").await, 404, "not_found");
    assert_v1_error(&app.get(&acct.key, "/v1/draws?limit=0").await, 400, "invalid_request");
    assert_v1_error(&app.get(&acct.key, "/v1/draws?limit=101").await, 400, "invalid_request");
    assert_v1_error(
        &app.get(&acct.key, "/v1/draws?cursor=drw_NOPE").await,
        400,
        "invalid_request",
    );
    assert_v1_error(
        &app.get(&acct.key, "/v1/usage?month=2026-13").await,
        400,
        "invalid_request",
    );
}

async fn draws_list_newest_first_with_a_cursor(app: TestApp) {
    let acct = app.account().await;
    let url = upload_csv(&app, &acct.key, CSV).await;
    let mut ids = Vec::new();
    for _ in 0..5 {
        let r = draw(&app, &acct.key, json!({ "url": url, "winners": 1 })).await;
        r.expect(200);
        ids.push(r.body["id"].as_str().unwrap().to_owned());
    }
    ids.reverse();
    let mut seen = Vec::new();
    let mut path = "/v1/draws?limit=2".to_owned();
    loop {
        let r = app.get(&acct.key, &path).await;
        r.expect(200);
        assert_eq!(keys(&r.body), set(&["data", "has_more", "next_cursor"]));
        for d in r.body["data"].as_array().unwrap() {
            assert_eq!(d["status"], json!("completed"));
            seen.push(d["id"].as_str().unwrap().to_owned());
        }
        if r.body["has_more"] == json!(true) {
            path = format!("/v1/draws?limit=2&cursor={}", r.body["next_cursor"].as_str().unwrap());
        } else {
            assert_eq!(r.body["next_cursor"], Value::Null);
            break;
        }
    }
    assert_eq!(seen, ids);
    let r = app.get(&acct.key, "/v1/draws").await;
    assert_eq!(r.body["data"].as_array().unwrap().len(), 5, "default limit 20");
    assert_eq!(r.body["has_more"], json!(false));
    let other = app.account().await;
    let r = app.get(&other.key, "/v1/draws").await;
    assert_eq!(r.body["data"], json!([]));
}

async fn an_idempotent_retry_is_one_draw_and_only_completed_draws_are_billed(app: TestApp) {
    let acct = app.account().await;
    let url = upload_csv(&app, &acct.key, CSV).await;
    let send = |key: &'static str, body: Value| {
        app.http
            .post(app.url("/v1/draws"))
            .bearer_auth(&acct.key)
            .header("Idempotency-Key", key)
            .json(&body)
    };
    let body = json!({ "url": url, "winners": 2, "tier": "premium" });
    let first = TestApp::read(send("draw_2026_04_28_001", body.clone())).await;
    first.expect(200);
    let retry = TestApp::read(send("draw_2026_04_28_001", body.clone())).await;
    retry.expect(200);
    assert_eq!(retry.body, first.body);
    assert_eq!(retry.header("idempotent-replayed"), Some("true"));
    let r = draw(&app, &acct.key, json!({ "url": url, "winners": 1 })).await;
    r.expect(200);
    let r = draw(
        &app,
        &acct.key,
        json!({ "url": url, "winners": 1, "filters": { "keyword": "zzz" } }),
    )
    .await;
    r.expect(422);
    let list = app.get(&acct.key, "/v1/draws").await;
    assert_eq!(list.body["data"].as_array().unwrap().len(), 3, "the retry made no draw");

    let usage = app.get(&acct.key, "/v1/usage?month=2026-06").await;
    usage.expect(200);
    assert_eq!(usage.body["month"], json!("2026-06"));
    assert_eq!(
        usage.body["tiers"]["premium"],
        json!({ "draws": 1, "amount": "7.49", "amount_cents": 749 })
    );
    assert_eq!(
        usage.body["tiers"]["standard"],
        json!({ "draws": 1, "amount": "2.99", "amount_cents": 299 })
    );
    assert_eq!(usage.body["total"]["draws"], json!(2), "the failed draw is not billed");
    assert_eq!(usage.body["total"]["amount"], json!("10.48"));
    let this_month = app.get(&acct.key, "/v1/usage").await;
    assert_eq!(this_month.body, usage.body, "the default month is the current one");
    let csv = app.get(&acct.key, "/v1/usage?month=2026-06&format=csv").await;
    csv.expect(200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let lines: Vec<&str> = csv.text.lines().collect();
    assert_eq!(lines[0], "date,draw_id,url,tier,amount_usd");
    assert_eq!(lines.len(), 3, "{}", csv.text);
    assert!(lines[1].contains(first.body["id"].as_str().unwrap()) && lines[1].ends_with(",premium,7.49"));
    let empty = app.get(&acct.key, "/v1/usage?month=2026-05").await;
    assert_eq!(empty.body["total"]["draws"], json!(0));
}

async fn rate_limits_follow_the_plan(app: TestApp) {
    let free = app.account_with(Plan::Free, LimitOverrides::default()).await;
    for i in 0..30 {
        let r = app.get(&free.key, "/v1/draws").await;
        r.expect(200);
        assert_eq!(r.header("x-ratelimit-limit"), Some("30"));
        assert_eq!(r.header("x-ratelimit-remaining"), Some((29 - i).to_string().as_str()));
        assert!(r.header("x-ratelimit-reset").is_some());
    }
    let r = app.get(&free.key, "/v1/draws").await;
    assert_v1_error(&r, 429, "rate_limited");
    let retry: i64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));
    app.clock.advance(60_000);
    app.get(&free.key, "/v1/draws").await.expect(200);

    let pro = app.account_with(Plan::Pro, LimitOverrides::default()).await;
    assert_eq!(
        app.get(&pro.key, "/v1/draws").await.header("x-ratelimit-limit"),
        Some("300")
    );
    let custom = app
        .account_with(
            Plan::Enterprise,
            LimitOverrides {
                rpm: Some(3),
                ..Default::default()
            },
        )
        .await;
    for _ in 0..3 {
        let r = app.get(&custom.key, "/v1/draws").await;
        r.expect(200);
        assert_eq!(r.header("x-ratelimit-limit"), Some("3"));
    }
    assert_v1_error(&app.get(&custom.key, "/v1/draws").await, 429, "rate_limited");
}
