//! Field-level validation errors, the `details` of a 422.

use std::collections::BTreeMap;

/// Messages keyed by field name. Collect every problem before answering, so a client fixes its
/// request in one round trip.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors(BTreeMap<String, String>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.entry(field.into()).or_insert_with(|| message.into());
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// `Ok(())` when nothing was added, so a validator can end with `errors.into_result()?`.
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }

    pub fn one(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut e = Self::new();
        e.add(field, message);
        e
    }
}

impl serde::Serialize for FieldErrors {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

/// A validated e-mail address, lower-cased for comparison.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Accepts `local@domain.tld` with no spaces and at most 254 characters. Deliverability is
    /// proved by the verification e-mail, not by a regular expression.
    pub fn parse(raw: &str) -> Result<Email, &'static str> {
        let s = raw.trim();
        if s.is_empty() {
            return Err("E-mail is required.");
        }
        if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("E-mail is not a valid address.");
        }
        let Some((local, domain)) = s.rsplit_once('@') else {
            return Err("E-mail is not a valid address.");
        };
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '.');
        if local.is_empty() || local.len() > 64 || local.contains('@') || !domain_ok {
            return Err("E-mail is not a valid address.");
        }
        Ok(Email(s.to_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_first_message_per_field() {
        let mut e = FieldErrors::new();
        e.add("title", "Title is required.");
        e.add("title", "ignored");
        e.add("end_time", "End time must be after start time.");
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({"title": "Title is required.", "end_time": "End time must be after start time."})
        );
        assert!(e.into_result().is_err());
        assert!(FieldErrors::new().into_result().is_ok());
    }

    #[test]
    fn emails() {
        assert_eq!(Email::parse(" Jane@Example.COM ").unwrap().as_str(), "jane@example.com");
        for bad in [
            "",
            "jane",
            "jane@",
            "@x.com",
            "a b@x.com",
            "a@x",
            "a@.x.com",
            "a@x..com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
        assert!(Email::parse("josé@exämple.de").is_ok());
    }
}

/// `#rgb` or `#rrggbb` (also with alpha: `#rgba`, `#rrggbbaa`).
pub fn is_hex_color(s: &str) -> bool {
    s.strip_prefix('#')
        .is_some_and(|h| matches!(h.len(), 3 | 4 | 6 | 8) && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// An absolute `https://` URL with a host and no spaces, at most 2,048 characters.
pub fn is_https_url(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("https://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    s.len() <= 2048
        && !host.is_empty()
        && !host.starts_with(':')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Checks a required text's presence and length in characters.
pub fn text(errors: &mut FieldErrors, field: &str, label: &str, value: &str, max: usize) {
    if value.trim().is_empty() {
        errors.add(field, format!("{label} is required."));
    } else if value.chars().count() > max {
        errors.add(field, format!("{label} must be at most {max} characters."));
    }
}

/// Checks an optional text's length in characters.
pub fn max_len(errors: &mut FieldErrors, field: &str, label: &str, value: Option<&str>, max: usize) {
    if value.is_some_and(|v| v.chars().count() > max) {
        errors.add(field, format!("{label} must be at most {max} characters."));
    }
}

#[cfg(test)]
mod format_tests {
    use super::*;

    #[test]
    fn colors_and_urls() {
        assert!(is_hex_color("#1DA1F2") && is_hex_color("#fff") && is_hex_color("#ffffff80"));
        assert!(!is_hex_color("1DA1F2") && !is_hex_color("#12345") && !is_hex_color("#ggg"));
        assert!(is_https_url("https://twitter.com/mycompany") && is_https_url("https://x.io:8443/a?b=c"));
        assert!(!is_https_url("http://twitter.com") && !is_https_url("https://") && !is_https_url("https://a b"));
        assert!(!is_https_url("javascript:alert(1)"));
    }
}
