//! Why a public call is not carried out: the rules that refuse it, each with a name clients
//! can match on, and the writer's refusals in those terms.

use crate::engine::EngineError;
use fairdraw_core::validation::FieldErrors;
use fairdraw_store::StoreError;
use fairdraw_store::entries::{Outcome, PublicRecorded, PublicRefusal, Recorded, Refusal};

/// The rules a call can be refused by. [`Rule::name`] is what clients match on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// The giveaway has not started or has ended.
    GiveawayLive,
    Country,
    AgeLimit,
    DuplicateIp,
    Vpn,
    EmailDomain,
    Whitelist,
    Blacklist,
    MaxEntriesPerUser,
    MaxParticipants,
    Captcha,
    RateLimit,
    Banned,
    Disqualified,
    /// A non-required method before every required one is done.
    RequiredMethods,
    /// A daily method already done today.
    Daily,
    /// A one-time method already done.
    Once,
}

impl Rule {
    pub fn name(self) -> &'static str {
        match self {
            Rule::GiveawayLive => "giveaway_live",
            Rule::Country => "country",
            Rule::AgeLimit => "age_limit",
            Rule::DuplicateIp => "duplicate_ip",
            Rule::Vpn => "vpn",
            Rule::EmailDomain => "email_domain",
            Rule::Whitelist => "whitelist",
            Rule::Blacklist => "blacklist",
            Rule::MaxEntriesPerUser => "max_entries_per_user",
            Rule::MaxParticipants => "max_participants",
            Rule::Captcha => "captcha",
            Rule::RateLimit => "rate_limit",
            Rule::Banned => "banned",
            Rule::Disqualified => "disqualified",
            Rule::RequiredMethods => "required_methods",
            Rule::Daily => "daily",
            Rule::Once => "once",
        }
    }
}

/// Why a public call was not carried out.
#[derive(Debug, thiserror::Error)]
pub enum PublicError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// A rule refused the call.
    #[error("{message}")]
    Refused {
        rule: Rule,
        message: String,
        /// For [`Rule::RequiredMethods`]: the required methods still to do.
        pending_methods: Vec<i64>,
    },
    /// Too many calls from this address or to this giveaway; retry after this many seconds.
    #[error("Too many requests; please retry in {retry_after}s (rule: rate_limit).")]
    RateLimited { retry_after: i64 },
    /// The captcha cannot be checked now: the provider is unreachable or none is configured.
    #[error("{0}")]
    CaptchaUnavailable(&'static str),
}

impl From<StoreError> for PublicError {
    fn from(e: StoreError) -> Self {
        PublicError::Engine(e.into())
    }
}

impl From<FieldErrors> for PublicError {
    fn from(e: FieldErrors) -> Self {
        PublicError::Engine(e.into())
    }
}

pub(super) fn refused(rule: Rule, message: impl Into<String>) -> PublicError {
    refused_pending(rule, message, Vec::new())
}

/// The message ends with the rule's name, so a person reading it knows what stopped them.
/// Counted in the metrics here; the writer's own refusals are counted by the writer.
pub(super) fn refused_pending(rule: Rule, message: impl Into<String>, pending_methods: Vec<i64>) -> PublicError {
    crate::telemetry::entry_refused(rule.name());
    refusal_error(rule, message, pending_methods)
}

fn refusal_error(rule: Rule, message: impl Into<String>, pending_methods: Vec<i64>) -> PublicError {
    PublicError::Refused {
        rule,
        message: format!("{} (rule: {})", message.into(), rule.name()),
        pending_methods,
    }
}

pub(super) fn internal(message: String) -> PublicError {
    PublicError::Engine(EngineError::Internal(message.into()))
}

pub type PublicResult<T> = Result<T, PublicError>;

impl From<Refusal> for Rule {
    /// The rule a refusal of the writer's transaction stands for.
    fn from(r: Refusal) -> Rule {
        match r {
            Refusal::MaxParticipants => Rule::MaxParticipants,
            Refusal::MaxEntriesPerUser => Rule::MaxEntriesPerUser,
            Refusal::Banned => Rule::Banned,
            Refusal::Disqualified => Rule::Disqualified,
        }
    }
}

pub(super) fn refusal(r: Refusal) -> PublicError {
    match r {
        Refusal::MaxParticipants => refusal_error(
            Rule::MaxParticipants,
            "This giveaway has reached its maximum number of participants.",
            Vec::new(),
        ),
        Refusal::MaxEntriesPerUser => refusal_error(
            Rule::MaxEntriesPerUser,
            "This would take you past the giveaway's maximum entries per person.",
            Vec::new(),
        ),
        Refusal::Banned => refusal_error(Rule::Banned, "You are banned from this giveaway.", Vec::new()),
        Refusal::Disqualified => refusal_error(
            Rule::Disqualified,
            "You are disqualified from this giveaway.",
            Vec::new(),
        ),
    }
}

/// The recording, or the refusal of the writer's transaction.
pub(super) fn accepted(outcome: Outcome) -> PublicResult<(Recorded, PublicRecorded)> {
    let mut recorded = outcome.map_err(refusal)?;
    let public = recorded.public.take().unwrap_or_default();
    match public.refused {
        // The writer counted this one.
        Some(PublicRefusal::DuplicateIp) => Err(refusal_error(Rule::DuplicateIp, DUPLICATE_IP_MESSAGE, Vec::new())),
        None => Ok((recorded, public)),
    }
}

const DUPLICATE_IP_MESSAGE: &str = "Someone has already entered this giveaway from your network address.";

pub(super) fn duplicate_ip() -> PublicError {
    refused(Rule::DuplicateIp, DUPLICATE_IP_MESSAGE)
}
