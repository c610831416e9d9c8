//! Captcha checks for giveaways with `require_captcha`: what the engine asks of a verifier. The
//! providers' siteverify client over HTTP is `outbound::captcha::SiteVerify`, plugged in when
//! the server is built (`Engine::set_captcha_verifier`).

use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;

/// The provider could not give an answer (unreachable, timed out, or answered nonsense): the
/// entrant is not at fault and may retry.
#[derive(Debug, thiserror::Error)]
#[error("captcha provider unavailable: {0}")]
pub struct Unavailable(pub String);

pub type Verdict<'a> = Pin<Box<dyn Future<Output = Result<bool, Unavailable>> + Send + 'a>>;

/// Decides whether a captcha token is genuine.
pub trait CaptchaVerifier: Send + Sync + std::fmt::Debug {
    fn verify<'a>(&'a self, token: &'a str, remote_ip: IpAddr) -> Verdict<'a>;
}
