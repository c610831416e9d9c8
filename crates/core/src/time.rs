//! Timestamps as the APIs print them.

use jiff::Timestamp;

/// Milliseconds since the Unix epoch: how every instant is stored.
pub type UnixMillis = i64;

/// `YYYY-MM-DD HH:MM:SS` in UTC, the reference API's format for instants such as `created_at`.
pub fn format_utc(ms: UnixMillis) -> String {
    match Timestamp::from_millisecond(ms) {
        Ok(ts) => ts.strftime("%Y-%m-%d %H:%M:%S").to_string(),
        Err(_) => String::new(),
    }
}

/// ISO 8601 / RFC 3339 in UTC, for machine-facing fields (certificates, webhooks).
pub fn format_rfc3339(ms: UnixMillis) -> String {
    match Timestamp::from_millisecond(ms) {
        Ok(ts) => ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(format_utc(1_710_498_600_000), "2024-03-15 10:30:00");
        assert_eq!(format_rfc3339(0), "1970-01-01T00:00:00Z");
    }
}
