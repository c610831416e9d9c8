//! `fairdraw migrate | accounts | brands | keys`: administration on the configured database.

use anyhow::{Context, bail};
use clap::Subcommand;
use fairdraw_core::account::{LimitOverrides, Plan};
use fairdraw_core::apikey::KeyKind;
use fairdraw_core::time::format_utc;
use fairdraw_server::Config;
use fairdraw_server::app::open_engine;
use fairdraw_server::engine::{Clock, Engine, EngineError, NewAccount};
use serde_json::json;

#[derive(Subcommand, Debug)]
pub enum AccountsCommand {
    /// Create an account with its first brand, secret key and public key.
    Create {
        #[arg(long)]
        email: String,
        /// Name of the account's first brand.
        #[arg(long)]
        brand: String,
        /// free, pro, enterprise or enterprise_plus (API access needs an Enterprise plan).
        #[arg(long, default_value = "enterprise")]
        plan: String,
        #[arg(long)]
        username: Option<String>,
        /// Requests per minute, overriding the plan's.
        #[arg(long)]
        rpm: Option<u32>,
        /// Requests per day, overriding the plan's.
        #[arg(long)]
        rpd: Option<u32>,
        /// Requests per second, overriding the plan's.
        #[arg(long)]
        burst: Option<u32>,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// List accounts.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum BrandsCommand {
    /// Add a brand to an account (with its own secret and public key).
    Create {
        #[arg(long)]
        account: i64,
        #[arg(long)]
        name: String,
        /// Defaults to the account's plan.
        #[arg(long)]
        plan: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// List an account's brands.
    List {
        #[arg(long)]
        account: i64,
        #[arg(long)]
        json: bool,
    },
    /// Show the brand's external signing secret (made now if it has none), which signs the
    /// winner lists of chat giveaways and the chat widget's links; `--rotate` replaces it.
    Secret {
        /// The brand id.
        brand: i64,
        #[arg(long)]
        rotate: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// Create a key for a brand; it is printed once.
    Create {
        #[arg(long)]
        brand: i64,
        /// secret (sk_live_…) or public (pk_live_…).
        #[arg(long, default_value = "secret")]
        kind: String,
        #[arg(long)]
        label: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// List keys (prefixes only; keys are stored hashed).
    List {
        #[arg(long)]
        brand: Option<i64>,
        #[arg(long)]
        json: bool,
    },
    /// Revoke a key by id.
    Revoke { id: i64 },
}

pub(super) async fn engine(config: &Config) -> anyhow::Result<Engine> {
    open_engine(config, Clock::system())
        .await
        .context("opening the database")
}

fn parse_plan(s: &str) -> anyhow::Result<Plan> {
    Plan::parse(s).with_context(|| format!("unknown plan {s:?}: use free, pro, enterprise or enterprise_plus"))
}

/// Engine validation errors read better as lines than as a debug dump.
fn explain(e: EngineError) -> anyhow::Error {
    match e {
        EngineError::Validation(fields) => {
            let lines: Vec<String> = fields.iter().map(|(f, m)| format!("{f}: {m}")).collect();
            anyhow::anyhow!("{}", lines.join("; "))
        }
        other => anyhow::anyhow!("{other}"),
    }
}

pub async fn migrate(config: Config) -> anyhow::Result<()> {
    let engine = engine(&config).await?;
    println!("migrations applied ({})", engine.db().backend().name());
    Ok(())
}

pub async fn accounts(config: Config, command: AccountsCommand) -> anyhow::Result<()> {
    let engine = engine(&config).await?;
    match command {
        AccountsCommand::Create {
            email,
            brand,
            plan,
            username,
            rpm,
            rpd,
            burst,
            json,
        } => {
            let plan = parse_plan(&plan)?;
            let issued = engine
                .create_account(NewAccount {
                    email,
                    username,
                    brand_name: brand,
                    plan,
                    overrides: LimitOverrides { rpm, rpd, burst },
                })
                .await
                .map_err(explain)?;
            if json {
                println!(
                    "{}",
                    json!({
                        "user_id": issued.account_id,
                        "website_id": issued.brand_id,
                        "api_key": issued.secret_key.expose(),
                        "public_key": issued.public_key.expose(),
                        "plan": plan.id(),
                        "plan_name": plan.display_name(),
                    })
                );
            } else {
                println!("account {} created with brand {}", issued.account_id, issued.brand_id);
                println!("  secret API key : {}", issued.secret_key.expose());
                println!("  public key     : {}", issued.public_key.expose());
                println!("Keep the secret key: it is stored hashed and cannot be shown again.");
            }
        }
        AccountsCommand::List { json } => {
            let rows = engine.db().list_accounts().await?;
            if json {
                let list: Vec<_> = rows
                    .iter()
                    .map(|a| {
                        json!({
                            "user_id": a.id, "email": a.email, "username": a.username, "plan": a.plan,
                            "plan_name": Plan::from_id(a.plan).map(Plan::display_name),
                            "created_at": format_utc(a.created_at),
                        })
                    })
                    .collect();
                println!("{}", serde_json::Value::Array(list));
            } else {
                for a in rows {
                    let plan = Plan::from_id(a.plan).map_or("?", Plan::slug);
                    println!(
                        "{:>6}  {:<40}  {:<16}  {}",
                        a.id,
                        a.email,
                        plan,
                        format_utc(a.created_at)
                    );
                }
            }
        }
    }
    Ok(())
}

pub async fn brands(config: Config, command: BrandsCommand) -> anyhow::Result<()> {
    let engine = engine(&config).await?;
    match command {
        BrandsCommand::Create {
            account,
            name,
            plan,
            json,
        } => {
            let plan = plan.as_deref().map(parse_plan).transpose()?;
            let brand_id = engine.create_brand(account, &name, plan).await.map_err(explain)?;
            let secret = engine
                .issue_key(brand_id, KeyKind::Secret, None)
                .await
                .map_err(explain)?;
            let public = engine
                .issue_key(brand_id, KeyKind::Public, None)
                .await
                .map_err(explain)?;
            if json {
                println!(
                    "{}",
                    json!({"website_id": brand_id, "api_key": secret.key.expose(), "public_key": public.key.expose()})
                );
            } else {
                println!("brand {brand_id} created");
                println!("  secret API key : {}", secret.key.expose());
                println!("  public key     : {}", public.key.expose());
            }
        }
        BrandsCommand::Secret { brand, rotate, json } => {
            let secret = engine.external_secret(brand, rotate).await.map_err(explain)?;
            if json {
                println!("{}", json!({ "website_id": brand, "external_secret": secret }));
            } else {
                println!("external signing secret of brand {brand}: {secret}");
                println!("Winner lists carry X-Fairdraw-Signature: sha256=<hex HMAC-SHA256 of the body> under it;");
                println!("the chat widget's sig is the hex HMAC-SHA256 of the userId under it.");
            }
        }
        BrandsCommand::List { account, json } => {
            engine
                .db()
                .account(account)
                .await
                .map_err(|_| anyhow::anyhow!("account {account} not found"))?;
            let rows = engine.db().brands_of(account).await?;
            if json {
                let list: Vec<_> = rows
                    .iter()
                    .map(|b| json!({"id": b.id, "website_name": b.name, "plan": b.plan, "active_brand": b.active != 0}))
                    .collect();
                println!("{}", serde_json::Value::Array(list));
            } else {
                for b in rows {
                    println!("{:>6}  {}", b.id, b.name.unwrap_or_default());
                }
            }
        }
    }
    Ok(())
}

pub async fn keys(config: Config, command: KeysCommand) -> anyhow::Result<()> {
    let engine = engine(&config).await?;
    match command {
        KeysCommand::Create {
            brand,
            kind,
            label,
            json,
        } => {
            let Some(kind) = KeyKind::parse(&kind) else {
                bail!("unknown key kind {kind:?}: use secret or public");
            };
            let issued = engine.issue_key(brand, kind, label).await.map_err(explain)?;
            if json {
                println!(
                    "{}",
                    json!({"id": issued.key_id, "website_id": brand, "key": issued.key.expose(), "kind": kind.as_str()})
                );
            } else {
                println!(
                    "key {} created for brand {brand}: {}",
                    issued.key_id,
                    issued.key.expose()
                );
                println!("Keep it: it is stored hashed and cannot be shown again.");
            }
        }
        KeysCommand::List { brand, json } => {
            let rows = engine.list_keys(brand).await.map_err(explain)?;
            if json {
                let list: Vec<_> = rows
                    .iter()
                    .map(|k| {
                        json!({
                            "id": k.id, "website_id": k.brand_id, "kind": k.kind, "prefix": k.prefix,
                            "label": k.label, "created_at": format_utc(k.created_at),
                            "revoked_at": k.revoked_at.map(format_utc),
                        })
                    })
                    .collect();
                println!("{}", serde_json::Value::Array(list));
            } else {
                for k in rows {
                    let state = if k.revoked_at.is_some() { "revoked" } else { "active" };
                    println!(
                        "{:>6}  brand {:<6}  {:<7}  {:<18}  {:<8}  {}",
                        k.id,
                        k.brand_id,
                        k.kind,
                        k.prefix,
                        state,
                        k.label.unwrap_or_default()
                    );
                }
            }
        }
        KeysCommand::Revoke { id } => {
            engine.revoke_key(id).await.map_err(explain)?;
            println!("key {id} revoked");
        }
    }
    Ok(())
}
