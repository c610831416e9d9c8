//! `fairdraw draw` and `fairdraw verify`: the draw protocol offline, on a CSV pool.
//!
//! `draw` runs a draw on a pool file (and makes a fresh server seed unless one is given);
//! `verify` re-runs a certificate's draw on the published pool and names every mismatch.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufReader, Write as _};
use std::path::{Path, PathBuf};

use fairdraw_core::draw::{
    Certificate, DrawInput, DrawOutcome, Pool, ServerSeed, draw, read_pool_csv, verify_certificate,
};

/// Run a draw on a pool file.
#[derive(clap::Args, Debug)]
pub struct DrawArgs {
    /// The pool: a CSV file with the header `id,weight`, one candidate per line.
    #[arg(long, value_name = "FILE")]
    pub pool: PathBuf,
    /// How many winners to draw.
    #[arg(long, value_name = "K")]
    pub winners: u32,
    /// How many extras (alternates) to draw after the winners.
    #[arg(long, value_name = "E", default_value_t = 0)]
    pub extras: u32,
    /// The 32-byte server seed in hex; a fresh one comes from the OS CSPRNG when omitted.
    #[arg(long, value_name = "HEX", value_parser = parse_seed)]
    pub seed: Option<ServerSeed>,
    /// The draw's round: 0 for a first draw, 1, 2, … for later draws on the same pool.
    #[arg(long, value_name = "R", default_value_t = 0)]
    pub round: u32,
    /// Public randomness unknown when the pool closed (e.g. a drand round); empty for none.
    #[arg(long, value_name = "TEXT", default_value = "")]
    pub beacon: String,
    /// Print the certificate as JSON instead of a summary.
    #[arg(long)]
    pub json: bool,
}

/// Check a draw certificate against its pool.
#[derive(clap::Args, Debug)]
pub struct VerifyArgs {
    /// The certificate (JSON, as printed by `fairdraw draw --json` or the server).
    #[arg(value_name = "CERT")]
    pub cert: PathBuf,
    /// The pool the draw ran on: a CSV file with the header `id,weight`.
    #[arg(long, value_name = "FILE")]
    pub pool: PathBuf,
}

fn parse_seed(s: &str) -> Result<ServerSeed, String> {
    ServerSeed::from_hex(s.trim()).map_err(|_| "the seed must be 64 hex digits (32 bytes)".to_owned())
}

/// Runs `fairdraw draw`.
pub fn run_draw(args: DrawArgs) -> anyhow::Result<()> {
    let pool = read_pool(&args.pool)?;
    let generated = args.seed.is_none();
    let server_seed = match args.seed {
        Some(seed) => seed,
        None => fresh_seed()?,
    };
    let input = DrawInput {
        server_seed,
        round: args.round,
        beacon: args.beacon,
        winners: args.winners,
        extras: args.extras,
    };
    let outcome = draw(&pool, &input);
    let cert = Certificate::new(&outcome, &input, jiff::Timestamp::now().to_string());

    if args.json {
        if generated {
            eprintln!("fairdraw: generated a fresh server seed; it is in the certificate");
        }
        return emit(&format!("{}\n", serde_json::to_string_pretty(&cert)?));
    }
    let mut out = String::new();
    writeln!(out, "Fairdraw draw ({})", cert.protocol)?;
    write_pool(&mut out, &args.pool, &outcome)?;
    let note = if generated {
        "  (fresh from the OS CSPRNG: keep it to re-run this draw)"
    } else {
        ""
    };
    writeln!(out, "server_seed:  {}{note}", input.server_seed.to_hex())?;
    writeln!(out, "commitment:   {}", outcome.commitment)?;
    writeln!(out, "round:        {}", input.round)?;
    writeln!(out, "beacon:       {}", show_beacon(&input.beacon))?;
    writeln!(out, "draw_seed:    {}", outcome.draw_seed)?;
    write_picks(&mut out, "winners", &outcome.winners, input.winners)?;
    write_picks(&mut out, "extras", &outcome.extras, input.extras)?;
    writeln!(out, "result_hash:  {}", outcome.result_hash)?;
    writeln!(out)?;
    writeln!(
        out,
        "--json prints the certificate; `fairdraw verify CERT.json --pool FILE` checks one."
    )?;
    emit(&out)
}

/// Runs `fairdraw verify`. `Ok(true)` when everything matches; `Ok(false)` (exit status 1)
/// when something does not, after printing each mismatch.
pub fn run_verify(args: VerifyArgs) -> anyhow::Result<bool> {
    let text = std::fs::read_to_string(&args.cert)
        .map_err(|e| anyhow::anyhow!("cannot read the certificate {}: {e}", args.cert.display()))?;
    let cert: Certificate = serde_json::from_str(&text)
        .map_err(|e| anyhow::anyhow!("{} is not a draw certificate: {e}", args.cert.display()))?;
    let pool = read_pool(&args.pool)?;
    let mut out = String::new();
    let verified = match verify_certificate(&cert, &pool) {
        Ok(outcome) => {
            writeln!(out, "verified: the certificate matches the pool and the committed seed")?;
            writeln!(out, "result_hash:  {}", outcome.result_hash)?;
            write_pool(&mut out, &args.pool, &outcome)?;
            writeln!(out, "commitment:   {}", outcome.commitment)?;
            writeln!(out, "round:        {}", cert.round)?;
            writeln!(out, "beacon:       {}", show_beacon(&cert.beacon))?;
            if let Some(d) = &cert.drand {
                // verify_certificate has re-checked the BLS signature and the randomness.
                writeln!(
                    out,
                    "drand:        round {} of chain {}, signature verified against public key {}",
                    d.round, d.chain.chain_hash, d.chain.public_key
                )?;
                writeln!(out, "              randomness {}", d.randomness)?;
                if d.chain.chain_hash == fairdraw_core::beacon::QUICKNET_HASH
                    && d.chain.public_key != fairdraw_core::beacon::QUICKNET_PUBLIC_KEY
                {
                    writeln!(
                        out,
                        "NOT verified: the certificate names drand quicknet but not quicknet's public key"
                    )?;
                    emit(&out)?;
                    return Ok(false);
                }
                if d.chain.chain_hash == fairdraw_core::beacon::QUICKNET_HASH {
                    writeln!(
                        out,
                        "              (drand quicknet, the League of Entropy's public chain)"
                    )?;
                } else {
                    writeln!(
                        out,
                        "              (not quicknet: compare the key with the chain's published one)"
                    )?;
                }
            }
            let requested = cert.draw_input();
            write_picks(&mut out, "winners", &outcome.winners, requested.winners)?;
            write_picks(&mut out, "extras", &outcome.extras, requested.extras)?;
            match &cert.public_key {
                Some(key) if cert.signature.is_some() => writeln!(
                    out,
                    "signature:    valid, by public key {key} (compare it with the server's published key)"
                )?,
                _ => writeln!(out, "signature:    none (unsigned certificate)")?,
            }
            // The log entry is not part of what the signature covers; it proves itself.
            match (&cert.log, cert.public_key) {
                (Some(log), Some(key)) => match log.check(&cert.result_hash, key) {
                    Ok(()) => writeln!(
                        out,
                        "log:          entry {} of {} in the transparency log (root {}), proof valid",
                        log.log_index, log.tree_size, log.root_hash
                    )?,
                    Err(e) => {
                        writeln!(out, "NOT verified: the transparency log entry is wrong: {e}")?;
                        emit(&out)?;
                        return Ok(false);
                    }
                },
                _ => writeln!(out, "log:          not given")?,
            }
            true
        }
        Err(mismatches) => {
            writeln!(out, "NOT verified: {} mismatch(es)", mismatches.len())?;
            for m in &mismatches {
                writeln!(out, "  - {m}")?;
            }
            false
        }
    };
    emit(&out)?;
    Ok(verified)
}

/// Writes to stdout; a reader that went away (`| head`) is not an error.
fn emit(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(|e| anyhow::anyhow!("cannot write to standard output: {e}")),
    }
}

fn write_pool(out: &mut String, path: &Path, outcome: &DrawOutcome) -> std::fmt::Result {
    writeln!(
        out,
        "pool:         {} ({} candidates, total weight {})",
        path.display(),
        outcome.pool_size,
        outcome.total_weight
    )?;
    writeln!(out, "pool_root:    {}", outcome.pool_root)?;
    writeln!(out, "pool_hash:    {}", outcome.pool_hash)
}

fn write_picks(out: &mut String, what: &str, ids: &[String], requested: u32) -> std::fmt::Result {
    writeln!(out, "{what} ({} of {requested} requested):", ids.len())?;
    for (i, id) in ids.iter().enumerate() {
        writeln!(out, "  {:>3}. {}", i + 1, show(id))?;
    }
    Ok(())
}

fn show_beacon(beacon: &str) -> String {
    if beacon.is_empty() {
        "(none)".to_owned()
    } else {
        show(beacon)
    }
}

/// Ids are any UTF-8; quote the ones a terminal would not show faithfully.
fn show(s: &str) -> String {
    if s.chars().any(|c| c.is_control()) || s.trim() != s {
        format!("{s:?}")
    } else {
        s.to_owned()
    }
}

fn fresh_seed() -> anyhow::Result<ServerSeed> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("cannot read the OS random generator: {e}"))?;
    Ok(ServerSeed(bytes))
}

/// Reads a pool CSV (header `id,weight`), streaming, and validates it. Every error names
/// the file and line.
pub fn read_pool(path: &Path) -> anyhow::Result<Pool> {
    let file = File::open(path).map_err(|e| anyhow::anyhow!("cannot open the pool file {}: {e}", path.display()))?;
    read_pool_csv(BufReader::with_capacity(1 << 16, file)).map_err(|e| match e.line {
        0 => anyhow::anyhow!("{}: {}", path.display(), e.message),
        line => anyhow::anyhow!("{}: line {line}: {}", path.display(), e.message),
    })
}
