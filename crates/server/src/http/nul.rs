//! The NUL character (U+0000) is refused at the edge, wherever outside text comes in: PostgreSQL
//! cannot store it in text at all (it answered 500 where SQLite stored it), and no name, title or
//! address needs it. JSON can only carry it escaped (`\u0000`), a URL or form only as `%00`, so
//! a byte scan finds it before anything is parsed; each surface answers in its own error style.

/// Whether a URL's path or query carries `%00`.
pub fn in_uri(uri: &axum::http::Uri) -> bool {
    percent_nul(uri.path().as_bytes()) || uri.query().is_some_and(|q| percent_nul(q.as_bytes()))
}

/// Whether `bytes` hold `%00` (a form body, a path, a query).
pub fn percent_nul(bytes: &[u8]) -> bool {
    bytes.windows(3).any(|w| w == b"%00")
}

/// Where a JSON text holds `\u0000` inside a string: the field's path (`title`, `items[2].name`,
/// `.` for a top-level string), or `None` when it holds none. Only an escape preceded by an even
/// number of backslashes is one (`\\u0000` is a backslash and the text "u0000").
pub fn in_json(bytes: &[u8]) -> Option<String> {
    if !has_nul_escape(bytes) {
        return None;
    }
    // Rare: parse once more to name the field.
    let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    let mut path = String::new();
    find(&value, &mut path).then(|| if path.is_empty() { ".".to_owned() } else { path })
}

fn has_nul_escape(bytes: &[u8]) -> bool {
    let mut i = 0;
    while let Some(at) = bytes[i..].windows(6).position(|w| w.eq_ignore_ascii_case(b"\\u0000")) {
        let start = i + at;
        let backslashes = bytes[..start].iter().rev().take_while(|b| **b == b'\\').count();
        if backslashes % 2 == 0 {
            return true;
        }
        i = start + 1;
    }
    false
}

fn find(value: &serde_json::Value, path: &mut String) -> bool {
    use serde_json::Value;
    match value {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => items.iter().enumerate().any(|(i, v)| {
            let len = path.len();
            path.push_str(&format!("[{i}]"));
            let found = find(v, path);
            if !found {
                path.truncate(len);
            }
            found
        }),
        Value::Object(fields) => fields.iter().any(|(k, v)| {
            let len = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(k);
            let found = k.contains('\0') || find(v, path);
            if !found {
                path.truncate(len);
            }
            found
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_found_and_named() {
        assert_eq!(in_json(br#"{"title":"a\u0000b"}"#).as_deref(), Some("title"));
        assert_eq!(in_json(br#"{"a":{"b":["x","\u0000"]}}"#).as_deref(), Some("a.b[1]"));
        assert_eq!(in_json(br#""\u0000""#).as_deref(), Some("."));
        assert_eq!(in_json(br#"{"k\u0000":1}"#).as_deref(), Some("k\0"));
        // An escaped backslash followed by "u0000" is text, not NUL.
        assert_eq!(in_json(br#"{"t":"a\\u0000"}"#), None);
        assert_eq!(in_json(br#"{"t":"a\\\u0000"}"#).as_deref(), Some("t"));
        assert_eq!(in_json(br#"{"t":"plain"}"#), None);
    }

    #[test]
    fn percent_encoded_nul_is_found() {
        let uri: axum::http::Uri = "/v2/participants/a%00b@example.com/entries".parse().unwrap();
        assert!(in_uri(&uri));
        let uri: axum::http::Uri = "/v2/participants?q=a%00".parse().unwrap();
        assert!(in_uri(&uri));
        let uri: axum::http::Uri = "/v2/participants?q=a%2500".parse().unwrap();
        assert!(!in_uri(&uri));
        assert!(percent_nul(b"name=a%00b"));
    }
}
