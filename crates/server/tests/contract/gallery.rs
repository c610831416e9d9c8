//! Photo contests (issue 14) over real HTTP: a photo uploaded from the hosted page (a multipart
//! form, as a browser without JavaScript sends it) is checked by its bytes and limits, stored
//! without its metadata, moderated through `/v2/giveaways/{id}/gallery`, served from `/media`
//! only while approved, and voted for once per person per photo per day under the entry rules;
//! votes add entries or pick the most voted, as the settings say. Also the confirmation
//! e-mail's sign-in link.

use crate::scenarios;
use crate::support::{DAY, TestAccount, TestApp, start_with};
use fairdraw_core::secret::Secret;
use fairdraw_server::config::ConfigLayer;
use fairdraw_testkit::smtp::SmtpSink;
use mail_parser::{MessageParser, PartType};
use serde_json::{Value, json};

scenarios!(
    a_photo_is_uploaded_from_the_page_and_moderated_through_v2,
    the_gallery_endpoints_need_a_key_and_an_owned_giveaway,
    uploads_are_checked_by_their_bytes_and_limits,
    votes_count_once_per_person_per_photo_per_day,
    votes_follow_the_duplicate_ip_rule,
    votes_add_entries_or_decide_the_most_voted_winner,
    the_confirmation_email_link_signs_the_entrant_back_in,
);

const JPEG_GPS: &[u8] = include_bytes!("../../../core/tests/fixtures/photo-gps.jpg");
pub(crate) const PNG: &[u8] = include_bytes!("../../../core/tests/fixtures/photo.png");
const WEBP_GPS: &[u8] = include_bytes!("../../../core/tests/fixtures/photo-gps.webp");

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// A live giveaway with an "Upload a Photo" method: its id, page key and the method's id.
pub(crate) async fn contest(app: &TestApp, acct: &TestAccount, overrides: Value) -> (i64, String, i64) {
    let mut body = json!({
        "title": "Best Dog Photo",
        "start_time": "2026-06-01 00:00:00",
        "end_time": "2026-12-31 23:59:59",
        "time_zone": "UTC",
        "is_draft": false,
        "rules_config": { "security_level": 1 },
    });
    for (k, v) in overrides.as_object().expect("object") {
        body[k] = v.clone();
    }
    let id = app.create_giveaway(&acct.key, body).await;
    let g = app.get(&acct.key, &format!("/v2/giveaways/{id}")).await;
    let url = g.data()["view_url"].as_str().expect("view_url").to_owned();
    let key = url.rsplit('/').next().expect("key").to_owned();
    let m = app
        .post(
            &acct.key,
            &format!("/v2/giveaways/{id}/entry-methods"),
            json!({ "entry_method": 10, "entry_amount": 3, "entry_title": "Show us your dog" }),
        )
        .await;
    m.expect(201);
    (id, key, m.data()["id"].as_i64().expect("method id"))
}

/// Enters from the page (from `ip` when the server trusts X-Forwarded-For); the cookie pair.
pub(crate) async fn enter(app: &TestApp, key: &str, name: &str, email: &str, ip: &str) -> String {
    let r = client()
        .post(app.url(&format!("/view/{key}")))
        .header("x-forwarded-for", ip)
        .form(&[("do", "enter"), ("name", name), ("email", email), ("consent", "true")])
        .send()
        .await
        .expect("POST");
    assert_eq!(r.status(), 303, "{:?}", r.text().await);
    let set = r.headers()["set-cookie"].to_str().expect("cookie").to_owned();
    set.split(';').next().expect("pair").to_owned()
}

pub(crate) async fn upload(
    app: &TestApp,
    key: &str,
    cookie: &str,
    method: i64,
    file: (&str, &str, Vec<u8>),
    caption: &str,
) -> reqwest::Response {
    let (name, mime, bytes) = file;
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name(name.to_owned())
        .mime_str(mime)
        .expect("mime");
    let form = reqwest::multipart::Form::new()
        .text("entry_method_id", method.to_string())
        .text("caption", caption.to_owned())
        .part("photo", part);
    client()
        .post(app.url(&format!("/view/{key}/photo")))
        .header("Cookie", cookie)
        .multipart(form)
        .send()
        .await
        .expect("POST photo")
}

pub(crate) async fn vote(app: &TestApp, key: &str, cookie: Option<&str>, entry_id: i64, ip: &str) -> reqwest::Response {
    let mut req = client()
        .post(app.url(&format!("/view/{key}/vote")))
        .header("x-forwarded-for", ip)
        .form(&[("entry_id", entry_id.to_string())]);
    if let Some(c) = cookie {
        req = req.header("Cookie", c);
    }
    req.send().await.expect("POST vote")
}

async fn page(app: &TestApp, key: &str, cookie: Option<&str>) -> String {
    let mut req = client().get(app.url(&format!("/view/{key}")));
    if let Some(c) = cookie {
        req = req.header("Cookie", c);
    }
    let r = req.send().await.expect("GET");
    assert_eq!(r.status(), 200);
    r.text().await.expect("html")
}

/// The gallery list of a giveaway, with `query`.
pub(crate) async fn gallery(app: &TestApp, acct: &TestAccount, id: i64, query: &str) -> Value {
    let r = app.get(&acct.key, &format!("/v2/giveaways/{id}/gallery{query}")).await;
    r.expect(200);
    r.body.clone()
}

/// The bytes a GET of `path` answers with, its status and headers.
async fn fetch(app: &TestApp, path: &str, key: Option<&str>) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let mut req = client().get(app.url(path));
    if let Some(k) = key {
        req = req.bearer_auth(k);
    }
    let r = req.send().await.expect("GET");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    (status, headers, r.bytes().await.expect("body").to_vec())
}

/// The server trusts X-Forwarded-For, so a test can enter and vote from several addresses.
pub(crate) fn forwarded() -> ConfigLayer {
    ConfigLayer {
        client_ip_header: Some("x-forwarded-for".to_owned()),
        trusted_proxies: Some(vec!["127.0.0.1".to_owned()]),
        ..ConfigLayer::default()
    }
}

/// Uploads a photo for a new entrant and approves it; the author's cookie and the entry id.
pub(crate) async fn approved_photo(
    app: &TestApp,
    acct: &TestAccount,
    id: i64,
    key: &str,
    method: i64,
    who: &str,
) -> (String, i64) {
    let cookie = enter(
        app,
        key,
        who,
        &format!("{}@example.com", who.to_lowercase()),
        "198.51.100.1",
    )
    .await;
    let r = upload(app, key, &cookie, method, ("dog.png", "image/png", PNG.to_vec()), who).await;
    assert_eq!(r.status(), 303, "{:?}", r.text().await);
    let list = gallery(app, acct, id, "?status=pending").await;
    let entry_id = list["data"]
        .as_array()
        .expect("list")
        .iter()
        .find(|s| s["caption"] == json!(who))
        .and_then(|s| s["entry_id"].as_i64())
        .expect("the pending submission");
    app.post(
        &acct.key,
        &format!("/v2/giveaways/{id}/gallery/{entry_id}/approve"),
        json!({}),
    )
    .await
    .expect(200);
    (cookie, entry_id)
}

async fn a_photo_is_uploaded_from_the_page_and_moderated_through_v2(app: TestApp) {
    let acct = app.account().await;
    let (id, key, method) = contest(&app, &acct, json!({})).await;
    // A webhook listening to new submissions.
    app.post(
        &acct.key,
        "/v2/webhooks",
        json!({ "url": "https://hooks.example.com/sw", "events": ["gallery.submitted"] }),
    )
    .await
    .expect(201);

    let html = page(&app, &key, None).await;
    assert!(html.contains("id=\"fd-gallery\""), "a contest has a gallery");
    let cookie = enter(&app, &key, "Ana Souza", "ana@example.com", "198.51.100.1").await;
    let html = page(&app, &key, Some(&cookie)).await;
    assert!(html.contains("enctype=\"multipart/form-data\""), "{html}");
    assert!(html.contains("accept=\"image/png,image/jpeg,image/webp\""));

    let r = upload(
        &app,
        &key,
        &cookie,
        method,
        ("dog.jpg", "image/jpeg", JPEG_GPS.to_vec()),
        "Rex <at> the beach",
    )
    .await;
    assert_eq!(r.status(), 303, "{:?}", r.text().await);
    assert_eq!(
        r.headers()["location"].to_str().unwrap(),
        format!("/view/{key}?done=photo#fd-m{method}")
    );
    let html = page(&app, &format!("{key}?done=photo"), Some(&cookie)).await;
    assert!(html.contains("Your photo is waiting for approval."), "{html}");
    assert!(
        !html.contains("Rex &#60;at&#62; the beach"),
        "a pending photo is not in the gallery"
    );
    // The upload is an entry of the method, worth its amount.
    let p = app
        .get(
            &acct.key,
            &format!("/v2/giveaways/{id}/participants/search?q=ana@example.com"),
        )
        .await;
    assert_eq!(p.data()[0]["total_entries"], json!(4), "{}", p.text);

    let list = gallery(&app, &acct, id, "").await;
    assert_eq!(list["pagination"]["total"], json!(1), "{list}");
    let s = &list["data"][0];
    assert_eq!(s["status"], json!("pending"));
    assert_eq!(s["caption"], json!("Rex <at> the beach"));
    assert_eq!(s["email"], json!("ana@example.com"));
    assert_eq!(s["content_type"], json!("image/jpeg"));
    assert_eq!(s["photo_url"], Value::Null, "a pending photo has no public address");
    let entry_id = s["entry_id"].as_i64().expect("entry_id");

    // What is stored has no EXIF, no GPS position, no XMP, no comment; the pixels are the same.
    let review = format!("/v2/giveaways/{id}/gallery/{entry_id}/photo");
    let (status, headers, stored) = fetch(&app, &review, Some(&acct.key)).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "image/jpeg");
    assert!(
        contains(JPEG_GPS, b"Exif\0") && contains(JPEG_GPS, b"xmpmeta"),
        "the fixture has metadata"
    );
    for marker in [&b"Exif\0"[..], b"GPS", b"xmpmeta", b"Fairdraw test"] {
        assert!(
            !contains(&stored, marker),
            "{:?} left in the stored photo",
            String::from_utf8_lossy(marker)
        );
    }
    assert!(stored.starts_with(&[0xFF, 0xD8]) && stored.ends_with(&[0xFF, 0xD9]));
    assert!(stored.len() < JPEG_GPS.len());
    let from_db: (Vec<u8>,) = sqlx::query_as(
        "SELECT m.bytes FROM media m JOIN gallery_submissions s ON s.media_id = m.id WHERE s.entry_id = $1",
    )
    .bind(entry_id)
    .fetch_one(app.engine.db().reader())
    .await
    .expect("stored row");
    assert_eq!(from_db.0, stored, "the database holds the stripped bytes");

    // The webhook event, in the style of entry.created.
    let jobs = app
        .engine
        .db()
        .jobs_of_kind(Some("webhook.deliver"))
        .await
        .expect("jobs");
    let events: Vec<Value> = jobs
        .iter()
        .map(|j| serde_json::from_str::<Value>(&j.payload).expect("payload"))
        .filter(|d| d["event"] == json!("gallery.submitted"))
        .collect();
    assert_eq!(events.len(), 1, "{events:?}");
    let d = &events[0]["data"];
    assert_eq!(d["entry_id"], json!(entry_id));
    assert_eq!(d["giveaway_id"], json!(id));
    assert_eq!(d["status"], json!("pending"));
    assert_eq!(d["email"], json!("ana@example.com"));

    // Not public while pending.
    let media: (String, String) = sqlx::query_as(
        "SELECT m.id, m.ext FROM media m JOIN gallery_submissions s ON s.media_id = m.id WHERE s.entry_id = $1",
    )
    .bind(entry_id)
    .fetch_one(app.engine.db().reader())
    .await
    .expect("media row");
    let public = format!("/media/{}.{}", media.0, media.1);
    assert_eq!(fetch(&app, &public, None).await.0, 404);

    let r = app
        .post(
            &acct.key,
            &format!("/v2/giveaways/{id}/gallery/{entry_id}/approve"),
            json!({}),
        )
        .await;
    r.expect(200);
    assert_eq!(r.body["success"], json!(true));
    assert_eq!(r.data(), &json!({ "message": "Submission approved." }));
    let (status, headers, served) = fetch(&app, &public, None).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "image/jpeg");
    assert_eq!(headers["cache-control"], "public, max-age=300");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(served, stored);
    let html = page(&app, &key, None).await;
    assert!(html.contains(&format!("src=\"{public}\"")), "{html}");
    assert!(html.contains("Rex &#60;at&#62; the beach"), "captions are text");
    assert!(html.contains("by Ana S."), "the author's short name, never the e-mail");
    assert!(!html.contains("ana@example.com"));
    let list = gallery(&app, &acct, id, "?status=approved").await;
    assert_eq!(
        list["data"][0]["photo_url"],
        json!(format!("https://fairdraw.test{public}"))
    );
    assert_eq!(gallery(&app, &acct, id, "?status=pending").await["data"], json!([]));

    let r = app
        .post(
            &acct.key,
            &format!("/v2/giveaways/{id}/gallery/{entry_id}/reject"),
            json!({}),
        )
        .await;
    r.expect(200);
    assert_eq!(r.data(), &json!({ "message": "Submission rejected." }));
    assert_eq!(
        fetch(&app, &public, None).await.0,
        404,
        "a rejected photo is never served"
    );
    assert!(!page(&app, &key, None).await.contains(&public));
    let list = gallery(&app, &acct, id, "?status=rejected").await;
    assert_eq!(list["data"][0]["entry_id"], json!(entry_id));
    assert!(list["data"][0]["reviewed_at"].is_string());
    // Still reviewable by its owner.
    assert_eq!(fetch(&app, &review, Some(&acct.key)).await.0, 200);
    // A second photo the same way is "already completed".
    let r = upload(
        &app,
        &key,
        &cookie,
        method,
        ("dog.webp", "image/webp", WEBP_GPS.to_vec()),
        "",
    )
    .await;
    assert_eq!(r.status(), 409);
}

async fn the_gallery_endpoints_need_a_key_and_an_owned_giveaway(app: TestApp) {
    let acct = app.account().await;
    let other = app.account().await;
    let (id, key, method) = contest(&app, &acct, json!({})).await;
    let (_, entry_id) = approved_photo(&app, &acct, id, &key, method, "Bo").await;

    for (verb, path) in [
        ("GET", format!("/v2/giveaways/{id}/gallery")),
        ("POST", format!("/v2/giveaways/{id}/gallery/{entry_id}/approve")),
        ("POST", format!("/v2/giveaways/{id}/gallery/{entry_id}/reject")),
        ("GET", format!("/v2/giveaways/{id}/gallery/{entry_id}/photo")),
    ] {
        let method = reqwest::Method::from_bytes(verb.as_bytes()).unwrap();
        let r = app.call(method.clone(), &path, None, None).await;
        r.expect_error(401);
        // Another brand's key: the giveaway does not exist for it.
        let r = app.call(method, &path, Some(&other.key), None).await;
        r.expect_error(404);
    }
    for path in [
        format!("/v2/giveaways/{id}/gallery/999999/approve"),
        format!("/v2/giveaways/{id}/gallery/999999/reject"),
        format!("/v2/giveaways/999999/gallery/{entry_id}/approve"),
    ] {
        let r = app.post(&acct.key, &path, json!({})).await;
        r.expect_error(404);
        assert!(r.text.contains("not found"), "{}", r.text);
    }
    // An entry that is not a photo is no submission.
    let (details,): (i64,) =
        sqlx::query_as("SELECT id FROM entries WHERE giveaway_id = $1 AND method_type = 1 LIMIT 1")
            .bind(id)
            .fetch_one(app.engine.db().reader())
            .await
            .expect("a User Details entry");
    app.post(
        &acct.key,
        &format!("/v2/giveaways/{id}/gallery/{details}/approve"),
        json!({}),
    )
    .await
    .expect_error(404);
    app.get(&acct.key, &format!("/v2/giveaways/{id}/gallery?status=all"))
        .await
        .expect_error(400);
    // Paged like every list.
    let r = app
        .get(&acct.key, &format!("/v2/giveaways/{id}/gallery?per_page=1&page=1"))
        .await;
    r.expect(200);
    assert_eq!(r.body["pagination"]["per_page"], json!(1), "{}", r.text);
    assert_eq!(r.body["pagination"]["total"], json!(1));
    // The catalog lists the method; the public action endpoint cannot complete it without a photo.
    let token_page = app.url(&format!("/api/public/giveaways/{id}/entries"));
    let entered: Value = app
        .http
        .post(token_page)
        .json(&json!({ "name": "Cy", "email": "cy@example.com", "consent": true }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = entered["data"]["participant_token"].as_str().expect("token").to_owned();
    let r = app
        .http
        .post(app.url(&format!("/api/public/giveaways/{id}/actions")))
        .json(&json!({ "participant_token": token, "entry_method_id": method }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("takes a photo"));
}

async fn uploads_are_checked_by_their_bytes_and_limits(harness: TestApp) {
    let layer = ConfigLayer {
        photo_max_bytes: Some(2048),
        photo_max_pixels: Some(32 * 24),
        ..ConfigLayer::default()
    };
    let (app, running) = start_with(harness.backend, layer).await;
    let acct = app.account().await;
    let (id, key, method) = contest(&app, &acct, json!({})).await;
    let cookie = enter(&app, &key, "Dee", "dee@example.com", "198.51.100.1").await;

    // A type is what the bytes say, not the name or the declared type.
    let svg = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>".to_vec();
    let r = upload(&app, &key, &cookie, method, ("dog.jpg", "image/jpeg", svg), "keep me").await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Please choose a PNG, JPEG or WebP photo of at most 1 MB."),
        "{html}"
    );
    assert!(html.contains("keep me"), "the caption is kept");
    let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec();
    let r = upload(&app, &key, &cookie, method, ("dog.png", "image/png", gif), "").await;
    assert_eq!(r.status(), 422);

    // Too big: the server stops reading past the limit.
    let r = upload(
        &app,
        &key,
        &cookie,
        method,
        ("dog.jpg", "image/jpeg", JPEG_GPS.to_vec()),
        "",
    )
    .await;
    assert!(JPEG_GPS.len() > 2048);
    assert_eq!(r.status(), 413);
    let mut big = PNG.to_vec();
    big.resize(64 * 1024, 0);
    let r = upload(&app, &key, &cookie, method, ("big.png", "image/png", big), "").await;
    assert_eq!(r.status(), 413);
    // A caption too long.
    let r = upload(
        &app,
        &key,
        &cookie,
        method,
        ("dog.png", "image/png", PNG.to_vec()),
        &"x".repeat(501),
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("The caption is too long."));
    // Nothing refused was recorded: the method can still be done, and nothing waits for review.
    assert_eq!(gallery(&app, &acct, id, "").await["pagination"]["total"], json!(0));
    // Within both limits.
    let r = upload(&app, &key, &cookie, method, ("dog.png", "image/png", PNG.to_vec()), "").await;
    assert_eq!(r.status(), 303, "{:?}", r.text().await);
    assert_eq!(
        gallery(&app, &acct, id, "").await["data"][0]["content_type"],
        json!("image/png")
    );
    // Without the participant cookie.
    let part = reqwest::multipart::Part::bytes(PNG.to_vec()).file_name("a.png");
    let form = reqwest::multipart::Form::new()
        .text("entry_method_id", method.to_string())
        .part("photo", part);
    let r = client()
        .post(app.url(&format!("/view/{key}/photo")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    // Fewer pixels allowed than the photo has.
    let layer = ConfigLayer {
        photo_max_pixels: Some(100),
        ..ConfigLayer::default()
    };
    let (small, small_running) = start_with(harness.backend, layer).await;
    let acct = small.account().await;
    let (_, key, method) = contest(&small, &acct, json!({})).await;
    let cookie = enter(&small, &key, "Eve", "eve@example.com", "198.51.100.1").await;
    let r = upload(
        &small,
        &key,
        &cookie,
        method,
        ("dog.png", "image/png", PNG.to_vec()),
        "",
    )
    .await;
    assert_eq!(r.status(), 422);
    small_running.stop().await;
    running.stop().await;
}

async fn votes_count_once_per_person_per_photo_per_day(harness: TestApp) {
    let (app, running) = start_with(harness.backend, forwarded()).await;
    let acct = app.account().await;
    let (id, key, method) = contest(&app, &acct, json!({})).await;
    let (_, entry_id) = approved_photo(&app, &acct, id, &key, method, "Ana").await;
    let voter = enter(&app, &key, "Vic", "vic@example.com", "198.51.100.2").await;

    let html = page(&app, &key, None).await;
    assert!(html.contains("Enter the giveaway to vote."));
    let r = vote(&app, &key, None, entry_id, "198.51.100.3").await;
    assert_eq!(r.status(), 401, "a vote needs the page's identity");
    let html = page(&app, &key, Some(&voter)).await;
    assert!(html.contains("name=\"entry_id\""), "{html}");
    assert!(html.contains(">0 votes<"));

    let r = vote(&app, &key, Some(&voter), entry_id, "198.51.100.2").await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()["location"].to_str().unwrap(),
        format!("/view/{key}?done=vote#fd-p{entry_id}")
    );
    let html = page(&app, &key, Some(&voter)).await;
    assert!(html.contains(">1 vote<"), "{html}");
    assert!(html.contains("You voted today"));
    let r = vote(&app, &key, Some(&voter), entry_id, "198.51.100.2").await;
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("You already voted for this photo today. You can vote again tomorrow."),
        "{html}"
    );
    assert!(html.contains(">1 vote<"), "not counted twice");
    // In the page's language.
    let r = client()
        .post(app.url(&format!("/view/{key}/vote?lang=es")))
        .header("x-forwarded-for", "198.51.100.2")
        .header("Cookie", &voter)
        .form(&[("entry_id", entry_id.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("Ya votaste por esta foto hoy."));
    // Tomorrow, once more.
    app.clock.advance(DAY);
    assert_eq!(
        vote(&app, &key, Some(&voter), entry_id, "198.51.100.2").await.status(),
        303
    );
    // (An entrant's page is read fresh; a visitor's may be a second old.)
    assert!(page(&app, &key, Some(&voter)).await.contains(">2 votes<"));
    // Only approved photos take votes.
    app.post(
        &acct.key,
        &format!("/v2/giveaways/{id}/gallery/{entry_id}/reject"),
        json!({}),
    )
    .await
    .expect(200);
    app.clock.advance(DAY);
    assert_eq!(
        vote(&app, &key, Some(&voter), entry_id, "198.51.100.2").await.status(),
        404
    );
    let list = gallery(&app, &acct, id, "").await;
    assert_eq!(list["data"][0]["votes"], json!(2));
    running.stop().await;
}

async fn votes_follow_the_duplicate_ip_rule(harness: TestApp) {
    let (app, running) = start_with(harness.backend, forwarded()).await;
    let acct = app.account().await;
    let (id, key, method) = contest(
        &app,
        &acct,
        json!({ "rules_config": { "security_level": 1, "check_for_duplicate_ip": true } }),
    )
    .await;
    let (_, entry_id) = approved_photo(&app, &acct, id, &key, method, "Ana").await;
    let first = enter(&app, &key, "Vic", "vic@example.com", "198.51.100.2").await;
    let second = enter(&app, &key, "Wes", "wes@example.com", "198.51.100.3").await;
    assert_eq!(
        vote(&app, &key, Some(&first), entry_id, "203.0.113.7").await.status(),
        303
    );
    // Another person, from the same address, the same day.
    let r = vote(&app, &key, Some(&second), entry_id, "203.0.113.7").await;
    assert_eq!(r.status(), 403);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Someone has already entered from your network.")
    );
    assert_eq!(
        vote(&app, &key, Some(&second), entry_id, "203.0.113.8").await.status(),
        303
    );
    assert_eq!(gallery(&app, &acct, id, "").await["data"][0]["votes"], json!(2));
    running.stop().await;
}

async fn votes_add_entries_or_decide_the_most_voted_winner(harness: TestApp) {
    let (app, running) = start_with(harness.backend, forwarded()).await;
    let acct = app.account().await;
    let total = |id: i64, email: &'static str| {
        let app = app.clone();
        let key = acct.key.clone();
        async move {
            let p = app
                .get(&key, &format!("/v2/giveaways/{id}/participants/search?q={email}"))
                .await;
            p.data()[0]["total_entries"].as_i64().expect("total")
        }
    };

    // Votes as entries for the author.
    let (id, key, method) = contest(&app, &acct, json!({ "settings": { "gallery_votes": "entries" } })).await;
    let (_, entry_id) = approved_photo(&app, &acct, id, &key, method, "Ana").await;
    let before = total(id, "ana@example.com").await;
    for (i, who) in ["Vic", "Wes"].iter().enumerate() {
        let c = enter(
            &app,
            &key,
            who,
            &format!("{}@example.com", who.to_lowercase()),
            &format!("198.51.100.{}", 10 + i),
        )
        .await;
        assert_eq!(
            vote(&app, &key, Some(&c), entry_id, &format!("198.51.100.{}", 10 + i))
                .await
                .status(),
            303
        );
    }
    assert_eq!(total(id, "ana@example.com").await, before + 2, "one entry per vote");
    let r = app
        .post(&acct.key, &format!("/v2/giveaways/{id}/gallery/most-voted"), json!({}))
        .await;
    r.expect_error(409);

    // Votes decide the winner (the default): a manual pick with the counts on record.
    let (id, key, method) = contest(&app, &acct, json!({})).await;
    let settings = app.get(&acct.key, &format!("/v2/giveaways/{id}")).await;
    assert_eq!(settings.data()["settings"]["gallery_votes"], json!("most_voted"));
    app.post(&acct.key, &format!("/v2/giveaways/{id}/gallery/most-voted"), json!({}))
        .await
        .expect_error(422);
    let (_, ana) = approved_photo(&app, &acct, id, &key, method, "Ana").await;
    let (_, bo) = approved_photo(&app, &acct, id, &key, method, "Bo").await;
    let before = total(id, "ana@example.com").await;
    let voters: Vec<String> = futures_voters(&app, &key, 3).await;
    for v in &voters {
        assert_eq!(vote(&app, &key, Some(v), ana, "198.51.100.20").await.status(), 303);
    }
    assert_eq!(
        vote(&app, &key, Some(&voters[0]), bo, "198.51.100.20").await.status(),
        303
    );
    assert_eq!(total(id, "ana@example.com").await, before, "votes add no entries here");
    let r = app
        .post(&acct.key, &format!("/v2/giveaways/{id}/gallery/most-voted"), json!({}))
        .await;
    r.expect(201);
    let d = r.data();
    assert_eq!(d["email"], json!("ana@example.com"));
    assert_eq!(
        (
            d["entry_id"].as_i64(),
            d["votes"].as_i64(),
            d["runner_up_votes"].as_i64()
        ),
        (Some(ana), Some(3), Some(1))
    );
    assert_eq!(d["selection"], json!("manual"));
    let winners = app.get(&acct.key, &format!("/v2/giveaways/{id}/winners")).await;
    assert_eq!(winners.data()[0]["selection"], json!("manual"), "never a draw");
    assert_eq!(winners.data()[0]["draw_id"], Value::Null);
    let list = gallery(&app, &acct, id, "?status=approved").await;
    let picked: Vec<_> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["picked_votes"].clone())
        .collect();
    assert_eq!(picked, [json!(3), Value::Null]);
    let html = page(&app, &key, None).await;
    assert!(html.contains("Most voted: winner"), "{html}");
    assert!(
        html.contains("picked by the organiser"),
        "a manual pick, not shown as a random draw"
    );
    // Again: the author is already a winner.
    app.post(&acct.key, &format!("/v2/giveaways/{id}/gallery/most-voted"), json!({}))
        .await
        .expect_error(409);
    running.stop().await;
}

/// `n` new entrants, each from their own address; their cookies.
pub(crate) async fn futures_voters(app: &TestApp, key: &str, n: usize) -> Vec<String> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        out.push(
            enter(
                app,
                key,
                &format!("Voter {i}"),
                &format!("voter{i}@example.com"),
                &format!("198.51.100.{}", 30 + i),
            )
            .await,
        );
    }
    out
}

async fn the_confirmation_email_link_signs_the_entrant_back_in(harness: TestApp) {
    let sink = SmtpSink::start().await;
    let layer = ConfigLayer {
        smtp_url: Some(Secret::new(sink.url())),
        ..ConfigLayer::default()
    };
    let (app, running) = start_with(harness.backend, layer).await;
    let acct = app.account().await;
    let (id, key, _) = contest(&app, &acct, json!({})).await;
    app.put(
        &acct.key,
        &format!("/v2/giveaways/{id}/emails"),
        json!({ "confirmation_email": { "status": 1 } }),
    )
    .await
    .expect(200);
    enter(&app, &key, "Lee Park", "lee@example.com", "198.51.100.1").await;
    app.run_jobs().await;
    let mails = sink.messages();
    assert_eq!(mails.len(), 1);
    let m = MessageParser::default().parse(&mails[0].data).expect("message");
    let text = match m.text_part(0).map(|p| &p.body) {
        Some(PartType::Text(t)) => t.to_string(),
        other => panic!("no text part: {other:?}"),
    };
    let start = text.find("https://fairdraw.test/view/").expect("a link to the page");
    let link: String = text[start..].chars().take_while(|c| !c.is_whitespace()).collect();
    assert!(link.contains(&format!("/view/{key}/signin?u=")), "{link}");
    assert!(!link.contains("lee@example.com"), "no address in the link");
    let path = link.trim_start_matches("https://fairdraw.test");

    // Followed on another device (no cookie): signed in, the entries shown, not a new form.
    let r = client().get(app.url(path)).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()["location"].to_str().unwrap(),
        format!("/view/{key}#fd-entry")
    );
    let set = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    let cookie = set.split(';').next().unwrap().to_owned();
    let html = page(&app, &key, Some(&cookie)).await;
    assert!(html.contains("Welcome back, Lee."), "{html}");
    assert!(html.contains("id=\"fd-my-total\""));
    assert!(!html.contains("name=\"email\""), "no new entry form");
    assert!(html.contains("Show us your dog"), "the remaining method is offered");

    // A changed link, or one past its expiry, signs nobody in.
    let tampered = path.replace("&s=", "&s=00");
    let r = client().get(app.url(&tampered)).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert!(r.headers().get("set-cookie").is_none());
    app.clock.advance(91 * DAY);
    let r = client().get(app.url(path)).send().await.unwrap();
    assert!(r.headers().get("set-cookie").is_none(), "expired");
    running.stop().await;
}
