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

pub mod address;
pub mod auth;
pub mod cli;
pub mod config;
pub mod deadlines;
pub mod demo;
pub mod egress;
pub mod error;
pub mod field;
pub mod forward;
pub mod import;
pub mod limits;
pub mod live;
pub mod media;
pub mod media_store;
pub mod notify;
pub mod open311;
pub mod open311_forward;
pub mod push;
pub mod reference;
pub mod repeats;
pub mod report_csv;
pub mod routes;
pub mod serve;
pub mod station;
pub mod store;
pub mod telemetry;
pub mod throttle;
pub mod tickets;
pub mod users;
pub mod web;

use std::sync::Arc;

pub use config::Config;
pub use serve::{AppState, build_router, serve};
pub use store::Store;

/// The store as the handlers share it.
pub type SharedStore = Arc<dyn Store>;
