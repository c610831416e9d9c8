//! The filters of a comment draw and the rule that says whether one comment qualifies. They are
//! part of the certificate's meaning, so they are written down once, here:
//!
//! - every comment and reply is judged on its own: a reply inherits nothing from its parent;
//!   replies are skipped only with `include_replies: false`;
//! - the post owner's own comments never count;
//! - `exclude_users` (handles, `@` optional, any case) removes people;
//! - `keyword` keeps comments containing it, compared case-insensitively;
//! - `since` / `until` (RFC 3339) bound the comment time, both inclusive; with either set, a
//!   comment without a time does not qualify (nobody can show it was in the window);
//! - `require_tag` keeps comments that mention at least `min_tag_count` (default 1) distinct
//!   accounts other than the commenter and the post owner (see [`super::mentions`]).

use super::mentions::distinct_tags;
use super::{Comment, parse_instant};
use crate::time::format_rfc3339;
use crate::validation::FieldErrors;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// `filters` as a client sends it. Unknown fields are ignored.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct FiltersInput {
    pub include_replies: Option<bool>,
    pub exclude_users: Option<Vec<String>>,
    pub keyword: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub require_tag: Option<bool>,
    pub min_tag_count: Option<i64>,
    pub exclude_duplicates: Option<bool>,
}

/// Checked filters, as the certificate records them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filters {
    pub include_replies: bool,
    /// Lower-case handles without `@`, sorted.
    pub exclude_users: Vec<String>,
    pub keyword: Option<String>,
    /// RFC 3339, UTC.
    pub since: Option<String>,
    pub until: Option<String>,
    pub require_tag: bool,
    pub min_tag_count: u32,
    pub exclude_duplicates: bool,
    #[serde(skip)]
    bounds: (Option<i64>, Option<i64>),
    #[serde(skip)]
    keyword_lower: Option<String>,
}

impl Default for Filters {
    fn default() -> Self {
        Filters {
            include_replies: true,
            exclude_users: Vec::new(),
            keyword: None,
            since: None,
            until: None,
            require_tag: false,
            min_tag_count: 1,
            exclude_duplicates: false,
            bounds: (None, None),
            keyword_lower: None,
        }
    }
}

/// A handle as people write it: `@` and surrounding space dropped, lower-cased.
pub fn normalize_handle(raw: &str) -> String {
    raw.trim().trim_start_matches('@').trim().to_lowercase()
}

/// The most handles `exclude_users` takes.
pub const MAX_EXCLUDED: usize = 10_000;

impl Filters {
    /// Checks `input`; errors name the field as `filters.<name>`.
    pub fn parse(input: &FiltersInput) -> Result<Filters, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut f = Filters {
            include_replies: input.include_replies.unwrap_or(true),
            require_tag: input.require_tag.unwrap_or(false),
            exclude_duplicates: input.exclude_duplicates.unwrap_or(false),
            ..Filters::default()
        };
        match input.min_tag_count {
            None => {}
            Some(n) if (1..=100).contains(&n) => f.min_tag_count = n as u32,
            Some(_) => errors.add("filters.min_tag_count", "Must be between 1 and 100."),
        }
        if let Some(users) = &input.exclude_users {
            if users.len() > MAX_EXCLUDED {
                errors.add("filters.exclude_users", format!("At most {MAX_EXCLUDED} handles."));
            }
            let set: BTreeSet<String> = users
                .iter()
                .map(|u| normalize_handle(u))
                .filter(|u| !u.is_empty())
                .collect();
            f.exclude_users = set.into_iter().collect();
        }
        if let Some(k) = input.keyword.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
            if k.chars().count() > 200 {
                errors.add("filters.keyword", "At most 200 characters.");
            }
            f.keyword = Some(k.to_owned());
            f.keyword_lower = Some(k.to_lowercase());
        }
        let mut instant = |field: &str, raw: &Option<String>| -> Option<i64> {
            let raw = raw.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
            match parse_instant(raw) {
                Some(ms) => Some(ms),
                None => {
                    errors.add(field, "Must be an RFC 3339 time such as 2026-04-28T14:23:11Z.");
                    None
                }
            }
        };
        let since = instant("filters.since", &input.since);
        let until = instant("filters.until", &input.until);
        if let (Some(s), Some(u)) = (since, until)
            && s > u
        {
            errors.add("filters.until", "Must not be before since.");
        }
        f.since = since.map(format_rfc3339);
        f.until = until.map(format_rfc3339);
        f.bounds = (since, until);
        errors.into_result()?;
        Ok(f)
    }

    /// Rebuilds the derived parts after deserializing a stored copy.
    pub fn restored(mut self) -> Filters {
        self.keyword_lower = self.keyword.as_ref().map(|k| k.to_lowercase());
        self.bounds = (
            self.since.as_deref().and_then(parse_instant),
            self.until.as_deref().and_then(parse_instant),
        );
        self
    }

    /// Whether `c` counts, for a post whose owner is `owner` (lower-case handle, when known).
    /// `handle` is the commenter's lower-case handle.
    pub fn qualifies(&self, c: &Comment, handle: &str, owner: Option<&str>) -> bool {
        if c.by_owner || owner == Some(handle) {
            return false;
        }
        if c.parent_id.is_some() && !self.include_replies {
            return false;
        }
        if self.exclude_users.binary_search_by(|u| u.as_str().cmp(handle)).is_ok() {
            return false;
        }
        let (since, until) = self.bounds;
        if since.is_some() || until.is_some() {
            let Some(t) = c.timestamp else { return false };
            if since.is_some_and(|s| t < s) || until.is_some_and(|u| t > u) {
                return false;
            }
        }
        if let Some(k) = &self.keyword_lower
            && !c.text.to_lowercase().contains(k.as_str())
        {
            return false;
        }
        if self.require_tag && distinct_tags(&c.text, handle, owner) < self.min_tag_count as usize {
            return false;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(user: &str, text: &str) -> Comment {
        Comment {
            id: None,
            username: user.to_owned(),
            text: text.to_owned(),
            timestamp: Some(1_000_000),
            parent_id: None,
            by_owner: false,
        }
    }

    fn filters(v: serde_json::Value) -> Filters {
        Filters::parse(&serde_json::from_value(v).unwrap()).unwrap()
    }

    #[test]
    fn owner_never_counts() {
        let f = Filters::default();
        assert!(!f.qualifies(&c("brand", "hi"), "brand", Some("brand")));
        let mut by_owner = c("other_name", "hi");
        by_owner.by_owner = true;
        assert!(!f.qualifies(&by_owner, "other_name", None));
        assert!(f.qualifies(&c("ana", "hi"), "ana", Some("brand")));
    }

    #[test]
    fn replies_are_judged_on_their_own() {
        let mut reply = c("ana", "@bia");
        reply.parent_id = Some("1".into());
        let f = filters(serde_json::json!({ "require_tag": true }));
        assert!(f.qualifies(&reply, "ana", None));
        let f = filters(serde_json::json!({ "require_tag": true, "include_replies": false }));
        assert!(!f.qualifies(&reply, "ana", None));
    }

    #[test]
    fn tags_count_distinct_others() {
        let f = filters(serde_json::json!({ "require_tag": true, "min_tag_count": 2 }));
        assert!(!f.qualifies(&c("ana", "@bia @BIA"), "ana", None));
        assert!(!f.qualifies(&c("ana", "@bia @ana"), "ana", None));
        assert!(!f.qualifies(&c("ana", "@bia @brand"), "ana", Some("brand")));
        assert!(f.qualifies(&c("ana", "@bia @cora"), "ana", Some("brand")));
    }

    #[test]
    fn keyword_users_and_times() {
        let f = filters(serde_json::json!({ "keyword": "WIN", "exclude_users": ["@Bob"] }));
        assert!(f.qualifies(&c("ana", "I want to win"), "ana", None));
        assert!(!f.qualifies(&c("ana", "hello"), "ana", None));
        assert!(!f.qualifies(&c("bob", "win"), "bob", None));
        let f = filters(serde_json::json!({ "since": "1970-01-01T00:16:40Z", "until": "1970-01-01T00:16:40Z" }));
        assert!(f.qualifies(&c("ana", "x"), "ana", None));
        let mut late = c("ana", "x");
        late.timestamp = Some(1_000_001);
        assert!(!f.qualifies(&late, "ana", None));
        late.timestamp = None;
        assert!(!f.qualifies(&late, "ana", None));
    }

    #[test]
    fn bad_values_name_their_field() {
        let e = Filters::parse(
            &serde_json::from_value(serde_json::json!({ "since": "yesterday", "min_tag_count": 0 })).unwrap(),
        )
        .unwrap_err();
        let fields: Vec<_> = e.iter().map(|(f, _)| f.to_owned()).collect();
        assert!(fields.contains(&"filters.since".to_owned()));
        assert!(fields.contains(&"filters.min_tag_count".to_owned()));
    }

    #[test]
    fn stored_filters_round_trip() {
        let f = filters(serde_json::json!({ "keyword": "Win", "since": "2026-01-01T00:00:00+01:00" }));
        let back: Filters = serde_json::from_str(&serde_json::to_string(&f).unwrap()).unwrap();
        assert_eq!(back.restored(), f);
    }
}
