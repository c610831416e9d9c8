//! Whitelists and blacklists: listing, adding (with the 5,000-entry cap and duplicate counts)
//! and removing; and the two questions the entry endpoint asks of them.

use super::audit::audit_event;
use super::{Engine, EngineError, EngineResult, Principal};
use fairdraw_core::lists::{Batch, ListValue, MAX_LIST_ENTRIES, batch, blacklisted, canonical_ip};
use fairdraw_core::page::{PageInfo, PageRequest};
use fairdraw_core::validation::{Email, FieldErrors};
use fairdraw_store::StoreError;
use fairdraw_store::lists::{List, ListAddition, ListEntry, NewListValue};
use std::net::IpAddr;

/// The outcome of an add request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListAdded {
    pub added: u64,
    /// Empty, missing or unrecognised values.
    pub skipped_invalid: u64,
    /// Values repeated in the request or already listed.
    pub skipped_duplicate: u64,
}

/// The audit action of a change to `list`: `whitelist.added`, `blacklist.removed`, …
fn list_action(list: List, change: &str) -> String {
    let name = match list {
        List::Whitelist => "whitelist",
        List::Blacklist => "blacklist",
    };
    format!("{name}.{change}")
}

/// The entry of a removal from `list`; the store adds the count and the removed entries' ids.
fn removal_event(who: &Principal, list: List, giveaway_id: i64) -> fairdraw_store::audit::AuditEvent {
    audit_event(
        who,
        &list_action(list, "removed"),
        Some(giveaway_id),
        serde_json::json!({}),
    )
}

/// What a whitelist delete names: e-mails, or one entry by id.
#[derive(Clone, Debug, PartialEq, Eq)]
enum WhitelistRemoval {
    Emails(Vec<Option<String>>),
    Entry(i64),
}

impl WhitelistRemoval {
    /// Exactly one of the two must be given.
    fn from_body(emails: Option<Vec<Option<String>>>, id: Option<i64>) -> Result<Self, FieldErrors> {
        match (emails, id) {
            (Some(emails), None) => Ok(WhitelistRemoval::Emails(emails)),
            (None, Some(id)) => Ok(WhitelistRemoval::Entry(id)),
            (Some(_), Some(_)) => Err(FieldErrors::one("id", "Provide either emails or id, not both.")),
            (None, None) => Err(FieldErrors::one(
                "emails",
                "Provide emails (an array of e-mails) or id (a whitelist entry ID).",
            )),
        }
    }
}

fn required(values: Option<Vec<Option<String>>>, field: &str, what: &str) -> EngineResult<Vec<Option<String>>> {
    values.ok_or_else(|| FieldErrors::one(field, format!("{what} are required (an array of strings).")).into())
}

impl Engine {
    pub async fn list_whitelist(
        &self,
        who: &Principal,
        giveaway_id: i64,
        page: PageRequest,
    ) -> EngineResult<(Vec<ListEntry>, PageInfo)> {
        self.page_of_list(who, List::Whitelist, giveaway_id, page).await
    }

    pub async fn list_blacklist(
        &self,
        who: &Principal,
        giveaway_id: i64,
        page: PageRequest,
    ) -> EngineResult<(Vec<ListEntry>, PageInfo)> {
        self.page_of_list(who, List::Blacklist, giveaway_id, page).await
    }

    async fn page_of_list(
        &self,
        who: &Principal,
        list: List,
        giveaway_id: i64,
        page: PageRequest,
    ) -> EngineResult<(Vec<ListEntry>, PageInfo)> {
        self.owned_giveaway(who, giveaway_id).await?;
        let (rows, total) = self
            .db()
            .list_values_page(list, giveaway_id, page.limit(), page.offset())
            .await?;
        Ok((rows, PageInfo::new(page, u64::try_from(total).unwrap_or(0))))
    }

    /// Adds e-mails to the whitelist, normalised; invalid ones and repeats are counted, not added.
    pub async fn add_to_whitelist(
        &self,
        who: &Principal,
        giveaway_id: i64,
        emails: Option<Vec<Option<String>>>,
    ) -> EngineResult<ListAdded> {
        self.owned_giveaway(who, giveaway_id).await?;
        let emails = required(emails, "emails", "E-mails")?;
        let batch = batch(&emails, |s| Email::parse(s).ok());
        let values: Vec<NewListValue<'_>> = batch
            .values
            .iter()
            .map(|e| NewListValue {
                value: e.as_str(),
                kind: "email",
            })
            .collect();
        self.add_list_values(who, List::Whitelist, giveaway_id, &values, &batch)
            .await
    }

    /// Adds e-mails, addresses and ranges to the blacklist, each recognised and normalised.
    pub async fn add_to_blacklist(
        &self,
        who: &Principal,
        giveaway_id: i64,
        values: Option<Vec<Option<String>>>,
    ) -> EngineResult<ListAdded> {
        self.owned_giveaway(who, giveaway_id).await?;
        let raw = required(values, "values", "Values")?;
        let batch = batch(&raw, ListValue::parse);
        let texts: Vec<String> = batch.values.iter().map(ListValue::to_string).collect();
        let values: Vec<NewListValue<'_>> = batch
            .values
            .iter()
            .zip(&texts)
            .map(|(v, text)| NewListValue {
                value: text,
                kind: v.kind(),
            })
            .collect();
        self.add_list_values(who, List::Blacklist, giveaway_id, &values, &batch)
            .await
    }

    async fn add_list_values<T>(
        &self,
        who: &Principal,
        list: List,
        giveaway_id: i64,
        values: &[NewListValue<'_>],
        batch: &Batch<T>,
    ) -> EngineResult<ListAdded> {
        // The request's field, and what the cap counts.
        let (field, noun) = match list {
            List::Whitelist => ("emails", "e-mails"),
            List::Blacklist => ("values", "entries"),
        };
        // The counts and the new entries' ids are added by the store; the values never are.
        let audit = audit_event(
            who,
            &list_action(list, "added"),
            Some(giveaway_id),
            serde_json::json!({}),
        );
        let outcome = self
            .db()
            .add_list_values(list, giveaway_id, values, MAX_LIST_ENTRIES, &audit, self.now_ms())
            .await;
        match outcome {
            Ok(ListAddition::Added { added, already_listed }) => Ok(ListAdded {
                added,
                skipped_invalid: batch.invalid,
                skipped_duplicate: batch.repeated + already_listed,
            }),
            Ok(ListAddition::Full { room }) => Err(FieldErrors::one(
                field,
                format!(
                    "A giveaway can list at most 5,000 {noun}; only {room} more can be added, and nothing was added."
                ),
            )
            .into()),
            Err(StoreError::NotFound) => Err(EngineError::NotFound("Giveaway")),
            Err(e) => Err(e.into()),
        }
    }

    /// Removes e-mails (those not listed are ignored) or one entry by id (404 if not listed).
    pub async fn remove_from_whitelist(
        &self,
        who: &Principal,
        giveaway_id: i64,
        emails: Option<Vec<Option<String>>>,
        id: Option<i64>,
    ) -> EngineResult<()> {
        self.owned_giveaway(who, giveaway_id).await?;
        match WhitelistRemoval::from_body(emails, id)? {
            WhitelistRemoval::Emails(raw) => {
                // An e-mail that does not parse cannot be listed, so there is nothing to remove.
                let emails: Vec<String> = raw
                    .iter()
                    .filter_map(|e| Email::parse(e.as_deref()?).ok())
                    .map(Email::into_string)
                    .collect();
                let audit = removal_event(who, List::Whitelist, giveaway_id);
                self.db()
                    .remove_list_values(List::Whitelist, giveaway_id, &emails, &audit, self.now_ms())
                    .await?;
                Ok(())
            }
            WhitelistRemoval::Entry(id) => {
                self.remove_list_entry(who, List::Whitelist, giveaway_id, id, "Whitelist entry")
                    .await
            }
        }
    }

    pub async fn remove_from_blacklist(&self, who: &Principal, giveaway_id: i64, ban_id: i64) -> EngineResult<()> {
        self.owned_giveaway(who, giveaway_id).await?;
        self.remove_list_entry(who, List::Blacklist, giveaway_id, ban_id, "Blacklist entry")
            .await
    }

    async fn remove_list_entry(
        &self,
        who: &Principal,
        list: List,
        giveaway_id: i64,
        id: i64,
        what: &'static str,
    ) -> EngineResult<()> {
        let audit = removal_event(who, list, giveaway_id);
        match self
            .db()
            .remove_list_entry(list, giveaway_id, id, &audit, self.now_ms())
            .await
        {
            Err(StoreError::NotFound) => Err(EngineError::NotFound(what)),
            other => Ok(other?),
        }
    }

    /// Whether an entrant's e-mail is on the giveaway's whitelist. For the entry endpoint, which
    /// has already found the giveaway: no ownership check.
    pub async fn whitelist_contains(&self, giveaway_id: i64, email: &str) -> EngineResult<bool> {
        let Ok(email) = Email::parse(email) else {
            return Ok(false);
        };
        Ok(self.db().whitelist_contains(giveaway_id, email.as_str()).await?)
    }

    /// Whether the giveaway's blacklist covers an entrant's e-mail or address. For the entry
    /// endpoint: no ownership check.
    pub async fn blacklist_matches(
        &self,
        giveaway_id: i64,
        email: Option<&str>,
        ip: Option<IpAddr>,
    ) -> EngineResult<bool> {
        let email = email.map(Email::lookup_key);
        let ip_text = ip.map(|a| canonical_ip(a).to_string());
        let candidates = self
            .db()
            .blacklist_candidates(giveaway_id, email.as_deref(), ip_text.as_deref())
            .await?;
        let values: Vec<ListValue> = candidates.iter().filter_map(|v| ListValue::parse(v)).collect();
        Ok(blacklisted(&values, email.as_deref(), ip))
    }
}
