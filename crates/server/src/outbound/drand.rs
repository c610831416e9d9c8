//! The drand relay client the engine asks for beacon rounds (`engine::beacon::RelayClient`):
//! `GET {relay}/{chain_hash}/public/{round}`, drand's JSON `{round, randomness, signature}`.
//! It only fetches; the engine verifies every round before using it.

use crate::engine::beacon::{RelayAnswer, RelayClient};
use fairdraw_core::beacon::Round;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// How long one relay gets to answer.
const RELAY_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug)]
pub struct DrandHttp {
    http: reqwest::Client,
}

impl DrandHttp {
    pub fn new() -> DrandHttp {
        let http = reqwest::Client::builder()
            .timeout(RELAY_TIMEOUT)
            .redirect(reqwest::redirect::Policy::limited(3))
            .user_agent(concat!("fairdraw/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        DrandHttp { http }
    }
}

impl Default for DrandHttp {
    fn default() -> Self {
        DrandHttp::new()
    }
}

/// A client error without the URL (the relay is named by the caller).
fn without_url(e: &reqwest::Error) -> String {
    let mut s = e.to_string();
    if let Some(url) = e.url() {
        s = s.replace(url.as_str(), "");
    }
    s.trim().to_owned()
}

impl RelayClient for DrandHttp {
    fn round<'a>(
        &'a self,
        relay: &'a str,
        chain_hash: &'a str,
        round: u64,
    ) -> Pin<Box<dyn Future<Output = RelayAnswer> + Send + 'a>> {
        Box::pin(async move {
            let url = format!("{}/{chain_hash}/public/{round}", relay.trim_end_matches('/'));
            let answer = match self.http.get(&url).send().await {
                Ok(a) => a,
                Err(e) => return RelayAnswer::Unreachable(without_url(&e)),
            };
            let status = answer.status();
            // drand's relays answer 404 (some 425 Too Early) for a round not out yet.
            if status == reqwest::StatusCode::NOT_FOUND || status.as_u16() == 425 {
                return RelayAnswer::NotOut;
            }
            if !status.is_success() {
                return RelayAnswer::Unreachable(format!("HTTP {}", status.as_u16()));
            }
            match answer.json::<Round>().await {
                Ok(r) => RelayAnswer::Round(r),
                Err(e) => RelayAnswer::Garbled(without_url(&e)),
            }
        })
    }
}
