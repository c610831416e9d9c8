//! Whitelist and blacklist values: e-mails, IP addresses and CIDR ranges.
//!
//! Values are normalised before they are stored, so that two spellings of one address are one
//! entry (`::FFFF:10.0.0.1` and `10.0.0.1`, `10.0.0.7/8` and `10.0.0.0/8`) and so that matching
//! an entrant is a comparison of canonical forms.

use crate::validation::Email;
use std::collections::HashSet;
use std::fmt;
use std::hash::Hash;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// How many values one giveaway's whitelist, or its blacklist, may hold.
pub const MAX_LIST_ENTRIES: u64 = 5_000;

/// A range of addresses, kept as its network address (host bits zero) and prefix length.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Parses `address/prefix`. An IPv4-mapped IPv6 range of prefix 96 or more is the IPv4
    /// range it maps, since entrants' mapped addresses are matched as IPv4.
    pub fn parse(raw: &str) -> Option<Cidr> {
        let (addr, prefix) = raw.trim().split_once('/')?;
        if prefix.is_empty() || prefix.len() > 3 || !prefix.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let prefix: u8 = prefix.parse().ok()?;
        let addr: IpAddr = addr.parse().ok()?;
        let (addr, prefix) = match addr {
            IpAddr::V6(v6) if prefix >= 96 => match v6.to_ipv4_mapped() {
                Some(v4) => (IpAddr::V4(v4), prefix - 96),
                None => (addr, prefix),
            },
            _ => (addr, prefix),
        };
        let max = if addr.is_ipv4() { 32 } else { 128 };
        (prefix <= max).then(|| Cidr {
            network: mask(addr, prefix),
            prefix,
        })
    }

    pub fn network(&self) -> IpAddr {
        self.network
    }

    pub fn prefix(&self) -> u8 {
        self.prefix
    }

    /// Whether `ip` lies in the range. An IPv4 address also lies in IPv6 ranges that contain
    /// its mapped form (`::/0` holds every address).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let addr = match (self.network, canonical_ip(ip)) {
            (IpAddr::V6(_), IpAddr::V4(v4)) => IpAddr::V6(v4.to_ipv6_mapped()),
            (IpAddr::V4(_), IpAddr::V6(_)) => return false,
            (_, same_family) => same_family,
        };
        mask(addr, self.prefix) == self.network
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

/// Keeps the first `prefix` bits of the address and zeroes the rest.
fn mask(ip: IpAddr, prefix: u8) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => {
            let keep = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            IpAddr::V4(Ipv4Addr::from(u32::from(v4) & keep))
        }
        IpAddr::V6(v6) => {
            let keep = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            IpAddr::V6(Ipv6Addr::from(u128::from(v6) & keep))
        }
    }
}

/// The form an address is stored and compared in: an IPv4-mapped IPv6 address (what a
/// dual-stack socket reports for an IPv4 client) is its IPv4 address.
pub fn canonical_ip(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// One value of a whitelist or blacklist, normalised.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ListValue {
    Email(Email),
    Ip(IpAddr),
    Cidr(Cidr),
}

impl ListValue {
    /// Recognises an e-mail (anything with an `@`), an IP address or a CIDR range; `None` for
    /// anything else. Stored values parse back to themselves.
    pub fn parse(raw: &str) -> Option<ListValue> {
        let s = raw.trim();
        if s.is_empty() {
            None
        } else if s.contains('@') {
            Email::parse(s).ok().map(ListValue::Email)
        } else if s.contains('/') {
            Cidr::parse(s).map(ListValue::Cidr)
        } else {
            s.parse::<IpAddr>().ok().map(|ip| ListValue::Ip(canonical_ip(ip)))
        }
    }

    /// "email", "ip" or "cidr": the `kind` column and the `type` of the API.
    pub fn kind(&self) -> &'static str {
        match self {
            ListValue::Email(_) => "email",
            ListValue::Ip(_) => "ip",
            ListValue::Cidr(_) => "cidr",
        }
    }

    /// Whether an entrant with this e-mail and address is covered by this value.
    pub fn matches(&self, email: Option<&str>, ip: Option<IpAddr>) -> bool {
        match self {
            ListValue::Email(e) => email.is_some_and(|m| m.trim().to_lowercase() == e.as_str()),
            ListValue::Ip(listed) => ip.is_some_and(|a| canonical_ip(a) == *listed),
            ListValue::Cidr(range) => ip.is_some_and(|a| range.contains(a)),
        }
    }
}

impl fmt::Display for ListValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ListValue::Email(e) => f.write_str(e.as_str()),
            ListValue::Ip(ip) => write!(f, "{ip}"),
            ListValue::Cidr(c) => write!(f, "{c}"),
        }
    }
}

/// Whether any blacklist value covers the entrant: the same e-mail (ignoring case), the same
/// address, or an address inside a listed range.
pub fn blacklisted<'a>(
    values: impl IntoIterator<Item = &'a ListValue>,
    email: Option<&str>,
    ip: Option<IpAddr>,
) -> bool {
    values.into_iter().any(|v| v.matches(email, ip))
}

/// The values of an add request, parsed, with what was skipped counted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Batch<T> {
    /// Distinct valid values, in the order first given.
    pub values: Vec<T>,
    /// Empty, missing or unrecognised values.
    pub invalid: u64,
    /// Values that repeat one given earlier in the same request (after normalisation).
    pub repeated: u64,
}

/// Parses every raw value with `parse`, dropping invalid ones and repeats.
pub fn batch<T: Clone + Eq + Hash>(raw: &[Option<String>], parse: impl Fn(&str) -> Option<T>) -> Batch<T> {
    let mut seen = HashSet::new();
    let mut out = Batch {
        values: Vec::new(),
        invalid: 0,
        repeated: 0,
    };
    for value in raw {
        match value.as_deref().and_then(&parse) {
            None => out.invalid += 1,
            Some(v) if seen.insert(v.clone()) => out.values.push(v),
            Some(_) => out.repeated += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn value(s: &str) -> String {
        ListValue::parse(s).unwrap().to_string()
    }

    #[test]
    fn classifies_values() {
        let kinds: Vec<Option<&str>> = [
            "Jane@Example.com",
            "10.0.0.1",
            "2001:db8::1",
            "10.0.0.0/8",
            "2001:db8::/32",
            "",
            "   ",
            "jane",
            "jane@",
            "10.0.0.256",
            "10.0.0",
            "010.0.0.1",
            "10.0.0.0/33",
            "2001:db8::/129",
            "10.0.0.0/",
            "10.0.0.0/+8",
            "10.0.0.0/-1",
            "/8",
            "fe80::1%eth0",
            "example.com",
        ]
        .iter()
        .map(|s| ListValue::parse(s).map(|v| v.kind()))
        .collect();
        assert_eq!(
            kinds,
            [
                Some("email"),
                Some("ip"),
                Some("ip"),
                Some("cidr"),
                Some("cidr"),
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
            ]
        );
    }

    #[test]
    fn normalises_values() {
        assert_eq!(value("  Jane@Example.COM "), "jane@example.com");
        assert_eq!(value(" 192.168.1.100 "), "192.168.1.100");
        assert_eq!(value("2001:0DB8:0000:0000:0000:0000:0000:0001"), "2001:db8::1");
        assert_eq!(value("::FFFF:1.2.3.4"), "1.2.3.4");
        assert_eq!(value("::ffff:0102:0304"), "1.2.3.4");
        assert_eq!(value("::1"), "::1");
        assert_eq!(value("10.0.0.7/8"), "10.0.0.0/8");
        assert_eq!(value("192.168.1.77/24"), "192.168.1.0/24");
        assert_eq!(value("10.1.2.3/32"), "10.1.2.3/32");
        assert_eq!(value("10.1.2.3/0"), "0.0.0.0/0");
        assert_eq!(value("2001:DB8:ABCD:12::1/48"), "2001:db8:abcd::/48");
        assert_eq!(value("2001:db8::1/128"), "2001:db8::1/128");
        assert_eq!(value("::ffff:10.9.8.7/104"), "10.0.0.0/8");
        assert_eq!(value("::ffff:10.9.8.7/128"), "10.9.8.7/32");
        assert_eq!(value("::ffff:0:0/96"), "0.0.0.0/0");
        assert_eq!(value("::ffff:0:0/80"), "::/80");
        // Stored values parse back to themselves.
        for stored in ["jane@example.com", "2001:db8::1", "10.0.0.0/8", "2001:db8:abcd::/48"] {
            assert_eq!(value(stored), stored);
        }
    }

    #[test]
    fn cidr_containment() {
        let c = |s: &str| Cidr::parse(s).unwrap();
        assert!(c("10.0.0.0/8").contains(ip("10.255.255.255")));
        assert!(c("10.0.0.0/8").contains(ip("10.0.0.0")));
        assert!(!c("10.0.0.0/8").contains(ip("11.0.0.0")));
        assert!(!c("10.0.0.0/8").contains(ip("9.255.255.255")));
        assert!(c("192.168.1.0/23").contains(ip("192.168.0.9")));
        assert!(!c("192.168.1.0/23").contains(ip("192.168.2.0")));
        // /0 holds every address of its family; /32 and /128 exactly one.
        assert!(c("0.0.0.0/0").contains(ip("255.255.255.255")) && c("0.0.0.0/0").contains(ip("0.0.0.0")));
        assert!(!c("0.0.0.0/0").contains(ip("2001:db8::1")));
        assert!(c("10.1.2.3/32").contains(ip("10.1.2.3")) && !c("10.1.2.3/32").contains(ip("10.1.2.4")));
        assert!(c("::/0").contains(ip("2001:db8::1")) && c("::/0").contains(ip("ffff::ffff")));
        assert!(c("2001:db8::1/128").contains(ip("2001:db8::1")));
        assert!(!c("2001:db8::1/128").contains(ip("2001:db8::2")));
        assert!(c("2001:db8::/32").contains(ip("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")));
        assert!(!c("2001:db8::/32").contains(ip("2001:db9::")));
        // An IPv4-mapped address is its IPv4 address, in IPv4 and in IPv6 ranges.
        assert!(c("10.0.0.0/8").contains(ip("::ffff:10.1.2.3")));
        assert!(!c("10.0.0.0/8").contains(ip("::ffff:11.1.2.3")));
        assert!(c("::ffff:10.0.0.0/104").contains(ip("10.200.0.1")));
        assert!(c("::/0").contains(ip("10.0.0.1")));
        assert!(c("::ffff:0:0/80").contains(ip("1.2.3.4")));
        assert!(!c("2001:db8::/32").contains(ip("10.0.0.1")));
    }

    #[test]
    fn matches_entrants() {
        let list: Vec<ListValue> = ["Spam@Example.com", "192.168.1.100", "10.0.0.0/8", "2001:db8::/32"]
            .iter()
            .map(|s| ListValue::parse(s).unwrap())
            .collect();
        let hit = |email: Option<&str>, addr: Option<&str>| blacklisted(&list, email, addr.map(ip));
        assert!(hit(Some(" SPAM@example.COM"), None));
        assert!(!hit(Some("spam@example.org"), None));
        assert!(hit(None, Some("192.168.1.100")));
        assert!(hit(None, Some("::ffff:192.168.1.100")));
        assert!(!hit(None, Some("192.168.1.101")));
        assert!(hit(Some("ok@example.com"), Some("10.20.30.40")));
        assert!(hit(None, Some("::ffff:10.20.30.40")));
        assert!(hit(None, Some("2001:db8:1::5")));
        assert!(!hit(Some("ok@example.com"), Some("2001:db9::5")));
        assert!(!hit(None, None));
        assert!(!blacklisted(&[], Some("spam@example.com"), Some(ip("10.0.0.1"))));
        let v6 = ListValue::parse("2001:db8::1").unwrap();
        assert!(v6.matches(None, Some(ip("2001:0db8:0:0::1"))));
    }

    #[test]
    fn batches_count_invalid_and_repeated() {
        let raw: Vec<Option<String>> = [
            Some("a@x.com"),
            Some(" A@X.com "),
            Some(""),
            None,
            Some("nope"),
            Some("b@x.com"),
            Some("a@x.com"),
        ]
        .into_iter()
        .map(|v| v.map(str::to_owned))
        .collect();
        let b = batch(&raw, |s| Email::parse(s).ok());
        let values: Vec<&str> = b.values.iter().map(Email::as_str).collect();
        assert_eq!(values, ["a@x.com", "b@x.com"]);
        assert_eq!((b.invalid, b.repeated), (3, 2));
        let ips = batch(
            &[Some("10.0.0.7/8".to_owned()), Some("10.0.0.0/8".to_owned())],
            ListValue::parse,
        );
        assert_eq!((ips.values.len(), ips.repeated), (1, 1));
    }
}
