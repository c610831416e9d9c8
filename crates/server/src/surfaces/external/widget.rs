//! `/external/widget/{id}?roomId=&userId=&lang=&sig=`: the page a partner embeds in its chat
//! (an iframe). It shows the banner, title, text, reward, a countdown, the participants count,
//! the join button, and the winners with a link to the verify page once drawn. The button joins
//! through the same rules as the participation call, with the profile the partner sent last;
//! `sig` (hex HMAC-SHA256 of `userId` under the brand's external secret) proves the link was
//! made for that user. Our own words come in every supported language, chosen by `lang` or
//! `Accept-Language` when the giveaway has `enableTranslation` (English otherwise).

use super::giveaways::winners_view;
use super::response::{ExtResult, bad_request, created, ok};
use crate::app::AppState;
use crate::engine::EngineError;
use crate::engine::chat_giveaways::{ChatGiveaway, JoinError};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use fairdraw_core::chat::{ChatStatus, i18n};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::IntoParams;

const SCRIPT: &str = include_str!("../../../assets/chat_widget.js");
const STYLE: &str = include_str!("../../../assets/chat_widget.css");

#[derive(Template)]
#[template(path = "chat_widget.html")]
struct Page {
    lang: &'static str,
    id: i64,
    user_id: String,
    room_id: String,
    sig: String,
    status: &'static str,
    pic: String,
    title: String,
    text: String,
    reward_label: &'static str,
    reward_name: String,
    reward_description: String,
    count: i64,
    participants_label: &'static str,
    button_text: String,
    winners_label: &'static str,
    verify_label: &'static str,
    strings_json: String,
    state_json: String,
}

#[derive(Deserialize, IntoParams)]
pub struct WidgetParams {
    #[serde(rename = "roomId")]
    room_id: Option<String>,
    #[serde(rename = "userId")]
    user_id: Option<String>,
    lang: Option<String>,
    sig: Option<String>,
}

/// The language of the widget's own words.
fn language(g: &ChatGiveaway, lang: Option<&str>, headers: &HeaderMap) -> &'static str {
    if !g.spec.enable_translation {
        return i18n::LANGUAGES[0];
    }
    if let Some(l) = lang.filter(|l| i18n::supported(l)) {
        return i18n::strings(l).lang;
    }
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(i18n::from_accept_language)
        .unwrap_or(i18n::LANGUAGES[0])
}

/// JSON that is safe inside a `<script>` element.
fn script_json(v: &Value) -> String {
    v.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// What the widget's script shows and polls.
fn state(g: &ChatGiveaway, joined: bool, lang: &'static str, now: i64, public_url: &str) -> Value {
    let status = g.status(now);
    let w = winners_view(g, public_url);
    let names: Vec<Value> = w["winners"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|p| p["name"].as_str().map_or_else(|| p["userId"].clone(), |n| json!(n)))
                .collect()
        })
        .unwrap_or_default();
    let announcement = (status == ChatStatus::Finished && g.spec.enable_winners_announcement).then(|| {
        let plain: Vec<String> = names.iter().filter_map(|n| n.as_str().map(str::to_owned)).collect();
        i18n::announcements(&g.spec.title, &plain)
            .get(lang)
            .cloned()
            .unwrap_or(Value::Null)
    });
    json!({
        "status": status.as_str(),
        "participantsCount": g.row.participants_count,
        "startsAt": g.row.start_at,
        "endsAt": g.row.end_at,
        "now": now,
        "joined": joined,
        "winners": names,
        "verifyUrl": w["verification"]["verify_url"],
        "announcement": announcement,
    })
}

fn id_of(raw: &str) -> Result<i64, EngineError> {
    raw.parse::<i64>()
        .ok()
        .filter(|i| *i > 0)
        .ok_or(EngineError::NotFound("Giveaway"))
}

#[utoipa::path(get, path = "/external/widget/{id}", tag = "External chat giveaways",
    summary = "The chat widget (HTML, for an iframe)", params(("id" = i64, Path), WidgetParams),
    responses((status = 200, description = "The page", content_type = "text/html"), (status = 404, body = Object)))]
pub async fn page(
    State(state_): State<AppState>,
    Path(id): Path<String>,
    Query(p): Query<WidgetParams>,
    headers: HeaderMap,
) -> ExtResult {
    let id = id_of(&id)?;
    let user = p.user_id.clone().unwrap_or_default();
    let sig = p.sig.clone().unwrap_or_default();
    let signed = (!user.is_empty()).then_some((user.as_str(), sig.as_str()));
    let (g, joined) = state_.engine.widget_view(id, signed).await?;
    let lang = language(&g, p.lang.as_deref(), &headers);
    let s = i18n::strings(lang);
    let now = state_.engine.now_ms();
    let page = Page {
        lang,
        id,
        user_id: user,
        room_id: p.room_id.unwrap_or_default(),
        sig,
        status: g.status(now).as_str(),
        pic: g.spec.pic.clone().unwrap_or_default(),
        title: g.spec.title.clone(),
        text: g.spec.text.clone().unwrap_or_default(),
        reward_label: s.reward,
        reward_name: g.spec.reward_name.clone().unwrap_or_default(),
        reward_description: g.spec.reward_description.clone().unwrap_or_default(),
        count: g.row.participants_count,
        participants_label: s.participants,
        button_text: g.spec.button_text.clone().unwrap_or_else(|| s.join.to_owned()),
        winners_label: s.winners,
        verify_label: s.verify,
        strings_json: script_json(&serde_json::to_value(s).unwrap_or(Value::Null)),
        state_json: script_json(&state(&g, joined, lang, now, &state_.config.public_url)),
    };
    let html = page
        .render()
        .map_err(|e| EngineError::Internal(format!("rendering the widget: {e}").into()))?;
    Ok((
        [
            // Partners embed it in their chat; nothing here is secret to them.
            (header::CONTENT_SECURITY_POLICY, "default-src 'self'; img-src 'self' https: data:; script-src 'self'; style-src 'self'; frame-ancestors *"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        Html(html),
    )
        .into_response())
}

#[utoipa::path(get, path = "/external/widget/{id}/state", tag = "External chat giveaways",
    summary = "What the widget shows (polled by its script)", params(("id" = i64, Path), WidgetParams),
    responses((status = 200, body = Object), (status = 404, body = Object)))]
pub async fn widget_state(
    State(state_): State<AppState>,
    Path(id): Path<String>,
    Query(p): Query<WidgetParams>,
    headers: HeaderMap,
) -> ExtResult {
    let id = id_of(&id)?;
    let (user, sig) = (p.user_id.unwrap_or_default(), p.sig.unwrap_or_default());
    let signed = (!user.is_empty()).then_some((user.as_str(), sig.as_str()));
    let (g, joined) = state_.engine.widget_view(id, signed).await?;
    let lang = language(&g, p.lang.as_deref(), &headers);
    let now = state_.engine.now_ms();
    Ok(ok(state(&g, joined, lang, now, &state_.config.public_url)))
}

#[derive(Deserialize)]
struct JoinBody {
    #[serde(rename = "userId")]
    user_id: Option<String>,
    #[serde(rename = "roomId")]
    room_id: Option<String>,
    sig: Option<String>,
    /// The widget's language: a refusal is worded in it.
    lang: Option<String>,
}

#[utoipa::path(post, path = "/external/widget/{id}/join", tag = "External chat giveaways",
    summary = "Join from the widget ({userId, roomId, sig, lang})", params(("id" = i64, Path)),
    request_body(content = Object, content_type = "application/json"),
    responses((status = 201, body = Object), (status = 200, body = Object), (status = 403, body = Object)))]
pub async fn join(State(state_): State<AppState>, Path(id): Path<String>, body: axum::body::Bytes) -> ExtResult {
    let id = id_of(&id)?;
    if let Some(refused) = super::response::nul_in_json(&body) {
        return Ok(refused);
    }
    let Ok(b) = serde_json::from_slice::<JoinBody>(&body) else {
        return Ok(bad_request(vec![
            "the body must be a JSON object with userId, roomId and sig".to_owned(),
        ]));
    };
    let user = b.user_id.unwrap_or_default();
    let room = b.room_id.filter(|r| !r.is_empty());
    let lang = b.lang.unwrap_or_default();
    // A refusal is for the person in the chat: in the widget's language, with the rule's name
    // for the partner's developers.
    let refused = |message: String, rule: &str| {
        let body = json!({ "statusCode": 403, "error": "Forbidden", "message": message, "rule": rule });
        (StatusCode::FORBIDDEN, axum::Json(body)).into_response()
    };
    let (joined, count) = match state_
        .engine
        .widget_join_signed(id, &user, room, &b.sig.unwrap_or_default())
        .await
    {
        Ok(done) => done,
        Err(JoinError::Refused(r)) => return Ok(refused(i18n::refusal(&lang, &r), r.rule())),
        Err(JoinError::BadSignature) => return Ok(refused(i18n::bad_link(&lang).to_owned(), "sig")),
        Err(JoinError::Engine(e)) => return Err(e.into()),
    };
    let body = json!({ "joined": true, "new": joined.new, "participantsCount": count });
    Ok(if joined.new { created(body) } else { ok(body) })
}

pub async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        SCRIPT,
    )
        .into_response()
}

pub async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        STYLE,
    )
        .into_response()
}
