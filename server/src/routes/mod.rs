//! The JSON API. Each feature owns a `router()`; they are merged under `/api/v1`.
//! Every response under `/api` that is an error uses the one shape, including unknown
//! paths (404), wrong methods (405), unreadable bodies (400) and bodies over the
//! limit (413).

mod auth;
mod field;
mod forwarding;
mod health;
mod media;
mod open311;
mod outbox;
mod push;
mod reference;
mod station;
mod stats;
mod tickets;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::response::IntoResponse;
use axum::routing::get;
use gridline_core::ErrorCode;
use gridline_core::api::API_PREFIX;
use utoipa::OpenApi;

use crate::error::AppError;
use crate::serve::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Gridline API",
        description = "City complaint intake, dispatch and follow-up. Every error uses the ErrorResponse shape."
    ),
    paths(
        health::healthz,
        auth::login,
        auth::logout,
        auth::me,
        reference::catalogue,
        reference::common_matters,
        reference::regions,
        reference::units,
        reference::locate,
        reference::route,
        reference::calendar,
        tickets::create,
        tickets::show,
        tickets::act,
        tickets::rate,
        tickets::queue,
        tickets::add_co_unit,
        tickets::change_tier,
        tickets::ticket_media,
        tickets::tracking_qr,
        tickets::similar,
        tickets::merge,
        tickets::nearby,
        tickets::live,
        media::upload,
        field::sync,
        field::records,
        field::open_tickets,
        field::grids,
        station::enroll,
        station::device,
        station::file,
        station::today,
        station::issue_code,
        station::devices,
        station::revoke,
        outbox::dead,
        outbox::requeue,
        forwarding::progress,
        push::key,
        push::follow,
        push::staff,
        stats::rates,
        stats::ranking,
        stats::trend,
        stats::rated_tickets,
        stats::hotspots,
        stats::report,
        stats::report_csv,
    ),
    components(schemas(gridline_core::ErrorResponse))
)]
pub struct ApiDoc;

pub fn router(state: &AppState) -> Router<AppState> {
    let v1 = Router::new()
        .merge(auth::router())
        .merge(reference::router())
        .merge(tickets::router())
        .merge(field::router())
        .merge(station::router())
        .merge(outbox::router())
        .merge(forwarding::router())
        .merge(push::router())
        .merge(stats::router())
        // Its own body limit (media caps), inside the JSON one.
        .merge(media::router(state));
    let api = Router::new()
        .nest(API_PREFIX.trim_start_matches("/api"), v1)
        .route("/openapi.json", get(openapi))
        .fallback(api_not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(state.config.json_limit));
    Router::new()
        .merge(health::router())
        .nest("/api", api)
        .merge(open311::router(state))
}

async fn openapi() -> impl IntoResponse {
    axum::Json(ApiDoc::openapi())
}

async fn api_not_found() -> AppError {
    AppError::client(ErrorCode::NotFound, "no such API endpoint")
}

async fn method_not_allowed() -> AppError {
    AppError::client(
        ErrorCode::MethodNotAllowed,
        "method not allowed on this endpoint",
    )
}
