//! The bodies of the public calls and their answers, and the validation of an entry.

use super::rules;
use crate::engine::Giveaway;
use fairdraw_core::validation::{Email, FieldErrors, max_len, text};
use jiff::civil::Date;
use serde::Deserialize;
use utoipa::ToSchema;

/// The body of a public entry (`POST /api/public/giveaways/{id}/entries`, the hosted page's
/// form). Unknown fields are ignored.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[schema(as = PublicEntryInput)]
pub struct EntryInput {
    /// The entrant's name.
    #[schema(required = true)]
    pub name: Option<String>,
    /// The entrant's e-mail address (compared in its canonical form: see the duplicate rules).
    #[schema(required = true)]
    pub email: Option<String>,
    /// `YYYY-MM-DD`; required when the giveaway has an age limit.
    pub birthday: Option<String>,
    /// ISO 3166-1 alpha-2 code, as the entrant states it. Where a trusted proxy header or a GeoIP
    /// database is configured, those decide the country rule instead.
    pub country: Option<String>,
    /// Must be `true`: the entrant accepts the giveaway's rules.
    #[schema(required = true)]
    pub consent: Option<bool>,
    /// The captcha widget's token, for giveaways that require a captcha.
    pub captcha_token: Option<String>,
    /// The referral code from the link the entrant followed.
    pub referral_code: Option<String>,
}

/// The body of an action. Unknown fields are ignored.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[schema(as = PublicActionInput)]
pub struct ActionInput {
    /// The token the entry call returned.
    #[schema(required = true)]
    pub participant_token: Option<String>,
    /// The `id` of the giveaway's entry method.
    #[schema(required = true)]
    pub entry_method_id: Option<i64>,
    /// What the method asks for (an answer, a handle, a URL), if anything.
    pub value: Option<String>,
}

/// The answer to an entry.
#[derive(Clone, Debug)]
pub struct Entered {
    pub user_id: String,
    /// The secret that authorises this participant's actions. Only its hash is stored.
    pub participant_token: String,
    pub total_entries: i64,
    pub referral_code: String,
    pub referral_link: String,
    pub is_new_user: bool,
    /// The entries count only once the e-mailed link is followed.
    pub email_verification_required: bool,
}

/// The answer to an action.
#[derive(Clone, Copy, Debug)]
pub struct ActionDone {
    pub total_entries: i64,
    pub entry_id: i64,
}

/// An entry body, validated.
pub(super) struct EntryForm {
    pub(super) name: String,
    pub(super) email: Email,
    pub(super) birthday: Option<Date>,
    pub(super) country: Option<String>,
    pub(super) captcha_token: Option<String>,
    pub(super) referral_code: Option<String>,
}

const MAX_NAME: usize = 255;
pub(super) const MAX_VALUE: usize = 2_000;
const MAX_CODE: usize = 64;

impl EntryForm {
    pub(super) fn parse(input: EntryInput, g: &Giveaway, today: Date) -> Result<EntryForm, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = input.name.unwrap_or_default();
        text(&mut errors, "name", "Name", &name, MAX_NAME);
        let email = match Email::parse(input.email.as_deref().unwrap_or("")) {
            Ok(e) => Some(e),
            Err(message) => {
                errors.add("email", message);
                None
            }
        };
        let birthday = match input.birthday.as_deref().filter(|b| !b.trim().is_empty()) {
            Some(raw) => match rules::parse_birthday(raw, today) {
                Ok(d) => Some(d),
                Err(message) => {
                    errors.add("birthday", message);
                    None
                }
            },
            None if g.rules_config.age_limit > 0 => {
                errors.add("birthday", "Birthday is required: this giveaway has an age limit.");
                None
            }
            None => None,
        };
        let declared = input.country.as_deref().filter(|c| !c.trim().is_empty());
        let country = rules::country_code(declared);
        if declared.is_some() && country.is_none() {
            errors.add("country", "Must be an ISO 3166-1 alpha-2 country code, like US.");
        }
        if input.consent != Some(true) {
            errors.add(
                "consent",
                "You must accept the giveaway's rules to enter (consent: true).",
            );
        }
        max_len(
            &mut errors,
            "referral_code",
            "Referral code",
            input.referral_code.as_deref(),
            MAX_CODE,
        );
        errors.into_result()?;
        Ok(EntryForm {
            name: name.trim().to_owned(),
            email: email.expect("checked above"),
            birthday,
            country,
            captcha_token: input.captcha_token.filter(|t| !t.trim().is_empty()),
            referral_code: input
                .referral_code
                .map(|c| c.trim().to_ascii_lowercase())
                .filter(|c| !c.is_empty()),
        })
    }
}
