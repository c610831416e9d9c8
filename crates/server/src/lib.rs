//! The Fairdraw server: configuration, the engine (every use case, once), and the HTTP surfaces
//! that adapt it to the three APIs.
#![forbid(unsafe_code)]

pub mod app;
pub mod config;
pub mod connectors;
pub mod egress;
pub mod engine;
pub mod http;
pub mod openapi;
pub mod outbound;
pub mod surfaces;
pub mod telemetry;
pub mod tls;
pub mod worker;

pub use app::{AppState, Server};
pub use config::Config;
