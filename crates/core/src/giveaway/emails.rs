//! E-mail settings (`/v2/giveaways/{id}/emails`).
//!
//! Stored as JSON text like the design, and with the same partial-update rules (absent fields
//! kept, `null` restoring the default). Subjects, bodies and HTML are kept exactly as sent: the
//! reference stores them base64-encoded only because its store is not UTF-8 safe; a JSON column is.

use super::design::{FieldKind, Flag, section, section_patch};
use crate::validation::{Email, FieldErrors, is_https_url};
use serde::{Deserialize, Serialize};

/// The longest subject a mail client shows whole, and then some.
pub const MAX_SUBJECT_CHARS: usize = 255;
/// The longest body or custom HTML template kept.
pub const MAX_BODY_CHARS: usize = 100_000;

/// `1` (send the confirmation e-mail) or `0` (do not).
pub struct Enabled01;

impl FieldKind for Enabled01 {
    type Input = i64;
    type Value = u8;
    fn accept(n: i64) -> Result<u8, String> {
        match n {
            0 | 1 => Ok(n as u8),
            _ => Err("Must be 1 (enabled) or 0 (disabled).".to_owned()),
        }
    }
}

fn at_most(s: String, max: usize) -> Result<Option<String>, String> {
    if s.chars().count() <= max {
        Ok(Some(s))
    } else {
        Err(format!("Must be at most {max} characters."))
    }
}

pub struct Subject;

impl FieldKind for Subject {
    type Input = String;
    type Value = Option<String>;
    fn accept(s: String) -> Result<Option<String>, String> {
        at_most(s, MAX_SUBJECT_CHARS)
    }
}

pub struct SenderName;

impl FieldKind for SenderName {
    type Input = String;
    type Value = Option<String>;
    fn accept(s: String) -> Result<Option<String>, String> {
        at_most(s, 255)
    }
}

/// A body or an HTML template.
pub struct LongText;

impl FieldKind for LongText {
    type Input = String;
    type Value = Option<String>;
    fn accept(s: String) -> Result<Option<String>, String> {
        at_most(s, MAX_BODY_CHARS)
    }
}

/// A reply-to address, stored lower-cased; an empty string clears it.
pub struct ReplyTo;

impl FieldKind for ReplyTo {
    type Input = String;
    type Value = Option<String>;
    fn accept(s: String) -> Result<Option<String>, String> {
        if s.trim().is_empty() {
            return Ok(None);
        }
        Email::parse(&s).map(|e| Some(e.into_string())).map_err(str::to_owned)
    }
}

/// An image shown in e-mails, which mail clients fetch: https only. An empty string clears it.
pub struct ImageUrl;

impl FieldKind for ImageUrl {
    type Input = String;
    type Value = Option<String>;
    fn accept(s: String) -> Result<Option<String>, String> {
        let s = s.trim();
        if s.is_empty() {
            Ok(None)
        } else if is_https_url(s) {
            Ok(Some(s.to_owned()))
        } else {
            Err("Must be an https:// URL.".to_owned())
        }
    }
}

section! {
    /// The e-mail an entrant receives after entering; on by default.
    ConfirmationEmail / ConfirmationEmailPatch {
        status: Enabled01 = 1,
        subject: Subject = None,
        reply_to_email: ReplyTo = None,
        reply_to_name: SenderName = None,
        body: LongText = None,
        custom_html: LongText = None,
        logo_image_url: ImageUrl = None,
    }
}

section! {
    /// The e-mail that asks an entrant to prove their address; off by default.
    VerificationEmail / VerificationEmailPatch {
        enabled: Flag = false,
        body: LongText = None,
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EmailSettings {
    pub confirmation_email: ConfirmationEmail,
    pub verification_email: VerificationEmail,
}

/// A partial update: sections that are absent (or `null`) are kept as they are.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EmailSettingsPatch {
    #[serde(deserialize_with = "section_patch")]
    pub confirmation_email: Option<ConfirmationEmailPatch>,
    #[serde(deserialize_with = "section_patch")]
    pub verification_email: Option<VerificationEmailPatch>,
}

impl EmailSettings {
    /// Applies a patch; problems go to `errors` under `<section>.<field>`.
    pub fn apply(&mut self, p: EmailSettingsPatch, errors: &mut FieldErrors) {
        if let Some(c) = p.confirmation_email {
            self.confirmation_email.apply(c, "confirmation_email", errors);
        }
        if let Some(v) = p.verification_email {
            self.verification_email.apply(v, "verification_email", errors);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn applied(to: &mut EmailSettings, v: serde_json::Value) -> FieldErrors {
        let mut e = FieldErrors::new();
        to.apply(serde_json::from_value(v).unwrap(), &mut e);
        e
    }

    #[test]
    fn defaults() {
        let stored: EmailSettings = serde_json::from_str("{}").unwrap();
        assert_eq!(
            serde_json::to_value(stored).unwrap(),
            json!({
                "confirmation_email": {
                    "status": 1, "subject": null, "reply_to_email": null, "reply_to_name": null,
                    "body": null, "custom_html": null, "logo_image_url": null
                },
                "verification_email": { "enabled": false, "body": null }
            })
        );
    }

    #[test]
    fn patches_merge_and_keep_text_exactly() {
        let mut s = EmailSettings::default();
        let e = applied(
            &mut s,
            json!({ "confirmation_email": { "status": 1, "subject": "You are entered!", "reply_to_email": " Support@MyCompany.com ", "reply_to_name": "My Company" } }),
        );
        assert!(e.is_empty(), "{e:?}");
        let body = "<p dir=\"rtl\">مرحبا 👋 你好 — «merci»</p>\n\t";
        let e = applied(
            &mut s,
            json!({ "confirmation_email": { "body": body, "status": 0 }, "verification_email": { "enabled": true } }),
        );
        assert!(e.is_empty());
        let c = &s.confirmation_email;
        assert_eq!(c.subject.as_deref(), Some("You are entered!"));
        assert_eq!(c.reply_to_email.as_deref(), Some("support@mycompany.com"));
        assert_eq!((c.status, c.body.as_deref()), (0, Some(body)));
        assert!(s.verification_email.enabled);
        let round: EmailSettings = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(round, s);
        let e = applied(
            &mut s,
            json!({ "confirmation_email": { "subject": null, "status": null, "reply_to_email": "" } }),
        );
        assert!(e.is_empty());
        assert_eq!(s.confirmation_email.subject, None);
        assert_eq!(s.confirmation_email.status, 1);
        assert_eq!(s.confirmation_email.reply_to_email, None);
    }

    #[test]
    fn validates_values() {
        let mut s = EmailSettings::default();
        let e = applied(
            &mut s,
            json!({
                "confirmation_email": {
                    "status": 2,
                    "subject": "s".repeat(256),
                    "reply_to_email": "not-an-email",
                    "reply_to_name": "n".repeat(256),
                    "body": "b".repeat(MAX_BODY_CHARS + 1),
                    "custom_html": "h".repeat(MAX_BODY_CHARS + 1),
                    "logo_image_url": "http://example.com/logo.png"
                },
                "verification_email": { "body": "v".repeat(MAX_BODY_CHARS + 1) }
            }),
        );
        let fields: Vec<&str> = e.iter().map(|(f, _)| f).collect();
        assert_eq!(
            fields,
            [
                "confirmation_email.body",
                "confirmation_email.custom_html",
                "confirmation_email.logo_image_url",
                "confirmation_email.reply_to_email",
                "confirmation_email.reply_to_name",
                "confirmation_email.status",
                "confirmation_email.subject",
                "verification_email.body"
            ]
        );
        // Limits count characters, not bytes.
        let e = applied(&mut s, json!({ "confirmation_email": { "subject": "é".repeat(255) } }));
        assert!(e.is_empty());
        for bad in [
            json!({ "confirmation_email": { "status": "1" } }),
            json!({ "verification_email": { "enabled": 1 } }),
            json!({ "confirmation_email": { "subject": 5 } }),
            json!({ "confirmation_email": [] }),
            json!({ "verification_email": [true] }),
        ] {
            assert!(
                serde_json::from_value::<EmailSettingsPatch>(bad.clone()).is_err(),
                "{bad}"
            );
        }
    }
}
