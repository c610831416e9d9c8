//! Platform connections: a brand's token for Instagram Graph, YouTube Data or TikTok Research.
//! The token is stored for the connectors and never shown again (only its last four
//! characters, so people can tell connections apart).

use super::source::Platform;
use crate::engine::{Engine, EngineError, EngineResult, Principal, random_bytes};
use fairdraw_core::comments::time_ordered_id;
use fairdraw_core::validation::FieldErrors;
use fairdraw_store::StoreError;
use fairdraw_store::comment_draws::ConnectionRow;
use serde::Deserialize;
use utoipa::ToSchema;

/// The body of `POST /v1/connections`.
#[derive(Clone, Default, Deserialize, ToSchema)]
pub struct ConnectionInput {
    /// instagram, youtube or tiktok.
    pub platform: Option<String>,
    /// Instagram: a Graph API user token; YouTube: an API key; TikTok: a client-credentials
    /// access token with Research API access.
    pub access_token: Option<String>,
    /// Instagram: the business account id whose media holds the posts.
    pub account_id: Option<String>,
}

impl Engine {
    pub async fn create_connection(&self, who: &Principal, input: &ConnectionInput) -> EngineResult<ConnectionRow> {
        let mut errors = FieldErrors::new();
        let platform = match input.platform.as_deref().map(Platform::parse) {
            Some(Some(p)) => Some(p),
            _ => {
                errors.add("platform", "platform is instagram, youtube or tiktok.");
                None
            }
        };
        let token = input.access_token.as_deref().map(str::trim).filter(|t| !t.is_empty());
        match token {
            None => errors.add("access_token", "access_token is required."),
            Some(t) if t.len() > 4096 || t.chars().any(char::is_whitespace) => {
                errors.add(
                    "access_token",
                    "access_token must be one token of at most 4,096 characters.",
                );
            }
            Some(_) => {}
        }
        let account_id = input.account_id.as_deref().map(str::trim).filter(|a| !a.is_empty());
        if platform == Some(Platform::Instagram) {
            match account_id {
                None => errors.add(
                    "account_id",
                    "account_id (the Instagram business account id) is required for instagram.",
                ),
                Some(a) if !a.bytes().all(|b| b.is_ascii_digit()) || a.len() > 32 => {
                    errors.add("account_id", "account_id is the numeric Instagram business account id.");
                }
                Some(_) => {}
            }
        }
        errors.into_result()?;
        let (platform, token) = (platform.expect("checked"), token.expect("checked"));
        let now = self.now_ms();
        let hint: String = token
            .chars()
            .rev()
            .take(4)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let mut row = ConnectionRow {
            id: 0,
            public_id: format!("conn_{}", time_ordered_id(now, random_bytes())),
            brand_id: who.brand_id,
            platform: platform.as_str().to_owned(),
            account_id: account_id.map(str::to_owned),
            access_token: token.to_owned(),
            token_hint: hint,
            created_at: now,
        };
        row.id = self.db().insert_connection(&row).await?;
        Ok(row)
    }

    pub async fn connections(&self, who: &Principal) -> EngineResult<Vec<ConnectionRow>> {
        Ok(self.db().connections(who.brand_id).await?)
    }

    pub async fn connection(&self, who: &Principal, public_id: &str) -> EngineResult<ConnectionRow> {
        self.connections(who)
            .await?
            .into_iter()
            .find(|c| c.public_id == public_id)
            .ok_or(EngineError::NotFound("Connection"))
    }

    pub async fn delete_connection(&self, who: &Principal, public_id: &str) -> EngineResult<()> {
        self.db()
            .delete_connection(who.brand_id, public_id, self.now_ms())
            .await
            .map_err(|e| match e {
                StoreError::NotFound => EngineError::NotFound("Connection"),
                other => other.into(),
            })
    }
}
