//! Contract scenarios for `/v1` comment draws from the platforms (Instagram Graph, YouTube
//! Data v3, TikTok Research) through local stand-ins that speak each API's documented JSON,
//! with several pages, a 429 then success, and an expired token; connections; signed webhook
//! deliveries; and a draw that outlasts the request, finished by a new server after a restart.

use crate::comment_draws::draw;
use crate::scenarios;
use crate::support::TestApp;
use crate::v1_support::{
    Database, Instance, StandIn, assert_v1_error, clock, connected, ig_comment, instagram, receiver, tiktok,
    upload_csv, youtube, yt_comment, yt_thread,
};
use crate::winners::fetch_and_verify;
use fairdraw_server::config::ConfigLayer;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::sync::atomic::Ordering;

scenarios!(
    instagram_draws_read_every_page_with_replies_and_skip_the_owner,
    youtube_draws_read_threads_and_reply_pages,
    tiktok_draws_follow_the_cursor,
    expired_tokens_are_a_502_naming_the_platform_and_send_draw_failed,
    connections_never_show_the_token_again,
    webhooks_are_signed_with_the_brand_secret_and_follow_rotation,
    a_slow_fetch_answers_202_and_a_new_server_finishes_it,
);

fn pool_of(pool: &fairdraw_core::draw::Pool) -> BTreeMap<String, u64> {
    pool.iter().map(|c| (c.id.to_owned(), c.weight)).collect()
}

fn ig_threads() -> Vec<Value> {
    vec![
        ig_comment(
            "c1",
            "ana",
            "Love this @bia",
            &[("r1", "brand_ig", "thanks @ana"), ("r2", "bia", "@cora me too")],
        ),
        ig_comment("c2", "brand_ig", "Tag a friend to enter!", &[]),
        ig_comment("c3", "dan", "@brand_ig pick me", &[]),
        ig_comment("c4", "eve", "@Brand_IG @fay.", &[]),
        {
            // More replies than the comment carries: Graph links the next page of them.
            let mut c = ig_comment("c5", "Ana", "again @gus", &[]);
            c["replies"] = json!({ "data": [], "paging": { "next": "__BASE__/c5/replies?limit=50" } });
            c
        },
    ]
}

async fn instagram_draws_read_every_page_with_replies_and_skip_the_owner(app: TestApp) {
    let mut s = StandIn::new(ig_threads(), 2);
    s.throttle_request = Some(2);
    let requests = s.requests.clone();
    let base = instagram(s, "CxxxxxxxxxX", "brand_ig").await;
    let db = Database::new(app.backend).await;
    let layer = ConfigLayer {
        instagram_graph_url: Some(base),
        ..ConfigLayer::default()
    };
    let inst = Instance::start(app.backend, &db, layer, clock()).await;
    let app = inst.app.clone();
    let acct = connected(&app, "instagram", "EAAGood").await;
    let url = "https://www.instagram.com/p/CxxxxxxxxxX/";
    let r = draw(
        &app,
        &acct.key,
        json!({ "url": url, "winners": 3, "filters": { "require_tag": true } }),
    )
    .await;
    r.expect(200);
    // Three comment pages and one 429 answered by trying again.
    assert_eq!(requests.load(Ordering::SeqCst), 4);
    assert_eq!(r.body["comments_processed"], json!(8), "5 comments and 3 replies");
    let hash = r.body["verification"]["sha256"].as_str().unwrap();
    let (_, pool, cert) = fetch_and_verify(&app, hash).await;
    // The owner's comments never count; a mention of the owner is no tag; a reply counts alone.
    assert_eq!(
        pool_of(&pool),
        BTreeMap::from([
            ("ana".to_owned(), 2),
            ("bia".to_owned(), 1),
            ("eve".to_owned(), 1),
            ("fay".to_owned(), 1)
        ])
    );
    assert_eq!(cert["subject"]["url"], json!(url));
    let winners: BTreeSet<&str> = r.body["winners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["username"].as_str().unwrap())
        .collect();
    assert_eq!(winners.len(), 3);
    assert!(winners.is_subset(&BTreeSet::from(["@ana", "@bia", "@eve", "@fay"])));

    // Graph's `+0000` times are read: only the replies (15:00) are at or after `since`.
    let r = draw(
        &app,
        &acct.key,
        json!({ "url": url, "winners": 1, "filters": { "since": "2026-04-28T15:00:00Z" } }),
    )
    .await;
    r.expect(200);
    let (_, pool, _) = fetch_and_verify(&app, r.body["verification"]["sha256"].as_str().unwrap()).await;
    assert_eq!(
        pool_of(&pool),
        BTreeMap::from([("bia".to_owned(), 1), ("fay".to_owned(), 1)])
    );

    // A post that is not among the account's media: a 502 that says so.
    let r = draw(
        &app,
        &acct.key,
        json!({ "url": "https://www.instagram.com/reel/Missing1/", "winners": 1 }),
    )
    .await;
    assert_v1_error(&r, 502, "platform_error");
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not among the connected account's media")
    );
    inst.stop().await;
    db.drop_now().await;
}

async fn youtube_draws_read_threads_and_reply_pages(app: TestApp) {
    let owner = "UCowner";
    let reply = |id: &str, who: &str, chan: &str, text: &str| yt_comment(id, who, chan, text, Some("t2"));
    let t2_replies = vec![
        reply("t2.1", "cora", "UCcora", "@dan"),
        reply("t2.2", "dan", "UCdan", "@brandyt"),
        reply("t2.3", "eve", "UCeve", "@fay"),
    ];
    let threads = vec![
        yt_thread(
            "t1",
            yt_comment("t1", "ana", "UCana", "@bia hi", None),
            vec![yt_comment("t1.1", "brandyt", owner, "@ana thanks", Some("t1"))],
            1,
            owner,
        ),
        yt_thread(
            "t2",
            yt_comment("t2", "brandyt", owner, "Comment to win", None),
            vec![t2_replies[0].clone()],
            3,
            owner,
        ),
        yt_thread(
            "t3",
            yt_comment("t3", "fay", "UCfay", "@gus @brandyt", None),
            vec![],
            0,
            owner,
        ),
    ];
    let mut s = StandIn::new(threads, 2);
    s.throttle_request = Some(1);
    let requests = s.requests.clone();
    let base = youtube(s, HashMap::from([("t2".to_owned(), t2_replies)])).await;
    let db = Database::new(app.backend).await;
    let layer = ConfigLayer {
        youtube_api_url: Some(base),
        ..ConfigLayer::default()
    };
    let inst = Instance::start(app.backend, &db, layer, clock()).await;
    let app = inst.app.clone();
    let acct = connected(&app, "youtube", "AIzaGoodKey").await;
    let r = draw(
        &app,
        &acct.key,
        json!({ "url": "https://youtu.be/dQw4w9WgXcQ", "winners": 2, "extras": 2, "filters": { "require_tag": true } }),
    )
    .await;
    r.expect(200);
    assert_eq!(requests.load(Ordering::SeqCst), 3, "two thread pages and one 429");
    assert_eq!(
        r.body["comments_processed"],
        json!(7),
        "3 threads, 1 carried reply, 3 listed replies"
    );
    let (_, pool, _) = fetch_and_verify(&app, r.body["verification"]["sha256"].as_str().unwrap()).await;
    // The channel's own comments never count, and tagging the channel is no tag.
    assert_eq!(
        pool_of(&pool),
        BTreeMap::from([
            ("ana".to_owned(), 1),
            ("cora".to_owned(), 1),
            ("eve".to_owned(), 1),
            ("fay".to_owned(), 1)
        ])
    );
    inst.stop().await;
    db.drop_now().await;
}

async fn tiktok_draws_follow_the_cursor(app: TestApp) {
    let comment = |id: i64, parent: i64, text: &str| {
        json!({ "id": id, "video_id": 7301234567890123456_i64, "text": text, "like_count": 1, "reply_count": 0,
            "parent_comment_id": parent, "create_time": 1_777_386_191 })
    };
    let video = 7301234567890123456_i64;
    let threads = vec![
        comment(1, video, "first @a"),
        comment(2, video, "no tag"),
        comment(3, 1, "reply @b"),
        comment(4, video, "@c"),
        comment(5, video, "@d"),
    ];
    let mut s = StandIn::new(threads, 2);
    s.throttle_request = Some(2);
    let requests = s.requests.clone();
    let base = tiktok(s).await;
    let db = Database::new(app.backend).await;
    let layer = ConfigLayer {
        tiktok_api_url: Some(base),
        ..ConfigLayer::default()
    };
    let inst = Instance::start(app.backend, &db, layer, clock()).await;
    let app = inst.app.clone();
    let acct = connected(&app, "tiktok", "clt.goodtoken").await;
    let url = "https://www.tiktok.com/@brand/video/7301234567890123456";
    let r = draw(
        &app,
        &acct.key,
        json!({ "url": url, "winners": 2, "filters": { "require_tag": true } }),
    )
    .await;
    r.expect(200);
    assert_eq!(requests.load(Ordering::SeqCst), 4, "three pages by cursor and one 429");
    assert_eq!(r.body["comments_processed"], json!(5));
    let (_, pool, _) = fetch_and_verify(&app, r.body["verification"]["sha256"].as_str().unwrap()).await;
    // The Research API gives no commenter names: each comment is entered under its id.
    let ids: Vec<String> = pool.iter().map(|c| c.id.to_owned()).collect();
    assert_eq!(ids, ["comment_1", "comment_3", "comment_4", "comment_5"]);
    let r = draw(
        &app,
        &acct.key,
        json!({ "url": url, "winners": 1, "filters": { "require_tag": true, "include_replies": false } }),
    )
    .await;
    let (_, pool, _) = fetch_and_verify(&app, r.body["verification"]["sha256"].as_str().unwrap()).await;
    assert_eq!(pool.len(), 3, "comment 3 is a reply");
    inst.stop().await;
    db.drop_now().await;
}

async fn expired_tokens_are_a_502_naming_the_platform_and_send_draw_failed(app: TestApp) {
    let ig = instagram(StandIn::new(ig_threads(), 2), "CxxxxxxxxxX", "brand_ig").await;
    let yt = youtube(StandIn::new(vec![], 2), HashMap::new()).await;
    let tt = tiktok(StandIn::new(vec![], 2)).await;
    let db = Database::new(app.backend).await;
    let layer = ConfigLayer {
        instagram_graph_url: Some(ig),
        youtube_api_url: Some(yt),
        tiktok_api_url: Some(tt),
        ..ConfigLayer::default()
    };
    let inst = Instance::start(app.backend, &db, layer, clock()).await;
    let app = inst.app.clone();
    let (hook, got) = receiver().await;
    for (platform, url, name, why) in [
        (
            "instagram",
            "https://www.instagram.com/p/CxxxxxxxxxX/",
            "Instagram",
            "expired",
        ),
        (
            "youtube",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "YouTube",
            "expired",
        ),
        (
            "tiktok",
            "https://www.tiktok.com/@brand/video/7301234567890123456",
            "TikTok",
            "expired",
        ),
    ] {
        let acct = connected(&app, platform, "expired").await;
        let own = format!("{hook}/{platform}");
        let r = draw(&app, &acct.key, json!({ "url": url, "winners": 1, "webhook_url": own })).await;
        assert_v1_error(&r, 502, "platform_error");
        let message = r.body["error"]["message"].as_str().unwrap();
        assert!(message.starts_with(&format!("{name}: ")), "{message}");
        assert!(
            message.contains(why) && message.contains("POST /v1/connections"),
            "{message}"
        );
        let list = app.get(&acct.key, "/v1/draws").await;
        assert_eq!(list.body["data"][0]["status"], json!("failed"));
        assert_eq!(list.body["data"][0]["error"]["message"], json!(message));
        app.run_jobs().await;
        let secret = app.engine.v1_signing_secret(acct.brand_id).await.unwrap();
        let deliveries: Vec<_> = got
            .lock()
            .unwrap()
            .iter()
            .filter(|d| d.path == platform)
            .cloned()
            .collect();
        assert_eq!(deliveries.len(), 1, "{platform}");
        let body = deliveries[0].json();
        assert!(deliveries[0].signed_with(&secret));
        assert_eq!(body["event"], json!("draw.failed"));
        assert_eq!(body["draw_id"], list.body["data"][0]["id"]);
        assert_eq!(body["error"]["message"], json!(message));
        // Failed draws are never billed.
        let usage = app.get(&acct.key, "/v1/usage").await;
        assert_eq!(usage.body["total"]["draws"], json!(0));
    }
    inst.stop().await;
    db.drop_now().await;
}

async fn connections_never_show_the_token_again(app: TestApp) {
    let acct = app.account().await;
    let token = "EAAGsecretTokenValue1234";
    let r = app
        .post(
            &acct.key,
            "/v1/connections",
            json!({ "platform": "instagram", "access_token": token, "account_id": "1784" }),
        )
        .await;
    r.expect(201);
    assert!(!r.text.contains("secretToken"), "{}", r.text);
    assert_eq!(r.body["token_last4"], json!("1234"));
    let id = r.body["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("conn_"));
    let list = app.get(&acct.key, "/v1/connections").await;
    assert!(!list.text.contains("secretToken"));
    assert_eq!(list.body["data"].as_array().unwrap().len(), 1);
    app.get(&acct.key, &format!("/v1/connections/{id}")).await.expect(200);
    let other = app.account().await;
    assert_v1_error(
        &app.get(&other.key, &format!("/v1/connections/{id}")).await,
        404,
        "not_found",
    );
    for (body, param) in [
        (json!({ "platform": "myspace", "access_token": "x" }), "platform"),
        (json!({ "platform": "instagram", "access_token": "x" }), "account_id"),
        (json!({ "platform": "youtube" }), "access_token"),
    ] {
        let r = app.post(&acct.key, "/v1/connections", body).await;
        assert_v1_error(&r, 422, "validation_error");
        assert_eq!(r.body["error"]["param"], json!(param));
    }
    app.delete(&acct.key, &format!("/v1/connections/{id}"))
        .await
        .expect(200);
    assert_v1_error(
        &app.get(&acct.key, &format!("/v1/connections/{id}")).await,
        404,
        "not_found",
    );
    // Without the connection a draw is refused with what to do.
    let r = draw(
        &app,
        &acct.key,
        json!({ "url": "https://instagram.com/p/Abc/", "winners": 1 }),
    )
    .await;
    assert_v1_error(&r, 422, "validation_error");
}

async fn webhooks_are_signed_with_the_brand_secret_and_follow_rotation(app: TestApp) {
    let acct = app.account().await;
    let (hook, got) = receiver().await;
    let r = app
        .post(&acct.key, "/v1/webhooks", json!({ "url": format!("{hook}/a") }))
        .await;
    r.expect(201);
    let secret = r.body["secret"].as_str().unwrap().to_owned();
    assert_eq!(r.body["events"], json!(["draw.completed", "draw.failed"]));
    let a_id = r.body["id"].as_str().unwrap().to_owned();
    let r = app
        .post(
            &acct.key,
            "/v1/webhooks",
            json!({ "url": format!("{hook}/b"), "events": ["draw.failed"] }),
        )
        .await;
    r.expect(201);
    assert!(
        r.body.get("secret").is_none(),
        "the secret is returned with the first webhook only"
    );
    let bad = app
        .post(
            &acct.key,
            "/v1/webhooks",
            json!({ "url": format!("{hook}/c"), "events": ["winner.picked"] }),
        )
        .await;
    assert_v1_error(&bad, 422, "validation_error");
    assert_eq!(
        app.get(&acct.key, "/v1/webhooks").await.body["data"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let url = upload_csv(&app, &acct.key, "username,comment\nana,@bia\nbia,@ana\n").await;
    let d = draw(
        &app,
        &acct.key,
        json!({ "url": url, "winners": 1, "webhook_url": format!("{hook}/own") }),
    )
    .await;
    d.expect(200);
    assert!(got.lock().unwrap().is_empty(), "deliveries go through the queue");
    app.run_jobs().await;
    let take = |path: &str| -> Vec<crate::v1_support::Delivery> {
        got.lock().unwrap().iter().filter(|x| x.path == path).cloned().collect()
    };
    for path in ["a", "own"] {
        let ds = take(path);
        assert_eq!(ds.len(), 1, "{path}");
        assert!(ds[0].signed_with(&secret), "{path}");
        assert!(!ds[0].signed_with("whsec_wrong"));
        let body = ds[0].json();
        let keys: BTreeSet<&str> = body.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            BTreeSet::from(["event", "draw_id", "url", "winners", "verification", "timestamp"])
        );
        assert_eq!(body["event"], json!("draw.completed"));
        assert_eq!(body["draw_id"], d.body["id"]);
        assert_eq!(body["winners"], d.body["winners"]);
        assert_eq!(
            body["verification"],
            json!({ "sha256": d.body["verification"]["sha256"] })
        );
        assert_eq!(ds[0].headers["x-pickawin-event"], "draw.completed");
    }
    assert!(take("b").is_empty(), "b listens to draw.failed only");

    let rotated = app.post(&acct.key, "/v1/webhooks/secret", json!({})).await;
    rotated.expect(200);
    let new_secret = rotated.body["secret"].as_str().unwrap().to_owned();
    assert_ne!(new_secret, secret);
    let f = draw(
        &app,
        &acct.key,
        json!({ "url": url, "winners": 1, "filters": { "keyword": "zzz" } }),
    )
    .await;
    assert_v1_error(&f, 422, "no_qualifying_comments");
    app.run_jobs().await;
    for path in ["a", "b"] {
        let ds = take(path);
        let last = ds.last().unwrap();
        assert_eq!(last.json()["event"], json!("draw.failed"), "{path}");
        assert!(last.signed_with(&new_secret) && !last.signed_with(&secret));
    }
    app.delete(&acct.key, &format!("/v1/webhooks/{a_id}")).await.expect(200);
    assert_v1_error(
        &app.delete(&acct.key, &format!("/v1/webhooks/{a_id}")).await,
        404,
        "not_found",
    );
    let before = take("a").len();
    draw(&app, &acct.key, json!({ "url": url, "winners": 1 }))
        .await
        .expect(200);
    app.run_jobs().await;
    assert_eq!(take("a").len(), before, "a deleted webhook gets nothing");
}

async fn a_slow_fetch_answers_202_and_a_new_server_finishes_it(app: TestApp) {
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    let mut s = StandIn::new(ig_threads(), 2);
    s.gate = Some(gate.clone());
    let base = instagram(s, "CxxxxxxxxxX", "brand_ig").await;
    let db = Database::new(app.backend).await;
    let layer = || ConfigLayer {
        instagram_graph_url: Some(base.clone()),
        v1_sync_wait_ms: Some(300),
        ..ConfigLayer::default()
    };
    let clock = clock();
    let first = Instance::start(app.backend, &db, layer(), clock.clone()).await;
    let acct = connected(&first.app, "instagram", "EAAGood").await;
    let (hook, got) = receiver().await;
    let r = draw(
        &first.app,
        &acct.key,
        json!({ "url": "https://www.instagram.com/p/CxxxxxxxxxX/", "winners": 2, "webhook_url": format!("{hook}/own") }),
    )
    .await;
    r.expect(202);
    assert_eq!(r.body["status"], json!("processing"));
    // The first page (2 comments, 2 replies) was read before the request stopped waiting.
    assert_eq!(r.body["comments_processed"], json!(4));
    assert_eq!(r.body["verification"], Value::Null);
    let id = r.body["id"].as_str().unwrap().to_owned();
    let seen = first.app.get(&acct.key, &format!("/v1/draws/{id}")).await;
    assert_eq!(
        (seen.body["status"].as_str(), seen.body["comments_processed"].as_i64()),
        (Some("processing"), Some(4))
    );
    let jobs = first
        .app
        .engine
        .db()
        .jobs_of_kind(Some("comment_draw.run"))
        .await
        .unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].state, "pending");
    first.stop().await;

    gate.add_permits(1_000);
    let second = Instance::start(app.backend, &db, layer(), clock.clone()).await;
    second.app.run_jobs().await;
    let done = second.app.get(&acct.key, &format!("/v1/draws/{id}")).await;
    done.expect(200);
    assert_eq!(done.body["status"], json!("completed"), "{}", done.text);
    assert_eq!(done.body["comments_processed"], json!(8));
    let hash = done.body["verification"]["sha256"].as_str().unwrap();
    let (cert, _, _) = fetch_and_verify(&second.app, hash).await;
    assert_eq!(cert.draw_id.as_deref(), Some(id.as_str()));
    let deliveries = got.lock().unwrap().clone();
    assert_eq!(deliveries.len(), 1);
    assert_eq!(deliveries[0].json()["event"], json!("draw.completed"));
    let jobs = second
        .app
        .engine
        .db()
        .jobs_of_kind(Some("comment_draw.run"))
        .await
        .unwrap();
    assert!(jobs.iter().all(|j| j.state == "done"), "{jobs:?}");
    second.stop().await;
    db.drop_now().await;
}
