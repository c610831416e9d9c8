//! The id lists of a chat giveaway (`roomIds`, `userIds`): a JSON array, or CSV text from a form
//! field or an uploaded file. Ids are separated by commas and/or newlines, trimmed, unquoted
//! (CSV double quotes, `""` inside them), a UTF-8 byte-order mark is dropped, blanks are dropped
//! and repeats removed (the first occurrence keeps its place).

use serde_json::Value;
use std::collections::HashSet;

/// The most ids one list may hold.
pub const MAX_IDS: usize = 100_000;
/// The longest id, in characters.
pub const MAX_ID_CHARS: usize = 255;

/// Splits CSV text into ids. Errors name `field`.
pub fn parse_csv(field: &str, text: &str) -> Result<Vec<String>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut raw = Vec::new();
    let mut current = String::new();
    let mut in_quotes = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if in_quotes && chars.peek() == Some(&'"') => {
                chars.next();
                current.push('"');
            }
            '"' => in_quotes = !in_quotes,
            ',' | '\n' | '\r' if !in_quotes => raw.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }
    if in_quotes {
        return Err(format!("{field} has an unclosed quote"));
    }
    raw.push(current);
    dedupe(field, raw)
}

/// Ids from a JSON value: an array of strings or integers, or a string read as CSV.
pub fn from_json(field: &str, value: &Value) -> Result<Vec<String>, String> {
    match value {
        Value::Array(items) => {
            let mut raw = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::String(s) => raw.push(s.clone()),
                    Value::Number(n) if n.is_i64() || n.is_u64() => raw.push(n.to_string()),
                    _ => return Err(format!("each value in {field} must be a string")),
                }
            }
            dedupe(field, raw)
        }
        Value::String(s) => from_text(field, s),
        _ => Err(format!("{field} must be an array, a CSV string or a CSV file")),
    }
}

/// Ids from a form field: a JSON array when it looks like one, else CSV.
pub fn from_text(field: &str, text: &str) -> Result<Vec<String>, String> {
    let trimmed = text.trim_start_matches('\u{feff}').trim();
    if trimmed.starts_with('[') {
        let value: Value =
            serde_json::from_str(trimmed).map_err(|_| format!("{field} must be a valid JSON array or CSV"))?;
        if value.is_array() {
            return from_json(field, &value);
        }
    }
    parse_csv(field, text)
}

fn dedupe(field: &str, raw: Vec<String>) -> Result<Vec<String>, String> {
    let mut seen = HashSet::with_capacity(raw.len());
    let mut out = Vec::with_capacity(raw.len());
    for id in raw {
        let id = unquote(id.trim());
        if id.is_empty() {
            continue;
        }
        if id.chars().count() > MAX_ID_CHARS {
            return Err(format!(
                "each value in {field} must be shorter than or equal to {MAX_ID_CHARS} characters"
            ));
        }
        if seen.insert(id.to_owned()) {
            out.push(id.to_owned());
            if out.len() > MAX_IDS {
                return Err(format!("{field} must contain no more than {MAX_IDS} elements"));
            }
        }
    }
    Ok(out)
}

/// A value still wrapped in quotes after CSV parsing (`'room'`, or `"room"` inside spaces).
fn unquote(s: &str) -> &str {
    for q in ['"', '\''] {
        if s.len() >= 2 && s.starts_with(q) && s.ends_with(q) {
            return s[1..s.len() - 1].trim();
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn commas_newlines_quotes_bom_blanks_and_repeats() {
        let text = "\u{feff}room_1, room_2\r\n\"room_3\"\n\n,room_1,  ,'room_4'\n\"a,b\",\"say \"\"hi\"\"\"";
        assert_eq!(
            parse_csv("roomIds", text).unwrap(),
            ids(&["room_1", "room_2", "room_3", "room_4", "a,b", "say \"hi\""])
        );
        assert_eq!(parse_csv("roomIds", "").unwrap(), Vec::<String>::new());
        assert!(parse_csv("roomIds", "\"open").unwrap_err().contains("roomIds"));
    }

    #[test]
    fn json_arrays_and_strings() {
        assert_eq!(
            from_json("userIds", &json!(["u1", 2, "u1", " u3 "])).unwrap(),
            ids(&["u1", "2", "u3"])
        );
        assert_eq!(from_json("userIds", &json!("a,b\nc")).unwrap(), ids(&["a", "b", "c"]));
        assert!(
            from_json("userIds", &json!([true]))
                .unwrap_err()
                .starts_with("each value in userIds")
        );
        assert!(from_json("userIds", &json!(5)).unwrap_err().starts_with("userIds"));
        assert_eq!(from_text("roomIds", "[\"x\",\"y\"]").unwrap(), ids(&["x", "y"]));
        assert_eq!(from_text("roomIds", "x;y").unwrap(), ids(&["x;y"]));
    }

    #[test]
    fn limits() {
        let many: String = (0..=MAX_IDS).map(|i| format!("{i}\n")).collect();
        assert!(parse_csv("userIds", &many).unwrap_err().contains("100000"));
        let enough: String = (0..MAX_IDS).map(|i| format!("{i},{i}\n")).collect();
        assert_eq!(parse_csv("userIds", &enough).unwrap().len(), MAX_IDS);
        assert!(parse_csv("userIds", &"x".repeat(256)).unwrap_err().contains("255"));
    }
}
