//! `fairdraw audit verify`: re-checks every brand's audit chain in the configured database
//! (`fairdraw_core::audit`): each entry's hash recomputed, each `prev_hash` compared with the
//! entry before, and the chain's end compared with the stored head. Prints one line per brand
//! (or JSON) and names the first broken link; the exit code is non-zero when any chain is broken.

use super::admin::engine;
use fairdraw_server::config::Config;
use serde_json::json;

#[derive(clap::Subcommand, Debug)]
pub enum AuditCommand {
    /// Re-check every brand's hash chain; exit non-zero and name the first broken link if any.
    Verify {
        /// One JSON object per brand, one per line.
        #[arg(long)]
        json: bool,
    },
}

pub async fn audit(config: Config, command: AuditCommand) -> anyhow::Result<bool> {
    let AuditCommand::Verify { json } = command;
    let engine = engine(&config).await?;
    let reports = engine.verify_audit().await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut intact = true;
    for r in &reports {
        match &r.result {
            Ok(head) => {
                if json {
                    println!(
                        "{}",
                        json!({ "brand_id": r.brand_id, "ok": true, "entries": r.entries,
                                "head": { "seq": head.seq, "hash": head.hash.to_hex() } })
                    );
                } else {
                    println!(
                        "brand {}: ok, {} entries, head {} {}",
                        r.brand_id,
                        r.entries,
                        head.seq,
                        head.hash.to_hex()
                    );
                }
            }
            Err(broken) => {
                intact = false;
                if json {
                    println!(
                        "{}",
                        json!({ "brand_id": r.brand_id, "ok": false, "entries": r.entries,
                                "broken": { "seq": broken.seq, "reason": broken.fault.to_string() } })
                    );
                } else {
                    println!("brand {}: BROKEN at entry {}: {}", r.brand_id, broken.seq, broken.fault);
                }
            }
        }
    }
    if reports.is_empty() && !json {
        println!("no audit entries yet");
    }
    Ok(intact)
}
