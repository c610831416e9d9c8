//! `/api/public` entry routes, called by the hosted page and the embed widget without an API
//! key: enter a giveaway, complete an entry method, follow the e-mailed verification link.
//!
//! A rule's refusal is a 4xx whose message names the rule and whose `error.details.rule` is
//! its machine-readable name: 403 for most rules and for a giveaway that has not started or
//! has ended (`giveaway_live`; drafts and deleted giveaways are 404), 409 for an entry method
//! already done (`daily`, `once`), 429 with `Retry-After` for the rate limits, and 503 when the
//! captcha provider cannot be reached.

use crate::app::AppState;
use crate::engine::public_entries::{ActionInput, EntryInput, Origin, PublicError, Rule};
use crate::surfaces::v2::extract::{Body, Path};
use crate::surfaces::v2::response::{Envelope, ErrorEnvelope, V2Error, created, error_response, ok};
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::json;
use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(enter))
        .routes(routes!(complete_action))
        .routes(routes!(verify_email))
}

/// The caller's address and country as the configured proxy headers (or the connection) say.
pub struct ClientOrigin(pub Origin);

impl FromRequestParts<AppState> for ClientOrigin {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let config = &state.config.public;
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
        // The proxy headers are believed only from a configured proxy: anyone else could write
        // them to pass for another address or country.
        let trusted = |ip: IpAddr| config.trusted_proxies.iter().any(|c| c.contains(ip));
        let from_proxy = trusted(peer);
        let ip = config
            .client_ip_header
            .as_deref()
            .filter(|_| from_proxy)
            .and_then(|name| client_address(&parts.headers, name, &trusted))
            .unwrap_or(peer);
        let header_country = config
            .country_header
            .as_deref()
            .filter(|_| from_proxy)
            .and_then(|name| parts.headers.get(name))
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Ok(ClientOrigin(Origin { ip, header_country }))
    }
}

/// The client in a header like `X-Forwarded-For`: each proxy appends the address it was
/// reached from, so reading from the right, the first address that is not one of our trusted
/// proxies is the client; what lies left of it was written by the client and proves nothing.
/// All trusted: the leftmost. Unreadable: none (the peer is used).
fn client_address(headers: &HeaderMap, name: &str, trusted: &dyn Fn(IpAddr) -> bool) -> Option<IpAddr> {
    let value = headers.get(name)?.to_str().ok()?;
    let parse = |part: &str| {
        let part = part.trim();
        part.parse::<IpAddr>()
            .ok()
            .or_else(|| part.parse::<SocketAddr>().ok().map(|s| s.ip()))
    };
    let mut last = None;
    for part in value.rsplit(',') {
        let ip = parse(part)?;
        if !trusted(ip) {
            return Some(ip);
        }
        last = Some(ip);
    }
    last
}

/// A public call's failure, in the `/v2` error envelope.
pub struct Failure(PublicError);

impl From<PublicError> for Failure {
    fn from(e: PublicError) -> Self {
        Failure(e)
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let message = self.0.to_string();
        match self.0 {
            PublicError::Engine(e) => V2Error(e).into_response(),
            PublicError::Refused {
                rule, pending_methods, ..
            } => {
                let status = match rule {
                    Rule::Daily | Rule::Once => StatusCode::CONFLICT,
                    _ => StatusCode::FORBIDDEN,
                };
                let mut details = json!({ "rule": rule.name() });
                if !pending_methods.is_empty() {
                    details["entry_method_ids"] = json!(pending_methods);
                }
                error_response(status, &message, Some(details))
            }
            PublicError::RateLimited { retry_after } => {
                let mut response = error_response(
                    StatusCode::TOO_MANY_REQUESTS,
                    &message,
                    Some(json!({ "rule": Rule::RateLimit.name() })),
                );
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
                response
            }
            PublicError::CaptchaUnavailable(_) => error_response(
                StatusCode::SERVICE_UNAVAILABLE,
                &message,
                Some(json!({ "rule": Rule::Captcha.name() })),
            ),
        }
    }
}

type PublicResult = Result<Response, Failure>;

#[derive(Serialize, ToSchema)]
pub struct EnteredView {
    user_id: String,
    /// A secret that authorises this participant's actions; keep it, it is not shown again.
    participant_token: String,
    total_entries: i64,
    referral_code: String,
    referral_link: String,
    is_new_user: bool,
    /// The entries count once the link e-mailed to the participant is followed.
    email_verification_required: bool,
}

#[utoipa::path(post, path = "/giveaways/{id}/entries", tag = "Public", summary = "Enter a giveaway",
    description = "Creates the participant with their User Details entry, or finds the one with this e-mail \
        (200, no second User Details entry), and returns a new participant token. Every rules_config rule is \
        enforced; a refusal names its rule in error.details.rule.",
    params(("id" = i64, Path, description = "The giveaway ID")),
    request_body = EntryInput,
    responses((status = 201, body = Envelope<EnteredView>), (status = 200, body = Envelope<EnteredView>),
        (status = 400, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope),
        (status = 429, body = ErrorEnvelope), (status = 503, body = ErrorEnvelope)))]
pub async fn enter(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    Path(id): Path<i64>,
    Body(input): Body<EntryInput>,
) -> PublicResult {
    let e = state.engine.enter_giveaway(&state.config, &origin, id, input).await?;
    let view = EnteredView {
        user_id: e.user_id,
        participant_token: e.participant_token,
        total_entries: e.total_entries,
        referral_code: e.referral_code,
        referral_link: e.referral_link,
        is_new_user: e.is_new_user,
        email_verification_required: e.email_verification_required,
    };
    Ok(if view.is_new_user { created(view) } else { ok(view) })
}

#[derive(Serialize, ToSchema)]
pub struct ActionView {
    /// The participant's entries after this one.
    total_entries: i64,
    entry_id: i64,
}

#[utoipa::path(post, path = "/giveaways/{id}/actions", tag = "Public", summary = "Complete an entry method",
    description = "Records one entry method for the participant holding the token: daily methods once a day \
        in the giveaway's time zone, others once; non-required methods only after every required one.",
    params(("id" = i64, Path, description = "The giveaway ID")),
    request_body = ActionInput,
    responses((status = 201, body = Envelope<ActionView>), (status = 400, body = ErrorEnvelope),
        (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope), (status = 429, body = ErrorEnvelope)))]
pub async fn complete_action(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    Path(id): Path<i64>,
    Body(input): Body<ActionInput>,
) -> PublicResult {
    let done = state.engine.complete_action(&state.config, &origin, id, input).await?;
    Ok(created(ActionView {
        total_entries: done.total_entries,
        entry_id: done.entry_id,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct Verified {
    verified: bool,
}

#[utoipa::path(get, path = "/verify-email/{token}", tag = "Public", summary = "Verify a participant's e-mail",
    description = "The link e-mailed to participants of giveaways that require e-mail verification. Their entries \
        count from then on. Following it again changes nothing.",
    params(("token" = String, Path, description = "The token from the e-mailed link")),
    responses((status = 200, body = Envelope<Verified>), (status = 404, body = ErrorEnvelope),
        (status = 429, body = ErrorEnvelope)))]
pub async fn verify_email(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    Path(token): Path<String>,
) -> PublicResult {
    state.engine.verify_email(&state.config, &origin, &token).await?;
    Ok(ok(Verified { verified: true }))
}
