//! Who may join a chat giveaway, and its status. Each rule that refuses has its own
//! [`Refusal`], whose message names the rule, so the partner can tell its user why.

use super::ChatGiveawaySpec;
use super::input::{MAX_STRING, Raw, parse_instant};
use serde_json::Value;
use std::collections::HashSet;

/// A chat giveaway's status. `SOON` and `LIVE` follow from the clock; `FINISHED` (drawn) and
/// `CANCELLED` are stored when they happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum ChatStatus {
    Soon,
    Live,
    Finished,
    Cancelled,
}

impl ChatStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ChatStatus::Soon => "SOON",
            ChatStatus::Live => "LIVE",
            ChatStatus::Finished => "FINISHED",
            ChatStatus::Cancelled => "CANCELLED",
        }
    }

    pub fn parse(s: &str) -> Option<ChatStatus> {
        match s.to_ascii_uppercase().as_str() {
            "SOON" => Some(ChatStatus::Soon),
            "LIVE" => Some(ChatStatus::Live),
            "FINISHED" => Some(ChatStatus::Finished),
            "CANCELLED" => Some(ChatStatus::Cancelled),
            _ => None,
        }
    }

    /// The status now, from the stored outcome (`FINISHED`/`CANCELLED`, or none yet) and the
    /// start. A giveaway whose end has passed stays `LIVE` until its draw (seconds later), but
    /// takes no more participants ([`accepts_participants`]).
    pub fn at(outcome: Option<ChatStatus>, start_at: i64, now: i64) -> ChatStatus {
        match outcome {
            Some(s @ (ChatStatus::Finished | ChatStatus::Cancelled)) => s,
            _ if now < start_at => ChatStatus::Soon,
            _ => ChatStatus::Live,
        }
    }
}

/// Whether a participant may join now.
pub fn accepts_participants(outcome: Option<ChatStatus>, start_at: i64, end_at: i64, now: i64) -> bool {
    ChatStatus::at(outcome, start_at, now) == ChatStatus::Live && now < end_at
}

/// What the partner says about a user when it joins them.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Profile {
    pub user_id: String,
    pub room_id: Option<String>,
    pub name: Option<String>,
    /// Unix ms.
    pub account_created_at: Option<i64>,
    pub message_count: Option<i64>,
    pub badge_ids: Vec<i64>,
}

/// Why a join is refused: one variant per rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    NotLive(ChatStatus),
    Ended,
    RoomNotAllowed,
    UserNotInvited,
    AccountTooNew { min_hours: u32 },
    TooFewMessages { min: u32 },
    NoBadge,
    Full { max: u32 },
}

impl Refusal {
    /// The rule's name, stable for clients.
    pub fn rule(&self) -> &'static str {
        match self {
            Refusal::NotLive(_) | Refusal::Ended => "notLive",
            Refusal::RoomNotAllowed => "roomIds",
            Refusal::UserNotInvited => "userIds",
            Refusal::AccountTooNew { .. } => "minAccountAgeHours",
            Refusal::TooFewMessages { .. } => "minMessages",
            Refusal::NoBadge => "badgeIds",
            Refusal::Full { .. } => "maxParticipants",
        }
    }

    pub fn message(&self) -> String {
        match self {
            Refusal::NotLive(s) => format!("The giveaway is not live (status {}).", s.as_str()),
            Refusal::Ended => "The giveaway is not live: it has ended.".to_owned(),
            Refusal::RoomNotAllowed => "roomIds: this room is not one of the giveaway's rooms.".to_owned(),
            Refusal::UserNotInvited => "userIds: this user is not one of the giveaway's invited users.".to_owned(),
            Refusal::AccountTooNew { min_hours } => {
                format!("minAccountAgeHours: the account must be at least {min_hours} hours old.")
            }
            Refusal::TooFewMessages { min } => format!("minMessages: the user must have sent at least {min} messages."),
            Refusal::NoBadge => "badgeIds: the user holds none of the required badges.".to_owned(),
            Refusal::Full { max } => format!("maxParticipants: the giveaway is full ({max} participants)."),
        }
    }
}

/// The profile fields a giveaway's [`Rules`] look at (see [`Rules::reads`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProfileFields {
    pub room: bool,
    pub account_age: bool,
    pub messages: bool,
    pub badges: bool,
}

/// The rules of one giveaway about the joining user, ready for fast checks.
#[derive(Clone, Debug, Default)]
pub struct Rules {
    rooms: HashSet<String>,
    users: HashSet<String>,
    min_account_age_hours: Option<u32>,
    min_messages: Option<u32>,
    badges: Vec<i64>,
}

impl Rules {
    pub fn of(spec: &ChatGiveawaySpec) -> Rules {
        Rules {
            rooms: spec.room_ids.iter().cloned().collect(),
            users: spec.user_ids.iter().cloned().collect(),
            min_account_age_hours: spec.min_account_age_hours,
            min_messages: spec.min_messages,
            badges: spec.badge_ids.clone(),
        }
    }

    /// Which profile fields these rules look at, so a draw over a million participants reads
    /// only those (the user id is always read).
    pub fn reads(&self) -> ProfileFields {
        ProfileFields {
            room: !self.rooms.is_empty(),
            account_age: self.min_account_age_hours.is_some_and(|h| h > 0),
            messages: self.min_messages.is_some_and(|m| m > 0),
            badges: !self.badges.is_empty(),
        }
    }

    /// The first rule the profile breaks at `now`, if any. Rooms and users are checked first
    /// (who may take part at all), then account age, messages and badges. A rule that needs a
    /// value the partner did not send is broken.
    pub fn check(&self, p: &Profile, now: i64) -> Result<(), Refusal> {
        if !self.rooms.is_empty() && !p.room_id.as_ref().is_some_and(|r| self.rooms.contains(r)) {
            return Err(Refusal::RoomNotAllowed);
        }
        if !self.users.is_empty() && !self.users.contains(&p.user_id) {
            return Err(Refusal::UserNotInvited);
        }
        if let Some(hours) = self.min_account_age_hours.filter(|h| *h > 0) {
            let old_enough = p
                .account_created_at
                .is_some_and(|at| now.saturating_sub(at) >= i64::from(hours) * 3_600_000);
            if !old_enough {
                return Err(Refusal::AccountTooNew { min_hours: hours });
            }
        }
        if let Some(min) = self.min_messages.filter(|m| *m > 0)
            && p.message_count.unwrap_or(0) < i64::from(min)
        {
            return Err(Refusal::TooFewMessages { min });
        }
        if !self.badges.is_empty() && !p.badge_ids.iter().any(|b| self.badges.contains(b)) {
            return Err(Refusal::NoBadge);
        }
        Ok(())
    }
}

/// Validates a participation body (`userId`, `roomId`, `name`, `accountCreatedAt`,
/// `messageCount`, `badgeIds`) into a [`Profile`]; problems name their fields.
pub fn parse_profile(body: &Value) -> Result<Profile, Vec<String>> {
    let mut problems = Vec::new();
    let Some(obj) = body.as_object() else {
        return Err(vec!["the body must be a JSON object".to_owned()]);
    };
    let text = |name: &str, problems: &mut Vec<String>| -> Option<String> {
        match obj.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.chars().count() > MAX_STRING => {
                problems.push(format!(
                    "{name} must be shorter than or equal to {MAX_STRING} characters"
                ));
                None
            }
            Some(Value::String(s)) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
            Some(Value::Number(n)) if name != "name" => Some(n.to_string()),
            Some(_) => {
                problems.push(format!("{name} must be a string"));
                None
            }
        }
    };
    let user_id = text("userId", &mut problems);
    if user_id.is_none() && !problems.iter().any(|m| m.starts_with("userId")) {
        problems.push("userId should not be empty".to_owned());
    }
    let room_id = text("roomId", &mut problems);
    let name = text("name", &mut problems);
    let account_created_at = match obj.get("accountCreatedAt") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => parse_instant(s).or_else(|| {
            problems.push("accountCreatedAt must be a valid ISO 8601 date string with a time zone offset".to_owned());
            None
        }),
        Some(_) => {
            problems.push("accountCreatedAt must be a valid ISO 8601 date string with a time zone offset".to_owned());
            None
        }
    };
    let message_count = match obj.get("messageCount") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) if n.as_i64().is_some_and(|n| n >= 0) => n.as_i64(),
        Some(_) => {
            problems.push("messageCount must be an integer number not less than 0".to_owned());
            None
        }
    };
    let badge_ids = match obj.get("badgeIds") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) if a.iter().all(Value::is_i64) => a.iter().filter_map(Value::as_i64).collect(),
        Some(_) => {
            problems.push("each value in badgeIds must be an integer number".to_owned());
            Vec::new()
        }
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Profile {
        user_id: user_id.unwrap_or_default(),
        room_id,
        name,
        account_created_at,
        message_count,
        badge_ids,
    })
}

/// A boolean query or form value (`true/false/1/0`).
pub fn parse_bool(name: &str, v: &str) -> Result<bool, String> {
    super::input::boolean(name, &Raw::Text(v.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const H: i64 = 3_600_000;

    fn spec() -> ChatGiveawaySpec {
        ChatGiveawaySpec {
            room_ids: vec!["r1".into()],
            user_ids: vec!["u1".into(), "u2".into()],
            min_account_age_hours: Some(24),
            min_messages: Some(5),
            badge_ids: vec![7, 8],
            ..ChatGiveawaySpec::default()
        }
    }

    fn good() -> Profile {
        Profile {
            user_id: "u1".into(),
            room_id: Some("r1".into()),
            name: Some("Ann".into()),
            account_created_at: Some(0),
            message_count: Some(5),
            badge_ids: vec![8],
        }
    }

    #[test]
    fn each_rule_refuses_with_its_own_reason() {
        let rules = Rules::of(&spec());
        let now = 100 * H;
        assert_eq!(rules.check(&good(), now), Ok(()));
        let cases: Vec<(Profile, &str)> = vec![
            (
                Profile {
                    room_id: Some("r2".into()),
                    ..good()
                },
                "roomIds",
            ),
            (
                Profile {
                    room_id: None,
                    ..good()
                },
                "roomIds",
            ),
            (
                Profile {
                    user_id: "u9".into(),
                    ..good()
                },
                "userIds",
            ),
            (
                Profile {
                    account_created_at: Some(now - 23 * H),
                    ..good()
                },
                "minAccountAgeHours",
            ),
            (
                Profile {
                    account_created_at: None,
                    ..good()
                },
                "minAccountAgeHours",
            ),
            (
                Profile {
                    message_count: Some(4),
                    ..good()
                },
                "minMessages",
            ),
            (
                Profile {
                    badge_ids: vec![1],
                    ..good()
                },
                "badgeIds",
            ),
        ];
        for (profile, rule) in cases {
            let refusal = rules.check(&profile, now).unwrap_err();
            assert_eq!(refusal.rule(), rule);
            assert!(refusal.message().starts_with(rule), "{}", refusal.message());
        }
        assert_eq!(Refusal::Full { max: 3 }.rule(), "maxParticipants");
        let open = Rules::of(&ChatGiveawaySpec {
            room_ids: vec!["r1".into()],
            ..ChatGiveawaySpec::default()
        });
        let bare = Profile {
            user_id: "anyone".into(),
            room_id: Some("r1".into()),
            ..Profile::default()
        };
        assert_eq!(open.check(&bare, now), Ok(()));
    }

    #[test]
    fn statuses() {
        use ChatStatus::*;
        assert_eq!(ChatStatus::at(None, 10, 9), Soon);
        assert_eq!(ChatStatus::at(None, 10, 10), Live);
        assert_eq!(ChatStatus::at(Some(Finished), 10, 9), Finished);
        assert_eq!(ChatStatus::at(Some(Cancelled), 10, 11), Cancelled);
        assert!(accepts_participants(None, 10, 20, 15));
        assert!(!accepts_participants(None, 10, 20, 20));
        assert!(!accepts_participants(None, 10, 20, 5));
        assert!(!accepts_participants(Some(Cancelled), 10, 20, 15));
        assert_eq!(ChatStatus::parse("live"), Some(Live));
        assert_eq!(serde_json::to_value(Finished).unwrap(), json!("FINISHED"));
    }

    #[test]
    fn profiles_are_validated() {
        let p = parse_profile(&json!({
            "userId": "u1", "roomId": "r1", "name": "Ann", "accountCreatedAt": "2025-01-01T00:00:00Z",
            "messageCount": 12, "badgeIds": [1, 2]
        }))
        .unwrap();
        assert_eq!(p.message_count, Some(12));
        assert_eq!(p.account_created_at, parse_instant("2025-01-01T00:00:00Z"));
        let e = parse_profile(&json!({ "accountCreatedAt": "yesterday", "messageCount": -1, "badgeIds": ["x"] }))
            .unwrap_err();
        assert_eq!(e.len(), 4, "{e:?}");
        assert!(e[0].starts_with("userId"));
    }
}
