//! Prizes: what a giveaway gives away, how many winners each can go to, and the redemption
//! codes handed to those winners one by one. Codes go in and are handed out, but are never read
//! back to the client: only their counts are.
//!
//! The API names a prize by its per-giveaway number (`prize_id` 1, 2, 3…); winners and codes
//! refer to the global id.

use super::audit::{audit_event, changed_fields};
use super::{Engine, EngineError, EngineResult, Principal};
use fairdraw_core::validation::{Email, FieldErrors, max_len, text};
use fairdraw_store::StoreError;
use fairdraw_store::prizes::{PrizeFields, PrizeRow};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

pub const MAX_WINNERS_PER_PRIZE: i64 = 100_000;
pub const MAX_CODES: usize = 100_000;
const MAX_CODE_LEN: usize = 255;
const MAX_INSTRUCTIONS_LEN: usize = 10_000;
const DEFAULT_CURRENCY: &str = "USD";

/// The body of a create or update request. Every field is optional here; creation checks the
/// required ones. Unknown fields are ignored.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct PrizeInput {
    /// Required on create; at most 255 characters.
    pub prize_name: Option<String>,
    /// Required on create; 1 to 100,000.
    pub prize_winners_allowed: Option<i64>,
    pub prize_value: Option<String>,
    /// ISO 4217, any case (default: USD).
    pub prize_currency: Option<String>,
    pub redemption_switch: Option<bool>,
    /// Newline-separated. On update, replaces the codes not yet handed to winners.
    pub redemption_codes: Option<String>,
    pub redemption_instructions: Option<String>,
    pub redemption_subject: Option<String>,
    pub redemption_reply_to_email: Option<String>,
    pub redemption_reply_to_name: Option<String>,
}

/// An active prize with its live counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prize {
    /// The global id, which winners and codes refer to.
    pub id: i64,
    /// The per-giveaway number the API calls `prize_id`.
    pub number: i64,
    pub name: String,
    pub value: Option<String>,
    pub currency: String,
    pub winners_allowed: i64,
    pub winners_redeemed: i64,
    pub order: i64,
    pub redemption_switch: bool,
    pub redemption_instructions: Option<String>,
    pub redemption_subject: Option<String>,
    pub redemption_reply_to_email: Option<String>,
    pub redemption_reply_to_name: Option<String>,
    pub codes_total: i64,
    pub codes_available: i64,
}

impl Prize {
    /// How many more winners this prize can go to.
    pub fn remaining(&self) -> i64 {
        (self.winners_allowed - self.winners_redeemed).max(0)
    }

    pub fn has_redemption_codes(&self) -> bool {
        self.codes_total > 0
    }

    fn fields(&self) -> PrizeFields {
        PrizeFields {
            name: self.name.clone(),
            value: self.value.clone(),
            currency: self.currency.clone(),
            winners_allowed: self.winners_allowed,
            redemption_switch: self.redemption_switch,
            redemption_instructions: self.redemption_instructions.clone(),
            redemption_subject: self.redemption_subject.clone(),
            redemption_reply_to_email: self.redemption_reply_to_email.clone(),
            redemption_reply_to_name: self.redemption_reply_to_name.clone(),
        }
    }
}

impl From<PrizeRow> for Prize {
    fn from(r: PrizeRow) -> Prize {
        Prize {
            id: r.id,
            number: r.prize_number,
            name: r.name,
            value: r.value,
            currency: r.currency,
            winners_allowed: r.winners_allowed,
            winners_redeemed: r.winners_redeemed,
            order: r.prize_order,
            redemption_switch: r.redemption_switch != 0,
            redemption_instructions: r.redemption_instructions,
            redemption_subject: r.redemption_subject,
            redemption_reply_to_email: r.redemption_reply_to_email,
            redemption_reply_to_name: r.redemption_reply_to_name,
            codes_total: r.codes_total,
            codes_available: r.codes_available,
        }
    }
}

fn not_found(e: StoreError) -> EngineError {
    match e {
        StoreError::NotFound => EngineError::NotFound("Prize"),
        other => other.into(),
    }
}

impl Engine {
    pub async fn list_prizes(&self, who: &Principal, giveaway_id: i64) -> EngineResult<Vec<Prize>> {
        let g = self.owned_giveaway(who, giveaway_id).await?;
        self.active_prizes(g.id()).await
    }

    pub async fn create_prize(&self, who: &Principal, giveaway_id: i64, input: PrizeInput) -> EngineResult<Prize> {
        let g = self.owned_giveaway(who, giveaway_id).await?;
        let mut errors = FieldErrors::new();
        if input.prize_name.is_none() {
            errors.add("prize_name", "Prize name is required.");
        }
        if input.prize_winners_allowed.is_none() {
            errors.add("prize_winners_allowed", "Prize winners allowed is required.");
        }
        let base = PrizeFields {
            name: String::new(),
            value: None,
            currency: DEFAULT_CURRENCY.to_owned(),
            winners_allowed: 1,
            redemption_switch: false,
            redemption_instructions: None,
            redemption_subject: None,
            redemption_reply_to_email: None,
            redemption_reply_to_name: None,
        };
        let (fields, codes) = apply(base, input, &mut errors);
        errors.into_result()?;
        let codes = codes.unwrap_or_default();
        // How many codes, never the codes: each is a winner's to redeem.
        let audit = audit_event(who, "prize.created", Some(g.id()), json!({ "codes": codes.len() }));
        let number = self
            .db()
            .insert_prize(g.id(), &fields, &codes, &audit, self.now_ms())
            .await?;
        Ok(self.db().prize(g.id(), number).await?.into())
    }

    /// Changes the fields given. New codes replace the ones not yet handed out; codes already
    /// given to winners stay theirs.
    pub async fn update_prize(
        &self,
        who: &Principal,
        giveaway_id: i64,
        number: i64,
        input: PrizeInput,
    ) -> EngineResult<Prize> {
        let g = self.owned_giveaway(who, giveaway_id).await?;
        let current: Prize = self.db().prize(g.id(), number).await.map_err(not_found)?.into();
        let mut errors = FieldErrors::new();
        // Only a new limit is held to the winners already drawn: renaming a prize that is
        // over-subscribed (manual winners may exceed it) must still work.
        let limit_given = input.prize_winners_allowed.is_some();
        let (fields, codes) = apply(current.fields(), input, &mut errors);
        if limit_given && fields.winners_allowed < current.winners_redeemed {
            errors.add(
                "prize_winners_allowed",
                format!(
                    "Must be at least {}, the number of winners who already hold this prize.",
                    current.winners_redeemed
                ),
            );
        }
        errors.into_result()?;
        let before = current.fields();
        let mut changed = changed_fields([
            ("prize_name", fields.name != before.name),
            (
                "prize_winners_allowed",
                fields.winners_allowed != before.winners_allowed,
            ),
            ("prize_value", fields.value != before.value),
            ("prize_currency", fields.currency != before.currency),
            (
                "redemption_switch",
                fields.redemption_switch != before.redemption_switch,
            ),
            (
                "redemption_instructions",
                fields.redemption_instructions != before.redemption_instructions,
            ),
            (
                "redemption_subject",
                fields.redemption_subject != before.redemption_subject,
            ),
            (
                "redemption_reply_to_email",
                fields.redemption_reply_to_email != before.redemption_reply_to_email,
            ),
            (
                "redemption_reply_to_name",
                fields.redemption_reply_to_name != before.redemption_reply_to_name,
            ),
        ]);
        let mut details = json!({ "prize_id": number });
        if let Some(codes) = &codes {
            changed.push("redemption_codes");
            details["codes"] = json!(codes.len());
        }
        details["changed"] = json!(changed);
        let audit = audit_event(who, "prize.updated", Some(g.id()), details);
        self.db()
            .update_prize(current.id, &fields, codes.as_deref(), &audit, self.now_ms())
            .await
            .map_err(not_found)?;
        Ok(self.db().prize(g.id(), number).await.map_err(not_found)?.into())
    }

    /// Archives a prize: it leaves the list and can no longer be awarded; winners who hold it
    /// keep it.
    pub async fn delete_prize(&self, who: &Principal, giveaway_id: i64, number: i64) -> EngineResult<()> {
        let g = self.owned_giveaway(who, giveaway_id).await?;
        let audit = audit_event(who, "prize.deleted", Some(g.id()), json!({ "prize_id": number }));
        self.db()
            .archive_prize(g.id(), number, &audit, self.now_ms())
            .await
            .map_err(not_found)
    }

    /// The giveaway's active prizes in prize order, each with its remaining capacity
    /// ([`Prize::remaining`]). For awarding winners: the caller has already checked ownership.
    pub async fn active_prizes(&self, giveaway_id: i64) -> EngineResult<Vec<Prize>> {
        let rows = self.db().list_prizes(giveaway_id).await?;
        Ok(rows.into_iter().map(Prize::from).collect())
    }

    /// Hands the next unassigned redemption code of a prize (global id) to a winner, atomically;
    /// `None` when none is left. Asking again for the same winner returns the code it holds.
    pub async fn take_redemption_code(&self, prize_id: i64, winner_id: i64) -> EngineResult<Option<String>> {
        Ok(self.db().take_prize_code(prize_id, winner_id, self.now_ms()).await?)
    }
}

/// Validates the fields present in `input` onto `f`, collecting every problem. Returns the new
/// fields, and the parsed codes when `redemption_codes` was given.
fn apply(mut f: PrizeFields, input: PrizeInput, errors: &mut FieldErrors) -> (PrizeFields, Option<Vec<String>>) {
    if let Some(name) = input.prize_name {
        text(errors, "prize_name", "Prize name", &name, 255);
        f.name = name.trim().to_owned();
    }
    if let Some(n) = input.prize_winners_allowed {
        if (1..=MAX_WINNERS_PER_PRIZE).contains(&n) {
            f.winners_allowed = n;
        } else {
            errors.add(
                "prize_winners_allowed",
                format!("Must be between 1 and {MAX_WINNERS_PER_PRIZE}."),
            );
        }
    }
    if let Some(v) = input.prize_value {
        max_len(errors, "prize_value", "Prize value", Some(&v), 255);
        f.value = non_empty(v.trim());
    }
    if let Some(c) = input.prize_currency {
        match currency(&c) {
            Some(code) => f.currency = code,
            None => errors.add(
                "prize_currency",
                "Must be a 3-letter ISO 4217 currency code such as USD.",
            ),
        }
    }
    if let Some(s) = input.redemption_switch {
        f.redemption_switch = s;
    }
    let codes = input.redemption_codes.map(|raw| parse_codes(&raw, errors));
    if let Some(v) = input.redemption_instructions {
        max_len(
            errors,
            "redemption_instructions",
            "Redemption instructions",
            Some(&v),
            MAX_INSTRUCTIONS_LEN,
        );
        f.redemption_instructions = non_empty(&v);
    }
    if let Some(v) = input.redemption_subject {
        max_len(errors, "redemption_subject", "Redemption subject", Some(&v), 255);
        f.redemption_subject = non_empty(&v);
    }
    if let Some(v) = input.redemption_reply_to_email {
        f.redemption_reply_to_email = reply_to(errors, "redemption_reply_to_email", &v);
    }
    if let Some(v) = input.redemption_reply_to_name {
        max_len(errors, "redemption_reply_to_name", "Reply-to name", Some(&v), 255);
        f.redemption_reply_to_name = non_empty(v.trim());
    }
    (f, codes)
}

/// Blank clears an optional text; anything else is kept as given.
pub(crate) fn non_empty(v: &str) -> Option<String> {
    (!v.trim().is_empty()).then(|| v.to_owned())
}

/// An optional reply-to address: blank clears it, anything else must be an e-mail address.
pub(crate) fn reply_to(errors: &mut FieldErrors, field: &str, raw: &str) -> Option<String> {
    if raw.trim().is_empty() {
        return None;
    }
    match Email::parse(raw) {
        Ok(e) => Some(e.into_string()),
        Err(_) => {
            errors.add(field, "Must be a valid e-mail address.");
            None
        }
    }
}

/// One code per line (`\n` or `\r\n`), trimmed, blank lines skipped.
fn parse_codes(raw: &str, errors: &mut FieldErrors) -> Vec<String> {
    let codes: Vec<String> = raw
        .lines()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect();
    if codes.len() > MAX_CODES {
        errors.add(
            "redemption_codes",
            format!("At most {MAX_CODES} redemption codes are allowed; got {}.", codes.len()),
        );
    } else if let Some(i) = codes.iter().position(|c| c.chars().count() > MAX_CODE_LEN) {
        errors.add(
            "redemption_codes",
            format!(
                "Each redemption code must be at most {MAX_CODE_LEN} characters (code {} is longer).",
                i + 1
            ),
        );
    }
    codes
}

/// The ISO 4217 code for `raw` in any case, if it names a currency in circulation.
fn currency(raw: &str) -> Option<String> {
    let code = raw.trim().to_ascii_uppercase();
    ISO_4217.binary_search(&code.as_str()).is_ok().then_some(code)
}

/// ISO 4217 codes of currencies in circulation (no funds, metals or test codes), sorted.
const ISO_4217: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF",
    "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CLP", "CNY", "COP", "CRC",
    "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS",
    "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD",
    "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL",
    "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MYR", "MZN", "NAD",
    "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD",
    "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP",
    "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS", "VED",
    "VES", "VND", "VUV", "WST", "XAF", "XCD", "XCG", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn input(v: serde_json::Value) -> PrizeInput {
        serde_json::from_value(v).unwrap()
    }

    fn base() -> PrizeFields {
        PrizeFields {
            name: "Prize".to_owned(),
            value: None,
            currency: DEFAULT_CURRENCY.to_owned(),
            winners_allowed: 1,
            redemption_switch: false,
            redemption_instructions: None,
            redemption_subject: None,
            redemption_reply_to_email: None,
            redemption_reply_to_name: None,
        }
    }

    #[test]
    fn currency_list_is_sorted_and_case_is_normalised() {
        assert!(ISO_4217.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(currency(" eur ").as_deref(), Some("EUR"));
        assert_eq!(currency("jpy").as_deref(), Some("JPY"));
        for bad in ["", "US", "USDD", "XXX", "ABC", "€"] {
            assert_eq!(currency(bad), None, "{bad}");
        }
    }

    #[test]
    fn codes_are_split_trimmed_and_blank_lines_skipped() {
        let mut e = FieldErrors::new();
        let codes = parse_codes("  A1 \r\n\r\nB2\n\n  \nC3\n", &mut e);
        assert!(e.is_empty());
        assert_eq!(codes, ["A1", "B2", "C3"]);
    }

    #[test]
    fn codes_are_limited_in_length_and_number() {
        let mut e = FieldErrors::new();
        parse_codes(&format!("ok\n{}", "x".repeat(256)), &mut e);
        assert!(e.iter().any(|(f, m)| f == "redemption_codes" && m.contains("code 2")));
        let mut e = FieldErrors::new();
        assert_eq!(parse_codes(&"c\n".repeat(MAX_CODES), &mut e).len(), MAX_CODES);
        assert!(e.is_empty());
        parse_codes(&"c\n".repeat(MAX_CODES + 1), &mut e);
        assert!(!e.is_empty());
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let mut e = FieldErrors::new();
        apply(
            base(),
            input(serde_json::json!({
                "prize_name": " ",
                "prize_winners_allowed": 0,
                "prize_value": "v".repeat(256),
                "prize_currency": "dollars",
                "redemption_instructions": "i".repeat(10_001),
                "redemption_subject": "s".repeat(256),
                "redemption_reply_to_email": "not-an-address",
                "redemption_reply_to_name": "n".repeat(256),
            })),
            &mut e,
        );
        let fields: Vec<&str> = e.iter().map(|(f, _)| f).collect();
        assert_eq!(
            fields,
            [
                "prize_currency",
                "prize_name",
                "prize_value",
                "prize_winners_allowed",
                "redemption_instructions",
                "redemption_reply_to_email",
                "redemption_reply_to_name",
                "redemption_subject",
            ]
        );
    }

    #[test]
    fn blank_optionals_clear_and_text_is_kept() {
        let mut f = base();
        f.value = Some("5".to_owned());
        f.redemption_reply_to_email = Some("a@b.co".to_owned());
        let mut e = FieldErrors::new();
        let (f, codes) = apply(
            f,
            input(serde_json::json!({
                "prize_value": "",
                "redemption_reply_to_email": " ",
                "redemption_instructions": "<b>Ünïcødé 🎁</b>\n",
                "prize_winners_allowed": MAX_WINNERS_PER_PRIZE,
            })),
            &mut e,
        );
        assert!(e.is_empty());
        assert_eq!((f.value, f.redemption_reply_to_email), (None, None));
        assert_eq!(f.redemption_instructions.as_deref(), Some("<b>Ünïcødé 🎁</b>\n"));
        assert_eq!(f.winners_allowed, MAX_WINNERS_PER_PRIZE);
        assert!(codes.is_none());
    }
}
