//! Security and eligibility rules (`rules_config` in the API).

use crate::validation::FieldErrors;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RulesConfig {
    /// 0 = no age limit.
    pub age_limit: u32,
    /// "minimum" or "maximum".
    pub age_limit_type: String,
    /// ISO 3166-1 alpha-2 codes; empty = worldwide.
    pub countries_allowed: Vec<String>,
    /// 0 = unlimited.
    pub max_entries_per_user: u32,
    /// 0 = unlimited.
    pub max_total_participants: u32,
    pub check_for_duplicate_ip: bool,
    /// 1 (basic), 2 (standard), 3 (strict).
    pub security_level: u8,
    pub block_vpns: bool,
    pub block_high_risk_email_tld: bool,
    pub require_email_verification: bool,
    pub social_login_required: bool,
}

impl Default for RulesConfig {
    fn default() -> Self {
        RulesConfig {
            age_limit: 0,
            age_limit_type: "minimum".to_owned(),
            countries_allowed: Vec::new(),
            max_entries_per_user: 0,
            max_total_participants: 0,
            check_for_duplicate_ip: false,
            security_level: 1,
            block_vpns: false,
            block_high_risk_email_tld: false,
            require_email_verification: false,
            social_login_required: false,
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct RulesPatch {
    pub age_limit: Option<i64>,
    pub age_limit_type: Option<String>,
    pub countries_allowed: Option<Vec<String>>,
    /// `true` clears `countries_allowed`.
    pub allowed_world_wide: Option<bool>,
    pub max_entries_per_user: Option<i64>,
    pub max_total_participants: Option<i64>,
    pub check_for_duplicate_ip: Option<bool>,
    pub security_level: Option<i64>,
    pub block_vpns: Option<bool>,
    pub block_high_risk_email_tld: Option<bool>,
    pub require_email_verification: Option<bool>,
    pub social_login_required: Option<bool>,
}

/// Whether `code` is an assigned ISO 3166-1 alpha-2 country code (upper case).
pub fn is_country_code(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()) && isocountry::CountryCode::for_alpha2(code).is_ok()
}

impl RulesConfig {
    pub fn allowed_world_wide(&self) -> bool {
        self.countries_allowed.is_empty()
    }

    /// Applies a patch; problems go to `errors` under `<prefix><field>` (prefix `rules_config.`
    /// when nested in a giveaway body, empty for the rules endpoint).
    pub fn apply(&mut self, p: RulesPatch, prefix: &str, errors: &mut FieldErrors) {
        let mut bad = |field: &str, msg: &str| errors.add(format!("{prefix}{field}"), msg);
        if let Some(n) = p.age_limit {
            match u32::try_from(n) {
                Ok(n) if n <= 150 => self.age_limit = n,
                _ => bad("age_limit", "Must be between 0 and 150."),
            }
        }
        if let Some(t) = p.age_limit_type {
            match t.as_str() {
                "minimum" | "maximum" => self.age_limit_type = t,
                _ => bad("age_limit_type", "Must be \"minimum\" or \"maximum\"."),
            }
        }
        if p.allowed_world_wide == Some(true) {
            self.countries_allowed.clear();
        }
        if let Some(list) = p.countries_allowed {
            let codes: Vec<String> = list.iter().map(|c| c.trim().to_ascii_uppercase()).collect();
            let invalid: Vec<&str> = codes
                .iter()
                .filter(|c| !is_country_code(c))
                .map(String::as_str)
                .collect();
            if invalid.is_empty() {
                let mut seen = std::collections::HashSet::new();
                self.countries_allowed = codes.into_iter().filter(|c| seen.insert(c.clone())).collect();
            } else {
                bad(
                    "countries_allowed",
                    &format!("Not ISO 3166-1 alpha-2 country codes: {}.", invalid.join(", ")),
                );
            }
        }
        for (field, value, slot) in [
            (
                "max_entries_per_user",
                p.max_entries_per_user,
                &mut self.max_entries_per_user,
            ),
            (
                "max_total_participants",
                p.max_total_participants,
                &mut self.max_total_participants,
            ),
        ] {
            if let Some(n) = value {
                match u32::try_from(n) {
                    Ok(n) => *slot = n,
                    Err(_) => bad(field, "Must be 0 (unlimited) or a positive whole number."),
                }
            }
        }
        if let Some(n) = p.security_level {
            match n {
                1..=3 => self.security_level = n as u8,
                _ => bad("security_level", "Must be 1, 2 or 3."),
            }
        }
        for (value, slot) in [
            (p.check_for_duplicate_ip, &mut self.check_for_duplicate_ip),
            (p.block_vpns, &mut self.block_vpns),
            (p.block_high_risk_email_tld, &mut self.block_high_risk_email_tld),
            (p.require_email_verification, &mut self.require_email_verification),
            (p.social_login_required, &mut self.social_login_required),
        ] {
            if let Some(v) = value {
                *slot = v;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_and_normalises() {
        let mut r = RulesConfig::default();
        let mut e = FieldErrors::new();
        r.apply(
            RulesPatch {
                countries_allowed: Some(vec!["us".into(), "CA".into(), "GB".into(), "US".into()]),
                security_level: Some(2),
                block_vpns: Some(true),
                ..Default::default()
            },
            "rules_config.",
            &mut e,
        );
        assert!(e.is_empty());
        assert_eq!(r.countries_allowed, ["US", "CA", "GB"]);
        assert!(!r.allowed_world_wide());
        r.apply(
            RulesPatch {
                countries_allowed: Some(vec!["XX".into()]),
                security_level: Some(4),
                age_limit_type: Some("exact".into()),
                max_entries_per_user: Some(-1),
                ..Default::default()
            },
            "rules_config.",
            &mut e,
        );
        let fields: Vec<&str> = e.iter().map(|(f, _)| f).collect();
        assert_eq!(
            fields,
            [
                "rules_config.age_limit_type",
                "rules_config.countries_allowed",
                "rules_config.max_entries_per_user",
                "rules_config.security_level"
            ]
        );
        assert_eq!(r.countries_allowed, ["US", "CA", "GB"]);
        r.apply(
            RulesPatch {
                allowed_world_wide: Some(true),
                ..Default::default()
            },
            "",
            &mut e,
        );
        assert!(r.allowed_world_wide());
    }
}
