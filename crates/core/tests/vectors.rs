//! Every case of the published test vectors (spec §8), every field.

use fairdraw_core::draw::{
    Candidate, Certificate, DrawInput, Hash32, Pool, ServerKey, ServerSeed, commitment, draw, draw_seed, pool_hash,
    result_hash, verify_certificate, verify_proof,
};
use serde::Deserialize;

#[derive(Deserialize)]
struct Case {
    name: String,
    input: Input,
    expected: Expected,
}

#[derive(Deserialize)]
struct Input {
    pool: Vec<Candidate>,
    server_seed: String,
    winners: u32,
    extras: u32,
    round: u32,
    beacon: String,
}

#[derive(Deserialize)]
struct Expected {
    pool_root: String,
    pool_hash: String,
    pool_size: u64,
    total_weight: u64,
    commitment: String,
    draw_seed: String,
    winners: Vec<String>,
    extras: Vec<String>,
    result_hash: String,
}

fn cases() -> Vec<Case> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/draw-vectors-v1.json");
    let text = std::fs::read_to_string(path).expect("read the vectors file");
    let cases: Vec<Case> = serde_json::from_str(&text).expect("parse the vectors file");
    assert!(cases.len() >= 6, "expected the six published cases");
    cases
}

fn h(s: &str) -> Hash32 {
    Hash32::from_hex(s).expect("hex in the vectors file")
}

fn input_of(case: &Case) -> DrawInput {
    DrawInput {
        server_seed: ServerSeed::from_hex(&case.input.server_seed).expect("seed hex"),
        round: case.input.round,
        beacon: case.input.beacon.clone(),
        winners: case.input.winners,
        extras: case.input.extras,
    }
}

#[test]
fn every_case_matches_every_field() {
    for case in cases() {
        let name = &case.name;
        let e = &case.expected;
        let pool = Pool::new(case.input.pool.clone()).unwrap_or_else(|err| panic!("{name}: {err}"));
        let input = input_of(&case);

        // The building blocks, one by one.
        assert_eq!(pool.root().to_hex(), e.pool_root, "{name}: pool_root");
        assert_eq!(pool.hash().to_hex(), e.pool_hash, "{name}: pool_hash");
        assert_eq!(pool.size(), e.pool_size, "{name}: pool_size");
        assert_eq!(pool.total_weight(), e.total_weight, "{name}: total_weight");
        assert_eq!(
            pool_hash(e.pool_size, e.total_weight, &h(&e.pool_root)),
            h(&e.pool_hash),
            "{name}: pool_hash fn"
        );
        assert_eq!(
            commitment(&input.server_seed).to_hex(),
            e.commitment,
            "{name}: commitment"
        );
        let seed = draw_seed(&input.server_seed, &h(&e.pool_hash), input.round, &input.beacon);
        assert_eq!(seed.to_hex(), e.draw_seed, "{name}: draw_seed fn");
        assert_eq!(
            result_hash(&h(&e.draw_seed), &h(&e.pool_hash), &e.winners, &e.extras).to_hex(),
            e.result_hash,
            "{name}: result_hash fn"
        );

        // The whole draw.
        let out = draw(&pool, &input);
        assert_eq!(out.pool_root.to_hex(), e.pool_root, "{name}: draw pool_root");
        assert_eq!(out.pool_hash.to_hex(), e.pool_hash, "{name}: draw pool_hash");
        assert_eq!(out.pool_size, e.pool_size, "{name}: draw pool_size");
        assert_eq!(out.total_weight, e.total_weight, "{name}: draw total_weight");
        assert_eq!(out.commitment.to_hex(), e.commitment, "{name}: draw commitment");
        assert_eq!(out.draw_seed.to_hex(), e.draw_seed, "{name}: draw draw_seed");
        assert_eq!(out.winners, e.winners, "{name}: winners");
        assert_eq!(out.extras, e.extras, "{name}: extras");
        assert_eq!(out.result_hash.to_hex(), e.result_hash, "{name}: result_hash");
    }
}

#[test]
fn every_case_is_order_independent() {
    for case in cases() {
        let mut reversed = case.input.pool.clone();
        reversed.reverse();
        let a = draw(&Pool::new(case.input.pool.clone()).unwrap(), &input_of(&case));
        let b = draw(&Pool::new(reversed).unwrap(), &input_of(&case));
        assert_eq!(a, b, "{}", case.name);
    }
}

#[test]
fn every_case_certifies_and_proves_membership() {
    let key = ServerKey::from_seed(&[0x5a; 32]);
    for case in cases() {
        let pool = Pool::new(case.input.pool.clone()).unwrap();
        let input = input_of(&case);
        let out = draw(&pool, &input);
        let mut cert = Certificate::new(&out, &input, "2026-01-01T00:00:00Z");
        cert.sign(&key);
        let json = serde_json::to_string_pretty(&cert).unwrap();
        let back: Certificate = serde_json::from_str(&json).unwrap();
        assert!(verify_certificate(&back, &pool).is_ok(), "{}", case.name);

        for c in pool.iter() {
            let proof = pool.proof(c.id).unwrap();
            assert_eq!(
                verify_proof(&proof, &out.pool_hash),
                Ok(()),
                "{}: proof of {}",
                case.name,
                c.id
            );
        }
    }
}
