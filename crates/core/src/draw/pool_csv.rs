//! A draw pool as a CSV file: the header `id,weight`, then one candidate per line. The server
//! publishes every frozen pool in this form (`/v1/verify/{hash}/pool`, canonical order) and
//! `fairdraw draw` / `fairdraw verify` read it back, so the writer and the reader live together
//! and a round trip keeps the pool hash.
//!
//! The reader takes files from anywhere (a spreadsheet export, a hand edit, an attacker), so it
//! names the line of every problem, accepts a leading byte order mark and spaces around fields,
//! and refuses everything else: other columns, a missing weight, a weight of 0 or of 2^63 and
//! more, a total that reaches 2^63, an id that is not UTF-8 or is empty, an id twice.

use std::io::Read;

use super::{Candidate, Pool, PoolBuilder, PoolError};

/// Why a pool file was refused, and where: `line` is the 1-based line of the file (0 when the
/// problem is the file as a whole).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct PoolCsvError {
    pub line: u64,
    pub message: String,
}

impl PoolCsvError {
    fn at(line: u64, message: impl Into<String>) -> Self {
        PoolCsvError {
            line,
            message: message.into(),
        }
    }
}

/// The pool as CSV `id,weight`, in the order given, ids quoted where they need it.
pub fn write_pool_csv(pool: &[Candidate]) -> Vec<u8> {
    let mut out = csv::Writer::from_writer(Vec::with_capacity(pool.len() * 48 + 10));
    // Writing to a Vec cannot fail: the only errors are the writer's I/O errors.
    let written = out.write_record(["id", "weight"]).and_then(|()| {
        pool.iter()
            .try_for_each(|c| out.write_record([c.id.as_str(), &c.weight.to_string()]))
    });
    debug_assert!(written.is_ok());
    out.into_inner().unwrap_or_default()
}

/// Reads a pool file (see the module's rules) into a [`Pool`].
pub fn read_pool_csv<R: Read>(input: R) -> Result<Pool, PoolCsvError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(input);
    check_header(&mut reader).map_err(|m| PoolCsvError::at(1, m))?;

    let mut builder = PoolBuilder::new();
    // The line of each candidate, to name both lines of a duplicate id.
    let mut lines: Vec<u64> = Vec::new();
    let mut record = csv::ByteRecord::new();
    loop {
        let more = reader.read_byte_record(&mut record).map_err(|e| {
            let line = e.position().map_or(0, csv::Position::line);
            PoolCsvError::at(line, malformed(&e))
        })?;
        if !more {
            break;
        }
        let line = record.position().map_or(0, csv::Position::line);
        push_record(&mut builder, &record).map_err(|m| PoolCsvError::at(line, m))?;
        lines.push(line);
    }
    builder.build().map_err(|e| match e {
        PoolError::DuplicateId { id, first, second } => {
            let line = |i: usize| lines.get(i).copied().unwrap_or(0);
            PoolCsvError::at(
                line(second),
                format!("duplicate id {:?} (first on line {})", shown(&id, 60), line(first)),
            )
        }
        other => PoolCsvError::at(0, other.to_string()),
    })
}

/// A reader error in one line, without the position the caller adds.
fn malformed(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Io(io) => format!("cannot read the file: {io}"),
        csv::ErrorKind::Utf8 { .. } => "the line is not valid UTF-8".to_owned(),
        _ => format!("malformed CSV: {e}"),
    }
}

fn check_header<R: Read>(reader: &mut csv::Reader<R>) -> Result<(), String> {
    let header = reader
        .byte_headers()
        .map_err(|e| format!("malformed CSV header: {}", malformed(&e)))?;
    let fields: Vec<String> = header
        .iter()
        .enumerate()
        .map(|(i, f)| {
            // Spreadsheet exports often start with a byte order mark.
            let f = if i == 0 {
                f.strip_prefix("\u{feff}".as_bytes()).unwrap_or(f)
            } else {
                f
            };
            String::from_utf8_lossy(f.trim_ascii()).into_owned()
        })
        .collect();
    if fields.len() == 2 && fields[0] == "id" && fields[1] == "weight" {
        return Ok(());
    }
    if fields.iter().all(String::is_empty) {
        return Err("the file is empty; expected the header `id,weight`".to_owned());
    }
    let unknown: Vec<String> = fields
        .iter()
        .filter(|f| !matches!(f.as_str(), "id" | "weight"))
        .take(5)
        .map(|f| shown(f, 40))
        .collect();
    let missing: Vec<&str> = ["id", "weight"]
        .into_iter()
        .filter(|c| !fields.iter().any(|f| f == c))
        .collect();
    let mut problems = Vec::new();
    if !missing.is_empty() {
        problems.push(format!("missing column(s) {}", missing.join(", ")));
    }
    if !unknown.is_empty() {
        problems.push(format!("unknown column(s) {}", unknown.join(", ")));
    }
    if problems.is_empty() {
        problems.push("the columns must be exactly `id,weight`, in that order".to_owned());
    }
    // The header may be anything: it is quoted back short.
    let found = shown(&fields.join(","), 120);
    Err(format!(
        "expected the header `id,weight`, found `{found}`: {}",
        problems.join("; ")
    ))
}

fn push_record(builder: &mut PoolBuilder, record: &csv::ByteRecord) -> Result<(), String> {
    if record.len() != 2 {
        return Err(format!("expected 2 fields (id,weight), found {}", record.len()));
    }
    let id = std::str::from_utf8(&record[0]).map_err(|_| "the id is not valid UTF-8".to_owned())?;
    let weight = parse_weight(&record[1])?;
    builder.push(id, weight).map_err(|e| match e {
        PoolError::EmptyId { .. } => "the id is empty".to_owned(),
        PoolError::ZeroWeight { id, .. } => {
            format!("id {:?} has weight 0; weights must be at least 1", shown(&id, 60))
        }
        PoolError::WeightTooLarge { id, weight, .. } => {
            format!(
                "id {:?} has weight {weight}; weights must be below 2^63",
                shown(&id, 60)
            )
        }
        PoolError::TotalTooLarge { id, .. } => {
            format!(
                "the total weight reaches 2^63 at id {:?}; it must stay below",
                shown(&id, 60)
            )
        }
        other => other.to_string(),
    })
}

fn parse_weight(field: &[u8]) -> Result<u64, String> {
    let text = String::from_utf8_lossy(field.trim_ascii());
    if text.is_empty() {
        return Err("the weight is missing".to_owned());
    }
    let quoted = shown(&text, 40);
    text.parse::<u64>().map_err(|e| match e.kind() {
        std::num::IntErrorKind::PosOverflow => {
            format!("the weight {quoted} is too large; weights must be below 2^63")
        }
        _ => format!("the weight {quoted:?} is not a whole number"),
    })
}

/// `text` cut to `max` characters (with `…` when cut), to quote what a file holds in a message.
fn shown(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Pool, PoolCsvError> {
        read_pool_csv(text.as_bytes())
    }

    #[test]
    fn the_writer_quotes_what_needs_it() {
        let csv = write_pool_csv(&[Candidate::new("a,b", 2), Candidate::new("plain", 1)]);
        assert_eq!(String::from_utf8(csv).unwrap(), "id,weight\n\"a,b\",2\nplain,1\n");
    }

    #[test]
    fn what_the_writer_writes_the_reader_reads() {
        let candidates = vec![
            Candidate::new("a,b", 2),
            Candidate::new("say \"hi\"", 1),
            Candidate::new("two\nlines", 3),
            Candidate::new(" spaced ", 4),
        ];
        let pool = Pool::new(candidates.clone()).unwrap();
        let back = read_pool_csv(&write_pool_csv(&candidates)[..]).unwrap();
        assert_eq!(back.hash(), pool.hash());
    }

    #[test]
    fn a_bom_and_spaces_around_the_header_and_weights_are_accepted() {
        let pool = read("\u{feff} id , weight \nana, 2 \nbia,1\n").unwrap();
        assert_eq!(pool.len(), 2);
        assert_eq!(pool.total_weight(), 3);
    }

    #[test]
    fn each_problem_names_its_line() {
        let cases = [
            ("", 1, "empty"),
            ("name,weight\n", 1, "missing column(s) id; unknown column(s) name"),
            ("weight,id\n", 1, "in that order"),
            ("id,weight\nana\n", 2, "expected 2 fields"),
            ("id,weight\nana,1\nbia,\n", 3, "the weight is missing"),
            ("id,weight\nana,0\n", 2, "weight 0"),
            ("id,weight\nana,x1\n", 2, "not a whole number"),
            ("id,weight\nana,99999999999999999999\n", 2, "too large"),
            ("id,weight\nana,9223372036854775808\n", 2, "below 2^63"),
            (
                "id,weight\nana,9223372036854775000\nbia,9223372036854775000\n",
                3,
                "total weight",
            ),
            ("id,weight\n,1\n", 2, "the id is empty"),
            (
                "id,weight\nana,1\nbia,1\nana,2\n",
                4,
                "duplicate id \"ana\" (first on line 2)",
            ),
        ];
        for (text, line, needle) in cases {
            let e = read(text).expect_err(text);
            assert_eq!(e.line, line, "{text:?}: {e}");
            assert!(e.message.contains(needle), "{text:?}: {e}");
        }
    }

    #[test]
    fn an_id_that_is_not_utf8_is_refused() {
        let e = read_pool_csv(&b"id,weight\n\xff\xfe,1\n"[..]).unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("UTF-8"), "{e}");
    }

    #[test]
    fn a_long_header_is_quoted_back_short() {
        let text = format!("{}\n", "x".repeat(10_000));
        let e = read(&text).unwrap_err();
        assert!(e.message.len() < 400, "{}", e.message.len());
    }
}
