//! A giveaway's status is computed from its draft flag and its schedule at the moment asked,
//! never stored, so it cannot go stale.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Draft,
    Scheduled,
    Live,
    Expired,
}

impl Status {
    pub fn at(is_draft: bool, start_at_ms: i64, end_at_ms: i64, now_ms: i64) -> Status {
        if is_draft {
            Status::Draft
        } else if now_ms < start_at_ms {
            Status::Scheduled
        } else if now_ms < end_at_ms {
            Status::Live
        } else {
            Status::Expired
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Scheduled => "scheduled",
            Status::Live => "live",
            Status::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        [Status::Draft, Status::Scheduled, Status::Live, Status::Expired]
            .into_iter()
            .find(|st| st.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_the_schedule() {
        assert_eq!(Status::at(true, 10, 20, 15), Status::Draft);
        assert_eq!(Status::at(false, 10, 20, 9), Status::Scheduled);
        assert_eq!(Status::at(false, 10, 20, 10), Status::Live);
        assert_eq!(Status::at(false, 10, 20, 19), Status::Live);
        assert_eq!(Status::at(false, 10, 20, 20), Status::Expired);
        assert_eq!(Status::parse("live"), Some(Status::Live));
        assert_eq!(Status::parse("all"), None);
    }
}
