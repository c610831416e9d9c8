//! Subcommands. `serve`, `migrate`, `accounts`, `brands`, `keys`, `jobs` and `audit` work on the configured
//! database; `draw` and `verify` are offline and touch nothing but their files; `log verify`
//! checks a server's transparency log over its public API.

mod admin;
mod audit;
mod draw;
mod jobs;
mod log;
mod serve;

use clap::{Args, Parser, Subcommand};
use fairdraw_server::config::{Config, ConfigLayer, LogFormat};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "fairdraw",
    version,
    about = "Self-hosted giveaways with draws anyone can verify."
)]
pub struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

/// Settings shared by the subcommands that use the server's configuration. Each overrides the
/// config file and the matching `FAIRDRAW_*` environment variable.
#[derive(Args, Debug, Default)]
struct GlobalArgs {
    /// A TOML file with any of: bind, database_url, public_url, data_dir, redis_url,
    /// max_body_bytes, log_format.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Address to listen on [env: FAIRDRAW_BIND] [default: 127.0.0.1:8080].
    #[arg(long, global = true, value_name = "ADDR")]
    bind: Option<String>,
    /// sqlite:… or postgres://… [env: FAIRDRAW_DATABASE_URL] [default: a SQLite file in the data dir].
    #[arg(long, global = true, value_name = "URL")]
    database_url: Option<String>,
    /// Base of every URL the API returns [env: FAIRDRAW_PUBLIC_URL].
    #[arg(long, global = true, value_name = "URL")]
    public_url: Option<String>,
    /// Where the SQLite database and keys live [env: FAIRDRAW_DATA_DIR] [default: ./fairdraw-data].
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Redis for rate-limit counters shared by several instances [env: FAIRDRAW_REDIS_URL].
    #[arg(long, global = true, value_name = "URL")]
    redis_url: Option<String>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the HTTP server (migrations run first).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Create and list accounts.
    #[command(subcommand)]
    Accounts(admin::AccountsCommand),
    /// Create and list brands.
    #[command(subcommand)]
    Brands(admin::BrandsCommand),
    /// Create, list and revoke API keys.
    #[command(subcommand)]
    Keys(admin::KeysCommand),
    /// Look into the background job queue; queue failed jobs again.
    #[command(subcommand)]
    Jobs(jobs::JobsCommand),
    /// Re-check the audit log's hash chains.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Run a draw offline from a CSV pool (id,weight) and print its certificate.
    Draw(draw::DrawArgs),
    /// Re-run a certificate's draw offline and check every value.
    Verify(draw::VerifyArgs),
    /// Check a server's transparency log over its public API.
    #[command(subcommand)]
    Log(log::LogCommand),
}

impl GlobalArgs {
    fn load_config(&self) -> anyhow::Result<Config> {
        let flags = ConfigLayer {
            bind: self.bind.clone(),
            database_url: self.database_url.clone().map(fairdraw_core::secret::Secret::new),
            public_url: self.public_url.clone(),
            data_dir: self.data_dir.clone(),
            redis_url: self.redis_url.clone().map(fairdraw_core::secret::Secret::new),
            ..ConfigLayer::default()
        };
        Ok(Config::load(self.config.as_deref(), |k| std::env::var(k).ok(), flags)?)
    }
}

pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Draw(args) => draw::run_draw(args).map(|()| true),
        Command::Verify(args) => draw::run_verify(args),
        Command::Log(c) => run_client(log::run(c)),
        command => run_with_config(&cli.global, command),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run_with_config(global: &GlobalArgs, command: Command) -> anyhow::Result<bool> {
    let config = global.load_config()?;
    let quiet = !matches!(command, Command::Serve);
    init_logging(config.log_format, quiet);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        match command {
            Command::Serve => serve::run(config).await.map(|()| true),
            Command::Migrate => admin::migrate(config).await.map(|()| true),
            Command::Accounts(c) => admin::accounts(config, c).await.map(|()| true),
            Command::Brands(c) => admin::brands(config, c).await.map(|()| true),
            Command::Keys(c) => admin::keys(config, c).await.map(|()| true),
            Command::Jobs(c) => jobs::jobs(config, c).await.map(|()| true),
            Command::Audit(c) => audit::audit(config, c).await,
            Command::Draw(_) | Command::Verify(_) | Command::Log(_) => {
                unreachable!("offline commands run without config")
            }
        }
    })
}

/// Commands that talk to a server over HTTP and need no configuration.
fn run_client(work: impl std::future::Future<Output = anyhow::Result<bool>>) -> anyhow::Result<bool> {
    fairdraw_server::app::install_tls_provider();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(work)
}

/// Logs go to stderr, so that commands printing JSON keep stdout clean. `RUST_LOG` overrides
/// the default level.
fn init_logging(format: LogFormat, quiet: bool) {
    use tracing_subscriber::EnvFilter;
    let default = if quiet { "warn" } else { "info" };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}
