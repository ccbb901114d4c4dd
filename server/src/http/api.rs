//! The JSON API. Each feature owns a `router()`; they are merged under `/api/v1`.
//! Every response under `/api` that is an error uses the one shape, including unknown
//! paths (404), wrong methods (405), unreadable bodies (400) and bodies over the
//! limit (413).

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::response::IntoResponse;
use axum::routing::get;
use gridline_core::ErrorCode;
use gridline_core::api::API_PREFIX;
use utoipa::OpenApi;

use crate::error::AppError;
use crate::http::health;
use crate::http::state::AppState;
use crate::outbox::routes::progress as forwarding;
use crate::{
    auth::routes as auth, catalogue::routes as reference, field::routes as field,
    live::routes as live, media::routes as media, open311::routes as open311,
    outbox::routes as outbox, push::routes as push, station::routes as station,
    stats::routes as stats, tickets::routes as tickets,
};

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
        reference::region_map,
        reference::units,
        reference::locate,
        reference::route,
        reference::calendar,
        tickets::filing::create,
        tickets::follow::show,
        tickets::work::act,
        tickets::follow::rate,
        tickets::work::queue,
        tickets::work::add_co_unit,
        tickets::work::change_tier,
        tickets::follow::ticket_media,
        tickets::filing::tracking_qr,
        tickets::work::similar,
        tickets::work::merge,
        tickets::filing::nearby,
        live::ticket_events,
        live::queue_events,
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
        crate::stats::routes::figures::rates,
        crate::stats::routes::figures::ranking,
        crate::stats::routes::figures::trend,
        crate::stats::routes::figures::rated_tickets,
        crate::stats::routes::hotspots::hotspots,
        crate::stats::routes::reports::report,
        crate::stats::routes::reports::report_csv,
        crate::consult::routes::board,
        crate::consult::routes::of_ticket,
        crate::consult::routes::open,
        crate::consult::routes::view,
        crate::consult::routes::decide,
        crate::topics::routes::suggested,
        crate::topics::routes::list,
        crate::topics::routes::create,
        crate::topics::routes::show,
        crate::topics::routes::add_measure,
        crate::topics::routes::close,
        crate::advance::routes::list,
        crate::advance::routes::add_measure,
        crate::knowledge::routes::list,
        crate::knowledge::routes::create,
        crate::knowledge::routes::update,
        crate::knowledge::routes::remove,
        crate::knowledge::routes::suggest,
        crate::knowledge::routes::enquiry,
        crate::hotline::routes::ring,
        crate::hotline::routes::calls,
        crate::hotline::routes::caller_tickets,
        live::call_events,
        crate::police::routes::hand_over,
    ),
    components(schemas(gridline_core::ErrorResponse)),
    modifiers(&CommonErrors)
)]
pub struct ApiDoc;

/// The errors any operation may answer, in the one shape, whatever its own annotation
/// lists: 400 for a query, path or body the server cannot read, 500 for a fault of its
/// own; and for an operation with a body, 413 over the size limit, 415 for a body that
/// is not what it takes and 422 for one of another shape. (The authorization matrix test checks that every status
/// it sees an endpoint answer is documented.)
struct CommonErrors;

impl utoipa::Modify for CommonErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{RefOr, Response, ResponseBuilder, content::ContentBuilder};
        let error = |description: &str| -> RefOr<Response> {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(utoipa::openapi::Ref::from_schema_name(
                                "ErrorResponse",
                            )))
                            .build(),
                    )
                    .build(),
            )
        };
        for item in openapi.paths.paths.values_mut() {
            for operation in [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                let with_body = operation.request_body.is_some();
                let responses = &mut operation.responses.responses;
                let mut add = |status: &str, description: &str| {
                    responses
                        .entry(status.to_owned())
                        .or_insert_with(|| error(description));
                };
                add(
                    "400",
                    "bad_request: a query, path or body the server cannot read",
                );
                add(
                    "500",
                    "internal: the server failed (the request id is logged)",
                );
                if with_body {
                    add("413", "payload_too_large: the body is over the limit");
                    add("415", "unsupported_media_type: not the body this takes");
                    add(
                        "422",
                        "validation_failed: a body of another shape, or invalid values",
                    );
                }
            }
        }
    }
}

pub fn router(state: &AppState) -> Router<AppState> {
    let v1 = Router::new()
        .merge(auth::router())
        .merge(reference::router())
        .merge(tickets::router())
        .merge(live::router())
        .merge(field::router())
        .merge(station::router())
        .merge(outbox::router())
        .merge(forwarding::router())
        .merge(push::router())
        .merge(stats::router())
        .merge(crate::consult::routes::router())
        .merge(crate::topics::routes::router())
        .merge(crate::advance::routes::router())
        .merge(crate::knowledge::routes::router())
        .merge(crate::hotline::routes::router())
        .merge(crate::police::routes::router())
        // Its own body limit (media caps), inside the JSON one.
        .merge(media::router(state));
    let api = Router::new()
        .nest(API_PREFIX.trim_start_matches("/api"), v1)
        .route("/openapi.json", get(openapi))
        .fallback(api_not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(state.config.json_limit))
        .layer(axum::middleware::map_response(one_error_shape));
    Router::new()
        .merge(health::router())
        .nest("/api", api)
        .merge(open311::router(state))
}

/// An error that did not come from our handlers (an extractor's rejection: a path
/// parameter that is not a number, a body that is not UTF-8) is plain text; it is
/// answered in the one shape like every other, with its status and its text.
async fn one_error_shape(response: axum::response::Response) -> axum::response::Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let code = match status.as_u16() {
        400 => ErrorCode::BadRequest,
        401 => ErrorCode::Unauthenticated,
        403 => ErrorCode::Forbidden,
        404 => ErrorCode::NotFound,
        405 => ErrorCode::MethodNotAllowed,
        409 => ErrorCode::Conflict,
        413 => ErrorCode::PayloadTooLarge,
        415 => ErrorCode::UnsupportedMediaType,
        422 => ErrorCode::ValidationFailed,
        429 => ErrorCode::RateLimited,
        503 => ErrorCode::Unavailable,
        _ => ErrorCode::Internal,
    };
    let text = axum::body::to_bytes(response.into_body(), 4096)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
        .unwrap_or_default();
    let message = if text.is_empty() {
        status.canonical_reason().unwrap_or("error").to_owned()
    } else {
        text
    };
    let mut answer = if code == ErrorCode::Internal {
        AppError::Internal(message).into_response()
    } else {
        AppError::client(code, message).into_response()
    };
    // Keep the status the rejection chose (the codes above map to it; others keep theirs).
    *answer.status_mut() = status;
    answer
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
