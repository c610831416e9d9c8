//! Running one comment draw: read the comments (upload file or platform pages), filter and
//! tally them, draw under the committed seed, certify, and complete the draw with its event.

use super::source::{Credentials, FetchError, Source, parse_source};
use super::{DrawEnv, uploads};
use crate::engine::draws::{DrawLinks, new_draw};
use crate::engine::{Engine, EngineError};
use fairdraw_core::comments::{Comment, Filters, FirstComments, Tally};
use fairdraw_core::draw::{Certificate, DrawInput, DrawOutcome, Pool, ServerSeed, draw};
use fairdraw_core::time::format_rfc3339;
use fairdraw_store::comment_draws::{CommentDrawRow, DrawEvent};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// How often a running draw writes how many comments it has read.
const PROGRESS_EVERY: Duration = Duration::from_millis(250);

/// Why a draw did not complete.
#[derive(Debug)]
pub enum RunFailure {
    /// The platform refused or failed (a 502).
    Platform(FetchError),
    /// The draw cannot be made from what was read (a 422): no comment qualifies, or its upload
    /// or connection is gone.
    Unprocessable { code: &'static str, message: String },
    /// Our own failure; the draw stays processing and the queue tries again.
    Internal(EngineError),
    /// The named drand round is not out, unreachable, or did not verify: the queue tries again;
    /// the draw is never made without it.
    Beacon(crate::engine::beacon::BeaconWait),
}

impl RunFailure {
    pub fn code(&self) -> &'static str {
        match self {
            RunFailure::Platform(_) => "platform_error",
            RunFailure::Unprocessable { code, .. } => code,
            RunFailure::Internal(_) => "internal_error",
            RunFailure::Beacon(_) => "beacon_unavailable",
        }
    }

    /// For the job log: the failure with its cause, never a token.
    pub fn message_for_log(&self) -> String {
        match self {
            RunFailure::Internal(e) => format!("{e}"),
            other => other.message(),
        }
    }

    pub fn message(&self) -> String {
        match self {
            RunFailure::Platform(e) => format!("{e}"),
            RunFailure::Unprocessable { message, .. } => message.clone(),
            RunFailure::Internal(_) => "Internal server error.".to_owned(),
            RunFailure::Beacon(w) => format!("{w}. No draw was made."),
        }
    }
}

impl<E: Into<EngineError>> From<E> for RunFailure {
    fn from(e: E) -> Self {
        RunFailure::Internal(e.into())
    }
}

fn internal(message: String) -> RunFailure {
    RunFailure::Internal(EngineError::Internal(message.into()))
}

/// The comments read, tallied, and drawn.
struct Drawn {
    processed: u64,
    pool: Pool,
    outcome: DrawOutcome,
    /// The first qualifying comment of each winner and extra.
    comments: HashMap<String, String>,
    /// The drand round the draw took its beacon from, verified.
    drand: Option<fairdraw_core::beacon::DrandEvidence>,
}

fn draw_and_find(
    tally: &Tally,
    input: &DrawInput,
    second_pass: impl FnOnce(&mut FirstComments),
) -> Result<(Pool, DrawOutcome, HashMap<String, String>), RunFailure> {
    let pool = tally.pool().map_err(|e| internal(format!("building the pool: {e}")))?;
    if pool.is_empty() {
        return Err(RunFailure::Unprocessable {
            code: "no_qualifying_comments",
            message: format!(
                "No comment qualifies for this draw ({} read): check the filters (require_tag, keyword, since/until, \
                 exclude_users) against the post's comments with POST /v1/comments/scrape.",
                tally.processed()
            ),
        });
    }
    let outcome = draw(&pool, input);
    let mut first = FirstComments::new(outcome.winners.iter().chain(&outcome.extras).map(String::as_str));
    second_pass(&mut first);
    let comments = outcome
        .winners
        .iter()
        .chain(&outcome.extras)
        .map(|id| (id.clone(), first.get(id).unwrap_or_default().to_owned()))
        .collect();
    Ok((pool, outcome, comments))
}

impl Engine {
    /// Reads, filters and tallies a source's comments, calling `progress` now and then with
    /// how many were read; then `finish` with the tally and the comments (for a second pass).
    pub(crate) async fn read_comments(
        &self,
        brand_id: i64,
        source: &Source,
        filters: Filters,
        env: &DrawEnv<'_>,
        mut progress: impl AsyncProgress,
    ) -> Result<(Tally, CommentSet), RunFailure> {
        match source {
            Source::Upload(id) => {
                let upload = self
                    .db()
                    .upload(brand_id, id)
                    .await?
                    .ok_or_else(|| RunFailure::Unprocessable {
                        code: "upload_not_found",
                        message: format!("The upload {id} no longer exists."),
                    })?;
                let path = uploads::file_path(&env.uploads_dir, &upload);
                let format = uploads::format_of(&upload)?;
                let tally = tokio::task::spawn_blocking(move || -> Result<Tally, RunFailure> {
                    let mut tally = Tally::new(filters, None);
                    let file =
                        std::fs::File::open(&path).map_err(|e| internal(format!("opening {}: {e}", path.display())))?;
                    fairdraw_core::comments::upload::read(format, file, |c| tally.add(&c))
                        .map_err(|e| internal(format!("a stored upload no longer reads: {e}")))?;
                    Ok(tally)
                })
                .await
                .map_err(|e| internal(format!("the tally task failed: {e}")))??;
                Ok((tally, CommentSet::File(upload)))
            }
            Source::Post(post) => {
                let conn = self
                    .db()
                    .connection_for(brand_id, post.platform.as_str())
                    .await?
                    .ok_or_else(|| RunFailure::Unprocessable {
                        code: "connection_required",
                        message: format!(
                            "This account's {} connection was removed; connect it again with POST /v1/connections.",
                            post.platform.display_name()
                        ),
                    })?;
                let creds = Credentials {
                    access_token: conn.access_token.clone(),
                    account_id: conn.account_id.clone(),
                };
                let mut pages = env.fetcher.pages(post, creds);
                let mut comments: Vec<Comment> = Vec::new();
                let mut owner = None;
                // The first page is reported at once, later ones now and then.
                let mut last_report: Option<Instant> = None;
                while let Some(page) = pages.next_page().await.map_err(RunFailure::Platform)? {
                    comments.extend(page.comments);
                    if page.owner.is_some() {
                        owner = page.owner;
                    }
                    if last_report.is_none_or(|t| t.elapsed() >= PROGRESS_EVERY) {
                        progress.report(comments.len() as u64).await;
                        last_report = Some(Instant::now());
                    }
                }
                let mut tally = Tally::new(filters, owner.as_deref());
                for c in &comments {
                    tally.add(c);
                }
                Ok((tally, CommentSet::Memory(comments)))
            }
        }
    }

    /// Runs one draw to its end: completed (`Ok`), or a failure the caller records. `in_request`
    /// only changes nothing but logging; both paths complete the same way.
    pub(crate) async fn run_comment_draw(
        &self,
        row: &CommentDrawRow,
        env: &DrawEnv<'_>,
        in_request: bool,
    ) -> Result<(), RunFailure> {
        let started = Instant::now();
        // The named round first: nothing is read or drawn before it is out and verified.
        let drand = match crate::engine::beacon::parse_named(row.beacon_round.as_deref())? {
            Some(named) => Some(self.fetch_beacon(&named).await.map_err(RunFailure::Beacon)?),
            None => None,
        };
        let beacon = drand.as_ref().map(|d| d.beacon_input()).unwrap_or_default();
        let source = parse_source(&row.url).map_err(|m| internal(format!("stored draw URL: {m}")))?;
        let filters: Filters = serde_json::from_str::<Filters>(&row.filters)
            .map_err(|e| internal(format!("stored filters: {e}")))?
            .restored();
        let progress = DbProgress {
            engine: self,
            draw_id: row.id,
        };
        let (tally, set) = self
            .read_comments(row.brand_id, &source, filters, env, progress)
            .await?;
        let seed = ServerSeed::from_hex(&row.server_seed).map_err(|e| internal(format!("stored seed: {e}")))?;
        let input = DrawInput {
            server_seed: ServerSeed(seed.0),
            round: u32::try_from(row.serial).unwrap_or(u32::MAX),
            // Without a named round the beacon is empty, and the certificate says so (spec §9).
            beacon: beacon.clone(),
            winners: u32::try_from(row.winners).unwrap_or(1),
            extras: u32::try_from(row.extras).unwrap_or(0),
        };
        let uploads_dir = env.uploads_dir.to_owned();
        let drawn = tokio::task::spawn_blocking(move || -> Result<Drawn, RunFailure> {
            let (pool, outcome, comments) =
                draw_and_find(&tally, &input, |first| set.second_pass(&tally, first, &uploads_dir))?;
            Ok(Drawn {
                processed: tally.processed(),
                pool,
                outcome,
                comments,
                drand,
            })
        })
        .await
        .map_err(|e| internal(format!("the draw task failed: {e}")))??;
        self.complete(row, env, &input_of(row, seed, beacon), drawn, started, in_request)
            .await
    }

    async fn complete(
        &self,
        row: &CommentDrawRow,
        env: &DrawEnv<'_>,
        input: &DrawInput,
        drawn: Drawn,
        started: Instant,
        _in_request: bool,
    ) -> Result<(), RunFailure> {
        let now = self.now_ms();
        let siblings = self.db().sibling_draws(row.account_id, &row.source_key, row.id).await?;
        let result_hash = drawn.outcome.result_hash.to_hex();
        let links = DrawLinks::new(env.public_url, &result_hash, &row.public_id);
        let filters: Value = serde_json::from_str(&row.filters).unwrap_or(Value::Null);
        let mut cert = Certificate::new(&drawn.outcome, input, format_rfc3339(now));
        cert.draw_id = Some(row.public_id.clone());
        cert.drand = drawn.drand.clone();
        cert.subject = Some(json!({
            "type": "comment_draw",
            "title": format!("Comment draw #{} of {}", row.serial, row.url),
            "url": row.url,
            "filters": filters,
            "comments_processed": drawn.processed,
            "tier": row.tier,
            "serial": row.serial,
            "other_draws_of_url": siblings.iter().map(|s| json!({
                "serial": s.serial,
                "id": s.public_id,
                "sha256": s.result_hash,
                "drawn_at": format_rfc3339(s.drawn_at),
            })).collect::<Vec<_>>(),
        }));
        cert.committed_at = Some(format_rfc3339(row.created_at));
        cert.pool_url = Some(links.pool_url.clone());
        cert.sign(self.signing_key());
        let new = new_draw(&cert, None, Some(row.created_at), now).map_err(RunFailure::Internal)?;
        let pool_rows: Vec<(&str, i64)> = drawn.pool.iter().map(|c| (c.id, c.weight as i64)).collect();
        let drawn_at = format_rfc3339(now);
        let comment_of = |id: &str| drawn.comments.get(id).cloned().unwrap_or_default();
        let winners: Vec<Value> = drawn
            .outcome
            .winners
            .iter()
            .map(|id| json!({ "username": format!("@{id}"), "comment": comment_of(id), "drawn_at": drawn_at }))
            .collect();
        let extras: Vec<Value> = drawn
            .outcome
            .extras
            .iter()
            .map(|id| json!({ "username": format!("@{id}"), "comment": comment_of(id) }))
            .collect();
        let elapsed = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        let duration_ms = elapsed.max(now - row.created_at);
        let result = json!({
            "id": row.public_id,
            "status": "completed",
            "url": row.url,
            "comments_processed": drawn.processed,
            "winners": winners,
            "extras": extras,
            "verification": {
                "sha256": result_hash,
                "verify_url": links.verify_url,
                "certificate_pdf": links.certificate_pdf_url,
            },
            "duration_ms": duration_ms,
        });
        // Winners who must claim: each win pending until the deadline (`claims.rs`).
        let claims = row.claim_deadline_hours.map(|h| {
            (
                drawn.outcome.winners.as_slice(),
                now.saturating_add(h.saturating_mul(3_600_000)),
            )
        });
        // The event tells the receiver each winner must claim, and by when.
        let mut announced = winners.clone();
        if let Some((_, deadline)) = claims {
            for w in &mut announced {
                w["claim_status"] = json!("pending");
                w["claim_deadline"] = json!(format_rfc3339(deadline));
            }
        }
        let body = json!({
            "event": "draw.completed",
            "draw_id": row.public_id,
            "url": row.url,
            "winners": announced,
            "verification": { "sha256": result_hash },
            "timestamp": drawn_at,
        })
        .to_string();
        let processed = i64::try_from(drawn.processed).unwrap_or(i64::MAX);
        self.db()
            .complete_comment_draw(
                row,
                &new,
                &pool_rows,
                &result.to_string(),
                processed,
                env.prices.of(&row.tier),
                duration_ms,
                &DrawEvent {
                    event: "draw.completed",
                    body: &body,
                },
                claims,
                now,
            )
            .await?;
        Ok(())
    }

    /// Records a failed draw and queues `draw.failed`.
    pub(crate) async fn fail_comment_draw(
        &self,
        row: &CommentDrawRow,
        failure: &RunFailure,
    ) -> Result<(), EngineError> {
        let now = self.now_ms();
        let message = failure.message();
        let body = json!({
            "event": "draw.failed",
            "draw_id": row.public_id,
            "url": row.url,
            "error": { "code": failure.code(), "message": message },
            "timestamp": format_rfc3339(now),
        })
        .to_string();
        self.db()
            .fail_comment_draw(
                row,
                failure.code(),
                &message,
                &DrawEvent {
                    event: "draw.failed",
                    body: &body,
                },
                now,
            )
            .await?;
        Ok(())
    }
}

fn input_of(row: &CommentDrawRow, seed: ServerSeed, beacon: String) -> DrawInput {
    DrawInput {
        server_seed: seed,
        round: u32::try_from(row.serial).unwrap_or(u32::MAX),
        beacon,
        winners: u32::try_from(row.winners).unwrap_or(1),
        extras: u32::try_from(row.extras).unwrap_or(0),
    }
}

/// The comments of a tally, for the second pass that finds the winners' comments.
pub(crate) enum CommentSet {
    /// An upload: read the file again.
    File(fairdraw_store::comment_draws::UploadRow),
    Memory(Vec<Comment>),
}

impl CommentSet {
    pub(crate) fn second_pass(&self, tally: &Tally, first: &mut FirstComments, uploads_dir: &std::path::Path) {
        match self {
            CommentSet::Memory(comments) => {
                for c in comments {
                    first.observe(tally, c);
                    if first.done() {
                        return;
                    }
                }
            }
            CommentSet::File(upload) => {
                let path = uploads::file_path(uploads_dir, upload);
                let (Ok(format), Ok(file)) = (uploads::format_of(upload), std::fs::File::open(&path)) else {
                    return;
                };
                // The file read once already; an error now only leaves some comments blank.
                let _ = fairdraw_core::comments::upload::read(format, file, |c| first.observe(tally, &c));
            }
        }
    }

    pub(crate) fn for_each(&self, uploads_dir: &std::path::Path, mut f: impl FnMut(&Comment)) {
        match self {
            CommentSet::Memory(comments) => comments.iter().for_each(f),
            CommentSet::File(upload) => {
                let path = uploads::file_path(uploads_dir, upload);
                let (Ok(format), Ok(file)) = (uploads::format_of(upload), std::fs::File::open(&path)) else {
                    return;
                };
                let _ = fairdraw_core::comments::upload::read(format, file, |c| f(&c));
            }
        }
    }
}

/// Where a running read reports how far it got.
pub(crate) trait AsyncProgress: Send {
    fn report(&mut self, processed: u64) -> impl std::future::Future<Output = ()> + Send;
}

struct DbProgress<'a> {
    engine: &'a Engine,
    draw_id: i64,
}

impl AsyncProgress for DbProgress<'_> {
    async fn report(&mut self, processed: u64) {
        let n = i64::try_from(processed).unwrap_or(i64::MAX);
        if let Err(e) = self.engine.db().comment_draw_progress(self.draw_id, n).await {
            tracing::warn!(error = %e, "could not record a draw's progress");
        }
    }
}

/// Progress nobody watches (previews).
pub(crate) struct NoProgress;

impl AsyncProgress for NoProgress {
    async fn report(&mut self, _processed: u64) {}
}
