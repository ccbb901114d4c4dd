//! Community station tablets: enrollment, the tablet's station, filing on behalf of a
//! resident (sealed), today's filings (masked); and for admins, enrollment codes, the
//! list of tablets and revoking one.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use gridline_core::api::station::{
    DeviceResponse, EnrollRequest, EnrolledResponse, EnrollmentCodeResponse, SealedFilingRequest,
    StationDeviceView, StationDevicesResponse, StationFilingSummary, StationFilingsResponse,
    StationInfo,
};
use gridline_core::api::ticket::TicketCreatedResponse;
use gridline_core::deadline::CHINA_OFFSET;
use gridline_core::privacy::{mask_name, mask_phone};
use gridline_core::{ErrorCode, Role};
use time::OffsetDateTime;

use crate::auth::{self, CurrentStaff};
use crate::error::{ApiJson, AppError, AppResult};
use crate::http::address::ClientAddress;
use crate::http::state::AppState;
use crate::station::store::{StationDevice, StationRecord};
use crate::station::{self, SealKey, not_enrolled};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/station/enroll", post(enroll))
        .route("/station/device", get(device))
        .route("/station/filings", post(file).get(today))
        .route("/stations/{code}/enrollments", post(issue_code))
        .route("/stations/devices", get(devices))
        .route("/stations/devices/{id}/revoke", post(revoke))
}

/// The enrolled, unrevoked tablet the request comes from: refused (403 `device_revoked`)
/// when it names none, or a revoked one. An extractor, so the tablet is checked before
/// the body is read: whoever is not a tablet learns nothing of what a filing must hold.
pub struct CurrentTablet(pub StationDevice);

impl axum::extract::FromRequestParts<AppState> for CurrentTablet {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> AppResult<Self> {
        station::device_of(state.store.as_ref(), &parts.headers)
            .await?
            .map(CurrentTablet)
            .ok_or_else(not_enrolled)
    }
}

#[utoipa::path(post, path = "/api/v1/station/enroll", tag = "stations", request_body = EnrollRequest,
    responses(
        (status = 201, body = EnrolledResponse, description = "enrolled: keep the device token"),
        (status = 404, body = gridline_core::ErrorResponse, description = "no such live code (unknown, used or expired)"),
        (status = 429, body = gridline_core::ErrorResponse, description = "too many wrong codes from this address"),
    ))]
pub async fn enroll(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    ApiJson(request): ApiJson<EnrollRequest>,
) -> AppResult<(StatusCode, ApiJson<EnrolledResponse>)> {
    request.validate().map_err(AppError::Validation)?;
    // Only wrong codes count: ten per address in 15 minutes. Past the limit no code is
    // tried, so a right guess among wrong ones is not told apart.
    // Counted from here, so codes tried at once cannot pass the limit together.
    let attempt = state
        .enroll_limit
        .begin(&address)
        .await?
        .map_err(|wait| AppError::rate_limited("wrong codes", wait))?;
    let (token, token_hash) = auth::new_session_token();
    let now = OffsetDateTime::now_utc();
    let enrolled = state
        .store
        .enroll_device(
            &station::code_hash(&request.code),
            &token_hash,
            request.label.trim(),
            now,
        )
        .await?;
    let Some(_) = enrolled else {
        attempt.failed();
        return Err(AppError::client(
            ErrorCode::NotFound,
            "no such enrollment code (it may be used up or expired; codes last 24 hours)",
        ));
    };
    let device = state
        .store
        .touch_device(&token_hash, now)
        .await?
        .ok_or_else(|| AppError::Internal("an enrolled device vanished".into()))?;
    let key = state.seal_key().await?;
    tracing::info!(
        device_id = device.id,
        station = %device.station.code,
        "station tablet enrolled"
    );
    Ok((
        StatusCode::CREATED,
        ApiJson(EnrolledResponse {
            device_token: token,
            device: device_response(&state, &device, key),
        }),
    ))
}

#[utoipa::path(get, path = "/api/v1/station/device", tag = "stations",
    params(("x-station-device" = String, Header, description = "the tablet's device token")),
    responses(
        (status = 200, body = DeviceResponse),
        (status = 403, body = gridline_core::ErrorResponse, description = "device_revoked"),
    ))]
pub async fn device(
    State(state): State<AppState>,
    CurrentTablet(device): CurrentTablet,
) -> AppResult<ApiJson<DeviceResponse>> {
    let key = state.seal_key().await?;
    Ok(ApiJson(device_response(&state, &device, key)))
}

#[utoipa::path(post, path = "/api/v1/station/filings", tag = "stations",
    request_body = SealedFilingRequest,
    params(("x-station-device" = String, Header, description = "the tablet's device token")),
    responses(
        (status = 201, body = TicketCreatedResponse, description = "filed"),
        (status = 200, body = TicketCreatedResponse, description = "this client_id was filed before: the same ticket"),
        (status = 403, body = gridline_core::ErrorResponse, description = "device_revoked"),
        (status = 422, body = gridline_core::ErrorResponse, description = "cannot be opened, or a field is invalid (contact_name and contact_phone are required)"),
    ))]
pub async fn file(
    State(state): State<AppState>,
    CurrentTablet(device): CurrentTablet,
    ApiJson(request): ApiJson<SealedFilingRequest>,
) -> AppResult<(StatusCode, ApiJson<TicketCreatedResponse>)> {
    let key = state.seal_key().await?;
    let snapshot = state.reference.get(state.store.as_ref()).await?;
    let (ticket, new) = station::file(
        state.store.as_ref(),
        &snapshot,
        key,
        &device,
        request,
        state.notifier.sms_enabled(),
        OffsetDateTime::now_utc(),
    )
    .await?;
    if new {
        state.notifier.wake.notify_one();
        tracing::info!(device_id = device.id, station = %device.station.code, "station filed a ticket");
    }
    Ok(crate::tickets::routes::lookup::created(ticket, new))
}

#[utoipa::path(get, path = "/api/v1/station/filings", tag = "stations",
    params(("x-station-device" = String, Header, description = "the tablet's device token")),
    responses(
        (status = 200, body = StationFilingsResponse, description = "today's (China time), newest first, masked"),
        (status = 403, body = gridline_core::ErrorResponse, description = "device_revoked"),
    ))]
pub async fn today(
    State(state): State<AppState>,
    CurrentTablet(device): CurrentTablet,
) -> AppResult<ApiJson<StationFilingsResponse>> {
    let midnight = OffsetDateTime::now_utc()
        .to_offset(CHINA_OFFSET)
        .replace_time(time::Time::MIDNIGHT);
    let tickets = state
        .store
        .station_tickets(device.station.id, midnight)
        .await?;
    let mask =
        |value: &Option<String>, f: fn(&str) -> String| value.as_deref().map(f).unwrap_or_default();
    Ok(ApiJson(StationFilingsResponse {
        filings: tickets
            .iter()
            .map(|t| StationFilingSummary {
                tracking_code: t.tracking_code.clone(),
                status: t.state.status,
                matter_code: t.matter_code.clone(),
                contact_name: mask(&t.contact_name, mask_name),
                contact_phone: mask(&t.contact_phone, mask_phone),
                filed_at: t.created_at,
            })
            .collect(),
    }))
}

#[utoipa::path(post, path = "/api/v1/stations/{code}/enrollments", tag = "stations",
    params(("code" = String, Path, description = "the station's code")),
    responses(
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
        (status = 201, body = EnrollmentCodeResponse, description = "a one-time code for one tablet, for 24 hours"),
        (status = 403, body = gridline_core::ErrorResponse, description = "admins only"),
        (status = 404, body = gridline_core::ErrorResponse, description = "no such station"),
    ))]
pub async fn issue_code(
    State(state): State<AppState>,
    staff: CurrentStaff,
    Path(code): Path<String>,
) -> AppResult<(StatusCode, ApiJson<EnrollmentCodeResponse>)> {
    staff.require_any(&[Role::Admin])?;
    let issued =
        station::issue_code(state.store.as_ref(), &code, OffsetDateTime::now_utc()).await?;
    tracing::info!(staff_id = staff.0.id, device_id = issued.device_id, station = %code, "enrollment code issued");
    Ok((StatusCode::CREATED, ApiJson(issued)))
}

#[utoipa::path(get, path = "/api/v1/stations/devices", tag = "stations",
    responses(
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
        (status = 200, body = StationDevicesResponse),
        (status = 403, body = gridline_core::ErrorResponse, description = "admins only"),
    ))]
pub async fn devices(
    State(state): State<AppState>,
    staff: CurrentStaff,
) -> AppResult<ApiJson<StationDevicesResponse>> {
    staff.require_any(&[Role::Admin])?;
    let now = OffsetDateTime::now_utc();
    let devices = state.store.list_station_devices().await?;
    Ok(ApiJson(StationDevicesResponse {
        devices: devices.iter().map(|d| view(d, now)).collect(),
    }))
}

fn view(device: &StationDevice, now: OffsetDateTime) -> StationDeviceView {
    StationDeviceView {
        id: device.id,
        station_code: device.station.code.clone(),
        station_name_zh: device.station.name_zh.clone(),
        label: device.label.clone(),
        state: device.state(now),
        last_seen_at: device.last_seen_at,
    }
}

#[utoipa::path(post, path = "/api/v1/stations/devices/{id}/revoke", tag = "stations",
    params(("id" = i64, Path, description = "the device's id")),
    responses(
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
        (status = 204, description = "revoked: the tablet can no longer file"),
        (status = 403, body = gridline_core::ErrorResponse, description = "admins only"),
        (status = 404, body = gridline_core::ErrorResponse, description = "no such live device"),
    ))]
pub async fn revoke(
    State(state): State<AppState>,
    staff: CurrentStaff,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    staff.require_any(&[Role::Admin])?;
    if state
        .store
        .revoke_device(id, OffsetDateTime::now_utc())
        .await?
    {
        tracing::info!(
            staff_id = staff.0.id,
            device_id = id,
            "station tablet revoked"
        );
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::client(
            ErrorCode::NotFound,
            "no such device, or it is revoked already",
        ))
    }
}

/// The station as its tablets see it.
fn info(state: &AppState, station: &StationRecord, key: &SealKey) -> StationInfo {
    StationInfo {
        code: station.code.clone(),
        name_zh: station.name_zh.clone(),
        name_en: station.name_en.clone(),
        community_code: station.community_code.clone(),
        seal_key: key.public_key().to_owned(),
        resident_idle_seconds: state.config.station_idle_seconds,
        staff_idle_minutes: state.config.station_staff_idle_minutes,
        texts_residents: state.notifier.sms_enabled(),
    }
}

fn device_response(state: &AppState, device: &StationDevice, key: &SealKey) -> DeviceResponse {
    DeviceResponse {
        device_id: device.id,
        station: info(state, &device.station, key),
    }
}
