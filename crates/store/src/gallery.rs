//! Photo contests: submissions (a photo in `media`, tied to the entry that uploaded it), their
//! moderation, the votes for approved ones, and which uploads `/media` may serve.
//!
//! A submission's photo is public only while it is approved and its entry still exists; the
//! query that serves `/media` checks both, so a pending or rejected photo is never served.

use crate::audit::{self, AuditEvent};
use crate::db::Db;
use crate::draws::WinnersTx;
use crate::error::{StoreError, StoreResult};
use crate::events::emit_for_giveaway_in;
use fairdraw_core::events::EventKind;
use fairdraw_core::time::format_utc;
use serde_json::json;
use sqlx::FromRow;

/// A photo to attach to the entry that uploaded it.
#[derive(Clone, Debug)]
pub struct NewSubmission<'a> {
    pub giveaway_id: i64,
    pub brand_id: i64,
    pub entry_id: i64,
    pub media_id: &'a str,
    pub ext: &'a str,
    pub content_type: &'a str,
    pub bytes: &'a [u8],
    pub width: i64,
    pub height: i64,
    pub caption: Option<&'a str>,
    pub now: i64,
}

/// A submission as the owner sees it.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct SubmissionRow {
    pub id: i64,
    pub entry_id: i64,
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub media_id: String,
    pub ext: String,
    pub content_type: String,
    pub caption: Option<String>,
    pub width: i64,
    pub height: i64,
    pub status: String,
    pub votes: i64,
    pub reviewed_at: Option<i64>,
    pub picked_votes: Option<i64>,
    pub created_at: i64,
}

/// An approved photo as the page shows it: never the author's e-mail address.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct PublicPhoto {
    pub entry_id: i64,
    pub name: String,
    pub media_id: String,
    pub ext: String,
    pub caption: Option<String>,
    pub width: i64,
    pub height: i64,
    pub votes: i64,
    pub picked_votes: Option<i64>,
}

/// Why a vote was not counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VoteRefusal {
    /// This person already voted for this photo today.
    AlreadyVoted,
    /// Someone else voted for this photo today from the same address (the duplicate-IP rule).
    SameAddress,
    /// No approved photo with this entry id in the giveaway.
    NoSuchPhoto,
}

/// A counted vote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Voted {
    pub vote_id: i64,
    pub votes: i64,
    /// The photo's author, for the entries votes may earn them.
    pub author: Author,
}

/// Who took a photo, as the entry writer needs them.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct Author {
    pub submission_id: i64,
    pub entry_method_id: Option<i64>,
    pub email: String,
    pub name: String,
    pub country: Option<String>,
    pub is_verified: i64,
}

/// A vote to count.
#[derive(Clone, Debug)]
pub struct NewVote<'a> {
    pub giveaway_id: i64,
    pub entry_id: i64,
    pub participant_id: i64,
    pub ip: &'a str,
    /// The giveaway's local date.
    pub day: &'a str,
    /// Refuse a vote from an address that already voted for the photo today.
    pub unique_ip: bool,
    pub now: i64,
}

/// A query of submissions as [`SubmissionRow`]s, `$tail` after the joins; static text, so
/// nothing is ever formatted into SQL.
macro_rules! submissions {
    ($tail:literal) => {
        concat!(
            "SELECT s.id, s.entry_id, p.user_id, p.name, p.email, s.media_id, m.ext, m.content_type, ",
            "s.caption, s.width, s.height, s.status, s.votes, s.reviewed_at, s.picked_votes, s.created_at ",
            "FROM gallery_submissions s JOIN participants p ON p.id = s.participant_id ",
            "JOIN media m ON m.id = s.media_id JOIN entries e ON e.id = s.entry_id ",
            $tail
        )
    };
}

impl Db {
    /// Stores the photo and its submission (pending) for an entry just recorded, and queues the
    /// `gallery.submitted` event, in one transaction.
    pub async fn attach_photo(&self, s: &NewSubmission<'_>) -> StoreResult<i64> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO media (id, brand_id, ext, content_type, bytes, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(s.media_id)
        .bind(s.brand_id)
        .bind(s.ext)
        .bind(s.content_type)
        .bind(s.bytes)
        .bind(s.now)
        .execute(&mut *tx)
        .await?;
        let (id, participant_id): (i64, i64) = sqlx::query_as(
            "INSERT INTO gallery_submissions (giveaway_id, participant_id, entry_id, media_id, caption, width, height, \
             status, created_at) SELECT e.giveaway_id, e.participant_id, e.id, $3, $4, $5, $6, 'pending', $7 \
             FROM entries e WHERE e.id = $2 AND e.giveaway_id = $1 RETURNING id, participant_id",
        )
        .bind(s.giveaway_id)
        .bind(s.entry_id)
        .bind(s.media_id)
        .bind(s.caption)
        .bind(s.width)
        .bind(s.height)
        .bind(s.now)
        .fetch_one(&mut *tx)
        .await?;
        let (user_id, email, name): (String, String, String) =
            sqlx::query_as("SELECT user_id, email, name FROM participants WHERE id = $1")
                .bind(participant_id)
                .fetch_one(&mut *tx)
                .await?;
        let data = json!({
            "giveaway_id": s.giveaway_id,
            "entry_id": s.entry_id,
            "user_id": user_id,
            "email": email,
            "name": name,
            "caption": s.caption,
            "status": "pending",
            "created_at": format_utc(s.now),
        });
        emit_for_giveaway_in(
            &mut tx,
            s.giveaway_id,
            EventKind::GallerySubmitted,
            &format!("gallery.submitted:{}", s.entry_id),
            &data,
            s.now,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A giveaway's submissions, oldest first, with `status` when given, and how many there are.
    pub async fn list_submissions(
        &self,
        giveaway_id: i64,
        status: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> StoreResult<(Vec<SubmissionRow>, i64)> {
        let rows = sqlx::query_as(submissions!(
            "WHERE s.giveaway_id = $1 AND ($2 = '' OR s.status = $2) ORDER BY s.id LIMIT $3 OFFSET $4"
        ))
        .bind(giveaway_id)
        .bind(status.unwrap_or(""))
        .bind(limit)
        .bind(offset)
        .fetch_all(self.reader())
        .await?;
        let (total,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM gallery_submissions s JOIN entries e ON e.id = s.entry_id \
             WHERE s.giveaway_id = $1 AND ($2 = '' OR s.status = $2)",
        )
        .bind(giveaway_id)
        .bind(status.unwrap_or(""))
        .fetch_one(self.reader())
        .await?;
        Ok((rows, total))
    }

    /// One submission of a giveaway, by its entry id.
    pub async fn submission(&self, giveaway_id: i64, entry_id: i64) -> StoreResult<SubmissionRow> {
        Ok(
            sqlx::query_as(submissions!("WHERE s.giveaway_id = $1 AND s.entry_id = $2"))
                .bind(giveaway_id)
                .bind(entry_id)
                .fetch_one(self.reader())
                .await?,
        )
    }

    /// Approves or rejects a submission (by its entry id). `NotFound` when the giveaway has none.
    /// A change of status is recorded by `audit` (with the status before, `previous_status`);
    /// reviewing again to the same status changes nothing and records nothing.
    pub async fn review_submission(
        &self,
        giveaway_id: i64,
        entry_id: i64,
        status: &str,
        audit: &AuditEvent,
        now: i64,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let before: Option<String> = sqlx::query_scalar(
            "UPDATE gallery_submissions SET reviewed_at = $3 WHERE giveaway_id = $1 AND entry_id = $2 \
             AND EXISTS (SELECT 1 FROM entries e WHERE e.id = gallery_submissions.entry_id) RETURNING status",
        )
        .bind(giveaway_id)
        .bind(entry_id)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(before) = before else {
            return Err(StoreError::NotFound);
        };
        if before != status {
            sqlx::query("UPDATE gallery_submissions SET status = $3 WHERE giveaway_id = $1 AND entry_id = $2")
                .bind(giveaway_id)
                .bind(entry_id)
                .bind(status)
                .execute(&mut *tx)
                .await?;
            audit::append_in(&mut tx, &audit.with("previous_status", before), now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The approved photos of a giveaway, most voted first, at most `limit`.
    pub async fn public_gallery(&self, giveaway_id: i64, limit: i64) -> StoreResult<Vec<PublicPhoto>> {
        Ok(sqlx::query_as(
            "SELECT s.entry_id, p.name, s.media_id, m.ext, s.caption, s.width, s.height, s.votes, s.picked_votes \
             FROM gallery_submissions s JOIN participants p ON p.id = s.participant_id \
             JOIN media m ON m.id = s.media_id JOIN entries e ON e.id = s.entry_id \
             WHERE s.giveaway_id = $1 AND s.status = 'approved' ORDER BY s.votes DESC, s.id LIMIT $2",
        )
        .bind(giveaway_id)
        .bind(limit)
        .fetch_all(self.reader())
        .await?)
    }

    /// The entry ids of the photos a participant voted for on `day`.
    pub async fn votes_of(&self, participant_id: i64, day: &str) -> StoreResult<Vec<i64>> {
        let rows: Vec<(i64,)> = sqlx::query_as(
            "SELECT s.entry_id FROM gallery_votes v JOIN gallery_submissions s ON s.id = v.submission_id \
             WHERE v.participant_id = $1 AND v.day = $2",
        )
        .bind(participant_id)
        .bind(day)
        .fetch_all(self.reader())
        .await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// Counts a vote for an approved photo, at most one per person (and, with `unique_ip`, per
    /// address) per photo per day. The checks and the count are one transaction; the unique
    /// index on (photo, person, day) settles a race between two of one person's clicks.
    pub async fn vote(&self, v: &NewVote<'_>) -> StoreResult<Result<Voted, VoteRefusal>> {
        let mut tx = self.begin_write().await?;
        let author: Option<Author> = sqlx::query_as(
            "SELECT s.id AS submission_id, e.entry_method_id, p.email, p.name, p.country, p.is_verified \
             FROM gallery_submissions s JOIN entries e ON e.id = s.entry_id \
             JOIN participants p ON p.id = s.participant_id \
             WHERE s.giveaway_id = $1 AND s.entry_id = $2 AND s.status = 'approved'",
        )
        .bind(v.giveaway_id)
        .bind(v.entry_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(author) = author else {
            return Ok(Err(VoteRefusal::NoSuchPhoto));
        };
        let submission_id = author.submission_id;
        let (mine, same_ip): (i64, i64) = sqlx::query_as(
            "SELECT COALESCE(SUM(CASE WHEN participant_id = $2 THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN ip = $3 AND participant_id <> $2 THEN 1 ELSE 0 END), 0) \
             FROM gallery_votes WHERE submission_id = $1 AND day = $4",
        )
        .bind(submission_id)
        .bind(v.participant_id)
        .bind(v.ip)
        .bind(v.day)
        .fetch_one(&mut *tx)
        .await?;
        if mine > 0 {
            return Ok(Err(VoteRefusal::AlreadyVoted));
        }
        if v.unique_ip && same_ip > 0 {
            return Ok(Err(VoteRefusal::SameAddress));
        }
        let inserted: Result<(i64,), sqlx::Error> = sqlx::query_as(
            "INSERT INTO gallery_votes (submission_id, participant_id, ip, day, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(submission_id)
        .bind(v.participant_id)
        .bind(v.ip)
        .bind(v.day)
        .bind(v.now)
        .fetch_one(&mut *tx)
        .await;
        let vote_id = match inserted.map_err(StoreError::from) {
            Ok((id,)) => id,
            Err(StoreError::Conflict(_)) => return Ok(Err(VoteRefusal::AlreadyVoted)),
            Err(e) => return Err(e),
        };
        let (votes,): (i64,) =
            sqlx::query_as("UPDATE gallery_submissions SET votes = votes + 1 WHERE id = $1 RETURNING votes")
                .bind(submission_id)
                .fetch_one(&mut *tx)
                .await?;
        tx.commit().await?;
        Ok(Ok(Voted { vote_id, votes, author }))
    }

    /// The approved photo with the most votes (the earliest of a tie), if any has a vote.
    pub async fn most_voted(&self, giveaway_id: i64) -> StoreResult<Option<SubmissionRow>> {
        Ok(sqlx::query_as(submissions!(
            "WHERE s.giveaway_id = $1 AND s.status = 'approved' AND s.votes > 0 ORDER BY s.votes DESC, s.id LIMIT 1"
        ))
        .bind(giveaway_id)
        .fetch_optional(self.reader())
        .await?)
    }

    /// The most votes of an approved photo other than `submission_id` (0 when none).
    pub async fn runner_up_votes(&self, giveaway_id: i64, submission_id: i64) -> StoreResult<i64> {
        let (votes,): (i64,) = sqlx::query_as(
            "SELECT COALESCE(MAX(s.votes), 0) FROM gallery_submissions s JOIN entries e ON e.id = s.entry_id \
             WHERE s.giveaway_id = $1 AND s.status = 'approved' AND s.id <> $2",
        )
        .bind(giveaway_id)
        .bind(submission_id)
        .fetch_one(self.reader())
        .await?;
        Ok(votes)
    }

    /// `(ext, content_type, bytes, is_gallery)` of an upload the public may see: a chat
    /// giveaway's banner, or an approved photo whose entry still exists. `NotFound` otherwise.
    pub async fn public_media(&self, id: &str) -> StoreResult<(String, String, Vec<u8>, bool)> {
        let (ext, content_type, bytes, status, entry): (String, String, Vec<u8>, Option<String>, Option<i64>) =
            sqlx::query_as(
                "SELECT m.ext, m.content_type, m.bytes, s.status, e.id FROM media m \
                 LEFT JOIN gallery_submissions s ON s.media_id = m.id LEFT JOIN entries e ON e.id = s.entry_id \
                 WHERE m.id = $1",
            )
            .bind(id)
            .fetch_one(self.reader())
            .await?;
        match status {
            None => Ok((ext, content_type, bytes, false)),
            Some(s) if s == "approved" && entry.is_some() => Ok((ext, content_type, bytes, true)),
            Some(_) => Err(StoreError::NotFound),
        }
    }

    /// The bytes of a submission's photo whatever its status, for its owner's review.
    pub async fn submission_photo(&self, giveaway_id: i64, entry_id: i64) -> StoreResult<(String, Vec<u8>)> {
        Ok(sqlx::query_as(
            "SELECT m.content_type, m.bytes FROM gallery_submissions s JOIN media m ON m.id = s.media_id \
             JOIN entries e ON e.id = s.entry_id WHERE s.giveaway_id = $1 AND s.entry_id = $2",
        )
        .bind(giveaway_id)
        .bind(entry_id)
        .fetch_one(self.reader())
        .await?)
    }

    /// Issues one more participant token (its stored key) to a participant: the sign-in link of
    /// the confirmation e-mail signs a returning entrant in on another device.
    pub async fn add_participant_token(&self, participant_id: i64, key: &str, now: i64) -> StoreResult<()> {
        sqlx::query("INSERT INTO participant_tokens (token_hash, participant_id, created_at) VALUES ($1, $2, $3)")
            .bind(key)
            .bind(participant_id)
            .bind(now)
            .execute(self.writer())
            .await?;
        Ok(())
    }
}

impl WinnersTx {
    /// Records that a submission's author was picked as the most voted, with its votes then, in
    /// the transaction that makes them a winner.
    pub async fn mark_picked(&mut self, submission_id: i64, votes: i64) -> StoreResult<()> {
        sqlx::query("UPDATE gallery_submissions SET picked_votes = $2 WHERE id = $1 AND giveaway_id = $3")
            .bind(submission_id)
            .bind(votes)
            .bind(self.giveaway_id())
            .execute(self.conn())
            .await?;
        Ok(())
    }
}
