//! Mentions in a comment, by the rule the certificate's filters are defined with: `@` followed
//! by an Instagram-style handle, that is the whole run of letters, digits, `.` and `_` after the
//! `@`, with trailing dots dropped (they end a sentence, they are not part of the name). A run
//! longer than [`MAX_HANDLE`] characters is no mention at all: Instagram handles stop at 30, so
//! such a run names nobody, and cutting it to its first 30 characters would invent a person.

use std::collections::BTreeSet;

/// The longest handle a mention can name.
pub const MAX_HANDLE: usize = 30;

fn is_handle_char(c: char) -> bool {
    c.is_alphanumeric() || c == '.' || c == '_'
}

/// Every mention in `text`, lower-cased, in order of appearance (repeats included).
pub fn mentions(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find('@') {
        let after = &rest[at + 1..];
        let run_len = after
            .char_indices()
            .find(|&(_, c)| !is_handle_char(c))
            .map_or(after.len(), |(i, _)| i);
        let handle = after[..run_len].trim_end_matches('.');
        if !handle.is_empty() && handle.chars().count() <= MAX_HANDLE {
            out.push(handle.to_lowercase());
        }
        rest = &after[run_len..];
    }
    out
}

/// How many distinct accounts `text` mentions, not counting `commenter` and `owner` (both
/// compared case-insensitively; pass them lower-cased).
pub fn distinct_tags(text: &str, commenter: &str, owner: Option<&str>) -> usize {
    mentions(text)
        .into_iter()
        .filter(|m| m != commenter && Some(m.as_str()) != owner)
        .collect::<BTreeSet<_>>()
        .len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_rule_as_documented() {
        assert_eq!(mentions("Love this! @Ana_Costa"), ["ana_costa"]);
        assert_eq!(mentions("thanks @carla.dev."), ["carla.dev"]);
        assert_eq!(mentions("@a... @b"), ["a", "b"]);
        assert_eq!(mentions("@ @. @!"), Vec::<String>::new());
        assert_eq!(mentions("me@luis123, you"), ["luis123"]);
        let thirty = "a".repeat(30);
        assert_eq!(mentions(&format!("@{thirty}")), std::slice::from_ref(&thirty));
        // 31 characters names nobody, not its first 30.
        assert!(mentions(&format!("@{thirty}b hi")).is_empty());
        // Trailing dots do not count towards the length.
        assert_eq!(mentions(&format!("@{thirty}...")), [thirty]);
        assert_eq!(mentions("@joão_1"), ["joão_1"]);
    }

    #[test]
    fn distinct_tags_skip_the_commenter_and_the_owner() {
        assert_eq!(distinct_tags("@ana @ANA @bia", "x", None), 2);
        assert_eq!(distinct_tags("@me @brand @ana", "me", Some("brand")), 1);
        assert_eq!(distinct_tags("no tags", "me", None), 0);
    }

    proptest! {
        #[test]
        fn mentions_are_well_formed(text in ".{0,200}") {
            for m in mentions(&text) {
                prop_assert!(!m.is_empty());
                prop_assert!(m.chars().count() <= MAX_HANDLE);
                prop_assert!(!m.ends_with('.'));
                prop_assert!(m.chars().all(is_handle_char));
                prop_assert_eq!(m.to_lowercase(), m.clone());
            }
        }

        #[test]
        fn a_valid_handle_is_found(handle in "[a-z0-9_]([a-z0-9_.]{0,28}[a-z0-9_])?", before in "[ ,!?]{0,3}", after in "[ ,!?.]{0,3}") {
            let text = format!("hi{before} @{handle}{after}");
            prop_assert_eq!(mentions(&text), vec![handle]);
        }
    }
}
