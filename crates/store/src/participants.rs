//! Participants and their entries as the management API reads them: lists with filters and
//! sorts, exports read page by page, lookups across an account, and the changes that remove or
//! restore entries (delete, ban, unban, disqualify), each in one transaction with the recount of
//! the counters it moves.
//!
//! Entry lists show the entries that count: those still valid (`display_winner = 0`) of active
//! participants. A banned or disqualified participant's entries are read through the participant.
//!
//! The changes emit their webhook events in their own transaction: `entry.deleted`,
//! `participant.banned`, `participant.disqualified`, and `winner.removed` for the wins a
//! disqualification takes away.

use crate::audit::{self, AuditEvent};
use crate::db::Db;
use crate::draws::winner_removed_in;
use crate::entries::{lock_counters_in, recount_participant_in, retry_on_deadlock};
use crate::error::{StoreError, StoreResult};
use crate::events::Subscribers;
use fairdraw_core::events::EventKind;
use fairdraw_core::time::format_utc;
use serde_json::json;
use sqlx::{Any, AssertSqlSafe, FromRow, Transaction};

/// An entry with the participant who made it.
#[derive(Clone, Debug, FromRow)]
pub struct EntryRow {
    pub id: i64,
    pub user_id: String,
    pub user_name: String,
    pub user_email: String,
    pub method_type: i64,
    pub amount: i64,
    pub value: Option<String>,
    pub is_verified: i64,
    pub country: Option<String>,
    pub created_at: i64,
}

macro_rules! entry_select {
    () => {
        "SELECT e.id, p.user_id, p.name AS user_name, p.email AS user_email, e.method_type, e.amount, \
         e.value, e.is_verified, e.country, e.created_at \
         FROM entries e JOIN participants p ON p.id = e.participant_id"
    };
}

/// Which entries a list or an export covers. Times are Unix ms; `to_ms` is exclusive.
#[derive(Clone, Debug, Default)]
pub struct EntryQuery {
    pub method_type: Option<i64>,
    pub verified: Option<bool>,
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
    /// A lower-cased fragment of the participant's e-mail.
    pub search: Option<String>,
}

// Unset filters are bound as values that match everything, so the statement stays static:
// $2 method type (0 = any), $3 verified (-1 = any), [$4, $5) the time range, $6 a LIKE pattern ('' = any).
const ENTRY_FILTER: &str = "e.giveaway_id = $1 AND e.display_winner = 0 AND p.status = 'active' \
     AND ($2 = 0 OR e.method_type = $2) AND ($3 < 0 OR e.is_verified = $3) \
     AND e.created_at >= $4 AND e.created_at < $5 \
     AND ($6 = '' OR p.email LIKE $6 ESCAPE '\\')";

/// The values bound to [`ENTRY_FILTER`]'s placeholders.
impl EntryQuery {
    fn method_param(&self) -> i64 {
        self.method_type.unwrap_or(0)
    }

    fn verified_param(&self) -> i64 {
        self.verified.map_or(-1, i64::from)
    }

    fn start_param(&self) -> i64 {
        self.from_ms.unwrap_or(i64::MIN)
    }

    fn end_param(&self) -> i64 {
        self.to_ms.unwrap_or(i64::MAX)
    }

    fn pattern_param(&self) -> String {
        match self.search.as_deref().filter(|s| !s.is_empty()) {
            None => String::new(),
            Some(s) => {
                let escaped: String = s
                    .chars()
                    .flat_map(|c| match c {
                        '%' | '_' | '\\' => vec!['\\', c],
                        c => vec![c],
                    })
                    .collect();
                format!("%{escaped}%")
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntrySort {
    TimestampDesc,
    TimestampAsc,
    EntriesDesc,
    EntriesAsc,
}

impl EntrySort {
    fn order_by(self) -> &'static str {
        match self {
            EntrySort::TimestampDesc => "e.created_at DESC, e.id DESC",
            EntrySort::TimestampAsc => "e.created_at ASC, e.id ASC",
            EntrySort::EntriesDesc => "e.amount DESC, e.id DESC",
            EntrySort::EntriesAsc => "e.amount ASC, e.id ASC",
        }
    }
}

/// Where an export stopped: the last row's time and id. Exports read in (time, id) order, which
/// the `entries (giveaway_id, created_at)` index serves, so each page is an index range seek and
/// a million-row export costs the same per page at its end as at its start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExportCursor {
    pub created_at: i64,
    pub id: i64,
}

/// A participant as stored.
#[derive(Clone, Debug, FromRow)]
pub struct ParticipantRow {
    pub id: i64,
    pub user_id: String,
    pub email: String,
    pub name: String,
    pub country: Option<String>,
    pub birthday: Option<String>,
    /// active, banned or disqualified.
    pub status: String,
    pub is_verified: i64,
    pub total_entries: i64,
    pub created_at: i64,
}

macro_rules! participant_columns {
    () => {
        "id, user_id, email, name, country, birthday, status, is_verified, total_entries, created_at"
    };
}

/// One of a participant's entries, valid or not.
#[derive(Clone, Debug, FromRow)]
pub struct ParticipantEntryRow {
    pub id: i64,
    pub method_type: i64,
    pub amount: i64,
    pub value: Option<String>,
    pub is_verified: i64,
    /// 0 valid; 5 invalidated by a ban.
    pub display_winner: i64,
    pub created_at: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParticipantSort {
    TotalEntriesDesc,
    TotalEntriesAsc,
    NameAsc,
}

impl ParticipantSort {
    fn order_by(self) -> &'static str {
        match self {
            ParticipantSort::TotalEntriesDesc => "total_entries DESC, id ASC",
            ParticipantSort::TotalEntriesAsc => "total_entries ASC, id ASC",
            ParticipantSort::NameAsc => "LOWER(name) ASC, id ASC",
        }
    }
}

/// An entry found by e-mail across an account's giveaways.
#[derive(Clone, Debug, FromRow)]
pub struct AccountEntryRow {
    pub giveaway_id: i64,
    pub giveaway_title: String,
    pub method_type: i64,
    pub amount: i64,
    pub created_at: i64,
}

/// A giveaway an e-mail has entered, with that participant's total there.
#[derive(Clone, Debug, FromRow)]
pub struct AccountGiveawayRow {
    pub id: i64,
    pub title: String,
    pub total_entries: i64,
}

/// A change of a participant's standing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusChange {
    /// Blacklists the e-mail and invalidates every entry.
    Ban,
    /// Lifts a ban: the e-mail leaves the blacklist and the entries are valid again.
    Unban,
    /// Keeps the entries but takes them out of every count and draw, and gives back any prize won.
    Disqualify,
}

// The giveaways of an account that are not deleted, joined to the participant with that e-mail
// in each: the (giveaway_id, email) index answers each probe. $1 is the account, $2 the e-mail.
macro_rules! account_participants {
    () => {
        " FROM giveaways g JOIN brands b ON b.id = g.brand_id \
         JOIN participants p ON p.giveaway_id = g.id AND p.email = $2"
    };
}

macro_rules! account_scope {
    () => {
        " WHERE b.account_id = $1 AND g.deleted_at IS NULL"
    };
}

impl Db {
    pub async fn list_giveaway_entries(
        &self,
        giveaway_id: i64,
        q: &EntryQuery,
        sort: EntrySort,
        limit: i64,
        offset: i64,
    ) -> StoreResult<(Vec<EntryRow>, i64)> {
        let pattern = q.pattern_param();
        let sql = format!(
            "{} WHERE {ENTRY_FILTER} ORDER BY {} LIMIT $7 OFFSET $8",
            entry_select!(),
            sort.order_by()
        );
        let rows = sqlx::query_as(AssertSqlSafe(sql))
            .bind(giveaway_id)
            .bind(q.method_param())
            .bind(q.verified_param())
            .bind(q.start_param())
            .bind(q.end_param())
            .bind(&pattern)
            .bind(limit)
            .bind(offset)
            .fetch_all(self.reader())
            .await?;
        let count = format!(
            "SELECT COUNT(*) FROM entries e JOIN participants p ON p.id = e.participant_id WHERE {ENTRY_FILTER}"
        );
        let (total,): (i64,) = sqlx::query_as(AssertSqlSafe(count))
            .bind(giveaway_id)
            .bind(q.method_param())
            .bind(q.verified_param())
            .bind(q.start_param())
            .bind(q.end_param())
            .bind(&pattern)
            .fetch_one(self.reader())
            .await?;
        Ok((rows, total))
    }

    /// One entry of the giveaway, whatever its state.
    pub async fn entry(&self, giveaway_id: i64, entry_id: i64) -> StoreResult<EntryRow> {
        let sql = concat!(entry_select!(), " WHERE e.giveaway_id = $1 AND e.id = $2");
        Ok(sqlx::query_as(sql)
            .bind(giveaway_id)
            .bind(entry_id)
            .fetch_one(self.reader())
            .await?)
    }

    /// Up to `limit` entries after `after`, in (time, id) order.
    pub async fn export_page(
        &self,
        giveaway_id: i64,
        q: &EntryQuery,
        after: Option<ExportCursor>,
        limit: i64,
    ) -> StoreResult<Vec<EntryRow>> {
        // `created_at >= $4` bounds the index range; the last condition skips the rows of the
        // cursor's own millisecond that were already sent.
        let sql = format!(
            "{} WHERE {ENTRY_FILTER} AND (e.created_at > $7 OR e.id > $8) ORDER BY e.created_at ASC, e.id ASC LIMIT $9",
            entry_select!()
        );
        let from = match after {
            Some(c) => q.start_param().max(c.created_at),
            None => q.start_param(),
        };
        let (after_time, after_id) = after.map_or((i64::MIN, i64::MIN), |c| (c.created_at, c.id));
        Ok(sqlx::query_as(AssertSqlSafe(sql))
            .bind(giveaway_id)
            .bind(q.method_param())
            .bind(q.verified_param())
            .bind(from)
            .bind(q.end_param())
            .bind(q.pattern_param())
            .bind(after_time)
            .bind(after_id)
            .bind(limit)
            .fetch_all(self.reader())
            .await?)
    }

    /// Deletes an entry for good and recounts, in one transaction that also emits `entry.deleted`
    /// and records `audit`, completed with the participant's ids (never the e-mail address).
    pub async fn delete_entry(&self, giveaway_id: i64, entry_id: i64, audit: &AuditEvent, now: i64) -> StoreResult<()> {
        retry_on_deadlock(move || async move {
            let mut tx = self.begin_write().await?;
            lock_counters_in(&mut tx, giveaway_id).await?;
            let found: Option<DeletedEntry> = sqlx::query_as(
                "SELECT e.participant_id, p.user_id, p.email, m.entry_id AS entry_method_id, e.method_type, e.amount \
                 FROM entries e JOIN participants p ON p.id = e.participant_id \
                 LEFT JOIN entry_methods m ON m.id = e.entry_method_id WHERE e.giveaway_id = $1 AND e.id = $2",
            )
            .bind(giveaway_id)
            .bind(entry_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(entry) = found else {
                return Err(StoreError::NotFound);
            };
            sqlx::query("DELETE FROM entries WHERE giveaway_id = $1 AND id = $2")
                .bind(giveaway_id)
                .bind(entry_id)
                .execute(&mut *tx)
                .await?;
            recount_participant_in(&mut tx, giveaway_id, entry.participant_id).await?;
            let audit = audit
                .with("participant_id", entry.participant_id)
                .with("user_id", entry.user_id.clone())
                .with("entry_type", entry.method_type)
                .with("amount", entry.amount);
            audit::append_in(&mut tx, &audit, now).await?;
            let subs = Subscribers::of_giveaway_in(&mut tx, giveaway_id).await?;
            if subs.wants(EventKind::EntryDeleted) {
                let data = json!({
                    "giveaway_id": giveaway_id,
                    "entry_id": entry_id,
                    "user_id": entry.user_id,
                    "email": entry.email,
                    "entry_method_id": entry.entry_method_id,
                    "entry_type": entry.method_type,
                    "amount": entry.amount,
                    "deleted_at": format_utc(now),
                });
                let cause = format!("entry.deleted:{entry_id}");
                subs.emit_in(&mut tx, EventKind::EntryDeleted, &cause, &data, now)
                    .await?;
            }
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// Active, verified participants by default; `status` picks another standing, or all.
    pub async fn list_participants(
        &self,
        giveaway_id: i64,
        status: Option<&str>,
        sort: ParticipantSort,
        limit: i64,
        offset: i64,
    ) -> StoreResult<(Vec<ParticipantRow>, i64)> {
        const FILTER: &str = "giveaway_id = $1 AND is_verified = 1 AND ($2 = '' OR status = $2)";
        let status = status.unwrap_or("");
        let sql = format!(
            "SELECT {} FROM participants WHERE {FILTER} ORDER BY {} LIMIT $3 OFFSET $4",
            participant_columns!(),
            sort.order_by()
        );
        let rows = sqlx::query_as(AssertSqlSafe(sql))
            .bind(giveaway_id)
            .bind(status)
            .bind(limit)
            .bind(offset)
            .fetch_all(self.reader())
            .await?;
        let (total,): (i64,) = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM participants WHERE {FILTER}"
        )))
        .bind(giveaway_id)
        .bind(status)
        .fetch_one(self.reader())
        .await?;
        Ok((rows, total))
    }

    pub async fn participant_by_user_id(&self, giveaway_id: i64, user_id: &str) -> StoreResult<ParticipantRow> {
        let sql = concat!(
            "SELECT ",
            participant_columns!(),
            " FROM participants WHERE giveaway_id = $1 AND user_id = $2"
        );
        Ok(sqlx::query_as(sql)
            .bind(giveaway_id)
            .bind(user_id)
            .fetch_one(self.reader())
            .await?)
    }

    /// The participant with this (lower-cased) e-mail, if any.
    pub async fn participant_by_email(&self, giveaway_id: i64, email: &str) -> StoreResult<Option<ParticipantRow>> {
        let sql = concat!(
            "SELECT ",
            participant_columns!(),
            " FROM participants WHERE giveaway_id = $1 AND email = $2"
        );
        Ok(sqlx::query_as(sql)
            .bind(giveaway_id)
            .bind(email)
            .fetch_optional(self.reader())
            .await?)
    }

    /// Every entry of a participant, oldest first.
    pub async fn participant_entries(&self, participant_id: i64) -> StoreResult<Vec<ParticipantEntryRow>> {
        Ok(sqlx::query_as(
            "SELECT id, method_type, amount, value, is_verified, display_winner, created_at FROM entries \
             WHERE participant_id = $1 ORDER BY created_at ASC, id ASC",
        )
        .bind(participant_id)
        .fetch_all(self.reader())
        .await?)
    }

    /// Every entry made with this (lower-cased) e-mail in the account's giveaways, oldest first.
    pub async fn account_entries_by_email(&self, account_id: i64, email: &str) -> StoreResult<Vec<AccountEntryRow>> {
        let sql = concat!(
            "SELECT g.id AS giveaway_id, g.title AS giveaway_title, e.method_type, e.amount, e.created_at",
            account_participants!(),
            " JOIN entries e ON e.participant_id = p.id",
            account_scope!(),
            " ORDER BY e.created_at ASC, e.id ASC"
        );
        Ok(sqlx::query_as(sql)
            .bind(account_id)
            .bind(email)
            .fetch_all(self.reader())
            .await?)
    }

    /// The account's giveaways this (lower-cased) e-mail has entered, most recently entered first.
    pub async fn account_giveaways_by_email(
        &self,
        account_id: i64,
        email: &str,
    ) -> StoreResult<Vec<AccountGiveawayRow>> {
        let sql = concat!(
            "SELECT g.id, g.title, p.total_entries",
            account_participants!(),
            account_scope!(),
            " ORDER BY p.created_at DESC, g.id DESC"
        );
        Ok(sqlx::query_as(sql)
            .bind(account_id)
            .bind(email)
            .fetch_all(self.reader())
            .await?)
    }

    /// Applies a change of standing and recounts, in one transaction. Applying a change that is
    /// already in effect changes nothing. `now` stamps the blacklist row and removed winners.
    pub async fn change_participant_status(
        &self,
        giveaway_id: i64,
        participant_id: i64,
        change: StatusChange,
        audit: &AuditEvent,
        now: i64,
    ) -> StoreResult<()> {
        retry_on_deadlock(move || async move {
            let mut tx = self.begin_write().await?;
            lock_counters_in(&mut tx, giveaway_id).await?;
            let found: Option<(String, String, String, String)> = sqlx::query_as(
                "SELECT email, user_id, name, status FROM participants WHERE giveaway_id = $1 AND id = $2",
            )
            .bind(giveaway_id)
            .bind(participant_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((email, user_id, name, before)) = found else {
                return Err(StoreError::NotFound);
            };
            let event = match change {
                StatusChange::Ban => {
                    ban_in(&mut tx, giveaway_id, participant_id, &email, now).await?;
                    Some((EventKind::ParticipantBanned, "banned"))
                }
                StatusChange::Unban => {
                    unban_in(&mut tx, giveaway_id, participant_id, &email).await?;
                    None
                }
                StatusChange::Disqualify => {
                    disqualify_in(&mut tx, giveaway_id, participant_id, now).await?;
                    Some((EventKind::ParticipantDisqualified, "disqualified"))
                }
            };
            recount_participant_in(&mut tx, giveaway_id, participant_id).await?;
            let after = match change {
                StatusChange::Ban => "banned",
                StatusChange::Unban => "active",
                StatusChange::Disqualify => "disqualified",
            };
            // A change already in effect is neither recorded nor announced again.
            if after != before {
                audit::append_in(&mut tx, audit, now).await?;
            }
            if let Some((kind, status)) = event.filter(|(_, status)| *status != before) {
                let subs = Subscribers::of_giveaway_in(&mut tx, giveaway_id).await?;
                if subs.wants(kind) {
                    let data = json!({
                        "giveaway_id": giveaway_id,
                        "user_id": user_id,
                        "email": email,
                        "name": name,
                        "status": status,
                        "at": format_utc(now),
                    });
                    let cause = format!("{kind}:{participant_id}:{now}");
                    subs.emit_in(&mut tx, kind, &cause, &data, now).await?;
                }
            }
            tx.commit().await?;
            Ok(())
        })
        .await
    }
}

async fn ban_in(
    tx: &mut Transaction<'_, Any>,
    giveaway_id: i64,
    participant_id: i64,
    email: &str,
    now: i64,
) -> StoreResult<()> {
    sqlx::query("UPDATE participants SET status = 'banned' WHERE id = $1")
        .bind(participant_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE entries SET display_winner = 5 WHERE participant_id = $1")
        .bind(participant_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO blacklist (giveaway_id, value, kind, created_at) VALUES ($1, $2, 'email', $3) \
         ON CONFLICT DO NOTHING",
    )
    .bind(giveaway_id)
    .bind(email)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A disqualified participant stays disqualified: lifting a ban restores their entries but not
/// their place in the counts.
async fn unban_in(
    tx: &mut Transaction<'_, Any>,
    giveaway_id: i64,
    participant_id: i64,
    email: &str,
) -> StoreResult<()> {
    sqlx::query("UPDATE participants SET status = 'active' WHERE id = $1 AND status = 'banned'")
        .bind(participant_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE entries SET display_winner = 0 WHERE participant_id = $1")
        .bind(participant_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM blacklist WHERE giveaway_id = $1 AND value = $2")
        .bind(giveaway_id)
        .bind(email)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Removing the participant's winners (not deleting them: removal is recorded) is what frees
/// their prizes, whose counts are computed from winners not removed.
async fn disqualify_in(
    tx: &mut Transaction<'_, Any>,
    giveaway_id: i64,
    participant_id: i64,
    now: i64,
) -> StoreResult<()> {
    sqlx::query("UPDATE participants SET status = 'disqualified' WHERE id = $1")
        .bind(participant_id)
        .execute(&mut **tx)
        .await?;
    let removed: Vec<(i64,)> = sqlx::query_as(
        "UPDATE winners SET removed_at = $3 WHERE giveaway_id = $1 AND participant_id = $2 AND removed_at IS NULL \
         RETURNING id",
    )
    .bind(giveaway_id)
    .bind(participant_id)
    .bind(now)
    .fetch_all(&mut **tx)
    .await?;
    for (winner_id,) in removed {
        winner_removed_in(tx, winner_id, now).await?;
    }
    Ok(())
}

/// What `entry.deleted` says of the entry, read before it goes.
#[derive(FromRow)]
struct DeletedEntry {
    participant_id: i64,
    user_id: String,
    email: String,
    /// The method's number within the giveaway.
    entry_method_id: Option<i64>,
    method_type: i64,
    amount: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_patterns_escape_like_wildcards() {
        let q = |s: &str| EntryQuery {
            search: Some(s.to_owned()),
            ..EntryQuery::default()
        };
        assert_eq!(q("jane").pattern_param(), "%jane%");
        assert_eq!(q("a_b%c\\").pattern_param(), "%a\\_b\\%c\\\\%");
        assert_eq!(q("").pattern_param(), "");
        assert_eq!(EntryQuery::default().pattern_param(), "");
    }
}
