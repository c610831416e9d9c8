//! The events a brand can subscribe a webhook to, and how one occurrence is named.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The nine documented webhook events; `gallery.submitted` (a photo uploaded for a photo
/// contest, waiting for moderation), in the style of `entry.created`; and the three of winners
/// who must claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventKind {
    #[serde(rename = "entry.created")]
    EntryCreated,
    #[serde(rename = "entry.deleted")]
    EntryDeleted,
    #[serde(rename = "participant.created")]
    ParticipantCreated,
    #[serde(rename = "participant.banned")]
    ParticipantBanned,
    #[serde(rename = "participant.disqualified")]
    ParticipantDisqualified,
    #[serde(rename = "winner.picked")]
    WinnerPicked,
    #[serde(rename = "winner.removed")]
    WinnerRemoved,
    #[serde(rename = "giveaway.published")]
    GiveawayPublished,
    #[serde(rename = "giveaway.expired")]
    GiveawayExpired,
    #[serde(rename = "gallery.submitted")]
    GallerySubmitted,
    // Winners who must claim (crate::claims).
    #[serde(rename = "winner.claimed")]
    WinnerClaimed,
    #[serde(rename = "winner.expired")]
    WinnerExpired,
    #[serde(rename = "winner.replaced")]
    WinnerReplaced,
}

impl EventKind {
    pub const ALL: [EventKind; 13] = [
        EventKind::EntryCreated,
        EventKind::EntryDeleted,
        EventKind::ParticipantCreated,
        EventKind::ParticipantBanned,
        EventKind::ParticipantDisqualified,
        EventKind::WinnerPicked,
        EventKind::WinnerRemoved,
        EventKind::GiveawayPublished,
        EventKind::GiveawayExpired,
        EventKind::GallerySubmitted,
        EventKind::WinnerClaimed,
        EventKind::WinnerExpired,
        EventKind::WinnerReplaced,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::EntryCreated => "entry.created",
            EventKind::EntryDeleted => "entry.deleted",
            EventKind::ParticipantCreated => "participant.created",
            EventKind::ParticipantBanned => "participant.banned",
            EventKind::ParticipantDisqualified => "participant.disqualified",
            EventKind::WinnerPicked => "winner.picked",
            EventKind::WinnerRemoved => "winner.removed",
            EventKind::GiveawayPublished => "giveaway.published",
            EventKind::GiveawayExpired => "giveaway.expired",
            EventKind::GallerySubmitted => "gallery.submitted",
            EventKind::WinnerClaimed => "winner.claimed",
            EventKind::WinnerExpired => "winner.expired",
            EventKind::WinnerReplaced => "winner.replaced",
        }
    }

    pub fn parse(s: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl std::fmt::Display for EventKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The id of one occurrence of an event, derived from what caused it (`cause` must name the
/// occurrence uniquely, e.g. `entry.created:4711`). Being derived, not drawn, two instances that
/// race to announce the same occurrence name it alike, and the queue keeps one.
pub fn event_id(cause: &str) -> String {
    let digest = Sha256::digest(cause.as_bytes());
    format!("evt_{}", hex::encode(&digest[..12]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for k in EventKind::ALL {
            assert_eq!(EventKind::parse(k.as_str()), Some(k));
            assert_eq!(serde_json::to_value(k).unwrap(), serde_json::json!(k.as_str()));
        }
        assert_eq!(EventKind::parse("entry.updated"), None);
    }

    #[test]
    fn event_ids_are_stable_and_distinct() {
        assert_eq!(event_id("entry.created:1"), event_id("entry.created:1"));
        assert_ne!(event_id("entry.created:1"), event_id("entry.created:2"));
        assert_eq!(event_id("x").len(), 4 + 24);
    }
}
