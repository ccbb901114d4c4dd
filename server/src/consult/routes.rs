//! The consultation endpoints: a ticket's consultations, opening one, a unit's view,
//! the decision, and the board of open ones.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use gridline_core::api::consult::{
    Consultation, ConsultationDecisionRequest, ConsultationViewRequest, ConsultationsResponse,
    OpenConsultationRequest,
};
use gridline_core::{ErrorCode, Role};
use time::OffsetDateTime;

use crate::auth::CurrentStaff;
use crate::consult;
use crate::error::{ApiJson, AppError, AppResult};
use crate::http::state::AppState;
use crate::tickets::routes::lookup::find;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/consultations", get(board))
        .route("/tickets/{code}/consultation", get(of_ticket).post(open))
        .route("/tickets/{code}/consultation/views", post(view))
        .route("/tickets/{code}/consultation/decision", post(decide))
}

#[utoipa::path(get, path = "/api/v1/consultations", tag = "supervision",
    responses(
        (status = 200, body = ConsultationsResponse, description = "open consultations, oldest first: all of them for dispatchers, supervisors and admins; a unit handler's units' invitations"),
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
        (status = 403, body = gridline_core::ErrorResponse, description = "a role that takes no part in consultations"),
    ))]
pub async fn board(
    State(state): State<AppState>,
    CurrentStaff(staff): CurrentStaff,
) -> AppResult<ApiJson<ConsultationsResponse>> {
    let all = [Role::Dispatcher, Role::Supervisor, Role::Admin];
    let consultations = if staff.roles.iter().any(|r| all.contains(r)) {
        state.store.open_consultations(None).await?
    } else if staff.roles.contains(&Role::UnitHandler) {
        let units = state.store.staff_units(staff.id).await?;
        state.store.open_consultations(Some(&units)).await?
    } else {
        return Err(AppError::client(
            ErrorCode::Forbidden,
            "your role takes no part in consultations",
        ));
    };
    Ok(ApiJson(ConsultationsResponse { consultations }))
}

#[utoipa::path(get, path = "/api/v1/tickets/{code}/consultation", tag = "supervision",
    params(("code" = String, Path, description = "tracking code")),
    responses(
        (status = 200, body = ConsultationsResponse, description = "the ticket's consultations, newest first"),
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
        (status = 403, body = gridline_core::ErrorResponse, description = "neither handling the ticket nor invited"),
        (status = 404, body = gridline_core::ErrorResponse, description = "no such ticket"),
    ))]
pub async fn of_ticket(
    State(state): State<AppState>,
    CurrentStaff(staff): CurrentStaff,
    Path(code): Path<String>,
) -> AppResult<ApiJson<ConsultationsResponse>> {
    let ticket = find(&state, &code).await?;
    let consultations = state.store.consultations_of(ticket.id).await?;
    let invited = if staff.roles.contains(&Role::UnitHandler) {
        let units = state.store.staff_units(staff.id).await?;
        consultations
            .iter()
            .flat_map(|c| &c.units)
            .any(|u| units.contains(&u.unit_code))
    } else {
        false
    };
    if !invited && !crate::tickets::access::handles(state.store.as_ref(), &staff, &ticket).await? {
        return Err(AppError::client(
            ErrorCode::Forbidden,
            "you neither handle this ticket nor are invited",
        ));
    }
    Ok(ApiJson(ConsultationsResponse { consultations }))
}

#[utoipa::path(post, path = "/api/v1/tickets/{code}/consultation", tag = "supervision",
    request_body = OpenConsultationRequest,
    params(("code" = String, Path, description = "tracking code")),
    responses(
        (status = 201, body = Consultation, description = "opened: the lead unit and the units named are invited"),
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
        (status = 403, body = gridline_core::ErrorResponse, description = "not a dispatcher or supervisor"),
        (status = 404, body = gridline_core::ErrorResponse, description = "no such ticket"),
        (status = 409, body = gridline_core::ErrorResponse, description = "one is open already, or no unit handles the ticket"),
    ))]
pub async fn open(
    State(state): State<AppState>,
    CurrentStaff(staff): CurrentStaff,
    Path(code): Path<String>,
    ApiJson(request): ApiJson<OpenConsultationRequest>,
) -> AppResult<(StatusCode, ApiJson<Consultation>)> {
    let ticket = find(&state, &code).await?;
    let snapshot = state.reference.get(state.store.as_ref()).await?;
    let opened = consult::open(state.store.as_ref(), &snapshot, &ticket, &staff, request).await?;
    Ok((StatusCode::CREATED, ApiJson(opened)))
}

#[utoipa::path(post, path = "/api/v1/tickets/{code}/consultation/views", tag = "supervision",
    request_body = ConsultationViewRequest,
    params(("code" = String, Path, description = "tracking code")),
    responses(
        (status = 200, body = Consultation, description = "the view is recorded (a later one replaces it)"),
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
        (status = 403, body = gridline_core::ErrorResponse, description = "none of the caller's units is invited"),
        (status = 404, body = gridline_core::ErrorResponse, description = "no such ticket"),
        (status = 409, body = gridline_core::ErrorResponse, description = "no consultation is open"),
    ))]
pub async fn view(
    State(state): State<AppState>,
    CurrentStaff(staff): CurrentStaff,
    Path(code): Path<String>,
    ApiJson(request): ApiJson<ConsultationViewRequest>,
) -> AppResult<ApiJson<Consultation>> {
    let ticket = find(&state, &code).await?;
    let stated = consult::state_view(state.store.as_ref(), &ticket, &staff, request).await?;
    Ok(ApiJson(stated))
}

#[utoipa::path(post, path = "/api/v1/tickets/{code}/consultation/decision", tag = "supervision",
    request_body = ConsultationDecisionRequest,
    params(("code" = String, Path, description = "tracking code")),
    responses(
        (status = 200, body = Consultation, description = "decided; the ticket's return request approved or rejected, or the ticket redispatched, as the decision says"),
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
        (status = 403, body = gridline_core::ErrorResponse, description = "not a dispatcher"),
        (status = 404, body = gridline_core::ErrorResponse, description = "no such ticket"),
        (status = 409, body = gridline_core::ErrorResponse, description = "no consultation is open, or the ticket changed meanwhile"),
    ))]
pub async fn decide(
    State(state): State<AppState>,
    CurrentStaff(staff): CurrentStaff,
    Path(code): Path<String>,
    ApiJson(request): ApiJson<ConsultationDecisionRequest>,
) -> AppResult<ApiJson<Consultation>> {
    let ticket = find(&state, &code).await?;
    let snapshot = state.reference.get(state.store.as_ref()).await?;
    let decided = consult::decide(
        state.store.as_ref(),
        &snapshot,
        ticket,
        &staff,
        request,
        OffsetDateTime::now_utc(),
    )
    .await?;
    Ok(ApiJson(decided))
}
