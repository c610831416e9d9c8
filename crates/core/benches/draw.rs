//! Pool canonicalisation, hashing and selection on 10^4, 10^6 and 10^7 weighted candidates,
//! 100 winners.
//!
//! Run: `cargo bench -p fairdraw-core --bench draw`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use fairdraw_core::draw::{Candidate, DrawInput, Pool, PoolBuilder, ServerSeed, draw, select};

/// Ids in a scrambled order (so the canonical sort has real work) with weights 1..=7.
fn candidates(n: usize) -> Vec<Candidate> {
    (0..n as u64)
        .map(|i| {
            let scrambled = i.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 16;
            Candidate::new(format!("user-{scrambled:012x}"), 1 + i % 7)
        })
        .collect()
}

/// A copy of `pool` whose root is not computed yet (the copy is untimed set-up).
fn fresh(pool: &Pool) -> Pool {
    let mut b = PoolBuilder::with_capacity(pool.len(), pool.iter().map(|c| c.id.len()).sum());
    for c in pool.iter() {
        b.push(c.id, c.weight).expect("valid candidate");
    }
    b.build().expect("valid pool")
}

fn input() -> DrawInput {
    DrawInput {
        server_seed: ServerSeed([7; 32]),
        round: 0,
        beacon: "bench".into(),
        winners: 100,
        extras: 0,
    }
}

fn bench(c: &mut Criterion) {
    for &n in &[10_000usize, 1_000_000, 10_000_000] {
        let mut group = c.benchmark_group(format!("n={n}"));
        if n >= 1_000_000 {
            // One iteration per sample: linear sampling would run 55 of them.
            group.sampling_mode(SamplingMode::Flat);
            group.sample_size(10);
            group.warm_up_time(Duration::from_millis(500));
            group.measurement_time(Duration::from_secs(if n >= 10_000_000 { 20 } else { 5 }));
        }
        let list = candidates(n);
        let pool = Pool::new(list.clone()).expect("valid pool");
        let seed = pool.hash();

        // Validation + canonical sort of a shuffled list of owned candidates.
        group.bench_function(BenchmarkId::new("pool_new_shuffled", n), |b| {
            b.iter_batched(|| list.clone(), |l| Pool::new(black_box(l)), BatchSize::LargeInput)
        });
        // Merkle root + pool_hash of a pool in canonical order.
        group.bench_function(BenchmarkId::new("pool_hash", n), |b| {
            b.iter_batched(
                || fresh(&pool),
                |p| {
                    let h = p.hash();
                    (p, h)
                },
                BatchSize::LargeInput,
            )
        });
        // Fenwick build + 100 picks.
        group.bench_function(BenchmarkId::new("select_100", n), |b| {
            b.iter(|| select(&pool, black_box(&seed), 100))
        });
        // Hashed and drawn, from a fresh pool: the figure the target is about.
        // The pool is handed back so that freeing it is not timed.
        group.bench_function(BenchmarkId::new("hash_and_draw_100", n), |b| {
            b.iter_batched(
                || fresh(&pool),
                |p| {
                    let out = draw(&p, black_box(&input()));
                    (p, out)
                },
                BatchSize::LargeInput,
            )
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
