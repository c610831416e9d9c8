//! `fairdraw draw` and `fairdraw verify`, run as a user would run them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use tempfile::TempDir;

const SEED: &str = "7a411af18acedf717e9a49c85bd065687731024b292d3b288227aa3a8eed7c9e";

fn fairdraw(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fairdraw"))
        .args(args)
        .output()
        .expect("run the fairdraw binary")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn write(dir: &TempDir, name: &str, text: &str) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write a test file");
    path
}

fn s(p: &Path) -> &str {
    p.to_str().expect("temp paths are UTF-8")
}

const POOL: &str = "id,weight\n\
    alice,3\n\
    bob,1\n\
    \"carol, the third\",2\n\
    \"tab\there\",5\n\
    zoë,4\n\
    日本,1\n\
    \"with \"\"quotes\"\"\",2\n\
    dave,7\n";

/// Draws with `--json` and returns the certificate.
fn draw_json(pool: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["draw", "--pool", s(pool), "--winners", "3", "--extras", "2", "--json"];
    args.extend_from_slice(extra);
    let out = fairdraw(&args);
    assert!(out.status.success(), "draw failed: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("draw --json prints JSON")
}

fn verify(dir: &TempDir, cert: &Value, pool: &Path) -> Output {
    let path = write(dir, "cert.json", &serde_json::to_string_pretty(cert).unwrap());
    fairdraw(&["verify", s(&path), "--pool", s(pool)])
}

#[test]
fn draw_then_verify_round_trip() {
    let dir = TempDir::new().unwrap();
    let pool = write(&dir, "pool.csv", POOL);
    let cert = draw_json(&pool, &["--seed", SEED, "--round", "1", "--beacon", "drand 42"]);
    assert_eq!(cert["protocol"], "fairdraw-draw-v1");
    assert_eq!(cert["pool_size"], 8);
    assert_eq!(cert["total_weight"], 25);
    assert_eq!(cert["winners"].as_array().unwrap().len(), 3);
    assert_eq!(cert["extras"].as_array().unwrap().len(), 2);
    let out = verify(&dir, &cert, &pool);
    assert!(out.status.success(), "verify failed: {}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("verified"), "{}", stdout(&out));
}

#[test]
fn a_fresh_seed_is_generated_and_printed() {
    let dir = TempDir::new().unwrap();
    let pool = write(&dir, "pool.csv", POOL);
    let a = draw_json(&pool, &[]);
    let b = draw_json(&pool, &[]);
    let seed = a["server_seed"].as_str().unwrap();
    assert_eq!(seed.len(), 64);
    assert_ne!(a["server_seed"], b["server_seed"], "each draw gets its own seed");
    assert!(verify(&dir, &a, &pool).status.success());

    let out = fairdraw(&["draw", "--pool", s(&pool), "--winners", "1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let printed = text
        .lines()
        .find(|l| l.starts_with("server_seed:"))
        .expect("the summary shows the seed");
    assert_eq!(printed.split_whitespace().nth(1).unwrap().len(), 64, "{printed}");
}

#[test]
fn tampered_winner_fails_and_is_named() {
    let dir = TempDir::new().unwrap();
    let pool = write(&dir, "pool.csv", POOL);
    let mut cert = draw_json(&pool, &["--seed", SEED]);
    cert["winners"][0] = Value::from("mallory");
    let out = verify(&dir, &cert, &pool);
    assert!(!out.status.success());
    let text = stdout(&out);
    assert!(text.contains("NOT verified") && text.contains("winners:"), "{text}");
    assert!(text.contains("mallory"), "{text}");
}

#[test]
fn tampered_seed_fails_and_is_named() {
    let dir = TempDir::new().unwrap();
    let pool = write(&dir, "pool.csv", POOL);
    let mut cert = draw_json(&pool, &["--seed", SEED]);
    cert["server_seed"] = Value::from("00".repeat(32));
    let out = verify(&dir, &cert, &pool);
    assert!(!out.status.success());
    let text = stdout(&out);
    assert!(text.contains("commitment:") && text.contains("draw_seed:"), "{text}");
}

#[test]
fn tampered_pool_fails_and_is_named() {
    let dir = TempDir::new().unwrap();
    let pool = write(&dir, "pool.csv", POOL);
    let cert = draw_json(&pool, &["--seed", SEED]);
    let other = write(&dir, "other.csv", &POOL.replace("bob,1", "bob,2"));
    let out = verify(&dir, &cert, &other);
    assert!(!out.status.success());
    let text = stdout(&out);
    assert!(
        text.contains("total_weight:") && text.contains("pool_root:") && text.contains("pool_hash:"),
        "{text}"
    );

    let fewer = write(&dir, "fewer.csv", &POOL.replace("bob,1\n", ""));
    let text = stdout(&verify(&dir, &cert, &fewer));
    assert!(text.contains("pool_size:"), "{text}");
}

#[test]
fn reproduces_the_weighted_with_beacon_vector() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../core/tests/data/draw-vectors-v1.json");
    let cases: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let case = cases
        .iter()
        .find(|c| c["name"] == "weighted with beacon")
        .expect("the vector case");
    let input = &case["input"];
    let expected = &case["expected"];

    let dir = TempDir::new().unwrap();
    let mut csv = String::from("id,weight\n");
    for c in input["pool"].as_array().unwrap() {
        csv.push_str(&format!("{},{}\n", c["id"].as_str().unwrap(), c["weight"]));
    }
    let pool = write(&dir, "pool.csv", &csv);
    let (winners, extras, round) = (
        input["winners"].to_string(),
        input["extras"].to_string(),
        input["round"].to_string(),
    );
    let out = fairdraw(&[
        "draw",
        "--pool",
        s(&pool),
        "--winners",
        &winners,
        "--extras",
        &extras,
        "--round",
        &round,
        "--seed",
        input["server_seed"].as_str().unwrap(),
        "--beacon",
        input["beacon"].as_str().unwrap(),
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let cert: Value = serde_json::from_slice(&out.stdout).unwrap();
    for field in [
        "pool_root",
        "pool_hash",
        "pool_size",
        "total_weight",
        "commitment",
        "draw_seed",
        "winners",
        "extras",
        "result_hash",
    ] {
        assert_eq!(cert[field], expected[field], "{field}");
    }
    assert!(verify(&dir, &cert, &pool).status.success());
}

/// Runs `draw` on `csv` and returns its error output, checking it failed cleanly.
fn draw_error(csv: &str) -> String {
    let dir = TempDir::new().unwrap();
    let pool = write(&dir, "pool.csv", csv);
    let out = fairdraw(&["draw", "--pool", s(&pool), "--winners", "1", "--seed", SEED]);
    assert!(!out.status.success(), "expected a failure for {csv:?}");
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    err
}

#[test]
fn csv_errors_name_the_line() {
    let cases: &[(&str, &[&str])] = &[
        (
            "id,weight\na,1\nb,2\na,3\n",
            &["line 4", "duplicate", "\"a\"", "line 2"],
        ),
        ("id,weight\na,1\nb,0\n", &["line 3", "weight 0"]),
        ("id,weight\na,9223372036854775808\n", &["line 2", "below 2^63"]),
        ("id,weight\na,99999999999999999999999\n", &["line 2", "too large"]),
        (
            "id,weight\na,6000000000000000000\nb,4000000000000000000\n",
            &["line 3", "total weight"],
        ),
        ("id,weight\na,1\nb,two\n", &["line 3", "not a whole number"]),
        ("id,weight\na,1.5\n", &["line 2", "not a whole number"]),
        ("id,weight\na,-1\n", &["line 2", "not a whole number"]),
        ("id,weight\na,1\nb\n", &["line 3", "2 fields"]),
        ("id,weight\na,1\nb,1,extra\n", &["line 3", "2 fields"]),
        ("id,weight\n,1\n", &["line 2", "empty"]),
        ("id,weight\na,\n", &["line 2", "weight is missing"]),
        ("id\na\n", &["line 1", "missing column(s) weight"]),
        ("id,weight,email\na,1,x@y\n", &["line 1", "unknown column(s) email"]),
        (
            "name,weight\na,1\n",
            &["line 1", "missing column(s) id", "unknown column(s) name"],
        ),
        ("weight,id\n1,a\n", &["line 1", "in that order"]),
        ("", &["line 1", "empty"]),
    ];
    for (csv, needles) in cases {
        let err = draw_error(csv);
        for needle in *needles {
            assert!(err.contains(needle), "for {csv:?}: expected {needle:?} in {err:?}");
        }
    }
}

#[test]
fn invalid_utf8_and_missing_files_are_errors() {
    let dir = TempDir::new().unwrap();
    let pool = dir.path().join("bad.csv");
    std::fs::write(&pool, b"id,weight\nok,1\n\xff\xfe,2\n").unwrap();
    let out = fairdraw(&["draw", "--pool", s(&pool), "--winners", "1"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("line 3") && stderr(&out).contains("UTF-8"),
        "{}",
        stderr(&out)
    );

    let missing = dir.path().join("missing.csv");
    let out = fairdraw(&["draw", "--pool", s(&missing), "--winners", "1"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("missing.csv"), "{}", stderr(&out));

    let out = fairdraw(&["draw", "--pool", s(&missing), "--winners", "1", "--seed", "abcd"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("64 hex digits"), "{}", stderr(&out));
}

#[test]
fn headers_are_trimmed_and_a_bom_is_accepted() {
    let dir = TempDir::new().unwrap();
    let pool = write(&dir, "pool.csv", "\u{feff} id , weight \r\na, 2\r\nb,3 \r\n");
    let cert = draw_json(&pool, &["--seed", SEED]);
    assert_eq!(cert["total_weight"], 5);
}

#[test]
fn empty_pool_and_more_winners_than_candidates() {
    let dir = TempDir::new().unwrap();
    let empty = write(&dir, "empty.csv", "id,weight\n");
    let cert = draw_json(&empty, &["--seed", SEED]);
    assert_eq!(cert["winners"], Value::Array(vec![]));
    assert!(verify(&dir, &cert, &empty).status.success());

    let two = write(&dir, "two.csv", "id,weight\nx,1\ny,7\n");
    let cert = draw_json(&two, &["--seed", SEED]);
    assert_eq!(cert["winners"].as_array().unwrap().len(), 2);
    assert_eq!(cert["extras"], Value::Array(vec![]));
    assert!(verify(&dir, &cert, &two).status.success());
}

#[test]
fn verify_rejects_a_file_that_is_not_a_certificate() {
    let dir = TempDir::new().unwrap();
    let pool = write(&dir, "pool.csv", POOL);
    let cert = write(&dir, "cert.json", "{\"protocol\": \"fairdraw-draw-v1\"}");
    let out = fairdraw(&["verify", s(&cert), "--pool", s(&pool)]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("not a draw certificate"), "{}", stderr(&out));
}
