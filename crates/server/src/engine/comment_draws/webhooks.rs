//! `/v1` webhooks: a brand's receivers of `draw.completed` and `draw.failed`, and its one
//! `/v1` signing secret (returned by the request that creates its first webhook, and by each
//! rotation). Every delivery, to a webhook or to a draw's own `webhook_url`, is signed with
//! the secret current when it is sent.

use crate::egress::check_url;
use crate::engine::{Engine, EngineError, EngineResult, Principal, random_bytes};
use fairdraw_core::comments::time_ordered_id;
use fairdraw_core::validation::FieldErrors;
use fairdraw_store::StoreError;
use fairdraw_store::comment_draws::V1WebhookRow;
use serde::Deserialize;
use utoipa::ToSchema;

pub const EVENTS: [&str; 2] = ["draw.completed", "draw.failed"];
/// The events of draws whose winners must claim (issue 15); a webhook asks for them by name.
pub const CLAIM_EVENTS: [&str; 3] = ["winner.claimed", "winner.expired", "winner.replaced"];
const MAX_URL: usize = 2048;

/// A receiver URL as the outbound rule allows it (https, a public address), or why not.
pub fn check_receiver_url(url: &str, allow_private: bool) -> Result<(), String> {
    if url.len() > MAX_URL {
        return Err(format!("At most {MAX_URL} characters."));
    }
    check_url(url, allow_private).map(|_| ()).map_err(|r| format!("{r}"))
}

/// The body of `POST /v1/webhooks`.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct V1WebhookInput {
    pub url: Option<String>,
    /// A subset of draw.completed, draw.failed, winner.claimed, winner.expired,
    /// winner.replaced; default draw.completed and draw.failed.
    pub events: Option<Vec<String>>,
}

/// A new webhook, with the brand's secret when this created it.
pub struct CreatedV1Webhook {
    pub webhook: V1WebhookRow,
    pub secret: Option<String>,
}

fn new_secret() -> String {
    format!("whsec_{}", hex::encode(random_bytes::<32>()))
}

impl Engine {
    pub async fn create_v1_webhook(
        &self,
        who: &Principal,
        input: &V1WebhookInput,
        allow_private: bool,
    ) -> EngineResult<CreatedV1Webhook> {
        let mut errors = FieldErrors::new();
        let url = input.url.as_deref().map(str::trim).filter(|u| !u.is_empty());
        match url {
            None => errors.add("url", "url is required."),
            Some(u) => {
                if let Err(m) = check_receiver_url(u, allow_private) {
                    errors.add("url", m);
                }
            }
        }
        let events: Vec<String> = match &input.events {
            None => EVENTS.iter().map(|e| (*e).to_owned()).collect(),
            Some(list) => {
                let mut out: Vec<String> = Vec::new();
                for e in list {
                    if !EVENTS.contains(&e.as_str()) && !CLAIM_EVENTS.contains(&e.as_str()) {
                        errors.add(
                            "events",
                            format!(
                                "Unknown event {e:?}; the events are draw.completed, draw.failed, \
                                 winner.claimed, winner.expired and winner.replaced."
                            ),
                        );
                    } else if !out.contains(e) {
                        out.push(e.clone());
                    }
                }
                if list.is_empty() {
                    errors.add("events", "At least one event is required.");
                }
                out
            }
        };
        errors.into_result()?;
        let now = self.now_ms();
        let public_id = format!("wh_{}", time_ordered_id(now, random_bytes()));
        let events = serde_json::to_string(&events).map_err(|e| EngineError::Internal(Box::new(e)))?;
        let (webhook, secret) = self
            .db()
            .create_v1_webhook(
                who.brand_id,
                &public_id,
                url.unwrap_or_default(),
                &events,
                &new_secret(),
                now,
            )
            .await?;
        Ok(CreatedV1Webhook { webhook, secret })
    }

    pub async fn v1_webhooks(&self, who: &Principal) -> EngineResult<Vec<V1WebhookRow>> {
        Ok(self.db().v1_webhooks(who.brand_id).await?)
    }

    pub async fn delete_v1_webhook(&self, who: &Principal, public_id: &str) -> EngineResult<()> {
        self.db()
            .delete_v1_webhook(who.brand_id, public_id, self.now_ms())
            .await
            .map_err(|e| match e {
                StoreError::NotFound => EngineError::NotFound("Webhook"),
                other => other.into(),
            })
    }

    /// Replaces the brand's `/v1` secret; deliveries from now on are signed with the new one.
    pub async fn rotate_v1_secret(&self, who: &Principal) -> EngineResult<String> {
        let secret = new_secret();
        self.db().set_v1_secret(who.brand_id, &secret, self.now_ms()).await?;
        Ok(secret)
    }

    /// The secret a delivery for `brand_id` is signed with (made now if the brand has none:
    /// a draw's own `webhook_url` can be used before any webhook is registered).
    pub async fn v1_signing_secret(&self, brand_id: i64) -> EngineResult<String> {
        Ok(self.db().v1_secret_or(brand_id, &new_secret(), self.now_ms()).await?)
    }
}
