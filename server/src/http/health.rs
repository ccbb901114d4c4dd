//! `GET /healthz`: the server answers and so does its database.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use gridline_core::ErrorCode;
use gridline_core::api::health::HealthResponse;

use crate::error::{ApiJson, AppError, AppResult};
use crate::http::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz))
}

#[utoipa::path(get, path = "/healthz", tag = "health",
    responses(
        (status = 200, body = HealthResponse),
        (status = 503, body = gridline_core::ErrorResponse, description = "database unavailable"),
    ))]
pub async fn healthz(State(state): State<AppState>) -> AppResult<ApiJson<HealthResponse>> {
    state.store.ping().await.map_err(|err| {
        tracing::error!(error = %err, "health check: database unavailable");
        AppError::client(ErrorCode::Unavailable, "database unavailable")
    })?;
    Ok(ApiJson(HealthResponse {
        status: "ok".into(),
        database: state.store.backend().as_str().into(),
        version: env!("CARGO_PKG_VERSION").into(),
    }))
}
