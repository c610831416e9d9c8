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
    /// Request bodies above this size get 413.
    pub max_body_bytes: usize,
    pub log_format: LogFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("bind", &self.bind)
            .field("database_url", &redact_url(self.database_url.expose()))
            .field("public_url", &self.public_url)
            .field("data_dir", &self.data_dir)
            .field("redis_url", &self.redis_url.as_ref().map(|u| redact_url(u.expose())))
            .field("max_body_bytes", &self.max_body_bytes)
            .field("log_format", &self.log_format)
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
    pub max_body_bytes: Option<usize>,
    pub log_format: Option<LogFormat>,
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
            max_body_bytes: other.max_body_bytes.or(self.max_body_bytes),
            log_format: other.log_format.or(self.log_format),
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
        Ok(Config {
            bind,
            database_url,
            public_url,
            data_dir,
            redis_url: self.redis_url,
            max_body_bytes,
            log_format: self.log_format.unwrap_or(LogFormat::Text),
        })
    }
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
}
