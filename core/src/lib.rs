//! Gridline's pure domain, shared by the server (native) and the app (wasm32).
//!
//! Nothing here does I/O. The `api` module holds the request/response types that
//! cross the wire, including the one JSON error shape every endpoint answers with;
//! the `role` module names who may do what; `calendar` and `deadline` compute due
//! times on working days, so the app shows offline what the server enforces.

pub mod api;
pub mod calendar;
pub mod deadline;
pub mod geo;
pub mod privacy;
pub mod role;
pub mod routing;
pub mod stats;
pub mod ticket;
pub mod tracking;

pub use api::error::{ErrorBody, ErrorCode, ErrorResponse, FieldError, FieldIssue};
pub use role::Role;
