//! Configuration: defaults, then an optional TOML file, then `FAIRDRAW_*` environment variables,
//! then command-line flags. Each source is a [`ConfigLayer`] of optional values; later layers
//! win. Secrets are wrapped so they never print.

use fairdraw_core::secret::{Secret, redact_url};
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
pub const DEFAULT_DATA_DIR: &str = "./fairdraw-data";
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// The resolved configuration of one server instance.
#[derive(Clone)]
pub struct Config {
    pub bind: SocketAddr,
    pub database_url: Secret<String>,
    /// Base of every URL the API returns (view pages, embed code, verify links), no trailing `/`.
    pub public_url: String,
    pub data_dir: PathBuf,
    pub redis_url: Option<Secret<String>>,
    /// When set, `GET /metrics` asks for `Authorization: Bearer <this>`.
    pub metrics_token: Option<Secret<String>>,
    /// Request bodies above this size get 413.
    pub max_body_bytes: usize,
    pub log_format: LogFormat,
    /// The public entry endpoint's rules and limits.
    pub public: PublicConfig,
    /// The background workers that run queued jobs and the scheduler.
    pub workers: WorkerConfig,
    /// How the server reaches out: webhooks and e-mail.
    pub outbound: OutboundConfig,
    /// Limits on client connections (cap, head and body read timeouts).
    pub connections: crate::http::serve::ConnectionLimits,
    /// The comment draws of `/v1`: platform API addresses, waiting, prices.
    pub v1: V1Config,
    /// The public beacon draws may wait for (drand): default, chain, relays.
    pub beacon: crate::engine::beacon::BeaconConfig,
}

pub const DEFAULT_V1_SYNC_WAIT_MS: u64 = 25_000;
pub const DEFAULT_INSTAGRAM_GRAPH_URL: &str = "https://graph.facebook.com/v21.0";
pub const DEFAULT_YOUTUBE_API_URL: &str = "https://www.googleapis.com/youtube/v3";
pub const DEFAULT_TIKTOK_API_URL: &str = "https://open.tiktokapis.com";

/// Comment draws (`/v1/draws`).
#[derive(Clone, Debug)]
pub struct V1Config {
    /// How long `POST /v1/draws` works on a draw before answering 202 and leaving it to the queue.
    pub sync_wait_ms: u64,
    /// Base URLs of the platform APIs (tests point them at local stand-ins).
    pub instagram_graph_url: String,
    pub youtube_api_url: String,
    pub tiktok_api_url: String,
    /// Price of a completed draw per tier, in cents.
    pub price_standard_cents: i64,
    pub price_premium_cents: i64,
}

impl Default for V1Config {
    fn default() -> Self {
        V1Config {
            sync_wait_ms: DEFAULT_V1_SYNC_WAIT_MS,
            instagram_graph_url: DEFAULT_INSTAGRAM_GRAPH_URL.to_owned(),
            youtube_api_url: DEFAULT_YOUTUBE_API_URL.to_owned(),
            tiktok_api_url: DEFAULT_TIKTOK_API_URL.to_owned(),
            price_standard_cents: 299,
            price_premium_cents: 749,
        }
    }
}

pub const DEFAULT_WORKER_CONCURRENCY: u32 = 8;
/// How long a worker's claim on a job lasts before another may take it over.
pub const DEFAULT_WORKER_LEASE_SECS: u32 = 120;
pub const DEFAULT_MAIL_FROM: &str = "Fairdraw <no-reply@fairdraw.localhost>";

/// The instance's share of the background work.
#[derive(Clone, Debug)]
pub struct WorkerConfig {
    /// Whether this instance runs queued jobs and the scheduler (several instances may; turn it
    /// off for instances that should only answer requests).
    pub enabled: bool,
    /// Jobs run at once.
    pub concurrency: u32,
    /// How long a claim on a job lasts: a job left running by an instance that died is run
    /// again after this. One run is cut off well before (see `worker::job_timeout`).
    pub lease_secs: u32,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            enabled: true,
            concurrency: DEFAULT_WORKER_CONCURRENCY,
            lease_secs: DEFAULT_WORKER_LEASE_SECS,
        }
    }
}

/// Webhook and e-mail delivery.
#[derive(Clone, Debug)]
pub struct OutboundConfig {
    /// `smtp://`, `smtps://` (implicit TLS) or `smtp://…?tls=required` (STARTTLS) with optional
    /// `user:password@`; without it e-mails are written to the log and to `data_dir/outbox`.
    pub smtp_url: Option<Secret<String>>,
    /// The From of every e-mail unless a giveaway sets its sender name.
    pub mail_from: String,
    /// Lets outbound URLs (webhooks and every other URL the server calls) be plain `http://`
    /// and resolve to loopback, private, link-local or metadata addresses. For tests and
    /// closed networks only.
    pub allow_private: bool,
}

impl Default for OutboundConfig {
    fn default() -> Self {
        OutboundConfig {
            smtp_url: None,
            mail_from: DEFAULT_MAIL_FROM.to_owned(),
            allow_private: false,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

pub const DEFAULT_PUBLIC_IP_RPM: u32 = 60;
pub const DEFAULT_PUBLIC_GIVEAWAY_RPS: u32 = 2_000;

/// Settings of the public entry endpoint (`/api/public`).
#[derive(Clone, Debug)]
pub struct PublicConfig {
    /// A request header carrying the client's address, as `X-Forwarded-For` does. Believed only
    /// on connections from `trusted_proxies`: anywhere else each client would write its own
    /// address and walk past every per-IP rule.
    pub client_ip_header: Option<String>,
    /// A header in which a trusted edge proxy reports the client's country (e.g. `CF-IPCountry`),
    /// believed only on connections from `trusted_proxies`.
    pub country_header: Option<String>,
    /// The proxies (addresses or CIDR ranges) whose client-address and country headers are
    /// believed. None: the headers are ignored and the peer address is the client.
    pub trusted_proxies: Vec<fairdraw_core::lists::Cidr>,
    /// A MaxMind database (`.mmdb`) for the country when the header does not give one.
    pub geoip_db: Option<PathBuf>,
    /// Lists of VPN and proxy ranges for `block_vpns`: one CIDR range or address a line, `#`
    /// starts a comment.
    pub vpn_ranges: Vec<PathBuf>,
    /// The captcha provider that `require_captcha` giveaways check tokens with.
    pub captcha: Option<CaptchaConfig>,
    /// The captcha provider's public site key, which the hosted page's widget shows.
    pub captcha_site_key: Option<String>,
    /// Entry calls a minute from one address; 0 turns the limit off.
    pub ip_rpm: u32,
    /// Entry calls a second to one giveaway; 0 turns the limit off.
    pub giveaway_rps: u32,
    /// Photo contests: the largest photo upload, in bytes (default 10 MB).
    pub photo_max_bytes: usize,
    /// Photo contests: the most pixels (width × height) a photo may have.
    pub photo_max_pixels: u64,
}

impl Default for PublicConfig {
    fn default() -> Self {
        PublicConfig {
            client_ip_header: None,
            country_header: None,
            trusted_proxies: Vec::new(),
            geoip_db: None,
            vpn_ranges: Vec::new(),
            captcha: None,
            captcha_site_key: None,
            ip_rpm: DEFAULT_PUBLIC_IP_RPM,
            giveaway_rps: DEFAULT_PUBLIC_GIVEAWAY_RPS,
            photo_max_bytes: fairdraw_core::gallery::DEFAULT_MAX_BYTES,
            photo_max_pixels: fairdraw_core::gallery::DEFAULT_MAX_PIXELS,
        }
    }
}

#[derive(Clone, Debug)]
pub struct CaptchaConfig {
    pub provider: CaptchaProvider,
    pub secret: Secret<String>,
    /// Where tokens are verified: the provider's siteverify endpoint unless configured.
    pub verify_url: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CaptchaProvider {
    Hcaptcha,
    Turnstile,
    Recaptcha,
}

impl CaptchaProvider {
    fn parse(name: &str) -> Option<CaptchaProvider> {
        match name {
            "hcaptcha" => Some(CaptchaProvider::Hcaptcha),
            "turnstile" => Some(CaptchaProvider::Turnstile),
            "recaptcha" => Some(CaptchaProvider::Recaptcha),
            _ => None,
        }
    }

    /// The provider's official siteverify endpoint.
    pub fn verify_url(self) -> &'static str {
        match self {
            CaptchaProvider::Hcaptcha => "https://api.hcaptcha.com/siteverify",
            CaptchaProvider::Turnstile => "https://challenges.cloudflare.com/turnstile/v0/siteverify",
            CaptchaProvider::Recaptcha => "https://www.google.com/recaptcha/api/siteverify",
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("bind", &self.bind)
            .field("database_url", &redact_url(self.database_url.expose()))
            .field("public_url", &self.public_url)
            .field("data_dir", &self.data_dir)
            .field("redis_url", &self.redis_url.as_ref().map(|u| redact_url(u.expose())))
            .field("metrics_token", &self.metrics_token.as_ref().map(|_| "(set)"))
            .field("max_body_bytes", &self.max_body_bytes)
            .field("log_format", &self.log_format)
            .field("public", &self.public)
            .field("workers", &self.workers)
            .field("outbound", &self.outbound)
            .field("beacon", &self.beacon)
            .finish()
    }
}

/// One source of settings; every field optional.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigLayer {
    pub bind: Option<String>,
    pub database_url: Option<Secret<String>>,
    pub public_url: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub redis_url: Option<Secret<String>>,
    pub metrics_token: Option<Secret<String>>,
    pub max_body_bytes: Option<usize>,
    pub log_format: Option<LogFormat>,
    pub client_ip_header: Option<String>,
    pub country_header: Option<String>,
    pub trusted_proxies: Option<Vec<String>>,
    pub geoip_db: Option<PathBuf>,
    pub vpn_ranges: Option<Vec<PathBuf>>,
    pub captcha_provider: Option<CaptchaProvider>,
    pub captcha_secret: Option<Secret<String>>,
    pub captcha_verify_url: Option<String>,
    pub captcha_site_key: Option<String>,
    pub public_ip_rpm: Option<u32>,
    pub public_giveaway_rps: Option<u32>,
    pub workers: Option<bool>,
    pub worker_concurrency: Option<u32>,
    pub worker_lease_secs: Option<u32>,
    pub smtp_url: Option<Secret<String>>,
    pub mail_from: Option<String>,
    pub webhook_allow_private: Option<bool>,
    pub max_connections: Option<usize>,
    pub header_read_timeout_secs: Option<u64>,
    pub body_read_timeout_secs: Option<u64>,
    pub v1_sync_wait_ms: Option<u64>,
    pub instagram_graph_url: Option<String>,
    pub youtube_api_url: Option<String>,
    pub tiktok_api_url: Option<String>,
    pub price_standard_cents: Option<u32>,
    pub price_premium_cents: Option<u32>,
    pub photo_max_bytes: Option<usize>,
    pub photo_max_pixels: Option<u64>,
    /// `none` or `drand`: what a giveaway that does not say draws on.
    pub beacon_default: Option<fairdraw_core::beacon::BeaconKind>,
    /// drand relay base URLs, tried in order.
    pub drand_urls: Option<Vec<String>>,
    /// The drand chain (quicknet unless all are set): hash, public key, genesis, period.
    pub drand_chain_hash: Option<String>,
    pub drand_public_key: Option<String>,
    pub drand_genesis_time: Option<i64>,
    pub drand_period: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("invalid config file {path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("invalid value for {name}: {message}")]
    Invalid { name: &'static str, message: String },
}

impl ConfigLayer {
    pub fn from_file(path: &Path) -> Result<ConfigLayer, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: path.to_owned(),
            message: e.to_string(),
        })
    }

    /// Reads `FAIRDRAW_*` variables through `get`, so tests can pass their own environment.
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<ConfigLayer, ConfigError> {
        let get = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        Ok(ConfigLayer {
            bind: get("FAIRDRAW_BIND"),
            database_url: get("FAIRDRAW_DATABASE_URL").map(Secret::new),
            public_url: get("FAIRDRAW_PUBLIC_URL"),
            data_dir: get("FAIRDRAW_DATA_DIR").map(PathBuf::from),
            redis_url: get("FAIRDRAW_REDIS_URL").map(Secret::new),
            metrics_token: get("FAIRDRAW_METRICS_TOKEN").map(|t| Secret::new(t.trim().to_owned())),
            max_body_bytes: get("FAIRDRAW_MAX_BODY_BYTES")
                .map(|v| {
                    v.parse().map_err(|_| ConfigError::Invalid {
                        name: "FAIRDRAW_MAX_BODY_BYTES",
                        message: "expected a whole number of bytes".to_owned(),
                    })
                })
                .transpose()?,
            log_format: get("FAIRDRAW_LOG_FORMAT")
                .map(|v| match v.as_str() {
                    "text" => Ok(LogFormat::Text),
                    "json" => Ok(LogFormat::Json),
                    _ => Err(ConfigError::Invalid {
                        name: "FAIRDRAW_LOG_FORMAT",
                        message: "expected text or json".to_owned(),
                    }),
                })
                .transpose()?,
            client_ip_header: get("FAIRDRAW_CLIENT_IP_HEADER"),
            country_header: get("FAIRDRAW_COUNTRY_HEADER"),
            trusted_proxies: get("FAIRDRAW_TRUSTED_PROXIES").map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(str::to_owned)
                    .collect()
            }),
            geoip_db: get("FAIRDRAW_GEOIP_DB").map(PathBuf::from),
            vpn_ranges: get("FAIRDRAW_VPN_RANGES").map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(PathBuf::from)
                    .collect()
            }),
            captcha_provider: get("FAIRDRAW_CAPTCHA_PROVIDER")
                .map(|v| {
                    CaptchaProvider::parse(&v).ok_or_else(|| ConfigError::Invalid {
                        name: "FAIRDRAW_CAPTCHA_PROVIDER",
                        message: "expected hcaptcha, turnstile or recaptcha".to_owned(),
                    })
                })
                .transpose()?,
            captcha_secret: get("FAIRDRAW_CAPTCHA_SECRET").map(Secret::new),
            captcha_verify_url: get("FAIRDRAW_CAPTCHA_VERIFY_URL"),
            captcha_site_key: get("FAIRDRAW_CAPTCHA_SITE_KEY"),
            public_ip_rpm: get("FAIRDRAW_PUBLIC_IP_RPM")
                .map(|v| whole_number("FAIRDRAW_PUBLIC_IP_RPM", &v))
                .transpose()?,
            public_giveaway_rps: get("FAIRDRAW_PUBLIC_GIVEAWAY_RPS")
                .map(|v| whole_number("FAIRDRAW_PUBLIC_GIVEAWAY_RPS", &v))
                .transpose()?,
            workers: get("FAIRDRAW_WORKERS")
                .map(|v| boolean("FAIRDRAW_WORKERS", &v))
                .transpose()?,
            worker_concurrency: get("FAIRDRAW_WORKER_CONCURRENCY")
                .map(|v| whole_number("FAIRDRAW_WORKER_CONCURRENCY", &v))
                .transpose()?,
            worker_lease_secs: get("FAIRDRAW_WORKER_LEASE_SECS")
                .map(|v| whole_number("FAIRDRAW_WORKER_LEASE_SECS", &v))
                .transpose()?,
            smtp_url: get("FAIRDRAW_SMTP_URL").map(Secret::new),
            mail_from: get("FAIRDRAW_MAIL_FROM"),
            webhook_allow_private: get("FAIRDRAW_WEBHOOK_ALLOW_PRIVATE")
                .map(|v| boolean("FAIRDRAW_WEBHOOK_ALLOW_PRIVATE", &v))
                .transpose()?,
            max_connections: get("FAIRDRAW_MAX_CONNECTIONS")
                .map(|v| number("FAIRDRAW_MAX_CONNECTIONS", &v))
                .transpose()?,
            header_read_timeout_secs: get("FAIRDRAW_HEADER_READ_TIMEOUT_SECS")
                .map(|v| number("FAIRDRAW_HEADER_READ_TIMEOUT_SECS", &v))
                .transpose()?,
            body_read_timeout_secs: get("FAIRDRAW_BODY_READ_TIMEOUT_SECS")
                .map(|v| number("FAIRDRAW_BODY_READ_TIMEOUT_SECS", &v))
                .transpose()?,
            v1_sync_wait_ms: get("FAIRDRAW_V1_SYNC_WAIT_MS")
                .map(|v| whole_number("FAIRDRAW_V1_SYNC_WAIT_MS", &v).map(u64::from))
                .transpose()?,
            instagram_graph_url: get("FAIRDRAW_INSTAGRAM_GRAPH_URL"),
            youtube_api_url: get("FAIRDRAW_YOUTUBE_API_URL"),
            tiktok_api_url: get("FAIRDRAW_TIKTOK_API_URL"),
            price_standard_cents: get("FAIRDRAW_PRICE_STANDARD_CENTS")
                .map(|v| whole_number("FAIRDRAW_PRICE_STANDARD_CENTS", &v))
                .transpose()?,
            price_premium_cents: get("FAIRDRAW_PRICE_PREMIUM_CENTS")
                .map(|v| whole_number("FAIRDRAW_PRICE_PREMIUM_CENTS", &v))
                .transpose()?,
            photo_max_bytes: get("FAIRDRAW_PHOTO_MAX_BYTES")
                .map(|v| {
                    v.parse().map_err(|_| ConfigError::Invalid {
                        name: "FAIRDRAW_PHOTO_MAX_BYTES",
                        message: "expected a whole number of bytes".to_owned(),
                    })
                })
                .transpose()?,
            photo_max_pixels: get("FAIRDRAW_PHOTO_MAX_PIXELS")
                .map(|v| {
                    v.parse().map_err(|_| ConfigError::Invalid {
                        name: "FAIRDRAW_PHOTO_MAX_PIXELS",
                        message: "expected a whole number of pixels".to_owned(),
                    })
                })
                .transpose()?,
            beacon_default: get("FAIRDRAW_BEACON_DEFAULT")
                .map(|v| {
                    fairdraw_core::beacon::BeaconKind::parse(&v).ok_or_else(|| ConfigError::Invalid {
                        name: "FAIRDRAW_BEACON_DEFAULT",
                        message: "expected none or drand".to_owned(),
                    })
                })
                .transpose()?,
            drand_urls: get("FAIRDRAW_DRAND_URLS").map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|u| !u.is_empty())
                    .map(str::to_owned)
                    .collect()
            }),
            drand_chain_hash: get("FAIRDRAW_DRAND_CHAIN_HASH"),
            drand_public_key: get("FAIRDRAW_DRAND_PUBLIC_KEY"),
            drand_genesis_time: get("FAIRDRAW_DRAND_GENESIS_TIME")
                .map(|v| number("FAIRDRAW_DRAND_GENESIS_TIME", &v))
                .transpose()?,
            drand_period: get("FAIRDRAW_DRAND_PERIOD")
                .map(|v| number("FAIRDRAW_DRAND_PERIOD", &v))
                .transpose()?,
        })
    }

    /// `other`'s values replace this layer's where set.
    pub fn merge(self, other: ConfigLayer) -> ConfigLayer {
        ConfigLayer {
            bind: other.bind.or(self.bind),
            database_url: other.database_url.or(self.database_url),
            public_url: other.public_url.or(self.public_url),
            data_dir: other.data_dir.or(self.data_dir),
            redis_url: other.redis_url.or(self.redis_url),
            metrics_token: other.metrics_token.or(self.metrics_token),
            max_body_bytes: other.max_body_bytes.or(self.max_body_bytes),
            log_format: other.log_format.or(self.log_format),
            client_ip_header: other.client_ip_header.or(self.client_ip_header),
            country_header: other.country_header.or(self.country_header),
            trusted_proxies: other.trusted_proxies.or(self.trusted_proxies),
            geoip_db: other.geoip_db.or(self.geoip_db),
            vpn_ranges: other.vpn_ranges.or(self.vpn_ranges),
            captcha_provider: other.captcha_provider.or(self.captcha_provider),
            captcha_secret: other.captcha_secret.or(self.captcha_secret),
            captcha_verify_url: other.captcha_verify_url.or(self.captcha_verify_url),
            captcha_site_key: other.captcha_site_key.or(self.captcha_site_key),
            public_ip_rpm: other.public_ip_rpm.or(self.public_ip_rpm),
            public_giveaway_rps: other.public_giveaway_rps.or(self.public_giveaway_rps),
            workers: other.workers.or(self.workers),
            worker_concurrency: other.worker_concurrency.or(self.worker_concurrency),
            worker_lease_secs: other.worker_lease_secs.or(self.worker_lease_secs),
            smtp_url: other.smtp_url.or(self.smtp_url),
            mail_from: other.mail_from.or(self.mail_from),
            webhook_allow_private: other.webhook_allow_private.or(self.webhook_allow_private),
            max_connections: other.max_connections.or(self.max_connections),
            header_read_timeout_secs: other.header_read_timeout_secs.or(self.header_read_timeout_secs),
            body_read_timeout_secs: other.body_read_timeout_secs.or(self.body_read_timeout_secs),
            v1_sync_wait_ms: other.v1_sync_wait_ms.or(self.v1_sync_wait_ms),
            instagram_graph_url: other.instagram_graph_url.or(self.instagram_graph_url),
            youtube_api_url: other.youtube_api_url.or(self.youtube_api_url),
            tiktok_api_url: other.tiktok_api_url.or(self.tiktok_api_url),
            price_standard_cents: other.price_standard_cents.or(self.price_standard_cents),
            price_premium_cents: other.price_premium_cents.or(self.price_premium_cents),
            photo_max_bytes: other.photo_max_bytes.or(self.photo_max_bytes),
            photo_max_pixels: other.photo_max_pixels.or(self.photo_max_pixels),
            beacon_default: other.beacon_default.or(self.beacon_default),
            drand_urls: other.drand_urls.or(self.drand_urls),
            drand_chain_hash: other.drand_chain_hash.or(self.drand_chain_hash),
            drand_public_key: other.drand_public_key.or(self.drand_public_key),
            drand_genesis_time: other.drand_genesis_time.or(self.drand_genesis_time),
            drand_period: other.drand_period.or(self.drand_period),
        }
    }

    /// Fills in the defaults and checks the values.
    pub fn resolve(self) -> Result<Config, ConfigError> {
        let bind_text = self.bind.unwrap_or_else(|| DEFAULT_BIND.to_owned());
        let bind: SocketAddr = bind_text.parse().map_err(|_| ConfigError::Invalid {
            name: "bind",
            message: format!("{bind_text:?} is not an address like 127.0.0.1:8080"),
        })?;
        let data_dir = self.data_dir.unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        let database_url = match self.database_url {
            Some(url) => url,
            None => Secret::new(format!("sqlite://{}?mode=rwc", data_dir.join("fairdraw.db").display())),
        };
        let public_url = self
            .public_url
            .unwrap_or_else(|| format!("http://{bind}"))
            .trim_end_matches('/')
            .to_owned();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(ConfigError::Invalid {
                name: "public_url",
                message: "must start with http:// or https://".to_owned(),
            });
        }
        let max_body_bytes = self.max_body_bytes.unwrap_or(DEFAULT_MAX_BODY_BYTES);
        if max_body_bytes < 1024 {
            return Err(ConfigError::Invalid {
                name: "max_body_bytes",
                message: "must be at least 1024".to_owned(),
            });
        }
        let public = PublicConfig {
            client_ip_header: header_name("client_ip_header", self.client_ip_header)?,
            country_header: header_name("country_header", self.country_header)?,
            trusted_proxies: proxies(self.trusted_proxies.unwrap_or_default())?,
            geoip_db: self.geoip_db,
            vpn_ranges: self.vpn_ranges.unwrap_or_default(),
            captcha: captcha(self.captcha_provider, self.captcha_secret, self.captcha_verify_url)?,
            captcha_site_key: self.captcha_site_key.filter(|k| !k.trim().is_empty()),
            ip_rpm: self.public_ip_rpm.unwrap_or(DEFAULT_PUBLIC_IP_RPM),
            giveaway_rps: self.public_giveaway_rps.unwrap_or(DEFAULT_PUBLIC_GIVEAWAY_RPS),
            photo_max_bytes: self
                .photo_max_bytes
                .unwrap_or(fairdraw_core::gallery::DEFAULT_MAX_BYTES)
                .max(1024),
            photo_max_pixels: self
                .photo_max_pixels
                .unwrap_or(fairdraw_core::gallery::DEFAULT_MAX_PIXELS)
                .max(1),
        };
        let workers = WorkerConfig {
            enabled: self.workers.unwrap_or(true),
            concurrency: self
                .worker_concurrency
                .unwrap_or(DEFAULT_WORKER_CONCURRENCY)
                .clamp(1, 256),
            lease_secs: self.worker_lease_secs.unwrap_or(DEFAULT_WORKER_LEASE_SECS),
        };
        if workers.lease_secs < 2 {
            return Err(ConfigError::Invalid {
                name: "worker_lease_secs",
                message: "must be at least 2 seconds".to_owned(),
            });
        }
        let smtp_url = self.smtp_url.filter(|u| !u.expose().trim().is_empty());
        if let Some(url) = &smtp_url
            && !(url.expose().starts_with("smtp://") || url.expose().starts_with("smtps://"))
        {
            return Err(ConfigError::Invalid {
                name: "smtp_url",
                message: "must start with smtp:// or smtps://".to_owned(),
            });
        }
        let outbound = OutboundConfig {
            smtp_url,
            mail_from: self.mail_from.unwrap_or_else(|| DEFAULT_MAIL_FROM.to_owned()),
            allow_private: self.webhook_allow_private.unwrap_or(false),
        };
        let connections = connection_limits(
            self.max_connections,
            self.header_read_timeout_secs,
            self.body_read_timeout_secs,
        )?;
        let v1 = v1_config(
            self.v1_sync_wait_ms,
            [self.instagram_graph_url, self.youtube_api_url, self.tiktok_api_url],
            self.price_standard_cents,
            self.price_premium_cents,
        )?;
        let beacon = beacon_config(
            self.beacon_default,
            self.drand_urls,
            (
                self.drand_chain_hash,
                self.drand_public_key,
                self.drand_genesis_time,
                self.drand_period,
            ),
        )?;
        Ok(Config {
            beacon,
            connections,
            v1,
            bind,
            database_url,
            public_url,
            data_dir,
            redis_url: self.redis_url,
            metrics_token: self.metrics_token,
            max_body_bytes,
            log_format: self.log_format.unwrap_or(LogFormat::Text),
            public,
            workers,
            outbound,
        })
    }
}

/// The beacon settings: quicknet and drand's public relays unless configured. A configured
/// chain replaces quicknet's values one by one and is checked whole.
fn beacon_config(
    default: Option<fairdraw_core::beacon::BeaconKind>,
    urls: Option<Vec<String>>,
    (hash, key, genesis, period): (Option<String>, Option<String>, Option<i64>, Option<i64>),
) -> Result<crate::engine::beacon::BeaconConfig, ConfigError> {
    let mut config = crate::engine::beacon::BeaconConfig::default();
    if let Some(kind) = default {
        config.default = kind;
    }
    if let Some(urls) = urls {
        if urls.is_empty() {
            return Err(ConfigError::Invalid {
                name: "drand_urls",
                message: "give at least one relay URL".to_owned(),
            });
        }
        if let Some(bad) = urls
            .iter()
            .find(|u| !(u.starts_with("http://") || u.starts_with("https://")))
        {
            return Err(ConfigError::Invalid {
                name: "drand_urls",
                message: format!("{bad:?} does not start with http:// or https://"),
            });
        }
        config.relays = urls;
    }
    let chain = &mut config.chain;
    if let Some(h) = hash {
        chain.chain_hash = h.trim().to_ascii_lowercase();
    }
    if let Some(k) = key {
        chain.public_key = k.trim().to_ascii_lowercase();
    }
    if let Some(g) = genesis {
        chain.genesis_time = g;
    }
    if let Some(p) = period {
        chain.period = p;
    }
    chain.validate().map_err(|message| ConfigError::Invalid {
        name: "drand chain",
        message,
    })?;
    Ok(config)
}

/// A whole number from the environment.
fn number<T: std::str::FromStr>(name: &'static str, value: &str) -> Result<T, ConfigError> {
    value.trim().parse().map_err(|_| ConfigError::Invalid {
        name,
        message: "expected a whole number".to_owned(),
    })
}

fn connection_limits(
    max: Option<usize>,
    header_secs: Option<u64>,
    body_secs: Option<u64>,
) -> Result<crate::http::serve::ConnectionLimits, ConfigError> {
    use crate::http::serve::ConnectionLimits;
    let d = ConnectionLimits::default();
    let secs = |name: &'static str, v: Option<u64>, default: std::time::Duration| match v {
        None => Ok(default),
        Some(0) => Err(ConfigError::Invalid {
            name,
            message: "must be at least 1 second".to_owned(),
        }),
        Some(s) => Ok(std::time::Duration::from_secs(s)),
    };
    let max_connections = max.unwrap_or(d.max_connections);
    if max_connections == 0 {
        return Err(ConfigError::Invalid {
            name: "max_connections",
            message: "must be at least 1".to_owned(),
        });
    }
    Ok(ConnectionLimits {
        max_connections,
        header_read_timeout: secs("header_read_timeout_secs", header_secs, d.header_read_timeout)?,
        body_read_timeout: secs("body_read_timeout_secs", body_secs, d.body_read_timeout)?,
    })
}

fn v1_config(
    sync_wait_ms: Option<u64>,
    [instagram, youtube, tiktok]: [Option<String>; 3],
    standard: Option<u32>,
    premium: Option<u32>,
) -> Result<V1Config, ConfigError> {
    let d = V1Config::default();
    let base = |name: &'static str, v: Option<String>, default: String| -> Result<String, ConfigError> {
        let v = v.unwrap_or(default).trim().trim_end_matches('/').to_owned();
        if v.starts_with("https://") || v.starts_with("http://") {
            Ok(v)
        } else {
            Err(ConfigError::Invalid {
                name,
                message: "must start with http:// or https://".to_owned(),
            })
        }
    };
    Ok(V1Config {
        sync_wait_ms: sync_wait_ms.unwrap_or(d.sync_wait_ms),
        instagram_graph_url: base("instagram_graph_url", instagram, d.instagram_graph_url)?,
        youtube_api_url: base("youtube_api_url", youtube, d.youtube_api_url)?,
        tiktok_api_url: base("tiktok_api_url", tiktok, d.tiktok_api_url)?,
        price_standard_cents: standard.map_or(d.price_standard_cents, i64::from),
        price_premium_cents: premium.map_or(d.price_premium_cents, i64::from),
    })
}

fn whole_number(name: &'static str, value: &str) -> Result<u32, ConfigError> {
    value.parse().map_err(|_| ConfigError::Invalid {
        name,
        message: "expected a whole number (0 turns the limit off)".to_owned(),
    })
}

fn boolean(name: &'static str, value: &str) -> Result<bool, ConfigError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(ConfigError::Invalid {
            name,
            message: "expected true or false".to_owned(),
        }),
    }
}

/// A header name as configured, checked and lower-cased (how `http` compares names).
fn header_name(name: &'static str, value: Option<String>) -> Result<Option<String>, ConfigError> {
    value
        .map(|v| match axum::http::HeaderName::from_bytes(v.trim().as_bytes()) {
            Ok(h) => Ok(h.as_str().to_owned()),
            Err(_) => Err(ConfigError::Invalid {
                name,
                message: format!("{v:?} is not an HTTP header name"),
            }),
        })
        .transpose()
}

/// Trusted proxies: CIDR ranges, or single addresses (a range of one).
fn proxies(raw: Vec<String>) -> Result<Vec<fairdraw_core::lists::Cidr>, ConfigError> {
    use fairdraw_core::lists::Cidr;
    raw.iter()
        .map(|v| {
            let v = v.trim();
            let single = v.parse::<std::net::IpAddr>().ok().map(|ip| match ip {
                std::net::IpAddr::V4(_) => format!("{ip}/32"),
                std::net::IpAddr::V6(_) => format!("{ip}/128"),
            });
            Cidr::parse(single.as_deref().unwrap_or(v)).ok_or_else(|| ConfigError::Invalid {
                name: "trusted_proxies",
                message: format!("{v:?} is not an address or a CIDR range"),
            })
        })
        .collect()
}

/// A provider needs its secret, and a secret or URL needs a provider to mean anything.
fn captcha(
    provider: Option<CaptchaProvider>,
    secret: Option<Secret<String>>,
    verify_url: Option<String>,
) -> Result<Option<CaptchaConfig>, ConfigError> {
    let Some(provider) = provider else {
        if secret.is_some() || verify_url.is_some() {
            return Err(ConfigError::Invalid {
                name: "captcha_provider",
                message: "set it (hcaptcha, turnstile or recaptcha) along with captcha_secret".to_owned(),
            });
        }
        return Ok(None);
    };
    let Some(secret) = secret.filter(|s| !s.expose().is_empty()) else {
        return Err(ConfigError::Invalid {
            name: "captcha_secret",
            message: "a captcha provider needs its secret key".to_owned(),
        });
    };
    let verify_url = verify_url.unwrap_or_else(|| provider.verify_url().to_owned());
    if !(verify_url.starts_with("https://") || verify_url.starts_with("http://")) {
        return Err(ConfigError::Invalid {
            name: "captcha_verify_url",
            message: "must start with http:// or https://".to_owned(),
        });
    }
    Ok(Some(CaptchaConfig {
        provider,
        secret,
        verify_url,
    }))
}

impl Config {
    /// Defaults ← file ← environment ← flags.
    pub fn load(
        file: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
        flags: ConfigLayer,
    ) -> Result<Config, ConfigError> {
        let mut layer = ConfigLayer::default();
        if let Some(path) = file {
            layer = layer.merge(ConfigLayer::from_file(path)?);
        }
        layer.merge(ConfigLayer::from_env(env)?).merge(flags).resolve()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn defaults() {
        let c = Config::load(None, env(&[]), ConfigLayer::default()).unwrap();
        assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(c.public_url, "http://127.0.0.1:8080");
        assert_eq!(c.database_url.expose(), "sqlite://./fairdraw-data/fairdraw.db?mode=rwc");
        assert_eq!(c.max_body_bytes, DEFAULT_MAX_BODY_BYTES);
    }

    #[test]
    fn file_then_env_then_flags() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.toml");
        std::fs::write(
            &path,
            "bind = \"127.0.0.1:1\"\npublic_url = \"https://file.example/\"\ndata_dir = \"/tmp/file\"\n",
        )
        .unwrap();
        let flags = ConfigLayer {
            bind: Some("127.0.0.1:3".into()),
            ..Default::default()
        };
        let c = Config::load(
            Some(&path),
            env(&[
                ("FAIRDRAW_BIND", "127.0.0.1:2"),
                ("FAIRDRAW_PUBLIC_URL", "https://env.example"),
            ]),
            flags,
        )
        .unwrap();
        assert_eq!(c.bind.port(), 3);
        assert_eq!(c.public_url, "https://env.example");
        assert_eq!(c.data_dir, PathBuf::from("/tmp/file"));
    }

    #[test]
    fn bad_values_are_clear_errors() {
        let e = Config::load(None, env(&[("FAIRDRAW_BIND", "nope")]), ConfigLayer::default());
        assert!(e.unwrap_err().to_string().contains("bind"));
        let e = Config::load(None, env(&[("FAIRDRAW_MAX_BODY_BYTES", "x")]), ConfigLayer::default());
        assert!(e.unwrap_err().to_string().contains("FAIRDRAW_MAX_BODY_BYTES"));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.toml");
        std::fs::write(&path, "bindd = 1\n").unwrap();
        assert!(Config::load(Some(&path), env(&[]), ConfigLayer::default()).is_err());
    }

    #[test]
    fn worker_lease_is_configurable_but_not_too_short() {
        let c = Config::load(None, env(&[]), ConfigLayer::default()).unwrap();
        assert_eq!(c.workers.lease_secs, DEFAULT_WORKER_LEASE_SECS);
        let c = Config::load(
            None,
            env(&[("FAIRDRAW_WORKER_LEASE_SECS", "9")]),
            ConfigLayer::default(),
        )
        .unwrap();
        assert_eq!(c.workers.lease_secs, 9);
        let e = Config::load(
            None,
            env(&[("FAIRDRAW_WORKER_LEASE_SECS", "1")]),
            ConfigLayer::default(),
        );
        assert!(e.unwrap_err().to_string().contains("worker_lease_secs"));
        let e = Config::load(
            None,
            env(&[("FAIRDRAW_WORKER_LEASE_SECS", "soon")]),
            ConfigLayer::default(),
        );
        assert!(e.unwrap_err().to_string().contains("FAIRDRAW_WORKER_LEASE_SECS"));
    }

    #[test]
    fn debug_hides_credentials() {
        let c = Config::load(
            None,
            env(&[
                ("FAIRDRAW_DATABASE_URL", "postgres://u:secretpw@h/db"),
                ("FAIRDRAW_REDIS_URL", "redis://:redispw@h:6379"),
            ]),
            ConfigLayer::default(),
        )
        .unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains("secretpw") && !shown.contains("redispw"), "{shown}");
    }

    #[test]
    fn public_entry_settings() {
        let c = Config::load(None, env(&[]), ConfigLayer::default()).unwrap();
        assert_eq!((c.public.ip_rpm, c.public.giveaway_rps), (60, 2_000));
        assert!(c.public.captcha.is_none() && c.public.vpn_ranges.is_empty());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.toml");
        std::fs::write(
            &path,
            "country_header = \"CF-IPCountry\"\nvpn_ranges = [\"/etc/a.txt\"]\ncaptcha_provider = \"turnstile\"\n\
             captcha_secret = \"topsecret\"\npublic_ip_rpm = 0\n",
        )
        .unwrap();
        let c = Config::load(
            Some(&path),
            env(&[
                ("FAIRDRAW_CLIENT_IP_HEADER", "X-Forwarded-For"),
                ("FAIRDRAW_VPN_RANGES", "/etc/b.txt, /etc/c.txt"),
                ("FAIRDRAW_PUBLIC_GIVEAWAY_RPS", "50000"),
                ("FAIRDRAW_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8,::1"),
            ]),
            ConfigLayer::default(),
        )
        .unwrap();
        let proxies: Vec<String> = c.public.trusted_proxies.iter().map(ToString::to_string).collect();
        assert_eq!(proxies, ["127.0.0.1/32", "10.0.0.0/8", "::1/128"]);
        assert_eq!(c.public.client_ip_header.as_deref(), Some("x-forwarded-for"));
        assert_eq!(c.public.country_header.as_deref(), Some("cf-ipcountry"));
        assert_eq!(
            c.public.vpn_ranges,
            [PathBuf::from("/etc/b.txt"), PathBuf::from("/etc/c.txt")]
        );
        assert_eq!((c.public.ip_rpm, c.public.giveaway_rps), (0, 50_000));
        let captcha = c.public.captcha.as_ref().unwrap();
        assert_eq!(captcha.provider, CaptchaProvider::Turnstile);
        assert_eq!(
            captcha.verify_url,
            "https://challenges.cloudflare.com/turnstile/v0/siteverify"
        );
        assert_eq!(captcha.secret.expose(), "topsecret");
        assert!(!format!("{c:?}").contains("topsecret"));
    }

    #[test]
    fn public_entry_settings_are_checked() {
        let bad = |pairs: &[(&str, &str)], name: &str| {
            let e = Config::load(None, env(pairs), ConfigLayer::default()).unwrap_err();
            assert!(e.to_string().contains(name), "{e}");
        };
        bad(&[("FAIRDRAW_CAPTCHA_PROVIDER", "hcaptcha")], "captcha_secret");
        bad(&[("FAIRDRAW_CAPTCHA_SECRET", "s")], "captcha_provider");
        bad(&[("FAIRDRAW_CAPTCHA_PROVIDER", "nope")], "FAIRDRAW_CAPTCHA_PROVIDER");
        bad(
            &[
                ("FAIRDRAW_CAPTCHA_PROVIDER", "recaptcha"),
                ("FAIRDRAW_CAPTCHA_SECRET", "s"),
                ("FAIRDRAW_CAPTCHA_VERIFY_URL", "ftp://x"),
            ],
            "captcha_verify_url",
        );
        bad(&[("FAIRDRAW_CLIENT_IP_HEADER", "bad header")], "client_ip_header");
        bad(&[("FAIRDRAW_TRUSTED_PROXIES", "10.0.0.0/33")], "trusted_proxies");
        bad(&[("FAIRDRAW_TRUSTED_PROXIES", "proxy.example")], "trusted_proxies");
        bad(&[("FAIRDRAW_PUBLIC_IP_RPM", "-1")], "FAIRDRAW_PUBLIC_IP_RPM");
        let c = Config::load(
            None,
            env(&[
                ("FAIRDRAW_CAPTCHA_PROVIDER", "hcaptcha"),
                ("FAIRDRAW_CAPTCHA_SECRET", "s"),
                ("FAIRDRAW_CAPTCHA_VERIFY_URL", "http://127.0.0.1:9/verify"),
            ]),
            ConfigLayer::default(),
        )
        .unwrap();
        assert_eq!(c.public.captcha.unwrap().verify_url, "http://127.0.0.1:9/verify");
    }
}
