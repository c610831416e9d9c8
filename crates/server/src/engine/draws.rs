//! Draws and winners: running the protocol (docs/draw-protocol-v1.md) on a giveaway's pool,
//! storing every draw with its frozen pool, manual winners, removals, and the published
//! certificates anyone can check.
//!
//! A random pick reads the pool, draws, stores the draw, its pool and its winners (with their
//! prizes and redemption codes) in one transaction that holds the giveaway's row lock: picks on
//! one giveaway run one after another, so none reuses a round or picks a current winner again.

use super::audit::audit_event;
use super::{Engine, EngineError, EngineResult, Giveaway, Principal, random_bytes};
use fairdraw_core::audit::HeadStamp;
use fairdraw_core::draw::{
    Candidate, Certificate, DrawInput, DrawOutcome, InclusionProof, Pool, PoolBuilder, ServerSeed, draw, write_pool_csv,
};
use fairdraw_core::giveaway::Status;
use fairdraw_core::page::{PageInfo, PageRequest};
use fairdraw_core::time::format_rfc3339;
use fairdraw_core::validation::{Email, FieldErrors};
use fairdraw_store::StoreError;
use fairdraw_store::audit::AuditEvent;
use fairdraw_store::draws::{
    DrawRow, Eligibility, EligibleRow, NewDraw, OpenPrize, ParticipantKey, PickedBy, WinnerPerson, WinnerRow, WinnersTx,
};
use serde::Deserialize;
use std::collections::HashMap;
use utoipa::ToSchema;

/// `count` of a random pick, as the reference documents it.
pub const MAX_WINNERS_PER_DRAW: i64 = 100;

/// A stored draw as the public sees it: the certificate as served, plus what a page or a PDF
/// needs to present it. Everything here is public once the draw has happened.
#[derive(Clone, Debug)]
pub struct PublishedDraw {
    /// `drw_` + 20 lowercase hex: the id used in URLs and on the certificate.
    pub public_id: String,
    /// The whole certificate, signed, with `pool_url` filled in.
    pub certificate: Certificate,
    pub giveaway_id: i64,
    /// The giveaway's title when it was drawn.
    pub giveaway_title: String,
    /// `{public_url}/verify/{result_hash}`: the page for people.
    pub verify_url: String,
    /// `{public_url}/v1/verify/{result_hash}/pool`: the frozen pool as CSV.
    pub pool_url: String,
    /// `{public_url}/cert/{public_id}.pdf`.
    pub certificate_pdf_url: String,
    /// Winners of this draw whose winner status was removed afterwards (user ids, in order of
    /// removal): the draw stands as drawn, and the removal is shown beside it.
    pub removed_winners: Vec<String>,
    /// Wins of this draw forfeited since (claim expired, or disqualified) and who replaced
    /// them, in order: the audit the verify page shows.
    pub replacements: Vec<fairdraw_store::claims::ReplacementRow>,
    /// When this draw is a round drawn because an earlier draw's alternates ran out: that
    /// draw's public id and result hash.
    pub replaces_draw: Option<(String, String)>,
}

/// The public links of a draw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DrawLinks {
    pub verify_url: String,
    pub pool_url: String,
    pub certificate_pdf_url: String,
}

impl DrawLinks {
    /// The links under the instance's public URL (a trailing slash is ignored).
    pub fn new(public_url: &str, result_hash: &str, public_id: &str) -> DrawLinks {
        let base = public_url.trim_end_matches('/');
        DrawLinks {
            verify_url: format!("{base}/verify/{result_hash}"),
            pool_url: format!("{base}/v1/verify/{result_hash}/pool"),
            certificate_pdf_url: format!("{base}/cert/{public_id}.pdf"),
        }
    }
}

/// The body of `winners/random`. Unknown fields are ignored.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct RandomWinnersInput {
    /// Required: how many winners to select, 1 to 100.
    pub count: Option<i64>,
    /// Minimum valid entries to be eligible (default: 0).
    pub min_entries: Option<i64>,
    /// Skip participants who are current winners (default: true).
    pub exclude_previous_winners: Option<bool>,
    /// Alternates drawn after the winners, in order, 0 to 100: a winner who forfeits (does not
    /// claim in time, or is disqualified) is replaced by the next of them. Default: as many as
    /// `count` when the giveaway requires winners to claim, else 0.
    pub alternates: Option<i64>,
}

/// The body of `winners/manual`: exactly one of the two.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct ManualWinnerInput {
    pub user_id: Option<String>,
    pub email: Option<String>,
}

/// The photo whose votes decide a "most voted" pick.
#[derive(Clone, Copy, Debug)]
pub(crate) struct MostVotedPick {
    pub submission_id: i64,
    /// The submission's entry id, as the API names it.
    pub entry_id: i64,
    pub votes: i64,
    pub runner_up_votes: i64,
}

/// The outcome of a random pick.
#[derive(Clone, Debug)]
pub struct RandomDraw {
    pub winners_requested: u32,
    pub eligible_pool_size: u64,
    /// In pick order.
    pub winners: Vec<WinnerPerson>,
    pub public_id: String,
    pub result_hash: String,
    pub round: u32,
    pub links: DrawLinks,
    /// The draw's row id.
    pub draw_id: i64,
}

fn giveaway_not_found(e: StoreError) -> EngineError {
    match e {
        StoreError::NotFound => EngineError::NotFound("Giveaway"),
        other => other.into(),
    }
}

fn draw_not_found(e: StoreError) -> EngineError {
    match e {
        StoreError::NotFound => EngineError::NotFound("Draw"),
        other => other.into(),
    }
}

fn internal(message: String) -> EngineError {
    EngineError::Internal(message.into())
}

/// A result hash as the URLs carry it: 64 hex digits, any case, answered in lowercase.
pub fn parse_result_hash(raw: &str) -> EngineResult<String> {
    if raw.len() == 64 && raw.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(raw.to_ascii_lowercase())
    } else {
        Err(EngineError::BadRequest(
            "A verification hash is 64 hexadecimal characters (the draw's result_hash).".to_owned(),
        ))
    }
}

/// Validated `winners/random` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct RandomRequest {
    pub(super) count: u32,
    pub(super) min_entries: i64,
    pub(super) exclude_previous_winners: bool,
    /// `None`: the default for the giveaway's claim rules.
    pub(super) alternates: Option<u32>,
    /// Leave out everyone who ever won (a round drawn to replace a forfeited win).
    pub(super) exclude_past_winners: bool,
}

fn random_request(input: &RandomWinnersInput) -> Result<RandomRequest, FieldErrors> {
    let mut errors = FieldErrors::new();
    let count = match input.count {
        None => {
            errors.add("count", "Count is required.");
            0
        }
        Some(n) if (1..=MAX_WINNERS_PER_DRAW).contains(&n) => n as u32,
        Some(_) => {
            errors.add("count", format!("Must be between 1 and {MAX_WINNERS_PER_DRAW}."));
            0
        }
    };
    let min_entries = input.min_entries.unwrap_or(0);
    if min_entries < 0 {
        errors.add("min_entries", "Must be 0 or more.");
    }
    let alternates = match input.alternates {
        None => None,
        Some(n) if (0..=MAX_WINNERS_PER_DRAW).contains(&n) => Some(n as u32),
        Some(_) => {
            errors.add("alternates", format!("Must be between 0 and {MAX_WINNERS_PER_DRAW}."));
            None
        }
    };
    errors.into_result()?;
    Ok(RandomRequest {
        count,
        min_entries,
        exclude_previous_winners: input.exclude_previous_winners.unwrap_or(true),
        alternates,
        exclude_past_winners: false,
    })
}

/// The participant a manual pick names: exactly one of `user_id` and `email`.
fn manual_key(input: &ManualWinnerInput) -> Result<(&'static str, String), FieldErrors> {
    let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    match (given(&input.user_id), given(&input.email)) {
        (Some(_), Some(_)) => Err(FieldErrors::one(
            "user_id",
            "Provide either user_id or email, not both.",
        )),
        (None, None) => Err(FieldErrors::one("user_id", "Provide user_id or email.")),
        (Some(user_id), None) => Ok(("user_id", user_id)),
        (None, Some(raw)) => match Email::parse(&raw) {
            Ok(email) => Ok(("email", email.into_string())),
            Err(message) => Err(FieldErrors::one("email", message)),
        },
    }
}

/// Which open prize each of `winners` new winners receives: prizes in prize order, each up to
/// what it has left; winners past the last prize get none.
fn prize_slots(prizes: &[OpenPrize], winners: usize) -> Vec<Option<usize>> {
    let mut slots = prizes
        .iter()
        .enumerate()
        .flat_map(|(i, p)| std::iter::repeat_n(Some(i), usize::try_from(p.remaining.max(0)).unwrap_or(0)));
    (0..winners).map(|_| slots.next().flatten()).collect()
}

/// Records `participant_id` as a winner with the prize of `slot` (and one of its redemption
/// codes, when it gives codes), and queues their e-mail and the `winner.picked` event in the same
/// transaction. The code stays recorded as used even if the winner is removed.
pub(super) async fn award(
    tx: &mut WinnersTx,
    participant_id: i64,
    draw: Option<(i64, PickedBy<'_>)>,
    prize: Option<&OpenPrize>,
    claim: &super::claims::ClaimSetup,
    now: i64,
) -> EngineResult<i64> {
    let kind = if draw.is_some() { "random" } else { "manual" };
    let winner_id = tx
        .insert_winner(participant_id, draw.map(|(id, _)| id), prize.map(|p| p.id), kind, now)
        .await?;
    if let Some(p) = prize.filter(|p| p.redemption_switch != 0) {
        // The winner e-mail reads the code at send time.
        tx.claim_code(p.id, winner_id, now).await?;
    }
    let extra = claim.require(tx, winner_id, now).await?;
    tx.announce_winner_with(winner_id, draw.map(|(_, by)| by), extra.as_ref(), now)
        .await?;
    Ok(winner_id)
}

/// Builds the pool (one ticket each in points mode, else the valid entries) and draws.
fn run_draw(rows: &[EligibleRow], points_mode: bool, input: &DrawInput) -> EngineResult<(Pool, DrawOutcome)> {
    let id_bytes = rows.iter().map(|r| r.user_id.len()).sum();
    let mut builder = PoolBuilder::with_capacity(rows.len(), id_bytes);
    for r in rows {
        let weight = if points_mode {
            1
        } else {
            u64::try_from(r.entries).unwrap_or(0)
        };
        builder
            .push(&r.user_id, weight)
            .map_err(|e| internal(format!("building the pool: {e}")))?;
    }
    let pool = builder
        .build()
        .map_err(|e| internal(format!("building the pool: {e}")))?;
    let outcome = draw(&pool, input);
    Ok((pool, outcome))
}

impl Engine {
    /// The seed the giveaway committed to when it was published. A draft has published no
    /// commitment, and a draw without one would prove nothing, so drafts are refused.
    pub(super) async fn committed_seed(&self, g: &Giveaway) -> EngineResult<ServerSeed> {
        let commitment = match (&g.row.commitment, g.status) {
            (Some(c), status) if status != Status::Draft => c,
            _ => {
                return Err(EngineError::Conflict(
                    "This giveaway is a draft: publish it first, so that its draw commitment is public \
                     before any winner is drawn."
                        .to_owned(),
                ));
            }
        };
        let seed = self.db().giveaway_seed(g.id()).await.map_err(giveaway_not_found)?;
        let seed = seed
            .and_then(|s| <[u8; 32]>::try_from(s.as_slice()).ok())
            .map(ServerSeed)
            .ok_or_else(|| internal(format!("giveaway {} has a commitment but no 32-byte seed", g.id())))?;
        if seed.commitment().to_hex() != *commitment {
            return Err(internal(format!(
                "giveaway {}: the stored seed does not match its commitment",
                g.id()
            )));
        }
        Ok(seed)
    }

    /// `winners/random`: draws from the giveaway's eligible pool under its commitment, and
    /// records the draw, its frozen pool and its winners (with prizes) at once. Links in the
    /// answer and on the certificate are under `public_url`.
    pub async fn draw_winners(
        &self,
        who: &Principal,
        giveaway_id: i64,
        input: RandomWinnersInput,
        public_url: &str,
    ) -> EngineResult<RandomDraw> {
        let g = self.owned_giveaway(who, giveaway_id).await?;
        let req = random_request(&input)?;
        let seed = self.committed_seed(&g).await?;
        // A giveaway that named a beacon round draws on it, verified, or not at all.
        let drand = self.named_beacon(&g).await?;
        let mut tx = self.db().begin_winners(g.id()).await.map_err(giveaway_not_found)?;
        let (d, _) = self
            .draw_in(&mut tx, &g, seed, drand, req, None, public_url, Some(who.key_id))
            .await?;
        tx.commit().await?;
        Ok(d)
    }

    /// Draws inside a winners transaction: the pool as of now, the draw stored with its pool,
    /// its winners awarded the open prizes (or `prizes` when given: the prize of a forfeited win
    /// this round replaces, or none). Returns the draw and the new winners' row ids, in pick order.
    /// The verified drand round the giveaway named, when it named one: an error (409 before it
    /// is due, 503 when no relay gives a valid one) rather than a draw without it.
    pub(super) async fn named_beacon(
        &self,
        g: &Giveaway,
    ) -> EngineResult<Option<fairdraw_core::beacon::DrandEvidence>> {
        match &g.beacon_round {
            Some(named) => Ok(Some(
                self.fetch_beacon(named)
                    .await
                    .map_err(super::beacon::BeaconWait::into_engine_error)?,
            )),
            None => Ok(None),
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) async fn draw_in(
        &self,
        tx: &mut WinnersTx,
        g: &Giveaway,
        seed: ServerSeed,
        drand: Option<fairdraw_core::beacon::DrandEvidence>,
        req: RandomRequest,
        prizes: Option<Vec<OpenPrize>>,
        public_url: &str,
        actor_key_id: Option<i64>,
    ) -> EngineResult<(RandomDraw, Vec<i64>)> {
        let now = self.now_ms();
        let claim = self.claim_setup(tx).await?;
        let round = tx.next_round().await?;
        let round = u32::try_from(round).map_err(|_| internal(format!("giveaway {}: round {round}", g.id())))?;
        let rows = tx
            .eligible(Eligibility {
                min_entries: req.min_entries,
                exclude_current_winners: req.exclude_previous_winners,
                exclude_past_winners: req.exclude_past_winners,
            })
            .await?;
        if rows.is_empty() {
            return Err(FieldErrors::one(
                "eligible_pool_size",
                "No participant is eligible for this draw: nobody has enough valid, verified entries \
                 (active participants only, current winners excluded unless exclude_previous_winners is false).",
            )
            .into());
        }
        let input = DrawInput {
            server_seed: seed,
            round,
            // Without a named round the beacon is empty, and the certificate says so (spec §9).
            beacon: drand.as_ref().map(|d| d.beacon_input()).unwrap_or_default(),
            winners: req.count,
            extras: req.alternates.unwrap_or(if claim.required() { req.count } else { 0 }),
        };
        let points_mode = g.settings.points_mode();
        let (rows, pool, outcome, input) = tokio::task::spawn_blocking(move || {
            run_draw(&rows, points_mode, &input).map(|(pool, outcome)| (rows, pool, outcome, input))
        })
        .await
        .map_err(|e| internal(format!("the draw task failed: {e}")))??;

        let public_id = format!("drw_{}", hex::encode(random_bytes::<10>()));
        let result_hash = outcome.result_hash.to_hex();
        let links = DrawLinks::new(public_url, &result_hash, &public_id);
        let mut cert = Certificate::new(&outcome, &input, format_rfc3339(now));
        cert.draw_id = Some(public_id.clone());
        cert.drand = drand;
        cert.subject = Some(serde_json::json!({ "type": "giveaway", "giveaway_id": g.id(), "title": g.row.title }));
        cert.committed_at = g.row.committed_at.map(format_rfc3339);
        cert.pool_url = Some(links.pool_url.clone());
        cert.sign(self.signing_key());
        // The brand's audit head as this draw sees it, signed with the draw: a chain rewritten
        // afterwards no longer reaches it.
        let head = tx.audit_head(g.row.brand_id).await?;
        cert.audit_head = Some(HeadStamp::sign(self.signing_key(), &cert.result_hash, head));
        let new = new_draw(&cert, Some(g.id()), g.row.committed_at, now)?;
        // Weights are below 2^63 (the pool checked), so they fit a stored integer.
        let pool_rows: Vec<(&str, i64)> = pool.iter().map(|c| (c.id, c.weight as i64)).collect();
        let draw_id = tx.insert_draw(&new, &pool_rows).await.map_err(|e| match e {
            StoreError::Conflict(_) => {
                EngineError::Conflict("Another draw of this giveaway is in progress; try again.".to_owned())
            }
            other => other.into(),
        })?;

        let participant_of: HashMap<&str, i64> = rows.iter().map(|r| (r.user_id.as_str(), r.participant_id)).collect();
        let picked: Vec<i64> = outcome.winners.iter().map(|id| participant_of[id.as_str()]).collect();
        let prizes = match prizes {
            Some(p) => p,
            None => tx.open_prizes().await?,
        };
        let mut winner_ids = Vec::with_capacity(picked.len());
        for (participant_id, slot) in picked.iter().zip(prize_slots(&prizes, picked.len())) {
            let by = PickedBy {
                draw_public_id: &public_id,
                verify_url: &links.verify_url,
            };
            let id = award(
                tx,
                *participant_id,
                Some((draw_id, by)),
                slot.map(|i| &prizes[i]),
                &claim,
                now,
            )
            .await?;
            winner_ids.push(id);
        }
        let audit = AuditEvent {
            brand_id: g.row.brand_id,
            actor_key_id,
            action: "winners.drawn".to_owned(),
            giveaway_id: Some(g.id()),
            details: serde_json::json!({
                "draw": public_id,
                "result_hash": result_hash,
                "round": round,
                "pool_size": outcome.pool_size,
                "winners": outcome.winners,
            }),
        };
        tx.audit(&audit, now).await?;
        let mut people = tx.people(&picked).await?;

        let order: HashMap<i64, usize> = picked.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        people.sort_by_key(|p| order[&p.participant_id]);
        Ok((
            RandomDraw {
                winners_requested: req.count,
                eligible_pool_size: outcome.pool_size,
                winners: people,
                public_id,
                result_hash,
                round,
                links,
                draw_id,
            },
            winner_ids,
        ))
    }

    /// `winners/manual`: records a participant as a winner by hand. No draw is made and no
    /// certificate names them; the list shows them as `manual`. They receive the next prize
    /// that has room, like a drawn winner.
    pub async fn pick_manual_winner(
        &self,
        who: &Principal,
        giveaway_id: i64,
        input: ManualWinnerInput,
    ) -> EngineResult<WinnerPerson> {
        self.pick_by_hand(who, giveaway_id, input, None).await
    }

    /// [`Engine::pick_manual_winner`], for a photo contest's "most voted" pick too: then the
    /// submission is marked with its votes, and its entry says so, in the pick's transaction.
    pub(crate) async fn pick_by_hand(
        &self,
        who: &Principal,
        giveaway_id: i64,
        input: ManualWinnerInput,
        most_voted: Option<&MostVotedPick>,
    ) -> EngineResult<WinnerPerson> {
        let g = self.owned_giveaway(who, giveaway_id).await?;
        let (field, value) = manual_key(&input)?;
        let key = if field == "email" {
            ParticipantKey::Email(&value)
        } else {
            ParticipantKey::UserId(&value)
        };
        let now = self.now_ms();
        let mut tx = self.db().begin_winners(g.id()).await.map_err(giveaway_not_found)?;
        let c = tx.standing(key).await?.ok_or(EngineError::NotFound("Participant"))?;
        if c.is_winner != 0 {
            return Err(EngineError::Conflict(
                "This participant is already a winner of this giveaway.".to_owned(),
            ));
        }
        if c.status != "active" {
            return Err(EngineError::Conflict(format!(
                "This participant is {} and cannot be a winner.",
                c.status
            )));
        }
        if c.valid_entries < 1 || c.is_verified == 0 {
            return Err(
                FieldErrors::one(field, "This participant has no valid, verified entry in this giveaway.").into(),
            );
        }
        let prizes = tx.open_prizes().await?;
        let claim = self.claim_setup(&mut tx).await?;
        let winner_id = award(&mut tx, c.participant_id, None, prizes.first(), &claim, now).await?;
        let mut details =
            serde_json::json!({ "winner_id": winner_id, "participant_id": c.participant_id, "user_id": c.user_id });
        if let Some(m) = most_voted {
            tx.mark_picked(m.submission_id, m.votes).await?;
            details["most_voted"] = serde_json::json!({
                "entry_id": m.entry_id,
                "votes": m.votes,
                "runner_up_votes": m.runner_up_votes,
            });
        }
        let audit = audit_event(who, "winner.picked", Some(g.id()), details);
        tx.audit(&audit, now).await?;
        tx.commit().await?;
        Ok(WinnerPerson {
            participant_id: c.participant_id,
            user_id: c.user_id,
            name: c.name,
            email: c.email,
            country: c.country,
        })
    }

    /// The giveaway's current winners, oldest first.
    pub async fn list_winners(
        &self,
        who: &Principal,
        giveaway_id: i64,
        page: PageRequest,
    ) -> EngineResult<(Vec<WinnerRow>, PageInfo)> {
        let g = self.owned_giveaway(who, giveaway_id).await?;
        let (rows, total) = self.db().list_winners(g.id(), page.limit(), page.offset()).await?;
        Ok((rows, PageInfo::new(page, u64::try_from(total).unwrap_or(0))))
    }

    /// Removes winner status (by the winners row id, the list's `entry_id`). The removal is
    /// recorded; the draw that picked them is untouched and its certificate still verifies. Their
    /// prize is free again; a redemption code they were given stays spent.
    pub async fn remove_winner(&self, who: &Principal, giveaway_id: i64, winner_id: i64) -> EngineResult<()> {
        let g = self.owned_giveaway(who, giveaway_id).await?;
        let audit = audit_event(
            who,
            "winner.removed",
            Some(g.id()),
            serde_json::json!({ "winner_id": winner_id }),
        );
        self.db()
            .remove_winner(g.id(), winner_id, &audit, self.now_ms())
            .await
            .map_err(|e| match e {
                StoreError::NotFound => EngineError::NotFound("Winner"),
                other => other.into(),
            })
    }

    /// The draw whose result hash is `hash` (64 hex digits), with its links under `public_url`.
    pub async fn published_draw_by_hash(&self, public_url: &str, hash: &str) -> EngineResult<PublishedDraw> {
        let hash = parse_result_hash(hash)?;
        let row = self.db().draw_by_result_hash(&hash).await.map_err(draw_not_found)?;
        self.published(public_url, row).await
    }

    /// The draw whose public id is `public_id` (`drw_…`), with its links under `public_url`.
    pub async fn published_draw_by_public_id(&self, public_url: &str, public_id: &str) -> EngineResult<PublishedDraw> {
        let row = self.db().draw_by_public_id(public_id).await.map_err(draw_not_found)?;
        self.published(public_url, row).await
    }

    async fn published(&self, public_url: &str, row: DrawRow) -> EngineResult<PublishedDraw> {
        let mut certificate: Certificate = serde_json::from_str(&row.certificate).map_err(|e| {
            internal(format!(
                "draw {}: stored certificate does not parse: {e}",
                row.public_id
            ))
        })?;
        let links = DrawLinks::new(public_url, &row.result_hash, &row.public_id);
        // The link is not signed; it follows the instance's current address.
        certificate.pool_url = Some(links.pool_url.clone());
        // Nor is its place in the transparency log, proved against the log's head now.
        certificate.log = match self.log_inclusion(&row.result_hash, None).await {
            Ok(inclusion) => Some(inclusion),
            Err(EngineError::NotFound(_)) => None,
            Err(e) => return Err(e),
        };
        let giveaway_title = certificate
            .subject
            .as_ref()
            .and_then(|s| s.get("title"))
            .and_then(|t| t.as_str())
            .unwrap_or_default()
            .to_owned();
        let removed_winners = self
            .db()
            .removed_draw_winners(row.id)
            .await?
            .into_iter()
            .map(|(user_id, _)| user_id)
            .collect();
        let replacements = self.db().replacements_of_draw(row.id).await?;
        let replaces_draw = self.db().replaced_by_draw(row.id).await?;
        Ok(PublishedDraw {
            public_id: row.public_id,
            certificate,
            // Only giveaway draws are stored so far; comment draws will widen this.
            giveaway_id: row.giveaway_id.unwrap_or_default(),
            giveaway_title,
            verify_url: links.verify_url,
            pool_url: links.pool_url,
            certificate_pdf_url: links.certificate_pdf_url,
            removed_winners,
            replacements,
            replaces_draw,
        })
    }

    /// The frozen pool of the draw `hash`, in canonical order.
    pub async fn draw_pool(&self, hash: &str) -> EngineResult<Vec<Candidate>> {
        let hash = parse_result_hash(hash)?;
        let row = self.db().draw_by_result_hash(&hash).await.map_err(draw_not_found)?;
        let rows = self.db().draw_pool(row.id).await?;
        Ok(rows
            .into_iter()
            .map(|(id, weight)| Candidate::new(id, u64::try_from(weight).unwrap_or(0)))
            .collect())
    }

    /// The frozen pool of the draw `hash` as CSV `id,weight` in canonical order: the file
    /// `fairdraw verify --pool` reads.
    pub async fn draw_pool_csv(&self, hash: &str) -> EngineResult<Vec<u8>> {
        let pool = self.draw_pool(hash).await?;
        tokio::task::spawn_blocking(move || write_pool_csv(&pool))
            .await
            .map_err(|e| internal(format!("the CSV task failed: {e}")))
    }

    /// The inclusion proof of `candidate_id` in the frozen pool of the draw `hash`.
    pub async fn inclusion_proof(&self, hash: &str, candidate_id: &str) -> EngineResult<InclusionProof> {
        let pool = self.draw_pool(hash).await?;
        let candidate_id = candidate_id.to_owned();
        tokio::task::spawn_blocking(move || {
            let pool = Pool::new(pool).map_err(|e| internal(format!("a stored pool is invalid: {e}")))?;
            pool.proof(&candidate_id).ok_or(EngineError::NotFound("Entrant"))
        })
        .await
        .map_err(|e| internal(format!("the proof task failed: {e}")))?
    }
}

/// The row to store for a signed certificate.
pub(super) fn new_draw(
    cert: &Certificate,
    giveaway_id: Option<i64>,
    committed_at: Option<i64>,
    now: i64,
) -> EngineResult<NewDraw> {
    let (Some(signature), Some(public_key)) = (&cert.signature, &cert.public_key) else {
        return Err(internal("a draw certificate is stored signed".to_owned()));
    };
    let as_i64 = |n: u64| i64::try_from(n).map_err(|_| internal(format!("{n} does not fit a stored integer")));
    Ok(NewDraw {
        public_id: cert.draw_id.clone().unwrap_or_default(),
        giveaway_id,
        round: i64::from(cert.round),
        requested_winners: i64::from(cert.requested_winners.unwrap_or(0)),
        requested_extras: i64::from(cert.requested_extras.unwrap_or(0)),
        pool_size: as_i64(cert.pool_size)?,
        total_weight: as_i64(cert.total_weight)?,
        pool_root: cert.pool_root.to_hex(),
        pool_hash: cert.pool_hash.to_hex(),
        commitment: cert.commitment.to_hex(),
        committed_at,
        server_seed: cert.server_seed.to_hex(),
        beacon: cert.beacon.clone(),
        winners: cert.winners.clone(),
        extras: cert.extras.clone(),
        draw_seed: cert.draw_seed.to_hex(),
        result_hash: cert.result_hash.to_hex(),
        signature: signature.to_hex(),
        public_key: public_key.to_hex(),
        drawn_at: now,
        certificate: serde_json::to_string(cert).map_err(|e| internal(format!("certificate JSON: {e}")))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prize(id: i64, remaining: i64) -> OpenPrize {
        OpenPrize {
            id,
            remaining,
            redemption_switch: 0,
        }
    }

    #[test]
    fn prizes_fill_in_prize_order_up_to_their_room() {
        let prizes = [prize(7, 1), prize(8, 2)];
        assert_eq!(prize_slots(&prizes, 2), [Some(0), Some(1)]);
        assert_eq!(prize_slots(&prizes, 5), [Some(0), Some(1), Some(1), None, None]);
        assert_eq!(prize_slots(&[], 2), [None, None]);
        assert!(prize_slots(&prizes, 0).is_empty());
    }

    #[test]
    fn random_request_bounds_and_defaults() {
        let req = |v: serde_json::Value| random_request(&serde_json::from_value(v).unwrap());
        assert_eq!(
            req(serde_json::json!({ "count": 3 })).unwrap(),
            RandomRequest {
                count: 3,
                min_entries: 0,
                exclude_previous_winners: true,
                alternates: None,
                exclude_past_winners: false,
            }
        );
        for bad in [
            serde_json::json!({}),
            serde_json::json!({ "count": 0 }),
            serde_json::json!({ "count": 101 }),
        ] {
            let e = req(bad).unwrap_err();
            assert!(e.iter().any(|(f, _)| f == "count"));
        }
        let e = req(serde_json::json!({ "count": 1, "min_entries": -1 })).unwrap_err();
        assert!(e.iter().any(|(f, _)| f == "min_entries"));
        assert!(req(serde_json::json!({ "count": 100, "exclude_previous_winners": false })).is_ok());
    }

    #[test]
    fn manual_pick_names_exactly_one_participant() {
        let key = |v: serde_json::Value| manual_key(&serde_json::from_value(v).unwrap());
        assert_eq!(
            key(serde_json::json!({ "email": " Jane@Example.com " })).unwrap(),
            ("email", "jane@example.com".to_owned())
        );
        assert_eq!(
            key(serde_json::json!({ "user_id": "abc" })).unwrap(),
            ("user_id", "abc".to_owned())
        );
        assert!(key(serde_json::json!({})).is_err());
        assert!(key(serde_json::json!({ "user_id": "", "email": " " })).is_err());
        assert!(key(serde_json::json!({ "user_id": "a", "email": "b@example.com" })).is_err());
        let e = key(serde_json::json!({ "email": "nope" })).unwrap_err();
        assert!(e.iter().any(|(f, _)| f == "email"));
    }

    #[test]
    fn hashes_are_64_hex_digits() {
        let h = "AB".repeat(32);
        assert_eq!(parse_result_hash(&h).unwrap(), "ab".repeat(32));
        for bad in ["", "abc", &"g".repeat(64), &"a".repeat(65)] {
            assert!(parse_result_hash(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn links_follow_the_public_url() {
        let l = DrawLinks::new("https://x.test/", "ab", "drw_1");
        assert_eq!(l.verify_url, "https://x.test/verify/ab");
        assert_eq!(l.pool_url, "https://x.test/v1/verify/ab/pool");
        assert_eq!(l.certificate_pdf_url, "https://x.test/cert/drw_1.pdf");
    }
}
