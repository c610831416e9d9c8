//! Winners who must claim (issue 15): a giveaway's claim rules, the answers a winner gives, and
//! the rule that picks who replaces a winner who forfeits.
//!
//! The replacement rule is the heart of it: a forfeited win goes to the first alternate of the
//! same draw, in the order the certificate lists its extras, who has not held a win of this
//! giveaway and is still eligible. Nothing is drawn again while an alternate is left, so the
//! organiser cannot choose a replacement: the order was fixed, and published, by the draw.

use crate::validation::FieldErrors;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// The longest claim deadline: 90 days.
pub const MAX_DEADLINE_HOURS: i64 = 24 * 90;
/// Questions a giveaway may ask its winners.
pub const MAX_QUESTIONS: usize = 10;
const MAX_LABEL: usize = 200;
const MAX_ANSWER: usize = 2_000;
/// A disqualification's reason, as the audit keeps it.
pub const MAX_REASON: usize = 500;

/// How the winner learns they must claim.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimNotify {
    /// The winner e-mail carries the claim link.
    #[default]
    Email,
    /// The `winner.picked` webhook carries the claim link; the organiser tells the winner.
    Webhook,
    /// Both.
    EmailAndWebhook,
}

impl ClaimNotify {
    pub fn by_email(self) -> bool {
        matches!(self, ClaimNotify::Email | ClaimNotify::EmailAndWebhook)
    }

    pub fn by_webhook(self) -> bool {
        matches!(self, ClaimNotify::Webhook | ClaimNotify::EmailAndWebhook)
    }

    fn parse(s: &str) -> Option<ClaimNotify> {
        match s {
            "email" => Some(ClaimNotify::Email),
            "webhook" => Some(ClaimNotify::Webhook),
            "email_and_webhook" => Some(ClaimNotify::EmailAndWebhook),
            _ => None,
        }
    }
}

/// What kind of answer a question takes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// One line.
    #[default]
    Text,
    /// Several lines (a shipping address).
    LongText,
    /// A confirmation ("I am 18 or older"); answered "yes" when ticked.
    Checkbox,
    /// A calendar date, YYYY-MM-DD (a date of birth).
    Date,
}

/// One question a winner answers to claim.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimQuestion {
    /// The answer's key: lowercase letters, digits and `_`.
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub kind: QuestionKind,
    #[serde(default)]
    pub required: bool,
}

/// A giveaway's claim rules, stored with it. `deadline_hours` 0 means winners need not claim.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimConfig {
    pub deadline_hours: i64,
    #[serde(default)]
    pub questions: Vec<ClaimQuestion>,
    #[serde(default)]
    pub notify: ClaimNotify,
}

/// The claim fields of a giveaway's create or update body; the ones present replace the
/// current ones.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ClaimPatch {
    /// Hours a winner has to claim, 1 to 2160; 0 turns claiming off.
    pub claim_deadline_hours: Option<i64>,
    pub claim_questions: Option<Vec<ClaimQuestion>>,
    /// email (default), webhook or email_and_webhook.
    pub claim_notify: Option<String>,
}

impl ClaimPatch {
    pub fn is_empty(&self) -> bool {
        self.claim_deadline_hours.is_none() && self.claim_questions.is_none() && self.claim_notify.is_none()
    }
}

impl ClaimConfig {
    /// Whether winners must claim.
    pub fn required(&self) -> bool {
        self.deadline_hours > 0
    }

    /// The deadline of a win made at `now` (Unix ms).
    pub fn deadline_from(&self, now: i64) -> i64 {
        now.saturating_add(self.deadline_hours.saturating_mul(3_600_000))
    }

    /// Applies a patch, reporting every problem under its field name.
    pub fn apply(mut self, p: ClaimPatch) -> Result<ClaimConfig, FieldErrors> {
        let mut errors = FieldErrors::new();
        if let Some(h) = p.claim_deadline_hours {
            if (0..=MAX_DEADLINE_HOURS).contains(&h) {
                self.deadline_hours = h;
            } else {
                errors.add(
                    "claim_deadline_hours",
                    format!("Must be between 1 and {MAX_DEADLINE_HOURS} hours, or 0 to not require a claim."),
                );
            }
        }
        if let Some(n) = p.claim_notify {
            match ClaimNotify::parse(n.trim()) {
                Some(n) => self.notify = n,
                None => errors.add(
                    "claim_notify",
                    "Must be \"email\", \"webhook\" or \"email_and_webhook\".",
                ),
            }
        }
        if let Some(questions) = p.claim_questions {
            check_questions(&questions, &mut errors);
            self.questions = questions
                .into_iter()
                .map(|q| ClaimQuestion {
                    id: q.id.trim().to_owned(),
                    label: q.label.trim().to_owned(),
                    ..q
                })
                .collect();
        }
        errors.into_result().map(|()| self)
    }

    /// Checks a winner's answers (question id → text as sent) against the questions: every
    /// required one answered, none unknown, each in its kind's form. Returns the answers to
    /// store, trimmed, a ticked checkbox as "yes", unanswered optional ones left out.
    pub fn answers(&self, raw: &BTreeMap<String, String>) -> Result<BTreeMap<String, String>, FieldErrors> {
        let mut errors = FieldErrors::new();
        for key in raw.keys() {
            if !self.questions.iter().any(|q| &q.id == key) {
                errors.add(format!("answers.{key}"), "This giveaway asks no such question.");
            }
        }
        let mut out = BTreeMap::new();
        for q in &self.questions {
            let field = format!("answers.{}", q.id);
            let value = raw.get(&q.id).map(|v| v.trim()).unwrap_or_default();
            let value = match q.kind {
                QuestionKind::Checkbox => match value.to_ascii_lowercase().as_str() {
                    "" | "false" | "no" | "off" | "0" => "",
                    "true" | "yes" | "on" | "1" => "yes",
                    _ => {
                        errors.add(field, "Tick the box or leave it empty.");
                        continue;
                    }
                },
                QuestionKind::Date if !value.is_empty() => {
                    if value.parse::<jiff::civil::Date>().is_err() || value.len() != 10 {
                        errors.add(field, "Must be a date written YYYY-MM-DD.");
                        continue;
                    }
                    value
                }
                QuestionKind::Text if value.contains('\n') => {
                    errors.add(field, "Must be one line.");
                    continue;
                }
                _ => value,
            };
            if value.is_empty() {
                if q.required {
                    errors.add(field, "This answer is required.");
                }
                continue;
            }
            if value.chars().count() > MAX_ANSWER {
                errors.add(field, format!("Must be at most {MAX_ANSWER} characters."));
                continue;
            }
            out.insert(q.id.clone(), value.to_owned());
        }
        errors.into_result().map(|()| out)
    }
}

fn check_questions(questions: &[ClaimQuestion], errors: &mut FieldErrors) {
    if questions.len() > MAX_QUESTIONS {
        errors.add("claim_questions", format!("At most {MAX_QUESTIONS} questions."));
    }
    let mut seen = HashSet::new();
    for (i, q) in questions.iter().enumerate() {
        let id = q.id.trim();
        let ok = (1..=40).contains(&id.len())
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !ok {
            errors.add(
                format!("claim_questions.{i}.id"),
                "Must be 1 to 40 lowercase letters, digits or _.",
            );
        } else if !seen.insert(id) {
            errors.add(format!("claim_questions.{i}.id"), "Each question needs its own id.");
        }
        let label = q.label.trim();
        if label.is_empty() || label.chars().count() > MAX_LABEL {
            errors.add(
                format!("claim_questions.{i}.label"),
                format!("Must be 1 to {MAX_LABEL} characters."),
            );
        }
    }
}

/// Where a win stands. `None` in storage: no claim was required.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClaimStatus {
    Pending,
    Claimed,
    Expired,
    Disqualified,
}

impl ClaimStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimStatus::Pending => "pending",
            ClaimStatus::Claimed => "claimed",
            ClaimStatus::Expired => "expired",
            ClaimStatus::Disqualified => "disqualified",
        }
    }

    /// Why a win in this state cannot be claimed; `None` while it is pending. The words every
    /// surface answers with (a 409).
    pub fn refusal(self) -> Option<&'static str> {
        match self {
            ClaimStatus::Pending => None,
            ClaimStatus::Claimed => Some("This prize is already claimed."),
            ClaimStatus::Expired => Some("The deadline to claim this prize has passed."),
            ClaimStatus::Disqualified => Some("This win was withdrawn by the organiser."),
        }
    }

    pub fn parse(s: &str) -> Option<ClaimStatus> {
        [
            ClaimStatus::Pending,
            ClaimStatus::Claimed,
            ClaimStatus::Expired,
            ClaimStatus::Disqualified,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }
}

/// Why a win was forfeited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Forfeit {
    /// Not claimed by the deadline.
    Expired,
    /// The organiser disqualified the winner.
    Disqualified,
}

impl Forfeit {
    pub fn as_str(self) -> &'static str {
        self.status().as_str()
    }

    pub fn status(self) -> ClaimStatus {
        match self {
            Forfeit::Expired => ClaimStatus::Expired,
            Forfeit::Disqualified => ClaimStatus::Disqualified,
        }
    }
}

/// Who replaces a forfeited win.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Replacement {
    /// The alternate at `position` (0-based) in the certificate's extras.
    Alternate { position: usize, candidate_id: String },
    /// No alternate is left: a new round is to be drawn.
    Exhausted,
}

/// The promotion rule. `alternates` are the draw's extras in certificate order; `has_won` says
/// whether a candidate has already held a win of this giveaway (of any status: a winner who
/// forfeited never comes back); `eligible` whether they may still win (active, verified). The
/// first alternate with no win and still eligible is promoted; when none is, a new round.
pub fn next_alternate(
    alternates: &[String],
    has_won: impl Fn(&str) -> bool,
    eligible: impl Fn(&str) -> bool,
) -> Replacement {
    alternates
        .iter()
        .enumerate()
        .find(|(_, id)| !has_won(id) && eligible(id))
        .map_or(Replacement::Exhausted, |(position, id)| Replacement::Alternate {
            position,
            candidate_id: id.clone(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ids(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("a{i}")).collect()
    }

    #[test]
    fn the_first_unused_eligible_alternate_is_promoted() {
        let alts = ids(4);
        let won: HashSet<&str> = ["a0"].into();
        let banned: HashSet<&str> = ["a1"].into();
        let r = next_alternate(&alts, |id| won.contains(id), |id| !banned.contains(id));
        assert_eq!(
            r,
            Replacement::Alternate {
                position: 2,
                candidate_id: "a2".into()
            }
        );
        assert_eq!(next_alternate(&[], |_| false, |_| true), Replacement::Exhausted);
        assert_eq!(next_alternate(&alts, |_| true, |_| true), Replacement::Exhausted);
    }

    #[test]
    fn config_validation() {
        let p = |v: serde_json::Value| ClaimConfig::default().apply(serde_json::from_value(v).unwrap());
        let c = p(serde_json::json!({
            "claim_deadline_hours": 48,
            "claim_notify": "email_and_webhook",
            "claim_questions": [
                { "id": "address", "label": " Shipping address ", "kind": "long_text", "required": true },
                { "id": "adult", "label": "I am 18 or older", "kind": "checkbox", "required": true }
            ]
        }))
        .unwrap();
        assert!(c.required() && c.notify.by_email() && c.notify.by_webhook());
        assert_eq!(c.questions[0].label, "Shipping address");
        assert_eq!(c.deadline_from(1_000), 1_000 + 48 * 3_600_000);
        let e = p(serde_json::json!({
            "claim_deadline_hours": -1, "claim_notify": "sms",
            "claim_questions": [{ "id": "A b", "label": "" }, { "id": "x", "label": "x" }, { "id": "x", "label": "y" }]
        }))
        .unwrap_err();
        let fields: Vec<&str> = e.iter().map(|(f, _)| f).collect();
        for f in [
            "claim_deadline_hours",
            "claim_notify",
            "claim_questions.0.id",
            "claim_questions.0.label",
            "claim_questions.2.id",
        ] {
            assert!(fields.contains(&f), "{f} in {fields:?}");
        }
        assert!(!p(serde_json::json!({ "claim_deadline_hours": 0 })).unwrap().required());
    }

    #[test]
    fn answers_are_checked_by_kind() {
        let c = ClaimConfig::default()
            .apply(
                serde_json::from_value(serde_json::json!({
                    "claim_deadline_hours": 1,
                    "claim_questions": [
                        { "id": "address", "label": "Address", "kind": "long_text", "required": true },
                        { "id": "adult", "label": "18+", "kind": "checkbox", "required": true },
                        { "id": "born", "label": "Born", "kind": "date" },
                        { "id": "nick", "label": "Nick" }
                    ]
                }))
                .unwrap(),
            )
            .unwrap();
        let a = |pairs: &[(&str, &str)]| {
            c.answers(&pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
        };
        let ok = a(&[("address", " 1 Main St\nSpringfield "), ("adult", "on")]).unwrap();
        assert_eq!(ok["address"], "1 Main St\nSpringfield");
        assert_eq!(ok["adult"], "yes");
        assert!(!ok.contains_key("born"));
        let e = a(&[("adult", ""), ("born", "31/12/2000"), ("nick", "a\nb"), ("other", "x")]).unwrap_err();
        let fields: Vec<&str> = e.iter().map(|(f, _)| f).collect();
        for f in [
            "answers.address",
            "answers.adult",
            "answers.born",
            "answers.nick",
            "answers.other",
        ] {
            assert!(fields.contains(&f), "{f} in {fields:?}");
        }
    }

    proptest! {
        /// Forfeiting wins one after another promotes the alternates in certificate order, each
        /// at most once, skipping exactly the ineligible ones, and then asks for a new round.
        #[test]
        fn alternates_are_promoted_in_order_once_each(
            n in 0usize..30,
            ineligible in proptest::collection::hash_set(0usize..30, 0..10),
            already in proptest::collection::hash_set(0usize..30, 0..5),
        ) {
            let alts = ids(n);
            let mut won: HashSet<String> = already.iter().map(|i| format!("a{i}")).collect();
            let bad: HashSet<String> = ineligible.iter().map(|i| format!("a{i}")).collect();
            let mut promoted = Vec::new();
            while let Replacement::Alternate { position, candidate_id } =
                next_alternate(&alts, |id| won.contains(id), |id| !bad.contains(id))
            {
                prop_assert_eq!(&alts[position], &candidate_id);
                prop_assert!(won.insert(candidate_id));
                promoted.push(position);
            }
            let expected: Vec<usize> = (0..n)
                .filter(|i| !ineligible.contains(i) && !already.contains(i))
                .collect();
            prop_assert_eq!(promoted, expected);
        }

        /// The rule depends only on the order and the two predicates: the candidate chosen is
        /// the lowest position that qualifies.
        #[test]
        fn the_choice_is_the_lowest_qualifying_position(
            flags in proptest::collection::vec((any::<bool>(), any::<bool>()), 0..40),
        ) {
            let alts = ids(flags.len());
            let r = next_alternate(
                &alts,
                |id| flags[id[1..].parse::<usize>().unwrap()].0,
                |id| flags[id[1..].parse::<usize>().unwrap()].1,
            );
            let lowest = flags.iter().position(|(won, ok)| !won && *ok);
            match (r, lowest) {
                (Replacement::Alternate { position, .. }, Some(p)) => prop_assert_eq!(position, p),
                (Replacement::Exhausted, None) => {}
                (r, l) => prop_assert!(false, "{:?} vs {:?}", r, l),
            }
        }
    }
}
