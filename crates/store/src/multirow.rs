//! Statements over many rows. The entry writer's batches bind all their rows as one JSON array
//! in one parameter ([`json_rows`]): one statement of one shape for any number of rows, with no
//! per-value parameter to bind. Lists of ids are cut into power-of-two sizes ([`chunk_len`]) so
//! that the prepared-statement caches see a handful of shapes, not one per length.

use crate::db::Backend;
use sqlx::AnyConnection;
use std::fmt::Write;

/// The elements of the JSON array bound as `$1`, one row each, as `j.value`; its fields are read
/// with `j.value ->> 'name'` (text, or NULL) on both databases, cast where a column is not text.
/// The one difference between the dialects is the function that unnests the array. PostgreSQL
/// reads it as `jsonb`, parsed once: `->>` on `json` parses the element's text again for each
/// field, and that made a batch slower than binding every value.
pub(crate) fn json_rows(conn: &AnyConnection) -> &'static str {
    match Backend::of(conn) {
        Backend::Sqlite => "json_each($1) AS j",
        Backend::Postgres => "jsonb_array_elements(CAST($1 AS jsonb)) AS j",
    }
}

/// The most rows one statement writes.
pub(crate) const MAX_ROWS: usize = 256;

/// Rows for [`json_rows`], as the JSON text to bind.
pub(crate) fn to_json<T: serde::Serialize>(rows: &[T]) -> crate::StoreResult<String> {
    serde_json::to_string(rows).map_err(|e| crate::StoreError::Config(format!("cannot encode rows: {e}")))
}

/// The largest power of two not above `n` or [`MAX_ROWS`].
pub(crate) fn chunk_len(n: usize) -> usize {
    if n >= MAX_ROWS { MAX_ROWS } else { 1 << n.ilog2() }
}

/// `n` numbered placeholders separated by commas, from `$first` on: the list of an `IN (…)`
/// that follows `first - 1` other parameters.
pub(crate) fn placeholders_from(first: usize, n: usize) -> String {
    let mut s = String::with_capacity(n * 6);
    for k in 0..n {
        if k > 0 {
            s.push_str(", ");
        }
        let _ = write!(s, "${}", first + k);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_come_in_few_shapes() {
        assert_eq!(chunk_len(1), 1);
        assert_eq!(chunk_len(37), 32);
        assert_eq!(chunk_len(5), 4);
        assert_eq!(chunk_len(1000), MAX_ROWS);
        assert_eq!(placeholders_from(3, 3), "$3, $4, $5");
    }
}
