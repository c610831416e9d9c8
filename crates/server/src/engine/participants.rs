//! Entries and participants as the giveaway's owner manages them: lists and exports, manual and
//! bulk entries, bonus grants, and the changes of standing (ban, unban, disqualify).
//!
//! Manual, bulk and bonus entries are recorded through the entry writer like every other entry
//! (`Engine::record_entries_audited`), so the counters move, and the organiser's audit entry is
//! appended, in the recording's own transaction. Imports are the one exception: all of their
//! rows go into one transaction of their own, with one audit entry, so an import lands whole or
//! not at all. Changes that remove or restore entries recount in the transaction that makes
//! them.

use super::audit::audit_event;
use super::entries::{new_referral_code, new_user_id};
use super::{Engine, EngineError, EngineResult, Giveaway, Principal};
use fairdraw_core::entry_methods::{USER_DETAILS, catalog};
use fairdraw_core::page::{PageInfo, PageRequest};
use fairdraw_core::validation::{Email, FieldErrors, text};
use fairdraw_store::audit::AuditEvent;
use fairdraw_store::entries::{Entrant, EntryLimits, NewEntry, Recording, Refusal};
use fairdraw_store::participants::{
    AccountEntryRow, AccountGiveawayRow, EntryQuery, EntryRow, EntrySort, ExportCursor, ParticipantEntryRow,
    ParticipantRow, ParticipantSort, StatusChange,
};
use fairdraw_store::{Db, StoreError};
use serde::Deserialize;
use utoipa::ToSchema;

/// Entries per bulk request, as the reference documents.
pub const MAX_BULK: usize = 100;
/// Entries per import request: one transaction each.
pub const MAX_IMPORT: usize = 10_000;
/// Entries in a JSON export, as the reference documents. CSV and NDJSON exports stream without a cap.
pub const MAX_EXPORT: usize = 10_000;
/// Rows read per page of a streamed export.
pub const EXPORT_PAGE: i64 = 1_000;
/// Entries one grant may award: far beyond any real use, far below overflowing the counters.
pub const MAX_AMOUNT: i64 = 1_000_000;
const MAX_NAME: usize = 255;
/// The catalog's "Free Bonus Entries" type, which bonus grants are recorded as.
const BONUS_ENTRIES: i64 = 4;

/// One entry to create: the body of `POST …/entries` and each item of a bulk or import.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct EntryInput {
    /// Required. The participant's e-mail: a new one creates the participant.
    #[schema(required = true)]
    pub user_email: Option<String>,
    /// Required. The participant's display name (kept as it is for an existing participant).
    #[schema(required = true)]
    pub user_name: Option<String>,
    /// Entries to award, 1 to 1,000,000. Required on `POST …/entries`; 1 by default in bulk and imports.
    pub entry_amount: Option<i64>,
}

/// The body of `POST …/entries/bulk` and `POST …/entries/import`.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct BulkInput {
    /// Required: at most 100 for bulk, 10,000 for an import.
    pub entries: Option<Vec<EntryInput>>,
}

/// The body of `POST …/participants/{user_id}/add-entries`.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct BonusInput {
    /// Required: bonus entries to add, 1 to 1,000,000.
    pub amount: Option<i64>,
}

/// A manual entry, validated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManualEntry {
    pub email: Email,
    pub name: String,
    pub amount: i64,
}

impl ManualEntry {
    /// Checks one entry; `prefix` names the item in a bulk request (`entries[3].`). The amount
    /// defaults to 1 unless `amount_required`.
    pub fn parse(input: &EntryInput, amount_required: bool, prefix: &str) -> Result<ManualEntry, FieldErrors> {
        let mut errors = FieldErrors::new();
        let field = |name: &str| format!("{prefix}{name}");
        let email = match input.user_email.as_deref().map(Email::parse) {
            None => {
                errors.add(field("user_email"), "User email is required.");
                None
            }
            Some(Err(message)) => {
                errors.add(field("user_email"), message);
                None
            }
            Some(Ok(email)) => Some(email),
        };
        let name = input.user_name.as_deref().unwrap_or("").trim().to_owned();
        text(&mut errors, &field("user_name"), "User name", &name, MAX_NAME);
        let amount = match input.entry_amount {
            None if amount_required => {
                errors.add(field("entry_amount"), "Entry amount is required.");
                0
            }
            None => 1,
            Some(n) => {
                check_amount(&mut errors, &field("entry_amount"), n);
                n
            }
        };
        errors.into_result()?;
        Ok(ManualEntry {
            email: email.expect("checked above"),
            name,
            amount,
        })
    }

    fn entrant(&self) -> Entrant {
        Entrant {
            email: self.email.as_str().to_owned(),
            name: self.name.clone(),
            country: None,
            birthday: None,
            ip: None,
            referred_by_code: None,
            // The owner vouches for the people they add.
            verified: true,
        }
    }

    fn entry(&self) -> NewEntry {
        NewEntry {
            entry_method_id: None,
            method_type: USER_DETAILS,
            amount: self.amount,
            value: None,
        }
    }
}

fn check_amount(errors: &mut FieldErrors, field: &str, n: i64) {
    if !(1..=MAX_AMOUNT).contains(&n) {
        errors.add(field, format!("Must be between 1 and {MAX_AMOUNT}."));
    }
}

/// The catalog name of an entry's method type.
pub fn method_name(method_type: i64) -> &'static str {
    catalog::find(method_type).map_or("Unknown", |t| t.name)
}

/// Why a recording was refused, as the client reads it.
pub fn refusal_message(r: &Refusal) -> &'static str {
    match r {
        Refusal::Banned => "This participant is banned from this giveaway.",
        Refusal::Disqualified => "This participant is disqualified from this giveaway.",
        Refusal::MaxParticipants => "The giveaway has reached its maximum number of participants.",
        Refusal::MaxEntriesPerUser => "This would take the participant past the giveaway's maximum entries per user.",
    }
}

/// The filters of the entries list and export, from their query values. Bad values are 400s,
/// as for every list's query.
#[derive(Clone, Debug, Default)]
pub struct EntryFilterInput<'a> {
    pub entry_method: Option<i64>,
    pub is_verified: Option<i64>,
    pub date_from: Option<&'a str>,
    pub date_to: Option<&'a str>,
    pub search: Option<&'a str>,
}

impl EntryFilterInput<'_> {
    /// `is_verified` defaults to 1 in lists; exports take every entry unless told.
    pub fn parse(&self, verified_by_default: bool) -> EngineResult<EntryQuery> {
        let method_type = match self.entry_method {
            Some(id) if catalog::find(id).is_none() => {
                return Err(bad(format!(
                    "Invalid entry_method: {id} is not an entry method type (see GET /v2/entry-method-types)."
                )));
            }
            other => other,
        };
        let verified = match self.is_verified {
            None => verified_by_default.then_some(true),
            Some(0) => Some(false),
            Some(1) => Some(true),
            Some(_) => return Err(bad("Invalid is_verified: use 0 or 1.".to_owned())),
        };
        let from_ms = self.date_from.map(|d| day_start("date_from", d)).transpose()?;
        let to_ms = match self.date_to {
            None => None,
            Some(d) => Some(day_start("date_to", d)? + DAY_MS),
        };
        if let (Some(from), Some(to)) = (from_ms, to_ms)
            && from >= to
        {
            return Err(bad("Invalid date range: date_from is after date_to.".to_owned()));
        }
        let search = self.search.map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty());
        Ok(EntryQuery {
            method_type,
            verified,
            from_ms,
            to_ms,
            search,
        })
    }
}

const DAY_MS: i64 = 86_400_000;

fn bad(message: String) -> EngineError {
    EngineError::BadRequest(message)
}

/// Midnight UTC of a `YYYY-MM-DD` date, in Unix ms.
fn day_start(name: &str, value: &str) -> EngineResult<i64> {
    let invalid = || bad(format!("Invalid {name}: use a date as YYYY-MM-DD."));
    if value.len() != 10 {
        return Err(invalid());
    }
    let date = jiff::civil::Date::strptime("%Y-%m-%d", value).map_err(|_| invalid())?;
    let start = date.to_zoned(jiff::tz::TimeZone::UTC).map_err(|_| invalid())?;
    Ok(start.timestamp().as_millisecond())
}

/// A created entry with the participant it went to.
#[derive(Clone, Debug)]
pub struct CreatedEntry {
    pub entry: EntryRow,
    pub is_new_user: bool,
}

/// What a bulk request did. Items that failed are named by their index in the request.
#[derive(Clone, Debug, Default)]
pub struct BulkOutcome {
    pub created: usize,
    pub total: usize,
    pub errors: Vec<ItemError>,
}

#[derive(Clone, Debug)]
pub struct ItemError {
    pub index: usize,
    pub message: String,
    pub details: Option<FieldErrors>,
}

/// What an import did.
#[derive(Clone, Copy, Debug)]
pub struct ImportOutcome {
    pub created: usize,
    pub new_participants: usize,
}

/// A participant with every entry they have, valid or not.
#[derive(Clone, Debug)]
pub struct ParticipantDetail {
    pub participant: ParticipantRow,
    pub entries: Vec<ParticipantEntryRow>,
}

/// A streamed export, read page by page so that memory stays flat however many rows there are.
#[derive(Clone, Debug)]
pub struct EntryExport {
    db: Db,
    giveaway_id: i64,
    query: EntryQuery,
    cursor: Option<ExportCursor>,
    done: bool,
}

impl EntryExport {
    /// The next page, or `None` after the last.
    pub async fn next_page(&mut self) -> EngineResult<Option<Vec<EntryRow>>> {
        if self.done {
            return Ok(None);
        }
        let rows = self
            .db
            .export_page(self.giveaway_id, &self.query, self.cursor, EXPORT_PAGE)
            .await?;
        self.done = rows.len() < EXPORT_PAGE as usize;
        match rows.last() {
            Some(last) => {
                self.cursor = Some(ExportCursor {
                    created_at: last.created_at,
                    id: last.id,
                });
                Ok(Some(rows))
            }
            None => Ok(None),
        }
    }
}

fn participant_not_found(e: StoreError) -> EngineError {
    match e {
        StoreError::NotFound => EngineError::NotFound("Participant"),
        other => other.into(),
    }
}

impl Engine {
    pub async fn list_entries(
        &self,
        who: &Principal,
        id: i64,
        query: &EntryQuery,
        sort: EntrySort,
        page: PageRequest,
    ) -> EngineResult<(Vec<EntryRow>, PageInfo)> {
        self.owned_giveaway(who, id).await?;
        let (rows, total) = self
            .db()
            .list_giveaway_entries(id, query, sort, page.limit(), page.offset())
            .await?;
        Ok((rows, PageInfo::new(page, u64::try_from(total).unwrap_or(0))))
    }

    pub async fn get_entry(&self, who: &Principal, id: i64, entry_id: i64) -> EngineResult<EntryRow> {
        self.owned_giveaway(who, id).await?;
        self.entry_row(id, entry_id).await
    }

    async fn entry_row(&self, id: i64, entry_id: i64) -> EngineResult<EntryRow> {
        self.db().entry(id, entry_id).await.map_err(|e| match e {
            StoreError::NotFound => EngineError::NotFound("Entry"),
            other => other.into(),
        })
    }

    pub async fn create_entry(&self, who: &Principal, id: i64, input: EntryInput) -> EngineResult<CreatedEntry> {
        let g = self.owned_giveaway(who, id).await?;
        let entry = ManualEntry::parse(&input, true, "")?;
        let recorded = self
            .record_entries_audited(&g, entry.entrant(), vec![entry.entry()], manual_entry_event(who, id))
            .await?
            .map_err(|r| EngineError::Conflict(refusal_message(&r).to_owned()))?;
        let entry_id = recorded.entry_ids[0];
        Ok(CreatedEntry {
            entry: self.entry_row(id, entry_id).await?,
            is_new_user: recorded.is_new,
        })
    }

    /// Creates up to [`MAX_BULK`] entries, each on its own: an invalid or refused item fails
    /// alone and is reported with its index.
    pub async fn bulk_entries(&self, who: &Principal, id: i64, input: BulkInput) -> EngineResult<BulkOutcome> {
        let g = self.owned_giveaway(who, id).await?;
        let items = bulk_items(
            input,
            MAX_BULK,
            "use POST /v2/giveaways/{id}/entries/import for up to 10,000",
        )?;
        let mut outcome = BulkOutcome {
            total: items.len(),
            ..BulkOutcome::default()
        };
        // Submitted together, the items share the entry writer's transactions.
        let mut pending = tokio::task::JoinSet::new();
        for (index, item) in items.iter().enumerate() {
            match ManualEntry::parse(item, false, "") {
                Err(details) => outcome.errors.push(ItemError {
                    index,
                    message: first_message(&details),
                    details: Some(details),
                }),
                Ok(entry) => {
                    let (engine, g) = (self.clone(), g.clone());
                    let audit = manual_entry_event(who, id).with("bulk_index", index);
                    pending.spawn(async move {
                        let result = engine
                            .record_entries_audited(&g, entry.entrant(), vec![entry.entry()], audit)
                            .await;
                        (index, result)
                    });
                }
            }
        }
        while let Some(joined) = pending.join_next().await {
            let (index, result) = joined.map_err(|e| EngineError::Internal(Box::new(e)))?;
            match result? {
                Ok(_) => outcome.created += 1,
                Err(refusal) => outcome.errors.push(ItemError {
                    index,
                    message: refusal_message(&refusal).to_owned(),
                    details: None,
                }),
            }
        }
        outcome.errors.sort_by_key(|e| e.index);
        Ok(outcome)
    }

    /// Creates up to [`MAX_IMPORT`] entries in one transaction: any invalid or refused item
    /// fails the whole import (422, naming the items), and then nothing is written.
    pub async fn import_entries(&self, who: &Principal, id: i64, input: BulkInput) -> EngineResult<ImportOutcome> {
        let g = self.owned_giveaway(who, id).await?;
        self.check_entries_open(&g)?;
        let items = bulk_items(input, MAX_IMPORT, "split larger imports into several requests")?;
        let mut errors = FieldErrors::new();
        let mut entries = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            match ManualEntry::parse(item, false, &format!("entries[{index}].")) {
                Ok(entry) => entries.push(entry),
                Err(e) => {
                    for (field, message) in e.iter() {
                        errors.add(field, message);
                    }
                }
            }
        }
        errors.into_result()?;
        let now = self.now_ms();
        let limits = entry_limits(&g);
        let batch: Vec<Recording> = entries
            .iter()
            .map(|e| Recording {
                giveaway_id: id,
                entrant: e.entrant(),
                entries: vec![e.entry()],
                limits,
                new_user_id: new_user_id(now),
                new_referral_code: new_referral_code(now),
                now,
                public: None,
                audit: None,
            })
            .collect();
        let db = self.db();
        // One entry for the import, with its counts: the store adds them.
        let audit = audit_event(who, "entries.imported", Some(id), serde_json::json!({}));
        // A participant created by a concurrent entry at the same moment is found on a second try.
        let result = match db.record_all(&batch, &audit).await {
            Err(StoreError::Conflict(_)) => db.record_all(&batch, &audit).await?,
            other => other?,
        };
        match result {
            Ok(recorded) => Ok(ImportOutcome {
                created: recorded.len(),
                new_participants: recorded.iter().filter(|r| r.is_new).count(),
            }),
            Err((index, refusal)) => {
                Err(FieldErrors::one(format!("entries[{index}]"), refusal_message(&refusal)).into())
            }
        }
    }

    pub async fn delete_entry(&self, who: &Principal, id: i64, entry_id: i64) -> EngineResult<()> {
        self.owned_giveaway(who, id).await?;
        let audit = audit_event(
            who,
            "entry.deleted",
            Some(id),
            serde_json::json!({ "entry_id": entry_id }),
        );
        self.db()
            .delete_entry(id, entry_id, &audit, self.now_ms())
            .await
            .map_err(|e| match e {
                StoreError::NotFound => EngineError::NotFound("Entry"),
                other => other.into(),
            })
    }

    /// The first [`MAX_EXPORT`] entries in time order, and whether there were more.
    pub async fn export_entries(
        &self,
        who: &Principal,
        id: i64,
        query: &EntryQuery,
    ) -> EngineResult<(Vec<EntryRow>, bool)> {
        self.owned_giveaway(who, id).await?;
        let cap = MAX_EXPORT as i64;
        let mut rows = self.db().export_page(id, query, None, cap + 1).await?;
        let truncated = rows.len() > MAX_EXPORT;
        rows.truncate(MAX_EXPORT);
        Ok((rows, truncated))
    }

    /// Every entry matching `query`, for streaming: the giveaway is checked now, the rows are
    /// read as the client takes them.
    pub async fn stream_entries(&self, who: &Principal, id: i64, query: EntryQuery) -> EngineResult<EntryExport> {
        self.owned_giveaway(who, id).await?;
        Ok(EntryExport {
            db: self.db().clone(),
            giveaway_id: id,
            query,
            cursor: None,
            done: false,
        })
    }

    /// Participants of one standing (`None`: every standing).
    pub async fn list_participants(
        &self,
        who: &Principal,
        id: i64,
        status: Option<&str>,
        sort: ParticipantSort,
        page: PageRequest,
    ) -> EngineResult<(Vec<ParticipantRow>, PageInfo)> {
        self.owned_giveaway(who, id).await?;
        let (rows, total) = self
            .db()
            .list_participants(id, status, sort, page.limit(), page.offset())
            .await?;
        Ok((rows, PageInfo::new(page, u64::try_from(total).unwrap_or(0))))
    }

    pub async fn participant(&self, who: &Principal, id: i64, user_id: &str) -> EngineResult<ParticipantDetail> {
        self.owned_giveaway(who, id).await?;
        let participant = self
            .db()
            .participant_by_user_id(id, user_id)
            .await
            .map_err(participant_not_found)?;
        self.detail(participant).await
    }

    async fn detail(&self, participant: ParticipantRow) -> EngineResult<ParticipantDetail> {
        let entries = self.db().participant_entries(participant.id).await?;
        Ok(ParticipantDetail { participant, entries })
    }

    /// The participant with exactly this e-mail (any case), as a list of zero or one.
    pub async fn search_participants(&self, who: &Principal, id: i64, q: &str) -> EngineResult<Vec<ParticipantDetail>> {
        self.owned_giveaway(who, id).await?;
        let email = Email::lookup_key(q);
        if email.is_empty() {
            return Err(bad(
                "The q parameter is required: the e-mail address to look for.".to_owned()
            ));
        }
        match self.db().participant_by_email(id, &email).await? {
            Some(p) => Ok(vec![self.detail(p).await?]),
            None => Ok(Vec::new()),
        }
    }

    /// Entries made with an e-mail across the caller's account: every brand's giveaways, no
    /// other account's, none deleted.
    pub async fn entries_by_email(&self, who: &Principal, email: &str) -> EngineResult<Vec<AccountEntryRow>> {
        let email = Email::lookup_key(email);
        Ok(self.db().account_entries_by_email(who.account_id, &email).await?)
    }

    /// The giveaways of the caller's account an e-mail has entered.
    pub async fn giveaways_by_email(&self, who: &Principal, email: &str) -> EngineResult<Vec<AccountGiveawayRow>> {
        let email = Email::lookup_key(email);
        Ok(self.db().account_giveaways_by_email(who.account_id, &email).await?)
    }

    /// Adds bonus entries to a participant; returns their new total.
    pub async fn add_bonus_entries(
        &self,
        who: &Principal,
        id: i64,
        user_id: &str,
        input: BonusInput,
    ) -> EngineResult<i64> {
        let g = self.owned_giveaway(who, id).await?;
        let p = self
            .db()
            .participant_by_user_id(id, user_id)
            .await
            .map_err(participant_not_found)?;
        let mut errors = FieldErrors::new();
        match input.amount {
            None => errors.add("amount", "Amount is required."),
            Some(n) => check_amount(&mut errors, "amount", n),
        }
        errors.into_result()?;
        let amount = input.amount.unwrap_or_default();
        let entrant = Entrant {
            email: p.email,
            name: p.name,
            country: p.country,
            birthday: p.birthday,
            ip: None,
            referred_by_code: None,
            verified: p.is_verified != 0,
        };
        let bonus = NewEntry {
            entry_method_id: None,
            method_type: BONUS_ENTRIES,
            amount,
            value: None,
        };
        let audit = audit_event(
            who,
            "participant.bonus_entries_added",
            Some(id),
            serde_json::json!({ "amount": amount }),
        );
        let recorded = self
            .record_entries_audited(&g, entrant, vec![bonus], audit)
            .await?
            .map_err(|r| EngineError::Conflict(refusal_message(&r).to_owned()))?;
        Ok(recorded.total_entries)
    }

    /// Bans, unbans or disqualifies a participant. Repeating a change is harmless.
    pub async fn change_participant_status(
        &self,
        who: &Principal,
        id: i64,
        user_id: &str,
        change: StatusChange,
    ) -> EngineResult<()> {
        self.owned_giveaway(who, id).await?;
        let p = self
            .db()
            .participant_by_user_id(id, user_id)
            .await
            .map_err(participant_not_found)?;
        let action = match change {
            StatusChange::Ban => "participant.banned",
            StatusChange::Unban => "participant.unbanned",
            StatusChange::Disqualify => "participant.disqualified",
        };
        // The participant's ids, never their e-mail address.
        let audit = audit_event(
            who,
            action,
            Some(id),
            serde_json::json!({ "participant_id": p.id, "user_id": p.user_id }),
        );
        self.db()
            .change_participant_status(id, p.id, change, &audit, self.now_ms())
            .await
            .map_err(participant_not_found)
    }
}

/// The entry of an organiser's manual entry: the store adds the participant's and the entry's
/// ids, never the e-mail address or name given.
fn manual_entry_event(who: &Principal, giveaway_id: i64) -> AuditEvent {
    audit_event(who, "entry.created", Some(giveaway_id), serde_json::json!({}))
}

fn entry_limits(g: &Giveaway) -> EntryLimits {
    EntryLimits {
        max_participants: i64::from(g.rules_config.max_total_participants),
        max_entries_per_user: i64::from(g.rules_config.max_entries_per_user),
    }
}

/// The items of a bulk or import body, within `max`.
fn bulk_items(input: BulkInput, max: usize, hint: &str) -> Result<Vec<EntryInput>, FieldErrors> {
    match input.entries {
        None => Err(FieldErrors::one("entries", "Entries is required.")),
        Some(items) if items.is_empty() => Err(FieldErrors::one("entries", "At least one entry is required.")),
        Some(items) if items.len() > max => Err(FieldErrors::one(
            "entries",
            format!("At most {max} entries per request ({} sent): {hint}.", items.len()),
        )),
        Some(items) => Ok(items),
    }
}

fn first_message(e: &FieldErrors) -> String {
    e.iter()
        .next()
        .map_or_else(String::new, |(field, message)| format!("{field}: {message}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(email: Option<&str>, name: Option<&str>, amount: Option<i64>) -> EntryInput {
        EntryInput {
            user_email: email.map(str::to_owned),
            user_name: name.map(str::to_owned),
            entry_amount: amount,
        }
    }

    fn fields(e: &FieldErrors) -> Vec<&str> {
        e.iter().map(|(f, _)| f).collect()
    }

    #[test]
    fn a_manual_entry_needs_its_three_fields() {
        let ok = ManualEntry::parse(&input(Some("John@Example.com"), Some(" John Doe "), Some(5)), true, "").unwrap();
        assert_eq!(
            (ok.email.as_str(), ok.name.as_str(), ok.amount),
            ("john@example.com", "John Doe", 5)
        );
        let e = ManualEntry::parse(&input(None, None, None), true, "").unwrap_err();
        assert_eq!(fields(&e), ["entry_amount", "user_email", "user_name"]);
        let e = ManualEntry::parse(&input(Some("nope"), Some(" "), Some(0)), true, "").unwrap_err();
        assert_eq!(fields(&e), ["entry_amount", "user_email", "user_name"]);
        let e = ManualEntry::parse(
            &input(Some("a@b.co"), Some(&"x".repeat(256)), Some(MAX_AMOUNT + 1)),
            true,
            "",
        )
        .unwrap_err();
        assert_eq!(fields(&e), ["entry_amount", "user_name"]);
    }

    #[test]
    fn bulk_items_default_to_one_entry_and_name_their_index() {
        let ok = ManualEntry::parse(&input(Some("a@b.co"), Some("A"), None), false, "entries[0].").unwrap();
        assert_eq!(ok.amount, 1);
        let e = ManualEntry::parse(&input(Some("a@b.co"), None, Some(-1)), false, "entries[7].").unwrap_err();
        assert_eq!(fields(&e), ["entries[7].entry_amount", "entries[7].user_name"]);
        let limit = bulk_items(
            BulkInput {
                entries: Some(vec![EntryInput::default(); 3]),
            },
            2,
            "hint",
        );
        assert_eq!(fields(&limit.unwrap_err()), ["entries"]);
        assert!(bulk_items(BulkInput { entries: Some(vec![]) }, 2, "").is_err());
        assert!(bulk_items(BulkInput { entries: None }, 2, "").is_err());
    }

    #[test]
    fn filters_take_whole_utc_days() {
        let q = EntryFilterInput {
            date_from: Some("2026-06-15"),
            date_to: Some("2026-06-15"),
            search: Some("  Jane@ "),
            ..EntryFilterInput::default()
        }
        .parse(true)
        .unwrap();
        assert_eq!(q.from_ms, Some(1_781_481_600_000));
        assert_eq!(q.to_ms, Some(1_781_481_600_000 + DAY_MS));
        assert_eq!((q.verified, q.search.as_deref()), (Some(true), Some("jane@")));
        let all = EntryFilterInput::default().parse(false).unwrap();
        assert_eq!((all.verified, all.method_type), (None, None));
    }

    #[test]
    fn bad_filters_are_rejected() {
        let parse = |f: EntryFilterInput<'_>| f.parse(true).is_err();
        assert!(parse(EntryFilterInput {
            date_from: Some("2026-6-15"),
            ..EntryFilterInput::default()
        }));
        assert!(parse(EntryFilterInput {
            date_to: Some("2026-02-30"),
            ..EntryFilterInput::default()
        }));
        assert!(parse(EntryFilterInput {
            date_from: Some("2026-06-16"),
            date_to: Some("2026-06-15"),
            ..EntryFilterInput::default()
        }));
        assert!(parse(EntryFilterInput {
            is_verified: Some(2),
            ..EntryFilterInput::default()
        }));
        assert!(parse(EntryFilterInput {
            entry_method: Some(99_999),
            ..EntryFilterInput::default()
        }));
    }

    #[test]
    fn names_come_from_the_catalog() {
        assert_eq!(method_name(USER_DETAILS), "User Details");
        assert_eq!(method_name(BONUS_ENTRIES), "Free Bonus Entries");
        assert_eq!(method_name(-1), "Unknown");
    }
}
