//! The page as its template sees it: every value a person reads, already in the page's
//! language, with what a visitor typed and why it was refused when the page is shown again
//! after a refusal. Askama escapes each value where it is written.

use super::csp::CaptchaAssets;
use super::gallery::{GalleryStrings, PhotoView, photo_views};
use super::i18n::{Strings, with_n};
use crate::engine::public_entries::page::{PageEntrant, PublicPage};
use askama::Template;
use fairdraw_core::entry_methods::{REFER_A_FRIEND, UPLOAD_A_PHOTO, USER_DETAILS, catalog};
use fairdraw_core::giveaway::Status;
use fairdraw_core::time::format_utc;

/// What a visitor typed into the entry form, kept across a refusal.
#[derive(Clone, Debug, Default)]
pub struct FormValues {
    pub name: String,
    pub email: String,
    pub birthday: String,
    pub country: String,
    pub consent: bool,
    pub referral_code: String,
}

/// Messages next to the entry form's fields.
#[derive(Clone, Debug, Default)]
pub struct FieldMessages {
    pub name: Option<String>,
    pub email: Option<String>,
    pub birthday: Option<String>,
    pub country: Option<String>,
    pub consent: Option<String>,
    pub captcha: Option<String>,
}

impl FieldMessages {
    pub fn any(&self) -> bool {
        self.name.is_some()
            || self.email.is_some()
            || self.birthday.is_some()
            || self.country.is_some()
            || self.consent.is_some()
            || self.captcha.is_some()
    }
}

/// What happened on the previous request, if anything.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    pub values: FormValues,
    pub fields: FieldMessages,
    /// A refusal that belongs to no single field.
    pub form_error: Option<String>,
    /// A refused entry method: its id, the message, and the value typed for it.
    pub method_error: Option<(i64, String, String)>,
    /// A confirmation to show (after a successful post).
    pub notice: Option<String>,
    /// A refused vote: the photo's entry id and the message.
    pub gallery_error: Option<(i64, String)>,
}

pub enum MethodState {
    /// The visitor has not entered yet.
    Locked,
    Open,
    Done,
    DoneToday,
}

pub struct MethodView {
    pub id: i64,
    pub title: String,
    pub amount: i64,
    pub required: bool,
    pub daily: bool,
    pub link: Option<String>,
    pub instructions: Option<String>,
    /// The method takes an answer (a question, a secret code).
    pub asks_value: bool,
    /// The method takes a photo and a caption ("Upload a Photo").
    pub takes_photo: bool,
    pub state: MethodState,
    pub error: Option<String>,
    pub value: String,
}

pub struct PrizeView {
    pub name: String,
    pub value: Option<String>,
    pub quantity: i64,
}

pub struct RewardView {
    pub title: String,
    pub needed: String,
    pub unlocked: bool,
    /// 0–100, when the entrant's progress is shown.
    pub percent: Option<i64>,
}

pub struct LeaderView {
    pub name: String,
    pub entries: i64,
}

pub struct WinnerView {
    pub name: String,
    pub prize: Option<String>,
    pub verify_url: Option<String>,
}

pub struct ShareLink {
    pub label: &'static str,
    pub url: String,
}

pub struct CaptchaView {
    pub script: &'static str,
    pub class: &'static str,
    pub site_key: String,
}

#[derive(Template)]
#[template(path = "hosted/page.html", whitespace = "minimize")]
pub struct PageTemplate {
    pub t: &'static Strings,
    pub key: String,
    pub giveaway_id: i64,
    pub action: String,
    pub title: String,
    pub description: Vec<String>,
    pub rules: Vec<String>,
    pub rules_open: bool,
    pub banner: Option<String>,
    pub design_css: String,
    pub status_class: &'static str,
    pub status_label: &'static str,
    pub is_live: bool,
    pub closed_message: Option<&'static str>,
    pub start_ms: i64,
    pub end_ms: i64,
    pub start_text: String,
    pub end_text: String,
    pub total_entries: i64,
    pub entrant: Option<EntrantView>,
    pub outcome: Outcome,
    pub ask_birthday: bool,
    pub countries: Vec<String>,
    pub captcha: Option<CaptchaView>,
    pub methods: Vec<MethodView>,
    pub prizes: Vec<PrizeView>,
    pub rewards: Vec<RewardView>,
    pub leaders: Vec<LeaderView>,
    pub winners: Vec<WinnerView>,
    pub commitment: Option<String>,
    /// The public randomness the draw will mix in, when the giveaway named a drand round.
    pub beacon: Option<String>,
    pub cookie_notice: bool,
    /// Photo contests: the gallery's strings, its approved photos and where its forms post.
    pub gs: &'static GalleryStrings,
    pub gallery: Vec<PhotoView>,
    pub has_gallery: bool,
    pub photo_action: String,
    pub vote_action: String,
    pub photo_hint: String,
}

pub struct EntrantView {
    pub greeting: String,
    pub total_entries: i64,
    pub pending_verification: bool,
    pub blocked: bool,
    pub referral_link: Option<String>,
    pub referral_text: String,
    pub share: Vec<ShareLink>,
}

#[derive(Template)]
#[template(path = "hosted/not_found.html", whitespace = "minimize")]
pub struct NotFoundTemplate {
    pub t: &'static Strings,
    pub title: &'static str,
    pub text: &'static str,
}

/// Everything the page needs besides the engine's answer.
pub struct Context<'a> {
    pub public_url: &'a str,
    /// The largest photo upload, in bytes.
    pub photo_max_bytes: usize,
    pub t: &'static Strings,
    pub captcha: Option<(CaptchaAssets, String)>,
}

/// "Ana Souza" → "Ana S.": leaderboards and winner lists never show whole names (nor a word
/// that looks like an e-mail address).
pub fn short_name(name: &str) -> String {
    fairdraw_core::names::short_name(name).unwrap_or_else(|| "—".to_owned())
}

/// Paragraphs of owner-written text, split on blank lines; each is escaped as it is written.
fn paragraphs(text: Option<&str>) -> Vec<String> {
    text.unwrap_or("")
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A link a person may follow: http(s) only, never `javascript:` or the like.
fn safe_link(link: Option<&str>) -> Option<String> {
    let l = link?.trim();
    (l.starts_with("https://") || l.starts_with("http://")).then(|| l.to_owned())
}

/// "2026-12-25 23:59:59" → "2026-12-25 23:59".
fn local_text(local: &str, tz: &str) -> String {
    let trimmed = local.get(..16).unwrap_or(local);
    format!("{trimmed} ({tz})")
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl PageTemplate {
    pub fn build(
        page: &PublicPage,
        ctx: &Context<'_>,
        design_css: String,
        banner: Option<String>,
        outcome: Outcome,
    ) -> PageTemplate {
        let t = ctx.t;
        let g = &page.config.giveaway;
        let row = &g.row;
        let key = g.public_key();
        let has_winners = !page.extras.winners.is_empty();
        let (status_class, status_label, closed_message) = match page.status {
            Status::Scheduled => ("upcoming", t.status_upcoming, Some(t.not_started)),
            Status::Live => ("live", t.status_live, None),
            _ if has_winners => ("winners", t.status_winners, Some(t.has_ended)),
            _ => ("ended", t.status_ended, Some(t.has_ended)),
        };
        let entrant = page.entrant.as_ref();
        let methods = method_views(page, entrant, &outcome);
        let referral_amount = page
            .config
            .methods
            .iter()
            .find(|m| m.method_type == REFER_A_FRIEND)
            .map(|m| m.amount);
        let view_url = format!("{}/view/{key}", ctx.public_url);
        let entrant_view = entrant.map(|e| {
            let link = referral_amount.map(|_| format!("{view_url}?ref={}", e.referral_code));
            let share = link
                .as_deref()
                .map(|l| {
                    let u = percent_encode(l);
                    let text = percent_encode(&row.title);
                    vec![
                        ShareLink {
                            label: "X",
                            url: format!("https://twitter.com/intent/tweet?url={u}&text={text}"),
                        },
                        ShareLink {
                            label: "Facebook",
                            url: format!("https://www.facebook.com/sharer/sharer.php?u={u}"),
                        },
                        ShareLink {
                            label: "WhatsApp",
                            url: format!("https://wa.me/?text={text}%20{u}"),
                        },
                        ShareLink {
                            label: "E-mail",
                            url: format!("mailto:?subject={text}&body={u}"),
                        },
                    ]
                })
                .unwrap_or_default();
            EntrantView {
                greeting: t
                    .welcome_back
                    .replace("{name}", e.name.split_whitespace().next().unwrap_or("")),
                total_entries: e.total_entries,
                pending_verification: !e.is_verified,
                blocked: e.status != "active",
                referral_link: link,
                referral_text: with_n(t.refer_text, referral_amount.unwrap_or(0)),
                share,
            }
        });
        let prizes = page
            .extras
            .prizes
            .iter()
            .map(|p| PrizeView {
                name: p.name.clone(),
                value: p
                    .value
                    .clone()
                    .filter(|v| !v.trim().is_empty())
                    .map(|v| format!("{v} {}", p.currency)),
                quantity: p.winners_allowed,
            })
            .collect();
        let total = entrant.map(|e| e.total_entries);
        let rewards = page
            .extras
            .rewards
            .iter()
            .map(|r| RewardView {
                title: r.title.clone(),
                needed: with_n(t.entries_needed, r.entries_required),
                unlocked: total.is_some_and(|n| n >= r.entries_required),
                percent: total
                    .filter(|_| !r.hide_progress && r.entries_required > 0)
                    .map(|n| (n * 100 / r.entries_required).clamp(0, 100)),
            })
            .collect();
        let leaders = page
            .extras
            .leaders
            .iter()
            .map(|l| LeaderView {
                name: short_name(&l.name),
                entries: l.total_entries,
            })
            .collect();
        let winners = page
            .extras
            .winners
            .iter()
            .map(|w| WinnerView {
                name: short_name(&w.name),
                prize: w.prize_name.clone(),
                verify_url: w.result_hash.as_ref().map(|h| format!("{}/verify/{h}", ctx.public_url)),
            })
            .collect();
        let ask_birthday = g.rules_config.age_limit > 0;
        let countries = g.rules_config.countries_allowed.clone();
        let gs = GalleryStrings::of(t.code);
        let has_gallery = page.config.methods.iter().any(|m| m.method_type == UPLOAD_A_PHOTO);
        let gallery = photo_views(page, gs, &outcome);
        let captcha = match (&ctx.captcha, g.settings.require_captcha) {
            (Some((assets, site_key)), true) => Some(CaptchaView {
                script: assets.script,
                class: assets.class,
                site_key: site_key.clone(),
            }),
            _ => None,
        };
        PageTemplate {
            t,
            action: format!("/view/{key}"),
            key,
            giveaway_id: g.id(),
            title: row.title.clone(),
            description: paragraphs(row.description.as_deref()),
            rules: paragraphs(row.rules.as_deref()),
            rules_open: g.settings.show_rules_expanded,
            banner,
            design_css,
            status_class,
            status_label,
            is_live: page.status == Status::Live,
            closed_message,
            start_ms: row.start_at,
            end_ms: row.end_at,
            start_text: local_text(&row.start_local, &row.time_zone),
            end_text: local_text(&row.end_local, &row.time_zone),
            total_entries: page.total_entries,
            entrant: entrant_view,
            outcome,
            ask_birthday,
            countries,
            captcha,
            methods,
            prizes,
            rewards,
            leaders,
            winners,
            commitment: row.commitment.clone(),
            beacon: g
                .beacon_round
                .as_ref()
                .map(|named| with_n(t.beacon_text, named.round).replace("{time}", &format_utc(named.due_at_ms()))),
            cookie_notice: g.settings.show_cookies_consent_form,
            gs,
            gallery,
            has_gallery,
            photo_action: format!("/view/{}/photo", g.public_key()),
            vote_action: format!("/view/{}/vote", g.public_key()),
            photo_hint: with_n(gs.photo_hint, ctx.photo_max_bytes.div_ceil(1024 * 1024)),
        }
    }
}

/// The giveaway's entry methods a person completes on the page, required ones first, each in
/// the owner's order. User Details is the form itself and Refer a Friend the referral link.
fn method_views(page: &PublicPage, entrant: Option<&PageEntrant>, outcome: &Outcome) -> Vec<MethodView> {
    let mut methods: Vec<_> = page
        .config
        .methods
        .iter()
        .filter(|m| !matches!(m.method_type, USER_DETAILS | REFER_A_FRIEND))
        .collect();
    methods.sort_by_key(|m| (m.required == 0, m.entry_order, m.id));
    methods
        .into_iter()
        .map(|m| {
            let daily = m.daily != 0;
            let state = match entrant {
                None => MethodState::Locked,
                Some(e) if e.can_complete(m.id, daily) => MethodState::Open,
                Some(e) if daily && e.times(m.id) > 0 => MethodState::DoneToday,
                Some(_) => MethodState::Done,
            };
            let (error, value) = match &outcome.method_error {
                Some((id, message, value)) if *id == m.id => (Some(message.clone()), value.clone()),
                _ => (None, String::new()),
            };
            let name = catalog::find(m.method_type).map_or("", |k| k.name);
            MethodView {
                id: m.id,
                title: m
                    .title
                    .clone()
                    .filter(|s| !s.trim().is_empty())
                    .unwrap_or_else(|| name.to_owned()),
                amount: m.amount,
                required: m.required != 0,
                daily,
                link: safe_link(m.link.as_deref()),
                instructions: m.additional_instructions.clone().filter(|s| !s.trim().is_empty()),
                asks_value: matches!(m.method_type, 3 | 9),
                takes_photo: m.method_type == UPLOAD_A_PHOTO,
                state,
                error,
                value,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_shortened_and_links_are_http_only() {
        assert_eq!(short_name("Ana Maria Souza"), "Ana S.");
        assert_eq!(short_name("Bo"), "Bo");
        assert_eq!(short_name("  "), "—");
        assert_eq!(safe_link(Some("javascript:alert(1)")), None);
        assert_eq!(
            safe_link(Some(" https://x.example/a ")).as_deref(),
            Some("https://x.example/a")
        );
        assert_eq!(percent_encode("a b&c"), "a%20b%26c");
    }
}
