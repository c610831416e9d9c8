//! `fairdraw serve`.

use fairdraw_server::app::shutdown_signal;
use fairdraw_server::{Config, Server};

pub async fn run(config: Config) -> anyhow::Result<()> {
    tracing::info!(config = ?config, "starting");
    let server = Server::build(config).await?;
    if let Some(issued) = server.state().engine.ensure_default_account().await? {
        // Printed once, to the terminal only: keys never go to the log.
        println!("Created the default account (admin@fairdraw.local) on this empty database.");
        println!("  secret API key : {}", issued.secret_key.expose());
        println!("  public key     : {}", issued.public_key.expose());
        println!("  brand id       : {}", issued.brand_id);
        println!("Keep the secret key: it is stored hashed and cannot be shown again.");
    }
    let addr = server.local_addr();
    println!("fairdraw listening on http://{addr}");
    tracing::info!(%addr, "listening");
    server.run(shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}
