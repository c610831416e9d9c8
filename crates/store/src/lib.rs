//! Fairdraw's storage. Every query is written once, in the `$N` dialect that SQLite and
//! PostgreSQL both accept, and runs through sqlx's `Any` driver; the two backends differ only in
//! their migration files (DDL) and in the few helpers of [`db::Backend`]. Values cross the
//! boundary as plain integers, text and bytes: instants are Unix milliseconds, flags are 0/1.
#![forbid(unsafe_code)]

pub mod accounts;
pub mod analytics;
pub mod audit;
pub mod chat_giveaways;
pub mod claims;
pub mod comment_draws;
pub mod db;
pub mod draw_history;
pub mod draws;
pub mod entries;
pub mod entry_methods;
pub mod error;
pub mod events;
pub mod gallery;
pub mod giveaways;
pub mod idempotency;
pub mod jobs;
pub mod keys;
pub mod lists;
pub mod mail;
mod multirow;
pub mod page;
pub mod participants;
pub mod privacy;
pub mod prizes;
pub mod ratelimit;
pub mod result_claims;
pub mod rewards;
pub mod scheduler;
pub mod translog;
pub mod usage;
pub mod webhooks;

pub use db::{Backend, Db};
pub use error::{StoreError, StoreResult};
