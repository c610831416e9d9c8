//! Comment draws (`/v1/draws`): winners among a post's comments, drawn with the draw protocol
//! and certified like a giveaway's draw.
//!
//! A draw is written `processing` with a fresh seed and its commitment, and with a queued run
//! job, before any comment is read. The request then runs it itself for up to
//! `sync_wait`; if that is not enough, it hands the draw to the queue (which starts the run
//! again from the first page) and answers 202. Whoever finishes first completes the draw in one
//! conditional update, with its `draw.completed` (or `draw.failed`) deliveries.

mod claims;
pub mod connections;
pub mod limits;
mod run;
pub mod scrape;
pub mod source;
pub mod uploads;
pub mod usage;
pub mod webhooks;

pub use claims::claim_json;
pub use run::RunFailure;
pub use source::{CommentFetcher, CommentPages, Credentials, FetchError, Page, PageFuture, Platform, PostRef, Source};

use super::{Engine, EngineError, EngineResult, Principal, random_bytes};
use fairdraw_core::beacon::{BeaconKind, NamedRound};
use fairdraw_core::comments::{Filters, FiltersInput, time_ordered_id};
use fairdraw_core::draw::ServerSeed;
use fairdraw_core::validation::FieldErrors;
use fairdraw_store::comment_draws::{CommentDrawRow, NewCommentDraw};
use serde::Deserialize;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::time::Duration;
use utoipa::ToSchema;

pub const MAX_WINNERS: i64 = 1_000;
pub const MAX_EXTRAS: i64 = 1_000;

/// What comment draws need from the configuration and the outside world.
#[derive(Clone, Debug)]
pub struct DrawEnv<'a> {
    /// Base of the verification links.
    pub public_url: &'a str,
    /// Where uploaded files are kept (`<data_dir>/uploads`).
    pub uploads_dir: PathBuf,
    /// How long a request runs its draw before answering 202.
    pub sync_wait: Duration,
    pub prices: Prices,
    pub fetcher: &'a dyn CommentFetcher,
}

/// Price of one completed draw per tier, in cents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Prices {
    pub standard_cents: i64,
    pub premium_cents: i64,
}

impl Default for Prices {
    fn default() -> Self {
        Prices {
            standard_cents: 299,
            premium_cents: 749,
        }
    }
}

impl Prices {
    pub fn of(self, tier: &str) -> i64 {
        if tier == "premium" {
            self.premium_cents
        } else {
            self.standard_cents
        }
    }
}

/// The uploads folder under a data dir.
pub fn uploads_dir(data_dir: &std::path::Path) -> PathBuf {
    data_dir.join("uploads")
}

/// The body of `POST /v1/draws`. Unknown fields are ignored.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct CreateDrawInput {
    /// The post (Instagram, YouTube, TikTok) or `upload://<id>`.
    pub url: Option<String>,
    /// Winners, 1 to 1,000.
    pub winners: Option<i64>,
    /// Extras (alternates), 0 to 1,000; default 0.
    pub extras: Option<i64>,
    /// include_replies, exclude_users, keyword, since, until, require_tag, min_tag_count,
    /// exclude_duplicates.
    #[schema(value_type = Object)]
    pub filters: Option<FiltersInput>,
    /// standard (default) or premium.
    pub tier: Option<String>,
    /// Receives draw.completed / draw.failed for this draw (and the winner.* events).
    pub webhook_url: Option<String>,
    /// `drand`: draw on the first drand round published after the request (answered 202; the
    /// queue finishes the draw once the round is out). `none`: draw at once. Default: the
    /// instance's `FAIRDRAW_BEACON_DEFAULT`.
    pub beacon: Option<String>,
    /// Hours each winner has to claim, 1 to 2160 (issue 15); your platform confirms a claim
    /// with `POST /v1/draws/{id}/winners/{handle}/claim`. An unclaimed or disqualified win goes
    /// to the next extra. Default: winners need not claim.
    pub claim_deadline_hours: Option<i64>,
}

/// A checked draw request.
#[derive(Clone, Debug)]
pub struct DrawRequest {
    pub url: String,
    pub source: Source,
    pub winners: u32,
    pub extras: u32,
    pub filters: Filters,
    pub tier: &'static str,
    pub webhook_url: Option<String>,
    pub beacon: Option<BeaconKind>,
    pub claim_deadline_hours: Option<i64>,
}

/// A draw request's URL and filters, as `scrape` takes them too.
pub fn parse_url_and_filters(
    url: Option<&str>,
    filters: Option<&FiltersInput>,
    errors: &mut FieldErrors,
) -> Option<(String, Source, Filters)> {
    let url = url.map(str::trim).filter(|u| !u.is_empty());
    let source = match url {
        None => {
            errors.add("url", "url is required.");
            None
        }
        Some(u) => match source::parse_source(u) {
            Ok(s) => Some(s),
            Err(m) => {
                errors.add("url", m);
                None
            }
        },
    };
    let filters = match Filters::parse(filters.unwrap_or(&FiltersInput::default())) {
        Ok(f) => Some(f),
        Err(e) => {
            for (field, m) in e.iter() {
                errors.add(field, m);
            }
            None
        }
    };
    Some((url?.to_owned(), source?, filters?))
}

fn parse_request(input: &CreateDrawInput, allow_private: bool) -> Result<DrawRequest, FieldErrors> {
    let mut errors = FieldErrors::new();
    let parsed = parse_url_and_filters(input.url.as_deref(), input.filters.as_ref(), &mut errors);
    let winners = match input.winners {
        None => {
            errors.add("winners", "winners is required (1 to 1,000).");
            0
        }
        Some(n) if (1..=MAX_WINNERS).contains(&n) => n as u32,
        Some(_) => {
            errors.add("winners", "winners must be between 1 and 1,000.");
            0
        }
    };
    let extras = match input.extras.unwrap_or(0) {
        n if (0..=MAX_EXTRAS).contains(&n) => n as u32,
        _ => {
            errors.add("extras", "extras must be between 0 and 1,000.");
            0
        }
    };
    let tier = match input.tier.as_deref().map(str::trim) {
        None | Some("" | "standard") => "standard",
        Some("premium") => "premium",
        Some(_) => {
            errors.add("tier", "tier is standard or premium.");
            "standard"
        }
    };
    let webhook_url = input.webhook_url.as_deref().map(str::trim).filter(|u| !u.is_empty());
    if let Some(u) = webhook_url
        && let Err(m) = webhooks::check_receiver_url(u, allow_private)
    {
        errors.add("webhook_url", m);
    }
    let beacon = match input.beacon.as_deref().map(str::trim).filter(|b| !b.is_empty()) {
        None => None,
        Some(b) => match BeaconKind::parse(b) {
            Some(kind) => Some(kind),
            None => {
                errors.add("beacon", "beacon is drand or none.");
                None
            }
        },
    };
    let max_hours = fairdraw_core::claims::MAX_DEADLINE_HOURS;
    if input
        .claim_deadline_hours
        .is_some_and(|h| !(1..=max_hours).contains(&h))
    {
        errors.add(
            "claim_deadline_hours",
            format!("claim_deadline_hours must be between 1 and {max_hours}."),
        );
    }
    errors.into_result()?;
    let (url, source, filters) = parsed.expect("no errors means every part parsed");
    Ok(DrawRequest {
        url,
        source,
        winners,
        extras,
        filters,
        tier,
        webhook_url: webhook_url.map(str::to_owned),
        beacon,
        claim_deadline_hours: input.claim_deadline_hours,
    })
}

/// What `POST /v1/draws` ends with.
#[derive(Debug)]
pub enum Started {
    /// Completed in the request.
    Completed(CommentDrawRow),
    /// Still running, now from the queue.
    Processing(CommentDrawRow),
    /// Failed in the request: the platform refused (502), or nothing qualified (422).
    Failed(CommentDrawRow, RunFailure),
}

/// Why a draw cannot even start: a 422 that says what to do.
fn unprocessable(field: &str, message: impl Into<String>) -> EngineError {
    EngineError::Validation(FieldErrors::one(field, message))
}

impl Engine {
    /// `POST /v1/draws`.
    pub async fn start_comment_draw(
        &self,
        who: &Principal,
        input: &CreateDrawInput,
        env: &DrawEnv<'_>,
        allow_private: bool,
    ) -> EngineResult<Started> {
        let req = parse_request(input, allow_private)?;
        self.check_source(who.brand_id, &req.source).await?;
        let now = self.now_ms();
        let seed = ServerSeed(random_bytes());
        // A draw on drand names, with its commitment, the first round after the request, and
        // the queue runs it once that round is due.
        let named = (self.beacon_kind(req.beacon) == BeaconKind::Drand).then(|| self.name_round(now));
        let sync_run_at = now.saturating_add(i64::try_from(env.sync_wait.as_millis()).unwrap_or(i64::MAX / 2) + 5_000);
        let new = NewCommentDraw {
            public_id: format!("drw_{}", time_ordered_id(now, random_bytes())),
            brand_id: who.brand_id,
            account_id: who.account_id,
            url: req.url.clone(),
            source_key: req.source.key(),
            tier: req.tier.to_owned(),
            winners: i64::from(req.winners),
            extras: i64::from(req.extras),
            filters: serde_json::to_string(&req.filters).map_err(|e| EngineError::Internal(Box::new(e)))?,
            webhook_url: req.webhook_url.clone(),
            server_seed: seed.to_hex(),
            commitment: seed.commitment().to_hex(),
            job_run_at: named.as_ref().map_or(sync_run_at, NamedRound::due_at_ms),
            beacon_round: named
                .as_ref()
                .map(serde_json::to_string)
                .transpose()
                .map_err(|e| EngineError::Internal(Box::new(e)))?,
            claim_deadline_hours: req.claim_deadline_hours,
        };
        let row = self.db().create_comment_draw(&new, now).await?;
        if named.is_some() {
            return Ok(Started::Processing(row));
        }
        let outcome = tokio::time::timeout(env.sync_wait, self.run_comment_draw(&row, env, true)).await;
        match outcome {
            Err(_elapsed) => {
                self.db().hand_comment_draw_to_queue(row.id, self.now_ms()).await?;
                Ok(Started::Processing(self.reload(&row).await?))
            }
            Ok(Ok(())) => Ok(Started::Completed(self.reload(&row).await?)),
            Ok(Err(RunFailure::Internal(e))) => Err(e),
            Ok(Err(failure)) => {
                self.fail_comment_draw(&row, &failure).await?;
                Ok(Started::Failed(self.reload(&row).await?, failure))
            }
        }
    }

    async fn reload(&self, row: &CommentDrawRow) -> EngineResult<CommentDrawRow> {
        self.db()
            .comment_draw_by_id(row.id)
            .await?
            .ok_or(EngineError::NotFound("Draw"))
    }

    /// A 422 unless the source can be read: the upload exists, or the brand has a connection
    /// to the platform.
    pub async fn check_source(&self, brand_id: i64, source: &Source) -> EngineResult<()> {
        match source {
            Source::Upload(id) => {
                if self.db().upload(brand_id, id).await?.is_none() {
                    return Err(unprocessable(
                        "url",
                        format!(
                            "No upload {id} in this account. Upload the comments with POST /v1/comments/uploads first."
                        ),
                    ));
                }
            }
            Source::Post(post) => {
                if self
                    .db()
                    .connection_for(brand_id, post.platform.as_str())
                    .await?
                    .is_none()
                {
                    return Err(unprocessable(
                        "url",
                        format!(
                            "This account has no {} connection. Connect it with POST /v1/connections \
                             {{\"platform\": \"{}\", \"access_token\": …}}, or upload the comments with \
                             POST /v1/comments/uploads and draw from the upload:// URL.",
                            post.platform.display_name(),
                            post.platform.as_str()
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// `GET /v1/draws/:id`.
    pub async fn comment_draw(&self, who: &Principal, public_id: &str) -> EngineResult<CommentDrawRow> {
        self.db()
            .comment_draw(who.brand_id, public_id)
            .await?
            .ok_or(EngineError::NotFound("Draw"))
    }

    /// `GET /v1/draws`: newest first, `limit` + 1 rows so the caller knows if there are more.
    pub async fn list_comment_draws(
        &self,
        who: &Principal,
        cursor: Option<&str>,
        limit: i64,
    ) -> EngineResult<(Vec<CommentDrawRow>, bool)> {
        if let Some(c) = cursor
            && self.db().comment_draw(who.brand_id, c).await?.is_none()
        {
            return Err(EngineError::BadRequest(
                "cursor is not a draw of this account; pass next_cursor as it was answered.".to_owned(),
            ));
        }
        let mut rows = self.db().list_comment_draws(who.brand_id, cursor, limit + 1).await?;
        let more = rows.len() as i64 > limit;
        rows.truncate(usize::try_from(limit).unwrap_or(0));
        Ok((rows, more))
    }
}

/// A draw as `/v1` answers it: the stored answer once completed; otherwise the same fields
/// with what is known so far (and `error` when it failed).
pub fn draw_json(row: &CommentDrawRow) -> Value {
    if row.status == "completed"
        && let Some(v) = row
            .result
            .as_deref()
            .and_then(|r| serde_json::from_str::<Value>(r).ok())
    {
        return v;
    }
    let mut v = json!({
        "id": row.public_id,
        "status": row.status,
        "url": row.url,
        "comments_processed": row.comments_processed,
        "winners": [],
        "extras": [],
        "verification": null,
        "duration_ms": row.duration_ms,
    });
    if row.status == "failed" {
        v["error"] = json!({ "code": row.error_code, "message": row.error_message });
    }
    v
}
