//! Entry methods configured on a giveaway: listing in display order, add, update, soft removal
//! and reordering.
//!
//! Changes that number or order methods (add, remove, reorder) first touch the giveaway's row
//! inside their transaction. On PostgreSQL that row lock serializes them per giveaway, so two
//! concurrent adds cannot take the same `entry_id`; on SQLite the single writer already does.

use crate::audit::{self, AuditEvent};
use crate::db::Db;
use crate::error::{StoreError, StoreResult};
use sqlx::{Any, FromRow, Transaction};

macro_rules! entry_method_columns {
    () => {
        "id, giveaway_id, entry_id, method_type, title, link, amount, required, daily, entry_order, \
         entry_level, icon_color, additional_instructions, widget_display, created_at"
    };
}

/// A configured entry method as stored.
#[derive(Clone, Debug, FromRow)]
pub struct EntryMethodRow {
    pub id: i64,
    pub giveaway_id: i64,
    /// The method's number within its giveaway.
    pub entry_id: i64,
    pub method_type: i64,
    pub title: Option<String>,
    pub link: Option<String>,
    pub amount: i64,
    pub required: i64,
    pub daily: i64,
    pub entry_order: i64,
    pub entry_level: Option<i64>,
    pub icon_color: Option<String>,
    pub additional_instructions: Option<String>,
    pub widget_display: i64,
    pub created_at: i64,
}

/// What a client sets on a method, ready to store. The type is written once, on insert.
#[derive(Clone, Debug)]
pub struct EntryMethodFields {
    pub method_type: i64,
    pub title: Option<String>,
    pub link: Option<String>,
    pub amount: i64,
    pub required: bool,
    pub daily: bool,
    pub additional_instructions: Option<String>,
    pub icon_color: Option<String>,
    pub widget_display: bool,
}

/// Locks the giveaway's row for the rest of the transaction (see the module documentation) and
/// checks that it still exists.
async fn lock_giveaway(tx: &mut Transaction<'static, Any>, giveaway_id: i64, now: i64) -> StoreResult<()> {
    let done = sqlx::query("UPDATE giveaways SET updated_at = $2 WHERE id = $1 AND deleted_at IS NULL")
        .bind(giveaway_id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

impl Db {
    /// The giveaway's methods that are not removed, in display order.
    pub async fn entry_methods(&self, giveaway_id: i64) -> StoreResult<Vec<EntryMethodRow>> {
        let sql = concat!(
            "SELECT ",
            entry_method_columns!(),
            " FROM entry_methods WHERE giveaway_id = $1 AND deleted_at IS NULL ORDER BY entry_order, id"
        );
        Ok(sqlx::query_as(sql).bind(giveaway_id).fetch_all(self.reader()).await?)
    }

    /// One method of the giveaway, not removed.
    pub async fn entry_method(&self, giveaway_id: i64, id: i64) -> StoreResult<EntryMethodRow> {
        let sql = concat!(
            "SELECT ",
            entry_method_columns!(),
            " FROM entry_methods WHERE id = $1 AND giveaway_id = $2 AND deleted_at IS NULL"
        );
        Ok(sqlx::query_as(sql)
            .bind(id)
            .bind(giveaway_id)
            .fetch_one(self.reader())
            .await?)
    }

    /// Adds a method at the end of the display order, with the next `entry_id` of the giveaway
    /// (removed methods keep theirs, so a number is never given twice). Returns the row id;
    /// `audit` is recorded with it (`method_id`) and the number (`entry_id`).
    pub async fn insert_entry_method(
        &self,
        giveaway_id: i64,
        f: &EntryMethodFields,
        entry_level: i64,
        audit: &AuditEvent,
        now: i64,
    ) -> StoreResult<i64> {
        let mut tx = self.begin_write().await?;
        lock_giveaway(&mut tx, giveaway_id, now).await?;
        let (id, entry_id): (i64, i64) = sqlx::query_as(
            "INSERT INTO entry_methods (giveaway_id, entry_id, method_type, title, link, amount, required, \
             daily, entry_order, entry_level, icon_color, additional_instructions, widget_display, created_at) \
             VALUES ($1, \
               (SELECT COALESCE(MAX(entry_id), 0) + 1 FROM entry_methods WHERE giveaway_id = $1), \
               $2, $3, $4, $5, $6, $7, \
               (SELECT COALESCE(MAX(entry_order), 0) + 1 FROM entry_methods \
                 WHERE giveaway_id = $1 AND deleted_at IS NULL), \
               $8, $9, $10, $11, $12) RETURNING id, entry_id",
        )
        .bind(giveaway_id)
        .bind(f.method_type)
        .bind(&f.title)
        .bind(&f.link)
        .bind(f.amount)
        .bind(i64::from(f.required))
        .bind(i64::from(f.daily))
        .bind(entry_level)
        .bind(&f.icon_color)
        .bind(&f.additional_instructions)
        .bind(i64::from(f.widget_display))
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let audit = audit.with("method_id", id).with("entry_id", entry_id);
        audit::append_in(&mut tx, &audit, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Writes the editable fields of a method (not its type), recorded by `audit`.
    pub async fn update_entry_method(
        &self,
        giveaway_id: i64,
        id: i64,
        f: &EntryMethodFields,
        audit: &AuditEvent,
        now: i64,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE entry_methods SET title = $3, link = $4, amount = $5, required = $6, daily = $7, \
             icon_color = $8, additional_instructions = $9, widget_display = $10 \
             WHERE id = $1 AND giveaway_id = $2 AND deleted_at IS NULL",
        )
        .bind(id)
        .bind(giveaway_id)
        .bind(&f.title)
        .bind(&f.link)
        .bind(f.amount)
        .bind(i64::from(f.required))
        .bind(i64::from(f.daily))
        .bind(&f.icon_color)
        .bind(&f.additional_instructions)
        .bind(i64::from(f.widget_display))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        audit::append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes a method from the giveaway, keeping the row for the entries made through it, and
    /// closes the gap it leaves in the display order; recorded by `audit`.
    pub async fn remove_entry_method(
        &self,
        giveaway_id: i64,
        id: i64,
        audit: &AuditEvent,
        now: i64,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        lock_giveaway(&mut tx, giveaway_id, now).await?;
        let removed: Option<(i64,)> = sqlx::query_as(
            "UPDATE entry_methods SET deleted_at = $3 \
             WHERE id = $1 AND giveaway_id = $2 AND deleted_at IS NULL RETURNING entry_order",
        )
        .bind(id)
        .bind(giveaway_id)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((order,)) = removed else {
            return Err(StoreError::NotFound);
        };
        sqlx::query(
            "UPDATE entry_methods SET entry_order = entry_order - 1 \
             WHERE giveaway_id = $1 AND deleted_at IS NULL AND entry_order > $2",
        )
        .bind(giveaway_id)
        .bind(order)
        .execute(&mut *tx)
        .await?;
        audit::append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Numbers the giveaway's methods 1..n in the order of `ids`, all or nothing. `ids` must be
    /// every method of the giveaway that is not removed; if the set changed since the caller read
    /// it, nothing is written and the answer is `NotFound`. Recorded by `audit`.
    pub async fn set_entry_method_order(
        &self,
        giveaway_id: i64,
        ids: &[i64],
        audit: &AuditEvent,
        now: i64,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        lock_giveaway(&mut tx, giveaway_id, now).await?;
        let (count,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM entry_methods WHERE giveaway_id = $1 AND deleted_at IS NULL")
                .bind(giveaway_id)
                .fetch_one(&mut *tx)
                .await?;
        if usize::try_from(count).ok() != Some(ids.len()) {
            return Err(StoreError::NotFound);
        }
        for (position, id) in (1_i64..).zip(ids) {
            let done = sqlx::query(
                "UPDATE entry_methods SET entry_order = $3 \
                 WHERE id = $1 AND giveaway_id = $2 AND deleted_at IS NULL",
            )
            .bind(id)
            .bind(giveaway_id)
            .bind(position)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
        }
        audit::append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }
}
