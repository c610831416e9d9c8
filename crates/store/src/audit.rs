//! The audit trail's storage: each brand's hash chain (`fairdraw_core::audit`) and its head.
//!
//! An entry is appended with [`append_in`] inside the transaction of the change it records, so
//! the change and its entry commit or roll back together. The append moves the brand's head row
//! first, in one upsert: on PostgreSQL that row lock makes concurrent appends of one brand take
//! turns (the second reads the head the first committed), and SQLite's single writer serialises
//! them already. The unique `(brand_id, seq)` index refuses a fork should anything else write.

use crate::db::Db;
use crate::error::StoreResult;
use fairdraw_core::audit::{self, Head, StoredEntry};
use fairdraw_core::draw::Hash32;
use sqlx::{AnyConnection, FromRow};

/// An administrative change to record. `details` holds ids, never personal data.
#[derive(Clone, Debug)]
pub struct AuditEvent {
    pub brand_id: i64,
    /// The API key that made the change; `None` for an operator at the command line.
    pub actor_key_id: Option<i64>,
    pub action: String,
    pub giveaway_id: Option<i64>,
    pub details: serde_json::Value,
}

impl AuditEvent {
    /// The same event about giveaway `id` (for a giveaway whose id the write itself assigns).
    pub fn about(&self, giveaway_id: i64) -> AuditEvent {
        AuditEvent {
            giveaway_id: Some(giveaway_id),
            ..self.clone()
        }
    }

    /// The same event with `key` set in its details, for what only the write itself learns (a
    /// new row's id, how many rows it touched). Details that are not an object are left as they
    /// are.
    pub fn with(&self, key: &str, value: impl Into<serde_json::Value>) -> AuditEvent {
        let mut event = self.clone();
        if let Some(details) = event.details.as_object_mut() {
            details.insert(key.to_owned(), value.into());
        }
        event
    }
}

/// An entry as stored, with its row id.
#[derive(Clone, Debug, FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub brand_id: i64,
    pub seq: i64,
    pub prev_hash: String,
    pub hash: String,
    pub created_at: i64,
    pub actor_key_id: Option<i64>,
    pub action: String,
    pub giveaway_id: Option<i64>,
    pub details: String,
}

impl AuditRow {
    pub fn stored(&self) -> StoredEntry {
        StoredEntry {
            brand_id: self.brand_id,
            seq: self.seq,
            prev_hash: self.prev_hash.clone(),
            at_ms: self.created_at,
            actor_key_id: self.actor_key_id,
            action: self.action.clone(),
            giveaway_id: self.giveaway_id,
            details: self.details.clone(),
            hash: self.hash.clone(),
        }
    }
}

const COLUMNS: &str = "id, brand_id, seq, prev_hash, hash, created_at, actor_key_id, action, giveaway_id, details";

/// A stored head; a hash that is not 64 hex digits (written by hand) reads as one no entry has.
fn head(seq: i64, hash: &str) -> Head {
    Head {
        seq,
        hash: Hash32::from_hex(hash).unwrap_or(Hash32([0xff; 32])),
    }
}

/// Appends `event` to its brand's chain inside the caller's transaction; returns the entry.
pub async fn append_in(conn: &mut AnyConnection, event: &AuditEvent, now: i64) -> StoreResult<StoredEntry> {
    // The upsert returns the new seq and, still, the previous entry's hash.
    let (seq, prev): (i64, String) = sqlx::query_as(
        "INSERT INTO audit_heads (brand_id, seq, hash) VALUES ($1, 1, $2) \
         ON CONFLICT (brand_id) DO UPDATE SET seq = audit_heads.seq + 1 RETURNING seq, hash",
    )
    .bind(event.brand_id)
    .bind(audit::GENESIS.to_hex())
    .fetch_one(&mut *conn)
    .await?;
    let details = event.details.to_string();
    let entry = audit::next_entry(
        &head(seq - 1, &prev),
        event.brand_id,
        now,
        event.actor_key_id,
        &event.action,
        event.giveaway_id,
        &details,
    );
    sqlx::query("UPDATE audit_heads SET hash = $2 WHERE brand_id = $1")
        .bind(event.brand_id)
        .bind(&entry.hash)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO audit_log (brand_id, seq, prev_hash, hash, created_at, actor_key_id, action, giveaway_id, details) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(entry.brand_id)
    .bind(entry.seq)
    .bind(&entry.prev_hash)
    .bind(&entry.hash)
    .bind(entry.at_ms)
    .bind(entry.actor_key_id)
    .bind(&entry.action)
    .bind(entry.giveaway_id)
    .bind(&entry.details)
    .execute(&mut *conn)
    .await?;
    Ok(entry)
}

/// The brand's head as the caller's transaction sees it ([`Head::EMPTY`] before any entry).
pub async fn head_in(conn: &mut AnyConnection, brand_id: i64) -> StoreResult<Head> {
    let row: Option<(i64, String)> = sqlx::query_as("SELECT seq, hash FROM audit_heads WHERE brand_id = $1")
        .bind(brand_id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|(seq, hash)| head(seq, &hash)).unwrap_or(Head::EMPTY))
}

/// What the audit-log listing filters on.
#[derive(Clone, Debug, Default)]
pub struct AuditQuery<'a> {
    pub giveaway_id: Option<i64>,
    pub action: Option<&'a str>,
    pub limit: i64,
    pub offset: i64,
}

/// A brand's chain for re-checking: its stored head (if any) and its entries by `seq`.
#[derive(Clone, Debug)]
pub struct Chain {
    pub brand_id: i64,
    pub head: Option<Head>,
    pub entries: Vec<StoredEntry>,
}

impl Db {
    /// One page of a brand's entries, newest first, with the count of all that match.
    pub async fn list_audit(&self, brand_id: i64, q: &AuditQuery<'_>) -> StoreResult<(Vec<AuditRow>, i64)> {
        const FILTER: &str = "brand_id = $1 AND ($2 = 0 OR giveaway_id = $3) AND ($4 = '' OR action = $4)";
        let giveaway = q.giveaway_id.unwrap_or(0);
        let has_giveaway = i64::from(q.giveaway_id.is_some());
        let action = q.action.unwrap_or("");
        let sql = format!("SELECT {COLUMNS} FROM audit_log WHERE {FILTER} ORDER BY seq DESC LIMIT $5 OFFSET $6");
        let rows: Vec<AuditRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(brand_id)
            .bind(has_giveaway)
            .bind(giveaway)
            .bind(action)
            .bind(q.limit)
            .bind(q.offset)
            .fetch_all(self.reader())
            .await?;
        let (total,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM audit_log WHERE {FILTER}"
        )))
        .bind(brand_id)
        .bind(has_giveaway)
        .bind(giveaway)
        .bind(action)
        .fetch_one(self.reader())
        .await?;
        Ok((rows, total))
    }

    /// The brand's committed head ([`Head::EMPTY`] before any entry).
    pub async fn audit_head(&self, brand_id: i64) -> StoreResult<Head> {
        let mut conn = self.reader().acquire().await?;
        head_in(&mut conn, brand_id).await
    }

    /// Every brand that has an audit head or entries, in id order.
    pub async fn audit_brands(&self) -> StoreResult<Vec<i64>> {
        let rows: Vec<(i64,)> =
            sqlx::query_as("SELECT brand_id FROM audit_heads UNION SELECT brand_id FROM audit_log ORDER BY brand_id")
                .fetch_all(self.reader())
                .await?;
        Ok(rows.into_iter().map(|(b,)| b).collect())
    }

    /// A brand's whole chain with its head, read in one transaction so that both are of the
    /// same moment.
    pub async fn audit_chain(&self, brand_id: i64) -> StoreResult<Chain> {
        let mut tx = self.reader().begin().await?;
        // SQLite reads one snapshot per transaction already; PostgreSQL must be asked, or an
        // append committed between the two reads would look like a broken chain.
        if self.backend() == crate::db::Backend::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                .execute(&mut *tx)
                .await?;
        }
        let head: Option<(i64, String)> = sqlx::query_as("SELECT seq, hash FROM audit_heads WHERE brand_id = $1")
            .bind(brand_id)
            .fetch_optional(&mut *tx)
            .await?;
        let rows: Vec<AuditRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM audit_log WHERE brand_id = $1 ORDER BY seq, id"
        )))
        .bind(brand_id)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Chain {
            brand_id,
            head: head.map(|(seq, hash)| self::head(seq, &hash)),
            entries: rows.iter().map(AuditRow::stored).collect(),
        })
    }
}
