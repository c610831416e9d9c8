//! What the e-mail jobs read when they run: the current state of the giveaway, the recipient,
//! the reward or the win, so that a message reflects what is true at send time (a winner removed
//! since, a participant who is gone, settings changed) rather than what the payload froze.

use crate::db::Db;
use crate::error::StoreResult;
use sqlx::FromRow;

/// A giveaway as its e-mails need it.
#[derive(Clone, Debug, FromRow)]
pub struct GiveawayForMail {
    pub id: i64,
    pub slug: String,
    pub title: String,
    /// The JSON e-mail settings document.
    pub email_settings: String,
    pub deleted_at: Option<i64>,
}

/// A participant of a giveaway, found by their public id.
#[derive(Clone, Debug, FromRow)]
pub struct RecipientForMail {
    pub user_id: String,
    pub email: String,
    pub name: String,
    /// active, banned or disqualified.
    pub status: String,
}

/// A reward as its unlock e-mail needs it; deleted rewards are found too, since whoever
/// unlocked one keeps it.
#[derive(Clone, Debug, FromRow)]
pub struct RewardForMail {
    pub id: i64,
    pub title: String,
    pub coupon_if_coupon_code: i64,
    pub coupon_code: Option<String>,
    pub coupon_directions: Option<String>,
    pub email_body: Option<String>,
    pub email_subject: Option<String>,
    pub email_reply_to_email: Option<String>,
    pub email_reply_to_name: Option<String>,
}

/// A winner with their participant, prize and redemption code.
#[derive(Clone, Debug, FromRow)]
pub struct WinnerForMail {
    pub winner_id: i64,
    pub removed_at: Option<i64>,
    pub user_id: String,
    pub email: String,
    pub name: String,
    pub status: String,
    pub prize_name: Option<String>,
    pub prize_value: Option<String>,
    pub redemption_instructions: Option<String>,
    pub redemption_subject: Option<String>,
    pub redemption_reply_to_email: Option<String>,
    pub redemption_reply_to_name: Option<String>,
    /// The code held for this winner, if their prize gives codes and one was left.
    pub code: Option<String>,
}

impl Db {
    /// A giveaway, deleted or not.
    pub async fn giveaway_for_mail(&self, giveaway_id: i64) -> StoreResult<Option<GiveawayForMail>> {
        Ok(
            sqlx::query_as("SELECT id, slug, title, email_settings, deleted_at FROM giveaways WHERE id = $1")
                .bind(giveaway_id)
                .fetch_optional(self.reader())
                .await?,
        )
    }

    /// A participant of the giveaway by user_id; `None` once they are gone.
    pub async fn recipient_for_mail(&self, giveaway_id: i64, user_id: &str) -> StoreResult<Option<RecipientForMail>> {
        Ok(sqlx::query_as(
            "SELECT user_id, email, name, status FROM participants WHERE giveaway_id = $1 AND user_id = $2",
        )
        .bind(giveaway_id)
        .bind(user_id)
        .fetch_optional(self.reader())
        .await?)
    }

    /// A reward of the giveaway, deleted or not.
    pub async fn reward_for_mail(&self, giveaway_id: i64, reward_id: i64) -> StoreResult<Option<RewardForMail>> {
        Ok(sqlx::query_as(
            "SELECT id, title, coupon_if_coupon_code, coupon_code, coupon_directions, email_body, email_subject, \
             email_reply_to_email, email_reply_to_name FROM rewards WHERE id = $1 AND giveaway_id = $2",
        )
        .bind(reward_id)
        .bind(giveaway_id)
        .fetch_optional(self.reader())
        .await?)
    }

    /// A winners row of the giveaway (removed or not) with what its e-mail says.
    pub async fn winner_for_mail(&self, giveaway_id: i64, winner_id: i64) -> StoreResult<Option<WinnerForMail>> {
        Ok(sqlx::query_as(
            "SELECT w.id AS winner_id, w.removed_at, p.user_id, p.email, p.name, p.status, \
             z.name AS prize_name, z.value AS prize_value, z.redemption_instructions, z.redemption_subject, \
             z.redemption_reply_to_email, z.redemption_reply_to_name, \
             (SELECT c.code FROM prize_codes c WHERE c.winner_id = w.id ORDER BY c.position LIMIT 1) AS code \
             FROM winners w JOIN participants p ON p.id = w.participant_id \
             LEFT JOIN prizes z ON z.id = w.prize_id \
             WHERE w.id = $1 AND w.giveaway_id = $2",
        )
        .bind(winner_id)
        .bind(giveaway_id)
        .fetch_optional(self.reader())
        .await?)
    }
}
