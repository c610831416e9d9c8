//! An Instagram Graph API stand-in on a local port, for trying `/v1` comment draws without a
//! Meta app: `graph-stand-in --port 8090 --comments 500`, then run Fairdraw with
//! `FAIRDRAW_INSTAGRAM_GRAPH_URL=http://127.0.0.1:8090`.

#[path = "graph.rs"]
mod graph;

use clap::Parser;

#[derive(Parser, Debug)]
struct Args {
    #[arg(long, default_value_t = 8090)]
    port: u16,
    #[arg(long, default_value_t = 500)]
    comments: usize,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port)).await?;
    let base = format!("http://{}", listener.local_addr()?);
    eprintln!(
        "Instagram Graph stand-in on {base}: post https://www.instagram.com/p/CxxxxxxxxxX/, {} comments",
        args.comments
    );
    graph::serve(listener, base, graph::comments(args.comments)).await?;
    Ok(())
}
