//! An Instagram Graph API stand-in for benchmarks and the README walk-through: one business
//! account whose media list holds the post `CxxxxxxxxxX` (owner `brand`), and its comments in
//! Graph's JSON, 50 a page, linked by `paging.next`.

use axum::Json;
use axum::extract::{Path, Query, State};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

/// Comments per page, as Graph pages them.
pub const PAGE: usize = 50;

#[derive(Clone)]
struct Graph {
    base: String,
    comments: Arc<Vec<Value>>,
}

async fn media(Path(_id): Path<String>) -> Json<Value> {
    Json(
        json!({ "data": [{ "id": "901", "shortcode": "CxxxxxxxxxX", "username": "brand",
        "permalink": "https://www.instagram.com/p/CxxxxxxxxxX/", "timestamp": "2026-04-28T10:00:00+0000" }] }),
    )
}

async fn comments_page(
    State(g): State<Graph>,
    Path(_id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Json<Value> {
    let offset: usize = q
        .get("after")
        .and_then(|a| a.parse().ok())
        .unwrap_or(0)
        .min(g.comments.len());
    let end = (offset + PAGE).min(g.comments.len());
    let mut paging = json!({ "cursors": { "before": "x", "after": end.to_string() } });
    if end < g.comments.len() {
        paging["next"] = json!(format!("{}/901/comments?access_token=t&limit=50&after={end}", g.base));
    }
    Json(json!({ "data": &g.comments[offset..end], "paging": paging }))
}

/// `n` comments by `n / 2` people, each tagging two others.
pub fn comments(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            json!({ "id": format!("1790{i}"), "username": format!("fan_{}", i % (n / 2).max(1)),
                "text": format!("Love this! @friend_{i} @other_{}", i % 7), "timestamp": "2026-04-28T14:23:11+0000" })
        })
        .collect()
}

/// Serves until the process ends; `base` is the listener's own URL (for `paging.next`).
pub async fn serve(listener: tokio::net::TcpListener, base: String, comments: Vec<Value>) -> std::io::Result<()> {
    let app = axum::Router::new()
        .route("/{id}/media", axum::routing::get(media))
        .route("/{id}/comments", axum::routing::get(comments_page))
        .with_state(Graph {
            base,
            comments: Arc::new(comments),
        });
    axum::serve(listener, app).await
}
