//! `/v2/giveaways/{id}/rules`, `/design` and `/emails`: read whole, update partially.

use super::extract::{Body, Caller, Path};
use super::response::{Envelope, ErrorEnvelope, V2Result, ok};
use crate::app::AppState;
use crate::surfaces::enums::AgeLimitType;
use axum::extract::State;
use fairdraw_core::giveaway::RulesPatch;
use fairdraw_core::giveaway::design::{DesignPatch, ObjectOnly};
use fairdraw_core::giveaway::emails::EmailSettingsPatch;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_rules, update_rules))
        .routes(routes!(get_design, update_design))
        .routes(routes!(get_emails, update_emails))
}

/// The answer to every settings update.
#[derive(Serialize, ToSchema)]
pub struct Updated {
    competition_id: i64,
    message: &'static str,
}

fn updated(competition_id: i64, message: &'static str) -> V2Result {
    Ok(ok(Updated {
        competition_id,
        message,
    }))
}

/// The rules exactly as the reference documents them, in its order.
#[derive(Serialize, ToSchema)]
pub struct RulesView {
    /// 1 (basic), 2 (standard), 3 (strict).
    #[schema(minimum = 1, maximum = 3)]
    security_level: u8,
    check_for_duplicate_ip: bool,
    block_vpns: bool,
    block_high_risk_email_tld: bool,
    require_email_verification: bool,
    /// 0 = no limit.
    age_limit: u32,
    /// "minimum" or "maximum".
    #[schema(value_type = AgeLimitType)]
    age_limit_type: String,
    /// 0 = unlimited.
    max_entries_per_user: u32,
    /// 0 = unlimited.
    max_total_participants: u32,
    /// ISO 3166-1 alpha-2 codes; empty = worldwide.
    countries_allowed: Vec<String>,
    allowed_world_wide: bool,
    social_login_required: bool,
}

#[utoipa::path(get, path = "/giveaways/{id}/rules", tag = "Settings", summary = "Get security and rules",
    params(("id" = i64, Path, description = "The giveaway ID")),
    responses((status = 200, body = Envelope<RulesView>), (status = 404, body = ErrorEnvelope)))]
pub async fn get_rules(State(state): State<AppState>, Caller(who): Caller, Path(id): Path<i64>) -> V2Result {
    let r = state.engine.giveaway_rules(&who, id).await?;
    Ok(ok(RulesView {
        allowed_world_wide: r.allowed_world_wide(),
        security_level: r.security_level,
        check_for_duplicate_ip: r.check_for_duplicate_ip,
        block_vpns: r.block_vpns,
        block_high_risk_email_tld: r.block_high_risk_email_tld,
        require_email_verification: r.require_email_verification,
        age_limit: r.age_limit,
        age_limit_type: r.age_limit_type,
        max_entries_per_user: r.max_entries_per_user,
        max_total_participants: r.max_total_participants,
        countries_allowed: r.countries_allowed,
        social_login_required: r.social_login_required,
    }))
}

/// The body of a rules update: only the fields to change.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct RulesBody {
    /// 1 (basic), 2 (standard), 3 (strict).
    #[schema(minimum = 1, maximum = 3)]
    security_level: Option<i64>,
    check_for_duplicate_ip: Option<bool>,
    block_vpns: Option<bool>,
    block_high_risk_email_tld: Option<bool>,
    require_email_verification: Option<bool>,
    /// 0 = no limit.
    age_limit: Option<i64>,
    /// "minimum" or "maximum".
    #[schema(value_type = Option<AgeLimitType>)]
    age_limit_type: Option<String>,
    /// 0 = unlimited.
    max_entries_per_user: Option<i64>,
    /// 0 = unlimited.
    max_total_participants: Option<i64>,
    /// ISO 3166-1 alpha-2 codes; an empty array allows the whole world.
    countries_allowed: Option<Vec<String>>,
    /// `true` clears countries_allowed.
    allowed_world_wide: Option<bool>,
    social_login_required: Option<bool>,
}

#[utoipa::path(put, path = "/giveaways/{id}/rules", tag = "Settings", summary = "Update security and rules",
    params(("id" = i64, Path, description = "The giveaway ID")),
    request_body = RulesBody,
    responses((status = 200, body = Envelope<Updated>), (status = 400, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn update_rules(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<i64>,
    Body(ObjectOnly(patch)): Body<ObjectOnly<RulesPatch>>,
) -> V2Result {
    state.engine.update_giveaway_rules(&who, id, patch).await?;
    updated(id, "Rules updated successfully.")
}

#[utoipa::path(get, path = "/giveaways/{id}/design", tag = "Settings", summary = "Get widget design",
    params(("id" = i64, Path, description = "The giveaway ID")),
    responses((status = 200, body = Envelope<Object>), (status = 404, body = ErrorEnvelope)))]
pub async fn get_design(State(state): State<AppState>, Caller(who): Caller, Path(id): Path<i64>) -> V2Result {
    Ok(ok(state.engine.giveaway_design(&who, id).await?))
}

/// Sections of the design (title, body, input, links, unlock, form, top_section, buttons,
/// display, landing_page, custom_css) as nested objects, plus entry_methods_view and
/// default_css. Absent fields are kept; `null` restores a field's default.
#[utoipa::path(put, path = "/giveaways/{id}/design", tag = "Settings", summary = "Update widget design",
    params(("id" = i64, Path, description = "The giveaway ID")),
    request_body = Object,
    responses((status = 200, body = Envelope<Updated>), (status = 400, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn update_design(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<i64>,
    Body(ObjectOnly(patch)): Body<ObjectOnly<DesignPatch>>,
) -> V2Result {
    state.engine.update_giveaway_design(&who, id, patch).await?;
    updated(id, "Design updated successfully.")
}

#[utoipa::path(get, path = "/giveaways/{id}/emails", tag = "Settings", summary = "Get email settings",
    params(("id" = i64, Path, description = "The giveaway ID")),
    responses((status = 200, body = Envelope<Object>), (status = 404, body = ErrorEnvelope)))]
pub async fn get_emails(State(state): State<AppState>, Caller(who): Caller, Path(id): Path<i64>) -> V2Result {
    Ok(ok(state.engine.giveaway_emails(&who, id).await?))
}

/// `confirmation_email` and `verification_email` as nested objects, as in the GET response.
/// Absent fields are kept; `null` restores a field's default.
#[utoipa::path(put, path = "/giveaways/{id}/emails", tag = "Settings", summary = "Update email settings",
    params(("id" = i64, Path, description = "The giveaway ID")),
    request_body = Object,
    responses((status = 200, body = Envelope<Updated>), (status = 400, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn update_emails(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<i64>,
    Body(ObjectOnly(patch)): Body<ObjectOnly<EmailSettingsPatch>>,
) -> V2Result {
    state.engine.update_giveaway_emails(&who, id, patch).await?;
    updated(id, "Email settings updated successfully.")
}
