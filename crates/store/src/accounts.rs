//! Accounts and brands.

use crate::db::Db;
use crate::error::StoreResult;
use sqlx::FromRow;

#[derive(Clone, Debug, FromRow)]
pub struct AccountRow {
    pub id: i64,
    pub email: String,
    pub username: Option<String>,
    pub plan: i64,
    pub payment_platform: i64,
    pub rpm_override: Option<i64>,
    pub rpd_override: Option<i64>,
    pub burst_override: Option<i64>,
    pub created_at: i64,
}

#[derive(Clone, Debug, FromRow)]
pub struct BrandRow {
    pub id: i64,
    pub account_id: i64,
    pub name: Option<String>,
    pub plan: i64,
    pub active: i64,
    pub created_at: i64,
}

/// A key to store: only its hash and a short prefix for listings.
#[derive(Clone, Debug)]
pub struct KeyToStore {
    pub kind: &'static str,
    pub hash: String,
    pub prefix: String,
    pub label: Option<String>,
}

#[derive(Clone, Debug)]
pub struct NewAccount {
    pub email: String,
    pub username: Option<String>,
    pub plan: i64,
    pub rpm_override: Option<i64>,
    pub rpd_override: Option<i64>,
    pub burst_override: Option<i64>,
    pub brand_name: String,
    pub keys: Vec<KeyToStore>,
}

#[derive(Clone, Copy, Debug)]
pub struct CreatedAccount {
    pub account_id: i64,
    pub brand_id: i64,
}

macro_rules! account_columns {
    () => {
        "id, email, username, plan, payment_platform, rpm_override, rpd_override, burst_override, created_at"
    };
}
macro_rules! brand_columns {
    () => {
        "id, account_id, name, plan, active, created_at"
    };
}

impl Db {
    /// Creates an account, its first brand (on the account's plan) and the brand's keys, all or
    /// nothing.
    pub async fn create_account(&self, new: &NewAccount, now: i64) -> StoreResult<CreatedAccount> {
        let mut tx = self.begin_write().await?;
        let (account_id,): (i64,) = sqlx::query_as(
            "INSERT INTO accounts (email, username, plan, rpm_override, rpd_override, \
             burst_override, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(&new.email)
        .bind(&new.username)
        .bind(new.plan)
        .bind(new.rpm_override)
        .bind(new.rpd_override)
        .bind(new.burst_override)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let (brand_id,): (i64,) = sqlx::query_as(
            "INSERT INTO brands (account_id, name, plan, active, created_at) \
             VALUES ($1, $2, $3, 1, $4) RETURNING id",
        )
        .bind(account_id)
        .bind(&new.brand_name)
        .bind(new.plan)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        for key in &new.keys {
            Self::insert_key_in(&mut tx, brand_id, key, now).await?;
        }
        tx.commit().await?;
        Ok(CreatedAccount { account_id, brand_id })
    }

    pub async fn create_brand(&self, account_id: i64, name: &str, plan: i64, now: i64) -> StoreResult<i64> {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO brands (account_id, name, plan, active, created_at) \
             VALUES ($1, $2, $3, 1, $4) RETURNING id",
        )
        .bind(account_id)
        .bind(name)
        .bind(plan)
        .bind(now)
        .fetch_one(self.writer())
        .await?;
        Ok(id)
    }

    pub async fn set_brand_plan(&self, brand_id: i64, plan: i64) -> StoreResult<()> {
        let done = sqlx::query("UPDATE brands SET plan = $1 WHERE id = $2")
            .bind(plan)
            .bind(brand_id)
            .execute(self.writer())
            .await?;
        if done.rows_affected() == 0 {
            return Err(crate::StoreError::NotFound);
        }
        Ok(())
    }

    pub async fn account(&self, id: i64) -> StoreResult<AccountRow> {
        let sql = concat!("SELECT ", account_columns!(), " FROM accounts WHERE id = $1");
        Ok(sqlx::query_as(sql).bind(id).fetch_one(self.reader()).await?)
    }

    pub async fn account_by_email(&self, email: &str) -> StoreResult<AccountRow> {
        let sql = concat!("SELECT ", account_columns!(), " FROM accounts WHERE email = $1");
        Ok(sqlx::query_as(sql).bind(email).fetch_one(self.reader()).await?)
    }

    pub async fn list_accounts(&self) -> StoreResult<Vec<AccountRow>> {
        let sql = concat!("SELECT ", account_columns!(), " FROM accounts ORDER BY id");
        Ok(sqlx::query_as(sql).fetch_all(self.reader()).await?)
    }

    pub async fn count_accounts(&self) -> StoreResult<i64> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM accounts")
            .fetch_one(self.reader())
            .await?;
        Ok(n)
    }

    pub async fn brand(&self, id: i64) -> StoreResult<BrandRow> {
        let sql = concat!("SELECT ", brand_columns!(), " FROM brands WHERE id = $1");
        Ok(sqlx::query_as(sql).bind(id).fetch_one(self.reader()).await?)
    }

    /// The account's active brands, oldest first.
    pub async fn brands_of(&self, account_id: i64) -> StoreResult<Vec<BrandRow>> {
        let sql = concat!(
            "SELECT ",
            brand_columns!(),
            " FROM brands WHERE account_id = $1 AND active = 1 ORDER BY id"
        );
        Ok(sqlx::query_as(sql).bind(account_id).fetch_all(self.reader()).await?)
    }
}

impl Db {
    /// Giveaways not deleted, across all of the account's brands.
    pub async fn count_giveaways_of_account(&self, account_id: i64) -> StoreResult<i64> {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM giveaways g JOIN brands b ON b.id = g.brand_id \
             WHERE b.account_id = $1 AND g.deleted_at IS NULL",
        )
        .bind(account_id)
        .fetch_one(self.reader())
        .await?;
        Ok(n)
    }
}
