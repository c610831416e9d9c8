//! What a client may set on a giveaway, and the validation that turns it into a definition.

use super::rules::{RulesConfig, RulesPatch};
use super::schedule::{self, DEFAULT_TIME_ZONE};
use super::settings::{Settings, SettingsPatch};
use crate::validation::{FieldErrors, is_https_url, max_len, text};
use serde::Deserialize;

pub const COMPETITION_TYPES: [&str; 4] = ["standard", "photo_contest", "video_contest", "instant_win"];
pub const MAX_WINNERS: u32 = 10_000;
const MAX_LONG_TEXT: usize = 65_535;

/// The body of a create or update request. Every field is optional here; creation checks the
/// required ones. Unknown fields are ignored.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct GiveawayInput {
    pub title: Option<String>,
    pub description: Option<String>,
    pub rules: Option<String>,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    pub time_zone: Option<String>,
    pub language: Option<String>,
    pub number_of_winners: Option<i64>,
    pub image_url: Option<String>,
    pub is_draft: Option<bool>,
    pub public_or_private: Option<String>,
    pub competition_type: Option<String>,
    pub settings: Option<SettingsPatch>,
    pub rules_config: Option<RulesPatch>,
    // Winners who must claim (crate::claims): stored apart from the spec, taken out with
    // `take_claim` before it is validated.
    pub claim_deadline_hours: Option<i64>,
    pub claim_questions: Option<Vec<crate::claims::ClaimQuestion>>,
    pub claim_notify: Option<String>,
    /// `{"beacon": "drand" | "none"}`; the engine resolves it (see `crate::beacon`).
    pub fairness: Option<crate::beacon::FairnessInput>,
}

impl GiveawayInput {
    /// Takes the claim fields out of the body.
    pub fn take_claim(&mut self) -> crate::claims::ClaimPatch {
        crate::claims::ClaimPatch {
            claim_deadline_hours: self.claim_deadline_hours.take(),
            claim_questions: self.claim_questions.take(),
            claim_notify: self.claim_notify.take(),
        }
    }
}

/// A giveaway's definition: everything a client sets, validated, with the schedule resolved to
/// instants in the giveaway's own zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GiveawaySpec {
    pub title: String,
    pub description: Option<String>,
    pub rules: Option<String>,
    /// `YYYY-MM-DD HH:MM:SS` in `time_zone`, as given.
    pub start_local: String,
    pub end_local: String,
    pub time_zone: String,
    /// The instants the local times name (Unix ms).
    pub start_at: i64,
    pub end_at: i64,
    pub language: String,
    pub number_of_winners: u32,
    pub image_url: Option<String>,
    pub is_draft: bool,
    pub public_or_private: String,
    pub competition_type: String,
    pub settings: Settings,
    pub rules_config: RulesConfig,
}

impl GiveawaySpec {
    /// Validates a creation request. `is_draft` defaults to false, as the reference documents.
    pub fn create(input: GiveawayInput) -> Result<GiveawaySpec, FieldErrors> {
        let mut errors = FieldErrors::new();
        if input.title.is_none() {
            errors.add("title", "Title is required.");
        }
        if input.start_time.is_none() {
            errors.add("start_time", "Start time is required.");
        }
        if input.end_time.is_none() {
            errors.add("end_time", "End time is required.");
        }
        let base = GiveawaySpec {
            title: String::new(),
            description: None,
            rules: None,
            start_local: String::new(),
            end_local: String::new(),
            time_zone: DEFAULT_TIME_ZONE.to_owned(),
            start_at: 0,
            end_at: 0,
            language: "en".to_owned(),
            number_of_winners: 1,
            image_url: None,
            is_draft: false,
            public_or_private: "public".to_owned(),
            competition_type: "standard".to_owned(),
            settings: Settings::default(),
            rules_config: RulesConfig::default(),
        };
        let spec = base.apply_checked(input, &mut errors);
        errors.into_result().map(|()| spec)
    }

    /// Validates an update: the fields present replace the current ones.
    pub fn update(&self, input: GiveawayInput) -> Result<GiveawaySpec, FieldErrors> {
        let mut errors = FieldErrors::new();
        let spec = self.clone().apply_checked(input, &mut errors);
        errors.into_result().map(|()| spec)
    }

    fn apply_checked(mut self, input: GiveawayInput, errors: &mut FieldErrors) -> GiveawaySpec {
        if let Some(title) = input.title {
            text(errors, "title", "Title", &title, 255);
            self.title = title.trim().to_owned();
        }
        if let Some(d) = input.description {
            max_len(errors, "description", "Description", Some(&d), MAX_LONG_TEXT);
            self.description = Some(d);
        }
        if let Some(r) = input.rules {
            max_len(errors, "rules", "Rules", Some(&r), MAX_LONG_TEXT);
            self.rules = Some(r);
        }
        if let Some(tz) = input.time_zone {
            if schedule::time_zone(tz.trim()).is_err() {
                errors.add(
                    "time_zone",
                    format!("Unknown time zone {:?}: use an IANA name such as America/New_York.", tz),
                );
            }
            self.time_zone = tz.trim().to_owned();
        }
        if let Some(s) = input.start_time {
            self.start_local = s.trim().to_owned();
        }
        if let Some(s) = input.end_time {
            self.end_local = s.trim().to_owned();
        }
        if let Some(lang) = input.language {
            let ok = (2..=10).contains(&lang.len())
                && lang.bytes().all(|b| b.is_ascii_alphabetic() || b == b'-' || b == b'_');
            if !ok {
                errors.add("language", "Must be a language code such as en or pt-BR.");
            }
            self.language = lang;
        }
        if let Some(n) = input.number_of_winners {
            match u32::try_from(n) {
                Ok(n) if (1..=MAX_WINNERS).contains(&n) => self.number_of_winners = n,
                _ => errors.add("number_of_winners", format!("Must be between 1 and {MAX_WINNERS}.")),
            }
        }
        if let Some(url) = input.image_url {
            if url.is_empty() {
                self.image_url = None;
            } else {
                if !is_https_url(&url) {
                    errors.add("image_url", "Must be an https:// URL.");
                }
                self.image_url = Some(url);
            }
        }
        if let Some(d) = input.is_draft {
            self.is_draft = d;
        }
        if let Some(p) = input.public_or_private {
            match p.as_str() {
                "public" | "private" => self.public_or_private = p,
                _ => errors.add("public_or_private", "Must be \"public\" or \"private\"."),
            }
        }
        if let Some(c) = input.competition_type {
            if COMPETITION_TYPES.contains(&c.as_str()) {
                self.competition_type = c;
            } else {
                errors.add(
                    "competition_type",
                    format!("Must be one of: {}.", COMPETITION_TYPES.join(", ")),
                );
            }
        }
        if let Some(p) = input.settings {
            self.settings.apply(p, errors);
        }
        if let Some(p) = input.rules_config {
            self.rules_config.apply(p, "rules_config.", errors);
        }
        self.resolve_schedule(errors);
        self
    }

    /// Computes the instants from the local times and the zone, and checks their order.
    fn resolve_schedule(&mut self, errors: &mut FieldErrors) {
        let Ok(tz) = schedule::time_zone(&self.time_zone) else {
            return;
        };
        let start =
            (!self.start_local.is_empty()).then(|| resolve(&self.start_local, &tz, "start_time", "Start time", errors));
        let end = (!self.end_local.is_empty()).then(|| resolve(&self.end_local, &tz, "end_time", "End time", errors));
        if let (Some(Some(start)), Some(Some(end))) = (start, end) {
            if end <= start {
                errors.add("end_time", "End time must be after start time.");
            }
            self.start_at = start;
            self.end_at = end;
        }
    }
}

fn resolve(text: &str, tz: &jiff::tz::TimeZone, field: &str, label: &str, errors: &mut FieldErrors) -> Option<i64> {
    let local = match schedule::parse_local(text) {
        Ok(l) => l,
        Err(why) => {
            errors.add(field, format!("{label} {why}."));
            return None;
        }
    };
    match schedule::to_instant(local, tz) {
        Ok(ms) => Some(ms),
        Err(why) => {
            errors.add(field, format!("{label} {why}."));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(v: serde_json::Value) -> GiveawayInput {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn the_reference_example_is_valid() {
        let spec = GiveawaySpec::create(input(serde_json::json!({
            "title": "Holiday Giveaway 2026",
            "start_time": "2026-12-01 00:00:00",
            "end_time": "2026-12-25 23:59:59",
            "description": "Enter to win holiday prizes!",
            "number_of_winners": 5,
            "is_draft": true,
            "rules_config": { "security_level": 2, "block_vpns": true, "countries_allowed": ["US", "CA", "GB"] }
        })))
        .unwrap();
        assert_eq!(spec.time_zone, "America/New_York");
        assert!(spec.is_draft && spec.end_at > spec.start_at);
        assert_eq!(spec.rules_config.countries_allowed, ["US", "CA", "GB"]);
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let e = GiveawaySpec::create(input(serde_json::json!({
            "title": "x".repeat(256),
            "start_time": "2026-12-01",
            "end_time": "2026-12-25 23:59:59",
            "time_zone": "Nowhere/Land",
            "number_of_winners": 0,
            "image_url": "http://insecure.example/a.png",
            "rules_config": { "security_level": 9 }
        })))
        .unwrap_err();
        let fields: Vec<&str> = e.iter().map(|(f, _)| f).collect();
        assert_eq!(
            fields,
            [
                "image_url",
                "number_of_winners",
                "rules_config.security_level",
                "time_zone",
                "title"
            ]
        );
        let e = GiveawaySpec::create(input(serde_json::json!({}))).unwrap_err();
        assert_eq!(e.iter().count(), 3);
        let e = GiveawaySpec::create(input(serde_json::json!({
            "title": "t", "start_time": "2026-12-02 00:00:00", "end_time": "2026-12-01 00:00:00"
        })))
        .unwrap_err();
        assert_eq!(
            e.iter().next().unwrap(),
            ("end_time", "End time must be after start time.")
        );
    }

    #[test]
    fn update_keeps_what_is_not_sent_and_rechecks_order() {
        let spec = GiveawaySpec::create(input(serde_json::json!({
            "title": "t", "start_time": "2026-12-01 00:00:00", "end_time": "2026-12-02 00:00:00"
        })))
        .unwrap();
        let changed = spec
            .update(input(serde_json::json!({ "title": "u", "time_zone": "Asia/Tokyo" })))
            .unwrap();
        assert_eq!(changed.title, "u");
        assert_eq!(changed.start_local, spec.start_local);
        // Same wall-clock time, 14 hours earlier in Tokyo than in New York (EST).
        assert_eq!(spec.start_at - changed.start_at, 14 * 3_600_000);
        assert!(
            spec.update(input(serde_json::json!({ "end_time": "2026-11-30 00:00:00" })))
                .is_err()
        );
    }
}
