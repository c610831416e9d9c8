//! Webhook delivery (being built).

use crate::app::AppState;
use crate::config::OutboundConfig;
use crate::worker::{Job, JobError};

#[derive(Debug)]
pub struct WebhookClient {
    pub allow_private: bool,
}

impl WebhookClient {
    pub fn new(config: &OutboundConfig) -> Result<WebhookClient, String> {
        Ok(WebhookClient {
            allow_private: config.allow_private,
        })
    }
}

/// Runs a `webhook.deliver` job.
pub async fn deliver_job(state: &AppState, job: &Job) -> Result<(), JobError> {
    let _ = (state, job);
    Err(JobError::retry("webhook delivery is not available yet"))
}
