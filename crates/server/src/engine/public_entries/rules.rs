//! The checks behind the `rules_config` rules that need no storage: who is old enough, which
//! country an entrant is in, which e-mail domains are disposable, which addresses belong to VPN
//! and proxy ranges.

use fairdraw_core::giveaway::rules::is_country_code;
use fairdraw_core::lists::{Cidr, canonical_ip};
use jiff::civil::Date;
use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

/// A birthday as the entry form sends it (`YYYY-MM-DD`), not after `today` and not absurdly old.
pub fn parse_birthday(raw: &str, today: Date) -> Result<Date, &'static str> {
    let s = raw.trim();
    let date = match (s.len(), s.parse::<Date>()) {
        (10, Ok(d)) => d,
        _ => return Err("Birthday must be a date like 1990-04-25."),
    };
    if date > today {
        return Err("Birthday cannot be in the future.");
    }
    if age_on(date, today) > 150 {
        return Err("Birthday is not plausible.");
    }
    Ok(date)
}

/// Whole years from `birthday` to `today`. Someone born on 29 February turns a year older on
/// 1 March in other years.
pub fn age_on(birthday: Date, today: Date) -> i32 {
    let mut age = i32::from(today.year()) - i32::from(birthday.year());
    if (today.month(), today.day()) < (birthday.month(), birthday.day()) {
        age -= 1;
    }
    age
}

/// Whether an entrant of `age` passes an age limit (`limit` 0 = none; `kind` "minimum" or
/// "maximum", as `rules_config` stores them).
pub fn age_allowed(age: i32, limit: u32, kind: &str) -> bool {
    let limit = i32::try_from(limit).unwrap_or(i32::MAX);
    match (limit, kind) {
        (0, _) => true,
        (_, "maximum") => age <= limit,
        _ => age >= limit,
    }
}

/// A country code as a header or form gives it, if it names a real country. Edge proxies use
/// codes such as `XX` (unknown) and `T1` (Tor) that are not countries.
pub fn country_code(raw: Option<&str>) -> Option<String> {
    let code = raw?.trim().to_ascii_uppercase();
    is_country_code(&code).then_some(code)
}

/// The country the rule judges: what the configured trusted sources say (the proxy's header,
/// then the GeoIP database). Only when no trusted source is configured does the country the
/// entrant states count.
pub fn judged_country(
    trusted_configured: bool,
    header: Option<String>,
    geoip: Option<String>,
    declared: Option<String>,
) -> Option<String> {
    if trusted_configured { header.or(geoip) } else { declared }
}

/// Whether `country` may enter a giveaway open to `allowed` (empty: worldwide).
pub fn country_allowed(allowed: &[String], country: Option<&str>) -> bool {
    allowed.is_empty() || country.is_some_and(|c| allowed.iter().any(|a| a == c))
}

/// Whether the e-mail's domain, or any domain it is under, is a known disposable-address
/// provider, according to the `mailchecker` list.
pub fn disposable_email(email: &str) -> bool {
    static DOMAINS: OnceLock<HashSet<&'static str>> = OnceLock::new();
    let domains = DOMAINS.get_or_init(|| mailchecker::blacklist().into_iter().collect());
    let Some((_, domain)) = email.rsplit_once('@') else {
        return false;
    };
    let domain = domain.to_ascii_lowercase();
    let mut rest = domain.as_str();
    loop {
        if domains.contains(rest) {
            return true;
        }
        match rest.split_once('.') {
            Some((_, parent)) if parent.contains('.') => rest = parent,
            _ => return false,
        }
    }
}

/// Address ranges, merged and sorted so that a lookup is a binary search however long the
/// lists are. IPv4 ranges are kept as the IPv6 ranges of their mapped addresses, so that one
/// sorted list serves both families.
#[derive(Debug, Default)]
pub struct RangeSet {
    ranges: Vec<(u128, u128)>,
}

impl RangeSet {
    /// Parses list files' text: one CIDR range or address a line; blank lines and everything
    /// after `#` are ignored. Returns the set and the number of lines that were not addresses.
    pub fn parse(text: &str) -> (RangeSet, usize) {
        let mut ranges = Vec::new();
        let mut invalid = 0;
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let cidr = if line.contains('/') {
                Cidr::parse(line)
            } else {
                line.parse::<IpAddr>().ok().map(canonical_ip).and_then(|ip| {
                    let bits = if ip.is_ipv4() { 32 } else { 128 };
                    Cidr::parse(&format!("{ip}/{bits}"))
                })
            };
            let Some(cidr) = cidr else {
                invalid += 1;
                continue;
            };
            let (start, host_bits) = match cidr.network() {
                IpAddr::V4(net) => (u128::from(net.to_ipv6_mapped()), 32 - u32::from(cidr.prefix())),
                IpAddr::V6(net) => (u128::from(net), 128 - u32::from(cidr.prefix())),
            };
            let span = u128::MAX.checked_shr(128 - host_bits).unwrap_or(0);
            ranges.push((start, start | span));
        }
        ranges.sort_unstable();
        let mut merged: Vec<(u128, u128)> = Vec::with_capacity(ranges.len());
        for (start, end) in ranges {
            match merged.last_mut() {
                Some(last) if start <= last.1.saturating_add(1) => last.1 = last.1.max(end),
                _ => merged.push((start, end)),
            }
        }
        (RangeSet { ranges: merged }, invalid)
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let a = match canonical_ip(ip) {
            IpAddr::V4(v4) => u128::from(v4.to_ipv6_mapped()),
            IpAddr::V6(v6) => u128::from(v6),
        };
        // The last range starting at or before `a` is the only one that can hold it.
        let after = self.ranges.partition_point(|(start, _)| *start <= a);
        after > 0 && self.ranges[after - 1].1 >= a
    }

    /// The number of ranges after merging.
    pub fn len(&self) -> usize {
        self.ranges.len()
    }
}

/// The VPN range lists, read once per process for each configured set of files (restart the
/// server to pick up new lists). A file that cannot be read is an error each time it is needed,
/// so the rule is never silently skipped.
pub fn vpn_ranges(files: &[PathBuf]) -> std::io::Result<Arc<RangeSet>> {
    static CACHE: OnceLock<Mutex<HashMap<Vec<PathBuf>, Arc<RangeSet>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Mutex::default);
    if let Some(found) = cache.lock().unwrap_or_else(|p| p.into_inner()).get(files) {
        return Ok(found.clone());
    }
    let mut text = String::new();
    for file in files {
        text.push_str(&std::fs::read_to_string(file).map_err(|e| {
            std::io::Error::new(e.kind(), format!("cannot read VPN range list {}: {e}", file.display()))
        })?);
        text.push('\n');
    }
    let (set, invalid) = RangeSet::parse(&text);
    if invalid > 0 {
        tracing::warn!(
            invalid,
            "VPN range lists have lines that are not addresses or CIDR ranges; skipped"
        );
    }
    tracing::info!(ranges = set.len(), "VPN range lists loaded");
    let set = Arc::new(set);
    cache
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(files.to_vec(), set.clone());
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn ages() {
        let today = date("2026-06-15");
        assert_eq!(age_on(date("2008-06-15"), today), 18);
        assert_eq!(age_on(date("2008-06-16"), today), 17);
        assert_eq!(age_on(date("2008-02-29"), date("2026-02-28")), 17);
        assert_eq!(age_on(date("2008-02-29"), date("2026-03-01")), 18);
        assert!(age_allowed(18, 18, "minimum") && !age_allowed(17, 18, "minimum"));
        assert!(age_allowed(65, 65, "maximum") && !age_allowed(66, 65, "maximum"));
        assert!(age_allowed(3, 0, "minimum"));
        assert_eq!(parse_birthday(" 1990-04-25 ", today), Ok(date("1990-04-25")));
        for bad in ["1990-4-25", "25/04/1990", "1990-02-30", "2026-06-16", "1800-01-01", ""] {
            assert!(parse_birthday(bad, today).is_err(), "{bad}");
        }
    }

    #[test]
    fn countries() {
        assert_eq!(country_code(Some(" us ")), Some("US".to_owned()));
        assert_eq!(country_code(Some("XX")), None);
        assert_eq!(country_code(Some("T1")), None);
        let us = || Some("US".to_owned());
        let fr = || Some("FR".to_owned());
        assert_eq!(judged_country(true, None, fr(), us()), fr());
        assert_eq!(judged_country(true, us(), fr(), None), us());
        assert_eq!(judged_country(true, None, None, us()), None);
        assert_eq!(judged_country(false, None, None, us()), us());
        let allowed = ["US".to_owned(), "CA".to_owned()];
        assert!(country_allowed(&allowed, Some("CA")));
        assert!(!country_allowed(&allowed, Some("FR")) && !country_allowed(&allowed, None));
        assert!(country_allowed(&[], None));
    }

    #[test]
    fn disposable_domains() {
        assert!(disposable_email("x@mailinator.com"));
        assert!(disposable_email("x@sub.mailinator.com"));
        assert!(disposable_email("x@10MinuteMail.com"));
        assert!(!disposable_email("x@gmail.com"));
        assert!(!disposable_email("x@example.org"));
        assert!(!disposable_email("not an address"));
    }

    #[test]
    fn ranges() {
        let (set, invalid) = RangeSet::parse(
            "# provider A\n10.0.0.0/8\n10.1.0.0/16 # inside the first\n192.0.2.7\n\n198.51.100.0/25\n\
             198.51.100.128/25\n2001:db8::/32\nnot-an-address\n::ffff:203.0.113.0/120\n",
        );
        assert_eq!(invalid, 1);
        assert_eq!(set.len(), 5, "{set:?}");
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        for inside in [
            "10.0.0.1",
            "10.255.255.255",
            "192.0.2.7",
            "198.51.100.0",
            "198.51.100.255",
            "2001:db8::1",
            "::ffff:10.2.3.4",
            "203.0.113.9",
        ] {
            assert!(set.contains(ip(inside)), "{inside}");
        }
        for outside in ["11.0.0.0", "192.0.2.8", "198.51.101.0", "2001:db9::1", "9.255.255.255"] {
            assert!(!set.contains(ip(outside)), "{outside}");
        }
        let (all, _) = RangeSet::parse("0.0.0.0/0\n::/0\n");
        assert!(all.contains(ip("1.2.3.4")) && all.contains(ip("::1")));
    }

    #[test]
    fn vpn_lists_are_read_once_and_errors_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("vpn.txt");
        std::fs::write(&file, "100.64.0.0/10\n").unwrap();
        let set = vpn_ranges(std::slice::from_ref(&file)).unwrap();
        assert!(set.contains("100.64.1.1".parse().unwrap()));
        let missing = dir.path().join("missing.txt");
        let err = vpn_ranges(&[missing]).unwrap_err();
        assert!(err.to_string().contains("missing.txt"), "{err}");
    }
}
