//! Which URLs the server may call (a leaf module: the engine checks URLs when they are saved,
//! `outbound` when it connects): the SSRF rule for every outbound request (webhooks, a draw's
//! `webhook_url`, a chat `winnerListUrl`).
//!
//! A URL must be `https` and its host must not be, or resolve to, an address inside the
//! operator's network or the machine itself: loopback, private (RFC 1918, fc00::/7), link-local
//! (which holds cloud metadata at 169.254.169.254), CGNAT, unspecified, multicast, broadcast,
//! documentation and other reserved ranges, also when written as an IPv4-mapped or embedded IPv6
//! address. Checking the URL when it is saved is not enough, since a name can be re-pointed (DNS
//! rebinding); so `outbound::resolver::SafeResolver` filters addresses in the connection path
//! itself, and
//! [`check_url`] refuses IP-literal hosts, which never reach a resolver. With
//! `allow_private` (tests, closed networks) everything is allowed, plain `http` too.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use url::Url;

/// Why a URL may not be called. The messages name the rule, never the address.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("The URL is not a valid absolute URL.")]
    Invalid,
    #[error("The URL must use https.")]
    NotHttps,
    #[error("The URL must not contain a user name or password.")]
    Credentials,
    #[error("The URL points to a private, loopback, link-local or reserved address, which is not allowed.")]
    PrivateAddress,
    #[error("The URL's host could not be resolved.")]
    Unresolvable,
}

/// Parses `raw` and checks what can be checked without DNS: scheme, credentials, and a host
/// written as an IP address.
pub fn check_url(raw: &str, allow_private: bool) -> Result<Url, Refused> {
    let url = Url::parse(raw.trim()).map_err(|_| Refused::Invalid)?;
    match url.scheme() {
        "https" => {}
        "http" if allow_private => {}
        _ => return Err(Refused::NotHttps),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Refused::Credentials);
    }
    match ip_literal(&url) {
        _ if url.host_str().is_none_or(str::is_empty) => Err(Refused::Invalid),
        Some(ip) if !allow_private && is_blocked(ip) => Err(Refused::PrivateAddress),
        _ => Ok(url),
    }
}

/// The host when it is written as an IP address (the parser has already normalised forms such
/// as `2130706433` or `127.1`).
fn ip_literal(url: &Url) -> Option<IpAddr> {
    let host = url.host_str()?;
    host.trim_start_matches('[').trim_end_matches(']').parse().ok()
}

/// [`check_url`], then a DNS lookup of a named host: refused when it resolves to nothing or to
/// any blocked address. For saving a URL; delivery relies on [`SafeResolver`].
pub async fn check_url_resolving(raw: &str, allow_private: bool) -> Result<Url, Refused> {
    let url = check_url(raw, allow_private)?;
    if allow_private {
        return Ok(url);
    }
    if ip_literal(&url).is_none()
        && let Some(name) = url.host_str()
    {
        let port = url.port_or_known_default().unwrap_or(443);
        let addrs: Vec<SocketAddr> = tokio::net::lookup_host((name, port))
            .await
            .map_err(|_| Refused::Unresolvable)?
            .collect();
        if addrs.is_empty() {
            return Err(Refused::Unresolvable);
        }
        if addrs.iter().any(|a| is_blocked(a.ip())) {
            return Err(Refused::PrivateAddress);
        }
    }
    Ok(url)
}

/// Whether the server must not connect to `ip`.
pub fn is_blocked(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4_blocked(v4),
        IpAddr::V6(v6) => v6_blocked(v6),
    }
}

fn v4_blocked(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    a == 0 // "this network", unspecified
        || a == 10 // RFC 1918
        || a == 127 // loopback
        || (a == 100 && (64..128).contains(&b)) // CGNAT 100.64/10
        || (a == 169 && b == 254) // link-local, cloud metadata
        || (a == 172 && (16..32).contains(&b)) // RFC 1918
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 192 && b == 0 && c == 2) // TEST-NET-1
        || (a == 192 && b == 88 && c == 99) // 6to4 relay anycast
        || (a == 192 && b == 168) // RFC 1918
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || (a == 198 && b == 51 && c == 100) // TEST-NET-2
        || (a == 203 && b == 0 && c == 113) // TEST-NET-3
        || a >= 224 // multicast, reserved, broadcast
}

fn v6_blocked(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    if ip.is_unspecified() || ip.is_loopback() {
        return true;
    }
    // Addresses that carry an IPv4 address: judged by it.
    if let Some(v4) = ip.to_ipv4_mapped() {
        return v4_blocked(v4);
    }
    let embedded = |hi: u16, lo: u16| Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    if s[..6] == [0, 0, 0, 0, 0, 0] {
        // IPv4-compatible (deprecated): ::a.b.c.d
        return v4_blocked(embedded(s[6], s[7]));
    }
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        // NAT64
        return v4_blocked(embedded(s[6], s[7]));
    }
    if s[0] == 0x2002 {
        // 6to4 carries the IPv4 address in bits 16..48.
        return v4_blocked(embedded(s[1], s[2]));
    }
    (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
        || (s[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
        || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated) fec0::/10
        || (s[0] & 0xff00) == 0xff00 // multicast
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        || (s[0] == 0x2001 && s[1] == 0) // Teredo, which tunnels to any IPv4 address
        || (s[0] == 0x0100 && s[1..4] == [0, 0, 0]) // discard-only 100::/64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocked(s: &str) -> bool {
        is_blocked(s.parse().unwrap())
    }

    #[test]
    fn private_and_reserved_addresses_are_blocked() {
        for ip in [
            "127.0.0.1",
            "127.255.0.9",
            "10.0.0.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.255",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "240.0.0.1",
            "192.0.2.10",
            "198.51.100.1",
            "203.0.113.7",
            "198.18.0.1",
            "::",
            "::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "2001:db8::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::ffff:10.1.2.3",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::",
        ] {
            assert!(blocked(ip), "{ip} should be blocked");
        }
    }

    #[test]
    fn public_addresses_are_allowed() {
        for ip in [
            "1.1.1.1",
            "8.8.8.8",
            "93.184.216.34",
            "172.32.0.1",
            "172.15.255.255",
            "100.63.255.255",
            "100.128.0.1",
            "169.253.1.1",
            "192.169.0.1",
            "2606:4700:4700::1111",
            "2a00:1450:4001::200e",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
        ] {
            assert!(!blocked(ip), "{ip} should be allowed");
        }
    }

    #[test]
    fn urls_must_be_https_without_credentials_or_private_literals() {
        assert!(check_url("https://hooks.example.com/x?y=1", false).is_ok());
        assert_eq!(check_url("http://hooks.example.com/", false), Err(Refused::NotHttps));
        assert_eq!(check_url("ftp://hooks.example.com/", false), Err(Refused::NotHttps));
        assert_eq!(check_url("not a url", false), Err(Refused::Invalid));
        assert_eq!(
            check_url("https://u:p@hooks.example.com/", false),
            Err(Refused::Credentials)
        );
        assert_eq!(check_url("https://127.0.0.1/", false), Err(Refused::PrivateAddress));
        assert_eq!(
            check_url("https://169.254.169.254/latest/", false),
            Err(Refused::PrivateAddress)
        );
        assert_eq!(
            check_url("https://[::ffff:10.0.0.1]/", false),
            Err(Refused::PrivateAddress)
        );
        assert_eq!(
            check_url("https://[fe80::1]:8443/", false),
            Err(Refused::PrivateAddress)
        );
        // Decimal and short forms are normalised by the URL parser before the check.
        assert_eq!(check_url("https://2130706433/", false), Err(Refused::PrivateAddress));
        assert_eq!(check_url("https://127.1/", false), Err(Refused::PrivateAddress));
        assert!(check_url("https://8.8.8.8/", false).is_ok());
    }

    #[test]
    fn allow_private_lets_everything_through() {
        assert!(check_url("http://127.0.0.1:8080/hook", true).is_ok());
        assert!(check_url("https://10.0.0.1/", true).is_ok());
        assert_eq!(check_url("ftp://127.0.0.1/", true), Err(Refused::NotHttps));
    }

    #[tokio::test]
    async fn names_are_checked_after_resolution() {
        assert_eq!(
            check_url_resolving("https://localhost/hook", false).await.unwrap_err(),
            Refused::PrivateAddress
        );
        assert!(check_url_resolving("https://localhost/hook", true).await.is_ok());
    }
}
