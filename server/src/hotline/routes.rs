//! `POST /api/v1/calls` (the telephone system, signed), `GET /api/v1/calls` (an
//! operator's calls of the last hour) and `GET /api/v1/callers/tickets` (a caller's
//! earlier tickets, by number).

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use gridline_core::api::hotline::{
    CallRing, CallView, CallerQuery, CallerTicketsResponse, CallsResponse,
};
use gridline_core::api::ticket::{phone_key, valid_phone};
use gridline_core::{ErrorCode, Role};
use time::OffsetDateTime;

use crate::auth::CurrentStaff;
use crate::error::{ApiJson, ApiQuery, AppError, AppResult};
use crate::hotline::store::CallRecord;
use crate::http::state::AppState;
use crate::knowledge::routes::ANSWERERS;
use crate::tickets::field_error;

/// How many of a caller's tickets are shown.
const CALLER_TICKETS: i64 = 20;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/calls", get(calls).post(ring))
        .route("/callers/tickets", get(caller_tickets))
}

#[utoipa::path(post, path = "/api/v1/calls", tag = "hotline", request_body = CallRing,
    params(("x-gridline-timestamp" = i64, Header, description = "Unix seconds"),
           ("x-gridline-signature" = String, Header, description = "v1=<hex HMAC-SHA256(GRIDLINE_TELEPHONY_SECRET, \"<timestamp>.<body>\")>")),
    responses(
        (status = 201, body = CallView, description = "recorded: the operator's console pops up"),
        (status = 200, body = CallView, description = "this call_id was announced before: nothing rings twice"),
        (status = 400, body = gridline_core::ErrorResponse, description = "not JSON of this shape"),
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: bad signature, a timestamp more than 5 minutes off, or no telephony secret configured"),
        (status = 422, body = gridline_core::ErrorResponse, description = "a field is invalid, or the operator is no active hotline operator"),
    ))]
pub async fn ring(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: String,
) -> AppResult<(StatusCode, ApiJson<CallView>)> {
    let now = OffsetDateTime::now_utc();
    // The signature first: whoever cannot sign learns nothing of what a call must hold.
    crate::outbox::webhook::check_signed(
        state.config.telephony_secret.as_deref(),
        &headers,
        &body,
        now,
    )?;
    let ring: CallRing = serde_json::from_str(&body)
        .map_err(|e| AppError::client(ErrorCode::BadRequest, format!("unreadable call: {e}")))?;
    ring.validate().map_err(AppError::Validation)?;
    let operator = state
        .store
        .find_staff_by_username(ring.operator.trim())
        .await?
        .filter(|s| !s.disabled && s.profile.roles.contains(&Role::HotlineOperator))
        .ok_or_else(|| field_error("operator", "no active hotline operator by this name"))?;
    let call = CallRecord {
        call_id: ring.call_id,
        caller: ring.caller.trim().to_owned(),
        operator_id: operator.profile.id,
        rang_at: crate::store::shared::stored_time(now),
    };
    if state.store.ring_call(&call).await? {
        tracing::info!(operator_id = call.operator_id, "a call was put through");
        let view = CallView {
            call_id: call.call_id,
            caller: call.caller,
            rang_at: call.rang_at,
            handled: false,
        };
        return Ok((StatusCode::CREATED, ApiJson(view)));
    }
    // Announced before: the call as it was recorded.
    let recorded = state
        .store
        .call(&call.call_id)
        .await?
        .ok_or_else(|| AppError::Internal("a recorded call vanished".into()))?;
    Ok((StatusCode::OK, ApiJson(recorded)))
}

#[utoipa::path(get, path = "/api/v1/calls", tag = "hotline",
    responses(
        (status = 200, body = CallsResponse, description = "the calls put through to the signed-in operator in the last hour, newest first"),
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
        (status = 403, body = gridline_core::ErrorResponse, description = "hotline operators only"),
    ))]
pub async fn calls(
    State(state): State<AppState>,
    staff: CurrentStaff,
) -> AppResult<ApiJson<CallsResponse>> {
    staff.require_any(&[Role::HotlineOperator])?;
    let since = OffsetDateTime::now_utc() - time::Duration::hours(1);
    let calls = state.store.operator_calls(staff.0.id, since).await?;
    Ok(ApiJson(CallsResponse { calls }))
}

#[utoipa::path(get, path = "/api/v1/callers/tickets", tag = "hotline", params(CallerQuery),
    responses(
        (status = 200, body = CallerTicketsResponse, description = "the newest 20 tickets filed with this contact phone (`+86`, spaces and dashes aside), newest first"),
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
        (status = 403, body = gridline_core::ErrorResponse, description = "hotline operators, dispatchers and admins only"),
        (status = 422, body = gridline_core::ErrorResponse, description = "not a phone number"),
    ))]
pub async fn caller_tickets(
    State(state): State<AppState>,
    staff: CurrentStaff,
    ApiQuery(query): ApiQuery<CallerQuery>,
) -> AppResult<ApiJson<CallerTicketsResponse>> {
    staff.require_any(ANSWERERS)?;
    if !valid_phone(&query.phone) {
        return Err(field_error("phone", "5 to 20 digits"));
    }
    let tickets = state
        .store
        .caller_tickets(&phone_key(&query.phone), CALLER_TICKETS)
        .await?;
    Ok(ApiJson(CallerTicketsResponse { tickets }))
}
