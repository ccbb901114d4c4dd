//! Gridline's server as a library, so tests can start the real thing on port 0.
//!
//! One folder per feature (`tickets`, `outbox`, `stats`, …), each with its routes, its
//! service and its part of the store; `http` assembles the [`AppState`] and the router
//! from them and serves; `cli` reads the configuration and runs a subcommand; `store`
//! puts the features' stores together over SQLite or PostgreSQL. The map and the layers
//! are in `docs/design.md` ("Where things live in the server").

// The server needs unwinding: a panic in a handler becomes a 500 (CatchPanicLayer),
// not the end of the process. `[profile.release]` aborts on panic (it is tuned for the
// wasm apps' size); the server is built with `--profile server`.
#[cfg(panic = "abort")]
compile_error!("build the server with `--profile server` (it needs panic = \"unwind\")");

pub mod advance;
pub mod auth;
pub mod catalogue;
pub mod cli;
pub mod config;
pub mod consult;
pub mod dispatch;
pub mod egress;
pub mod error;
pub mod field;
pub mod hotline;
pub mod http;
pub mod knowledge;
pub mod limits;
pub mod live;
pub mod media;
pub mod open311;
pub mod outbox;
pub mod police;
pub mod push;
pub mod repeats;
pub mod station;
pub mod stats;
pub mod store;
pub mod telemetry;
pub mod tickets;
pub mod topics;

use std::sync::Arc;

pub use config::Config;
pub use http::{AppState, build_router, serve};
pub use store::Store;

/// The store as the handlers share it.
pub type SharedStore = Arc<dyn Store>;
