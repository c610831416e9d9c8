//! End-to-end timings of `/v1` comment draws, in one process: a Fairdraw server (the real one,
//! `Server::build`) on a fresh database, an Instagram Graph stand-in on loopback serving a post's
//! comments in Graph's JSON (50 a page, as Graph pages them), and a client over HTTP.
//!
//! 1. `POST /v1/draws` on an Instagram post with `--comments` comments (default 8,243, the
//!    reference's example), timed from request to answer; the baseline is a bare client reading
//!    the same pages from the stand-in in the same run.
//! 2. `POST /v1/draws` on an upload of `--upload-comments` comments (default 1,000,000) by
//!    `--upload-people` commenters; the baseline is parsing and tallying the same file in
//!    process with the core's reader (the least any draw of it must do).
//!
//! `cargo run --release -p fairdraw-bench --bin comment-draws -- [--database-url postgres://…]`

#[path = "graph.rs"]
mod graph;

use anyhow::{Context, bail};
use clap::Parser;
use fairdraw_core::account::{LimitOverrides, Plan};
use fairdraw_core::comments::upload::{Format, read};
use fairdraw_core::comments::{Filters, Tally};
use fairdraw_server::config::ConfigLayer;
use fairdraw_server::engine::NewAccount;
use graph::PAGE;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

#[derive(Parser, Debug)]
struct Args {
    /// A PostgreSQL URL to run on (a fresh database must be given); default: a fresh SQLite file.
    #[arg(long)]
    database_url: Option<String>,
    #[arg(long, default_value_t = 8_243)]
    comments: usize,
    #[arg(long, default_value_t = 1_000_000)]
    upload_comments: usize,
    #[arg(long, default_value_t = 250_000)]
    upload_people: usize,
    /// Timed draws of the Instagram post (the median is reported).
    #[arg(long, default_value_t = 7)]
    runs: usize,
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Peak resident memory of this process so far (Linux), in MiB.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let _ = rustls::crypto::ring::default_provider().install_default();

    // The stand-in.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let graph_url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(graph::serve(
        listener,
        graph_url.clone(),
        graph::comments(args.comments),
    ));

    // The server.
    let dir = tempfile::tempdir()?;
    let database_url = args
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", dir.path().join("bench.db").display()));
    let backend = if database_url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let layer = ConfigLayer {
        bind: Some("127.0.0.1:0".to_owned()),
        database_url: Some(fairdraw_core::secret::Secret::new(database_url)),
        data_dir: Some(dir.path().to_owned()),
        public_url: Some("https://fairdraw.bench".to_owned()),
        workers: Some(false),
        webhook_allow_private: Some(true),
        instagram_graph_url: Some(graph_url.clone()),
        ..ConfigLayer::default()
    };
    let config = layer.resolve().context("config")?;
    let server = fairdraw_server::Server::build(config).await.context("server")?;
    let base = format!("http://{}", server.local_addr());
    let engine = server.state().engine.clone();
    tokio::spawn(server.run(std::future::pending()));
    let account = engine
        .create_account(NewAccount {
            email: "bench@example.com".to_owned(),
            username: None,
            brand_name: "Bench".to_owned(),
            plan: Plan::Enterprise,
            overrides: LimitOverrides {
                rpm: Some(1_000_000),
                rpd: Some(100_000_000),
                burst: Some(1_000_000),
            },
        })
        .await
        .map_err(|e| anyhow::anyhow!("account: {e}"))?;
    let key = account.secret_key.expose().clone();
    let http = reqwest::Client::new();
    let r = http
        .post(format!("{base}/v1/connections"))
        .bearer_auth(&key)
        .json(&json!({ "platform": "instagram", "access_token": "t", "account_id": "1" }))
        .send()
        .await?;
    if r.status() != 201 {
        bail!("connection: {}", r.text().await?);
    }

    // 1. Instagram post: baseline = the same pages read by a bare client.
    let mut bare = Vec::new();
    let mut timed = Vec::new();
    for _ in 0..args.runs {
        let t = Instant::now();
        let mut url = format!("{graph_url}/901/comments?access_token=t&limit=50");
        let mut n = 0;
        loop {
            let v: Value = http.get(&url).send().await?.json().await?;
            n += v["data"].as_array().map_or(0, Vec::len);
            match v["paging"]["next"].as_str() {
                Some(next) => url = next.to_owned(),
                None => break,
            }
        }
        assert_eq!(n, args.comments);
        bare.push(t.elapsed());

        let t = Instant::now();
        let r = http
            .post(format!("{base}/v1/draws"))
            .bearer_auth(&key)
            .json(&json!({ "url": "https://www.instagram.com/p/CxxxxxxxxxX/", "winners": 3, "extras": 2,
                "filters": { "require_tag": true, "min_tag_count": 1, "exclude_duplicates": true }, "tier": "premium" }))
            .send()
            .await?;
        let status = r.status();
        let body: Value = r.json().await?;
        timed.push(t.elapsed());
        if status != 200 || body["comments_processed"] != json!(args.comments) {
            bail!("draw: {status} {body}");
        }
    }
    let (d, b) = (median(timed.clone()), median(bare));
    println!(
        "[{backend}] Instagram draw of {} comments ({} pages) end to end: median {:.1} ms (min {:.1} ms, {} runs); \
         bare page reads {:.1} ms; ratio {:.2}",
        args.comments,
        args.comments.div_ceil(PAGE),
        d.as_secs_f64() * 1e3,
        timed.iter().min().unwrap().as_secs_f64() * 1e3,
        args.runs,
        b.as_secs_f64() * 1e3,
        d.as_secs_f64() / b.as_secs_f64()
    );

    // 2. A large upload.
    let mut csv = String::with_capacity(args.upload_comments * 48);
    // Kept under the 50 MB upload limit: about 40 bytes a comment.
    csv.push_str("username,comment\n");
    for i in 0..args.upload_comments {
        let who = i % args.upload_people;
        csv.push_str(&format!("fan_{who},Love it @friend_{} @pal_{}\n", i % 9_973, i % 13));
    }
    let csv = csv.into_bytes();
    let rss_before = peak_rss_mib();
    let t = Instant::now();
    let mut tally = Tally::new(
        Filters::parse(&serde_json::from_value(json!({ "require_tag": true }))?)
            .map_err(|e| anyhow::anyhow!("{e:?}"))?,
        None,
    );
    read(Format::Csv, &csv[..], |c| tally.add(&c)).map_err(|e| anyhow::anyhow!("{e}"))?;
    let pool = tally.pool()?;
    let baseline = t.elapsed();
    drop(tally);
    let t = Instant::now();
    let r = http
        .post(format!("{base}/v1/comments/uploads"))
        .bearer_auth(&key)
        .header("content-type", "text/csv")
        .body(csv.clone())
        .send()
        .await?;
    let upload_time = t.elapsed();
    let up: Value = r.json().await?;
    let url = up["url"].as_str().with_context(|| format!("upload: {up}"))?.to_owned();
    let t = Instant::now();
    let r = http
        .post(format!("{base}/v1/draws"))
        .bearer_auth(&key)
        .json(&json!({ "url": url, "winners": 10, "extras": 5, "filters": { "require_tag": true } }))
        .send()
        .await?;
    let status = r.status();
    let body: Value = r.json().await?;
    let draw_time = t.elapsed();
    if status != 200 || body["comments_processed"] != json!(args.upload_comments) {
        bail!("upload draw: {status} {body}");
    }
    println!(
        "[{backend}] upload of {} comments ({:.1} MB, {} people): upload {:.2} s; draw end to end {:.2} s; \
         in-process parse+tally baseline {:.2} s; ratio {:.2}; pool {} people; peak RSS {:.0} MiB (before the upload {:.0} MiB)",
        args.upload_comments,
        csv.len() as f64 / 1e6,
        args.upload_people,
        upload_time.as_secs_f64(),
        draw_time.as_secs_f64(),
        baseline.as_secs_f64(),
        draw_time.as_secs_f64() / baseline.as_secs_f64(),
        pool.len(),
        peak_rss_mib().unwrap_or(0.0),
        rss_before.unwrap_or(0.0),
    );
    Ok(())
}
