//! The hosted giveaway page (`/view/{id}-{slug}`) and the embed widget (`/w/j/w_init.js`):
//! where people enter. Server-rendered with askama and usable without JavaScript: the entry
//! form and each entry method are plain form posts to the page itself, which call the same
//! engine use cases as `/api/public` ([`Engine::enter_giveaway`], [`Engine::complete_action`])
//! and answer with a redirect back to the page (or the page again, with what the person typed
//! and a message next to the refused field). The participant token those calls return is kept
//! in an HttpOnly cookie per giveaway, so a returning entrant sees their entries. A small script
//! of ours adds the countdown, local times, copy buttons, page-view reporting (through the
//! existing view endpoint) and, inside the widget's iframe, its height.
//!
//! [`Engine::enter_giveaway`]: crate::engine::Engine::enter_giveaway
//! [`Engine::complete_action`]: crate::engine::Engine::complete_action

mod csp;
mod design;
mod forms;
// Photo contests (issue 14): the upload, the votes and the gallery's strings.
mod gallery;
mod i18n;
// The confirmation e-mail's sign-in link (issue 14).
mod signin;
mod view;

use crate::app::AppState;
use crate::engine::EngineError;
use crate::engine::public_entries::page::PublicPage;
use crate::surfaces::public::ClientOrigin;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use forms::{PageForm, Shown};
use i18n::Strings;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use view::{Context, NotFoundTemplate, Outcome, PageTemplate};

const PAGE_CSS: &str = include_str!("../../../assets/hosted/page.css");
const PAGE_JS: &str = include_str!("../../../assets/hosted/page.js");
const WIDGET_JS: &str = include_str!("../../../assets/hosted/w_init.js");

/// A returning entrant's token is kept this long (a year).
const COOKIE_MAX_AGE: u32 = 31_536_000;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(page, post_page))
        .routes(routes!(design_css))
        .routes(routes!(widget))
        .routes(routes!(page_css))
        .routes(routes!(page_js))
        // Photo contests and the e-mail sign-in link (issue 14).
        .merge(gallery::routes())
        .routes(routes!(signin::signin))
}

/// `{id}-{slug}` or `{id}`: the giveaway id and the slug, if one was given.
fn parse_key(key: &str) -> Option<(i64, Option<&str>)> {
    let (id, slug) = match key.split_once('-') {
        Some((id, slug)) => (id, Some(slug)),
        None => (key, None),
    };
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((id.parse().ok()?, slug))
}

#[derive(Debug, Default, Deserialize)]
struct PageQuery {
    #[serde(rename = "ref")]
    referral: Option<String>,
    lang: Option<String>,
    done: Option<String>,
}

fn query(raw: Option<&str>) -> PageQuery {
    raw.and_then(|q| serde_urlencoded::from_str(q).ok()).unwrap_or_default()
}

fn cookie_name(id: i64) -> String {
    format!("fd_t{id}")
}

/// The participant token this browser keeps for the giveaway.
fn token_cookie(headers: &HeaderMap, id: i64) -> Option<String> {
    let name = cookie_name(id);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_owned())
        .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The cookie must reach the page inside the widget's iframe on another site: `SameSite=None`
/// with `Partitioned`, so it is kept per embedding site and never follows the visitor elsewhere.
/// That needs `Secure`, which browsers accept over https and on loopback; a server reached
/// over plain http elsewhere gets a first-party cookie (`SameSite=Lax`) instead.
fn set_token_cookie(public_url: &str, id: i64, token: &str) -> String {
    let loopback = reqwest::Url::parse(public_url).is_ok_and(|u| {
        u.host_str()
            .is_some_and(|h| matches!(h, "localhost" | "127.0.0.1" | "[::1]") || h.ends_with(".localhost"))
    });
    let attrs = if public_url.starts_with("https://") || loopback {
        "; Secure; SameSite=None; Partitioned"
    } else {
        "; SameSite=Lax"
    };
    format!(
        "{}={token}; Path=/view/; Max-Age={COOKIE_MAX_AGE}; HttpOnly{attrs}",
        cookie_name(id)
    )
}

fn strings(page: Option<&PublicPage>, q: &PageQuery) -> &'static Strings {
    match q.lang.as_deref().filter(|l| Strings::is_known(l)) {
        Some(lang) => Strings::of(lang),
        None => Strings::of(page.map_or("en", |p| p.config.giveaway.row.language.as_str())),
    }
}

fn html(status: StatusCode, body: String, policy: &str) -> Response {
    let mut response = (status, body).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(policy) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(header::VARY, HeaderValue::from_static("Cookie"));
    response
}

fn not_found(t: &'static Strings) -> Response {
    let body = NotFoundTemplate {
        t,
        title: t.not_found_title,
        text: t.not_found_text,
    }
    .render()
    .unwrap_or_default();
    let mut r = html(StatusCode::NOT_FOUND, body, &csp::policy(None, None));
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn server_error(t: &'static Strings, e: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %e, "the giveaway page failed");
    let body = NotFoundTemplate {
        t,
        title: t.server_error,
        text: t.server_error,
    }
    .render()
    .unwrap_or_default();
    html(StatusCode::INTERNAL_SERVER_ERROR, body, &csp::policy(None, None))
}

/// Renders the page with `outcome`, under `status`.
fn render(state: &AppState, page: &PublicPage, t: &'static Strings, outcome: Outcome, status: StatusCode) -> Response {
    let g = &page.config.giveaway;
    let public_url = state.config.public_url.trim_end_matches('/');
    let captcha = state.config.public.captcha.as_ref().map(|c| {
        (
            csp::captcha_assets(c.provider),
            state.config.public.captcha_site_key.clone().unwrap_or_default(),
        )
    });
    let image = g.row.image_url.as_deref().filter(|u| !u.trim().is_empty());
    let image_origin = image.and_then(csp::https_origin);
    let banner = image
        .filter(|u| image_origin.is_some() || u.starts_with('/'))
        .map(str::to_owned);
    let ctx = Context {
        public_url,
        photo_max_bytes: state.config.public.photo_max_bytes,
        t,
        captcha,
    };
    let design_css = format!("/view/{}/design.css?v={}", g.id(), g.row.updated_at);
    let template = PageTemplate::build(page, &ctx, design_css, banner, outcome);
    let captcha_policy = template
        .captcha
        .as_ref()
        .and(ctx.captcha.as_ref())
        .map(|(assets, _)| assets);
    let policy = csp::policy(image_origin.as_deref(), captcha_policy);
    let body = match template.render() {
        Ok(body) => body,
        Err(e) => return server_error(t, &e),
    };
    let mut response = html(status, body, &policy);
    let cache = if page.entrant.is_some() || status != StatusCode::OK {
        "private, no-store"
    } else {
        // Anonymous views differ only by the counters, which may be a few seconds old anyway.
        "public, max-age=5"
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

fn redirect(location: &str, status: StatusCode) -> Response {
    let mut r = status.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

#[utoipa::path(get, path = "/view/{key}", tag = "Pages", summary = "The hosted giveaway page",
    description = "The page people enter a giveaway on, in HTML: `{id}-{slug}` (a bare id or an old slug \
        redirects to it). Drafts and deleted giveaways are 404. It may be framed by any site (the embed widget).",
    params(("key" = String, Path, description = "`{id}-{slug}`, as in the giveaway's view_url"),
        ("ref" = Option<String>, Query, description = "A referral code: who invited this visitor"),
        ("lang" = Option<String>, Query, description = "en, es, pt, fr, de or it, instead of the giveaway's language")),
    responses((status = 200, description = "The page", content_type = "text/html"),
        (status = 301, description = "To the page's canonical address"),
        (status = 404, description = "No public giveaway with this id", content_type = "text/html")))]
async fn page(
    State(state): State<AppState>,
    Path(key): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let q = query(raw.as_deref());
    let Some((id, slug)) = parse_key(&key) else {
        return not_found(strings(None, &q));
    };
    let token = token_cookie(&headers, id);
    let page = match state.engine.public_page(id, token.as_deref()).await {
        Ok(page) => page,
        Err(EngineError::NotFound(_)) => return not_found(strings(None, &q)),
        Err(e) => return server_error(strings(None, &q), &e),
    };
    let g = &page.config.giveaway;
    if slug != Some(g.row.slug.as_str()) {
        let tail = raw.map(|r| format!("?{r}")).unwrap_or_default();
        return redirect(
            &format!("/view/{}{tail}", g.public_key()),
            StatusCode::MOVED_PERMANENTLY,
        );
    }
    let t = strings(Some(&page), &q);
    let notice = match q.done.as_deref() {
        Some("entered") => Some(t.entered_ok.to_owned()),
        Some("action") => Some(t.action_ok.to_owned()),
        Some(done) => gallery::notice(t, done),
        None => None,
    };
    let mut outcome = Outcome {
        notice: notice.filter(|_| page.entrant.is_some()),
        ..Outcome::default()
    };
    outcome.values.referral_code = q
        .referral
        .filter(|r| r.len() <= 64 && r.bytes().all(|b| b.is_ascii_alphanumeric()))
        .unwrap_or_default();
    render(&state, &page, t, outcome, StatusCode::OK)
}

#[utoipa::path(post, path = "/view/{key}", tag = "Pages", summary = "Enter, or complete an entry method, from the page",
    description = "The page's own form posts (application/x-www-form-urlencoded), for browsers without \
        JavaScript too: `do=enter` with name, email, birthday, country, consent and referral_code, or \
        `do=action` with entry_method_id and value. Runs the same rules as /api/public. Success is a 303 \
        back to the page (the entry sets the participant cookie); a refusal is the page again with the \
        message next to the field and what was typed kept. Posts from other sites are 403.",
    params(("key" = String, Path, description = "`{id}-{slug}`")),
    request_body(content = String, content_type = "application/x-www-form-urlencoded",
        description = "do=enter&name=…&email=…&consent=true, or do=action&entry_method_id=…&value=…"),
    responses((status = 303, description = "Done; back to the page"),
        (status = 403, description = "Refused by a rule, or posted from another site", content_type = "text/html"),
        (status = 404, description = "No public giveaway with this id", content_type = "text/html"),
        (status = 409, description = "The entry method was already done (today)", content_type = "text/html"),
        (status = 422, description = "A field is missing or invalid", content_type = "text/html"),
        (status = 429, description = "Too many attempts", content_type = "text/html")))]
async fn post_page(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    Path(key): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let q = query(raw.as_deref());
    let Some((id, _)) = parse_key(&key) else {
        return not_found(strings(None, &q));
    };
    if !forms::same_origin(&headers, &state.config.public_url) {
        let mut r = html(
            StatusCode::FORBIDDEN,
            "<!doctype html><title>Forbidden</title><p>This form can only be sent from its own page.</p>".to_owned(),
            &csp::policy(None, None),
        );
        r.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return r;
    }
    // The NUL character is refused wherever text comes in (`crate::http::nul`).
    if crate::http::nul::percent_nul(&body) || body.contains(&0) {
        return html(
            StatusCode::BAD_REQUEST,
            "<!doctype html><title>Bad request</title><p>The form may not contain the NUL character.</p>".to_owned(),
            &csp::policy(None, None),
        );
    }
    let form: PageForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let token = token_cookie(&headers, id);
    let safe_key: String = key.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    let lang_tail = q
        .lang
        .as_deref()
        .filter(|l| Strings::is_known(l))
        .map(|l| format!("&lang={l}"))
        .unwrap_or_default();
    let config = state.config.clone();
    let (result, method) = match form.what.as_deref() {
        Some("action") => {
            let method = form.method_id().map(|m| (m, form.value.clone().unwrap_or_default()));
            let result = match &token {
                Some(token) => state
                    .engine
                    .complete_action(&config, &origin, id, form.action_input(token.clone()))
                    .await
                    .map(|_| None),
                None => Err(EngineError::Unauthorized("no participant cookie".to_owned()).into()),
            };
            (result, method)
        }
        _ => {
            let result = state
                .engine
                .enter_giveaway(&config, &origin, id, form.entry_input())
                .await
                .map(|entered| Some(entered.participant_token));
            (result, None)
        }
    };
    match result {
        Ok(new_token) => {
            let (done, anchor) = match &method {
                Some((m, _)) => ("action", format!("fd-m{m}")),
                None => ("entered", "fd-entry".to_owned()),
            };
            let mut r = redirect(
                &format!("/view/{safe_key}?done={done}{lang_tail}#{anchor}"),
                StatusCode::SEE_OTHER,
            );
            if let Some(token) = new_token
                && let Ok(v) = HeaderValue::from_str(&set_token_cookie(&state.config.public_url, id, &token))
            {
                r.headers_mut().insert(header::SET_COOKIE, v);
            }
            r
        }
        Err(e) => {
            let page = match state.engine.public_page(id, token.as_deref()).await {
                Ok(page) => page,
                Err(EngineError::NotFound(_)) => return not_found(strings(None, &q)),
                Err(e) => return server_error(strings(None, &q), &e),
            };
            let t = strings(Some(&page), &q);
            let rules = &page.config.giveaway.rules_config;
            let (status, shown) = match method {
                Some(_) => forms::action_refusal(t, rules, e),
                None => forms::entry_refusal(t, rules, e),
            };
            match shown {
                Shown::NotFound => return not_found(t),
                Shown::Internal => return server_error(t, &"see the log line above"),
                _ => {}
            }
            let mut outcome = Outcome {
                values: form.values(),
                ..Outcome::default()
            };
            forms::place(&mut outcome, shown, method);
            render(&state, &page, t, outcome, status)
        }
    }
}

#[utoipa::path(get, path = "/view/{key}/design.css", tag = "Pages", summary = "A giveaway's design as a stylesheet",
    description = "The giveaway's design settings and custom CSS (scoped to its page), loaded by its page.",
    params(("key" = String, Path, description = "The giveaway ID (or `{id}-{slug}`)")),
    responses((status = 200, description = "The stylesheet", content_type = "text/css"),
        (status = 404, description = "No public giveaway with this id")))]
async fn design_css(State(state): State<AppState>, Path(key): Path<String>) -> Response {
    let Some((id, _)) = parse_key(&key) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match state.engine.public_page(id, None).await {
        Ok(page) => asset(
            "text/css; charset=utf-8",
            design::stylesheet(&page.extras.design),
            "public, max-age=300",
        ),
        Err(EngineError::NotFound(_)) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = %e, "a giveaway's stylesheet failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn asset(content_type: &'static str, body: impl Into<axum::body::Body>, cache: &'static str) -> Response {
    let mut r = body.into().into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    r
}

#[utoipa::path(get, path = "/w/j/w_init.js", tag = "Pages", summary = "The embed widget",
    description = "The script of the documented embed code: it mounts each `div.sw_container` (id `{id}-{slug}`) \
        as an iframe of its page, which reports its height so the frame fits its content.",
    responses((status = 200, description = "The script", content_type = "text/javascript")))]
async fn widget() -> Response {
    // Cross-origin pages load it with a plain <script>; CORP lets them even under COEP.
    let mut r = asset("text/javascript; charset=utf-8", WIDGET_JS, "public, max-age=3600");
    r.headers_mut()
        .insert("cross-origin-resource-policy", HeaderValue::from_static("cross-origin"));
    r
}

#[utoipa::path(get, path = "/view-assets/page.css", tag = "Pages", summary = "The page's stylesheet",
    responses((status = 200, description = "The stylesheet", content_type = "text/css")))]
async fn page_css() -> Response {
    asset("text/css; charset=utf-8", PAGE_CSS, "public, max-age=3600")
}

#[utoipa::path(get, path = "/view-assets/page.js", tag = "Pages", summary = "The page's script",
    responses((status = 200, description = "The script", content_type = "text/javascript")))]
async fn page_js() -> Response {
    asset("text/javascript; charset=utf-8", PAGE_JS, "public, max-age=3600")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_cookies() {
        assert_eq!(parse_key("12-holiday-ab12"), Some((12, Some("holiday-ab12"))));
        assert_eq!(parse_key("12"), Some((12, None)));
        assert_eq!(parse_key("x-12"), None);
        assert_eq!(parse_key(""), None);
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("a=1; fd_t12=ab12; fd_t1=ff"));
        assert_eq!(token_cookie(&h, 12).as_deref(), Some("ab12"));
        assert_eq!(token_cookie(&h, 1).as_deref(), Some("ff"));
        assert_eq!(token_cookie(&h, 2), None);
        assert!(set_token_cookie("https://x", 3, "ab").contains("SameSite=None; Partitioned"));
        assert!(set_token_cookie("http://x", 3, "ab").ends_with("HttpOnly; SameSite=Lax"));
        assert!(set_token_cookie("http://127.0.0.1:8080", 3, "ab").contains("Secure; SameSite=None"));
    }
}
