//! `/claim/{token}`: the page a winner claims on, server-rendered and usable without
//! JavaScript. The form posts back to the same address; the answers go through the same engine
//! call as `POST /api/public/claim/{token}`.

use crate::app::AppState;
use crate::engine::EngineError;
use crate::engine::claims::ClaimView;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use fairdraw_core::claims::QuestionKind;
use fairdraw_core::time::format_utc;
use std::collections::BTreeMap;

/// Our stylesheet only; the form posts to this page.
const POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; \
                      frame-ancestors 'none'";

pub fn routes() -> Router<AppState> {
    Router::new().route("/claim/{token}", get(page).post(submit))
}

struct QuestionField {
    id: String,
    label: String,
    kind: &'static str,
    required: bool,
    value: String,
    error: String,
}

#[derive(Template)]
#[template(path = "claim/page.html", whitespace = "minimize")]
struct ClaimTemplate {
    title: String,
    name: String,
    prize: Option<String>,
    status: &'static str,
    deadline: String,
    claimed_at: String,
    questions: Vec<QuestionField>,
    form_error: String,
}

fn template(v: &ClaimView, values: &BTreeMap<String, String>, errors: &BTreeMap<String, String>) -> ClaimTemplate {
    ClaimTemplate {
        title: v.giveaway_title.clone(),
        name: v.name.clone(),
        prize: v.prize_name.clone(),
        status: v.status.as_str(),
        deadline: v.deadline.map(format_utc).unwrap_or_default(),
        claimed_at: v.claimed_at.map(format_utc).unwrap_or_default(),
        questions: v
            .config
            .questions
            .iter()
            .map(|q| QuestionField {
                id: q.id.clone(),
                label: q.label.clone(),
                kind: match q.kind {
                    QuestionKind::Text => "text",
                    QuestionKind::LongText => "long_text",
                    QuestionKind::Checkbox => "checkbox",
                    QuestionKind::Date => "date",
                },
                required: q.required,
                value: values.get(&q.id).cloned().unwrap_or_default(),
                error: errors.get(&format!("answers.{}", q.id)).cloned().unwrap_or_default(),
            })
            .collect(),
        form_error: errors.get("").cloned().unwrap_or_default(),
    }
}

fn html(status: StatusCode, body: String) -> Response {
    let mut r = (status, body).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(POLICY));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // The address is the winner's credential: it must not leak to other sites.
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn render(status: StatusCode, t: ClaimTemplate) -> Response {
    match t.render() {
        Ok(body) => html(status, body),
        Err(e) => failure(&e),
    }
}

fn plain_page(status: StatusCode, heading: &str, text: &str) -> Response {
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"robots\" content=\"noindex\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{heading}</title>\
         <link rel=\"stylesheet\" href=\"/view-assets/page.css\"></head><body><main class=\"fd-page\">\
         <header class=\"fd-top\"><h1 class=\"fd-title\">{heading}</h1></header><section><p>{text}</p></section>\
         </main></body></html>"
    );
    html(status, body)
}

fn failure(e: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %e, "the claim page failed");
    plain_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        "Your claim could not be loaded just now. Please try again in a moment.",
    )
}

fn not_found() -> Response {
    plain_page(
        StatusCode::NOT_FOUND,
        "Claim link not valid",
        "This claim link is not valid. Check that it was copied whole from the e-mail you received.",
    )
}

async fn page(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match state.engine.claim(&token).await {
        Ok(v) => render(StatusCode::OK, template(&v, &BTreeMap::new(), &BTreeMap::new())),
        Err(EngineError::NotFound(_)) => not_found(),
        Err(e) => failure(&e),
    }
}

async fn submit(State(state): State<AppState>, Path(token): Path<String>, body: Bytes) -> Response {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let answers: BTreeMap<String, String> = pairs
        .into_iter()
        .filter_map(|(k, v)| k.strip_prefix("q_").map(|id| (id.to_owned(), v)))
        .collect();
    match state.engine.submit_claim(&token, &answers).await {
        // Shown as the page now stands: claimed.
        Ok(v) => render(StatusCode::OK, template(&v, &BTreeMap::new(), &BTreeMap::new())),
        Err(EngineError::NotFound(_)) => not_found(),
        Err(EngineError::Validation(errors)) => match state.engine.claim(&token).await {
            Ok(v) => {
                let errors = errors.iter().map(|(f, m)| (f.to_owned(), m.to_owned())).collect();
                let mut t = template(&v, &answers, &errors);
                t.form_error = "Some answers need your attention.".to_owned();
                render(StatusCode::UNPROCESSABLE_ENTITY, t)
            }
            Err(e) => failure(&e),
        },
        // Claimed, expired or withdrawn meanwhile: the page says which.
        Err(EngineError::Conflict(_)) => match state.engine.claim(&token).await {
            Ok(v) => render(StatusCode::CONFLICT, template(&v, &BTreeMap::new(), &BTreeMap::new())),
            Err(e) => failure(&e),
        },
        Err(e) => failure(&e),
    }
}
