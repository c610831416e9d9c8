//! Webhook delivery: the `webhook.deliver` job and the signed POST behind it and behind
//! `POST /v2/webhooks/{id}/test`.
//!
//! A delivery is a JSON POST whose raw body is signed with HMAC-SHA256 under the webhook's
//! secret (`X-Webhook-Signature`, lowercase hex). `X-Webhook-Id` is the event id, the same on
//! every attempt, so a receiver can drop repeats; `X-Webhook-Timestamp` (Unix seconds of the
//! attempt, also in the body) lets it refuse replays. Redirects are not followed and every
//! connection goes through the SSRF guard (`crate::egress`, `super::resolver`). A failed attempt is logged and
//! retried by the queue; an event that fails on its last attempt counts against the webhook,
//! and [`DISABLE_AFTER`] such events in a row switch it off with the reason.

use super::resolver::SafeResolver;
use crate::app::AppState;
use crate::config::OutboundConfig;
use crate::egress::{Refused, check_url};
pub use crate::engine::webhooks::Sent;
use crate::engine::webhooks::TestDelivery;
use crate::worker::{Job, JobError};
use fairdraw_core::time::format_utc;
use fairdraw_store::events::Delivery;
use fairdraw_store::webhooks::NewDelivery;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::json;
use sha2::Sha256;
use std::time::{Duration, Instant};

/// How long one attempt may take, connection included.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// Events in a row that end failed before the webhook is switched off.
pub const DISABLE_AFTER: i64 = 5;
pub const USER_AGENT: &str = "Fairdraw-Webhooks/1";

/// The HTTP client for webhooks, built once.
#[derive(Debug)]
pub struct WebhookClient {
    pub allow_private: bool,
    http: reqwest::Client,
}

impl TestDelivery for WebhookClient {
    fn send_test<'a>(
        &'a self,
        webhook_id: i64,
        url: &'a str,
        secret: &'a str,
        event_id: &'a str,
        now_ms: i64,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Sent> + Send + 'a>> {
        Box::pin(WebhookClient::send_test(
            self, webhook_id, url, secret, event_id, now_ms,
        ))
    }
}

/// `hex(HMAC-SHA256(secret, body))`.
pub fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

impl WebhookClient {
    pub fn new(config: &OutboundConfig) -> Result<WebhookClient, String> {
        crate::tls::install_tls_provider();
        let mut builder = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            // A proxy would make the connection, and its address is not the receiver's.
            .no_proxy()
            .user_agent(USER_AGENT);
        if !config.allow_private {
            builder = builder.dns_resolver(SafeResolver);
        }
        let http = builder.build().map_err(|e| format!("webhook HTTP client: {e}"))?;
        Ok(WebhookClient {
            allow_private: config.allow_private,
            http,
        })
    }

    /// POSTs `body` (JSON) to `url` with `headers`. Never fails: how it went is in [`Sent`].
    pub async fn post(&self, url: &str, body: Vec<u8>, headers: &[(&str, String)]) -> Sent {
        let started = Instant::now();
        let elapsed = |started: Instant| i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        // IP-literal hosts never reach the resolver, so they are checked here.
        let url = match check_url(url, self.allow_private) {
            Ok(u) => u,
            Err(refused) => {
                return Sent {
                    http_code: None,
                    success: false,
                    error: Some(refused.to_string()),
                    duration_ms: 0,
                    refused: true,
                };
            }
        };
        let mut req = self
            .http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json");
        for (name, value) in headers {
            req = req.header(*name, value);
        }
        match req.body(body).send().await {
            Ok(resp) => {
                let status = resp.status();
                // The answer's body is not read: only the status counts.
                drop(resp);
                Sent {
                    http_code: Some(status.as_u16()),
                    success: status.is_success(),
                    error: (!status.is_success()).then(|| format!("HTTP {}", status.as_u16())),
                    duration_ms: elapsed(started),
                    refused: false,
                }
            }
            Err(e) => {
                let (error, refused) = describe(&e);
                Sent {
                    http_code: None,
                    success: false,
                    error: Some(error),
                    duration_ms: elapsed(started),
                    refused,
                }
            }
        }
    }

    /// The documented test payload, `{"event":"test","webhook_id":…,"timestamp":…}`, signed in
    /// `X-SweepWidget-Signature` (and, for receivers written against the event deliveries, in
    /// `X-Webhook-Signature` too).
    pub async fn send_test(&self, webhook_id: i64, url: &str, secret: &str, event_id: &str, now_ms: i64) -> Sent {
        let timestamp = now_ms.div_euclid(1000);
        let body = json!({ "event": "test", "webhook_id": webhook_id, "timestamp": timestamp })
            .to_string()
            .into_bytes();
        let signature = sign(secret, &body);
        let headers = [
            ("X-SweepWidget-Signature", signature.clone()),
            ("X-Webhook-Signature", signature),
            ("X-Webhook-Id", event_id.to_owned()),
            ("X-Webhook-Timestamp", timestamp.to_string()),
            ("X-Webhook-Event", "test".to_owned()),
        ];
        self.post(url, body, &headers).await
    }
}

/// A client error as the delivery log says it, and whether the guard refused the address. The
/// URL is stripped: it may carry a token of the receiver's.
fn describe(e: &reqwest::Error) -> (String, bool) {
    if e.is_timeout() {
        return (format!("timed out after {} s", TIMEOUT.as_secs()), false);
    }
    let mut cause = None;
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(refused) = s.downcast_ref::<Refused>() {
            return (refused.to_string(), true);
        }
        cause = Some(s.to_string());
        source = s.source();
    }
    let cause = cause.unwrap_or_else(|| e.to_string());
    if e.is_connect() {
        (format!("could not connect: {cause}"), false)
    } else {
        (format!("request failed: {cause}"), false)
    }
}

/// Runs a `webhook.deliver` job: one attempt at delivering one event to one webhook.
pub async fn deliver_job(state: &AppState, job: &Job) -> Result<(), JobError> {
    let d: Delivery = job.payload()?;
    let db = state.engine.db();
    let store_failed = |e: fairdraw_store::StoreError| JobError::retry(format!("webhook store: {e}"));
    let hook = db.webhook(d.webhook_id).await.map_err(store_failed)?;
    // Deleted, switched off or no longer listening since the event was queued: nothing to send,
    // and nothing that a retry would change.
    let Some(hook) = hook.filter(|h| h.active != 0 && h.event_names().iter().any(|n| n == d.event.as_str())) else {
        tracing::info!(webhook = d.webhook_id, event = %d.event, "webhook gone, inactive or unsubscribed; not sent");
        return Ok(());
    };
    let now = state.engine.now_ms();
    let timestamp = now.div_euclid(1000);
    let body = json!({
        "id": d.event_id,
        "event": d.event,
        "created_at": format_utc(d.occurred_at),
        "timestamp": timestamp,
        "data": d.data,
    })
    .to_string()
    .into_bytes();
    let headers = [
        ("X-Webhook-Signature", sign(&hook.secret, &body)),
        ("X-Webhook-Id", d.event_id.clone()),
        ("X-Webhook-Timestamp", timestamp.to_string()),
        ("X-Webhook-Event", d.event.as_str().to_owned()),
    ];
    let sent = state.outbound.webhooks.post(&hook.url, body, &headers).await;
    let log = NewDelivery {
        webhook_id: hook.id,
        event_id: &d.event_id,
        event: d.event.as_str(),
        attempt: job.attempt(),
        http_code: sent.http_code.map(i64::from),
        success: sent.success,
        error: sent.error.as_deref(),
        duration_ms: sent.duration_ms,
    };
    if let Err(e) = db.record_delivery(&log, now).await {
        // The log is for people; the delivery itself has happened (or not) either way.
        tracing::warn!(webhook = hook.id, error = %e, "could not write the delivery log");
    }
    if sent.success {
        db.webhook_delivered(hook.id).await.map_err(store_failed)?;
        return Ok(());
    }
    let error = sent.error.unwrap_or_else(|| "delivery failed".to_owned());
    if sent.refused || job.is_last_attempt() {
        let reason = format!("Disabled after {DISABLE_AFTER} events in a row failed to deliver; last error: {error}");
        let disabled = db
            .webhook_event_failed(hook.id, DISABLE_AFTER, &reason, now)
            .await
            .map_err(store_failed)?;
        if disabled {
            tracing::warn!(webhook = hook.id, "webhook switched off after repeated failures");
        }
    }
    if sent.refused {
        Err(JobError::permanent(error))
    } else {
        Err(JobError::retry(error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_hmac_sha256_hex() {
        // RFC 4231 test case 2.
        assert_eq!(
            sign("Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
