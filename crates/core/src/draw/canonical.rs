//! Canonical order (bytewise by id) for large pools, fast.
//!
//! Comparing ids in place costs a cache miss per comparison on a pool of millions. Instead
//! each id gets a 16-byte key: the bytes right after the prefix that *all* ids share (so
//! `user-000…` style ids still differ within the key), zero-padded. Keys compare inline and
//! the ids themselves are read only when two keys tie. The two halves are sorted on two
//! threads and merged, then the ids are copied into a freshly packed pool in canonical
//! order, so that hashing later reads them front to back.

use std::cmp::Ordering;

use super::par::{PARALLEL_MIN, join};
use super::pool::Packed;

#[derive(Clone, Copy)]
struct Key {
    hi: u64,
    lo: u64,
    index: usize,
}

impl Key {
    fn new(id: &[u8], skip: usize, index: usize) -> Key {
        let mut buf = [0u8; 16];
        let rest = &id[skip.min(id.len())..];
        let take = rest.len().min(16);
        buf[..take].copy_from_slice(&rest[..take]);
        let (hi, lo) = buf.split_at(8);
        let word = |b: &[u8]| {
            let mut w = [0u8; 8];
            w.copy_from_slice(b);
            u64::from_be_bytes(w)
        };
        Key {
            hi: word(hi),
            lo: word(lo),
            index,
        }
    }
}

/// Orders keys as their ids order. Zero padding can only make keys tie (an id ending early
/// against one continuing with NUL bytes), never misorder them, and ties read the ids.
fn compare(packed: &Packed, skip: usize, a: &Key, b: &Key) -> Ordering {
    (a.hi, a.lo)
        .cmp(&(b.hi, b.lo))
        .then_with(|| packed.id_bytes(a.index)[skip..].cmp(&packed.id_bytes(b.index)[skip..]))
}

/// Length of the prefix shared by every id.
fn common_prefix(packed: &Packed) -> usize {
    if packed.len() == 0 {
        return 0;
    }
    let first = packed.id_bytes(0);
    let mut shared = first.len();
    for i in 1..packed.len() {
        let id = packed.id_bytes(i);
        shared = first[..shared].iter().zip(id).take_while(|(a, b)| a == b).count();
        if shared == 0 {
            break;
        }
    }
    shared
}

/// Indices `(first, second)` of a duplicated id in input order, and the id.
pub(crate) type Duplicate = (usize, usize, String);

fn duplicate(packed: &Packed, a: usize, b: usize) -> Duplicate {
    (a.min(b), a.max(b), packed.id(a).to_owned())
}

/// `packed` in canonical order, or the first duplicate found.
pub(crate) fn canonicalize(packed: Packed) -> Result<Packed, Duplicate> {
    // Pools often arrive sorted (from an ORDER BY); one sequential pass proves it.
    let mut sorted = true;
    for i in 1..packed.len() {
        match packed.id_bytes(i - 1).cmp(packed.id_bytes(i)) {
            Ordering::Less => {}
            Ordering::Equal => return Err(duplicate(&packed, i - 1, i)),
            Ordering::Greater => {
                sorted = false;
                break;
            }
        }
    }
    if sorted {
        return Ok(packed);
    }

    let skip = common_prefix(&packed);
    let key = |i| Key::new(packed.id_bytes(i), skip, i);
    let cmp = |a: &Key, b: &Key| compare(&packed, skip, a, b);
    let n = packed.len();
    let (left, right) = if n >= PARALLEL_MIN {
        let mid = n / 2;
        join(|| sorted_keys(0..mid, key, cmp), || sorted_keys(mid..n, key, cmp))
    } else {
        (sorted_keys(0..n, key, cmp), Vec::new())
    };
    let order = merge(&left, &right, cmp).map_err(|one| first_two(&packed, &left, &right, one))?;
    Ok(gather(&packed, &order))
}

fn sorted_keys(
    range: std::ops::Range<usize>,
    key: impl Fn(usize) -> Key,
    cmp: impl Fn(&Key, &Key) -> Ordering,
) -> Vec<Key> {
    let mut keys: Vec<Key> = range.map(key).collect();
    keys.sort_unstable_by(|a, b| cmp(a, b));
    keys
}

/// Merges the two sorted halves into one order of input indices, failing (with the input
/// index of one of them) on equal neighbours.
fn merge(left: &[Key], right: &[Key], cmp: impl Fn(&Key, &Key) -> Ordering) -> Result<Vec<usize>, usize> {
    let mut order = Vec::with_capacity(left.len() + right.len());
    let (mut i, mut j) = (0, 0);
    let mut prev: Option<&Key> = None;
    while i < left.len() || j < right.len() {
        let take_left = j == right.len() || (i < left.len() && cmp(&left[i], &right[j]) != Ordering::Greater);
        let next = if take_left {
            i += 1;
            &left[i - 1]
        } else {
            j += 1;
            &right[j - 1]
        };
        if let Some(p) = prev
            && cmp(p, next) == Ordering::Equal
        {
            return Err(p.index);
        }
        order.push(next.index);
        prev = Some(next);
    }
    Ok(order)
}

/// `packed` rearranged in `order`, each half on its own thread for large pools.
fn gather(packed: &Packed, order: &[usize]) -> Packed {
    if order.len() < PARALLEL_MIN {
        return gather_part(packed, order);
    }
    let (first, second) = order.split_at(order.len() / 2);
    let (mut out, tail) = join(|| gather_part(packed, first), || gather_part(packed, second));
    let shift = out.bytes.len();
    out.bytes.extend_from_slice(&tail.bytes);
    out.ends.extend(tail.ends.iter().map(|end| end + shift));
    out.weights.extend_from_slice(&tail.weights);
    out
}

/// The reads are random, so they are done in passes whose loads do not depend on each
/// other (spans, then weights, then bytes): the CPU then keeps many cache misses in flight
/// instead of one or two.
fn gather_part(packed: &Packed, order: &[usize]) -> Packed {
    let spans: Vec<(usize, usize)> = order.iter().map(|&i| packed.span(i)).collect();
    let weights: Vec<u64> = order.iter().map(|&i| packed.weights[i]).collect();
    let total: usize = spans.iter().map(|(start, end)| end - start).sum();
    let mut bytes = Vec::with_capacity(total);
    let mut ends = Vec::with_capacity(order.len());
    for &(start, end) in &spans {
        bytes.extend_from_slice(&packed.bytes[start..end]);
        ends.push(bytes.len());
    }
    Packed { bytes, ends, weights }
}

/// Error path only: the two earliest input positions of the duplicated id.
fn first_two(packed: &Packed, left: &[Key], right: &[Key], one: usize) -> Duplicate {
    let id = packed.id_bytes(one);
    let mut hits: Vec<usize> = left
        .iter()
        .chain(right)
        .map(|k| k.index)
        .filter(|&i| packed.id_bytes(i) == id)
        .collect();
    hits.sort_unstable();
    duplicate(packed, hits[0], hits[1])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn packed(ids: &[&str]) -> Packed {
        let mut p = Packed::default();
        for (i, id) in ids.iter().enumerate() {
            p.push(id, i as u64 + 1);
        }
        p
    }

    fn order(p: &Packed) -> Vec<String> {
        (0..p.len()).map(|i| p.id(i).to_owned()).collect()
    }

    #[test]
    fn long_shared_prefixes_and_nul_bytes() {
        let ids = [
            "user-000000000000000000002",
            "user-000000000000000000001",
            "user-0000000000000000000010",
            "user-00000000000000000000",
            "user-00000000000000000000\0",
        ];
        let out = canonicalize(packed(&ids)).unwrap();
        let mut expect: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
        expect.sort();
        assert_eq!(order(&out), expect);
    }

    #[test]
    fn reports_the_earliest_duplicates() {
        let ids = ["c", "a", "b", "a", "d", "a"];
        let err = canonicalize(packed(&ids)).err().unwrap();
        assert_eq!(err, (1, 3, "a".to_owned()));
    }

    #[test]
    fn large_pools_take_the_parallel_path() {
        let n = PARALLEL_MIN + 17;
        let ids: Vec<String> = (0..n).map(|i| format!("id-{:08}", (i * 7919) % n)).collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let out = canonicalize(packed(&refs)).unwrap();
        let mut expect = ids.clone();
        expect.sort();
        assert_eq!(order(&out), expect);
        // Weights travel with their ids.
        let at = out.ends.len() / 3;
        let original = ids.iter().position(|s| s == out.id(at)).unwrap();
        assert_eq!(out.weights[at], original as u64 + 1);

        let mut dup = refs.clone();
        dup[n - 1] = refs[5];
        let err = canonicalize(packed(&dup)).err().unwrap();
        assert_eq!(err, (5, n - 1, refs[5].to_owned()));
    }

    proptest! {
        #[test]
        fn sorts_like_byte_order(ids in proptest::collection::hash_set("[a-c\u{0}é日]{0,20}", 0..60)) {
            let ids: Vec<String> = ids.into_iter().filter(|s| !s.is_empty()).collect();
            let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
            let out = canonicalize(packed(&refs)).unwrap();
            let mut expect = ids.clone();
            expect.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
            prop_assert_eq!(order(&out), expect);
        }

        #[test]
        fn sorts_with_a_long_common_prefix(ids in proptest::collection::hash_set("prefix-prefix-prefix-[ab]{0,24}", 0..60)) {
            let ids: Vec<String> = ids.into_iter().collect();
            let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
            let out = canonicalize(packed(&refs)).unwrap();
            let mut expect = ids.clone();
            expect.sort();
            prop_assert_eq!(order(&out), expect);
        }
    }
}
