//! Giveaways: create, read, list, update, publish (with its draw commitment), duplicate,
//! delete, and the figures of the stats endpoint. Every call is scoped to the caller's brand:
//! another brand's giveaway is "not found", never "forbidden", so ids leak nothing.

use super::audit::audit_event;
use super::{Engine, EngineError, EngineResult, Principal, random_bytes};
use fairdraw_core::beacon::{BeaconKind, FairnessInput, NamedRound};
use fairdraw_core::draw::{ServerSeed, commitment};
use fairdraw_core::giveaway::schedule;
use fairdraw_core::giveaway::slug::slug;
use fairdraw_core::giveaway::{GiveawayInput, GiveawaySpec, RulesConfig, Settings, Status};
use fairdraw_core::page::{PageInfo, PageRequest};
use fairdraw_core::validation::FieldErrors;
use fairdraw_store::StoreError;
use fairdraw_store::giveaways::{
    BeaconRound, Commitment, GiveawayFields, GiveawayQuery, GiveawayRow, GiveawaySort, StatusFilter,
};
use serde_json::json;

/// A giveaway with its documents parsed and its status computed at the time of asking.
#[derive(Clone, Debug)]
pub struct Giveaway {
    pub row: GiveawayRow,
    pub status: Status,
    pub settings: Settings,
    pub rules_config: RulesConfig,
    /// The public beacon round named at publication, if the giveaway draws on one.
    pub beacon_round: Option<NamedRound>,
}

impl Giveaway {
    pub fn id(&self) -> i64 {
        self.row.id
    }

    /// `{id}-{slug}`, the key of the public page and the embed container.
    pub fn public_key(&self) -> String {
        format!("{}-{}", self.row.id, self.row.slug)
    }
}

#[derive(Clone, Debug)]
pub struct GiveawayFilter {
    pub status: StatusFilter,
    pub sort: GiveawaySort,
    pub search: Option<String>,
    pub page: PageRequest,
}

#[derive(Clone, Copy, Debug)]
pub struct GiveawayStats {
    pub status: Status,
    pub days_remaining: i64,
    pub total_entries: i64,
    pub total_participants: i64,
    pub total_actions: i64,
    pub total_page_views: i64,
    pub unique_page_views: i64,
    pub entries_today: i64,
    pub participants_today: i64,
    /// Participants per unique page view, in percent, two decimals.
    pub conversion_rate: f64,
}

fn parse_doc<T: serde::de::DeserializeOwned + Default>(json: &str, what: &str, id: i64) -> T {
    serde_json::from_str(json).unwrap_or_else(|e| {
        tracing::error!(giveaway = id, document = what, error = %e, "stored document does not parse; using defaults");
        T::default()
    })
}

fn to_fields(spec: &GiveawaySpec, beacon: BeaconKind) -> GiveawayFields {
    GiveawayFields {
        beacon: beacon.as_str().to_owned(),
        title: spec.title.clone(),
        description: spec.description.clone(),
        rules: spec.rules.clone(),
        start_local: spec.start_local.clone(),
        end_local: spec.end_local.clone(),
        time_zone: spec.time_zone.clone(),
        start_at: spec.start_at,
        end_at: spec.end_at,
        language: spec.language.clone(),
        number_of_winners: i64::from(spec.number_of_winners),
        image_url: spec.image_url.clone(),
        is_draft: spec.is_draft,
        public_or_private: spec.public_or_private.clone(),
        competition_type: spec.competition_type.clone(),
        settings: serde_json::to_string(&spec.settings).expect("settings serialize"),
        rules_config: serde_json::to_string(&spec.rules_config).expect("rules serialize"),
    }
}

fn new_commitment() -> Commitment {
    let seed = ServerSeed(random_bytes());
    Commitment {
        commitment: commitment(&seed).to_hex(),
        server_seed: seed.0.to_vec(),
    }
}

fn new_slug(title: &str) -> String {
    slug(title, &hex::encode(random_bytes::<4>()))
}

impl Engine {
    pub(crate) fn view(&self, row: GiveawayRow) -> Giveaway {
        let status = Status::at(row.is_draft != 0, row.start_at, row.end_at, self.now_ms());
        let settings = parse_doc(&row.settings, "settings", row.id);
        let rules_config = parse_doc(&row.rules_config, "rules_config", row.id);
        let beacon_round = row.beacon_round.as_deref().and_then(|j| {
            serde_json::from_str(j)
                .map_err(|e| tracing::error!(giveaway = row.id, error = %e, "stored beacon round does not parse"))
                .ok()
        });
        Giveaway {
            row,
            status,
            settings,
            rules_config,
            beacon_round,
        }
    }

    fn spec_of(g: &Giveaway) -> GiveawaySpec {
        GiveawaySpec {
            title: g.row.title.clone(),
            description: g.row.description.clone(),
            rules: g.row.rules.clone(),
            start_local: g.row.start_local.clone(),
            end_local: g.row.end_local.clone(),
            time_zone: g.row.time_zone.clone(),
            start_at: g.row.start_at,
            end_at: g.row.end_at,
            language: g.row.language.clone(),
            number_of_winners: u32::try_from(g.row.number_of_winners).unwrap_or(1),
            image_url: g.row.image_url.clone(),
            is_draft: g.row.is_draft != 0,
            public_or_private: g.row.public_or_private.clone(),
            competition_type: g.row.competition_type.clone(),
            settings: g.settings.clone(),
            rules_config: g.rules_config.clone(),
        }
    }

    /// The caller's giveaway, or "Giveaway not found." Every `/v2/giveaways/{id}/…` route
    /// starts here.
    pub async fn owned_giveaway(&self, who: &Principal, id: i64) -> EngineResult<Giveaway> {
        match self.db().giveaway(id).await {
            Ok(row) if row.brand_id == who.brand_id => Ok(self.view(row)),
            Ok(_) | Err(StoreError::NotFound) => Err(EngineError::NotFound("Giveaway")),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn create_giveaway(&self, who: &Principal, mut input: GiveawayInput) -> EngineResult<Giveaway> {
        let claim = self.patched_claim(None, input.take_claim()).await;
        let asked = fairness_kind(input.fairness.take());
        let spec = GiveawaySpec::create(input);
        let ((spec, asked), claim) = merge_errors(joined(spec, asked), claim)?;
        let beacon = self.beacon_kind(asked);
        let now = self.now_ms();
        // A giveaway created already published commits to its draw seed (and names its beacon
        // round) at once.
        let commitment = (!spec.is_draft).then(new_commitment);
        let round = (!spec.is_draft)
            .then(|| self.beacon_round_for(beacon, spec.end_at))
            .flatten();
        let id = self
            .db()
            .insert_giveaway(
                who.brand_id,
                &new_slug(&spec.title),
                &to_fields(&spec, beacon),
                commitment.as_ref(),
                round.as_ref(),
                &audit_event(who, "giveaway.created", None, json!({ "is_draft": spec.is_draft })),
                now,
            )
            .await?;
        if let Some(claim) = claim {
            self.store_claim(id, &claim).await?;
        }
        Ok(self.view(self.db().giveaway(id).await?))
    }

    pub async fn list_giveaways(&self, who: &Principal, f: &GiveawayFilter) -> EngineResult<(Vec<Giveaway>, PageInfo)> {
        let (rows, total) = self
            .db()
            .list_giveaways(&GiveawayQuery {
                brand_id: who.brand_id,
                status: f.status,
                search: f.search.as_deref(),
                sort: f.sort,
                now_ms: self.now_ms(),
                limit: f.page.limit(),
                offset: f.page.offset(),
            })
            .await?;
        let page = PageInfo::new(f.page, u64::try_from(total).unwrap_or(0));
        Ok((rows.into_iter().map(|r| self.view(r)).collect(), page))
    }

    pub async fn update_giveaway(&self, who: &Principal, id: i64, mut input: GiveawayInput) -> EngineResult<Giveaway> {
        let current = self.owned_giveaway(who, id).await?;
        let claim = self.patched_claim(Some(id), input.take_claim()).await;
        let asked = fairness_kind(input.fairness.take());
        let spec = Self::spec_of(&current).update(input);
        let ((spec, asked), claim) = merge_errors(joined(spec, asked), claim)?;
        let beacon = asked.unwrap_or_else(|| current_kind(&current));
        check_named_round(&current, beacon, spec.end_at)?;
        let commitment = (!spec.is_draft && current.row.commitment.is_none()).then(new_commitment);
        let round = self.round_to_name(&current, beacon, !spec.is_draft, spec.end_at);
        let details = json!({
            "is_draft": spec.is_draft,
            "published": current.row.is_draft != 0 && !spec.is_draft,
            "committed": commitment.is_some(),
        });
        self.db()
            .update_giveaway(
                id,
                &to_fields(&spec, beacon),
                commitment.as_ref(),
                round.as_ref(),
                &audit_event(who, "giveaway.updated", Some(id), details),
                self.now_ms(),
            )
            .await?;
        if let Some(claim) = claim {
            self.store_claim(id, &claim).await?;
        }
        Ok(self.view(self.db().giveaway(id).await?))
    }

    /// Publishes a draft: "scheduled" if its start is ahead, "live" if it has passed. Publishing
    /// is when the giveaway commits to its secret draw seed; a giveaway already published keeps
    /// the commitment it has.
    pub async fn publish_giveaway(&self, who: &Principal, id: i64) -> EngineResult<Giveaway> {
        let current = self.owned_giveaway(who, id).await?;
        let mut spec = Self::spec_of(&current);
        spec.is_draft = false;
        let beacon = current_kind(&current);
        let commitment = current.row.commitment.is_none().then(new_commitment);
        let round = self.round_to_name(&current, beacon, true, spec.end_at);
        let details = json!({ "was_draft": current.row.is_draft != 0, "committed": commitment.is_some() });
        self.db()
            .update_giveaway(
                id,
                &to_fields(&spec, beacon),
                commitment.as_ref(),
                round.as_ref(),
                &audit_event(who, "giveaway.published", Some(id), details),
                self.now_ms(),
            )
            .await?;
        Ok(self.view(self.db().giveaway(id).await?))
    }

    pub async fn duplicate_giveaway(&self, who: &Principal, id: i64) -> EngineResult<Giveaway> {
        let current = self.owned_giveaway(who, id).await?;
        let title = format!("{} (copy)", current.row.title);
        let title: String = title.chars().take(255).collect();
        let new_id = self
            .db()
            .duplicate_giveaway(
                id,
                &new_slug(&title),
                &title,
                &audit_event(who, "giveaway.duplicated", None, json!({})),
                self.now_ms(),
            )
            .await?;
        // Winners who must claim: the copy asks the same of its winners.
        let claim = self.db().claim_config(id).await?;
        if claim.is_some() {
            self.db().set_claim_config(new_id, claim.as_deref()).await?;
        }
        Ok(self.view(self.db().giveaway(new_id).await?))
    }

    pub async fn delete_giveaway(&self, who: &Principal, id: i64) -> EngineResult<()> {
        self.owned_giveaway(who, id).await?;
        self.db()
            .soft_delete_giveaway(
                id,
                &audit_event(who, "giveaway.deleted", Some(id), json!({})),
                self.now_ms(),
            )
            .await?;
        Ok(())
    }

    pub async fn giveaway_stats(&self, who: &Principal, id: i64) -> EngineResult<GiveawayStats> {
        let g = self.owned_giveaway(who, id).await?;
        let now = self.now_ms();
        let activity = self
            .db()
            .giveaway_activity(id, start_of_local_day(now, &g.row.time_zone))
            .await?;
        const DAY_MS: i64 = 86_400_000;
        let days_remaining = match g.status {
            Status::Live | Status::Scheduled => (g.row.end_at - now).max(0).div_euclid(DAY_MS),
            _ => 0,
        };
        let conversion_rate = if activity.unique_page_views > 0 {
            (g.row.total_participants as f64 * 10_000.0 / activity.unique_page_views as f64).round() / 100.0
        } else {
            0.0
        };
        Ok(GiveawayStats {
            status: g.status,
            days_remaining,
            total_entries: g.row.total_entries,
            total_participants: g.row.total_participants,
            total_actions: g.row.total_actions,
            total_page_views: activity.page_views,
            unique_page_views: activity.unique_page_views,
            entries_today: activity.entries_since,
            participants_today: activity.participants_since,
            conversion_rate,
        })
    }
}

/// The beacon a request's `fairness` asks for, checked.
fn fairness_kind(input: Option<FairnessInput>) -> Result<Option<BeaconKind>, FieldErrors> {
    match input {
        None => Ok(None),
        Some(f) => f.kind().map_err(|m| FieldErrors::one("fairness.beacon", m)),
    }
}

/// A definition and a beacon choice, with the errors of both reported together.
fn joined(
    spec: Result<GiveawaySpec, FieldErrors>,
    asked: Result<Option<BeaconKind>, FieldErrors>,
) -> Result<(GiveawaySpec, Option<BeaconKind>), FieldErrors> {
    match (spec, asked) {
        (Ok(spec), Ok(asked)) => Ok((spec, asked)),
        (Err(mut e), Err(more)) => {
            for (field, message) in more.iter() {
                e.add(field, message);
            }
            Err(e)
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    }
}

fn current_kind(g: &Giveaway) -> BeaconKind {
    BeaconKind::parse(&g.row.beacon).unwrap_or_default()
}

/// A named round is part of the commitment: it cannot be dropped, and the end cannot move to
/// or past the round's time (the round must stay unknown while entries are open).
fn check_named_round(g: &Giveaway, beacon: BeaconKind, end_at: i64) -> Result<(), FieldErrors> {
    let Some(named) = &g.beacon_round else {
        return Ok(());
    };
    if beacon != BeaconKind::Drand {
        return Err(FieldErrors::one(
            "fairness.beacon",
            format!(
                "This giveaway named drand round {} when it was published; the beacon is part of its commitment and cannot be removed.",
                named.round
            ),
        ));
    }
    if end_at >= named.due_at_ms() {
        return Err(FieldErrors::one(
            "end_time",
            format!(
                "This giveaway draws on drand round {}, due at {}: its end must stay before that time.",
                named.round,
                fairdraw_core::time::format_rfc3339(named.due_at_ms())
            ),
        ));
    }
    Ok(())
}

impl Engine {
    /// The round to name for a giveaway asking for `beacon` that ends at `end_at`.
    fn beacon_round_for(&self, beacon: BeaconKind, end_at: i64) -> Option<BeaconRound> {
        (beacon == BeaconKind::Drand)
            .then(|| BeaconRound(serde_json::to_string(&self.name_round(end_at)).expect("a named round serializes")))
    }

    /// The round to store now: named when the giveaway is (or becomes) published with a drand
    /// beacon and has none yet; the store keeps a round already named.
    fn round_to_name(&self, g: &Giveaway, beacon: BeaconKind, published: bool, end_at: i64) -> Option<BeaconRound> {
        if !published || g.beacon_round.is_some() {
            return None;
        }
        self.beacon_round_for(beacon, end_at)
    }
}

/// Midnight of the current day in the giveaway's own zone, as Unix ms.
fn start_of_local_day(now_ms: i64, zone: &str) -> i64 {
    let Ok(tz) = schedule::time_zone(zone) else {
        return now_ms - now_ms.rem_euclid(86_400_000);
    };
    jiff::Timestamp::from_millisecond(now_ms)
        .ok()
        .and_then(|ts| ts.to_zoned(tz).start_of_day().ok())
        .map_or(now_ms - now_ms.rem_euclid(86_400_000), |z| {
            z.timestamp().as_millisecond()
        })
}

/// The spec and the claim rules of one body, with every field problem of both in one 422.
fn merge_errors<S, C>(
    spec: Result<S, fairdraw_core::validation::FieldErrors>,
    claim: EngineResult<C>,
) -> EngineResult<(S, C)> {
    match (spec, claim) {
        (Ok(spec), Ok(claim)) => Ok((spec, claim)),
        (Err(mut a), Err(EngineError::Validation(b))) => {
            for (f, m) in b.iter() {
                a.add(f, m);
            }
            Err(a.into())
        }
        (Err(a), Ok(_)) => Err(a.into()),
        (_, Err(e)) => Err(e),
    }
}
