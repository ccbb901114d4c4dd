//! Gridline's server as a library, so tests can start the real thing on port 0.
//!
//! `cli` reads the configuration and runs a subcommand; `serve` builds the router
//! (`routes` for the JSON API, `web` for the app shell) over an [`AppState`] holding the
//! store; `store` hides SQLite and PostgreSQL behind one trait.

// The server needs unwinding: a panic in a handler becomes a 500 (CatchPanicLayer),
// not the end of the process. `[profile.release]` aborts on panic (it is tuned for the
// wasm apps' size); the server is built with `--profile server`.
#[cfg(panic = "abort")]
compile_error!("build the server with `--profile server` (it needs panic = \"unwind\")");

pub mod auth;
pub mod catalogue;
pub mod cli;
pub mod config;
pub mod dispatch;
pub mod egress;
pub mod error;
pub mod field;
pub mod http;
pub mod limits;
pub mod live;
pub mod media;
pub mod open311;
pub mod outbox;
pub mod push;
pub mod repeats;
pub mod station;
pub mod stats;
pub mod store;
pub mod telemetry;
pub mod tickets;

use std::sync::Arc;

pub use config::Config;
pub use http::{AppState, build_router, serve};
pub use store::Store;

/// The store as the handlers share it.
pub type SharedStore = Arc<dyn Store>;
