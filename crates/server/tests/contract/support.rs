//! The contract-test harness: a real server on port 0, over real HTTP, on a database of its own
//! (a fresh SQLite file, or a fresh PostgreSQL database dropped afterwards), with a manual
//! clock that tests move instead of sleeping.
#![allow(dead_code)] // helpers used by some scenario modules and not others

use fairdraw_core::account::{LimitOverrides, Plan};
use fairdraw_server::Server;
use fairdraw_server::config::ConfigLayer;
use fairdraw_server::engine::{Clock, Engine, NewAccount};
use serde_json::{Value, json};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};

pub use reqwest::Method;

/// Where the clock of every test starts: 2026-06-15 12:00:00 UTC.
pub const T0: i64 = 1_781_524_800_000;
pub const MINUTE: i64 = 60_000;
pub const HOUR: i64 = 3_600_000;
pub const DAY: i64 = 86_400_000;

pub type Scenario = fn(TestApp) -> Pin<Box<dyn Future<Output = ()> + Send>>;

/// Registers a module's scenarios: `scenarios!(first_test, second_test);` defines
/// `pub fn scenarios()`, which `main.rs` collects.
#[macro_export]
macro_rules! scenarios {
    ($($name:ident),* $(,)?) => {
        pub fn scenarios() -> Vec<(String, $crate::support::Scenario)> {
            let module = module_path!().split("::").last().unwrap_or("");
            let list: Vec<(&str, $crate::support::Scenario)> =
                vec![$((stringify!($name), (|app| Box::pin($name(app))) as $crate::support::Scenario)),*];
            list.into_iter().map(|(name, s)| (format!("{module}::{name}"), s)).collect()
        }
    };
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub use fairdraw_testkit::POSTGRES_ENV;
use fairdraw_testkit::PostgresDatabase;

/// A running test server, cheap to clone.
#[derive(Clone)]
pub struct TestApp {
    pub base: String,
    pub http: reqwest::Client,
    pub engine: Engine,
    pub clock: Clock,
    pub backend: Backend,
    /// The server's job runner; the background one is off in tests, so a test runs the queue
    /// when it wants to with [`TestApp::run_jobs`].
    pub worker: fairdraw_server::worker::Worker,
}

/// A fresh account on the Enterprise plan (unless asked otherwise), with its keys.
#[derive(Clone, Debug)]
pub struct TestAccount {
    pub key: String,
    pub public_key: String,
    pub account_id: i64,
    pub brand_id: i64,
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
    /// The body as JSON, or `Null` when it is empty or not JSON.
    pub body: Value,
}

impl Reply {
    pub fn data(&self) -> &Value {
        &self.body["data"]
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts the status, showing the body when it differs.
    #[track_caller]
    pub fn expect(&self, status: u16) -> &Self {
        assert_eq!(self.status, status, "unexpected status; body: {}", self.text);
        self
    }

    /// Asserts an error envelope with this status.
    #[track_caller]
    pub fn expect_error(&self, status: u16) -> &Self {
        self.expect(status);
        assert_eq!(self.body["success"], json!(false), "{}", self.text);
        assert_eq!(self.body["error"]["code"], json!(status), "{}", self.text);
        assert!(
            self.body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{}",
            self.text
        );
        self
    }
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A name no other test in this run uses.
pub fn unique(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let mut rnd = [0u8; 4];
    getrandom::fill(&mut rnd).expect("random");
    format!("{prefix}{n}{}", hex::encode(rnd))
}

impl TestApp {
    /// Runs the scheduler and every due job until the queue is idle; returns the number of runs.
    pub async fn run_jobs(&self) -> usize {
        self.worker.run_until_idle().await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn call(&self, method: Method, path: &str, key: Option<&str>, body: Option<&Value>) -> Reply {
        let mut req = self.http.request(method, self.url(path));
        if let Some(k) = key {
            req = req.bearer_auth(k);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        Self::read(req).await
    }

    pub async fn read(req: reqwest::RequestBuilder) -> Reply {
        let resp = req.send().await.expect("request failed");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.expect("reading body");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            text,
            body,
        }
    }

    pub async fn get(&self, key: &str, path: &str) -> Reply {
        self.call(Method::GET, path, Some(key), None).await
    }

    pub async fn post(&self, key: &str, path: &str, body: Value) -> Reply {
        self.call(Method::POST, path, Some(key), Some(&body)).await
    }

    pub async fn put(&self, key: &str, path: &str, body: Value) -> Reply {
        self.call(Method::PUT, path, Some(key), Some(&body)).await
    }

    pub async fn delete(&self, key: &str, path: &str) -> Reply {
        self.call(Method::DELETE, path, Some(key), None).await
    }

    pub async fn delete_with(&self, key: &str, path: &str, body: Value) -> Reply {
        self.call(Method::DELETE, path, Some(key), Some(&body)).await
    }

    pub async fn account(&self) -> TestAccount {
        self.account_with(Plan::Enterprise, LimitOverrides::default()).await
    }

    pub async fn account_with(&self, plan: Plan, overrides: LimitOverrides) -> TestAccount {
        // Tests make many requests in one frozen second; keep limits out of their way unless a
        // test is about limits.
        let overrides = LimitOverrides {
            rpm: overrides.rpm.or(Some(100_000)),
            rpd: overrides.rpd.or(Some(1_000_000)),
            burst: overrides.burst.or(Some(100_000)),
        };
        let issued = self
            .engine
            .create_account(NewAccount {
                email: format!("{}@example.com", unique("owner")),
                username: None,
                brand_name: unique("Brand "),
                plan,
                overrides,
            })
            .await
            .expect("creating a test account");
        TestAccount {
            key: issued.secret_key.expose().clone(),
            public_key: issued.public_key.expose().clone(),
            account_id: issued.account_id,
            brand_id: issued.brand_id,
        }
    }

    /// Creates a giveaway from the reference's example body with `overrides` merged in, and
    /// returns its id. Its schedule (2026-12-01 to 2026-12-25, New York) lies after `T0`.
    pub async fn create_giveaway(&self, key: &str, overrides: Value) -> i64 {
        let mut body = json!({
            "title": "Holiday Giveaway 2026",
            "start_time": "2026-12-01 00:00:00",
            "end_time": "2026-12-25 23:59:59",
            "description": "Enter to win holiday prizes!",
            "number_of_winners": 5,
            "is_draft": true,
            "rules_config": { "security_level": 2, "block_vpns": true, "countries_allowed": ["US", "CA", "GB"] }
        });
        if let (Some(b), Some(o)) = (body.as_object_mut(), overrides.as_object()) {
            for (k, v) in o {
                b.insert(k.clone(), v.clone());
            }
        }
        let reply = self.post(key, "/v2/giveaways", body).await;
        reply.expect(201);
        reply.data()["id"].as_i64().expect("giveaway id")
    }
}

/// What the harness keeps to stop the server and drop the database.
pub struct Running {
    shutdown: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    _dir: tempfile::TempDir,
    postgres: Option<PostgresDatabase>,
}

pub async fn start(backend: Backend) -> (TestApp, Running) {
    start_with(backend, ConfigLayer::default()).await
}

pub async fn start_with(backend: Backend, layer: ConfigLayer) -> (TestApp, Running) {
    let dir = tempfile::tempdir().expect("temp dir");
    let postgres = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => {
            let admin = fairdraw_testkit::env_url(POSTGRES_ENV).expect("PostgreSQL URL");
            Some(PostgresDatabase::create(&admin).await)
        }
    };
    let database_url = match &postgres {
        Some(pg) => pg.url.clone(),
        None => format!("sqlite://{}", dir.path().join("test.db").display()),
    };
    let base = ConfigLayer {
        bind: Some("127.0.0.1:0".to_owned()),
        database_url: Some(fairdraw_core::secret::Secret::new(database_url)),
        data_dir: Some(dir.path().to_owned()),
        public_url: Some("https://fairdraw.test".to_owned()),
        workers: Some(false),
        // Tests deliver webhooks to receivers on 127.0.0.1 over plain HTTP.
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
    let app = TestApp {
        base,
        http: reqwest::Client::new(),
        engine,
        clock,
        backend,
        worker,
    };
    (
        app,
        Running {
            shutdown: tx,
            server: handle,
            _dir: dir,
            postgres,
        },
    )
}

impl Running {
    pub async fn stop(self) {
        let _ = self.shutdown.send(());
        let _ = self.server.await;
        if let Some(pg) = self.postgres {
            pg.drop_now().await;
        }
    }
}
