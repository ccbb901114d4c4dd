//! Evaluation (评) and reports (报): units are judged on response, on-time,
//! resolution and satisfaction rates (formulas in `docs/evaluation.md`).
//!
//! - `store.rs`, `sql.rs`: the counts, made in the database, and the tickets behind
//!   each number (the same conditions, so a list holds what its number counts).
//! - `routes.rs`: the router under `/api/v1/stats`, and its handlers: `routes/figures.rs`
//!   (rates by any grouping and period, the monthly ranking and its trend, the
//!   drill-down), `routes/hotspots.rs` (where complaints came from, on the grids'
//!   shapes), `routes/reports.rs` (the daily, weekly and monthly reports).
//! - `csv.rs`: the reports for spreadsheets.
//! - `repeats.rs`: the places and phones complained from more than once, for the reports.
//!
//! Read only: nothing here writes.

pub mod csv;
pub mod repeats;
pub mod routes;
pub mod store;
