//! `/v2/giveaways/{id}/leaderboard`, `…/referrals` (summary and top referrers) and
//! `…/analytics/*` (overview, daily, entry methods, geography, referral sources, fraud).

use super::extract::{Caller, Path, Query};
use super::response::{Envelope, ErrorEnvelope, V2Result, ok};
use crate::app::AppState;
use crate::engine::analytics::DateRange;
use axum::extract::State;
use fairdraw_store::analytics::CountryCount;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(leaderboard))
        .routes(routes!(referral_overview))
        .routes(routes!(top_referrers))
        .routes(routes!(overview))
        .routes(routes!(daily))
        .routes(routes!(entry_methods))
        .routes(routes!(geography))
        .routes(routes!(referral_sources))
        .routes(routes!(fraud))
}

#[derive(Serialize, ToSchema)]
pub struct LeaderboardItem {
    rank: i64,
    user_id: String,
    name: String,
    total_entries: i64,
}

#[utoipa::path(get, path = "/giveaways/{id}/leaderboard", tag = "Leaderboard", summary = "Get leaderboard rankings",
    description = "The top participants by entries, as many as `settings.leaderboard_display_amount`; ties go to \
        who entered first. 403 unless `settings.if_leaderboard` is on.",
    params(("id" = i64, Path, description = "The giveaway ID")),
    responses((status = 200, body = Envelope<Vec<LeaderboardItem>>), (status = 403, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope)))]
pub async fn leaderboard(State(state): State<AppState>, Caller(who): Caller, Path(id): Path<i64>) -> V2Result {
    let leaders = state.engine.leaderboard(&who, id).await?;
    Ok(ok(leaders
        .into_iter()
        .map(|l| LeaderboardItem {
            rank: l.rank,
            user_id: l.user_id,
            name: l.name,
            total_entries: l.total_entries,
        })
        .collect::<Vec<_>>()))
}

#[derive(Serialize, ToSchema)]
pub struct ReferralOverview {
    competition_id: i64,
    /// Participants who came through another participant's referral link.
    total_referrals: i64,
    unique_referrers: i64,
    /// Two decimals; 0 when nobody has referred anyone.
    avg_referrals_per_referrer: f64,
}

#[utoipa::path(get, path = "/giveaways/{id}/referrals", tag = "Referrals", summary = "Referral overview",
    params(("id" = i64, Path, description = "The giveaway ID")),
    responses((status = 200, body = Envelope<ReferralOverview>), (status = 404, body = ErrorEnvelope)))]
pub async fn referral_overview(State(state): State<AppState>, Caller(who): Caller, Path(id): Path<i64>) -> V2Result {
    let s = state.engine.referral_summary(&who, id).await?;
    Ok(ok(ReferralOverview {
        competition_id: id,
        total_referrals: s.total_referrals,
        unique_referrers: s.unique_referrers,
        avg_referrals_per_referrer: s.avg_referrals_per_referrer,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct TopReferrer {
    user_id: String,
    name: String,
    email: String,
    referral_count: i64,
}

#[utoipa::path(get, path = "/giveaways/{id}/referrals/top", tag = "Referrals", summary = "Top referrers",
    description = "The 50 participants who referred the most others; ties go to who entered first.",
    params(("id" = i64, Path, description = "The giveaway ID")),
    responses((status = 200, body = Envelope<Vec<TopReferrer>>), (status = 404, body = ErrorEnvelope)))]
pub async fn top_referrers(State(state): State<AppState>, Caller(who): Caller, Path(id): Path<i64>) -> V2Result {
    let rows = state.engine.top_referrers(&who, id).await?;
    Ok(ok(rows
        .into_iter()
        .map(|r| TopReferrer {
            user_id: r.user_id,
            name: r.name,
            email: r.email,
            referral_count: r.referral_count,
        })
        .collect::<Vec<_>>()))
}

#[derive(Serialize, ToSchema)]
pub struct AnalyticsOverview {
    competition_id: i64,
    total_entries: i64,
    total_participants: i64,
    total_actions: i64,
    total_views: i64,
    unique_views: i64,
    /// Participants per unique view, in percent, two decimals.
    conversion_rate: f64,
    avg_entries_per_user: f64,
    avg_actions_per_user: f64,
}

#[utoipa::path(get, path = "/giveaways/{id}/analytics/overview", tag = "Analytics", summary = "Analytics overview",
    params(("id" = i64, Path, description = "The giveaway ID")),
    responses((status = 200, body = Envelope<AnalyticsOverview>), (status = 404, body = ErrorEnvelope)))]
pub async fn overview(State(state): State<AppState>, Caller(who): Caller, Path(id): Path<i64>) -> V2Result {
    let o = state.engine.analytics_overview(&who, id).await?;
    Ok(ok(AnalyticsOverview {
        competition_id: id,
        total_entries: o.total_entries,
        total_participants: o.total_participants,
        total_actions: o.total_actions,
        total_views: o.total_views,
        unique_views: o.unique_views,
        conversion_rate: o.conversion_rate,
        avg_entries_per_user: o.avg_entries_per_user,
        avg_actions_per_user: o.avg_actions_per_user,
    }))
}

#[derive(Deserialize, IntoParams)]
pub struct DailyParams {
    /// First day (UTC), `YYYY-MM-DD`; default: the first day of activity.
    date_from: Option<String>,
    /// Last day (UTC), `YYYY-MM-DD`; default: the last day of activity. At most 366 days in all.
    date_to: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct DailyStats {
    date: String,
    total_views: i64,
    unique_views: i64,
    entries: i64,
    new_participants: i64,
}

#[utoipa::path(get, path = "/giveaways/{id}/analytics/daily", tag = "Analytics", summary = "Daily stats breakdown",
    description = "One item per UTC day of the range, quiet days included with zeros.",
    params(("id" = i64, Path, description = "The giveaway ID"), DailyParams),
    responses((status = 200, body = Envelope<Vec<DailyStats>>), (status = 404, body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope)))]
pub async fn daily(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<i64>,
    Query(p): Query<DailyParams>,
) -> V2Result {
    let range = DateRange {
        date_from: p.date_from,
        date_to: p.date_to,
    };
    let days = state.engine.analytics_daily(&who, id, &range).await?;
    Ok(ok(days
        .into_iter()
        .map(|d| DailyStats {
            date: d.date,
            total_views: d.total_views,
            unique_views: d.unique_views,
            entries: d.entries,
            new_participants: d.new_participants,
        })
        .collect::<Vec<_>>()))
}

#[derive(Serialize, ToSchema)]
pub struct EntryMethodStats {
    /// The entry method type id.
    entry_method: i64,
    entry_method_name: String,
    total_entries: i64,
    unique_users: i64,
    /// Share of all entries, in percent, one decimal.
    percentage: f64,
}

#[utoipa::path(get, path = "/giveaways/{id}/analytics/entry-methods", tag = "Analytics",
    summary = "Entry method performance",
    params(("id" = i64, Path, description = "The giveaway ID")),
    responses((status = 200, body = Envelope<Vec<EntryMethodStats>>), (status = 404, body = ErrorEnvelope)))]
pub async fn entry_methods(State(state): State<AppState>, Caller(who): Caller, Path(id): Path<i64>) -> V2Result {
    let shares = state.engine.analytics_entry_methods(&who, id).await?;
    Ok(ok(shares
        .into_iter()
        .map(|m| EntryMethodStats {
            entry_method: m.method_type,
            entry_method_name: m.name,
            total_entries: m.total_entries,
            unique_users: m.unique_users,
            percentage: m.percentage,
        })
        .collect::<Vec<_>>()))
}

#[derive(Serialize, ToSchema)]
pub struct CountryViews {
    country_code: String,
    views: i64,
}

#[derive(Serialize, ToSchema)]
pub struct CountryParticipants {
    country: String,
    participants: i64,
}

#[derive(Serialize, ToSchema)]
pub struct GeographyStats {
    /// Top 50.
    views_by_country: Vec<CountryViews>,
    /// Top 50.
    participants_by_country: Vec<CountryParticipants>,
}

#[utoipa::path(get, path = "/giveaways/{id}/analytics/geography", tag = "Analytics",
    summary = "Geographic distribution",
    params(("id" = i64, Path, description = "The giveaway ID")),
    responses((status = 200, body = Envelope<GeographyStats>), (status = 404, body = ErrorEnvelope)))]
pub async fn geography(State(state): State<AppState>, Caller(who): Caller, Path(id): Path<i64>) -> V2Result {
    let g = state.engine.analytics_geography(&who, id).await?;
    let views = |c: CountryCount| CountryViews {
        country_code: c.country,
        views: c.count,
    };
    let people = |c: CountryCount| CountryParticipants {
        country: c.country,
        participants: c.count,
    };
    Ok(ok(GeographyStats {
        views_by_country: g.views_by_country.into_iter().map(views).collect(),
        participants_by_country: g.participants_by_country.into_iter().map(people).collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct ReferralSource {
    referrer_url: String,
    domain: String,
    count: i64,
}

#[utoipa::path(get, path = "/giveaways/{id}/analytics/referrals", tag = "Analytics",
    summary = "Referral source analytics",
    description = "The 20 referrer URLs that brought the most page views.",
    params(("id" = i64, Path, description = "The giveaway ID")),
    responses((status = 200, body = Envelope<Vec<ReferralSource>>), (status = 404, body = ErrorEnvelope)))]
pub async fn referral_sources(State(state): State<AppState>, Caller(who): Caller, Path(id): Path<i64>) -> V2Result {
    let sources = state.engine.analytics_referrers(&who, id).await?;
    Ok(ok(sources
        .into_iter()
        .map(|s| ReferralSource {
            referrer_url: s.url,
            domain: s.domain,
            count: s.count,
        })
        .collect::<Vec<_>>()))
}

#[derive(Serialize, ToSchema)]
pub struct DuplicateIp {
    rank: i64,
    entry_count: i64,
}

#[derive(Serialize, ToSchema)]
pub struct FraudStats {
    /// IP addresses shared by more than one participant.
    duplicate_ip_entries: i64,
    banned_count: i64,
    disqualified_count: i64,
    /// The 10 shared IPs with the most entries; the addresses themselves are never shown.
    top_duplicate_ips: Vec<DuplicateIp>,
}

#[utoipa::path(get, path = "/giveaways/{id}/analytics/fraud", tag = "Analytics", summary = "Fraud detection metrics",
    params(("id" = i64, Path, description = "The giveaway ID")),
    responses((status = 200, body = Envelope<FraudStats>), (status = 404, body = ErrorEnvelope)))]
pub async fn fraud(State(state): State<AppState>, Caller(who): Caller, Path(id): Path<i64>) -> V2Result {
    let f = state.engine.analytics_fraud(&who, id).await?;
    Ok(ok(FraudStats {
        duplicate_ip_entries: f.duplicate_ip_entries,
        banned_count: f.banned_count,
        disqualified_count: f.disqualified_count,
        top_duplicate_ips: f
            .top_duplicate_ip_entries
            .into_iter()
            .zip(1..)
            .map(|(entry_count, rank)| DuplicateIp { rank, entry_count })
            .collect(),
    }))
}
