//! Drives GET requests at a running Fairdraw server with many concurrent clients over loopback
//! and reports requests per second and latency percentiles for each path, one after the other,
//! as a ratio to the first path (a bare handler such as `/healthz`, measured in the same run on
//! the same noisy machine). Every answer must be a 200, or the run fails.
//!
//! `page-load --url http://127.0.0.1:8080 --concurrency 64 --seconds 10 /healthz /view/1-my-giveaway`

use anyhow::bail;
use clap::Parser;
use std::time::{Duration, Instant};

#[derive(Parser, Debug)]
struct Args {
    /// Base URL of the server.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// Concurrent clients, each with one request in flight at a time.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// How long to drive each path.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Paths to drive in turn; the first is the baseline.
    paths: Vec<String>,
}

struct Result {
    rate: f64,
    p50: f64,
    p99: f64,
    max: f64,
    bytes: usize,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .build()?;
    let mut baseline: Option<f64> = None;
    for path in &args.paths {
        let r = drive(&http, &args, path).await?;
        let base = *baseline.get_or_insert(r.rate);
        println!(
            "{path} concurrency={c} requests/s={rate:.0} p50={p50:.2}ms p99={p99:.2}ms max={max:.2}ms \
             body={bytes}B ratio_to_baseline={ratio:.2}",
            c = args.concurrency,
            rate = r.rate,
            p50 = r.p50,
            p99 = r.p99,
            max = r.max,
            bytes = r.bytes,
            ratio = r.rate / base,
        );
    }
    Ok(())
}

async fn drive(http: &reqwest::Client, args: &Args, path: &str) -> anyhow::Result<Result> {
    let url = format!("{}{path}", args.url);
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let started = Instant::now();
    let mut clients = Vec::new();
    for _ in 0..args.concurrency {
        let http = http.clone();
        let url = url.clone();
        clients.push(tokio::spawn(async move {
            let mut latencies_us = Vec::with_capacity(100_000);
            let mut failed = 0u64;
            let mut bytes = 0usize;
            while Instant::now() < deadline {
                let t = Instant::now();
                match http.get(&url).send().await {
                    Ok(r) if r.status().as_u16() == 200 => {
                        bytes = r.bytes().await.map_or(0, |b| b.len());
                        latencies_us.push(t.elapsed().as_micros() as u64);
                    }
                    Ok(r) => {
                        failed += 1;
                        if failed <= 3 {
                            eprintln!("{url}: {}", r.status());
                        }
                    }
                    Err(e) => {
                        failed += 1;
                        if failed <= 3 {
                            eprintln!("{url}: {e}");
                        }
                    }
                }
            }
            (latencies_us, failed, bytes)
        }));
    }
    let mut latencies = Vec::new();
    let (mut failed, mut bytes) = (0u64, 0usize);
    for c in clients {
        let (l, f, b) = c.await?;
        latencies.extend(l);
        failed += f;
        bytes = bytes.max(b);
    }
    if failed > 0 {
        bail!("{failed} requests to {path} did not answer 200");
    }
    let wall = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let pct = |p: f64| -> f64 {
        if latencies.is_empty() {
            return 0.0;
        }
        let i = ((latencies.len() as f64 - 1.0) * p).round() as usize;
        latencies[i] as f64 / 1000.0
    };
    Ok(Result {
        rate: latencies.len() as f64 / wall,
        p50: pct(0.50),
        p99: pct(0.99),
        max: pct(1.0),
        bytes,
    })
}
