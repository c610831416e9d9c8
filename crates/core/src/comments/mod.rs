//! Comment draws: a post's comments (from a platform or an upload), the filters that decide
//! which comments count, and the pool they make. Pure: the comments are handed in.
//!
//! The pool of a comment draw: id = the commenter's lower-case handle; weight = that person's
//! qualifying comments, or 1 with `exclude_duplicates`. `comments_processed` counts every
//! comment and reply read, whether it qualified or not.

pub mod filters;
pub mod mentions;
pub mod upload;

pub use filters::{Filters, FiltersInput, normalize_handle};

use crate::draw::{Pool, PoolBuilder, PoolError};
use std::collections::{HashMap, HashSet};

/// One comment or reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// The platform's id, when known.
    pub id: Option<String>,
    /// The commenter's handle as the platform or file gives it (with or without `@`).
    pub username: String,
    pub text: String,
    /// Unix milliseconds, when known.
    pub timestamp: Option<i64>,
    /// Set on replies: the comment replied to.
    pub parent_id: Option<String>,
    /// Written by the post's owner (the platform says so, e.g. YouTube's channel id).
    pub by_owner: bool,
}

/// An instant as platforms write it: RFC 3339 (`2026-04-28T14:23:11Z`, `…+02:00`), or Graph
/// API's offset without a colon (`2026-04-28T14:23:11+0000`). Unix milliseconds.
pub fn parse_instant(raw: &str) -> Option<i64> {
    let raw = raw.trim();
    let ts = raw.parse::<jiff::Timestamp>().ok().or_else(|| {
        // `+HHMM` at the end: put the colon in.
        let b = raw.as_bytes();
        let n = b.len();
        if n > 5 && (b[n - 5] == b'+' || b[n - 5] == b'-') && b[n - 4..].iter().all(u8::is_ascii_digit) {
            format!("{}:{}", &raw[..n - 2], &raw[n - 2..]).parse().ok()
        } else {
            None
        }
    })?;
    Some(ts.as_millisecond())
}

/// Counts qualifying comments per person as comments stream past, keeping only the counts.
#[derive(Debug)]
pub struct Tally {
    filters: Filters,
    owner: Option<String>,
    processed: u64,
    weights: HashMap<String, u64>,
}

impl Tally {
    /// `owner`: the post owner's handle, when known.
    pub fn new(filters: Filters, owner: Option<&str>) -> Tally {
        Tally {
            filters,
            owner: owner.map(normalize_handle).filter(|o| !o.is_empty()),
            processed: 0,
            weights: HashMap::new(),
        }
    }

    pub fn set_owner(&mut self, owner: Option<&str>) {
        self.owner = owner.map(normalize_handle).filter(|o| !o.is_empty());
    }

    /// The commenter's pool id when `c` qualifies.
    pub fn qualifying_handle(&self, c: &Comment) -> Option<String> {
        let handle = normalize_handle(&c.username);
        (!handle.is_empty() && self.filters.qualifies(c, &handle, self.owner.as_deref())).then_some(handle)
    }

    pub fn add(&mut self, c: &Comment) {
        self.processed += 1;
        if let Some(handle) = self.qualifying_handle(c) {
            *self.weights.entry(handle).or_insert(0) += 1;
        }
    }

    /// All comments and replies read so far.
    pub fn processed(&self) -> u64 {
        self.processed
    }

    /// People who qualify so far.
    pub fn people(&self) -> usize {
        self.weights.len()
    }

    /// Each qualifying person with their qualifying comments, in no particular order.
    pub fn counts(&self) -> impl Iterator<Item = (&str, u64)> {
        self.weights.iter().map(|(k, v)| (k.as_str(), *v))
    }

    /// The weight a person with `n` qualifying comments gets.
    pub fn weight_of(&self, n: u64) -> u64 {
        if self.filters.exclude_duplicates { 1 } else { n }
    }

    /// The draw's pool (canonical order is the pool's business).
    pub fn pool(&self) -> Result<Pool, PoolError> {
        let bytes = self.weights.keys().map(String::len).sum();
        let mut b = PoolBuilder::with_capacity(self.weights.len(), bytes);
        for (id, n) in &self.weights {
            b.push(id, self.weight_of(*n))?;
        }
        b.build()
    }
}

/// The first qualifying comment of each of some people (the winners), found in a second pass
/// over the comments, so the first pass keeps nothing but counts.
#[derive(Debug)]
pub struct FirstComments {
    wanted: HashSet<String>,
    found: HashMap<String, String>,
}

impl FirstComments {
    pub fn new<'a>(ids: impl IntoIterator<Item = &'a str>) -> FirstComments {
        FirstComments {
            wanted: ids.into_iter().map(str::to_owned).collect(),
            found: HashMap::new(),
        }
    }

    pub fn observe(&mut self, tally: &Tally, c: &Comment) {
        if self.found.len() == self.wanted.len() {
            return;
        }
        let handle = normalize_handle(&c.username);
        if self.wanted.contains(&handle) && !self.found.contains_key(&handle) && tally.qualifying_handle(c).is_some() {
            self.found.insert(handle, c.text.clone());
        }
    }

    pub fn done(&self) -> bool {
        self.found.len() == self.wanted.len()
    }

    pub fn get(&self, id: &str) -> Option<&str> {
        self.found.get(id).map(String::as_str)
    }
}

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A ULID: 48 bits of Unix milliseconds then 80 random bits, in Crockford base32 (26
/// characters), so ids sort by creation time.
pub fn time_ordered_id(ms: i64, random: [u8; 10]) -> String {
    let mut value: u128 = u128::from(u64::try_from(ms).unwrap_or(0) & 0xFFFF_FFFF_FFFF) << 80;
    for (i, b) in random.iter().enumerate() {
        value |= u128::from(*b) << (72 - 8 * i);
    }
    (0..26)
        .rev()
        .map(|i| CROCKFORD[((value >> (5 * i)) & 31) as usize] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn c(user: &str, text: &str) -> Comment {
        Comment {
            id: None,
            username: user.to_owned(),
            text: text.to_owned(),
            timestamp: None,
            parent_id: None,
            by_owner: false,
        }
    }

    #[test]
    fn instants_with_and_without_the_colon() {
        let a = parse_instant("2026-04-28T14:23:11+0000").unwrap();
        assert_eq!(parse_instant("2026-04-28T14:23:11Z"), Some(a));
        assert_eq!(parse_instant("2026-04-28T16:23:11+02:00"), Some(a));
        assert_eq!(parse_instant("2026-04-28T16:23:11+0200"), Some(a));
        assert_eq!(parse_instant("yesterday"), None);
    }

    #[test]
    fn pool_ids_are_lower_case_handles_weighted_by_comments() {
        let mut t = Tally::new(Filters::default(), Some("@Brand"));
        for (u, x) in [("@Ana", "a"), ("ana", "b"), ("Bia", "c"), ("brand", "d")] {
            t.add(&c(u, x));
        }
        assert_eq!(t.processed(), 4);
        let pool = t.pool().unwrap();
        let got: Vec<_> = pool.iter().map(|c| (c.id.to_owned(), c.weight)).collect();
        assert_eq!(got, [("ana".to_owned(), 2), ("bia".to_owned(), 1)]);

        let f =
            Filters::parse(&serde_json::from_value(serde_json::json!({"exclude_duplicates": true})).unwrap()).unwrap();
        let mut t = Tally::new(f, None);
        t.add(&c("ana", "a"));
        t.add(&c("ANA", "b"));
        assert_eq!(t.pool().unwrap().total_weight(), 1);
    }

    #[test]
    fn first_comments_are_the_first_that_qualify() {
        let f = Filters::parse(&serde_json::from_value(serde_json::json!({"require_tag": true})).unwrap()).unwrap();
        let t = Tally::new(f, None);
        let mut first = FirstComments::new(["ana"]);
        for x in [c("ana", "no tag"), c("Ana", "@bia one"), c("ana", "@cora two")] {
            first.observe(&t, &x);
        }
        assert!(first.done());
        assert_eq!(first.get("ana"), Some("@bia one"));
    }

    #[test]
    fn ulids_sort_by_time() {
        let a = time_ordered_id(1_000, [0xFF; 10]);
        let b = time_ordered_id(1_001, [0; 10]);
        assert_eq!(a.len(), 26);
        assert!(a < b);
        assert_eq!(time_ordered_id(0, [0; 10]), "0".repeat(26));
    }

    proptest! {
        #[test]
        fn weights_sum_to_qualifying_comments(users in proptest::collection::vec("[a-cA-C]{1,2}", 0..50)) {
            let mut t = Tally::new(Filters::default(), None);
            for u in &users {
                t.add(&c(u, "x"));
            }
            prop_assert_eq!(t.processed(), users.len() as u64);
            if !users.is_empty() {
                let pool = t.pool().unwrap();
                prop_assert_eq!(pool.total_weight(), users.len() as u64);
                let distinct: HashSet<String> = users.iter().map(|u| u.to_lowercase()).collect();
                prop_assert_eq!(pool.len(), distinct.len());
            }
        }
    }
}
