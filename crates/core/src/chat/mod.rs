//! Chat giveaways (`/external`): a partner's chat platform creates a giveaway in its rooms, its
//! users join through the partner's backend or the chat widget, and winners are drawn at the end.
//! Here: input validation, id lists, eligibility, status and our own strings.

pub mod i18n;
pub mod ids;
pub mod input;
pub mod rules;

pub use input::{ChatGiveawaySpec, Image, Raw, Validated, validate_create, validate_patch};
pub use rules::{ChatStatus, Profile, ProfileFields, Refusal, Rules, accepts_participants, parse_profile};
