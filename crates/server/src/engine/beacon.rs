//! The public beacon: which round a giveaway names (at publication), and fetching that round
//! from drand's HTTP relays when the draw is due, verified before anything uses it.
//!
//! A round is asked of the configured relays in order, through the [`RelayClient`] the server
//! plugs in (`outbound/drand.rs`: `GET {relay}/{chain}/public/{round}`, drand's JSON
//! `{round, randomness, signature}`). Each answer is checked against the chain key
//! (`fairdraw_core::beacon::verify_fetched`); a round that does not verify is refused and never
//! used. The first genuine answer wins. Before the round's time, or while every relay says it is
//! not out yet, the draw waits ([`BeaconWait::NotYet`]); while no relay answers it retries
//! ([`BeaconWait::Unreachable`]). No draw that named a round ever runs without it.

use super::{Engine, EngineError};
use fairdraw_core::beacon::{BeaconKind, Chain, DrandEvidence, NamedRound, Round, verify_fetched};
use fairdraw_core::time::format_rfc3339;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// drand's public HTTP relays for the League of Entropy's chains.
pub const DEFAULT_RELAYS: [&str; 4] = [
    "https://api.drand.sh",
    "https://api2.drand.sh",
    "https://api3.drand.sh",
    "https://drand.cloudflare.com",
];
/// What one relay answered for a round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RelayAnswer {
    /// A round, not checked yet.
    Round(Round),
    /// The relay does not have the round (404): not out yet.
    NotOut,
    /// No answer, or an error status.
    Unreachable(String),
    /// An answer that is not a drand round.
    Garbled(String),
}

/// Asks one relay for one round; the server plugs in the HTTP client (`outbound/drand.rs`).
pub trait RelayClient: Send + Sync + std::fmt::Debug {
    fn round<'a>(
        &'a self,
        relay: &'a str,
        chain_hash: &'a str,
        round: u64,
    ) -> Pin<Box<dyn Future<Output = RelayAnswer> + Send + 'a>>;
}

/// The client of a process that plugged none in: every relay is unreachable.
#[derive(Debug)]
struct NoClient;

impl RelayClient for NoClient {
    fn round<'a>(&'a self, _: &'a str, _: &'a str, _: u64) -> Pin<Box<dyn Future<Output = RelayAnswer> + Send + 'a>> {
        Box::pin(async { RelayAnswer::Unreachable("this process has no drand client".to_owned()) })
    }
}

/// The instance's beacon settings (`FAIRDRAW_BEACON_DEFAULT`, `FAIRDRAW_DRAND_URLS`, the chain).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BeaconConfig {
    /// What a giveaway that does not say gets: `none` out of the box.
    pub default: BeaconKind,
    /// The chain rounds are named on: quicknet unless configured.
    pub chain: Chain,
    /// Relay base URLs, tried in order.
    pub relays: Vec<String>,
}

impl Default for BeaconConfig {
    fn default() -> Self {
        BeaconConfig {
            default: BeaconKind::None,
            chain: Chain::quicknet(),
            relays: DEFAULT_RELAYS.iter().map(|s| (*s).to_owned()).collect(),
        }
    }
}

/// Why a draw cannot have its round now.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BeaconWait {
    /// The round's time has not come, or no relay has it yet.
    #[error("drand round {round} is not out yet; it is due at {due}", due = format_rfc3339(*due_at_ms))]
    NotYet { round: u64, due_at_ms: i64 },
    /// No relay answered.
    #[error("no drand relay could be reached for round {round}: {detail}")]
    Unreachable { round: u64, detail: String },
    /// Relays answered, but with a round that does not verify: refused.
    #[error("drand round {round} as served does not verify ({detail}); it was refused")]
    Forged { round: u64, detail: String },
}

impl BeaconWait {
    /// The error a request gets: 409 while the round is not out, 503 otherwise.
    pub fn into_engine_error(self) -> EngineError {
        match self {
            BeaconWait::NotYet { round, due_at_ms } => EngineError::Conflict(format!(
                "This giveaway draws on drand round {round}, which is not published yet: it is due at {}. \
                 Draw again after that time.",
                format_rfc3339(due_at_ms)
            )),
            other => EngineError::Unavailable(format!("{other}. No draw was made; try again later.")),
        }
    }
}

/// The beacon settings and relay client, one per engine.
#[derive(Debug)]
pub(super) struct Beacons {
    pub(super) config: BeaconConfig,
    client: Arc<dyn RelayClient>,
}

impl Beacons {
    pub(super) fn new(config: BeaconConfig, client: Option<Arc<dyn RelayClient>>) -> Beacons {
        Beacons {
            config,
            client: client.unwrap_or_else(|| Arc::new(NoClient)),
        }
    }

    /// Asks each relay in order for `named`; the first answer that verifies is returned.
    async fn fetch(&self, named: &NamedRound) -> Result<DrandEvidence, BeaconWait> {
        let (mut not_out, mut forged, mut unreachable) = (false, Vec::new(), Vec::new());
        for relay in &self.config.relays {
            let round = match self.client.round(relay, &named.chain.chain_hash, named.round).await {
                RelayAnswer::Round(r) => r,
                RelayAnswer::NotOut => {
                    not_out = true;
                    continue;
                }
                RelayAnswer::Unreachable(why) => {
                    unreachable.push(format!("{relay}: {why}"));
                    continue;
                }
                RelayAnswer::Garbled(why) => {
                    forged.push(format!("{relay}: not a drand round ({why})"));
                    continue;
                }
            };
            match verify_fetched(named, &round) {
                Ok(evidence) => return Ok(evidence),
                Err(e) => {
                    tracing::warn!(relay = %relay, round = named.round, error = %e, "refused a drand round that does not verify");
                    forged.push(format!("{relay}: {e}"));
                }
            }
        }
        let round = named.round;
        if !forged.is_empty() {
            Err(BeaconWait::Forged {
                round,
                detail: forged.join("; "),
            })
        } else if not_out {
            Err(BeaconWait::NotYet {
                round,
                due_at_ms: named.due_at_ms(),
            })
        } else {
            Err(BeaconWait::Unreachable {
                round,
                detail: if unreachable.is_empty() {
                    "no relay is configured".to_owned()
                } else {
                    unreachable.join("; ")
                },
            })
        }
    }
}

impl Engine {
    /// The instance's beacon settings.
    pub fn beacon_config(&self) -> &BeaconConfig {
        &self.beacons().config
    }

    /// The beacon a request asks for, or the instance default when it does not say.
    pub(crate) fn beacon_kind(&self, asked: Option<BeaconKind>) -> BeaconKind {
        asked.unwrap_or(self.beacon_config().default)
    }

    /// The round a draw ending at `end_ms` names: the first published after it, and after now
    /// (a giveaway published after its end must not name a round that is already out).
    pub(crate) fn name_round(&self, end_ms: i64) -> NamedRound {
        let chain = self.beacon_config().chain.clone();
        let round = chain.first_round_after(end_ms.max(self.now_ms()));
        NamedRound { chain, round }
    }

    /// Entries of a giveaway that named a round close at its end for good: an entry added once
    /// the round could be out would let whoever knows the seed steer the draw.
    pub(crate) fn check_entries_open(&self, g: &super::Giveaway) -> Result<(), EngineError> {
        match &g.beacon_round {
            Some(named) if self.now_ms() >= g.row.end_at => Err(EngineError::Conflict(format!(
                "This giveaway has ended and draws on drand round {}: no entry can be added after its end.",
                named.round
            ))),
            _ => Ok(()),
        }
    }

    /// The named round, verified, once it is out; before its time nothing is fetched.
    pub async fn fetch_beacon(&self, named: &NamedRound) -> Result<DrandEvidence, BeaconWait> {
        let due_at_ms = named.due_at_ms();
        if self.now_ms() < due_at_ms {
            return Err(BeaconWait::NotYet {
                round: named.round,
                due_at_ms,
            });
        }
        self.beacons().fetch(named).await
    }
}

/// The `fairness.beacon` object shown with a giveaway's commitment.
pub fn beacon_json(named: &NamedRound) -> serde_json::Value {
    serde_json::json!({
        "chain_hash": named.chain.chain_hash,
        "public_key": named.chain.public_key,
        "scheme": named.chain.scheme,
        "genesis_time": named.chain.genesis_time,
        "period": named.chain.period,
        "round": named.round,
        "due_at": format_rfc3339(named.due_at_ms()),
    })
}

/// A stored named round (the `beacon_round` columns).
pub fn parse_named(json: Option<&str>) -> Result<Option<NamedRound>, EngineError> {
    json.map(|j| {
        serde_json::from_str(j)
            .map_err(|e| EngineError::Internal(format!("a stored beacon round does not parse: {e}").into()))
    })
    .transpose()
}
