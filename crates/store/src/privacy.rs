//! A person's data across a brand, found by e-mail: everything held about them (export) and
//! its erasure. Draws never held personal data (pools and certificates name `user_id`s, random
//! UUIDs), so an erasure leaves every draw verifiable: it keeps the participant rows and their
//! ids and clears what identifies the person.

use crate::audit::{self, AuditEvent};
use crate::db::Db;
use crate::error::StoreResult;
use crate::jobs::{NewJob, enqueue_in};
use serde_json::Value;
use sqlx::{Any, FromRow, Transaction};
use std::collections::HashSet;

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
    /// Work outside the database the erasure causes (the outbox's copies), queued with it.
    pub then: NewJob,
}

/// What an erasure changed.
#[derive(Clone, Debug, Default)]
pub struct Erased {
    pub participant_ids: Vec<i64>,
    pub user_ids: Vec<String>,
    /// Whitelist rows removed.
    pub whitelist_rows: usize,
    /// Queued or finished jobs whose payload quoted the address (webhook deliveries of entry
    /// and participant events, verification e-mails), now quoting the pseudonym.
    pub jobs_scrubbed: usize,
    /// Saved `Idempotency-Key` responses that quoted the address, removed.
    pub saved_responses_removed: usize,
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
    /// address leaves the whitelists; the brand's jobs that quote it (webhook payloads, the
    /// verification e-mail) quote the pseudonym instead, with the name beside it cleared, and
    /// saved idempotent responses that quote it are dropped. Blacklists keep it: a ban is the
    /// organiser's record and stays in force. Returns what was erased (nothing when the brand
    /// holds nothing).
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
        let jobs_scrubbed = scrub_jobs_in(&mut tx, brand_id, e).await?;
        enqueue_in(&mut tx, &e.then, now).await?;
        let saved_responses_removed = drop_saved_responses_in(&mut tx, brand_id, e.email).await?;
        let erased = Erased {
            participant_ids: found.iter().map(|(id, _)| *id).collect(),
            user_ids: found.into_iter().map(|(_, u)| u).collect(),
            whitelist_rows: whitelisted.len(),
            jobs_scrubbed,
            saved_responses_removed,
        };
        let audit = audit
            .with("participant_ids", erased.participant_ids.clone())
            .with("user_ids", erased.user_ids.clone())
            .with("whitelist_rows", erased.whitelist_rows)
            .with("jobs_scrubbed", jobs_scrubbed)
            .with("saved_responses_removed", saved_responses_removed);
        audit::append_in(&mut tx, &audit, now).await?;
        tx.commit().await?;
        Ok(erased)
    }
}

/// A `LIKE` pattern that finds `needle` anywhere. Its `_` and `%` are left as wildcards: the
/// pattern only narrows the rows down, and every caller checks the exact text after.
fn containing(needle: &str) -> String {
    format!("%{needle}%")
}

/// The brand's jobs whose payload quotes `e.email` get `e.pseudonym` in its place, and the name
/// beside it cleared (see [`scrub`]). A job is the brand's when it delivers to one of its
/// webhooks or concerns one of its giveaways. Returns how many payloads changed.
async fn scrub_jobs_in(tx: &mut Transaction<'_, Any>, brand_id: i64, e: &Erasure<'_>) -> StoreResult<usize> {
    let quoting: Vec<(i64, String)> = sqlx::query_as("SELECT id, payload FROM jobs WHERE payload LIKE $1")
        .bind(containing(e.email))
        .fetch_all(&mut **tx)
        .await?;
    if quoting.is_empty() {
        return Ok(0);
    }
    let mut giveaways = HashSet::new();
    let mut webhooks = HashSet::new();
    for (set, sql) in [
        (&mut giveaways, "SELECT id FROM giveaways WHERE brand_id = $1"),
        (&mut webhooks, "SELECT id FROM webhooks WHERE brand_id = $1"),
    ] {
        let rows: Vec<(i64,)> = sqlx::query_as(sql).bind(brand_id).fetch_all(&mut **tx).await?;
        set.extend(rows.into_iter().map(|(id,)| id));
    }
    let owned = |payload: &Value| {
        let id = |v: Option<&Value>| v.and_then(Value::as_i64);
        id(payload.get("webhook_id")).is_some_and(|w| webhooks.contains(&w))
            || id(payload.get("giveaway_id")).is_some_and(|g| giveaways.contains(&g))
            || id(payload.get("data").and_then(|d| d.get("giveaway_id"))).is_some_and(|g| giveaways.contains(&g))
    };
    let mut changed = 0;
    for (id, payload) in quoting {
        let Ok(mut payload) = serde_json::from_str::<Value>(&payload) else {
            continue;
        };
        if !owned(&payload) || !scrub(&mut payload, e.email, e.pseudonym) {
            continue;
        }
        sqlx::query("UPDATE jobs SET payload = $2 WHERE id = $1")
            .bind(id)
            .bind(payload.to_string())
            .execute(&mut **tx)
            .await?;
        changed += 1;
    }
    Ok(changed)
}

/// Replaces every string equal to `email` in `value` by `pseudonym`, and clears the `name` and
/// `user_name` that sit beside it in the same object. Whether anything changed.
fn scrub(value: &mut Value, email: &str, pseudonym: &str) -> bool {
    match value {
        Value::Array(items) => items
            .iter_mut()
            .fold(false, |changed, v| scrub(v, email, pseudonym) | changed),
        Value::Object(fields) => {
            let mut here = false;
            for v in fields.values_mut() {
                if v.as_str() == Some(email) {
                    *v = Value::String(pseudonym.to_owned());
                    here = true;
                }
            }
            if here {
                for key in ["name", "user_name"] {
                    if let Some(v) = fields.get_mut(key).filter(|v| v.is_string()) {
                        *v = Value::String(String::new());
                    }
                }
            }
            fields
                .values_mut()
                .fold(here, |changed, v| scrub(v, email, pseudonym) | changed)
        }
        Value::String(s) if s == email => {
            *s = pseudonym.to_owned();
            true
        }
        _ => false,
    }
}

/// Removes the saved `Idempotency-Key` responses that quote `email`: those of the brand's keys,
/// and anonymous ones (the public entry endpoint's). A client retrying with such a key runs the
/// request again. Returns how many were removed.
async fn drop_saved_responses_in(tx: &mut Transaction<'_, Any>, brand_id: i64, email: &str) -> StoreResult<usize> {
    let saved: Vec<(String, String, Option<Vec<u8>>)> = sqlx::query_as(
        "SELECT scope, idem_key, body FROM idempotency_keys WHERE body LIKE $1 \
         AND (scope LIKE 'anon:%' OR scope IN (SELECT 'key:' || id FROM api_keys WHERE brand_id = $2))",
    )
    .bind(containing(email).into_bytes())
    .bind(brand_id)
    .fetch_all(&mut **tx)
    .await?;
    let needle = email.as_bytes();
    let mut removed = 0;
    for (scope, key, body) in saved {
        if !body.is_some_and(|b| b.windows(needle.len()).any(|w| w == needle)) {
            continue;
        }
        sqlx::query("DELETE FROM idempotency_keys WHERE scope = $1 AND idem_key = $2")
            .bind(scope)
            .bind(key)
            .execute(&mut **tx)
            .await?;
        removed += 1;
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn scrubbing_replaces_the_address_and_clears_the_name_beside_it() {
        let mut v = json!({
            "webhook_id": 3,
            "data": { "email": "ann@example.com", "name": "Ann Smith", "user_id": "u1" },
            "other": { "name": "kept", "email": "bob@example.com" },
            "list": ["ann@example.com", "x"],
        });
        assert!(scrub(&mut v, "ann@example.com", "erased-1@erased.invalid"));
        assert_eq!(
            v,
            json!({
                "webhook_id": 3,
                "data": { "email": "erased-1@erased.invalid", "name": "", "user_id": "u1" },
                "other": { "name": "kept", "email": "bob@example.com" },
                "list": ["erased-1@erased.invalid", "x"],
            })
        );
        assert!(!scrub(&mut v, "ann@example.com", "erased-1@erased.invalid"));
    }

    #[test]
    fn a_longer_address_that_contains_it_is_not_scrubbed() {
        let mut v = json!({ "email": "joann@example.com", "name": "Jo" });
        assert!(!scrub(&mut v, "ann@example.com", "p"));
        assert_eq!(v["name"], "Jo");
    }
}
