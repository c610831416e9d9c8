//! `fairdraw jobs`: look into the durable queue and put failed jobs back. Payloads are never
//! printed: they hold e-mail addresses and links meant for one person.

use super::admin::engine;
use clap::Subcommand;
use fairdraw_core::time::format_utc;
use fairdraw_server::config::Config;
use serde_json::json;

#[derive(Subcommand, Debug)]
pub enum JobsCommand {
    /// Count jobs per state.
    Stats {
        #[arg(long)]
        json: bool,
    },
    /// List the newest jobs, optionally of one state (pending, running, done, failed).
    List {
        #[arg(long)]
        state: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
    /// Queue failed jobs again with a fresh set of attempts: the ids given, or all with --all.
    Retry {
        ids: Vec<i64>,
        #[arg(long, conflicts_with = "ids")]
        all: bool,
    },
}

pub async fn jobs(config: Config, command: JobsCommand) -> anyhow::Result<()> {
    let engine = engine(&config).await?;
    let db = engine.db();
    match command {
        JobsCommand::Stats { json } => {
            let c = db.job_counts().await?;
            if json {
                println!(
                    "{}",
                    json!({"pending": c.pending, "running": c.running, "done": c.done, "failed": c.failed})
                );
            } else {
                println!(
                    "pending {}  running {}  done {}  failed {}",
                    c.pending, c.running, c.done, c.failed
                );
            }
        }
        JobsCommand::List { state, limit, json } => {
            if let Some(s) = &state
                && !["pending", "running", "done", "failed"].contains(&s.as_str())
            {
                anyhow::bail!("unknown state {s:?}: use pending, running, done or failed");
            }
            let rows = db.jobs_in_state(state.as_deref(), limit.clamp(1, 10_000)).await?;
            if json {
                let list: Vec<_> = rows
                    .iter()
                    .map(|j| {
                        json!({
                            "id": j.id, "kind": j.kind, "state": j.state, "attempts": j.attempts,
                            "max_attempts": j.max_attempts, "run_at": format_utc(j.run_at),
                            "last_error": j.last_error, "created_at": format_utc(j.created_at),
                        })
                    })
                    .collect();
                println!("{}", serde_json::Value::Array(list));
            } else {
                for j in rows {
                    println!(
                        "{:>8}  {:<20}  {:<7}  {}/{}  {}  {}",
                        j.id,
                        j.kind,
                        j.state,
                        j.attempts,
                        j.max_attempts,
                        format_utc(j.run_at),
                        j.last_error.unwrap_or_default()
                    );
                }
            }
        }
        JobsCommand::Retry { ids, all } => {
            if ids.is_empty() && !all {
                anyhow::bail!("name the jobs to retry, or pass --all for every failed job");
            }
            let n = db
                .retry_failed_jobs((!all).then_some(ids.as_slice()), engine.now_ms())
                .await?;
            println!("{n} failed job(s) queued again");
        }
    }
    Ok(())
}
