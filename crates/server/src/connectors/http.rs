//! The HTTP side every connector shares: one reqwest client with timeouts, and GET/POST of
//! JSON with retries on 429 and 5xx (honouring `Retry-After`) and on connection failures.
//! Other answers are returned for the connector to explain in its platform's terms.

use crate::engine::comment_draws::{FetchError, Platform};
use serde_json::Value;
use std::time::Duration;

/// One request, connection included.
pub const TIMEOUT: Duration = Duration::from_secs(20);
/// Tries of one request before the platform is reported as failing.
pub const ATTEMPTS: u32 = 4;
/// The longest `Retry-After` honoured; a platform asking for more fails the request (the
/// queue tries the draw again later).
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

#[derive(Debug, Clone)]
pub struct Http {
    client: reqwest::Client,
    /// The first retry's pause; doubled each time.
    backoff: Duration,
}

/// A platform's answer that was not a success.
#[derive(Debug)]
pub struct Refusal {
    pub status: u16,
    pub body: Value,
}

impl Http {
    pub fn new() -> Result<Http, String> {
        crate::tls::install_tls_provider();
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(Duration::from_secs(10))
            .user_agent("Fairdraw-Connectors/1")
            .build()
            .map_err(|e| format!("connector HTTP client: {e}"))?;
        Ok(Http {
            client,
            backoff: Duration::from_millis(500),
        })
    }

    /// Sends what `make` builds until it succeeds, is refused for good, or runs out of tries.
    /// `Ok(Err(refusal))`: the platform answered with a status that retrying will not change.
    pub async fn json(
        &self,
        platform: Platform,
        make: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<Result<Value, Refusal>, FetchError> {
        let mut last = String::new();
        for attempt in 0..ATTEMPTS {
            let wait = match make(&self.client).send().await {
                Ok(resp) => {
                    let status = resp.status();
                    let retry_after = resp
                        .headers()
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(Duration::from_secs);
                    let body: Value = resp.json().await.unwrap_or(Value::Null);
                    if status.is_success() {
                        return Ok(Ok(body));
                    }
                    if status.as_u16() != 429 && !status.is_server_error() {
                        return Ok(Err(Refusal {
                            status: status.as_u16(),
                            body,
                        }));
                    }
                    last = format!("HTTP {}", status.as_u16());
                    match retry_after {
                        Some(d) if d > MAX_RETRY_AFTER => {
                            return Err(FetchError {
                                platform,
                                permanent: false,
                                message: format!(
                                    "the API is rate limiting this account and asks to wait {} s; the draw is retried later",
                                    d.as_secs()
                                ),
                            });
                        }
                        Some(d) => d,
                        None => self.backoff * 2u32.pow(attempt),
                    }
                }
                Err(e) => {
                    last = if e.is_timeout() {
                        format!("no answer within {} s", TIMEOUT.as_secs())
                    } else {
                        "could not connect".to_owned()
                    };
                    self.backoff * 2u32.pow(attempt)
                }
            };
            if attempt + 1 < ATTEMPTS {
                tokio::time::sleep(wait).await;
            }
        }
        Err(FetchError {
            platform,
            permanent: false,
            message: format!("the API kept failing ({last} after {ATTEMPTS} tries)"),
        })
    }
}

/// `url` with `pairs` added to its query, encoded.
pub fn with_query(url: &str, pairs: &[(&str, &str)]) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut u) => {
            u.query_pairs_mut().extend_pairs(pairs);
            u.into()
        }
        Err(_) => url.to_owned(),
    }
}

/// A `next` link is followed only to the configured API: it carries the access token.
pub fn same_origin(base: &str, next: &str) -> bool {
    let origin = |u: &str| -> Option<String> {
        let url = reqwest::Url::parse(u).ok()?;
        Some(format!(
            "{}://{}:{}",
            url.scheme(),
            url.host_str()?,
            url.port_or_known_default()?
        ))
    };
    origin(base).is_some() && origin(base) == origin(next)
}
