//! Display order: the rule behind the reorder endpoint.

use crate::validation::FieldErrors;
use serde::Deserialize;
use std::collections::HashSet;

/// The body of a reorder request: the methods' ids (the global `id`s), first to last.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ReorderInput {
    pub order: Option<Vec<i64>>,
}

impl ReorderInput {
    /// The new order of `current` (the present display order), or the 422 details.
    pub fn apply(self, current: &[i64]) -> Result<Vec<i64>, FieldErrors> {
        let Some(requested) = self.order else {
            return Err(FieldErrors::one(
                "order",
                "Order is required: an array of entry method ids.",
            ));
        };
        reorder(current, &requested).map_err(|e| FieldErrors::one("order", e.message()))
    }
}

/// Why a requested order cannot be applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReorderError {
    /// The id is not one of the current methods (another giveaway's, removed, or made up).
    Unknown(i64),
    /// The id is listed more than once.
    Duplicate(i64),
}

impl ReorderError {
    pub fn message(&self) -> String {
        match self {
            ReorderError::Unknown(id) => format!("Entry method {id} is not configured on this giveaway."),
            ReorderError::Duplicate(id) => format!("Entry method {id} is listed more than once."),
        }
    }
}

/// The new order: the `requested` ids first, in that order, then every other id of `current`
/// in the order it had. `current` is the present display order.
pub fn reorder(current: &[i64], requested: &[i64]) -> Result<Vec<i64>, ReorderError> {
    let known: HashSet<i64> = current.iter().copied().collect();
    let mut placed = HashSet::with_capacity(requested.len());
    for &id in requested {
        if !known.contains(&id) {
            return Err(ReorderError::Unknown(id));
        }
        if !placed.insert(id) {
            return Err(ReorderError::Duplicate(id));
        }
    }
    let rest = current.iter().copied().filter(|id| !placed.contains(id));
    Ok(requested.iter().copied().chain(rest).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_list_is_taken_as_given() {
        assert_eq!(
            reorder(&[100001, 100002, 100003], &[100001, 100003, 100002]),
            Ok(vec![100001, 100003, 100002])
        );
    }

    #[test]
    fn unlisted_ids_follow_in_their_previous_order() {
        assert_eq!(reorder(&[1, 2, 3, 4, 5], &[4, 2]), Ok(vec![4, 2, 1, 3, 5]));
        assert_eq!(reorder(&[1, 2, 3], &[]), Ok(vec![1, 2, 3]));
        assert_eq!(reorder(&[], &[]), Ok(vec![]));
    }

    #[test]
    fn unknown_and_repeated_ids_are_refused() {
        assert_eq!(reorder(&[1, 2, 3], &[2, 9]), Err(ReorderError::Unknown(9)));
        assert_eq!(reorder(&[1, 2, 3], &[2, 3, 2]), Err(ReorderError::Duplicate(2)));
        assert_eq!(reorder(&[], &[1]), Err(ReorderError::Unknown(1)));
    }

    #[test]
    fn the_body_needs_an_order() {
        let body = |v| serde_json::from_value::<ReorderInput>(v).unwrap();
        assert_eq!(body(serde_json::json!({ "order": [2] })).apply(&[1, 2]), Ok(vec![2, 1]));
        let e = body(serde_json::json!({})).apply(&[1, 2]).unwrap_err();
        assert_eq!(e.iter().next().unwrap().0, "order");
        let e = body(serde_json::json!({ "order": [3] })).apply(&[1, 2]).unwrap_err();
        assert_eq!(
            e.iter().next().unwrap().1,
            "Entry method 3 is not configured on this giveaway."
        );
    }

    #[test]
    fn the_result_is_always_a_permutation() {
        let current = [7, 3, 9, 1, 4];
        for requested in [&[9][..], &[1, 7], &[4, 1, 9, 3, 7], &[3, 4]] {
            let mut got = reorder(&current, requested).unwrap();
            assert_eq!(&got[..requested.len()], requested);
            got.sort_unstable();
            assert_eq!(got, [1, 3, 4, 7, 9]);
        }
    }
}
