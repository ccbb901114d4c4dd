//! Gridline's pure domain, shared by the server (native) and the app (wasm32).
//!
//! Nothing here does I/O. The `api` module holds the request/response types that
//! cross the wire, including the one JSON error shape every endpoint answers with;
//! the `role` module names who may do what. Later modules (tickets, deadlines)
//! belong here too, so the app can compute what it shows offline.

pub mod api;
pub mod role;

pub use api::error::{ErrorBody, ErrorCode, ErrorResponse, FieldError, FieldIssue};
pub use role::Role;
