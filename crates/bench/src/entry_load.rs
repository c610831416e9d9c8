//! Drives the public entry endpoint of a running Fairdraw server with many concurrent clients
//! over loopback and reports accepted entries per second and latency percentiles. Afterwards it
//! checks, through the management API, that every acknowledged entry is in the giveaway's
//! counters: nothing acknowledged may be lost.
//!
//! `entry-load --url http://127.0.0.1:8080 --key sk_live_… --concurrency 64 --seconds 20`

use anyhow::{Context, bail};
use clap::Parser;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[derive(Parser, Debug)]
struct Args {
    /// Base URL of the server.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// A secret API key (to create the giveaway and read its counters).
    #[arg(long)]
    key: String,
    /// Concurrent clients, each with requests in flight one at a time.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// How long to drive load.
    #[arg(long, default_value_t = 20)]
    seconds: u64,
    /// A label for the report (e.g. the backend).
    #[arg(long, default_value = "")]
    label: String,
    /// A bare handler (`limits bare`) to drive first with the same clients, as the limit.
    #[arg(long)]
    baseline_url: Option<String>,
}

struct Sample {
    latencies_us: Vec<u64>,
    accepted: u64,
    refused: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    // reqwest is built without a bundled TLS provider in this workspace (see STACK notes).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .build()?;
    // The limit first: the same clients and bodies against a bare handler (`limits bare`).
    let baseline = match &args.baseline_url {
        Some(url) => {
            let b = drive(&http, format!("{url}/entries"), args.concurrency, args.seconds).await?;
            println!(
                "baseline bare-handler concurrency={} requests/s={:.0} p50={:.2}ms p99={:.2}ms",
                args.concurrency,
                b.rate(),
                b.pct(0.50),
                b.pct(0.99)
            );
            Some(b.rate())
        }
        None => None,
    };
    let giveaway = create_live_giveaway(&http, &args).await?;
    let endpoint = format!("{}/api/public/giveaways/{giveaway}/entries", args.url);
    let run = drive(&http, endpoint, args.concurrency, args.seconds).await?;
    let (accepted, refused, wall) = (run.accepted, run.refused, run.wall);
    let stored = counters(&http, &args, giveaway).await?;
    println!(
        "{label} concurrency={c} seconds={wall:.1} accepted={accepted} refused={refused} entries/s={rate:.0} \
         p50={p50:.2}ms p99={p99:.2}ms max={max:.2}ms stored_participants={stored}{ratio}",
        label = args.label,
        c = args.concurrency,
        rate = run.rate(),
        p50 = run.pct(0.50),
        p99 = run.pct(0.99),
        max = run.pct(1.0),
        ratio = baseline.map_or(String::new(), |b| format!(
            " ratio_to_bare_handler={:.3}",
            run.rate() / b
        )),
    );
    if stored != accepted {
        bail!("{accepted} entries were acknowledged but the giveaway counts {stored}");
    }
    Ok(())
}

/// What one load run measured.
struct Run {
    accepted: u64,
    refused: u64,
    wall: f64,
    latencies_us: Vec<u64>,
}

impl Run {
    fn rate(&self) -> f64 {
        self.accepted as f64 / self.wall
    }

    fn pct(&self, p: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return 0.0;
        }
        let i = ((self.latencies_us.len() as f64 - 1.0) * p).round() as usize;
        self.latencies_us[i] as f64 / 1000.0
    }
}

/// `concurrency` clients POST a new entrant's body to `endpoint`, one request in flight each,
/// for `seconds`; a 201 counts as accepted.
async fn drive(http: &reqwest::Client, endpoint: String, concurrency: usize, seconds: u64) -> anyhow::Result<Run> {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let counter = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut clients = Vec::new();
    for c in 0..concurrency {
        let http = http.clone();
        let endpoint = endpoint.clone();
        let counter = counter.clone();
        clients.push(tokio::spawn(async move {
            let mut s = Sample {
                latencies_us: Vec::with_capacity(100_000),
                accepted: 0,
                refused: 0,
            };
            while Instant::now() < deadline {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                // The driver shares the machine's cores with the server: a formatted body costs
                // less than building and serialising a JSON value.
                let body = format!(r#"{{"name":"Load {c}-{n}","email":"load{n}@bench.example","consent":true}}"#);
                let t = Instant::now();
                let resp = http
                    .post(&endpoint)
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(body)
                    .send()
                    .await;
                match resp {
                    Ok(r) if r.status().as_u16() == 201 => {
                        // Reading the body to its end hands the connection back to the pool. The
                        // 201 status already means the entry was committed.
                        let _ = r.bytes().await;
                        s.accepted += 1;
                        s.latencies_us.push(t.elapsed().as_micros() as u64);
                    }
                    Ok(r) => {
                        s.refused += 1;
                        if s.refused <= 3 {
                            let status = r.status();
                            eprintln!("refused: {status} {}", r.text().await.unwrap_or_default());
                        }
                    }
                    Err(e) => {
                        s.refused += 1;
                        if s.refused <= 3 {
                            eprintln!("request error: {e}");
                        }
                    }
                }
            }
            s
        }));
    }
    let mut run = Run {
        accepted: 0,
        refused: 0,
        wall: 0.0,
        latencies_us: Vec::new(),
    };
    for c in clients {
        let s = c.await?;
        run.latencies_us.extend(s.latencies_us);
        run.accepted += s.accepted;
        run.refused += s.refused;
    }
    run.wall = started.elapsed().as_secs_f64();
    run.latencies_us.sort_unstable();
    Ok(run)
}

async fn create_live_giveaway(http: &reqwest::Client, args: &Args) -> anyhow::Result<i64> {
    let body = json!({
        "title": "Load test",
        "start_time": "2020-01-01 00:00:00",
        "end_time": "2099-12-31 23:59:59",
        "time_zone": "UTC",
        "is_draft": false,
    });
    let r: Value = http
        .post(format!("{}/v2/giveaways", args.url))
        .bearer_auth(&args.key)
        .json(&body)
        .send()
        .await
        .context("creating the giveaway")?
        .json()
        .await?;
    r["data"]["id"]
        .as_i64()
        .with_context(|| format!("no giveaway id in {r}"))
}

async fn counters(http: &reqwest::Client, args: &Args, id: i64) -> anyhow::Result<u64> {
    let r: Value = http
        .get(format!("{}/v2/giveaways/{id}", args.url))
        .bearer_auth(&args.key)
        .send()
        .await?
        .json()
        .await?;
    r["data"]["total_participants"]
        .as_u64()
        .with_context(|| format!("no counters in {r}"))
}
