//! What residents and staff read of one ticket: the ticket with its timeline, its media,
//! and the resident's rating.

use axum::extract::{Path, State};
use gridline_core::ErrorCode;
use gridline_core::api::ticket::{RatingRequest, TicketProof, TicketView};
use time::OffsetDateTime;

use crate::auth::CurrentStaff;
use crate::error::{ApiJson, ApiQuery, AppError, AppResult};
use crate::http::address::ClientAddress;
use crate::http::state::AppState;
use crate::tickets;
use crate::tickets::routes::lookup::{Viewer, find, load_view, proven};

#[utoipa::path(get, path = "/api/v1/tickets/{code}", tag = "tickets",
    params(("code" = String, Path, description = "tracking code"), TicketProof,
           ("x-device-secret" = Option<String>, Header, description = "the filing device's secret")),
    responses((status = 200, body = TicketView),
              (status = 404, body = gridline_core::ErrorResponse, description = "no such ticket, or the proof fails (alike)"),
              (status = 429, body = gridline_core::ErrorResponse, description = "rate_limited: this address made too many wrong proofs")))]
pub async fn show(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: axum::http::HeaderMap,
    Path(code): Path<String>,
    ApiQuery(proof): ApiQuery<TicketProof>,
) -> AppResult<ApiJson<TicketView>> {
    // Staff who handle the ticket see it whole; everyone else proves and sees it masked.
    let ticket = find(&state, &code).await.ok();
    let now = OffsetDateTime::now_utc();
    if let Some(ticket) = &ticket
        && let Some(CurrentStaff(staff)) =
            CurrentStaff::from_headers(&state.sessions, &headers).await?
    {
        let rights = tickets::access::rights(state.store.as_ref(), &staff, ticket).await?;
        if rights.handles {
            return Ok(ApiJson(
                load_view(&state, ticket, Viewer::Staff(rights), now).await?,
            ));
        }
    }
    let ticket = proven(&state, &address, ticket, &proof, &headers).await?;
    Ok(ApiJson(
        load_view(&state, &ticket, Viewer::Public, now).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/tickets/{code}/rating", tag = "tickets", request_body = RatingRequest,
    params(("code" = String, Path, description = "tracking code"), TicketProof,
           ("x-device-secret" = Option<String>, Header, description = "the filing device's secret")),
    responses((status = 200, body = TicketView),
              (status = 404, body = gridline_core::ErrorResponse, description = "no such ticket, or the proof fails (alike)"),
              (status = 409, body = gridline_core::ErrorResponse, description = "not answered yet, or rated already"),
              (status = 429, body = gridline_core::ErrorResponse, description = "rate_limited: this address made too many wrong proofs")))]
pub async fn rate(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: axum::http::HeaderMap,
    Path(code): Path<String>,
    ApiQuery(proof): ApiQuery<TicketProof>,
    ApiJson(request): ApiJson<RatingRequest>,
) -> AppResult<ApiJson<TicketView>> {
    let ticket = proven(
        &state,
        &address,
        find(&state, &code).await.ok(),
        &proof,
        &headers,
    )
    .await?;
    let snapshot = state.reference.get(state.store.as_ref()).await?;
    let now = OffsetDateTime::now_utc();
    let ticket =
        tickets::actions::rate(state.store.as_ref(), &snapshot, ticket, request, now).await?;
    Ok(ApiJson(
        load_view(&state, &ticket, Viewer::Public, now).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/tickets/{code}/media/{id}", tag = "media",
    params(("code" = String, Path, description = "tracking code"),
           ("id" = String, Path, description = "the medium's id (SHA-256)"), TicketProof,
           ("x-device-secret" = Option<String>, Header, description = "the filing device's secret")),
    responses((status = 200, description = "the photo or voice note's bytes"),
              (status = 404, body = gridline_core::ErrorResponse),
              (status = 429, body = gridline_core::ErrorResponse, description = "rate_limited: this address made too many wrong proofs")))]
/// A photo or voice note on a ticket's timeline: for staff who handle the ticket, and
/// for anyone who proves the ticket when a public entry shows it.
pub async fn ticket_media(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: axum::http::HeaderMap,
    Path((code, id)): Path<(String, String)>,
    ApiQuery(proof): ApiQuery<TicketProof>,
) -> AppResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let ticket = find(&state, &code).await.ok();
    let staff_handles = match (
        &ticket,
        CurrentStaff::from_headers(&state.sessions, &headers).await?,
    ) {
        (Some(ticket), Some(CurrentStaff(staff))) => {
            tickets::access::handles(state.store.as_ref(), &staff, ticket).await?
        }
        _ => false,
    };
    let ticket = match (staff_handles, ticket) {
        (true, Some(ticket)) => ticket,
        (_, ticket) => proven(&state, &address, ticket, &proof, &headers).await?,
    };
    let no_such_medium = || AppError::client(ErrorCode::NotFound, "no such medium on this ticket");
    if !gridline_core::api::media::valid_media_id(&id) {
        return Err(no_such_medium());
    }
    let (media, public) = state
        .store
        .ticket_media(ticket.id, &id)
        .await?
        .ok_or_else(no_such_medium)?;
    if !staff_handles && !public {
        return Err(no_such_medium());
    }
    let bytes = state
        .media
        .get(&media.id)
        .await
        .map_err(|e| AppError::Internal(format!("reading medium {}: {e}", media.id)))?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, media.content_type),
            // Personal: kept by this browser only; the bytes never change.
            (
                axum::http::header::CACHE_CONTROL,
                "private, max-age=86400, immutable".to_owned(),
            ),
        ],
        bytes,
    )
        .into_response())
}
