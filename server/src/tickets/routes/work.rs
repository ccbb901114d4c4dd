//! Staff working the queues: acting on a ticket, the queue views, co-handling units,
//! the deadline tier, similar reports and merging them.

use axum::extract::{Path, State};
use gridline_core::api::ticket::{
    ActionRequest, CoUnitRequest, QueueQuery, QueueResponse, QueueView, TicketView,
    TierChangeRequest,
};
use gridline_core::{ErrorCode, Role};
use time::OffsetDateTime;

use crate::auth::CurrentStaff;
use crate::error::{ApiJson, ApiQuery, AppError, AppResult};
use crate::http::state::AppState;
use crate::tickets;
use crate::tickets::routes::lookup::{find, staff_view};
use crate::tickets::store::TicketFilter;

#[utoipa::path(post, path = "/api/v1/tickets/{code}/actions", tag = "tickets", request_body = ActionRequest,
    params(("code" = String, Path, description = "tracking code")),
    responses(
        (status = 404, body = gridline_core::ErrorResponse, description = "no such ticket"),
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
        (status = 200, body = TicketView),
        (status = 403, body = gridline_core::ErrorResponse, description = "not yours to do"),
        (status = 409, body = gridline_core::ErrorResponse, description = "not possible in this state"),
    ))]
pub async fn act(
    State(state): State<AppState>,
    CurrentStaff(staff): CurrentStaff,
    Path(code): Path<String>,
    ApiJson(request): ApiJson<ActionRequest>,
) -> AppResult<ApiJson<TicketView>> {
    let ticket = find(&state, &code).await?;
    let snapshot = state.reference.get(state.store.as_ref()).await?;
    let now = OffsetDateTime::now_utc();
    let ticket = tickets::actions::act(
        state.store.as_ref(),
        &snapshot,
        ticket,
        &staff,
        request,
        now,
    )
    .await?;
    Ok(ApiJson(staff_view(&state, &ticket, &staff, now).await?))
}

#[utoipa::path(get, path = "/api/v1/queue", tag = "tickets", params(QueueQuery),
    responses((status = 200, body = QueueResponse), (status = 401, body = gridline_core::ErrorResponse),
              (status = 403, body = gridline_core::ErrorResponse, description = "a role without queues (grid workers, stations)")))]
pub async fn queue(
    State(state): State<AppState>,
    CurrentStaff(staff): CurrentStaff,
    ApiQuery(query): ApiQuery<QueueQuery>,
) -> AppResult<ApiJson<QueueResponse>> {
    let (limit, offset) = query.page().map_err(AppError::Validation)?;
    // One more than asked: whether another page follows.
    let page = crate::tickets::store::Page {
        limit: limit as usize + 1,
        offset: offset as usize,
    };
    let wants = |view: QueueView| query.view.is_none_or(|v| v == view);
    let mut filters = Vec::new();
    if wants(QueueView::Unit) && staff.roles.contains(&Role::UnitHandler) {
        filters.push(TicketFilter::OpenForUnits(
            state.store.staff_units(staff.id).await?,
        ));
    }
    if wants(QueueView::Dispatch)
        && (staff.roles.contains(&Role::Dispatcher) || staff.roles.contains(&Role::Admin))
    {
        filters.push(TicketFilter::ForDispatchers);
    }
    if wants(QueueView::Overdue) && staff.roles.contains(&Role::Supervisor) {
        filters.push(TicketFilter::Overdue);
    }
    if wants(QueueView::Review) && staff.roles.contains(&Role::Supervisor) {
        filters.push(TicketFilter::ReviewPending);
    }
    if wants(QueueView::Stalled) && staff.roles.contains(&Role::Supervisor) {
        filters.push(TicketFilter::Stalled);
    }
    if filters.is_empty() {
        return Err(AppError::client(
            ErrorCode::Forbidden,
            "your role has no such ticket queue",
        ));
    }
    let now = OffsetDateTime::now_utc();
    let mut views = Vec::new();
    let mut more = false;
    for filter in filters {
        let mut tickets = state.store.list_tickets(&filter, query.kind, page).await?;
        if tickets.len() > limit as usize {
            tickets.truncate(limit as usize);
            more = true;
        }
        for ticket in tickets {
            if views
                .iter()
                .any(|v: &TicketView| v.tracking_code == ticket.tracking_code)
            {
                continue;
            }
            views.push(staff_view(&state, &ticket, &staff, now).await?);
        }
    }
    Ok(ApiJson(QueueResponse {
        tickets: views,
        more,
    }))
}

#[utoipa::path(post, path = "/api/v1/tickets/{code}/co-units", tag = "tickets", request_body = CoUnitRequest,
    params(("code" = String, Path, description = "tracking code")),
    responses(
        (status = 404, body = gridline_core::ErrorResponse, description = "no such ticket"),
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
        (status = 200, body = TicketView), (status = 403, body = gridline_core::ErrorResponse),
               (status = 409, body = gridline_core::ErrorResponse)))]
pub async fn add_co_unit(
    State(state): State<AppState>,
    CurrentStaff(staff): CurrentStaff,
    Path(code): Path<String>,
    ApiJson(request): ApiJson<CoUnitRequest>,
) -> AppResult<ApiJson<TicketView>> {
    let ticket = find(&state, &code).await?;
    let snapshot = state.reference.get(state.store.as_ref()).await?;
    let now = OffsetDateTime::now_utc();
    tickets::dispatching::add_co_unit(
        state.store.as_ref(),
        &snapshot,
        &ticket,
        &staff,
        request,
        now,
    )
    .await?;
    Ok(ApiJson(staff_view(&state, &ticket, &staff, now).await?))
}

#[utoipa::path(post, path = "/api/v1/tickets/{code}/tier", tag = "tickets", request_body = TierChangeRequest,
    params(("code" = String, Path, description = "tracking code")),
    responses(
        (status = 404, body = gridline_core::ErrorResponse, description = "no such ticket"),
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
        (status = 200, body = TicketView), (status = 403, body = gridline_core::ErrorResponse),
               (status = 409, body = gridline_core::ErrorResponse), (status = 422, body = gridline_core::ErrorResponse)))]
pub async fn change_tier(
    State(state): State<AppState>,
    CurrentStaff(staff): CurrentStaff,
    Path(code): Path<String>,
    ApiJson(request): ApiJson<TierChangeRequest>,
) -> AppResult<ApiJson<TicketView>> {
    let ticket = find(&state, &code).await?;
    let snapshot = state.reference.get(state.store.as_ref()).await?;
    let now = OffsetDateTime::now_utc();
    let ticket = tickets::dispatching::change_tier(
        state.store.as_ref(),
        &snapshot,
        ticket,
        &staff,
        request,
        now,
    )
    .await?;
    Ok(ApiJson(staff_view(&state, &ticket, &staff, now).await?))
}

#[utoipa::path(get, path = "/api/v1/tickets/{code}/similar", tag = "tickets",
    params(("code" = String, Path, description = "tracking code")),
    responses(
        (status = 200, body = gridline_core::api::ticket::SimilarResponse, description = "reports of the same matter type filed within the configured distance and period"),
        (status = 401, body = gridline_core::ErrorResponse, description = "not signed in"),
        (status = 403, body = gridline_core::ErrorResponse, description = "not a ticket this staff member handles"),
        (status = 404, body = gridline_core::ErrorResponse),
    ))]
/// Similar reports (重复诉求): the same matter type filed within
/// `GRIDLINE_REPEAT_RADIUS_METERS` and `GRIDLINE_REPEAT_DAYS` of this ticket, for the
/// staff who handle it (dispatchers see them while dispatching).
pub async fn similar(
    State(state): State<AppState>,
    CurrentStaff(staff): CurrentStaff,
    Path(code): Path<String>,
) -> AppResult<ApiJson<gridline_core::api::ticket::SimilarResponse>> {
    let ticket = find(&state, &code).await?;
    if !tickets::access::handles(state.store.as_ref(), &staff, &ticket).await? {
        return Err(AppError::client(
            ErrorCode::Forbidden,
            "you do not handle this ticket",
        ));
    }
    let repeats = state.repeats();
    let mut found = Vec::new();
    if let (Some(lon), Some(lat)) = (ticket.lon, ticket.lat) {
        let near = repeats
            .near(
                state.store.as_ref(),
                &ticket.matter_code,
                gridline_core::geo::Point::new(lon, lat),
                ticket.created_at - repeats.period,
                ticket.created_at + repeats.period,
            )
            .await?;
        for (row, distance) in near {
            if row.tracking_code == ticket.tracking_code {
                continue;
            }
            let Some(status) = gridline_core::ticket::Status::parse(&row.status) else {
                continue;
            };
            found.push(gridline_core::api::ticket::SimilarTicket {
                tracking_code: row.tracking_code,
                status,
                created_at: row.created_at,
                distance_m: distance.round() as u32,
                address: row.address,
                merged_into: row.merged_into,
            });
        }
    }
    found.truncate(50);
    Ok(ApiJson(gridline_core::api::ticket::SimilarResponse {
        radius_m: state.config.repeat_radius_meters,
        days: state.config.repeat_days,
        tickets: found,
    }))
}

#[utoipa::path(post, path = "/api/v1/tickets/{code}/merge", tag = "tickets",
    request_body = gridline_core::api::ticket::MergeRequest,
    params(("code" = String, Path, description = "the duplicate's tracking code")),
    responses(
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
        (status = 200, body = TicketView, description = "the duplicate, closed and following its lead"),
        (status = 403, body = gridline_core::ErrorResponse, description = "not a dispatcher, supervisor or admin"),
        (status = 404, body = gridline_core::ErrorResponse, description = "no such ticket (either)"),
        (status = 409, body = gridline_core::ErrorResponse, description = "not mergeable: another matter type, answered already, merged already, or the lead is closed or merged"),
        (status = 422, body = gridline_core::ErrorResponse, description = "into itself"),
    ))]
/// Merges a duplicate report into the ticket that leads the problem (重复诉求).
pub async fn merge(
    State(state): State<AppState>,
    CurrentStaff(staff): CurrentStaff,
    Path(code): Path<String>,
    ApiJson(request): ApiJson<gridline_core::api::ticket::MergeRequest>,
) -> AppResult<ApiJson<TicketView>> {
    let dup = find(&state, &code).await?;
    let lead = find(&state, &request.into).await?;
    let snapshot = state.reference.get(state.store.as_ref()).await?;
    let now = OffsetDateTime::now_utc();
    let dup =
        tickets::merge::merge(state.store.as_ref(), &snapshot, dup, &lead, &staff, now).await?;
    Ok(ApiJson(staff_view(&state, &dup, &staff, now).await?))
}
