//! API keys, stored as hashes.

use crate::accounts::KeyToStore;
use crate::audit::{self, AuditEvent};
use crate::db::Db;
use crate::error::{StoreError, StoreResult};
use sqlx::{Any, FromRow, Transaction};

macro_rules! key_columns {
    () => {
        "id, brand_id, kind, prefix, label, created_at, revoked_at"
    };
}

#[derive(Clone, Debug, FromRow)]
pub struct KeyRow {
    pub id: i64,
    pub brand_id: i64,
    pub kind: String,
    pub prefix: String,
    pub label: Option<String>,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// Everything a request needs to know about the key that authenticated it, in one read.
#[derive(Clone, Debug, FromRow)]
pub struct KeyOwner {
    pub key_id: i64,
    pub kind: String,
    pub brand_id: i64,
    pub brand_plan: i64,
    pub brand_active: i64,
    pub account_id: i64,
    pub rpm_override: Option<i64>,
    pub rpd_override: Option<i64>,
    pub burst_override: Option<i64>,
}

impl Db {
    pub(crate) async fn insert_key_in(
        tx: &mut Transaction<'_, Any>,
        brand_id: i64,
        key: &KeyToStore,
        now: i64,
    ) -> StoreResult<i64> {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO api_keys (brand_id, kind, key_hash, prefix, label, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(brand_id)
        .bind(key.kind)
        .bind(&key.hash)
        .bind(&key.prefix)
        .bind(&key.label)
        .bind(now)
        .fetch_one(&mut **tx)
        .await?;
        Ok(id)
    }

    /// Stores a new key of the brand, recorded in its audit trail as made by `actor_key_id`
    /// (`None`: an operator at the command line).
    pub async fn create_key(
        &self,
        brand_id: i64,
        key: &KeyToStore,
        actor_key_id: Option<i64>,
        now: i64,
    ) -> StoreResult<i64> {
        let mut tx = self.begin_write().await?;
        // Fail with NotFound rather than a foreign-key error for an unknown brand.
        sqlx::query("SELECT id FROM brands WHERE id = $1")
            .bind(brand_id)
            .fetch_one(&mut *tx)
            .await?;
        let id = Self::insert_key_in(&mut tx, brand_id, key, now).await?;
        let event = AuditEvent {
            brand_id,
            actor_key_id,
            action: "key.created".to_owned(),
            giveaway_id: None,
            details: serde_json::json!({ "key_id": id, "kind": key.kind, "prefix": key.prefix }),
        };
        audit::append_in(&mut tx, &event, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The owner of an unrevoked key with this hash.
    pub async fn key_owner(&self, key_hash: &str) -> StoreResult<Option<KeyOwner>> {
        Ok(sqlx::query_as(
            "SELECT k.id AS key_id, k.kind, b.id AS brand_id, b.plan AS brand_plan, \
                    b.active AS brand_active, a.id AS account_id, a.rpm_override, \
                    a.rpd_override, a.burst_override \
             FROM api_keys k JOIN brands b ON b.id = k.brand_id JOIN accounts a ON a.id = b.account_id \
             WHERE k.key_hash = $1 AND k.revoked_at IS NULL",
        )
        .bind(key_hash)
        .fetch_optional(self.reader())
        .await?)
    }

    /// Keys of one brand, or of every brand when `brand_id` is `None`.
    pub async fn list_keys(&self, brand_id: Option<i64>) -> StoreResult<Vec<KeyRow>> {
        let rows = match brand_id {
            Some(b) => {
                sqlx::query_as(concat!(
                    "SELECT ",
                    key_columns!(),
                    " FROM api_keys WHERE brand_id = $1 ORDER BY id"
                ))
                .bind(b)
                .fetch_all(self.reader())
                .await?
            }
            None => {
                sqlx::query_as(concat!("SELECT ", key_columns!(), " FROM api_keys ORDER BY id"))
                    .fetch_all(self.reader())
                    .await?
            }
        };
        Ok(rows)
    }

    /// Revokes a key; a key already revoked stays revoked at its first time. The revocation is
    /// recorded in the brand's audit trail (once) as made by `actor_key_id`.
    pub async fn revoke_key(&self, key_id: i64, actor_key_id: Option<i64>, now: i64) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let found: Option<(i64, Option<i64>)> =
            sqlx::query_as("SELECT brand_id, revoked_at FROM api_keys WHERE id = $1")
                .bind(key_id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((brand_id, revoked_at)) = found else {
            return Err(StoreError::NotFound);
        };
        if revoked_at.is_none() {
            sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                .bind(now)
                .bind(key_id)
                .execute(&mut *tx)
                .await?;
            let event = AuditEvent {
                brand_id,
                actor_key_id,
                action: "key.revoked".to_owned(),
                giveaway_id: None,
                details: serde_json::json!({ "key_id": key_id }),
            };
            audit::append_in(&mut tx, &event, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
