//! Wall-clock times in a giveaway's own IANA time zone, and the instants they name.

use jiff::civil::DateTime;
use jiff::tz::{Disambiguation, TimeZone};

pub const DEFAULT_TIME_ZONE: &str = "America/New_York";
pub const FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// Parses `YYYY-MM-DD HH:MM:SS` (exactly that shape).
pub fn parse_local(text: &str) -> Result<DateTime, &'static str> {
    let t = text.trim();
    let shape_ok = t.len() == 19
        && t.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            10 => b == b' ',
            13 | 16 => b == b':',
            _ => b.is_ascii_digit(),
        });
    if !shape_ok {
        return Err("must be in YYYY-MM-DD HH:MM:SS format");
    }
    DateTime::strptime(FORMAT, t).map_err(|_| "is not a valid date and time")
}

pub fn time_zone(name: &str) -> Result<TimeZone, &'static str> {
    if name.is_empty() || name.len() > 64 {
        return Err("is not a known IANA time zone");
    }
    TimeZone::get(name).map_err(|_| "is not a known IANA time zone")
}

/// The instant (Unix ms) that a wall-clock time names in a zone. Across a DST change, a time
/// that does not exist (the spring-forward gap) moves forward by the gap, and a time that
/// exists twice (the fall-back fold) is the first of the two, as calendar software does.
pub fn to_instant(local: DateTime, tz: &TimeZone) -> Result<i64, &'static str> {
    tz.to_ambiguous_zoned(local)
        .disambiguate(Disambiguation::Compatible)
        .map(|z| z.timestamp().as_millisecond())
        .map_err(|_| "is out of range")
}

pub fn format_local(local: DateTime) -> String {
    local.strftime(FORMAT).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn instant(text: &str, zone: &str) -> i64 {
        to_instant(parse_local(text).unwrap(), &time_zone(zone).unwrap()).unwrap()
    }

    #[test]
    fn parses_only_the_documented_shape() {
        assert!(parse_local("2026-12-01 00:00:00").is_ok());
        for bad in [
            "2026-12-01",
            "2026-12-01T00:00:00",
            "2026-13-01 00:00:00",
            "2026-02-30 10:00:00",
            "x",
        ] {
            assert!(parse_local(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn zones_shift_the_instant() {
        // 2026-06-01 00:00 in New York (EDT, UTC-4) is 04:00 UTC.
        assert_eq!(instant("2026-06-01 00:00:00", "America/New_York"), 1_780_286_400_000);
        assert_eq!(instant("2026-06-01 04:00:00", "UTC"), 1_780_286_400_000);
        assert!(time_zone("Mars/Olympus").is_err());
    }

    #[test]
    fn dst_gap_and_fold() {
        // 2026-03-08 02:30 does not exist in New York; it becomes 03:30 EDT = 07:30 UTC.
        assert_eq!(
            instant("2026-03-08 02:30:00", "America/New_York"),
            instant("2026-03-08 07:30:00", "UTC")
        );
        // 2026-11-01 01:30 happens twice; the first (EDT, UTC-4) is 05:30 UTC.
        assert_eq!(
            instant("2026-11-01 01:30:00", "America/New_York"),
            instant("2026-11-01 05:30:00", "UTC")
        );
    }
}
