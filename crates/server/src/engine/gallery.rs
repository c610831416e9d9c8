//! Photo contests, the owner's side: the submissions to moderate, approving and rejecting them,
//! the photo of any submission for review, and the "most voted" pick: the author of the
//! approved photo with the most votes becomes a winner as a manual pick (never a draw), with
//! the vote counts recorded on the submission. The public side is `public_entries/gallery.rs`.

use super::audit::audit_event;
use super::draws::{ManualWinnerInput, MostVotedPick};
use super::{Engine, EngineError, EngineResult, Principal};
use fairdraw_core::gallery::{Status, VoteMode};
use fairdraw_core::page::{PageInfo, PageRequest};
use fairdraw_core::validation::FieldErrors;
use fairdraw_store::StoreError;
use fairdraw_store::draws::WinnerPerson;
use fairdraw_store::gallery::SubmissionRow;

/// The "most voted" pick: who won, with which photo and how many votes.
#[derive(Clone, Debug)]
pub struct MostVoted {
    pub winner: WinnerPerson,
    pub entry_id: i64,
    pub votes: i64,
    /// The votes of the runner-up (0 when there is none), so the margin is on record.
    pub runner_up_votes: i64,
}

fn submission_not_found(e: StoreError) -> EngineError {
    match e {
        StoreError::NotFound => EngineError::NotFound("Submission"),
        other => other.into(),
    }
}

impl Engine {
    /// A giveaway's submissions, oldest first; `status` is pending, approved or rejected.
    pub async fn list_submissions(
        &self,
        who: &Principal,
        giveaway_id: i64,
        status: Option<&str>,
        page: PageRequest,
    ) -> EngineResult<(Vec<SubmissionRow>, PageInfo)> {
        let status =
            match status.map(str::trim).filter(|s| !s.is_empty()) {
                None => None,
                Some(s) => Some(Status::parse(s).ok_or_else(|| {
                    EngineError::BadRequest("status must be pending, approved or rejected.".to_owned())
                })?),
            };
        let g = self.owned_giveaway(who, giveaway_id).await?;
        let (rows, total) = self
            .db()
            .list_submissions(g.id(), status.map(Status::as_str), page.limit(), page.offset())
            .await?;
        Ok((rows, PageInfo::new(page, u64::try_from(total).unwrap_or(0))))
    }

    /// Approves or rejects a submission (by its entry id). A rejected photo leaves the gallery
    /// and `/media` at once; its entry stays (removing entries is the entries API's job).
    pub async fn review_submission(
        &self,
        who: &Principal,
        giveaway_id: i64,
        entry_id: i64,
        status: Status,
    ) -> EngineResult<()> {
        let g = self.owned_giveaway(who, giveaway_id).await?;
        // gallery.approved, gallery.rejected.
        let audit = audit_event(
            who,
            &format!("gallery.{}", status.as_str()),
            Some(g.id()),
            serde_json::json!({ "entry_id": entry_id }),
        );
        self.db()
            .review_submission(g.id(), entry_id, status.as_str(), &audit, self.now_ms())
            .await
            .map_err(submission_not_found)
    }

    /// A submission's photo whatever its status, for the owner's review.
    pub async fn submission_photo(
        &self,
        who: &Principal,
        giveaway_id: i64,
        entry_id: i64,
    ) -> EngineResult<(String, Vec<u8>)> {
        let g = self.owned_giveaway(who, giveaway_id).await?;
        self.db()
            .submission_photo(g.id(), entry_id)
            .await
            .map_err(submission_not_found)
    }

    /// Makes the author of the most voted approved photo a winner: a manual pick with the vote
    /// counts on record. Only for giveaways whose votes decide a winner (`gallery_votes` =
    /// "most_voted"); a tie for first place is refused, for the owner to settle.
    pub async fn pick_most_voted(&self, who: &Principal, giveaway_id: i64) -> EngineResult<MostVoted> {
        let g = self.owned_giveaway(who, giveaway_id).await?;
        if g.settings.vote_mode() != VoteMode::MostVoted {
            return Err(EngineError::Conflict(
                "This giveaway's votes add entries (settings.gallery_votes is \"entries\"); they do not pick a winner."
                    .to_owned(),
            ));
        }
        let Some(first) = self.db().most_voted(g.id()).await? else {
            return Err(FieldErrors::one("gallery", "No approved photo has a vote yet.").into());
        };
        let runner_up_votes = self.db().runner_up_votes(g.id(), first.id).await?;
        if runner_up_votes == first.votes {
            return Err(EngineError::Conflict(format!(
                "Two photos share the most votes ({}): pick the winner with the manual winner endpoint.",
                first.votes
            )));
        }
        let pick = MostVotedPick {
            submission_id: first.id,
            entry_id: first.entry_id,
            votes: first.votes,
            runner_up_votes,
        };
        let winner = self
            .pick_by_hand(
                who,
                g.id(),
                ManualWinnerInput {
                    user_id: Some(first.user_id.clone()),
                    email: None,
                },
                Some(&pick),
            )
            .await?;
        Ok(MostVoted {
            winner,
            entry_id: first.entry_id,
            votes: first.votes,
            runner_up_votes,
        })
    }
}
