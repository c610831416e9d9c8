//! A person's data across a brand, found by e-mail: everything held about them (export) and
//! its erasure. Draws never held personal data (pools and certificates name `user_id`s, random
//! UUIDs), so an erasure leaves every draw verifiable: it keeps the participant rows and their
//! ids and clears what identifies the person.

use crate::audit::{self, AuditEvent};
use crate::db::Db;
use crate::error::StoreResult;
use sqlx::FromRow;

/// The participants of brand `$1` with e-mail `$2`.
const PERSON: &str = "SELECT p.id FROM participants p JOIN giveaways g ON g.id = p.giveaway_id \
                      WHERE g.brand_id = $1 AND p.email = $2";

#[derive(Clone, Debug, FromRow)]
pub struct PersonParticipant {
    pub id: i64,
    pub giveaway_id: i64,
    pub giveaway_title: String,
    pub user_id: String,
    pub email: String,
    pub name: String,
    pub country: Option<String>,
    pub birthday: Option<String>,
    pub ip: Option<String>,
    pub referral_code: String,
    pub status: String,
    pub is_verified: i64,
    pub total_entries: i64,
    pub created_at: i64,
}

#[derive(Clone, Debug, FromRow)]
pub struct PersonEntry {
    pub id: i64,
    pub giveaway_id: i64,
    pub participant_id: i64,
    pub entry_method_id: Option<i64>,
    pub method_type: i64,
    pub amount: i64,
    /// The answer or value given with the entry.
    pub value: Option<String>,
    pub is_verified: i64,
    pub display_winner: i64,
    pub country: Option<String>,
    pub created_at: i64,
}

#[derive(Clone, Debug, FromRow)]
pub struct PersonWin {
    pub id: i64,
    pub giveaway_id: i64,
    pub participant_id: i64,
    /// The `drw_…` id of the draw that picked them; `None` for a manual pick.
    pub draw_public_id: Option<String>,
    pub prize_id: Option<i64>,
    pub kind: String,
    pub claim_status: Option<String>,
    pub created_at: i64,
    pub removed_at: Option<i64>,
}

#[derive(Clone, Debug, FromRow)]
pub struct PersonPhoto {
    pub id: i64,
    pub giveaway_id: i64,
    pub participant_id: i64,
    pub entry_id: i64,
    pub media_id: String,
    pub caption: Option<String>,
    pub status: String,
    pub votes: i64,
    pub created_at: i64,
}

/// Everything the brand holds about one e-mail address.
#[derive(Clone, Debug, Default)]
pub struct PersonData {
    pub participants: Vec<PersonParticipant>,
    pub entries: Vec<PersonEntry>,
    pub wins: Vec<PersonWin>,
    pub photos: Vec<PersonPhoto>,
    /// Giveaways whose whitelist names the address.
    pub whitelisted_in: Vec<i64>,
    /// Giveaways whose blacklist names the address.
    pub blacklisted_in: Vec<i64>,
}

impl PersonData {
    pub fn is_empty(&self) -> bool {
        self.participants.is_empty() && self.whitelisted_in.is_empty() && self.blacklisted_in.is_empty()
    }
}

/// What an erasure replaces the person's data with.
#[derive(Clone, Debug)]
pub struct Erasure<'a> {
    /// The address to erase (lower-cased).
    pub email: &'a str,
    /// What the address becomes: a salted hash the caller made, unique to this person.
    pub pseudonym: &'a str,
}

/// What an erasure changed.
#[derive(Clone, Debug, Default)]
pub struct Erased {
    pub participant_ids: Vec<i64>,
    pub user_ids: Vec<String>,
    /// Whitelist rows removed.
    pub whitelist_rows: usize,
}

impl Erased {
    /// Whether there was nothing to erase.
    pub fn is_empty(&self) -> bool {
        self.participant_ids.is_empty() && self.whitelist_rows == 0
    }
}

impl Db {
    /// Everything brand `brand_id` holds about `email` (lower-cased), oldest first.
    pub async fn person_data(&self, brand_id: i64, email: &str) -> StoreResult<PersonData> {
        let participants: Vec<PersonParticipant> = sqlx::query_as(
            "SELECT p.id, p.giveaway_id, g.title AS giveaway_title, p.user_id, p.email, p.name, p.country, \
             p.birthday, p.ip, p.referral_code, p.status, p.is_verified, p.total_entries, p.created_at \
             FROM participants p JOIN giveaways g ON g.id = p.giveaway_id \
             WHERE g.brand_id = $1 AND p.email = $2 ORDER BY p.created_at, p.id",
        )
        .bind(brand_id)
        .bind(email)
        .fetch_all(self.reader())
        .await?;
        let entries: Vec<PersonEntry> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT id, giveaway_id, participant_id, entry_method_id, method_type, amount, value, is_verified, \
             display_winner, country, created_at FROM entries WHERE participant_id IN ({PERSON}) \
             ORDER BY created_at, id"
        )))
        .bind(brand_id)
        .bind(email)
        .fetch_all(self.reader())
        .await?;
        let wins: Vec<PersonWin> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT w.id, w.giveaway_id, w.participant_id, d.public_id AS draw_public_id, w.prize_id, w.kind, \
             w.claim_status, w.created_at, w.removed_at FROM winners w LEFT JOIN draws d ON d.id = w.draw_id \
             WHERE w.participant_id IN ({PERSON}) ORDER BY w.created_at, w.id"
        )))
        .bind(brand_id)
        .bind(email)
        .fetch_all(self.reader())
        .await?;
        let photos: Vec<PersonPhoto> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT id, giveaway_id, participant_id, entry_id, media_id, caption, status, votes, created_at \
             FROM gallery_submissions WHERE participant_id IN ({PERSON}) ORDER BY created_at, id"
        )))
        .bind(brand_id)
        .bind(email)
        .fetch_all(self.reader())
        .await?;
        let whitelisted_in = self.listed_in("whitelist", "email", brand_id, email).await?;
        let blacklisted_in = self.listed_in("blacklist", "value", brand_id, email).await?;
        Ok(PersonData {
            participants,
            entries,
            wins,
            photos,
            whitelisted_in,
            blacklisted_in,
        })
    }

    /// The brand's giveaways whose list `table` names `email` in `column`.
    async fn listed_in(&self, table: &str, column: &str, brand_id: i64, email: &str) -> StoreResult<Vec<i64>> {
        let rows: Vec<(i64,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT DISTINCT l.giveaway_id FROM {table} l JOIN giveaways g ON g.id = l.giveaway_id \
             WHERE g.brand_id = $1 AND LOWER(l.{column}) = $2 ORDER BY l.giveaway_id"
        )))
        .bind(brand_id)
        .bind(email)
        .fetch_all(self.reader())
        .await?;
        Ok(rows.into_iter().map(|(g,)| g).collect())
    }

    /// Erases `e.email` across brand `brand_id` in one transaction, recorded in the brand's audit
    /// trail by `audit` (completed here with the participant ids, never the address): the
    /// participant rows keep their ids and standing but lose name, country, birthday and IP, and
    /// their e-mail becomes `e.pseudonym`; entry answers and countries, sealed claim answers,
    /// photo captions and photo bytes are removed; tokens and verification links are deleted; the
    /// address leaves the whitelists. Blacklists keep it: a ban is the organiser's record and
    /// stays in force. Returns what was erased (nothing when the brand holds nothing).
    pub async fn erase_person(
        &self,
        brand_id: i64,
        e: &Erasure<'_>,
        audit: &AuditEvent,
        now: i64,
    ) -> StoreResult<Erased> {
        let mut tx = self.begin_write().await?;
        let found: Vec<(i64, String)> = sqlx::query_as(
            "SELECT p.id, p.user_id FROM participants p JOIN giveaways g ON g.id = p.giveaway_id \
             WHERE g.brand_id = $1 AND p.email = $2 ORDER BY p.id",
        )
        .bind(brand_id)
        .bind(e.email)
        .fetch_all(&mut *tx)
        .await?;
        let whitelisted: Vec<(i64,)> = sqlx::query_as(
            "SELECT l.id FROM whitelist l JOIN giveaways g ON g.id = l.giveaway_id \
             WHERE g.brand_id = $1 AND LOWER(l.email) = $2",
        )
        .bind(brand_id)
        .bind(e.email)
        .fetch_all(&mut *tx)
        .await?;
        if found.is_empty() && whitelisted.is_empty() {
            return Ok(Erased::default());
        }
        // Everything that hangs off the participants first: the last statement changes the
        // e-mail that PERSON finds them by.
        let statements = [
            format!("UPDATE entries SET value = NULL, country = NULL WHERE participant_id IN ({PERSON})"),
            format!("UPDATE winners SET claim_answers = NULL WHERE participant_id IN ({PERSON})"),
            format!("DELETE FROM participant_tokens WHERE participant_id IN ({PERSON})"),
            format!("DELETE FROM email_verifications WHERE participant_id IN ({PERSON})"),
        ];
        for sql in statements {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(brand_id)
                .bind(e.email)
                .execute(&mut *tx)
                .await?;
        }
        // The photos: their bytes go, and they leave the gallery (a photo that is not approved
        // is never served).
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE media SET bytes = $3 WHERE id IN \
             (SELECT media_id FROM gallery_submissions WHERE participant_id IN ({PERSON}))"
        )))
        .bind(brand_id)
        .bind(e.email)
        .bind(Vec::<u8>::new())
        .execute(&mut *tx)
        .await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE gallery_submissions SET caption = NULL, status = 'rejected' WHERE participant_id IN ({PERSON})"
        )))
        .bind(brand_id)
        .bind(e.email)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "DELETE FROM whitelist WHERE LOWER(email) = $2 AND giveaway_id IN (SELECT id FROM giveaways WHERE brand_id = $1)",
        )
        .bind(brand_id)
        .bind(e.email)
        .execute(&mut *tx)
        .await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE participants SET email = $3, name = '', country = NULL, birthday = NULL, ip = NULL \
             WHERE id IN ({PERSON})"
        )))
        .bind(brand_id)
        .bind(e.email)
        .bind(e.pseudonym)
        .execute(&mut *tx)
        .await?;
        let erased = Erased {
            participant_ids: found.iter().map(|(id, _)| *id).collect(),
            user_ids: found.into_iter().map(|(_, u)| u).collect(),
            whitelist_rows: whitelisted.len(),
        };
        let mut audit = audit.clone();
        if let Some(details) = audit.details.as_object_mut() {
            details.insert("participant_ids".to_owned(), erased.participant_ids.clone().into());
            details.insert("user_ids".to_owned(), erased.user_ids.clone().into());
            details.insert("whitelist_rows".to_owned(), whitelisted.len().into());
        }
        audit::append_in(&mut tx, &audit, now).await?;
        tx.commit().await?;
        Ok(erased)
    }
}
