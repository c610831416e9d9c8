//! `/v2/account`: who the key belongs to, the account's brands, and its API usage.

use super::extract::Caller;
use super::response::{Envelope, ErrorEnvelope, V2Result, ok};
use crate::app::AppState;
use crate::surfaces::enums::{PlanId, PlanName};
use axum::extract::State;
use fairdraw_core::time::format_utc;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct AccountData {
    /// The account id.
    user_id: i64,
    email: String,
    username: Option<String>,
    /// Plan id (6 or 7 = Enterprise).
    #[schema(value_type = PlanId)]
    plan: i64,
    #[schema(value_type = PlanName)]
    plan_name: &'static str,
    /// 0 on a self-hosted instance (no payment platform).
    payment_platform: i64,
    /// The brand the key belongs to.
    website_id: Option<i64>,
    website_name: Option<String>,
    /// Giveaways not deleted, across the account's brands.
    total_giveaways: i64,
    created_at: Option<String>,
}

#[utoipa::path(get, path = "/account", tag = "Account",
    summary = "Get account details",
    responses(
        (status = 200, body = Envelope<AccountData>),
        (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 429, body = ErrorEnvelope)
    )
)]
pub async fn get_account(State(state): State<AppState>, Caller(who): Caller) -> V2Result {
    let a = state.engine.account_details(&who).await?;
    Ok(ok(AccountData {
        user_id: a.user_id,
        email: a.email,
        username: a.username,
        plan: a.plan.id(),
        plan_name: a.plan.display_name(),
        payment_platform: a.payment_platform,
        website_id: Some(a.website_id),
        website_name: a.website_name,
        total_giveaways: a.total_giveaways,
        created_at: Some(format_utc(a.created_at_ms)),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct BrandData {
    id: i64,
    website_name: Option<String>,
    #[schema(value_type = PlanId)]
    plan: i64,
    #[schema(value_type = PlanName)]
    plan_name: &'static str,
    active_brand: bool,
}

#[utoipa::path(get, path = "/account/brands", tag = "Account",
    summary = "List your brands",
    responses((status = 200, body = Envelope<Vec<BrandData>>), (status = 401, body = ErrorEnvelope))
)]
pub async fn list_brands(State(state): State<AppState>, Caller(who): Caller) -> V2Result {
    let brands = state.engine.brands(&who).await?;
    Ok(ok(brands
        .into_iter()
        .map(|b| BrandData {
            id: b.id,
            website_name: b.name,
            plan: b.plan.id(),
            plan_name: b.plan.display_name(),
            active_brand: b.active,
        })
        .collect::<Vec<_>>()))
}

#[derive(Serialize, ToSchema)]
pub struct UsageData {
    requests_today: i64,
    requests_7d: i64,
    requests_30d: i64,
    rate_limit: RateLimitData,
}

#[derive(Serialize, ToSchema)]
pub struct RateLimitData {
    rpm: u32,
    rpd: u32,
    burst: u32,
}

#[utoipa::path(get, path = "/account/usage", tag = "Account",
    summary = "Check your API usage",
    responses((status = 200, body = Envelope<UsageData>), (status = 401, body = ErrorEnvelope))
)]
pub async fn get_usage(State(state): State<AppState>, Caller(who): Caller) -> V2Result {
    let u = state.engine.usage(&who).await?;
    Ok(ok(UsageData {
        requests_today: u.requests_today,
        requests_7d: u.requests_7d,
        requests_30d: u.requests_30d,
        rate_limit: RateLimitData {
            rpm: u.limits.rpm,
            rpd: u.limits.rpd,
            burst: u.limits.burst,
        },
    }))
}
