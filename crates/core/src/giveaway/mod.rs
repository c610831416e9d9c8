//! Giveaways: their definition, schedule and status, settings and rules, and the validation that
//! turns client input into them.

pub mod definition;
pub mod design;
pub mod emails;
pub mod rules;
pub mod schedule;
pub mod settings;
pub mod slug;
pub mod status;

pub use definition::{GiveawayInput, GiveawaySpec};
pub use rules::{RulesConfig, RulesPatch};
pub use settings::{Settings, SettingsPatch};
pub use status::Status;
