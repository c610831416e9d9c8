//! The draw's random stream (spec §4) and unbiased `below()`.

use std::num::NonZeroU64;

use sha2::{Digest, Sha256};

use super::hash::Hash32;

const TAG_RNG: &[u8] = b"fairdraw/rng/v1";

/// Words `u64be` taken in order from blocks `H("fairdraw/rng/v1" || draw_seed || u64be(j))`.
#[derive(Debug, Clone)]
pub struct RandomStream {
    draw_seed: Hash32,
    next_block: u64,
    words: [u64; 4],
    used: usize,
}

impl RandomStream {
    pub fn new(draw_seed: &Hash32) -> Self {
        RandomStream {
            draw_seed: *draw_seed,
            next_block: 0,
            words: [0; 4],
            used: 4,
        }
    }

    /// The next word of the stream.
    pub fn next_u64(&mut self) -> u64 {
        if self.used == 4 {
            self.refill();
        }
        let word = self.words[self.used];
        self.used += 1;
        word
    }

    fn refill(&mut self) {
        let mut h = Sha256::new();
        h.update(TAG_RNG);
        h.update(self.draw_seed.0);
        h.update(self.next_block.to_be_bytes());
        let block: [u8; 32] = h.finalize().into();
        for (word, bytes) in self.words.iter_mut().zip(block.chunks_exact(8)) {
            let mut b = [0u8; 8];
            b.copy_from_slice(bytes);
            *word = u64::from_be_bytes(b);
        }
        // 2^64 blocks cannot be consumed; wrapping keeps this total rather than panicking.
        self.next_block = self.next_block.wrapping_add(1);
        self.used = 0;
    }

    /// A uniform integer in `[0, total)` by rejection sampling: accept a word `r` when
    /// `r < 2^64 - (2^64 mod total)`. The limit is computed in u128 because it is 2^64
    /// itself (accept everything) when `total` divides 2^64.
    pub fn below(&mut self, total: NonZeroU64) -> u64 {
        let total = total.get();
        let limit = acceptance_limit(total);
        loop {
            let r = self.next_u64();
            if u128::from(r) < limit {
                return r % total;
            }
        }
    }
}

/// `2^64 - (2^64 mod total)`.
pub(crate) fn acceptance_limit(total: u64) -> u128 {
    let span = 1u128 << 64;
    span - span % u128::from(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn nz(n: u64) -> NonZeroU64 {
        NonZeroU64::new(n).unwrap()
    }

    #[test]
    fn words_come_from_tagged_blocks() {
        let seed = Hash32([9; 32]);
        let mut s = RandomStream::new(&seed);
        let words: Vec<u64> = (0..8).map(|_| s.next_u64()).collect();
        for j in 0..2u64 {
            let mut h = Sha256::new();
            h.update(b"fairdraw/rng/v1");
            h.update(seed.0);
            h.update(j.to_be_bytes());
            let block: [u8; 32] = h.finalize().into();
            for w in 0..4 {
                let expect = u64::from_be_bytes(block[w * 8..w * 8 + 8].try_into().unwrap());
                assert_eq!(words[j as usize * 4 + w], expect);
            }
        }
    }

    #[test]
    fn limit_handles_powers_of_two() {
        assert_eq!(acceptance_limit(1), 1 << 64);
        assert_eq!(acceptance_limit(1 << 63), 1 << 64);
        assert_eq!(acceptance_limit(3), (1u128 << 64) - 1);
        // The naive u64 formula is wrong exactly here.
        assert_ne!(
            u128::from((u64::MAX / (1 << 62)) * (1 << 62)),
            acceptance_limit(1 << 62)
        );
        assert_eq!(acceptance_limit(u64::MAX), u128::from(u64::MAX));
    }

    #[test]
    fn below_one_is_zero() {
        let mut s = RandomStream::new(&Hash32([1; 32]));
        assert!((0..100).all(|_| s.below(nz(1)) == 0));
    }

    #[test]
    fn rejection_consumes_the_next_word() {
        // With total just above 2^63 nearly half of all words are rejected; the accepted
        // values must still be exactly the accepted words reduced mod total.
        let total = (1u64 << 63) + 1;
        let limit = acceptance_limit(total);
        let seed = Hash32([3; 32]);
        let mut words = RandomStream::new(&seed);
        let mut s = RandomStream::new(&seed);
        let mut rejected = 0;
        for _ in 0..200 {
            let got = s.below(nz(total));
            let expect = loop {
                let r = words.next_u64();
                if u128::from(r) < limit {
                    break r % total;
                }
                rejected += 1;
            };
            assert_eq!(got, expect);
        }
        assert!(rejected > 50, "rejection path exercised ({rejected})");
    }

    proptest! {
        #[test]
        fn below_is_in_range(seed in any::<[u8; 32]>(), total in 1u64..) {
            let mut s = RandomStream::new(&Hash32(seed));
            for _ in 0..16 {
                prop_assert!(s.below(nz(total)) < total);
            }
        }

        #[test]
        fn below_small_is_in_range(seed in any::<[u8; 32]>(), total in 1u64..10) {
            let mut s = RandomStream::new(&Hash32(seed));
            for _ in 0..64 {
                prop_assert!(s.below(nz(total)) < total);
            }
        }
    }
}
