//! Multi-row statements. Statements are cut into power-of-two sizes so that the
//! prepared-statement caches see a handful of shapes, not one per batch size.

use std::fmt::Write;

/// The most rows one statement writes.
pub(crate) const MAX_ROWS: usize = 256;

/// The largest power of two not above `n` or [`MAX_ROWS`].
pub(crate) fn chunk_len(n: usize) -> usize {
    if n >= MAX_ROWS { MAX_ROWS } else { 1 << n.ilog2() }
}

/// `n` copies of a row pattern whose every `$` becomes the next numbered placeholder.
pub(crate) fn rows(pattern: &str, n: usize) -> String {
    let mut s = String::with_capacity(n * (pattern.len() + 24));
    let mut next = 1;
    for k in 0..n {
        if k > 0 {
            s.push_str(", ");
        }
        for ch in pattern.chars() {
            if ch == '$' {
                let _ = write!(s, "${next}");
                next += 1;
            } else {
                s.push(ch);
            }
        }
    }
    s
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
        assert_eq!(rows("($, 0, $)", 2), "($1, 0, $2), ($3, 0, $4)");
        assert_eq!(placeholders_from(3, 3), "$3, $4, $5");
    }
}
