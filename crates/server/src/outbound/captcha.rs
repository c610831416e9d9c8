//! The captcha providers' siteverify protocol over HTTP. hCaptcha, Turnstile and reCAPTCHA all
//! verify a token the same way: a form POST of `secret`, `response` and `remoteip` to their
//! siteverify endpoint, answered with JSON whose `success` says whether the token is good.

use crate::config::CaptchaConfig;
use crate::engine::public_entries::{CaptchaVerifier, Unavailable, Verdict};
use std::net::IpAddr;
use std::sync::OnceLock;
use std::time::Duration;

/// The providers' siteverify protocol over HTTP.
#[derive(Debug)]
pub struct SiteVerify {
    config: CaptchaConfig,
}

impl SiteVerify {
    pub fn new(config: CaptchaConfig) -> SiteVerify {
        SiteVerify { config }
    }
}

/// One client for the process: it keeps connections to the provider open between requests.
fn client() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        crate::tls::install_tls_provider();
        reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .expect("the HTTP client's configuration is static")
    })
}

#[derive(serde::Deserialize)]
struct Answer {
    success: bool,
}

impl CaptchaVerifier for SiteVerify {
    fn verify<'a>(&'a self, token: &'a str, remote_ip: IpAddr) -> Verdict<'a> {
        Box::pin(async move {
            let ip = remote_ip.to_string();
            let form = [
                ("secret", self.config.secret.expose().as_str()),
                ("response", token),
                ("remoteip", ip.as_str()),
            ];
            let response = client()
                .post(&self.config.verify_url)
                .form(&form)
                .send()
                .await
                .map_err(|e| Unavailable(e.without_url().to_string()))?;
            if !response.status().is_success() {
                return Err(Unavailable(format!("siteverify answered {}", response.status())));
            }
            let answer: Answer = response
                .json()
                .await
                .map_err(|e| Unavailable(format!("unreadable siteverify answer: {}", e.without_url())))?;
            Ok(answer.success)
        })
    }
}
