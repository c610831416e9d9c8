//! Drives `/external` chat-giveaway joins on a running Fairdraw server and measures the draw.
//!
//! 1. A bare baseline in the same run: `GET /healthz` with the same clients for
//!    `--baseline-seconds` (the machine is shared and noisy; the join rate is reported as a
//!    ratio of it too).
//! 2. Creates a live giveaway ending `--join-seconds` (+2 s) from now, with its winner list sent
//!    to a receiver run here, and joins new users with `--concurrency` clients until
//!    `--participants` joined or the join time is up.
//! 3. Waits for the winner list and reports how long after `endTime` it arrived, and checks
//!    that the giveaway counts every acknowledged join.
//!
//! `chat-load --url http://127.0.0.1:8080 --public pk_live_… --key sk_live_… --participants 1000000`

use anyhow::{Context, bail};
use clap::Parser;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

#[derive(Parser, Debug)]
struct Args {
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// The brand's public key (x-api-key).
    #[arg(long)]
    public: String,
    /// A secret key of the same brand.
    #[arg(long)]
    key: String,
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// Stop after this many joins.
    #[arg(long, default_value_t = 1_000_000)]
    participants: u64,
    /// The giveaway ends this long (+2 s) after it is created; joins stop by then.
    #[arg(long, default_value_t = 300)]
    join_seconds: u64,
    #[arg(long, default_value_t = 5)]
    baseline_seconds: u64,
    #[arg(long, default_value = "")]
    label: String,
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize] as f64 / 1000.0
}

fn unix_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Runs `clients` loops of `request(n)` until `stop` says so; returns (ok count, sorted µs).
async fn drive<F, Fut>(clients: usize, stop: Arc<dyn Fn(u64) -> bool + Send + Sync>, request: F) -> (u64, Vec<u64>, u64)
where
    F: Fn(u64) -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let counter = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (counter, stop, request) = (counter.clone(), stop.clone(), request.clone());
        tasks.push(tokio::spawn(async move {
            let (mut ok, mut failed, mut lat) = (0u64, 0u64, Vec::with_capacity(50_000));
            loop {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                if stop(n) {
                    break;
                }
                let t = Instant::now();
                if request(n).await {
                    ok += 1;
                    lat.push(t.elapsed().as_micros() as u64);
                } else {
                    failed += 1;
                }
            }
            (ok, lat, failed)
        }));
    }
    let (mut ok, mut all, mut failed) = (0, Vec::new(), 0);
    for t in tasks {
        let (o, l, f) = t.await.expect("a client task");
        ok += o;
        failed += f;
        all.extend(l);
    }
    all.sort_unstable();
    (ok, all, failed)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .build()?;

    // 1. Baseline.
    let deadline = Instant::now() + Duration::from_secs(args.baseline_seconds);
    let health = format!("{}/healthz", args.url);
    let started = Instant::now();
    let (base_ok, base_lat, _) = {
        let http = http.clone();
        drive(
            args.concurrency,
            Arc::new(move |_| Instant::now() >= deadline),
            move |_| {
                let (http, health) = (http.clone(), health.clone());
                async move {
                    match http.get(&health).send().await {
                        Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                        Err(_) => false,
                    }
                }
            },
        )
        .await
    };
    let base_rate = base_ok as f64 / started.elapsed().as_secs_f64();

    // 2. The receiver and the giveaway.
    let received = Arc::new(tokio::sync::Mutex::new(None::<(i64, Value)>));
    let got = received.clone();
    let router = axum::Router::new().route(
        "/winners",
        axum::routing::post(move |body: String| {
            let got = got.clone();
            async move {
                *got.lock().await = Some((unix_ms(), serde_json::from_str(&body).unwrap_or(Value::Null)));
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let receiver = format!("http://{}/winners", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, router).await });
    let end_ms = (unix_ms() / 1000 + args.join_seconds as i64 + 2) * 1000;
    let end_iso = rfc3339_utc(end_ms);
    let created: Value = http
        .post(format!("{}/external/giveaway", args.url))
        .header("x-api-key", &args.public)
        .bearer_auth(&args.key)
        .json(
            &json!({ "title": "Load test", "roomIds": ["r1", "r2"], "maxWinners": 10, "minMessages": 1,
                        "endTime": end_iso, "winnerListUrl": receiver }),
        )
        .send()
        .await
        .context("creating the giveaway")?
        .json()
        .await?;
    let id = created["id"].as_i64().with_context(|| format!("no id in {created}"))?;
    let endpoint = format!("{}/external/giveaway/{id}/participants", args.url);
    let join_deadline = Instant::now() + Duration::from_secs(args.join_seconds);
    let target = args.participants;
    let started = Instant::now();
    let (joined, lat, failed) = {
        let (http, public, key) = (http.clone(), args.public.clone(), format!("Bearer {}", args.key));
        drive(
            args.concurrency,
            Arc::new(move |n| n >= target || Instant::now() >= join_deadline),
            move |n| {
                let (http, endpoint, public, key) = (http.clone(), endpoint.clone(), public.clone(), key.clone());
                async move {
                    let body = format!(
                        r#"{{"userId":"user_{n}","roomId":"r{}","name":"Viewer {n}","messageCount":{}}}"#,
                        n % 2 + 1,
                        n % 50 + 1
                    );
                    let resp = http
                        .post(&endpoint)
                        .header("x-api-key", &public)
                        .header("authorization", &key)
                        .header(reqwest::header::CONTENT_TYPE, "application/json")
                        .body(body)
                        .send()
                        .await;
                    match resp {
                        Ok(r) if r.status().as_u16() == 201 => r.bytes().await.is_ok(),
                        Ok(r) => {
                            eprintln!("refused: {} {}", r.status(), r.text().await.unwrap_or_default());
                            false
                        }
                        Err(e) => {
                            eprintln!("request error: {e}");
                            false
                        }
                    }
                }
            },
        )
        .await
    };
    let wall = started.elapsed().as_secs_f64();
    let rate = joined as f64 / wall;

    // 3. The draw and the winner list.
    let wait_until = Instant::now() + Duration::from_secs(args.join_seconds + 120);
    let (arrived_ms, body) = loop {
        if let Some(r) = received.lock().await.clone() {
            break r;
        }
        if Instant::now() > wait_until {
            bail!("no winner list arrived");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let g: Value = http
        .get(format!("{}/external/giveaway/{id}", args.url))
        .header("x-api-key", &args.public)
        .bearer_auth(&args.key)
        .send()
        .await?
        .json()
        .await?;
    let stored = g["participantsCount"].as_u64().unwrap_or(0);
    println!(
        "{label} concurrency={c} baseline_healthz/s={base_rate:.0} (p99 {bp99:.2}ms) joins={joined} failed={failed} \
         seconds={wall:.1} joins/s={rate:.0} ratio_to_baseline={ratio:.3} p50={p50:.2}ms p99={p99:.2}ms max={max:.2}ms \
         stored={stored} winner_list_after_end={delay:.2}s winners={w} status={status}",
        label = args.label,
        c = args.concurrency,
        bp99 = percentile(&base_lat, 0.99),
        ratio = rate / base_rate,
        p50 = percentile(&lat, 0.5),
        p99 = percentile(&lat, 0.99),
        max = percentile(&lat, 1.0),
        delay = (arrived_ms - end_ms) as f64 / 1000.0,
        w = body["winners"].as_array().map_or(0, Vec::len),
        status = g["status"],
    );
    if stored != joined {
        bail!("{joined} joins were acknowledged but the giveaway counts {stored}");
    }
    Ok(())
}

/// RFC 3339 UTC of Unix ms (whole seconds), without a date crate.
fn rfc3339_utc(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}
