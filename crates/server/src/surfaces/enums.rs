//! The closed sets of values the API takes and gives, as the OpenAPI document declares them
//! (`enum`). Each schema is built from the list the code itself checks against or writes, so
//! the document cannot offer a value the server refuses, or leave out one it sends: a new
//! variant of a core enum shows up here without a second edit, and one missing from a list
//! written here fails to compile ([`every!`]).
//!
//! The types are schema-only: fields keep their Rust types (so responses are serialised exactly
//! as before) and name these with `#[schema(value_type = …)]` or `#[param(value_type = …)]`.
//! `tests/contract/openapi_enums.rs` checks that every field listed there keeps its enum.

use crate::engine::comment_draws::source::Platform;
use crate::engine::comment_draws::webhooks::{CLAIM_EVENTS, EVENTS};
use crate::engine::rewards::{COUPON_CODE, PRIZE_ENTRY};
use fairdraw_core::account::Plan;
use fairdraw_core::beacon::BeaconKind;
use fairdraw_core::chat::ChatStatus;
use fairdraw_core::claims::{ClaimNotify, ClaimStatus, QuestionKind};
use fairdraw_core::events::EventKind;
use fairdraw_core::gallery::Status as PhotoStatus;
use fairdraw_core::giveaway::definition::COMPETITION_TYPES;
use fairdraw_core::giveaway::status::Status as GiveawayState;

/// Every variant of a field-less enum, in order. The `match` without a wildcard makes a variant
/// added later fail to compile here until it is listed.
macro_rules! every {
    ($ty:ident: $($variant:ident),+ $(,)?) => {{
        let _exhaustive = |v: $ty| match v {
            $($ty::$variant)|+ => (),
        };
        [$($ty::$variant),+]
    }};
}

/// A schema-only type whose schema is a string enum of `values()`.
macro_rules! string_enum {
    ($(#[doc = $doc:literal])+ $name:ident => $values:expr) => {
        $(#[doc = $doc])+
        pub struct $name;

        impl $name {
            /// The values, in the order the document lists them.
            pub fn values() -> Vec<String> {
                $values.into_iter().map(|v| v.to_string()).collect()
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> ::utoipa::openapi::RefOr<::utoipa::openapi::schema::Schema> {
                ::utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(::utoipa::openapi::schema::Type::String)
                    .enum_values(Some($name::values()))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

pub(crate) use string_enum;

/// A schema-only type whose schema is an integer enum of `values()`.
macro_rules! integer_enum {
    ($(#[doc = $doc:literal])+ $name:ident => $values:expr) => {
        $(#[doc = $doc])+
        pub struct $name;

        impl $name {
            /// The values, in the order the document lists them.
            pub fn values() -> Vec<i64> {
                $values.into_iter().collect()
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> ::utoipa::openapi::RefOr<::utoipa::openapi::schema::Schema> {
                ::utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(::utoipa::openapi::schema::Type::Integer)
                    .format(Some(::utoipa::openapi::SchemaFormat::KnownFormat(
                        ::utoipa::openapi::KnownFormat::Int64,
                    )))
                    .enum_values(Some($name::values()))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

/// A table of the accepted spellings of a query parameter and what each means, with the
/// refusal that names them all (in the table's order).
pub struct Choices<T: Copy + 'static> {
    pub name: &'static str,
    pub table: &'static [(&'static str, T)],
}

impl<T: Copy + 'static> Choices<T> {
    pub fn values(&self) -> impl Iterator<Item = &'static str> {
        self.table.iter().map(|(s, _)| *s)
    }

    /// The meaning of `given`, or of `default` when it is absent; `Err` names the choices.
    pub fn pick(&self, given: Option<&str>, default: &str) -> Result<T, String> {
        let wanted = given.unwrap_or(default);
        self.table
            .iter()
            .find(|(s, _)| *s == wanted)
            .map(|(_, t)| *t)
            .ok_or_else(|| {
                format!(
                    "Invalid {}: use one of {}.",
                    self.name,
                    self.values().collect::<Vec<_>>().join(", ")
                )
            })
    }
}

string_enum!(
    /// A giveaway's status, computed from its draft flag and schedule.
    GiveawayStatus => every!(GiveawayState: Draft, Scheduled, Live, Expired).map(GiveawayState::as_str)
);

string_enum!(
    /// How a winner learns they must claim.
    ClaimNotifyName => every!(ClaimNotify: Email, Webhook, EmailAndWebhook).map(serde_name)
);

string_enum!(
    /// Where a win stands when the giveaway requires a claim.
    ClaimStatusName => every!(ClaimStatus: Pending, Claimed, Expired, Disqualified).map(ClaimStatus::as_str)
);

string_enum!(
    /// What kind of answer a claim question takes.
    QuestionKindName => every!(QuestionKind: Text, LongText, Checkbox, Date).map(question_kind_name)
);

/// A claim question's kind as the claim form names it (the same as in the giveaway's
/// `claim_questions`).
pub fn question_kind_name(k: QuestionKind) -> &'static str {
    match k {
        QuestionKind::Text => "text",
        QuestionKind::LongText => "long_text",
        QuestionKind::Checkbox => "checkbox",
        QuestionKind::Date => "date",
    }
}

string_enum!(
    /// The kind of contest a giveaway is.
    CompetitionType => COMPETITION_TYPES
);

string_enum!(
    /// Who can see a giveaway.
    Visibility => ["public", "private"]
);

string_enum!(
    /// Where a photo of a photo contest is in moderation.
    PhotoStatusName => every!(PhotoStatus: Pending, Approved, Rejected).map(PhotoStatus::as_str)
);

string_enum!(
    /// How a winner was chosen: drawn (`random`, with its draw) or picked by hand (`manual`, also
    /// a photo contest's most voted), as the engine records each win.
    WinnerSelection => ["random", "manual"]
);

string_enum!(
    /// What a blacklist value is (`ListValue::kind`).
    ListValueKind => ["email", "ip", "cidr"]
);

string_enum!(
    /// Whether an age limit is a minimum or a maximum age.
    AgeLimitType => ["minimum", "maximum"]
);

string_enum!(
    /// A webhook event of `/v2`.
    EventName => EventKind::ALL.map(EventKind::as_str)
);

string_enum!(
    /// The event of a delivery: a webhook event, or `test` for the test endpoint's delivery.
    DeliveryEvent => EventKind::ALL.map(EventKind::as_str).into_iter().chain(["test"])
);

string_enum!(
    /// A webhook event of `/v1`.
    V1EventName => EVENTS.into_iter().chain(CLAIM_EVENTS)
);

string_enum!(
    /// A billing plan, by its display name.
    PlanName => Plan::ALL.map(Plan::display_name)
);

integer_enum!(
    /// A billing plan, by its numeric id (6 or 7 = Enterprise).
    PlanId => Plan::ALL.map(Plan::id)
);

string_enum!(
    /// The platform of a `/v1` connection.
    PlatformName => Platform::ALL.map(Platform::as_str)
);

string_enum!(
    /// The public beacon a draw waits for.
    BeaconName => every!(BeaconKind: None, Drand).map(BeaconKind::as_str)
);

string_enum!(
    /// The price tier of a `/v1` draw (`CreateDrawInput.tier`).
    DrawTier => ["standard", "premium"]
);

integer_enum!(
    /// A milestone reward's type: 1 = prize entry, 2 = coupon code.
    RewardType => [PRIZE_ENTRY, COUPON_CODE]
);

string_enum!(
    /// A chat giveaway's status.
    ChatStatusName => every!(ChatStatus: Soon, Live, Finished, Cancelled).map(ChatStatus::as_str)
);

/// A value's name as serde writes it (for core enums that name their variants only there).
fn serde_name<T: serde::Serialize>(value: T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        other => panic!("not a unit variant: {other:?}"),
    }
}
