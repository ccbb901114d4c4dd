//! Grid workers' endpoints: sync patrols and findings, read back what the server holds,
//! and the open tickets of their grids (cached on the device for verification visits).

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::routing::{get, post};
use gridline_core::Role;
use gridline_core::api::field::{
    RecordsResponse, StoredRecord, SyncRecord, SyncRequest, SyncResponse,
};
use gridline_core::api::reference::RegionsResponse;
use gridline_core::api::ticket::QueueResponse;
use time::OffsetDateTime;

use crate::auth::CurrentStaff;
use crate::error::{ApiJson, AppError, AppResult};
use crate::http::state::AppState;
use crate::{field, tickets};

/// A sync batch may be larger than other JSON bodies (up to 100 records, patrol
/// tracks); the app sends smaller ones.
pub const SYNC_BODY_LIMIT: usize = 2 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/field/sync",
            post(sync).layer(DefaultBodyLimit::max(SYNC_BODY_LIMIT)),
        )
        .route("/field/records", get(records))
        .route("/field/grids", get(grids))
        .route("/field/tickets", get(open_tickets))
}

fn require_worker(staff: &CurrentStaff) -> AppResult<()> {
    staff.require_any(&[Role::GridWorker])
}

#[utoipa::path(post, path = "/api/v1/field/sync", tag = "field", request_body = SyncRequest,
    responses(
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
        (status = 200, body = SyncResponse, description = "one result per record: stored, already_stored or rejected (with why)"),
        (status = 403, body = gridline_core::ErrorResponse, description = "not a grid worker"),
        (status = 422, body = gridline_core::ErrorResponse, description = "bad device id or too many records"),
    ))]
pub async fn sync(
    State(state): State<AppState>,
    staff: CurrentStaff,
    ApiJson(request): ApiJson<SyncRequest>,
) -> AppResult<ApiJson<SyncResponse>> {
    require_worker(&staff)?;
    let snapshot = state.reference.get(state.store.as_ref()).await?;
    let response = field::sync(
        state.store.as_ref(),
        &snapshot,
        &staff.0,
        request,
        OffsetDateTime::now_utc(),
    )
    .await?;
    Ok(ApiJson(response))
}

#[utoipa::path(get, path = "/api/v1/field/records", tag = "field",
    responses(
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
        (status = 200, body = RecordsResponse), (status = 403, body = gridline_core::ErrorResponse)))]
pub async fn records(
    State(state): State<AppState>,
    staff: CurrentStaff,
) -> AppResult<ApiJson<RecordsResponse>> {
    require_worker(&staff)?;
    let rows = state.store.field_records(staff.0.id).await?;
    let mut records = Vec::with_capacity(rows.len());
    for row in rows {
        let record: SyncRecord = match row.kind.as_str() {
            "patrol" => serde_json::from_str(&row.body).map(SyncRecord::Patrol),
            _ => serde_json::from_str(&row.body).map(SyncRecord::Finding),
        }
        .map_err(|e| AppError::Internal(format!("stored field record {}: {e}", row.record_id)))?;
        records.push(StoredRecord {
            device_id: row.device_id,
            record,
            media: row.media,
            ticket_code: row.ticket_code,
        });
    }
    Ok(ApiJson(RecordsResponse { records }))
}

#[utoipa::path(get, path = "/api/v1/field/grids", tag = "field",
    responses(
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
        (status = 200, body = RegionsResponse), (status = 403, body = gridline_core::ErrorResponse)))]
/// The grids the signed-in worker patrols (the app keeps them for offline use).
pub async fn grids(
    State(state): State<AppState>,
    staff: CurrentStaff,
) -> AppResult<ApiJson<RegionsResponse>> {
    require_worker(&staff)?;
    let snapshot = state.reference.get(state.store.as_ref()).await?;
    let codes = field::worker_grids(state.store.as_ref(), &snapshot, &staff.0).await?;
    let regions = codes
        .iter()
        .filter_map(|code| snapshot.regions.get(code).cloned())
        .collect();
    Ok(ApiJson(RegionsResponse { regions }))
}

#[utoipa::path(get, path = "/api/v1/field/tickets", tag = "field",
    responses(
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
        (status = 200, body = QueueResponse), (status = 403, body = gridline_core::ErrorResponse)))]
pub async fn open_tickets(
    State(state): State<AppState>,
    staff: CurrentStaff,
) -> AppResult<ApiJson<QueueResponse>> {
    require_worker(&staff)?;
    let snapshot = state.reference.get(state.store.as_ref()).await?;
    let now = OffsetDateTime::now_utc();
    let mut views = Vec::new();
    let (tickets, more) = field::worker_tickets(state.store.as_ref(), &snapshot, &staff.0).await?;
    for ticket in tickets {
        let co_units = state.store.co_units(ticket.id).await?;
        let timeline = state.store.ticket_timeline(ticket.id).await?;
        // Workers see what the public sees: masked contact, public entries.
        views.push(tickets::view::view(
            &ticket,
            co_units,
            timeline,
            false,
            Vec::new(),
            now,
        ));
    }
    Ok(ApiJson(QueueResponse {
        tickets: views,
        more,
    }))
}
