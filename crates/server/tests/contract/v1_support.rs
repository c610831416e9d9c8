//! Helpers for the `/v1` comment-draw scenarios: servers with their own configuration (and
//! restarts on one database), a signed-webhook receiver, and local stand-ins for the Instagram
//! Graph, YouTube Data and TikTok Research APIs that speak each one's documented JSON.

use crate::support::{Backend, POSTGRES_ENV, T0, TestAccount, TestApp};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use fairdraw_core::account::{LimitOverrides, Plan};
use fairdraw_server::Server;
use fairdraw_server::config::ConfigLayer;
use fairdraw_server::engine::Clock;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// A database that outlives the servers started on it.
pub struct Database {
    pub url: String,
    pub dir: tempfile::TempDir,
    pg: Option<fairdraw_testkit::PostgresDatabase>,
}

impl Database {
    pub async fn new(backend: Backend) -> Database {
        let dir = tempfile::tempdir().unwrap();
        let pg = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => {
                let admin = fairdraw_testkit::env_url(POSTGRES_ENV).expect("PostgreSQL URL");
                Some(fairdraw_testkit::PostgresDatabase::create(&admin).await)
            }
        };
        let url = match &pg {
            Some(pg) => pg.url.clone(),
            None => format!("sqlite://{}", dir.path().join("test.db").display()),
        };
        Database { url, dir, pg }
    }

    pub async fn drop_now(self) {
        if let Some(pg) = self.pg {
            pg.drop_now().await;
        }
    }
}

/// A server of its own on `db`, with `layer` over the test defaults.
pub struct Instance {
    pub app: TestApp,
    stop: tokio::sync::oneshot::Sender<()>,
    handle: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Instance {
    pub async fn start(backend: Backend, db: &Database, layer: ConfigLayer, clock: Clock) -> Instance {
        let base = ConfigLayer {
            bind: Some("127.0.0.1:0".to_owned()),
            database_url: Some(fairdraw_core::secret::Secret::new(db.url.clone())),
            data_dir: Some(db.dir.path().to_owned()),
            public_url: Some("https://fairdraw.test".to_owned()),
            workers: Some(false),
            webhook_allow_private: Some(true),
            ..ConfigLayer::default()
        };
        let config = base.merge(layer).resolve().expect("test config");
        let server = Server::build_with_clock(config, clock.clone())
            .await
            .expect("server starts");
        let url = format!("http://{}", server.local_addr());
        let engine = server.state().engine.clone();
        let worker = server.worker();
        let (stop, rx) = tokio::sync::oneshot::channel::<()>();
        let handle = tokio::spawn(server.run(async {
            let _ = rx.await;
        }));
        Instance {
            app: TestApp {
                base: url,
                http: reqwest::Client::new(),
                engine,
                clock,
                backend,
                worker,
            },
            stop,
            handle,
        }
    }

    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.handle.await;
    }
}

/// An Enterprise account with a connection to `platform` (token `token`).
pub async fn connected(app: &TestApp, platform: &str, token: &str) -> TestAccount {
    let acct = app.account_with(Plan::Enterprise, LimitOverrides::default()).await;
    let r = app
        .post(
            &acct.key,
            "/v1/connections",
            json!({ "platform": platform, "access_token": token, "account_id": "17841400000000001" }),
        )
        .await;
    r.expect(201);
    acct
}

/// Uploads `body` as the raw body with `content_type`; the reply.
pub async fn upload(app: &TestApp, key: &str, content_type: &str, body: &str) -> crate::support::Reply {
    TestApp::read(
        app.http
            .post(app.url("/v1/comments/uploads"))
            .bearer_auth(key)
            .header("content-type", content_type)
            .body(body.to_owned()),
    )
    .await
}

/// Uploads a CSV and returns its `upload://` URL.
pub async fn upload_csv(app: &TestApp, key: &str, csv: &str) -> String {
    let r = upload(app, key, "text/csv", csv).await;
    r.expect(201);
    r.body["url"].as_str().unwrap().to_owned()
}

#[track_caller]
pub fn assert_v1_error(r: &crate::support::Reply, status: u16, code: &str) {
    assert_eq!(r.status, status, "{}", r.text);
    assert_eq!(r.body["error"]["code"], json!(code), "{}", r.text);
    assert!(
        r.body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{}",
        r.text
    );
    assert!(r.body["error"].get("param").is_some(), "{}", r.text);
    assert!(r.body.get("success").is_none(), "{}", r.text);
}

// ---- a receiver of signed deliveries ----

#[derive(Clone, Debug)]
pub struct Delivery {
    pub path: String,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Delivery {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    /// Whether `X-PickAWin-Signature` is `sha256=` + HMAC-SHA256(secret, raw body), checked
    /// the way a receiver would (constant-time comparison by the hmac crate).
    pub fn signed_with(&self, secret: &str) -> bool {
        let Some(sig) = self.headers.get("x-pickawin-signature").and_then(|v| v.to_str().ok()) else {
            return false;
        };
        let Some(hex_sig) = sig.strip_prefix("sha256=") else {
            return false;
        };
        let Ok(bytes) = hex::decode(hex_sig) else { return false };
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(&self.body);
        mac.verify_slice(&bytes).is_ok()
    }
}

pub type Got = Arc<Mutex<Vec<Delivery>>>;

/// A receiver on 127.0.0.1 answering 200 on any path; returns its base URL and what it got.
pub async fn receiver() -> (String, Got) {
    async fn hook(State(got): State<Got>, Path(path): Path<String>, headers: HeaderMap, body: Bytes) -> StatusCode {
        got.lock().unwrap().push(Delivery {
            path,
            headers,
            body: body.to_vec(),
        });
        StatusCode::OK
    }
    let got: Got = Arc::default();
    let app = axum::Router::new()
        .route("/{*path}", axum::routing::post(hook))
        .with_state(got.clone());
    (serve(app).await, got)
}

pub async fn serve(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

// ---- platform stand-ins ----

/// What a stand-in serves, and how it misbehaves.
#[derive(Clone)]
pub struct StandIn {
    pub base: Arc<Mutex<String>>,
    /// Top-level comments with their replies, in the platform's own JSON.
    pub threads: Arc<Vec<Value>>,
    pub page_size: usize,
    /// The request number (1-based, over comment pages) answered once with 429.
    pub throttle_request: Option<usize>,
    pub requests: Arc<AtomicUsize>,
    /// Comment pages after the first wait for this to open.
    pub gate: Option<Arc<tokio::sync::Semaphore>>,
}

impl StandIn {
    pub fn new(threads: Vec<Value>, page_size: usize) -> StandIn {
        StandIn {
            base: Arc::default(),
            threads: Arc::new(threads),
            page_size,
            throttle_request: None,
            requests: Arc::default(),
            gate: None,
        }
    }

    /// Counts a comment-page request; `Some(429)` when this one is throttled.
    async fn count(&self, page: usize) -> Option<Response> {
        let n = self.requests.fetch_add(1, Ordering::SeqCst) + 1;
        if self.throttle_request == Some(n) {
            let mut r = (
                StatusCode::TOO_MANY_REQUESTS,
                Json(json!({ "error": { "message": "slow down" } })),
            )
                .into_response();
            r.headers_mut().insert("retry-after", "1".parse().unwrap());
            return Some(r);
        }
        if page > 0
            && let Some(gate) = &self.gate
        {
            let _permit = gate.acquire().await.unwrap();
        }
        None
    }

    fn page(&self, offset: usize) -> (&[Value], Option<usize>) {
        let end = (offset + self.page_size).min(self.threads.len());
        let next = (end < self.threads.len()).then_some(end);
        (&self.threads[offset.min(end)..end], next)
    }
}

/// An Instagram Graph stand-in: the account's media in two pages (the post on the second),
/// comments with `replies{…}` paged by `paging.next`, error 190 for the token `expired`.
pub async fn instagram(stand_in: StandIn, shortcode: &'static str, owner: &'static str) -> String {
    #[derive(Clone)]
    struct S {
        s: StandIn,
        shortcode: &'static str,
        owner: &'static str,
    }
    fn expired() -> Response {
        (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": {
                "message": "Error validating access token: Session has expired on Tuesday, 28-Apr-26 14:00:00 PDT.",
                "type": "OAuthException", "code": 190, "error_subcode": 463, "fbtrace_id": "AbCdEf" } })),
        )
            .into_response()
    }
    async fn media(
        State(st): State<S>,
        Path(_account): Path<String>,
        Query(q): Query<HashMap<String, String>>,
    ) -> Response {
        if q.get("access_token").map(String::as_str) == Some("expired") {
            return expired();
        }
        let base = st.s.base.lock().unwrap().clone();
        let token = q.get("access_token").cloned().unwrap_or_default();
        if q.contains_key("after") {
            return Json(json!({ "data": [
                { "id": "900", "shortcode": "OTHER2", "permalink": "https://www.instagram.com/p/OTHER2/", "username": st.owner },
                { "id": "901", "shortcode": st.shortcode, "permalink": format!("https://www.instagram.com/p/{}/", st.shortcode),
                  "username": st.owner, "timestamp": "2026-04-28T10:00:00+0000" },
            ], "paging": { "cursors": { "before": "b", "after": "c" } } }))
            .into_response();
        }
        Json(json!({ "data": [
            { "id": "899", "shortcode": "OTHER1", "permalink": "https://www.instagram.com/p/OTHER1/", "username": st.owner },
        ], "paging": { "cursors": { "before": "a", "after": "b" },
            "next": format!("{base}/17841400000000001/media?fields=id&access_token={token}&after=b") } }))
        .into_response()
    }
    async fn comments(
        State(st): State<S>,
        Path(media): Path<String>,
        Query(q): Query<HashMap<String, String>>,
    ) -> Response {
        if q.get("access_token").map(String::as_str) == Some("expired") {
            return expired();
        }
        assert_eq!(media, "901", "the media found by its shortcode");
        assert!(q.get("fields").is_some_and(|f| f.contains("replies{")), "{q:?}");
        let offset: usize = q.get("after").and_then(|a| a.parse().ok()).unwrap_or(0);
        if let Some(r) = st.s.count(offset).await {
            return r;
        }
        let (data, next) = st.s.page(offset);
        let base = st.s.base.lock().unwrap().clone();
        let token = q.get("access_token").cloned().unwrap_or_default();
        let mut paging = json!({ "cursors": { "before": "x", "after": next.unwrap_or(0).to_string() } });
        if let Some(n) = next {
            paging["next"] = json!(format!(
                "{base}/901/comments?access_token={token}&fields=id,text,replies{{id}}&after={n}"
            ));
        }
        // `__BASE__` in the data stands for the stand-in's own address (nested reply pages).
        let body = json!({ "data": data, "paging": paging })
            .to_string()
            .replace("__BASE__", &base);
        ([("content-type", "application/json")], body).into_response()
    }
    async fn replies(Path(comment): Path<String>, Query(q): Query<HashMap<String, String>>) -> Response {
        assert!(q.contains_key("access_token"), "{q:?}");
        Json(
            json!({ "data": [{ "id": format!("{comment}.r"), "username": "fay", "text": "@gus too",
            "timestamp": "2026-04-28T15:00:00+0000" }] }),
        )
        .into_response()
    }
    let state = S {
        s: stand_in.clone(),
        shortcode,
        owner,
    };
    let app = axum::Router::new()
        .route("/{id}/media", axum::routing::get(media))
        .route("/{id}/comments", axum::routing::get(comments))
        .route("/{id}/replies", axum::routing::get(replies))
        .with_state(state);
    let base = serve(app).await;
    *stand_in.base.lock().unwrap() = base.clone();
    base
}

/// An Instagram comment in Graph's shape; `replies` as Graph nests them.
pub fn ig_comment(id: &str, user: &str, text: &str, replies: &[(&str, &str, &str)]) -> Value {
    let mut c = json!({ "id": id, "username": user, "text": text, "timestamp": "2026-04-28T14:23:11+0000" });
    if !replies.is_empty() {
        c["replies"] = json!({ "data": replies.iter().map(|(rid, u, t)| json!({
            "id": rid, "username": u, "text": t, "timestamp": "2026-04-28T15:00:00+0000" })).collect::<Vec<_>>() });
    }
    c
}

/// A YouTube Data v3 stand-in: `commentThreads` paged by `nextPageToken`, `comments?parentId=`
/// for threads carrying fewer replies than `totalReplyCount`, a key error for the key `expired`.
/// `extra_replies` are the replies only `comments` lists, by thread id.
pub async fn youtube(stand_in: StandIn, extra_replies: HashMap<String, Vec<Value>>) -> String {
    #[derive(Clone)]
    struct S {
        s: StandIn,
        extra: Arc<HashMap<String, Vec<Value>>>,
    }
    fn expired() -> Response {
        (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": { "code": 400, "message": "API key expired. Please renew the API key.",
                "errors": [{ "message": "API key expired. Please renew the API key.", "domain": "global", "reason": "badRequest" }],
                "status": "INVALID_ARGUMENT",
                "details": [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_EXPIRED", "domain": "googleapis.com" }] } })),
        )
            .into_response()
    }
    async fn threads(State(st): State<S>, Query(q): Query<HashMap<String, String>>) -> Response {
        if q.get("key").map(String::as_str) == Some("expired") {
            return expired();
        }
        assert_eq!(q.get("part").map(String::as_str), Some("snippet,replies"));
        assert_eq!(q.get("videoId").map(String::as_str), Some("dQw4w9WgXcQ"));
        let offset: usize = q
            .get("pageToken")
            .and_then(|a| a.strip_prefix("tok").and_then(|n| n.parse().ok()))
            .unwrap_or(0);
        if let Some(r) = st.s.count(offset).await {
            return r;
        }
        let (data, next) = st.s.page(offset);
        let mut body = json!({ "kind": "youtube#commentThreadListResponse", "pageInfo": { "totalResults": data.len(), "resultsPerPage": 100 }, "items": data });
        if let Some(n) = next {
            body["nextPageToken"] = json!(format!("tok{n}"));
        }
        Json(body).into_response()
    }
    async fn comments(State(st): State<S>, Query(q): Query<HashMap<String, String>>) -> Response {
        let parent = q.get("parentId").cloned().unwrap_or_default();
        let all = st.extra.get(&parent).cloned().unwrap_or_default();
        // Two replies a page, to exercise the paging of replies too.
        let offset: usize = q.get("pageToken").and_then(|t| t.parse().ok()).unwrap_or(0);
        let end = (offset + 2).min(all.len());
        let mut body = json!({ "kind": "youtube#commentListResponse", "items": &all[offset..end] });
        if end < all.len() {
            body["nextPageToken"] = json!(end.to_string());
        }
        Json(body).into_response()
    }
    let app = axum::Router::new()
        .route("/commentThreads", axum::routing::get(threads))
        .route("/comments", axum::routing::get(comments))
        .with_state(S {
            s: stand_in.clone(),
            extra: Arc::new(extra_replies),
        });
    serve(app).await
}

/// A YouTube comment resource.
pub fn yt_comment(id: &str, handle: &str, channel: &str, text: &str, parent: Option<&str>) -> Value {
    let mut snippet = json!({
        "videoId": "dQw4w9WgXcQ", "textDisplay": text, "textOriginal": text,
        "authorDisplayName": format!("@{handle}"), "authorChannelId": { "value": channel },
        "publishedAt": "2026-04-28T14:23:11Z", "updatedAt": "2026-04-28T14:23:11Z", "likeCount": 0,
    });
    if let Some(p) = parent {
        snippet["parentId"] = json!(p);
    }
    json!({ "kind": "youtube#comment", "id": id, "snippet": snippet })
}

/// A YouTube comment thread on the channel `owner_channel`.
pub fn yt_thread(id: &str, top: Value, replies: Vec<Value>, total_replies: usize, owner_channel: &str) -> Value {
    json!({ "kind": "youtube#commentThread", "id": id,
        "snippet": { "channelId": owner_channel, "videoId": "dQw4w9WgXcQ", "topLevelComment": top,
            "canReply": true, "totalReplyCount": total_replies, "isPublic": true },
        "replies": { "comments": replies } })
}

/// A TikTok Research API stand-in: `POST /v2/research/video/comment/list/` with `cursor` and
/// `has_more`, `access_token_invalid` for the token `expired`.
pub async fn tiktok(stand_in: StandIn) -> String {
    async fn list(
        State(st): State<StandIn>,
        headers: HeaderMap,
        Query(q): Query<HashMap<String, String>>,
        Json(body): Json<Value>,
    ) -> Response {
        let auth = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if auth == "Bearer expired" {
            return (
                StatusCode::UNAUTHORIZED,
                Json(json!({ "data": {}, "error": { "code": "access_token_invalid",
                    "message": "The access token is invalid or not found in the request.", "log_id": "20260428" } })),
            )
                .into_response();
        }
        assert!(
            q.get("fields").is_some_and(|f| f.contains("parent_comment_id")),
            "{q:?}"
        );
        assert_eq!(body["video_id"], json!(7301234567890123456_i64));
        let offset = body["cursor"].as_u64().unwrap_or(0) as usize;
        if let Some(r) = st.count(offset).await {
            return r;
        }
        let (data, next) = st.page(offset);
        Json(json!({ "data": { "comments": data, "cursor": next.unwrap_or(st.threads.len()), "has_more": next.is_some() },
            "error": { "code": "ok", "message": "", "log_id": "20260428" } }))
        .into_response()
    }
    let app = axum::Router::new()
        .route("/v2/research/video/comment/list/", axum::routing::post(list))
        .with_state(stand_in);
    serve(app).await
}

/// When a test's clock starts.
pub fn clock() -> Clock {
    Clock::manual(T0)
}
