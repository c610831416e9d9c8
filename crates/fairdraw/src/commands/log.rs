//! `fairdraw log verify`: checks a server's transparency log from outside, over its public API.
//!
//! It downloads every entry, recomputes the root and compares it with the signed tree head; with
//! `--tree-head` (a head saved earlier, e.g. with `--save`) it also checks that today's log
//! extends that one: the server's consistency proof must hold, and the saved head's root must be
//! the root of the first entries as downloaded. A log that dropped or changed a draw after the
//! saved head fails.

use anyhow::{Context, anyhow, bail};
use fairdraw_core::draw::Hash32;
use fairdraw_core::translog::{TreeHead, leaf_hash, root, verify_consistency};
use serde::Deserialize;
use std::path::PathBuf;

/// Entries asked for per request (the server's most).
const PAGE: u64 = 1_000;

#[derive(clap::Subcommand, Debug)]
pub enum LogCommand {
    /// Check a server's transparency log, and that it extends a tree head kept earlier.
    Verify(VerifyArgs),
}

#[derive(clap::Args, Debug)]
pub struct VerifyArgs {
    /// The server's public base URL, e.g. https://draws.example.com.
    #[arg(long, value_name = "URL")]
    pub url: String,
    /// A tree head saved earlier (the JSON of /v1/log/tree-head) that the log must extend.
    #[arg(long, value_name = "FILE")]
    pub tree_head: Option<PathBuf>,
    /// Save today's tree head here once it checks out, for the next run's --tree-head.
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
}

#[derive(Deserialize)]
struct Entries {
    entries: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    result_hash: String,
}

#[derive(Deserialize)]
struct ConsistencyBody {
    consistency_proof: Vec<String>,
}

async fn get<T: serde::de::DeserializeOwned>(http: &reqwest::Client, url: &str) -> anyhow::Result<T> {
    let response = http.get(url).send().await.with_context(|| format!("GET {url}"))?;
    let status = response.status();
    let text = response.text().await.with_context(|| format!("reading {url}"))?;
    if !status.is_success() {
        bail!("GET {url} answered {status}: {text}");
    }
    serde_json::from_str(&text).with_context(|| format!("{url} did not answer what a Fairdraw log answers"))
}

fn hash(hex: &str) -> anyhow::Result<Hash32> {
    Hash32::from_hex(hex).map_err(|_| anyhow!("{hex:?} is not a 32-byte hex hash"))
}

pub async fn run(command: LogCommand) -> anyhow::Result<bool> {
    let LogCommand::Verify(args) = command;
    let base = args.url.trim_end_matches('/');
    let http = reqwest::Client::new();
    let kept: Option<TreeHead> = match &args.tree_head {
        None => None,
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
            let head: TreeHead =
                serde_json::from_str(&text).with_context(|| format!("{} is not a tree head", path.display()))?;
            if !head.signature_ok() {
                println!("NOT verified: the saved tree head's signature is not valid");
                return Ok(false);
            }
            Some(head)
        }
    };

    let head: TreeHead = get(&http, &format!("{base}/v1/log/tree-head")).await?;
    if !head.signature_ok() {
        println!("NOT verified: the server's tree head is not signed by the key it names");
        return Ok(false);
    }
    if let Some(k) = &kept
        && k.public_key != head.public_key
    {
        println!(
            "NOT verified: the log is now signed by {} instead of {}",
            head.public_key.to_hex(),
            k.public_key.to_hex()
        );
        return Ok(false);
    }

    let mut leaves = Vec::with_capacity(usize::try_from(head.tree_size).unwrap_or(0));
    while (leaves.len() as u64) < head.tree_size {
        let start = leaves.len() as u64;
        let end = (start + PAGE).min(head.tree_size);
        let page: Entries = get(&http, &format!("{base}/v1/log/entries?start={start}&end={end}")).await?;
        if page.entries.is_empty() {
            bail!(
                "the server has no entries from {start} although its head counts {}",
                head.tree_size
            );
        }
        for e in page.entries {
            leaves.push(leaf_hash(&hash(&e.result_hash)?));
        }
    }
    if root(&leaves) != head.root_hash {
        println!(
            "NOT verified: the {} entries served do not hash to the signed root {}",
            head.tree_size, head.root_hash
        );
        return Ok(false);
    }
    println!(
        "log:       {} entries, root {} (signed by {})",
        head.tree_size,
        head.root_hash,
        head.public_key.to_hex()
    );

    if let Some(k) = &kept {
        if k.tree_size > head.tree_size {
            println!(
                "NOT verified: the log shrank from {} to {} entries",
                k.tree_size, head.tree_size
            );
            return Ok(false);
        }
        let prefix = usize::try_from(k.tree_size).unwrap_or(usize::MAX);
        if root(&leaves[..prefix]) != k.root_hash {
            println!(
                "NOT verified: the first {} entries no longer hash to the saved root {}: the log was rewritten",
                k.tree_size, k.root_hash
            );
            return Ok(false);
        }
        if k.tree_size > 0 {
            let c: ConsistencyBody = get(
                &http,
                &format!(
                    "{base}/v1/log/proof/consistency?first={}&second={}",
                    k.tree_size, head.tree_size
                ),
            )
            .await?;
            let proof = c
                .consistency_proof
                .iter()
                .map(|h| hash(h))
                .collect::<anyhow::Result<Vec<_>>>()?;
            if !verify_consistency(k.tree_size, head.tree_size, &k.root_hash, &head.root_hash, &proof) {
                println!("NOT verified: the server's consistency proof does not hold");
                return Ok(false);
            }
        }
        println!(
            "consistent: the log extends the saved head of {} entries (root {})",
            k.tree_size, k.root_hash
        );
    }
    if let Some(path) = &args.save {
        std::fs::write(path, serde_json::to_string_pretty(&head)?)
            .with_context(|| format!("writing {}", path.display()))?;
        println!("saved:     {}", path.display());
    }
    Ok(true)
}
