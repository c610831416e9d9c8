//! Comments uploaded as a file: CSV with a header (`username,comment[,timestamp][,parent_id]`,
//! columns found by name) or a JSON export (an array of objects, or `{"comments": [...]}`),
//! read as a stream so a large file is never held as values. A bad row stops the read with an
//! error that names its line.

use super::{Comment, normalize_handle, parse_instant};
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::io::Read;

/// The most comments one upload may hold.
pub const MAX_COMMENTS: u64 = 1_000_000;
/// The longest handle accepted in a file (generous: platforms' own limits are 30 to 100).
const MAX_USERNAME: usize = 100;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            _ => None,
        }
    }

    /// A JSON file starts with `[` or `{` (after white space and a byte-order mark).
    pub fn sniff(head: &[u8]) -> Format {
        let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
        match head.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'[' | b'{') => Format::Json,
            _ => Format::Csv,
        }
    }
}

/// Why a file was refused; `line` is 1-based.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", line.map(|l| format!("line {l}: ")).unwrap_or_default())]
pub struct UploadError {
    pub line: Option<u64>,
    pub message: String,
}

fn at(line: u64, message: impl Into<String>) -> UploadError {
    UploadError {
        line: Some(line),
        message: message.into(),
    }
}

fn check_username(raw: &str) -> Result<String, String> {
    let handle = normalize_handle(raw);
    if handle.is_empty() {
        return Err("username is empty".to_owned());
    }
    if handle.chars().count() > MAX_USERNAME || handle.chars().any(char::is_whitespace) {
        return Err(format!(
            "username {raw:?} is not a handle (no spaces, at most {MAX_USERNAME} characters)"
        ));
    }
    Ok(raw.trim().to_owned())
}

fn check_time(raw: Option<&str>) -> Result<Option<i64>, String> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(t) => parse_instant(t)
            .map(Some)
            .ok_or_else(|| format!("timestamp {t:?} is not an RFC 3339 time such as 2026-04-28T14:23:11Z")),
    }
}

/// Reads every comment of `input`, calling `each` for each; returns how many there were.
pub fn read(format: Format, input: impl Read, each: impl FnMut(Comment)) -> Result<u64, UploadError> {
    match format {
        Format::Csv => read_csv(input, each),
        Format::Json => read_json(input, each),
    }
}

fn read_csv(input: impl Read, mut each: impl FnMut(Comment)) -> Result<u64, UploadError> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let headers = reader
        .headers()
        .map_err(|e| at(1, format!("cannot read the header: {e}")))?
        .clone();
    let find = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().trim_start_matches('\u{feff}').eq_ignore_ascii_case(name))
    };
    let (Some(user_col), Some(text_col)) = (find("username"), find("comment")) else {
        return Err(at(
            1,
            "the header must name the columns username and comment (and optionally timestamp, parent_id)",
        ));
    };
    let (time_col, parent_col) = (find("timestamp"), find("parent_id"));
    let mut n = 0u64;
    let mut record = csv::StringRecord::new();
    loop {
        let more = reader.read_record(&mut record).map_err(|e| {
            let line = e.position().map_or(0, csv::Position::line);
            at(line, format!("not valid CSV: {e}"))
        })?;
        if !more {
            return Ok(n);
        }
        let line = record.position().map_or(0, csv::Position::line);
        if record.len() == 1 && record.get(0).is_some_and(|v| v.trim().is_empty()) {
            continue;
        }
        let Some(username) = record.get(user_col) else {
            return Err(at(line, "the row has no username column"));
        };
        let username = check_username(username).map_err(|m| at(line, m))?;
        let Some(text) = record.get(text_col) else {
            return Err(at(line, "the row has no comment column"));
        };
        let timestamp = check_time(time_col.and_then(|i| record.get(i))).map_err(|m| at(line, m))?;
        let parent_id = parent_col
            .and_then(|i| record.get(i))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        n += 1;
        if n > MAX_COMMENTS {
            return Err(at(line, format!("more than {MAX_COMMENTS} comments")));
        }
        each(Comment {
            id: None,
            username,
            text: text.to_owned(),
            timestamp,
            parent_id,
            by_owner: false,
        });
    }
}

/// One comment of a JSON export, checked as it is read (so an error carries the position).
struct Item(Comment);

#[derive(Deserialize)]
struct RawItem {
    id: Option<Scalar>,
    username: Option<String>,
    #[serde(alias = "text")]
    comment: Option<String>,
    timestamp: Option<String>,
    parent_id: Option<Scalar>,
}

/// An id written as a string or a number.
#[derive(Deserialize)]
#[serde(untagged)]
enum Scalar {
    Text(String),
    Number(i64),
}

impl Scalar {
    fn into_string(self) -> String {
        match self {
            Scalar::Text(s) => s,
            Scalar::Number(n) => n.to_string(),
        }
    }
}

impl<'de> Deserialize<'de> for Item {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Item, D::Error> {
        // Checked inside the map visitor, so serde_json gives the error the object's position.
        d.deserialize_map(ItemVisitor)
    }
}

struct ItemVisitor;

impl<'de> Visitor<'de> for ItemVisitor {
    type Value = Item;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a comment object with username and comment")
    }

    fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<Item, M::Error> {
        let raw = RawItem::deserialize(de::value::MapAccessDeserializer::new(map))?;
        let username = check_username(raw.username.as_deref().unwrap_or("")).map_err(de::Error::custom)?;
        let text = raw.comment.ok_or_else(|| de::Error::custom("comment is missing"))?;
        let timestamp = check_time(raw.timestamp.as_deref()).map_err(de::Error::custom)?;
        Ok(Item(Comment {
            id: raw.id.map(Scalar::into_string),
            username,
            text,
            timestamp,
            parent_id: raw.parent_id.map(Scalar::into_string).filter(|p| !p.is_empty()),
            by_owner: false,
        }))
    }
}

/// Streams the array's items into the callback.
struct Items<'a, F> {
    each: &'a mut F,
    count: &'a mut u64,
}

impl<'de, F: FnMut(Comment)> Visitor<'de> for Items<'_, F> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of comments, or an object with a \"comments\" array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(Item(c)) = seq.next_element()? {
            *self.count += 1;
            if *self.count > MAX_COMMENTS {
                return Err(de::Error::custom(format!("more than {MAX_COMMENTS} comments")));
            }
            (self.each)(c);
        }
        Ok(())
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<(), M::Error> {
        let mut seen = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "comments" && !seen {
                seen = true;
                map.next_value_seed(ItemsSeed {
                    each: &mut *self.each,
                    count: &mut *self.count,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        if seen {
            Ok(())
        } else {
            Err(de::Error::custom("the object has no \"comments\" array"))
        }
    }
}

struct ItemsSeed<'a, F> {
    each: &'a mut F,
    count: &'a mut u64,
}

impl<'de, F: FnMut(Comment)> DeserializeSeed<'de> for ItemsSeed<'_, F> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(Items {
            each: self.each,
            count: self.count,
        })
    }
}

fn read_json(input: impl Read, mut each: impl FnMut(Comment)) -> Result<u64, UploadError> {
    let mut count = 0u64;
    let mut de = serde_json::Deserializer::from_reader(std::io::BufReader::with_capacity(64 * 1024, input));
    let json_error = |e: serde_json::Error| UploadError {
        line: (e.line() > 0).then(|| e.line() as u64),
        // serde_json appends " at line L column C"; the line is reported on its own.
        message: e.to_string().split(" at line ").next().unwrap_or_default().to_owned(),
    };
    de.deserialize_any(Items {
        each: &mut each,
        count: &mut count,
    })
    .map_err(json_error)?;
    de.end().map_err(json_error)?;
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(format: Format, text: &str) -> Result<Vec<Comment>, UploadError> {
        let mut out = Vec::new();
        read(format, text.as_bytes(), |c| out.push(c))?;
        Ok(out)
    }

    #[test]
    fn csv_with_a_header_in_any_order() {
        let got = all(
            Format::Csv,
            "comment,username,parent_id,timestamp\n\"hi, @bia\",@Ana,,2026-04-28T14:23:11Z\nyo,bia,17,\n",
        )
        .unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].username, "@Ana");
        assert_eq!(got[0].text, "hi, @bia");
        assert!(got[0].timestamp.is_some());
        assert_eq!(got[1].parent_id.as_deref(), Some("17"));
        assert_eq!(all(Format::Csv, "username,comment\n").unwrap().len(), 0);
    }

    #[test]
    fn csv_errors_name_the_line() {
        let e = all(Format::Csv, "user,text\na,b\n").unwrap_err();
        assert_eq!(e.line, Some(1));
        let e = all(Format::Csv, "username,comment,timestamp\na,b,\n,c,\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.to_string().starts_with("line 3: username"), "{e}");
        let e = all(Format::Csv, "username,comment,timestamp\na,b,\nc,d,soon\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        let e = all(Format::Csv, "username,comment\nhas space,d\n").unwrap_err();
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn json_arrays_and_objects() {
        let got = all(
            Format::Json,
            r#"[{"username":"ana","comment":"@bia"},{"username":"bia","text":"x","parent_id":5,"timestamp":"2026-04-28T14:23:11+0000"}]"#,
        )
        .unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].parent_id.as_deref(), Some("5"));
        let got = all(
            Format::Json,
            r#"{"post":"x","comments":[{"username":"ana","comment":"hi"}]}"#,
        )
        .unwrap();
        assert_eq!(got.len(), 1);
    }

    #[test]
    fn json_errors_name_the_line() {
        let e = all(
            Format::Json,
            "[\n{\"username\":\"ana\",\"comment\":\"a\"},\n{\"username\":\"\",\"comment\":\"b\"}\n]",
        )
        .unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        assert!(e.message.contains("username"), "{e}");
        let e = all(Format::Json, "[\n{\"username\":\"ana\"\n").unwrap_err();
        assert!(e.line.is_some());
        assert!(all(Format::Json, "{\"x\":1}").is_err());
    }

    #[test]
    fn sniffing() {
        assert_eq!(Format::sniff(b"  [ {"), Format::Json);
        assert_eq!(Format::sniff(b"\xEF\xBB\xBF{"), Format::Json);
        assert_eq!(Format::sniff(b"username,comment"), Format::Csv);
    }
}
