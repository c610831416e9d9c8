//! A giveaway's whitelist (e-mails allowed to enter) and blacklist (e-mails, addresses and
//! ranges refused). Values arrive normalised from the core; uniqueness per giveaway is the
//! tables' unique index, and the size cap is checked under a lock on the giveaway's row so that
//! two concurrent additions cannot pass it together.

use crate::audit::{self, AuditEvent};
use crate::db::Db;
use crate::error::{StoreError, StoreResult};
use sqlx::{Any, AssertSqlSafe, FromRow, Transaction};
use std::collections::HashSet;

/// Which list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum List {
    Whitelist,
    Blacklist,
}

impl List {
    fn table(self) -> &'static str {
        match self {
            List::Whitelist => "whitelist",
            List::Blacklist => "blacklist",
        }
    }

    fn value_column(self) -> &'static str {
        match self {
            List::Whitelist => "email",
            List::Blacklist => "value",
        }
    }

    /// The whitelist holds e-mails only, so it has no `kind` column.
    fn kind_column(self) -> &'static str {
        match self {
            List::Whitelist => "'email'",
            List::Blacklist => "kind",
        }
    }
}

/// One stored value.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct ListEntry {
    pub id: i64,
    pub value: String,
    /// "email", "ip" or "cidr".
    pub kind: String,
}

/// A value to add, normalised, with its kind.
#[derive(Clone, Copy, Debug)]
pub struct NewListValue<'a> {
    pub value: &'a str,
    pub kind: &'a str,
}

/// What an addition did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListAddition {
    /// `added` values are new; `already_listed` were there before.
    Added { added: u64, already_listed: u64 },
    /// Adding the new values would pass the cap; nothing was written. `room` values still fit.
    Full { room: u64 },
}

/// Rows per multi-row statement: at most 2 parameters each stays far below both backends' limits.
const ROWS_PER_STATEMENT: usize = 500;

/// `$first, $first+1, …` for `n` values, with `per_row` placeholders grouped per row when
/// `per_row > 1`.
fn placeholders(first: usize, n: usize, per_row: usize, row: impl Fn(&[String]) -> String) -> String {
    (0..n)
        .map(|i| {
            let params: Vec<String> = (0..per_row).map(|j| format!("${}", first + i * per_row + j)).collect();
            row(&params)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl Db {
    /// One page of a list, oldest first, and the list's size.
    pub async fn list_values_page(
        &self,
        list: List,
        giveaway_id: i64,
        limit: i64,
        offset: i64,
    ) -> StoreResult<(Vec<ListEntry>, i64)> {
        let sql = format!(
            "SELECT id, {} AS value, {} AS kind FROM {} WHERE giveaway_id = $1 ORDER BY id LIMIT $2 OFFSET $3",
            list.value_column(),
            list.kind_column(),
            list.table()
        );
        let rows = sqlx::query_as(AssertSqlSafe(sql))
            .bind(giveaway_id)
            .bind(limit)
            .bind(offset)
            .fetch_all(self.reader())
            .await?;
        let total = self.count_list(list, giveaway_id).await?;
        Ok((rows, total))
    }

    pub async fn count_list(&self, list: List, giveaway_id: i64) -> StoreResult<i64> {
        let sql = format!("SELECT COUNT(*) FROM {} WHERE giveaway_id = $1", list.table());
        let (n,): (i64,) = sqlx::query_as(AssertSqlSafe(sql))
            .bind(giveaway_id)
            .fetch_one(self.reader())
            .await?;
        Ok(n)
    }

    /// Adds the values not listed yet, unless that would take the list past `cap` entries, in
    /// which case nothing is added. `values` must be distinct. An addition of anything is
    /// recorded by `audit`, with the counts and the new entries' ids, never the values.
    pub async fn add_list_values(
        &self,
        list: List,
        giveaway_id: i64,
        values: &[NewListValue<'_>],
        cap: u64,
        audit: &AuditEvent,
        now: i64,
    ) -> StoreResult<ListAddition> {
        let mut tx = self.begin_write().await?;
        // Serialises additions to one giveaway's lists (a row lock on PostgreSQL; SQLite has a
        // single writer anyway) so the count below stays true until commit.
        let locked = sqlx::query("UPDATE giveaways SET updated_at = updated_at WHERE id = $1 AND deleted_at IS NULL")
            .bind(giveaway_id)
            .execute(&mut *tx)
            .await?;
        if locked.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let sql = format!(
            "SELECT {} FROM {} WHERE giveaway_id = $1",
            list.value_column(),
            list.table()
        );
        let listed: HashSet<String> = sqlx::query_scalar(AssertSqlSafe(sql))
            .bind(giveaway_id)
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .collect();
        let fresh: Vec<&NewListValue<'_>> = values.iter().filter(|v| !listed.contains(v.value)).collect();
        let size = listed.len() as u64;
        if size + fresh.len() as u64 > cap {
            return Ok(ListAddition::Full {
                room: cap.saturating_sub(size),
            });
        }
        let mut ids = Vec::with_capacity(fresh.len());
        for chunk in fresh.chunks(ROWS_PER_STATEMENT) {
            ids.extend(insert_rows(&mut tx, list, giveaway_id, chunk, now).await?);
        }
        let already_listed = (values.len() - fresh.len()) as u64;
        if !ids.is_empty() {
            ids.sort_unstable();
            let audit = audit
                .with("added", ids.len())
                .with("already_listed", already_listed)
                .with("entry_ids", ids.clone());
            audit::append_in(&mut tx, &audit, now).await?;
        }
        tx.commit().await?;
        Ok(ListAddition::Added {
            added: ids.len() as u64,
            already_listed,
        })
    }

    /// Removes the listed values among `values`; returns how many were removed. A removal of
    /// anything is recorded by `audit`, with the count and the removed entries' ids.
    pub async fn remove_list_values(
        &self,
        list: List,
        giveaway_id: i64,
        values: &[String],
        audit: &AuditEvent,
        now: i64,
    ) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let mut ids: Vec<i64> = Vec::new();
        for chunk in values.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "DELETE FROM {} WHERE giveaway_id = $1 AND {} IN ({}) RETURNING id",
                list.table(),
                list.value_column(),
                placeholders(2, chunk.len(), 1, |p| p[0].clone())
            );
            let mut q = sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql)).bind(giveaway_id);
            for v in chunk {
                q = q.bind(v);
            }
            ids.extend(q.fetch_all(&mut *tx).await?);
        }
        if !ids.is_empty() {
            ids.sort_unstable();
            let audit = audit.with("removed", ids.len()).with("entry_ids", ids.clone());
            audit::append_in(&mut tx, &audit, now).await?;
        }
        tx.commit().await?;
        Ok(ids.len() as u64)
    }

    /// Removes one entry by its id, recorded by `audit`; `NotFound` if the giveaway's list has
    /// no such entry.
    pub async fn remove_list_entry(
        &self,
        list: List,
        giveaway_id: i64,
        entry_id: i64,
        audit: &AuditEvent,
        now: i64,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let sql = format!("DELETE FROM {} WHERE giveaway_id = $1 AND id = $2", list.table());
        let done = sqlx::query(AssertSqlSafe(sql))
            .bind(giveaway_id)
            .bind(entry_id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let audit = audit.with("removed", 1).with("entry_ids", vec![entry_id]);
        audit::append_in(&mut tx, &audit, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether the whitelist holds this (normalised) e-mail.
    pub async fn whitelist_contains(&self, giveaway_id: i64, email: &str) -> StoreResult<bool> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM whitelist WHERE giveaway_id = $1 AND email = $2")
            .bind(giveaway_id)
            .bind(email)
            .fetch_one(self.reader())
            .await?;
        Ok(n > 0)
    }

    /// The blacklist values that could cover an entrant: those equal to the (normalised)
    /// e-mail or address, and every range, which only the core can test.
    pub async fn blacklist_candidates(
        &self,
        giveaway_id: i64,
        email: Option<&str>,
        ip: Option<&str>,
    ) -> StoreResult<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT value FROM blacklist WHERE giveaway_id = $1 \
             AND (kind = 'cidr' OR value = $2 OR value = $3)",
        )
        .bind(giveaway_id)
        .bind(email.unwrap_or(""))
        .bind(ip.unwrap_or(""))
        .fetch_all(self.reader())
        .await?)
    }
}

/// Inserts `rows`; returns the ids of those inserted.
async fn insert_rows(
    tx: &mut Transaction<'static, Any>,
    list: List,
    giveaway_id: i64,
    rows: &[&NewListValue<'_>],
    now: i64,
) -> StoreResult<Vec<i64>> {
    // $1 is the giveaway and $2 the time; each row adds its value (and kind).
    let sql = match list {
        List::Whitelist => format!(
            "INSERT INTO whitelist (giveaway_id, email, created_at) VALUES {} ON CONFLICT DO NOTHING RETURNING id",
            placeholders(3, rows.len(), 1, |p| format!("($1, {}, $2)", p[0]))
        ),
        List::Blacklist => format!(
            "INSERT INTO blacklist (giveaway_id, value, kind, created_at) VALUES {} ON CONFLICT DO NOTHING RETURNING id",
            placeholders(3, rows.len(), 2, |p| format!("($1, {}, {}, $2)", p[0], p[1]))
        ),
    };
    let mut q = sqlx::query_scalar(AssertSqlSafe(sql)).bind(giveaway_id).bind(now);
    for row in rows {
        q = q.bind(row.value.to_owned());
        if list == List::Blacklist {
            q = q.bind(row.kind.to_owned());
        }
    }
    Ok(q.fetch_all(&mut **tx).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_placeholders_per_row() {
        assert_eq!(placeholders(2, 3, 1, |p| p[0].clone()), "$2, $3, $4");
        assert_eq!(
            placeholders(3, 2, 2, |p| format!("($1, {}, {}, $2)", p[0], p[1])),
            "($1, $3, $4, $2), ($1, $5, $6, $2)"
        );
    }
}
