//! A stand-in drand relay for tests: an HTTP server on 127.0.0.1, port 0, answering
//! `GET /{chain_hash}/public/{round}` with drand's JSON (`{"round", "randomness", "signature"}`)
//! for the rounds it holds, and 404 (as relays do) for a round that is not out yet. A test
//! decides when a round is out ([`DrandRelay::release`]) and can make the relay lie
//! ([`DrandRelay::forge`]).
//!
//! The rounds are real: [`QUICKNET_ROUNDS`] are quicknet rounds as drand published them, so the
//! server under test verifies them against quicknet's real public key.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

/// quicknet's chain hash.
pub const QUICKNET_HASH: &str = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971";
pub const QUICKNET_GENESIS: i64 = 1_692_803_367;
pub const QUICKNET_PERIOD: i64 = 3;

/// A round as drand serves it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FixtureRound {
    pub round: u64,
    pub randomness: &'static str,
    pub signature: &'static str,
}

impl FixtureRound {
    /// When quicknet published it, in Unix ms.
    pub fn published_at_ms(&self) -> i64 {
        (QUICKNET_GENESIS + (self.round as i64 - 1) * QUICKNET_PERIOD) * 1000
    }
}

/// Real quicknet rounds.
/// - 1000 (published 2023-08-23T15:59:24Z): drand's Rust client, `src/verify.rs`, test
///   `g1g2_swap_rfc_beacon_verifies` (round, randomness and signature as published).
/// - 12040883 (published 2024-10-14T17:13:33Z): drand's `tlock`, `tlock_test.go`
///   (`TestDeterministicTimeLock`: round and signature); its randomness is SHA-256 of the
///   signature, which is how drand derives it.
pub const QUICKNET_ROUNDS: [FixtureRound; 2] = [
    FixtureRound {
        round: 1000,
        randomness: "fe290beca10872ef2fb164d2aa4442de4566183ec51c56ff3cd603d930e54fdd",
        signature: "b44679b9a59af2ec876b1a6b1ad52ea9b1615fc3982b19576350f93447cb1125e342b73a8dd2bacbe47e4b6b63ed5e39",
    },
    FixtureRound {
        round: 12_040_883,
        randomness: "173df1f57805453a8d2015268205d68147de12cafc2f451f7bc6adadca3571b3",
        signature: "929906c959032ab363c9f26570d215d66f5c06cb0c44fe508c12bb5839f04ec895bb6868e5b9ff13ab289bdb5266b394",
    },
];

#[derive(Default)]
struct Relay {
    rounds: HashMap<u64, FixtureRound>,
    released: HashSet<u64>,
    /// Round asked for → the (genuine) round whose values are served in its place.
    forged: HashMap<u64, FixtureRound>,
    requests: Vec<u64>,
}

type Shared = Arc<Mutex<Relay>>;

/// A running stand-in relay; it stops when dropped.
pub struct DrandRelay {
    /// Base URL, e.g. `http://127.0.0.1:41234` (what `FAIRDRAW_DRAND_URLS` takes).
    pub url: String,
    state: Shared,
    task: tokio::task::JoinHandle<()>,
}

impl DrandRelay {
    /// Starts a relay holding `rounds` of quicknet, none of them out yet.
    pub async fn start(rounds: &[FixtureRound]) -> DrandRelay {
        let state: Shared = Arc::new(Mutex::new(Relay {
            rounds: rounds.iter().map(|r| (r.round, *r)).collect(),
            ..Relay::default()
        }));
        let app = Router::new()
            .route("/{chain}/public/{round}", get(public_round))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the drand stand-in");
        let url = format!("http://{}", listener.local_addr().expect("local address"));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        DrandRelay { url, state, task }
    }

    /// Publishes `round`: from now on it is served.
    pub fn release(&self, round: u64) {
        self.state.lock().expect("relay state").released.insert(round);
    }

    /// Serves `instead`'s genuine randomness and signature under the number `round` (a replayed
    /// round: well-formed, but not signed for `round`). Also releases `round`.
    pub fn forge(&self, round: u64, instead: FixtureRound) {
        let mut s = self.state.lock().expect("relay state");
        s.forged.insert(round, instead);
        s.released.insert(round);
    }

    /// Stops lying about `round`.
    pub fn unforge(&self, round: u64) {
        self.state.lock().expect("relay state").forged.remove(&round);
    }

    /// The rounds asked for so far, in order.
    pub fn requests(&self) -> Vec<u64> {
        self.state.lock().expect("relay state").requests.clone()
    }
}

impl Drop for DrandRelay {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn public_round(State(state): State<Shared>, Path((chain, round)): Path<(String, String)>) -> Response {
    let Ok(round) = round.parse::<u64>() else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let mut s = state.lock().expect("relay state");
    s.requests.push(round);
    if chain != QUICKNET_HASH || !s.released.contains(&round) {
        return (StatusCode::NOT_FOUND, "round not found").into_response();
    }
    let served = match (s.forged.get(&round), s.rounds.get(&round)) {
        (Some(other), _) => *other,
        (None, Some(genuine)) => *genuine,
        (None, None) => return (StatusCode::NOT_FOUND, "round not found").into_response(),
    };
    axum::Json(serde_json::json!({
        "round": round,
        "randomness": served.randomness,
        "signature": served.signature,
    }))
    .into_response()
}
