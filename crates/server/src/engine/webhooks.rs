//! A brand's webhooks: list, create (the signing secret is shown once), update, delete, the
//! delivery log, and a synchronous test delivery. URLs are checked against the SSRF rule
//! (`crate::egress`) when saved; deliveries check again as they connect.

use super::audit::audit_event;
use super::{Engine, EngineError, EngineResult, Principal, random_bytes};
use crate::egress::check_url_resolving;
use fairdraw_core::events::EventKind;
use fairdraw_core::page::{PageInfo, PageRequest};
use fairdraw_core::validation::FieldErrors;
use fairdraw_store::webhooks::{DeliveryRow, NewDelivery, WebhookChange, WebhookRow};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

const MAX_URL: usize = 2048;

/// The body of `POST /v2/webhooks` and `PUT /v2/webhooks/{id}`.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct WebhookInput {
    /// Your endpoint (HTTPS). Required on create.
    pub url: Option<String>,
    /// Event types to subscribe to, at least one. Required on create.
    pub events: Option<Vec<String>>,
    /// Enable or disable the webhook (update only). Enabling a webhook the server switched off
    /// clears its reason and failure count.
    pub active: Option<bool>,
}

/// A webhook just created, with its secret (no `Debug`, so it cannot be logged by accident).
#[derive(Clone)]
pub struct CreatedWebhook {
    pub webhook: WebhookRow,
    /// 64 lowercase hex characters; shown only now.
    pub secret: String,
}

/// How one POST went.
#[derive(Clone, Debug)]
pub struct Sent {
    /// The receiver's status, when it answered.
    pub http_code: Option<u16>,
    pub success: bool,
    /// Why it failed, fit for the delivery log: never the URL or the body.
    pub error: Option<String>,
    pub duration_ms: i64,
    /// The guard refused the address: trying again will not help.
    pub refused: bool,
}

/// Sends a webhook's test payload now and says how it went; the server plugs in its webhook
/// client (`outbound::webhooks::WebhookClient`), so the engine holds no HTTP client.
pub trait TestDelivery: Send + Sync {
    fn send_test<'a>(
        &'a self,
        webhook_id: i64,
        url: &'a str,
        secret: &'a str,
        event_id: &'a str,
        now_ms: i64,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Sent> + Send + 'a>>;
}

/// What a test delivery did.
#[derive(Clone, Debug)]
pub struct WebhookTest {
    pub webhook_id: i64,
    pub url: String,
    pub sent: Sent,
}

fn not_found() -> EngineError {
    EngineError::NotFound("Webhook")
}

/// Checks the event list: at least one, each a documented name, none twice. Returns it as the
/// stored JSON array.
fn parse_events(errors: &mut FieldErrors, events: &[String]) -> Option<String> {
    if events.is_empty() {
        errors.add("events", "At least one event is required.");
        return None;
    }
    let mut seen = Vec::with_capacity(events.len());
    for (i, name) in events.iter().enumerate() {
        match EventKind::parse(name) {
            None => {
                let known: Vec<&str> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
                errors.add(
                    format!("events[{i}]"),
                    format!("Unknown event {name:?}; use one of: {}.", known.join(", ")),
                );
            }
            Some(kind) if seen.contains(&kind) => {
                errors.add(format!("events[{i}]"), format!("{name} is listed twice."))
            }
            Some(kind) => seen.push(kind),
        }
    }
    let names: Vec<&str> = seen.iter().map(|k| k.as_str()).collect();
    (seen.len() == events.len()).then(|| serde_json::to_string(&names).expect("names serialize"))
}

/// Checks a URL against the length limit and the SSRF rule (with a DNS lookup for names).
async fn parse_url(errors: &mut FieldErrors, raw: &str, allow_private: bool) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() {
        errors.add("url", "URL is required.");
        return None;
    }
    if raw.len() > MAX_URL {
        errors.add("url", format!("Must be at most {MAX_URL} characters."));
        return None;
    }
    match check_url_resolving(raw, allow_private).await {
        Ok(url) => Some(url.to_string()),
        Err(refused) => {
            errors.add("url", refused.to_string());
            None
        }
    }
}

impl Engine {
    pub async fn list_webhooks(&self, who: &Principal) -> EngineResult<Vec<WebhookRow>> {
        Ok(self.db().list_webhooks(who.brand_id).await?)
    }

    async fn brand_webhook(&self, who: &Principal, id: i64) -> EngineResult<WebhookRow> {
        self.db().brand_webhook(who.brand_id, id).await?.ok_or_else(not_found)
    }

    pub async fn create_webhook(
        &self,
        who: &Principal,
        input: WebhookInput,
        allow_private: bool,
    ) -> EngineResult<CreatedWebhook> {
        let mut errors = FieldErrors::new();
        let url = match input.url.as_deref() {
            None => {
                errors.add("url", "URL is required.");
                None
            }
            Some(raw) => parse_url(&mut errors, raw, allow_private).await,
        };
        let events = match input.events.as_deref() {
            None => {
                errors.add("events", "Events is required.");
                None
            }
            Some(list) => parse_events(&mut errors, list),
        };
        errors.into_result()?;
        let (Some(url), Some(events)) = (url, events) else {
            return Err(EngineError::Internal("webhook input checked but incomplete".into()));
        };
        let secret = hex::encode(random_bytes::<32>());
        let webhook = self
            .db()
            .create_webhook(
                who.brand_id,
                &url,
                &events,
                &secret,
                // The URL is left out: it may carry the receiver's own secret.
                &audit_event(
                    who,
                    "webhook.created",
                    None,
                    json!({ "events": serde_json::from_str::<serde_json::Value>(&events).unwrap_or_default() }),
                ),
                self.now_ms(),
            )
            .await?;
        Ok(CreatedWebhook { webhook, secret })
    }

    pub async fn update_webhook(
        &self,
        who: &Principal,
        id: i64,
        input: WebhookInput,
        allow_private: bool,
    ) -> EngineResult<()> {
        self.brand_webhook(who, id).await?;
        let mut errors = FieldErrors::new();
        let url = match input.url.as_deref() {
            None => None,
            Some(raw) => parse_url(&mut errors, raw, allow_private).await,
        };
        let events = match input.events.as_deref() {
            None => None,
            Some(list) => parse_events(&mut errors, list),
        };
        errors.into_result()?;
        let change = WebhookChange {
            url,
            events,
            active: input.active,
        };
        let changed: Vec<&str> = [
            ("url", change.url.is_some()),
            ("events", change.events.is_some()),
            ("active", change.active.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, set)| set.then_some(name))
        .collect();
        let audit = audit_event(
            who,
            "webhook.updated",
            None,
            json!({ "webhook_id": id, "changed": changed, "active": change.active }),
        );
        if self
            .db()
            .update_webhook(who.brand_id, id, &change, &audit, self.now_ms())
            .await?
        {
            Ok(())
        } else {
            Err(not_found())
        }
    }

    pub async fn delete_webhook(&self, who: &Principal, id: i64) -> EngineResult<()> {
        let audit = audit_event(who, "webhook.deleted", None, json!({ "webhook_id": id }));
        if self
            .db()
            .delete_webhook(who.brand_id, id, &audit, self.now_ms())
            .await?
        {
            Ok(())
        } else {
            Err(not_found())
        }
    }

    /// A page of the webhook's delivery log, newest first.
    pub async fn webhook_deliveries(
        &self,
        who: &Principal,
        id: i64,
        page: PageRequest,
    ) -> EngineResult<(Vec<DeliveryRow>, PageInfo)> {
        let hook = self.brand_webhook(who, id).await?;
        let (rows, total) = self.db().list_deliveries(hook.id, page.limit(), page.offset()).await?;
        Ok((rows, PageInfo::new(page, u64::try_from(total).unwrap_or(0))))
    }

    /// Sends the test payload now and waits for the answer (the reference's design: the caller
    /// sees the receiver's status code). The attempt goes into the delivery log as event `test`.
    pub async fn test_webhook(&self, who: &Principal, id: i64, client: &dyn TestDelivery) -> EngineResult<WebhookTest> {
        let hook = self.brand_webhook(who, id).await?;
        let event_id = format!("evt_test_{}", hex::encode(random_bytes::<8>()));
        let now = self.now_ms();
        let sent = client.send_test(hook.id, &hook.url, &hook.secret, &event_id, now).await;
        let log = NewDelivery {
            webhook_id: hook.id,
            event_id: &event_id,
            event: "test",
            attempt: 1,
            http_code: sent.http_code.map(i64::from),
            success: sent.success,
            error: sent.error.as_deref(),
            duration_ms: sent.duration_ms,
        };
        self.db().record_delivery(&log, now).await?;
        Ok(WebhookTest {
            webhook_id: hook.id,
            url: hook.url,
            sent,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(names: &[&str]) -> Result<String, FieldErrors> {
        let mut errors = FieldErrors::new();
        let list: Vec<String> = names.iter().map(|s| (*s).to_owned()).collect();
        let out = parse_events(&mut errors, &list);
        errors.into_result().map(|()| out.unwrap())
    }

    #[test]
    fn events_are_known_and_unique() {
        assert_eq!(
            events(&["entry.created", "winner.picked"]).unwrap(),
            r#"["entry.created","winner.picked"]"#
        );
        let fields = |e: FieldErrors| e.iter().map(|(f, _)| f.to_owned()).collect::<Vec<_>>();
        assert_eq!(fields(events(&[]).unwrap_err()), ["events"]);
        assert_eq!(
            fields(events(&["entry.created", "entry.updated"]).unwrap_err()),
            ["events[1]"]
        );
        assert_eq!(
            fields(events(&["winner.picked", "winner.picked"]).unwrap_err()),
            ["events[1]"]
        );
    }
}
