//! Prizes and their redemption codes. A prize is addressed by the API through its per-giveaway
//! `prize_number`; winners and codes refer to its global `id`. Archived prizes are kept, so that
//! winners who received them keep their meaning.

use crate::audit::{self, AuditEvent};
use crate::db::Db;
use crate::error::{StoreError, StoreResult};
use sqlx::{Any, AssertSqlSafe, FromRow, Transaction};

// The counts are computed, so a prize never reports a figure that drifted from its rows.
macro_rules! prize_select {
    () => {
        "SELECT p.id, p.giveaway_id, p.prize_number, p.name, p.value, p.currency, p.winners_allowed, \
         p.prize_order, p.redemption_switch, p.redemption_instructions, p.redemption_subject, \
         p.redemption_reply_to_email, p.redemption_reply_to_name, \
         (SELECT COUNT(*) FROM winners w WHERE w.prize_id = p.id AND w.removed_at IS NULL) AS winners_redeemed, \
         (SELECT COUNT(*) FROM prize_codes c WHERE c.prize_id = p.id) AS codes_total, \
         (SELECT COUNT(*) FROM prize_codes c WHERE c.prize_id = p.id AND c.winner_id IS NULL) AS codes_available \
         FROM prizes p"
    };
}

/// A prize as stored, with its live counts. Codes themselves are never loaded with it.
#[derive(Clone, Debug, FromRow)]
pub struct PrizeRow {
    pub id: i64,
    pub giveaway_id: i64,
    pub prize_number: i64,
    pub name: String,
    pub value: Option<String>,
    pub currency: String,
    pub winners_allowed: i64,
    pub prize_order: i64,
    pub redemption_switch: i64,
    pub redemption_instructions: Option<String>,
    pub redemption_subject: Option<String>,
    pub redemption_reply_to_email: Option<String>,
    pub redemption_reply_to_name: Option<String>,
    /// Winners holding this prize and not removed.
    pub winners_redeemed: i64,
    pub codes_total: i64,
    /// Codes not yet handed to a winner.
    pub codes_available: i64,
}

/// The fields a client edits, ready to store.
#[derive(Clone, Debug)]
pub struct PrizeFields {
    pub name: String,
    pub value: Option<String>,
    pub currency: String,
    pub winners_allowed: i64,
    pub redemption_switch: bool,
    pub redemption_instructions: Option<String>,
    pub redemption_subject: Option<String>,
    pub redemption_reply_to_email: Option<String>,
    pub redemption_reply_to_name: Option<String>,
}

/// Rows per multi-row insert of codes: 3 parameters each stays far below both backends' limits.
const CODES_PER_INSERT: usize = 500;

/// Attempts at numbering a new prize when a concurrent insert took the same number.
const NUMBERING_ATTEMPTS: usize = 5;

impl Db {
    /// The giveaway's prizes that are not archived, in display order.
    pub async fn list_prizes(&self, giveaway_id: i64) -> StoreResult<Vec<PrizeRow>> {
        let sql = concat!(
            prize_select!(),
            " WHERE p.giveaway_id = $1 AND p.archived_at IS NULL ORDER BY p.prize_order, p.prize_number"
        );
        Ok(sqlx::query_as(sql).bind(giveaway_id).fetch_all(self.reader()).await?)
    }

    /// One prize that is not archived, by its per-giveaway number.
    pub async fn prize(&self, giveaway_id: i64, prize_number: i64) -> StoreResult<PrizeRow> {
        let sql = concat!(
            prize_select!(),
            " WHERE p.giveaway_id = $1 AND p.prize_number = $2 AND p.archived_at IS NULL"
        );
        Ok(sqlx::query_as(sql)
            .bind(giveaway_id)
            .bind(prize_number)
            .fetch_one(self.reader())
            .await?)
    }

    /// Adds a prize after the last active one, with the next free number, and its codes in the
    /// order given; `audit` is recorded with the new prize's number (`prize_id`).
    pub async fn insert_prize(
        &self,
        giveaway_id: i64,
        f: &PrizeFields,
        codes: &[String],
        audit: &AuditEvent,
        now: i64,
    ) -> StoreResult<i64> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.try_insert_prize(giveaway_id, f, codes, audit, now).await {
                // Two creates raced for the same number (PostgreSQL); the loser numbers again.
                Err(StoreError::Conflict(_)) if attempt < NUMBERING_ATTEMPTS => continue,
                other => return other,
            }
        }
    }

    async fn try_insert_prize(
        &self,
        giveaway_id: i64,
        f: &PrizeFields,
        codes: &[String],
        audit: &AuditEvent,
        now: i64,
    ) -> StoreResult<i64> {
        let mut tx = self.begin_write().await?;
        let (id, prize_number): (i64, i64) = sqlx::query_as(
            "INSERT INTO prizes (giveaway_id, prize_number, name, value, currency, winners_allowed, \
             prize_order, redemption_switch, redemption_instructions, redemption_subject, \
             redemption_reply_to_email, redemption_reply_to_name, created_at) \
             SELECT $1, COALESCE(MAX(prize_number), 0) + 1, $2, $3, $4, $5, \
             COALESCE(MAX(CASE WHEN archived_at IS NULL THEN prize_order END), 0) + 1, \
             $6, $7, $8, $9, $10, $11 FROM prizes WHERE giveaway_id = $1 \
             RETURNING id, prize_number",
        )
        .bind(giveaway_id)
        .bind(&f.name)
        .bind(&f.value)
        .bind(&f.currency)
        .bind(f.winners_allowed)
        .bind(i64::from(f.redemption_switch))
        .bind(&f.redemption_instructions)
        .bind(&f.redemption_subject)
        .bind(&f.redemption_reply_to_email)
        .bind(&f.redemption_reply_to_name)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        insert_codes(&mut tx, id, 1, codes).await?;
        audit::append_in(&mut tx, &audit.with("prize_id", prize_number), now).await?;
        tx.commit().await?;
        Ok(prize_number)
    }

    /// Writes the edited fields, recorded by `audit`. When `codes` is given it replaces the codes
    /// not yet handed out; codes already given to winners stay, and the new ones queue after them.
    pub async fn update_prize(
        &self,
        id: i64,
        f: &PrizeFields,
        codes: Option<&[String]>,
        audit: &AuditEvent,
        now: i64,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE prizes SET name = $2, value = $3, currency = $4, winners_allowed = $5, \
             redemption_switch = $6, redemption_instructions = $7, redemption_subject = $8, \
             redemption_reply_to_email = $9, redemption_reply_to_name = $10 \
             WHERE id = $1 AND archived_at IS NULL",
        )
        .bind(id)
        .bind(&f.name)
        .bind(&f.value)
        .bind(&f.currency)
        .bind(f.winners_allowed)
        .bind(i64::from(f.redemption_switch))
        .bind(&f.redemption_instructions)
        .bind(&f.redemption_subject)
        .bind(&f.redemption_reply_to_email)
        .bind(&f.redemption_reply_to_name)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        if let Some(codes) = codes {
            sqlx::query("DELETE FROM prize_codes WHERE prize_id = $1 AND winner_id IS NULL")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let (last,): (i64,) =
                sqlx::query_as("SELECT COALESCE(MAX(position), 0) FROM prize_codes WHERE prize_id = $1")
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
            insert_codes(&mut tx, id, last + 1, codes).await?;
        }
        audit::append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Archives a prize by its per-giveaway number, recorded by `audit`; its winners and
    /// handed-out codes stay.
    pub async fn archive_prize(
        &self,
        giveaway_id: i64,
        prize_number: i64,
        audit: &AuditEvent,
        now: i64,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE prizes SET archived_at = $3 \
             WHERE giveaway_id = $1 AND prize_number = $2 AND archived_at IS NULL",
        )
        .bind(giveaway_id)
        .bind(prize_number)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        audit::append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Hands the next unassigned code of a prize (global id) to a winner, or `None` when every
    /// code is taken. A winner who already holds a code of this prize gets the same one again,
    /// so a retried award never spends a second code.
    pub async fn take_prize_code(&self, prize_id: i64, winner_id: i64, now: i64) -> StoreResult<Option<String>> {
        let held: Option<(String,)> = sqlx::query_as(
            "SELECT code FROM prize_codes WHERE prize_id = $1 AND winner_id = $2 ORDER BY position LIMIT 1",
        )
        .bind(prize_id)
        .bind(winner_id)
        .fetch_optional(self.writer())
        .await?;
        if let Some((code,)) = held {
            return Ok(Some(code));
        }
        loop {
            // The `winner_id IS NULL` guard on the outer row makes the claim atomic: of two
            // concurrent claims of the same code, one updates nothing and tries the next code.
            let claimed: Option<(String,)> = sqlx::query_as(
                "UPDATE prize_codes SET winner_id = $2, assigned_at = $3 \
                 WHERE id = (SELECT id FROM prize_codes WHERE prize_id = $1 AND winner_id IS NULL \
                             ORDER BY position LIMIT 1) \
                   AND winner_id IS NULL \
                 RETURNING code",
            )
            .bind(prize_id)
            .bind(winner_id)
            .bind(now)
            .fetch_optional(self.writer())
            .await?;
            if let Some((code,)) = claimed {
                return Ok(Some(code));
            }
            let (left,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM prize_codes WHERE prize_id = $1 AND winner_id IS NULL")
                    .bind(prize_id)
                    .fetch_one(self.writer())
                    .await?;
            if left == 0 {
                return Ok(None);
            }
        }
    }
}

/// Inserts codes at consecutive positions from `first_position`, a few hundred rows a statement.
async fn insert_codes(
    tx: &mut Transaction<'_, Any>,
    prize_id: i64,
    first_position: i64,
    codes: &[String],
) -> StoreResult<()> {
    let mut position = first_position;
    for chunk in codes.chunks(CODES_PER_INSERT) {
        let sql = format!(
            "INSERT INTO prize_codes (prize_id, position, code) VALUES {}",
            placeholders(chunk.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for code in chunk {
            query = query.bind(prize_id).bind(position).bind(code);
            position += 1;
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// `($1, $2, $3), ($4, $5, $6), …` for `rows` rows: generated numbers only, never input.
fn placeholders(rows: usize) -> String {
    (0..rows)
        .map(|r| format!("(${}, ${}, ${})", 3 * r + 1, 3 * r + 2, 3 * r + 3))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_each_row() {
        assert_eq!(placeholders(1), "($1, $2, $3)");
        assert_eq!(placeholders(2), "($1, $2, $3), ($4, $5, $6)");
    }
}
