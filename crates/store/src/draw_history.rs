//! Every draw made for one giveaway, `/v1` post or chat giveaway, in the order the transparency
//! log holds them, and the names a draw's verify page may show beside its ids. All of it public:
//! the draws are in the log already, and the names are read only for ids a certificate lists.

use crate::db::Db;
use crate::error::StoreResult;
use crate::multirow::{MAX_ROWS, placeholders_from};
use sqlx::{AssertSqlSafe, FromRow};

/// One draw of a subject, with its position in the log.
#[derive(Clone, Debug, FromRow)]
pub struct SubjectDraw {
    pub log_index: i64,
    pub public_id: String,
    pub result_hash: String,
    pub round: i64,
    pub drawn_at: i64,
}

/// What a stored draw was made for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DrawOwner {
    /// A `/v2` giveaway (its row id).
    Giveaway(i64),
    /// A `/v1` comment draw of a post: the post's key (`platform:id`, or `upload:<id>`) and the
    /// URL the draw was asked for.
    Post { source_key: String, url: String },
    /// An `/external` chat giveaway (its row id).
    ChatGiveaway(i64),
}

const COLUMNS: &str = "l.idx AS log_index, d.public_id, d.result_hash, d.round, d.drawn_at";

impl Db {
    /// The draws of the `/v2` giveaway `giveaway_id`, oldest first.
    pub async fn draws_of_giveaway(&self, giveaway_id: i64) -> StoreResult<Vec<SubjectDraw>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM draws d JOIN translog_leaves l ON l.draw_id = d.id \
             WHERE d.giveaway_id = $1 ORDER BY l.idx"
        );
        Ok(sqlx::query_as(AssertSqlSafe(sql))
            .bind(giveaway_id)
            .fetch_all(self.reader())
            .await?)
    }

    /// The completed `/v1` draws of the post `source_key`, by any account, oldest first.
    pub async fn draws_of_post(&self, source_key: &str) -> StoreResult<Vec<SubjectDraw>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM comment_draws c JOIN draws d ON d.id = c.draw_id \
             JOIN translog_leaves l ON l.draw_id = d.id WHERE c.source_key = $1 ORDER BY l.idx"
        );
        Ok(sqlx::query_as(AssertSqlSafe(sql))
            .bind(source_key)
            .fetch_all(self.reader())
            .await?)
    }

    /// The draw of the chat giveaway `chat_giveaway_id` (one at most: a chat giveaway is drawn once).
    pub async fn draws_of_chat_giveaway(&self, chat_giveaway_id: i64) -> StoreResult<Vec<SubjectDraw>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM chat_giveaways c JOIN draws d ON d.id = c.draw_id \
             JOIN translog_leaves l ON l.draw_id = d.id WHERE c.id = $1 ORDER BY l.idx"
        );
        Ok(sqlx::query_as(AssertSqlSafe(sql))
            .bind(chat_giveaway_id)
            .fetch_all(self.reader())
            .await?)
    }

    /// What the draw `draw_id` was made for; `None` for a draw no surface owns.
    pub async fn owner_of_draw(&self, draw_id: i64) -> StoreResult<Option<DrawOwner>> {
        let giveaway: Option<(Option<i64>,)> = sqlx::query_as("SELECT giveaway_id FROM draws WHERE id = $1")
            .bind(draw_id)
            .fetch_optional(self.reader())
            .await?;
        if let Some((Some(id),)) = giveaway {
            return Ok(Some(DrawOwner::Giveaway(id)));
        }
        let post: Option<(String, String)> =
            sqlx::query_as("SELECT source_key, url FROM comment_draws WHERE draw_id = $1")
                .bind(draw_id)
                .fetch_optional(self.reader())
                .await?;
        if let Some((source_key, url)) = post {
            return Ok(Some(DrawOwner::Post { source_key, url }));
        }
        let chat: Option<(i64,)> = sqlx::query_as("SELECT id FROM chat_giveaways WHERE draw_id = $1")
            .bind(draw_id)
            .fetch_optional(self.reader())
            .await?;
        Ok(chat.map(|(id,)| DrawOwner::ChatGiveaway(id)))
    }

    /// `(user_id, name)` of those of `user_ids` who entered the `/v2` giveaway `giveaway_id`.
    pub async fn participant_names(&self, giveaway_id: i64, user_ids: &[String]) -> StoreResult<Vec<(String, String)>> {
        self.names_in("participants", giveaway_id, user_ids).await
    }

    /// `(user_id, name)` of those of `user_ids` who joined the chat giveaway, with a name sent.
    pub async fn chat_participant_names(
        &self,
        chat_giveaway_id: i64,
        user_ids: &[String],
    ) -> StoreResult<Vec<(String, String)>> {
        self.names_in("chat_participants", chat_giveaway_id, user_ids).await
    }

    async fn names_in(
        &self,
        table: &'static str,
        giveaway_id: i64,
        user_ids: &[String],
    ) -> StoreResult<Vec<(String, String)>> {
        let mut out = Vec::with_capacity(user_ids.len());
        for chunk in user_ids.chunks(MAX_ROWS) {
            // Only the table's name (a constant) and placeholder numbers go into the text.
            let sql = format!(
                "SELECT user_id, name FROM {table} WHERE giveaway_id = $1 AND name IS NOT NULL AND user_id IN ({})",
                placeholders_from(2, chunk.len())
            );
            let mut query = sqlx::query_as(AssertSqlSafe(sql)).bind(giveaway_id);
            for id in chunk {
                query = query.bind(id.as_str());
            }
            let rows: Vec<(String, String)> = query.fetch_all(self.reader()).await?;
            out.extend(rows);
        }
        Ok(out)
    }
}
