//! The page's two form posts, read into the public entry endpoint's own inputs, and their
//! refusals turned into readable messages in the page's language, each next to the field it is
//! about. Also the cross-site check that makes the posts CSRF-safe.

use super::i18n::{Strings, with_n};
use super::view::{FieldMessages, FormValues, Outcome};
use crate::engine::EngineError;
use crate::engine::public_entries::{ActionInput, EntryInput, PublicError, Rule};
use axum::http::{HeaderMap, StatusCode, header};
use fairdraw_core::giveaway::RulesConfig;
use serde::Deserialize;

/// The body of a post to `/view/{key}`: `do=enter` with the entry form's fields, or
/// `do=action` with an entry method. Captcha widgets add their token under their own name.
#[derive(Debug, Default, Deserialize)]
pub struct PageForm {
    #[serde(rename = "do")]
    pub what: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub birthday: Option<String>,
    pub country: Option<String>,
    pub consent: Option<String>,
    pub referral_code: Option<String>,
    #[serde(rename = "h-captcha-response")]
    pub hcaptcha: Option<String>,
    #[serde(rename = "cf-turnstile-response")]
    pub turnstile: Option<String>,
    #[serde(rename = "g-recaptcha-response")]
    pub recaptcha: Option<String>,
    pub entry_method_id: Option<String>,
    pub value: Option<String>,
}

impl PageForm {
    pub fn values(&self) -> FormValues {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        FormValues {
            name: s(&self.name),
            email: s(&self.email),
            birthday: s(&self.birthday),
            country: s(&self.country),
            consent: self.consented(),
            referral_code: s(&self.referral_code),
        }
    }

    fn consented(&self) -> bool {
        matches!(self.consent.as_deref(), Some("true" | "on" | "1" | "yes"))
    }

    pub fn entry_input(&self) -> EntryInput {
        EntryInput {
            name: self.name.clone(),
            email: self.email.clone(),
            birthday: self.birthday.clone(),
            country: self.country.clone().filter(|c| !c.trim().is_empty()),
            consent: Some(self.consented()),
            captcha_token: self
                .hcaptcha
                .clone()
                .or_else(|| self.turnstile.clone())
                .or_else(|| self.recaptcha.clone()),
            referral_code: self.referral_code.clone(),
        }
    }

    pub fn method_id(&self) -> Option<i64> {
        self.entry_method_id.as_deref()?.trim().parse().ok()
    }

    pub fn action_input(&self, token: String) -> ActionInput {
        ActionInput {
            participant_token: Some(token),
            entry_method_id: self.method_id(),
            value: self.value.clone(),
        }
    }
}

/// Whether a post comes from a page of this server. Browsers say where a request comes from
/// (`Sec-Fetch-Site`, else `Origin`); a post from another site is refused, so no other site can
/// make a visitor's browser complete entry methods with their cookie. Clients that send neither
/// header are not browsers and hold no visitor's cookie.
pub fn same_origin(headers: &HeaderMap, public_url: &str) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    let authority = origin.split_once("://").map_or("", |(_, a)| a);
    (!host.is_empty() && authority.eq_ignore_ascii_case(host))
        || public_url.trim_end_matches('/').eq_ignore_ascii_case(origin)
}

/// The page's wording of a rule's refusal.
fn rule_message(t: &Strings, rule: Rule, rules: &RulesConfig) -> String {
    let s = match rule {
        Rule::GiveawayLive => t.rule_live,
        Rule::Country => t.rule_country,
        Rule::AgeLimit if rules.age_limit_type == "maximum" => return with_n(t.rule_age_max, rules.age_limit),
        Rule::AgeLimit => return with_n(t.rule_age_min, rules.age_limit),
        Rule::DuplicateIp => t.rule_duplicate_ip,
        Rule::Vpn => t.rule_vpn,
        Rule::EmailDomain => t.rule_email_domain,
        Rule::Whitelist => t.rule_whitelist,
        Rule::Blacklist => t.rule_blacklist,
        Rule::MaxEntriesPerUser => t.rule_max_entries,
        Rule::MaxParticipants => t.rule_max_participants,
        Rule::Captcha => t.rule_captcha,
        Rule::RateLimit => return with_n(t.rule_rate_limit, 60),
        Rule::Banned | Rule::Disqualified => t.rule_banned,
        Rule::RequiredMethods => t.rule_required,
        Rule::Daily => t.rule_daily,
        Rule::Once => t.rule_once,
    };
    s.to_owned()
}

/// How a refusal is shown: its status code and where its message goes.
pub enum Shown {
    /// Next to one or more fields of the entry form.
    Fields(FieldMessages),
    /// Above the form.
    Form(String),
    /// The giveaway is not there for the public: the 404 page.
    NotFound,
    /// Something failed inside: logged, and a general message shown.
    Internal,
}

/// A refused entry, for the page.
pub fn entry_refusal(t: &Strings, rules: &RulesConfig, e: PublicError) -> (StatusCode, Shown) {
    match e {
        PublicError::Engine(EngineError::Validation(fields)) => {
            let mut shown = FieldMessages::default();
            let mut other = false;
            for (field, _) in fields.iter() {
                let slot = match field {
                    "name" => &mut shown.name,
                    "email" => &mut shown.email,
                    "birthday" => &mut shown.birthday,
                    "country" => &mut shown.country,
                    "consent" => &mut shown.consent,
                    _ => {
                        other = true;
                        continue;
                    }
                };
                *slot = Some(
                    match field {
                        "name" => t.err_name,
                        "email" => t.err_email,
                        "birthday" => t.err_birthday,
                        "country" => t.err_country,
                        _ => t.err_consent,
                    }
                    .to_owned(),
                );
            }
            if other && !shown.any() {
                return (StatusCode::UNPROCESSABLE_ENTITY, Shown::Form(t.server_error.to_owned()));
            }
            (StatusCode::UNPROCESSABLE_ENTITY, Shown::Fields(shown))
        }
        PublicError::Refused { rule, .. } => {
            let message = rule_message(t, rule, rules);
            let mut shown = FieldMessages::default();
            let slot = match rule {
                Rule::Country if !rules.countries_allowed.is_empty() => Some(&mut shown.country),
                Rule::AgeLimit => Some(&mut shown.birthday),
                Rule::EmailDomain | Rule::Whitelist | Rule::Blacklist => Some(&mut shown.email),
                Rule::Captcha => Some(&mut shown.captcha),
                _ => None,
            };
            let status = refusal_status(rule);
            match slot {
                Some(slot) => {
                    *slot = Some(message);
                    (status, Shown::Fields(shown))
                }
                None => (status, Shown::Form(message)),
            }
        }
        other => general(t, other),
    }
}

fn refusal_status(rule: Rule) -> StatusCode {
    match rule {
        Rule::Daily | Rule::Once => StatusCode::CONFLICT,
        _ => StatusCode::FORBIDDEN,
    }
}

/// A refused entry method, for the page: the message goes next to the method.
pub fn action_refusal(t: &Strings, rules: &RulesConfig, e: PublicError) -> (StatusCode, Shown) {
    match e {
        PublicError::Refused { rule, .. } => (refusal_status(rule), Shown::Form(rule_message(t, rule, rules))),
        PublicError::Engine(EngineError::Validation(_)) => {
            (StatusCode::UNPROCESSABLE_ENTITY, Shown::Form(t.err_value.to_owned()))
        }
        PublicError::Engine(EngineError::Unauthorized(_)) => {
            (StatusCode::UNAUTHORIZED, Shown::Form(t.enter_again.to_owned()))
        }
        PublicError::Engine(EngineError::NotFound("Entry method")) => {
            (StatusCode::NOT_FOUND, Shown::Form(t.err_value.to_owned()))
        }
        other => general(t, other),
    }
}

fn general(t: &Strings, e: PublicError) -> (StatusCode, Shown) {
    match e {
        PublicError::RateLimited { retry_after } => (
            StatusCode::TOO_MANY_REQUESTS,
            Shown::Form(with_n(t.rule_rate_limit, retry_after)),
        ),
        PublicError::CaptchaUnavailable(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Shown::Form(t.captcha_unavailable.to_owned()),
        ),
        PublicError::Engine(EngineError::NotFound(_)) => (StatusCode::NOT_FOUND, Shown::NotFound),
        PublicError::Engine(EngineError::BadRequest(_)) => {
            (StatusCode::BAD_REQUEST, Shown::Form(t.server_error.to_owned()))
        }
        PublicError::Engine(e @ EngineError::Internal(_)) => {
            tracing::error!(error = %e, "a page post failed");
            (StatusCode::INTERNAL_SERVER_ERROR, Shown::Internal)
        }
        PublicError::Engine(e) => (StatusCode::FORBIDDEN, Shown::Form(e.to_string())),
        PublicError::Refused { .. } => (StatusCode::FORBIDDEN, Shown::Form(t.server_error.to_owned())),
    }
}

/// Places a refusal in the outcome the page is shown again with.
pub fn place(outcome: &mut Outcome, shown: Shown, method: Option<(i64, String)>) {
    match (shown, method) {
        (Shown::Fields(f), _) => outcome.fields = f,
        (Shown::Form(m), Some((id, value))) => outcome.method_error = Some((id, m, value)),
        (Shown::Form(m), None) => outcome.form_error = Some(m),
        (Shown::NotFound | Shown::Internal, _) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn only_posts_from_this_site_pass() {
        let mut h = HeaderMap::new();
        assert!(
            same_origin(&h, "https://fd.example"),
            "no browser headers: not a browser"
        );
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        h.insert(header::ORIGIN, HeaderValue::from_static("http://127.0.0.1:8080"));
        assert!(same_origin(&h, "https://fd.example"));
        h.insert(header::ORIGIN, HeaderValue::from_static("https://evil.example"));
        assert!(!same_origin(&h, "https://fd.example"));
        h.insert(header::ORIGIN, HeaderValue::from_static("https://fd.example"));
        assert!(same_origin(&h, "https://fd.example/"));
        h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(!same_origin(&h, "https://fd.example"));
        h.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        assert!(same_origin(&h, "https://fd.example"));
    }
}
