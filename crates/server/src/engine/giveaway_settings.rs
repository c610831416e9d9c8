//! A giveaway's settings documents: rules, design and e-mail settings. Each is read whole and
//! updated partially; an update with any refused field changes nothing.

use super::audit::audit_event;
use super::{Engine, EngineError, EngineResult, Principal};
use fairdraw_core::giveaway::design::{Design, DesignPatch};
use fairdraw_core::giveaway::emails::{EmailSettings, EmailSettingsPatch};
use fairdraw_core::giveaway::{RulesConfig, RulesPatch};
use fairdraw_core::validation::FieldErrors;
use fairdraw_store::StoreError;
use fairdraw_store::giveaways::GiveawayDocument;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A stored document; one that does not parse (which only a manual edit could cause) reads as
/// defaults rather than locking the owner out of the endpoint that would repair it.
fn stored<T: DeserializeOwned + Default>(json: &str, what: &str, id: i64) -> T {
    serde_json::from_str(json).unwrap_or_else(|e| {
        tracing::error!(giveaway = id, document = what, error = %e, "stored document does not parse; using defaults");
        T::default()
    })
}

impl Engine {
    pub async fn giveaway_rules(&self, who: &Principal, id: i64) -> EngineResult<RulesConfig> {
        Ok(self.owned_giveaway(who, id).await?.rules_config)
    }

    pub async fn update_giveaway_rules(
        &self,
        who: &Principal,
        id: i64,
        patch: RulesPatch,
    ) -> EngineResult<RulesConfig> {
        let mut rules = self.owned_giveaway(who, id).await?.rules_config;
        let mut errors = FieldErrors::new();
        rules.apply(patch, "", &mut errors);
        errors.into_result()?;
        self.save_settings_document(who, id, GiveawayDocument::RulesConfig, &rules)
            .await?;
        Ok(rules)
    }

    pub async fn giveaway_design(&self, who: &Principal, id: i64) -> EngineResult<Design> {
        let g = self.owned_giveaway(who, id).await?;
        Ok(stored(&g.row.design, "design", id))
    }

    pub async fn update_giveaway_design(&self, who: &Principal, id: i64, patch: DesignPatch) -> EngineResult<Design> {
        let g = self.owned_giveaway(who, id).await?;
        let mut design: Design = stored(&g.row.design, "design", id);
        let mut errors = FieldErrors::new();
        design.apply(patch, &mut errors);
        errors.into_result()?;
        self.save_settings_document(who, id, GiveawayDocument::Design, &design)
            .await?;
        Ok(design)
    }

    pub async fn giveaway_emails(&self, who: &Principal, id: i64) -> EngineResult<EmailSettings> {
        let g = self.owned_giveaway(who, id).await?;
        Ok(stored(&g.row.email_settings, "email_settings", id))
    }

    pub async fn update_giveaway_emails(
        &self,
        who: &Principal,
        id: i64,
        patch: EmailSettingsPatch,
    ) -> EngineResult<EmailSettings> {
        let g = self.owned_giveaway(who, id).await?;
        let mut emails: EmailSettings = stored(&g.row.email_settings, "email_settings", id);
        let mut errors = FieldErrors::new();
        emails.apply(patch, &mut errors);
        errors.into_result()?;
        self.save_settings_document(who, id, GiveawayDocument::EmailSettings, &emails)
            .await?;
        Ok(emails)
    }

    async fn save_settings_document<T: Serialize>(
        &self,
        who: &Principal,
        id: i64,
        column: GiveawayDocument,
        doc: &T,
    ) -> EngineResult<()> {
        let json = serde_json::to_string(doc).map_err(|e| EngineError::Internal(Box::new(e)))?;
        let audit = audit_event(
            who,
            "giveaway.updated",
            Some(id),
            serde_json::json!({ "document": column.name() }),
        );
        match self
            .db()
            .set_giveaway_document(id, column, &json, &audit, self.now_ms())
            .await
        {
            // Deleted between the ownership check and the write.
            Err(StoreError::NotFound) => Err(EngineError::NotFound("Giveaway")),
            other => Ok(other?),
        }
    }
}
