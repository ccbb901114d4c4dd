//! The statistics API under `/api/v1/stats`: the figures (`figures.rs`), hotspots
//! (`hotspots.rs`) and the reports (`reports.rs`, also as CSV), each for
//! [`STATS_ROLES`](crate::stats::routes::figures::STATS_ROLES).

pub mod figures;
pub mod hotspots;
pub mod reports;

use axum::Router;
use axum::routing::get;

use crate::http::state::AppState;
use crate::stats::routes::figures::{ranking, rated_tickets, rates, trend};
use crate::stats::routes::hotspots::hotspots;
use crate::stats::routes::reports::{report, report_csv};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/stats/rates", get(rates))
        .route("/stats/ranking", get(ranking))
        .route("/stats/trend", get(trend))
        .route("/stats/tickets", get(rated_tickets))
        .route("/stats/hotspots", get(hotspots))
        .route("/stats/report", get(report))
        .route("/stats/report.csv", get(report_csv))
}
