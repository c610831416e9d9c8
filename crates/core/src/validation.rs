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

/// A validated e-mail address in its canonical form, the form every duplicate check compares.
///
/// The canonical form of `Local@Domain` is:
/// - the whole address under Unicode NFKC (full-width and other compatibility forms become their
///   plain letters, so `ｄｕｐｅ＠ｐｒｏｂｅ.io` is `dupe@probe.io`), then
/// - the local part lower-cased, and
/// - the domain through UTS 46 processing (IDNA: case folding and mapping, Punycode decoded),
///   written in Unicode (`xn--exmple-cua.de` and `EXÄMPLE.de` are both `exämple.de`).
///
/// Refused outright, because they only serve to make one address look like two: control
/// characters, invisible ones (zero-width, bidi controls, other format characters, variation
/// selectors, fillers), and a local part or domain label that mixes scripts (a Cyrillic `о`
/// among Latin letters; Han with Hiragana, Katakana, Hangul or Bopomofo is allowed, as
/// Japanese and Korean write it). Provider-specific aliases (`+tags`, dots at Gmail) are kept
/// as written: they are different addresses to every other provider.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Email(String);

/// Longest input looked at, in bytes, before normalising (an address is at most 254).
const MAX_RAW_EMAIL: usize = 1_024;

impl Email {
    /// Accepts `local@domain.tld` with no spaces and at most 254 characters once canonical
    /// (see [`Email`]). Deliverability is proved by the verification e-mail, not here.
    pub fn parse(raw: &str) -> Result<Email, &'static str> {
        use unicode_normalization::UnicodeNormalization;
        const INVALID: &str = "E-mail is not a valid address.";
        let s = raw.trim();
        if s.is_empty() {
            return Err("E-mail is required.");
        }
        if s.len() > MAX_RAW_EMAIL || s.chars().any(char::is_whitespace) {
            return Err(INVALID);
        }
        if s.chars().any(is_hidden) {
            return Err("E-mail must not contain control or invisible characters.");
        }
        let s: String = s.nfkc().collect();
        if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || is_hidden(c)) {
            return Err(INVALID);
        }
        let Some((local, domain)) = s.rsplit_once('@') else {
            return Err(INVALID);
        };
        if local.is_empty() || local.len() > 64 || local.contains('@') {
            return Err(INVALID);
        }
        let ascii = idna::domain_to_ascii_strict(domain).map_err(|_| INVALID)?;
        if !ascii.contains('.') || ascii.starts_with('.') || ascii.ends_with('.') || ascii.contains("..") {
            return Err(INVALID);
        }
        let (domain, decoded) = idna::domain_to_unicode(&ascii);
        decoded.map_err(|_| INVALID)?;
        let local = local.to_lowercase();
        if mixes_scripts(&local) || domain.split('.').any(mixes_scripts) {
            return Err("E-mail mixes alphabets (such as Latin and Cyrillic) in one part; type it in one.");
        }
        let email = format!("{local}@{domain}");
        if email.len() > 254 {
            return Err(INVALID);
        }
        Ok(Email(email))
    }

    /// The form to look `raw` up by: canonical when it is a valid address, else trimmed and
    /// lower-cased (which matches nothing stored through [`Email::parse`]).
    pub fn lookup_key(raw: &str) -> String {
        Email::parse(raw).map_or_else(|_| raw.trim().to_lowercase(), Email::into_string)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// The SHA-256 of the canonical address, in hex: how work queued by an erasure names the
    /// address without holding it.
    pub fn digest(&self) -> String {
        use sha2::{Digest, Sha256};
        hex::encode(Sha256::digest(self.0.as_bytes()))
    }

    /// Whether `address` is what an erasure left in place of someone's address (its domain is
    /// [`ERASED_DOMAIN`]): it names nobody, and no mail is sent to it.
    pub fn is_erased(address: &str) -> bool {
        address
            .rsplit_once('@')
            .is_some_and(|(_, domain)| domain.eq_ignore_ascii_case(ERASED_DOMAIN))
    }
}

/// The domain of the addresses an erasure leaves behind: `.invalid` is reserved (RFC 2606), so
/// no mail can reach them.
pub const ERASED_DOMAIN: &str = "erased.invalid";

/// A character that shows nothing or controls display: controls, format characters (zero-width
/// spaces and joiners, bidi controls, soft hyphens, tags), private-use and unassigned code
/// points, variation selectors, the combining grapheme joiner and the Hangul fillers.
fn is_hidden(c: char) -> bool {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    matches!(
        c.general_category(),
        GeneralCategory::Control
            | GeneralCategory::Format
            | GeneralCategory::PrivateUse
            | GeneralCategory::Unassigned
            | GeneralCategory::Surrogate
    ) || matches!(
        c,
        '\u{034F}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FFA0}'
            | '\u{E0100}'..='\u{E01EF}'
    )
}

/// Whether `part` uses letters of more than one script, not counting the characters every
/// script shares (digits, punctuation, combining marks). Han with the kana, Hangul or Bopomofo
/// counts as one writing system.
fn mixes_scripts(part: &str) -> bool {
    use unicode_script::{Script, UnicodeScript};
    let mut seen: Vec<Script> = Vec::new();
    for c in part.chars() {
        let script = c.script();
        if !matches!(script, Script::Common | Script::Inherited | Script::Unknown) && !seen.contains(&script) {
            seen.push(script);
        }
    }
    let with_han = |others: &[Script]| seen.iter().all(|s| *s == Script::Han || others.contains(s));
    seen.len() > 1
        && !with_han(&[Script::Hiragana, Script::Katakana])
        && !with_han(&[Script::Hangul])
        && !with_han(&[Script::Bopomofo])
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

    #[test]
    fn look_alike_addresses_are_one_address_or_refused() {
        let canonical = |raw: &str| Email::parse(raw).map(Email::into_string);
        // The same address, written in compatibility forms, cases or Punycode.
        for same in [
            "dupe@probe.io",
            "dupe@ｐｒｏｂｅ.io",
            "ｄｕｐｅ＠ｐｒｏｂｅ．ｉｏ",
            "DUPE@Probe.IO",
        ] {
            assert_eq!(canonical(same).as_deref(), Ok("dupe@probe.io"), "{same}");
        }
        assert_eq!(canonical("josé@EXÄMPLE.de").as_deref(), Ok("josé@exämple.de"));
        assert_eq!(canonical("josé@xn--exmple-cua.de").as_deref(), Ok("josé@exämple.de"));
        // Invisible and control characters anywhere.
        for hidden in [
            "du\u{200B}pe@probe.io",
            "dupe@pro\u{200D}be.io",
            "\u{202E}dupe@probe.io",
            "dupe@probe.io\u{2066}",
            "du\u{00AD}pe@probe.io",
            "dupe\u{FE0F}@probe.io",
            "du\u{0007}pe@probe.io",
            "dupe@probe\u{E0041}.io",
        ] {
            assert_eq!(
                canonical(hidden),
                Err("E-mail must not contain control or invisible characters."),
                "{hidden:?}"
            );
        }
        // Mixed scripts, typed or hidden in Punycode.
        for mixed in ["dupe@prоbe.io", "dupе@probe.io", "dupe@xn--prbe-65d.io"] {
            assert!(canonical(mixed).unwrap_err().contains("alphabets"), "{mixed}");
        }
        // One script is fine, whichever it is; so is Japanese's Han with kana.
        assert!(Email::parse("δοκιμή@παράδειγμα.δοκιμή").is_ok());
        assert!(Email::parse("пример@почта.рф").is_ok());
        assert!(Email::parse("ゆうびん@郵便テスト.jp").is_ok());
        assert!(Email::parse("a-1.b_2+tag@mail-1.example.com").is_ok());
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
