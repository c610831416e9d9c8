//! Milestone rewards. Deleted rewards are kept (`deleted_at`), so participants who unlocked one
//! keep what it was.

use crate::audit::{self, AuditEvent};
use crate::db::Db;
use crate::error::{StoreError, StoreResult};
use sqlx::FromRow;

macro_rules! reward_columns {
    () => {
        "id, giveaway_id, reward_type, title, entries_required, prize_random_or_guaranteed, \
         coupon_if_coupon_code, coupon_code, coupon_directions, hide_progress, send_email, email_body, \
         email_subject, email_reply_to_email, email_reply_to_name, reward_order"
    };
}

#[derive(Clone, Debug, FromRow)]
pub struct RewardRow {
    pub id: i64,
    pub giveaway_id: i64,
    pub reward_type: i64,
    pub title: String,
    pub entries_required: i64,
    pub prize_random_or_guaranteed: i64,
    pub coupon_if_coupon_code: i64,
    pub coupon_code: Option<String>,
    pub coupon_directions: Option<String>,
    pub hide_progress: i64,
    pub send_email: i64,
    pub email_body: Option<String>,
    pub email_subject: Option<String>,
    pub email_reply_to_email: Option<String>,
    pub email_reply_to_name: Option<String>,
    pub reward_order: i64,
}

/// The fields a client edits, ready to store.
#[derive(Clone, Debug)]
pub struct RewardFields {
    pub reward_type: i64,
    pub title: String,
    pub entries_required: i64,
    pub prize_random_or_guaranteed: i64,
    pub coupon_if_coupon_code: i64,
    pub coupon_code: Option<String>,
    pub coupon_directions: Option<String>,
    pub hide_progress: bool,
    pub send_email: i64,
    pub email_body: Option<String>,
    pub email_subject: Option<String>,
    pub email_reply_to_email: Option<String>,
    pub email_reply_to_name: Option<String>,
}

impl Db {
    /// The giveaway's rewards that are not deleted, in display order.
    pub async fn list_rewards(&self, giveaway_id: i64) -> StoreResult<Vec<RewardRow>> {
        let sql = concat!(
            "SELECT ",
            reward_columns!(),
            " FROM rewards WHERE giveaway_id = $1 AND deleted_at IS NULL ORDER BY reward_order, id"
        );
        Ok(sqlx::query_as(sql).bind(giveaway_id).fetch_all(self.reader()).await?)
    }

    /// One reward of a giveaway that is not deleted.
    pub async fn reward(&self, giveaway_id: i64, id: i64) -> StoreResult<RewardRow> {
        let sql = concat!(
            "SELECT ",
            reward_columns!(),
            " FROM rewards WHERE id = $1 AND giveaway_id = $2 AND deleted_at IS NULL"
        );
        Ok(sqlx::query_as(sql)
            .bind(id)
            .bind(giveaway_id)
            .fetch_one(self.reader())
            .await?)
    }

    /// Adds a reward after the giveaway's last one; `audit` is recorded with its id
    /// (`reward_id`).
    pub async fn insert_reward(
        &self,
        giveaway_id: i64,
        f: &RewardFields,
        audit: &AuditEvent,
        now: i64,
    ) -> StoreResult<i64> {
        let mut tx = self.begin_write().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO rewards (giveaway_id, reward_type, title, entries_required, \
             prize_random_or_guaranteed, coupon_if_coupon_code, coupon_code, coupon_directions, \
             hide_progress, send_email, email_body, email_subject, email_reply_to_email, \
             email_reply_to_name, reward_order, created_at) \
             SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
             COALESCE(MAX(reward_order), 0) + 1, $15 \
             FROM rewards WHERE giveaway_id = $1 AND deleted_at IS NULL \
             RETURNING id",
        )
        .bind(giveaway_id)
        .bind(f.reward_type)
        .bind(&f.title)
        .bind(f.entries_required)
        .bind(f.prize_random_or_guaranteed)
        .bind(f.coupon_if_coupon_code)
        .bind(&f.coupon_code)
        .bind(&f.coupon_directions)
        .bind(i64::from(f.hide_progress))
        .bind(f.send_email)
        .bind(&f.email_body)
        .bind(&f.email_subject)
        .bind(&f.email_reply_to_email)
        .bind(&f.email_reply_to_name)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        audit::append_in(&mut tx, &audit.with("reward_id", id), now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Writes the edited fields, recorded by `audit`.
    pub async fn update_reward(
        &self,
        giveaway_id: i64,
        id: i64,
        f: &RewardFields,
        audit: &AuditEvent,
        now: i64,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE rewards SET reward_type = $3, title = $4, entries_required = $5, \
             prize_random_or_guaranteed = $6, coupon_if_coupon_code = $7, coupon_code = $8, \
             coupon_directions = $9, hide_progress = $10, send_email = $11, email_body = $12, \
             email_subject = $13, email_reply_to_email = $14, email_reply_to_name = $15 \
             WHERE id = $1 AND giveaway_id = $2 AND deleted_at IS NULL",
        )
        .bind(id)
        .bind(giveaway_id)
        .bind(f.reward_type)
        .bind(&f.title)
        .bind(f.entries_required)
        .bind(f.prize_random_or_guaranteed)
        .bind(f.coupon_if_coupon_code)
        .bind(&f.coupon_code)
        .bind(&f.coupon_directions)
        .bind(i64::from(f.hide_progress))
        .bind(f.send_email)
        .bind(&f.email_body)
        .bind(&f.email_subject)
        .bind(&f.email_reply_to_email)
        .bind(&f.email_reply_to_name)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        audit::append_in(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Marks a reward deleted, recorded by `audit`.
    pub async fn soft_delete_reward(&self, giveaway_id: i64, id: i64, audit: &AuditEvent, now: i64) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let done =
            sqlx::query("UPDATE rewards SET deleted_at = $3 WHERE id = $1 AND giveaway_id = $2 AND deleted_at IS NULL")
                .bind(id)
                .bind(giveaway_id)
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
}
