//! Building the application: storage, engine, routes, listener. `main` only parses flags and
//! calls [`Server::build`]; tests build the same server on port 0.

use crate::config::Config;
use crate::engine::{Clock, Engine};
use crate::openapi::ApiDoc;
use crate::outbound::Outbound;
use crate::surfaces::{external, hosted, ops, pages, public, v1, v2};
use crate::worker::Worker;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use fairdraw_core::draw::ServerKey;
use fairdraw_store::Db;
use fairdraw_store::ratelimit::RateLimiter;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::RequestBodyTimeoutLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    pub engine: Engine,
    pub config: Arc<Config>,
    /// Webhook and e-mail delivery.
    pub outbound: Arc<Outbound>,
    /// The platforms' comment APIs (comment draws on `/v1`).
    pub connectors: Arc<crate::connectors::Connectors>,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("signing key {path}: {message}")]
    SigningKey { path: String, message: String },
    #[error("storage: {0}")]
    Store(#[from] fairdraw_store::StoreError),
    #[error("cannot create data directory {path}: {source}")]
    DataDir { path: String, source: std::io::Error },
    #[error("outbound delivery: {0}")]
    Outbound(String),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
}

pub use crate::tls::install_tls_provider;

/// Connects to the database, runs migrations and sets up the rate-limit store.
pub async fn open_engine(config: &Config, clock: Clock) -> Result<Engine, StartError> {
    install_tls_provider();
    let url = config.database_url.expose();
    if url.starts_with("sqlite:") {
        std::fs::create_dir_all(&config.data_dir).map_err(|source| StartError::DataDir {
            path: config.data_dir.display().to_string(),
            source,
        })?;
    }
    let db = Db::connect(url).await?;
    db.migrate().await?;
    let limiter = match &config.redis_url {
        Some(url) => RateLimiter::redis(url.expose()).await?,
        None => RateLimiter::Database(db.clone()),
    };
    let signing_key = load_or_create_signing_key(&config.data_dir)?;
    let engine = Engine::new(db, limiter, clock, signing_key);
    // Winners who must claim: the key of claim links and sealed answers.
    let claim_secret =
        crate::engine::claims::load_or_create_claim_secret(&config.data_dir).map_err(|e| StartError::SigningKey {
            path: config
                .data_dir
                .join(crate::engine::claims::CLAIM_KEY_FILE)
                .display()
                .to_string(),
            message: e.to_string(),
        })?;
    engine.set_claim_keys(crate::engine::claims::ClaimKeys::new(&claim_secret, &config.public_url));
    engine.set_beacon(
        config.beacon.clone(),
        Arc::new(crate::outbound::drand::DrandHttp::new()),
    );
    Ok(engine)
}

/// The file in the data dir that holds the instance's Ed25519 draw-signing key (its 32-byte
/// seed, hex). Created on first start; several instances must share the same file (or data dir)
/// to sign with one key.
pub const SIGNING_KEY_FILE: &str = "draw-signing.key";

/// Reads the instance's draw-signing key, creating it on first start.
pub fn load_or_create_signing_key(data_dir: &std::path::Path) -> Result<ServerKey, StartError> {
    let path = data_dir.join(SIGNING_KEY_FILE);
    let fail = |message: String| StartError::SigningKey {
        path: path.display().to_string(),
        message,
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let bytes = hex::decode(text.trim()).map_err(|e| fail(format!("not hex: {e}")))?;
            let seed: [u8; 32] = bytes.try_into().map_err(|_| fail("expected 32 bytes".to_owned()))?;
            Ok(ServerKey::from_seed(&seed))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(data_dir).map_err(|e| fail(e.to_string()))?;
            let seed: [u8; 32] = crate::engine::random_bytes();
            write_private(&path, hex::encode(seed).as_bytes()).map_err(|e| fail(e.to_string()))?;
            tracing::info!(path = %path.display(), "created the draw-signing key");
            Ok(ServerKey::from_seed(&seed))
        }
        Err(e) => Err(fail(e.to_string())),
    }
}

/// Writes a file only its owner can read (a new file; an existing one is never replaced).
fn write_private(path: &std::path::Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(contents)
}

/// Every route of the product, with the OpenAPI document built from the same registrations.
pub fn router(state: AppState) -> Router {
    let (api, openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest("/v2", v2::router(state.clone()))
        .nest("/api/public", public::router(state.clone()))
        .nest("/v1", v1::router(state.clone()))
        .merge(hosted::router())
        .nest("/external", external::router(state.clone()))
        .merge(external::public_router())
        .split_for_parts();
    let max_body = state.config.max_body_bytes;
    Router::new()
        .merge(api)
        .merge(pages::router())
        .merge(SwaggerUi::new("/docs").url("/openapi.json", openapi))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .fallback(ops::not_found)
        .method_not_allowed_fallback(v2::response::method_not_allowed)
        .layer(DefaultBodyLimit::max(max_body))
        .layer(RequestBodyTimeoutLayer::new(state.config.connections.body_read_timeout))
        .layer(CatchPanicLayer::custom(|_| {
            tracing::error!("handler panicked");
            v2::response::error_response(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "Internal server error.",
                None,
            )
        }))
        .layer(axum::middleware::from_fn_with_state(
            crate::surfaces::error_for_path as crate::http::ErrorStyle,
            crate::http::nul::refuse_in_uri,
        ))
        .layer(axum::middleware::from_fn(crate::http::headers::defaults))
        .layer(axum::middleware::from_fn(crate::http::request_id::assign))
        .with_state(state)
}

/// A bound, ready-to-run server.
pub struct Server {
    listener: TcpListener,
    state: AppState,
}

impl Server {
    pub async fn build(config: Config) -> Result<Server, StartError> {
        Self::build_with_clock(config, Clock::system()).await
    }

    pub async fn build_with_clock(config: Config, clock: Clock) -> Result<Server, StartError> {
        // The metrics recorder, before anything is counted (`GET /metrics` renders it).
        crate::telemetry::handle();
        let engine = open_engine(&config, clock).await?;
        if let Some(captcha) = &config.public.captcha {
            engine.set_captcha_verifier(Arc::new(crate::outbound::captcha::SiteVerify::new(captcha.clone())));
        }
        let outbound = Outbound::from_config(&config).map_err(StartError::Outbound)?;
        let connectors = crate::connectors::Connectors::new(&config.v1).map_err(StartError::Outbound)?;
        let addr = config.bind;
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| StartError::Bind { addr, source })?;
        Ok(Server {
            listener,
            state: AppState {
                engine,
                config: Arc::new(config),
                outbound: Arc::new(outbound),
                connectors: Arc::new(connectors),
            },
        })
    }

    /// The bound address (the real port when the config asked for port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// A job runner over this server's state (whether or not [`Server::run`] starts one).
    pub fn worker(&self) -> Worker {
        Worker::new(self.state.clone())
    }

    /// Serves until `shutdown` completes, then lets in-flight requests finish; the worker (when
    /// enabled) then finishes or gives back its running jobs.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        let housekeeping = tokio::spawn(housekeeping(self.state.engine.clone()));
        let checkpoints = tokio::spawn(checkpoints(self.state.engine.clone()));
        let (stop_worker, stop_rx) = tokio::sync::watch::channel(false);
        let worker = self
            .state
            .config
            .workers
            .enabled
            .then(|| tokio::spawn(Worker::new(self.state.clone()).run(stop_rx)));
        let app = router(self.state.clone());
        let result = crate::http::serve::serve(self.listener, app, self.state.config.connections, shutdown).await;
        let _ = stop_worker.send(true);
        if let Some(worker) = worker {
            let _ = worker.await;
        }
        housekeeping.abort();
        checkpoints.abort();
        result
    }
}

async fn housekeeping(engine: Engine) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tick.tick().await;
        if let Err(e) = engine.housekeeping().await {
            tracing::warn!(error = %e, "housekeeping failed");
        }
    }
}

/// Keeps SQLite's write-ahead log short from beside the entry writer (see `Db::checkpoint`).
async fn checkpoints(engine: Engine) {
    if engine.db().backend() != fairdraw_store::Backend::Sqlite {
        return;
    }
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = engine.db().checkpoint().await {
            tracing::warn!(error = %e, "checkpoint failed");
        }
    }
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
