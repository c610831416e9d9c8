//! The audit trail: what each administrative use case records (see `fairdraw_core::audit` for
//! the chain), its listing for `/v2/audit-log`, and the re-check of every brand's chain for
//! `fairdraw audit verify`.

use super::{Engine, EngineResult, Principal};
use fairdraw_core::audit::{BrokenLink, Head, verify_chain};
use fairdraw_core::page::{PageInfo, PageRequest};
use fairdraw_store::audit::{AuditEvent, AuditQuery, AuditRow};

/// The entry a use case records for the caller `who`: its key is the actor. `details` holds
/// ids, never personal data (e-mail addresses, names, IPs, answers).
pub(crate) fn audit_event(
    who: &Principal,
    action: &str,
    giveaway_id: Option<i64>,
    details: serde_json::Value,
) -> AuditEvent {
    AuditEvent {
        brand_id: who.brand_id,
        actor_key_id: Some(who.key_id),
        action: action.to_owned(),
        giveaway_id,
        details,
    }
}

/// The names of the fields an update changed, for its entry's `changed`: each name paired with
/// whether its value differs. Names only: the values may be personal data or secrets.
pub(crate) fn changed_fields<const N: usize>(fields: [(&'static str, bool); N]) -> Vec<&'static str> {
    fields
        .into_iter()
        .filter_map(|(name, differs)| differs.then_some(name))
        .collect()
}

/// What the listing filters on.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub giveaway_id: Option<i64>,
    pub action: Option<String>,
    pub page: PageRequest,
}

/// One brand's chain, re-checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainReport {
    pub brand_id: i64,
    pub entries: usize,
    /// The head the entries lead to, or the first link that does not hold.
    pub result: Result<Head, BrokenLink>,
}

impl Engine {
    /// The caller's brand's audit entries, newest first.
    pub async fn list_audit(&self, who: &Principal, f: &AuditFilter) -> EngineResult<(Vec<AuditRow>, PageInfo)> {
        let (rows, total) = self
            .db()
            .list_audit(
                who.brand_id,
                &AuditQuery {
                    giveaway_id: f.giveaway_id,
                    action: f.action.as_deref(),
                    limit: f.page.limit(),
                    offset: f.page.offset(),
                },
            )
            .await?;
        Ok((rows, PageInfo::new(f.page, u64::try_from(total).unwrap_or(0))))
    }

    /// Re-checks every brand's chain against its stored head, one brand at a time.
    pub async fn verify_audit(&self) -> EngineResult<Vec<ChainReport>> {
        let mut out = Vec::new();
        for brand_id in self.db().audit_brands().await? {
            let chain = self.db().audit_chain(brand_id).await?;
            // A brand with entries but no head row had its head deleted: it must still end
            // where its entries say, so compare with an empty head.
            let head = chain.head.unwrap_or(Head::EMPTY);
            out.push(ChainReport {
                brand_id,
                entries: chain.entries.len(),
                result: verify_chain(brand_id, &chain.entries, Some(&head)),
            });
        }
        Ok(out)
    }
}
