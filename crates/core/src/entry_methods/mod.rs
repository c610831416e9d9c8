//! Entry methods: the catalog of types, what a giveaway configures for each of its methods, and
//! the validation that turns client input into that configuration.

pub mod catalog;
pub mod order;

pub use catalog::{CATALOG, Category, EntryMethodType, REFER_A_FRIEND, UPLOAD_A_PHOTO, USER_DETAILS};
pub use order::{ReorderError, ReorderInput, reorder};

use crate::validation::{FieldErrors, is_hex_color, is_https_url, max_len};
use serde::{Deserialize, Deserializer};

pub const MAX_AMOUNT: i64 = 1000;
pub const MAX_TITLE: usize = 255;
pub const MAX_INSTRUCTIONS: usize = 5000;

/// The body of an add or update request. Every field is optional here; adding checks the
/// required ones. For the optional texts, `null` (or an empty string) clears the value on update,
/// while a field left out keeps it. Unknown fields are ignored.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct EntryMethodInput {
    pub entry_method: Option<i64>,
    pub entry_amount: Option<i64>,
    #[serde(default, deserialize_with = "nullable")]
    pub entry_title: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    pub entry_link: Option<Option<String>>,
    pub required: Option<bool>,
    pub daily: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    pub additional_instructions: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    pub icon_color: Option<Option<String>>,
    pub widget_display: Option<bool>,
}

/// Tells a field sent as `null` (`Some(None)`) from one left out (`None`, via `default`).
fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// What a giveaway sets on one of its methods, validated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryMethodConfig {
    pub title: Option<String>,
    pub link: Option<String>,
    pub amount: i64,
    pub required: bool,
    pub daily: bool,
    pub additional_instructions: Option<String>,
    pub icon_color: Option<String>,
    pub widget_display: bool,
}

/// A configured method: its type, which never changes, and its configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryMethodSpec {
    pub kind: &'static EntryMethodType,
    pub config: EntryMethodConfig,
}

impl EntryMethodSpec {
    /// Validates an add request. `has_user_details` says whether the giveaway already has its
    /// "User Details" method, of which there is exactly one.
    pub fn create(input: EntryMethodInput, has_user_details: bool) -> Result<EntryMethodSpec, FieldErrors> {
        let mut errors = FieldErrors::new();
        let kind = match input.entry_method {
            None => {
                errors.add("entry_method", "Entry method type is required.");
                None
            }
            Some(id) => match catalog::find(id) {
                None => {
                    errors.add(
                        "entry_method",
                        format!("Unknown entry method type {id}: use an id from GET /v2/entry-method-types."),
                    );
                    None
                }
                Some(k) if k.id == USER_DETAILS && has_user_details => {
                    errors.add(
                        "entry_method",
                        "This giveaway already has its User Details method; a giveaway has exactly one.",
                    );
                    None
                }
                Some(k) => Some(k),
            },
        };
        if input.entry_amount.is_none() {
            errors.add("entry_amount", "Entry amount is required.");
        }
        let base = EntryMethodConfig {
            title: None,
            link: None,
            amount: 1,
            required: kind.is_some_and(|k| k.id == USER_DETAILS),
            daily: false,
            additional_instructions: None,
            icon_color: None,
            widget_display: true,
        };
        let config = base.apply_checked(input, &mut errors);
        let Some(kind) = kind else {
            return Err(errors);
        };
        let spec = EntryMethodSpec { kind, config };
        spec.check_for_kind(&mut errors);
        errors.into_result().map(|()| spec)
    }

    /// Validates an update: the fields present replace the current ones. The type is fixed.
    pub fn update(&self, input: EntryMethodInput) -> Result<EntryMethodSpec, FieldErrors> {
        let mut errors = FieldErrors::new();
        if input.entry_method.is_some_and(|id| id != self.kind.id) {
            errors.add(
                "entry_method",
                "The type of an entry method cannot be changed: delete this method and add a new one of the \
                 type you want.",
            );
        }
        let spec = EntryMethodSpec {
            kind: self.kind,
            config: self.config.clone().apply_checked(input, &mut errors),
        };
        spec.check_for_kind(&mut errors);
        errors.into_result().map(|()| spec)
    }

    /// The rules that depend on the type.
    fn check_for_kind(&self, errors: &mut FieldErrors) {
        if self.kind.needs_link && self.config.link.is_none() {
            errors.add(
                "entry_link",
                format!(
                    "A link is required for \"{}\": the page participants act on.",
                    self.kind.name
                ),
            );
        }
        if self.kind.id == USER_DETAILS && !self.config.required {
            errors.add(
                "required",
                "User Details is always required: it is how a participant enters.",
            );
        }
    }
}

impl EntryMethodConfig {
    fn apply_checked(mut self, input: EntryMethodInput, errors: &mut FieldErrors) -> EntryMethodConfig {
        if let Some(n) = input.entry_amount {
            if (1..=MAX_AMOUNT).contains(&n) {
                self.amount = n;
            } else {
                errors.add("entry_amount", format!("Must be between 1 and {MAX_AMOUNT}."));
            }
        }
        if let Some(title) = input.entry_title {
            self.title = present(title);
            max_len(errors, "entry_title", "Entry title", self.title.as_deref(), MAX_TITLE);
        }
        if let Some(link) = input.entry_link {
            self.link = present(link);
            if self.link.as_deref().is_some_and(|l| !is_https_url(l)) {
                errors.add("entry_link", "Must be an https:// URL.");
            }
        }
        if let Some(text) = input.additional_instructions {
            self.additional_instructions = text.filter(|t| !t.trim().is_empty());
            max_len(
                errors,
                "additional_instructions",
                "Additional instructions",
                self.additional_instructions.as_deref(),
                MAX_INSTRUCTIONS,
            );
        }
        if let Some(color) = input.icon_color {
            self.icon_color = present(color);
            if self.icon_color.as_deref().is_some_and(|c| !is_hex_color(c)) {
                errors.add("icon_color", "Must be a hex color such as #1DA1F2.");
            }
        }
        if let Some(v) = input.required {
            self.required = v;
        }
        if let Some(v) = input.daily {
            self.daily = v;
        }
        if let Some(v) = input.widget_display {
            self.widget_display = v;
        }
        self
    }
}

/// A sent text, trimmed; empty means none.
fn present(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn input(v: serde_json::Value) -> EntryMethodInput {
        serde_json::from_value(v).unwrap()
    }

    fn fields(e: &FieldErrors) -> Vec<&str> {
        e.iter().map(|(f, _)| f).collect()
    }

    #[test]
    fn the_reference_example_is_valid_with_documented_defaults() {
        let spec = EntryMethodSpec::create(
            input(
                json!({ "entry_method": 14, "entry_amount": 3, "entry_title": "Follow @mycompany",
                          "entry_link": "https://twitter.com/mycompany" }),
            ),
            true,
        )
        .unwrap();
        assert_eq!(spec.kind.name, "Follow on Twitter");
        let c = spec.config;
        assert_eq!((c.amount, c.title.as_deref()), (3, Some("Follow @mycompany")));
        assert!(!c.required && !c.daily && c.widget_display);
        assert_eq!((c.icon_color, c.additional_instructions), (None, None));
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let e = EntryMethodSpec::create(
            input(
                json!({ "entry_method": 9999, "entry_amount": 0, "entry_title": "x".repeat(256),
                          "entry_link": "http://insecure.example", "icon_color": "blue",
                          "additional_instructions": "y".repeat(5001) }),
            ),
            true,
        )
        .unwrap_err();
        assert_eq!(
            fields(&e),
            [
                "additional_instructions",
                "entry_amount",
                "entry_link",
                "entry_method",
                "entry_title",
                "icon_color"
            ]
        );
        let e = EntryMethodSpec::create(input(json!({})), true).unwrap_err();
        assert_eq!(fields(&e), ["entry_amount", "entry_method"]);
        let e = EntryMethodSpec::create(input(json!({ "entry_method": 14, "entry_amount": 1001 })), true).unwrap_err();
        assert_eq!(fields(&e), ["entry_amount", "entry_link"]);
    }

    #[test]
    fn limits_are_inclusive() {
        let ok = EntryMethodSpec::create(
            input(
                json!({ "entry_method": 5, "entry_amount": 1000, "entry_title": "x".repeat(255),
                          "additional_instructions": "y".repeat(5000), "icon_color": "#fff" }),
            ),
            true,
        );
        assert!(ok.is_ok(), "{ok:?}");
        assert!(EntryMethodSpec::create(input(json!({ "entry_method": 5, "entry_amount": 1 })), true).is_ok());
    }

    #[test]
    fn only_one_user_details_and_it_stays_required() {
        let e = EntryMethodSpec::create(input(json!({ "entry_method": 1, "entry_amount": 1 })), true).unwrap_err();
        assert_eq!(fields(&e), ["entry_method"]);
        let spec = EntryMethodSpec::create(input(json!({ "entry_method": 1, "entry_amount": 1 })), false).unwrap();
        assert!(spec.config.required);
        let e = spec.update(input(json!({ "required": false }))).unwrap_err();
        assert_eq!(fields(&e), ["required"]);
        assert_eq!(
            spec.update(input(json!({ "entry_amount": 2 }))).unwrap().config.amount,
            2
        );
    }

    #[test]
    fn update_keeps_what_is_not_sent_clears_nulls_and_fixes_the_type() {
        let spec = EntryMethodSpec::create(
            input(
                json!({ "entry_method": 5, "entry_amount": 5, "entry_title": "Share with friends",
                          "icon_color": "#1DA1F2", "daily": true }),
            ),
            true,
        )
        .unwrap();
        let changed = spec
            .update(input(
                json!({ "entry_amount": 7, "entry_title": null, "entry_method": 5 }),
            ))
            .unwrap();
        assert_eq!((changed.config.amount, changed.config.title.as_deref()), (7, None));
        assert_eq!(changed.config.icon_color.as_deref(), Some("#1DA1F2"));
        assert!(changed.config.daily);
        let cleared = spec.update(input(json!({ "icon_color": "" }))).unwrap();
        assert_eq!(cleared.config.icon_color, None);
        let e = spec.update(input(json!({ "entry_method": 14 }))).unwrap_err();
        assert!(e.iter().next().unwrap().1.contains("delete"));
    }

    #[test]
    fn a_link_cannot_be_removed_from_a_type_that_needs_one() {
        let spec = EntryMethodSpec::create(
            input(json!({ "entry_method": 30, "entry_amount": 1, "entry_link": "https://instagram.com/x" })),
            true,
        )
        .unwrap();
        let e = spec.update(input(json!({ "entry_link": null }))).unwrap_err();
        assert_eq!(fields(&e), ["entry_link"]);
        assert!(
            spec.update(input(json!({ "entry_link": "https://instagram.com/y" })))
                .is_ok()
        );
    }
}
