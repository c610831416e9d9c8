//! Display and mechanics settings of a giveaway (`settings` in the API).

use crate::validation::FieldErrors;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// "entries" (each entry is a ticket) or "points" (one ticket each).
    pub entries_or_points: String,
    pub if_leaderboard: bool,
    pub leaderboard_display_amount: u32,
    pub if_unlock_rewards: bool,
    pub show_prizes: bool,
    pub show_rules_expanded: bool,
    pub require_captcha: bool,
    pub show_cookies_consent_form: bool,
    /// Photo contests: what votes for a photo do, "most_voted" (they decide a winner the owner
    /// picks) or "entries" (each adds an entry for the photo's author).
    #[serde(default = "default_gallery_votes")]
    pub gallery_votes: String,
}

fn default_gallery_votes() -> String {
    crate::gallery::VoteMode::DEFAULT.to_owned()
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            entries_or_points: "entries".to_owned(),
            if_leaderboard: false,
            leaderboard_display_amount: 10,
            if_unlock_rewards: false,
            show_prizes: true,
            show_rules_expanded: false,
            require_captcha: false,
            show_cookies_consent_form: false,
            gallery_votes: default_gallery_votes(),
        }
    }
}

/// A partial update; unknown fields are ignored, absent ones unchanged.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct SettingsPatch {
    pub entries_or_points: Option<String>,
    pub if_leaderboard: Option<bool>,
    pub leaderboard_display_amount: Option<i64>,
    pub if_unlock_rewards: Option<bool>,
    pub show_prizes: Option<bool>,
    pub show_rules_expanded: Option<bool>,
    pub require_captcha: Option<bool>,
    pub show_cookies_consent_form: Option<bool>,
    pub gallery_votes: Option<String>,
}

impl Settings {
    /// Applies a patch; problems are added to `errors` under `settings.<field>`.
    pub fn apply(&mut self, p: SettingsPatch, errors: &mut FieldErrors) {
        if let Some(v) = p.entries_or_points {
            match v.as_str() {
                "entries" | "points" => self.entries_or_points = v,
                _ => errors.add("settings.entries_or_points", "Must be \"entries\" or \"points\"."),
            }
        }
        if let Some(n) = p.leaderboard_display_amount {
            match u32::try_from(n) {
                Ok(n) if (1..=100).contains(&n) => self.leaderboard_display_amount = n,
                _ => errors.add("settings.leaderboard_display_amount", "Must be between 1 and 100."),
            }
        }
        if let Some(v) = p.gallery_votes {
            match crate::gallery::VoteMode::parse(&v) {
                Some(_) => self.gallery_votes = v,
                None => errors.add("settings.gallery_votes", "Must be \"most_voted\" or \"entries\"."),
            }
        }
        let flags = [
            (p.if_leaderboard, &mut self.if_leaderboard),
            (p.if_unlock_rewards, &mut self.if_unlock_rewards),
            (p.show_prizes, &mut self.show_prizes),
            (p.show_rules_expanded, &mut self.show_rules_expanded),
            (p.require_captcha, &mut self.require_captcha),
            (p.show_cookies_consent_form, &mut self.show_cookies_consent_form),
        ];
        for (value, slot) in flags {
            if let Some(v) = value {
                *slot = v;
            }
        }
    }

    /// "points" mode gives everyone one ticket in a draw.
    pub fn points_mode(&self) -> bool {
        self.entries_or_points == "points"
    }

    /// What votes for a contest photo do.
    pub fn vote_mode(&self) -> crate::gallery::VoteMode {
        crate::gallery::VoteMode::parse(&self.gallery_votes).unwrap_or(crate::gallery::VoteMode::MostVoted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patch_changes_only_what_it_names() {
        let mut s = Settings::default();
        let mut e = FieldErrors::new();
        s.apply(
            SettingsPatch {
                if_leaderboard: Some(true),
                ..Default::default()
            },
            &mut e,
        );
        assert!(e.is_empty() && s.if_leaderboard && s.show_prizes);
        s.apply(
            SettingsPatch {
                entries_or_points: Some("tickets".into()),
                leaderboard_display_amount: Some(0),
                ..Default::default()
            },
            &mut e,
        );
        assert_eq!(e.iter().count(), 2);
        assert_eq!(s.entries_or_points, "entries");
    }
}
