//! The reads of the hosted giveaway page (`/view/…`) that no other caller makes: a returning
//! entrant's progress per entry method, and the winners as the public may see them (a name and
//! the draw's verification hash, never an e-mail address).

use crate::db::Db;
use crate::error::StoreResult;
use sqlx::FromRow;

/// How far a participant got with one entry method.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct MethodProgress {
    pub entry_method_id: i64,
    /// Valid entries made with it.
    pub times: i64,
    /// When the last of them was made (Unix ms).
    pub last_at: i64,
}

/// A current winner as the page shows them.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct PublicWinner {
    pub name: String,
    pub prize_name: Option<String>,
    /// The verification hash of the draw that picked them; `None` for a manual pick.
    pub result_hash: Option<String>,
}

impl Db {
    /// A participant's valid entries per entry method.
    pub async fn method_progress(&self, participant_id: i64) -> StoreResult<Vec<MethodProgress>> {
        Ok(sqlx::query_as(
            "SELECT entry_method_id, COUNT(*) AS times, MAX(created_at) AS last_at FROM entries \
             WHERE participant_id = $1 AND entry_method_id IS NOT NULL AND display_winner = 0 \
             GROUP BY entry_method_id",
        )
        .bind(participant_id)
        .fetch_all(self.reader())
        .await?)
    }

    /// The giveaway's current winners, oldest first, at most `limit`.
    pub async fn public_winners(&self, giveaway_id: i64, limit: i64) -> StoreResult<Vec<PublicWinner>> {
        Ok(sqlx::query_as(
            "SELECT p.name, z.name AS prize_name, d.result_hash FROM winners w \
             JOIN participants p ON p.id = w.participant_id \
             LEFT JOIN draws d ON d.id = w.draw_id LEFT JOIN prizes z ON z.id = w.prize_id \
             WHERE w.giveaway_id = $1 AND w.removed_at IS NULL ORDER BY w.created_at, w.id LIMIT $2",
        )
        .bind(giveaway_id)
        .bind(limit)
        .fetch_all(self.reader())
        .await?)
    }
}
