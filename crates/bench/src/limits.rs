//! What the machine can do at best, to set the product's figures against (docs/BENCHMARKS.md,
//! "Against the limit"). Three measures, each the bare minimum of the work the product does:
//!
//! - `limits bare --bind ADDR`: an axum server whose one route, `POST /entries`, reads the body
//!   and answers a constant 201; `entry-load --baseline-url` drives it with the same clients and
//!   bodies as the entry endpoint.
//! - `limits insert --database-url URL --rows N --batch B`: a bare insert loop of the rows one
//!   public entry writes (a participant, an entry, a queued job, the giveaway's counters), B
//!   entries a transaction, with the product's durability (SQLite WAL with `synchronous=FULL`,
//!   the sqlx default the product keeps; PostgreSQL's default commit).
//! - `limits sha256 --leaves N`: the pool hash of N chat-sized ids through the product's code,
//!   against plain SHA-256 over the same messages (every leaf and inner node) in a loop.

use anyhow::Context;
use clap::{Parser, Subcommand};
use sha2::{Digest, Sha256};
use sqlx::{Any, AssertSqlSafe, Pool};
use std::time::Instant;

#[derive(Parser, Debug)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the bare handler.
    Bare {
        #[arg(long, default_value = "127.0.0.1:18190")]
        bind: String,
    },
    /// The bare insert loop.
    Insert {
        /// `sqlite://…` (a new file) or `postgres://…` (an empty database).
        #[arg(long)]
        database_url: String,
        #[arg(long, default_value_t = 200_000)]
        rows: usize,
        /// Entries a transaction (the entry writer's batches under 64 clients are about 60).
        #[arg(long, default_value_t = 64)]
        batch: usize,
    },
    /// Pool hashing against plain SHA-256.
    Sha256 {
        #[arg(long, default_value_t = 1_000_000)]
        leaves: usize,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Args::parse().command {
        Command::Bare { bind } => bare(&bind).await,
        Command::Insert {
            database_url,
            rows,
            batch,
        } => insert(&database_url, rows, batch).await,
        Command::Sha256 { leaves } => {
            sha256(leaves);
            Ok(())
        }
    }
}

async fn bare(bind: &str) -> anyhow::Result<()> {
    use axum::http::StatusCode;
    let app = axum::Router::new().route(
        "/entries",
        axum::routing::post(|body: axum::body::Bytes| async move {
            let _ = body.len();
            (
                StatusCode::CREATED,
                [("content-type", "application/json")],
                r#"{"success":true}"#,
            )
        }),
    );
    let listener = tokio::net::TcpListener::bind(bind).await?;
    println!("bare listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}

const SCHEMA: &[&str] = &[
    "CREATE TABLE giveaways (id BIGINT PRIMARY KEY, total_entries BIGINT NOT NULL, total_participants BIGINT NOT NULL)",
    "CREATE TABLE participants (id BIGINT PRIMARY KEY, giveaway_id BIGINT NOT NULL, email TEXT NOT NULL, name TEXT NOT NULL, \
     ip TEXT, user_id TEXT NOT NULL, referral_code TEXT NOT NULL, created_at BIGINT NOT NULL, UNIQUE (giveaway_id, email))",
    "CREATE TABLE entries (id BIGINT PRIMARY KEY, participant_id BIGINT NOT NULL, method TEXT NOT NULL, amount BIGINT NOT NULL, \
     created_at BIGINT NOT NULL)",
    "CREATE TABLE jobs (id BIGINT PRIMARY KEY, kind TEXT NOT NULL, payload TEXT NOT NULL, state TEXT NOT NULL, run_at BIGINT NOT NULL)",
    "INSERT INTO giveaways (id, total_entries, total_participants) VALUES (1, 0, 0)",
];

async fn insert(url: &str, rows: usize, batch: usize) -> anyhow::Result<()> {
    sqlx::any::install_default_drivers();
    let sqlite = url.starts_with("sqlite:");
    let url = if sqlite && !url.contains("mode=") {
        format!("{url}?mode=rwc")
    } else {
        url.to_owned()
    };
    let pool: Pool<Any> = sqlx::pool::PoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .with_context(|| format!("connecting to {url}"))?;
    if sqlite {
        sqlx::query("PRAGMA journal_mode = WAL").execute(&pool).await?;
    }
    for statement in SCHEMA {
        sqlx::query(AssertSqlSafe(*statement)).execute(&pool).await?;
    }
    let started = Instant::now();
    let mut next = 0usize;
    while next < rows {
        let mut tx = if sqlite {
            pool.begin_with("BEGIN IMMEDIATE").await?
        } else {
            pool.begin().await?
        };
        let end = (next + batch).min(rows);
        for n in next..end {
            let id = n as i64 + 1;
            sqlx::query(
                "INSERT INTO participants (id, giveaway_id, email, name, ip, user_id, referral_code, created_at) \
                 VALUES ($1, 1, $2, $3, '127.0.0.1', $4, $5, $6)",
            )
            .bind(id)
            .bind(format!("load{n}@bench.example"))
            .bind(format!("Load {n}"))
            .bind(format!("{:032x}", n))
            .bind(format!("r{n:08}"))
            .bind(id)
            .execute(&mut *tx)
            .await?;
            sqlx::query("INSERT INTO entries (id, participant_id, method, amount, created_at) VALUES ($1, $1, 'details', 1, $1)")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO jobs (id, kind, payload, state, run_at) VALUES ($1, 'email.confirmation', $2, 'pending', $1)")
                .bind(id)
                .bind(format!(r#"{{"participant_id":{id}}}"#))
                .execute(&mut *tx)
                .await?;
        }
        let added = (end - next) as i64;
        sqlx::query("UPDATE giveaways SET total_entries = total_entries + $1, total_participants = total_participants + $1 WHERE id = 1")
            .bind(added)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        next = end;
    }
    let wall = started.elapsed().as_secs_f64();
    println!(
        "bare-insert backend={} rows={rows} batch={batch} seconds={wall:.2} entries/s={:.0}",
        if sqlite { "sqlite" } else { "postgres" },
        rows as f64 / wall
    );
    Ok(())
}

fn sha256(leaves: usize) {
    let ids: Vec<String> = (0..leaves).map(|n| format!("user{n:09}")).collect();
    let started = Instant::now();
    let mut builder = fairdraw_core::draw::PoolBuilder::with_capacity(leaves, ids.iter().map(String::len).sum());
    for id in &ids {
        builder.push(id, 1).expect("a valid id");
    }
    let pool = builder.build().expect("a valid pool");
    let built = started.elapsed().as_secs_f64();
    let t = Instant::now();
    let root = pool.root();
    let product = t.elapsed().as_secs_f64();
    // Plain SHA-256 over the same messages: each leaf `0x00 ‖ u32 len ‖ id ‖ u64 weight`, then the
    // n − 1 inner nodes `0x01 ‖ left ‖ right`, one after another.
    let t = Instant::now();
    let mut last = [0u8; 32];
    for id in &ids {
        let mut h = Sha256::new();
        h.update([0u8]);
        h.update((id.len() as u32).to_be_bytes());
        h.update(id.as_bytes());
        h.update(1u64.to_be_bytes());
        last = h.finalize().into();
    }
    let mut node = [0u8; 65];
    node[0] = 1;
    for _ in 1..leaves {
        node[1..33].copy_from_slice(&last);
        last = Sha256::digest(node).into();
    }
    let bare = t.elapsed().as_secs_f64();
    println!(
        "pool-hash leaves={leaves} build={:.0}ms product_root={:.0}ms bare_sha256={:.0}ms ratio={:.2} root={} ({})",
        built * 1000.0,
        product * 1000.0,
        bare * 1000.0,
        bare / product,
        root.to_hex(),
        hex_prefix(&last)
    );
}

fn hex_prefix(bytes: &[u8]) -> String {
    bytes.iter().take(4).map(|b| format!("{b:02x}")).collect()
}
