//! How the server reaches out: webhook deliveries over HTTP and e-mail over SMTP. Built once from
//! the configuration and shared by the job handlers and the few requests that call out directly
//! (a webhook test).

pub mod captcha;
pub mod drand;
pub mod mail;
pub mod resolver;
pub mod v1_webhooks;
pub mod webhooks;

use crate::config::Config;

#[derive(Debug)]
pub struct Outbound {
    pub webhooks: webhooks::WebhookClient,
    pub mail: mail::Mailer,
}

impl Outbound {
    pub fn from_config(config: &Config) -> Result<Outbound, String> {
        Ok(Outbound {
            webhooks: webhooks::WebhookClient::new(&config.outbound)?,
            mail: mail::Mailer::new(config)?,
        })
    }
}
