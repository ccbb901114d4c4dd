//! `/api/v1/advance`: the advance notices (未诉先办) and their preventive measures.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use gridline_core::api::advance::{AdvanceQuery, AdvanceResponse, PreventiveMeasureRequest};
use gridline_core::api::reference::RegionLevel;
use gridline_core::{ErrorCode, Role};
use time::{Date, Duration, OffsetDateTime};

use crate::advance::store::MeasureRecord;
use crate::advance::{YEAR, notices, start_of, this_monday};
use crate::auth::CurrentStaff;
use crate::error::{ApiJson, ApiQuery, AppError, AppResult};
use crate::http::state::AppState;
use crate::stats::store::ReceivedRow;
use crate::tickets::field_error;

const READERS: &[Role] = &[Role::Supervisor, Role::Dispatcher, Role::Admin];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/advance", get(list))
        .route("/advance/measures", post(add_measure))
}

#[utoipa::path(get, path = "/api/v1/advance", tag = "supervision", params(AdvanceQuery),
    responses(
        (status = 200, body = AdvanceResponse, description = "the weeks ahead in which a matter type rose in a street last year: all for supervisors, dispatchers and admins; a unit handler's units' own"),
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
        (status = 403, body = gridline_core::ErrorResponse, description = "a role with no advance notices"),
        (status = 422, body = gridline_core::ErrorResponse, description = "weeks out of 1-26"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    CurrentStaff(staff): CurrentStaff,
    ApiQuery(query): ApiQuery<AdvanceQuery>,
) -> AppResult<ApiJson<AdvanceResponse>> {
    let reader = staff.roles.iter().any(|r| READERS.contains(r));
    if !reader && !staff.roles.contains(&Role::UnitHandler) {
        return Err(AppError::client(
            ErrorCode::Forbidden,
            "your role has no advance notices",
        ));
    }
    let weeks = query.weeks.unwrap_or(8);
    if !(1..=26).contains(&weeks) {
        return Err(field_error("weeks", "1 to 26 weeks"));
    }
    let now = OffsetDateTime::now_utc();
    let monday = this_monday(now);
    let end = monday + Duration::weeks(i64::from(weeks));
    let (from, to) = (start_of(monday) - YEAR, start_of(end));
    let mut rows = state.store.received_tickets(from, to, None).await?;
    let past = state.store.past_tickets(from, to).await?;
    rows.extend(past.into_iter().map(ReceivedRow::from));
    let measures = state
        .store
        .preventive_measures(&(monday - YEAR).to_string(), &end.to_string())
        .await?;
    let snapshot = state.reference.get(state.store.as_ref()).await?;
    let mut found = notices(&snapshot, monday, weeks, &rows, &measures, now);
    if !reader {
        let units = state.store.staff_units(staff.id).await?;
        found.retain(|n| n.unit_code.as_ref().is_some_and(|u| units.contains(u)));
    }
    Ok(ApiJson(AdvanceResponse { notices: found }))
}

#[utoipa::path(post, path = "/api/v1/advance/measures", tag = "supervision",
    request_body = PreventiveMeasureRequest,
    responses(
        (status = 201, description = "logged against the week (the handler's unit named)"),
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
        (status = 403, body = gridline_core::ErrorResponse, description = "not a unit handler or supervisor"),
    ))]
pub async fn add_measure(
    State(state): State<AppState>,
    CurrentStaff(staff): CurrentStaff,
    ApiJson(request): ApiJson<PreventiveMeasureRequest>,
) -> AppResult<StatusCode> {
    let handler = staff.roles.contains(&Role::UnitHandler);
    if !handler && !staff.roles.contains(&Role::Supervisor) {
        return Err(AppError::client(
            ErrorCode::Forbidden,
            "units and supervisors log preventive measures",
        ));
    }
    request.validate().map_err(AppError::Validation)?;
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let week = Date::parse(&request.week_from, format)
        .ok()
        .filter(|d| d.weekday() == time::Weekday::Monday)
        .ok_or_else(|| field_error("week_from", "a Monday as YYYY-MM-DD"))?;
    let snapshot = state.reference.get(state.store.as_ref()).await?;
    if !snapshot.matters.contains_key(request.matter_code.trim()) {
        return Err(field_error("matter_code", "no such matter type"));
    }
    let street = request.street_code.trim();
    if snapshot.regions.get(street).map(|r| r.level) != Some(RegionLevel::Street) {
        return Err(field_error("street_code", "no street has this code"));
    }
    let unit = if handler {
        state.store.staff_units(staff.id).await?.into_iter().next()
    } else {
        None
    };
    state
        .store
        .add_preventive_measure(&MeasureRecord {
            matter_code: request.matter_code.trim().to_owned(),
            street_code: street.to_owned(),
            week_from: week.to_string(),
            unit_code: unit,
            staff_id: Some(staff.id),
            at: OffsetDateTime::now_utc(),
            note: request.note.trim().to_owned(),
        })
        .await?;
    Ok(StatusCode::CREATED)
}
