//! Every parser of outside input in the core, fed arbitrary input (proptest, on stable): none
//! panics, none runs away, and what they accept keeps its promises. Bounded for CI by
//! `PROPTEST_CASES` (2,048 per parser unless set).
//!
//! The parsers: e-mail addresses, IPs, CIDR ranges and list values (list imports), comment
//! uploads (CSV and JSON), chat profiles and id lists (the `/external` bodies), photos (the
//! upload form), times, draw pools and certificates (what `fairdraw verify` reads), and the pool
//! CSV files that `fairdraw draw` and `fairdraw verify` read.

use fairdraw_core::chat::{ids::parse_csv, parse_profile};
use fairdraw_core::comments::upload::{Format, read};
use fairdraw_core::draw::{Candidate, Certificate, Pool, read_pool_csv, verify_certificate, write_pool_csv};
use fairdraw_core::gallery::{PhotoLimits, check_photo};
use fairdraw_core::lists::{Cidr, ListValue};
use fairdraw_core::validation::Email;
use proptest::prelude::*;
use serde_json::Value;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_048);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Text an attacker might type: any Unicode, and the characters that matter here, often.
fn hostile_text() -> impl Strategy<Value = String> {
    let special = prop::sample::select(vec![
        '@', '.', '-', '+', '/', ':', ',', '"', '\\', '\n', '\r', '\0', ' ', '\u{200B}', '\u{202E}', '\u{FF20}',
        '\u{FF0E}', 'ｐ', 'о', 'İ', 'ß', 'ﬁ', 'Ⅸ', '\u{0301}', 'x', 'n', '-', '1', ':',
    ]);
    prop::collection::vec(prop_oneof![3 => special, 2 => any::<char>()], 0..80)
        .prop_map(|chars| chars.into_iter().collect())
}

/// Strings shaped like addresses, from letters that look alike across scripts and forms.
fn address_shaped() -> impl Strategy<Value = String> {
    let letter = prop::sample::select(vec![
        'a', 'b', 'e', 'o', 'p', 'x', 'A', 'E', 'O', 'ａ', 'ｅ', 'ｏ', 'ｐ', 'а', 'е', 'о', 'р', 'α', 'ο', 'ä', 'é',
        'ß', 'İ', 'ı', 'ﬁ', 'Ⅸ', '①', '0', '1', '-', '.', '_', '+', '\u{0301}', '\u{200D}', '郵', 'テ', 'ゆ',
    ]);
    let part = prop::collection::vec(letter, 1..12).prop_map(|c| c.into_iter().collect::<String>());
    (
        part.clone(),
        prop::collection::vec(part, 1..3),
        prop::sample::select(vec!["io", "de", "рф", "ＩＯ", "xn--p1ai"]),
    )
        .prop_map(|(local, labels, tld)| format!("{local}@{}.{tld}", labels.join(".")))
}

/// Arbitrary JSON, a few levels deep.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        hostile_text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(hostile_text(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(config())]

    /// An accepted address is canonical: parsing it again gives itself, and it is at most 254
    /// bytes with no control, invisible or space characters.
    #[test]
    fn emails_are_canonical_once_accepted(raw in prop_oneof![hostile_text(), address_shaped()]) {
        if let Ok(email) = Email::parse(&raw) {
            let s = email.as_str().to_owned();
            prop_assert!(s.len() <= 254);
            prop_assert!(!s.chars().any(|c| c.is_whitespace() || c.is_control()));
            prop_assert_eq!(Email::parse(&s).map(Email::into_string), Ok(s.clone()));
            prop_assert_eq!(Email::lookup_key(&raw), s);
        }
    }

    #[test]
    fn addresses_built_like_emails_never_panic(local in hostile_text(), domain in hostile_text()) {
        let _ = Email::parse(&format!("{local}@{domain}"));
        let _ = Email::parse(&format!("{local}@{domain}.io"));
    }

    /// A parsed range contains its own network address; list values parse to what they say.
    #[test]
    fn ranges_and_list_values(raw in hostile_text(), a in any::<[u8; 4]>(), bits in 0u8..40) {
        if let Some(cidr) = Cidr::parse(&raw) {
            prop_assert!(cidr.contains(cidr.network()));
        }
        let _ = ListValue::parse(&raw);
        let text = format!("{}.{}.{}.{}/{bits}", a[0], a[1], a[2], a[3]);
        match Cidr::parse(&text) {
            Some(c) => {
                prop_assert!(bits <= 32);
                prop_assert!(c.contains(std::net::IpAddr::from(a)));
            }
            None => prop_assert!(bits > 32),
        }
    }

    /// Comment uploads: any bytes, either format, give comments or an error naming the line.
    #[test]
    fn comment_uploads_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2_000), csv in any::<bool>()) {
        let format = if csv { Format::Csv } else { Format::Json };
        let mut seen = 0u64;
        if let Ok(n) = read(format, bytes.as_slice(), |_| seen += 1) {
            prop_assert_eq!(n, seen);
        }
    }

    /// CSV-shaped uploads with the expected header and hostile fields.
    #[test]
    fn comment_csv_with_hostile_fields(rows in prop::collection::vec((hostile_text(), hostile_text(), hostile_text()), 0..20)) {
        let mut text = String::from("username,comment,timestamp,parent_id\n");
        for (user, comment, time) in &rows {
            text.push_str(&format!("{user},{comment},{time},\n"));
        }
        let _ = read(Format::Csv, text.as_bytes(), |_| {});
    }

    #[test]
    fn chat_bodies_never_panic(body in json(), list in hostile_text()) {
        let _ = parse_profile(&body);
        if let Ok(ids) = parse_csv("userIds", &list) {
            prop_assert!(ids.iter().all(|id| !id.is_empty()));
        }
    }

    /// Photos: arbitrary bytes, and arbitrary bytes behind real image signatures.
    #[test]
    fn photos_never_panic(tail in prop::collection::vec(any::<u8>(), 0..4_000), kind in 0usize..4) {
        let heads: [&[u8]; 4] = [
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
            b"\xff\xd8\xff\xe0\0\x10JFIF\0",
            b"RIFF\0\0\0\0WEBPVP8 ",
            b"",
        ];
        let mut bytes = heads[kind].to_vec();
        bytes.extend_from_slice(&tail);
        let limits = PhotoLimits::default();
        if let Ok(photo) = check_photo(&bytes, &limits) {
            prop_assert!(photo.bytes.len() <= bytes.len());
        }
    }

    #[test]
    fn times_never_panic(raw in hostile_text()) {
        let _ = fairdraw_core::chat::input::parse_instant(&raw);
        let _ = fairdraw_core::comments::parse_instant(&raw);
        let _ = fairdraw_core::giveaway::schedule::parse_local(&raw);
    }

    /// Pools from arbitrary rows are refused or canonical; a certificate from arbitrary JSON
    /// never verifies against them by accident, and never panics trying.
    #[test]
    fn pools_and_certificates_never_panic(
        rows in prop::collection::vec((hostile_text(), any::<u64>()), 0..30),
        cert in json(),
    ) {
        let candidates: Vec<Candidate> = rows.iter().map(|(id, w)| Candidate::new(id.clone(), *w)).collect();
        if let Ok(pool) = Pool::new(candidates) {
            prop_assert!(pool.len() <= rows.len());
            if let Ok(c) = serde_json::from_value::<Certificate>(cert) {
                prop_assert!(verify_certificate(&c, &pool).is_err());
            }
        }
    }

    /// A pool file of arbitrary bytes is read or refused with a line inside the file, never a
    /// panic; what is read holds at most one candidate per line after the header.
    #[test]
    fn pool_files_of_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..3_000), header in any::<bool>()) {
        let mut file = if header { b"id,weight\n".to_vec() } else { Vec::new() };
        file.extend_from_slice(&bytes);
        let lines = file.iter().filter(|&&b| b == b'\n' || b == b'\r').count() as u64 + 1;
        match read_pool_csv(&file[..]) {
            Ok(pool) => prop_assert!((pool.len() as u64) < lines.max(2)),
            Err(e) => {
                prop_assert!(e.line <= lines, "line {} of {}", e.line, lines);
                prop_assert!(e.message.len() < 1_000, "{}", e.message.len());
            }
        }
    }

    /// Any pool the server publishes reads back as the same pool (same hash), whatever its ids
    /// hold; and rows the pool rules refuse are refused from a file too.
    #[test]
    fn published_pools_read_back_the_same(rows in prop::collection::vec((hostile_text(), prop_oneof![3 => 1u64..1_000, 1 => any::<u64>()]), 0..30)) {
        let candidates: Vec<Candidate> = rows.iter().map(|(id, w)| Candidate::new(id.clone(), *w)).collect();
        let file = write_pool_csv(&candidates);
        match (Pool::new(candidates), read_pool_csv(&file[..])) {
            (Ok(pool), Ok(back)) => prop_assert_eq!(back.hash(), pool.hash()),
            (Err(_), Err(_)) => {}
            (Ok(_), Err(e)) => prop_assert!(false, "a valid pool was refused from its file: {e}"),
            (Err(e), Ok(_)) => prop_assert!(false, "an invalid pool was read from its file: {e}"),
        }
    }
}
