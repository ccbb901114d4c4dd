//! `POST /api/v1/media`: a photo, voice note or video clip, the raw bytes as the body.
//! Recognised by content, capped per kind, stripped of metadata, stored, and answered with
//! its id (the SHA-256 of what was stored). Anyone may upload (residents file without
//! an account, naming their device with `x-device-secret`), at most
//! `GRIDLINE_UPLOADS_PER_HOUR` from one address without a staff session; who uploaded
//! is kept, and only they attach the medium (`media::Uploader`). A medium is only ever
//! shown through a ticket that names it, and one that nothing names is deleted after a
//! grace period (`media::sweep::sweep_orphans`).

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::routing::post;
use gridline_core::ErrorCode;
use gridline_core::api::media::MediaResponse;
use gridline_core::api::ticket::{DEVICE_SECRET_HEADER, valid_device_secret};
use time::OffsetDateTime;

use crate::auth::CurrentStaff;
use crate::error::{ApiJson, AppError, AppResult};
use crate::http::address::ClientAddress;
use crate::http::state::AppState;
use crate::media::sniff::Sniffed;
use crate::media::store::MediaRecord;
use crate::media::{self, MediaError, Uploader};
use crate::station::store::StationDevice;

pub fn router(state: &AppState) -> Router<AppState> {
    // The body may be as large as the larger cap; each kind's own cap is checked after
    // the bytes say what they are.
    let limit = media::Limits::from_config(&state.config).body_bytes();
    Router::new()
        .route("/media", post(upload))
        .layer(DefaultBodyLimit::max(limit))
}

impl From<MediaError> for AppError {
    fn from(e: MediaError) -> Self {
        let code = match e {
            MediaError::TooLarge { .. } | MediaError::TooLong(_) => ErrorCode::PayloadTooLarge,
            MediaError::Unrecognised | MediaError::Unreadable(..) => {
                ErrorCode::UnsupportedMediaType
            }
        };
        AppError::client(code, e.to_string())
    }
}

#[utoipa::path(post, path = "/api/v1/media", tag = "media",
    request_body(content = Vec<u8>, content_type = "application/octet-stream",
        description = "the photo (JPEG, PNG, WebP, HEIC), voice note (WebM, Ogg, MP4/AAC) or video clip (MP4, WebM; at most 30 s) itself"),
    responses(
        (status = 201, body = MediaResponse, description = "stored (or stored before: the same id); only this session, tablet or device attaches it"),
        (status = 400, body = gridline_core::ErrorResponse, description = "empty, or from the public without a valid x-device-secret (16 to 128 visible ASCII characters: the device_secret the complaint is filed with)"),
        (status = 413, body = gridline_core::ErrorResponse, description = "over the kind's cap, or a clip over 30 seconds"),
        (status = 415, body = gridline_core::ErrorResponse, description = "not a supported photo or voice note"),
        (status = 403, body = gridline_core::ErrorResponse, description = "device_revoked: the x-station-device header names a revoked tablet"),
        (status = 429, body = gridline_core::ErrorResponse, description = "rate_limited: too many uploads from this address"),
    ))]
pub async fn upload(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> AppResult<(StatusCode, ApiJson<MediaResponse>)> {
    // Staff and enrolled station tablets are accountable for what they upload (a
    // revoked tablet is refused); the public is counted by address.
    let staff = CurrentStaff::optional(&state.sessions, &Method::POST, &headers).await?;
    let tablet = crate::station::device_of(state.store.as_ref(), &headers).await?;
    let uploaders = uploaders(&headers, staff.as_ref().map(|s| s.0.id), tablet.as_ref())?;
    if staff.is_none()
        && tablet.is_none()
        && let Err(wait) = state.upload_limit.hit(&address).await?
    {
        return Err(AppError::rate_limited("uploads from this address", wait));
    }
    let body = readable(body)?;
    // The public's bytes count too: many large uploads from one address wait.
    if staff.is_none()
        && tablet.is_none()
        && let Err(wait) = state
            .upload_bytes
            .spend(&address, body.len() as u64)
            .await?
    {
        return Err(AppError::rate_limited(
            "bytes uploaded from this address",
            wait,
        ));
    }
    let (bytes, sniffed) =
        media::strip::prepare_off_thread(body, media::Limits::from_config(&state.config)).await?;
    let size_bytes = bytes.len();
    let id = keep(&state, bytes, sniffed, &uploaders).await?;
    Ok((
        StatusCode::CREATED,
        ApiJson(MediaResponse {
            id,
            kind: sniffed.kind,
            content_type: sniffed.content_type.to_owned(),
            size_bytes: size_bytes as u64,
        }),
    ))
}

/// The upload's bytes, or why there are none: too large, unreadable or empty.
fn readable(body: Result<Bytes, BytesRejection>) -> AppResult<Bytes> {
    let body = body.map_err(|rejection| match rejection {
        BytesRejection::FailedToBufferBody(_)
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE =>
        {
            AppError::client(ErrorCode::PayloadTooLarge, "the upload is too large")
        }
        other => AppError::client(ErrorCode::BadRequest, other.body_text()),
    })?;
    if body.is_empty() {
        return Err(AppError::client(
            ErrorCode::BadRequest,
            "the upload is empty",
        ));
    }
    Ok(body)
}

/// Stores the bytes, then their record (so a record never names bytes that are not
/// there); returns the medium's id.
async fn keep(
    state: &AppState,
    bytes: Bytes,
    sniffed: Sniffed,
    uploaders: &[Uploader],
) -> AppResult<String> {
    let size_bytes = bytes.len();
    let id = state
        .media
        .put(bytes)
        .await
        .map_err(|e| AppError::Internal(format!("storing a medium: {e}")))?;
    state
        .store
        .insert_media(
            &MediaRecord {
                id: id.clone(),
                kind: sniffed.kind,
                content_type: sniffed.content_type.to_owned(),
                size_bytes: i64::try_from(size_bytes).unwrap_or(i64::MAX),
                created_at: crate::store::shared::stored_time(OffsetDateTime::now_utc()),
            },
            &Uploader::keys(uploaders),
        )
        .await?;
    Ok(id)
}

/// Who is uploading: the staff member, the tablet, the resident's device (by the
/// secret it files with). The public must name a device: an upload no one may attach
/// is refused at once rather than at filing.
fn uploaders(
    headers: &HeaderMap,
    staff: Option<i64>,
    tablet: Option<&StationDevice>,
) -> AppResult<Vec<Uploader>> {
    let mut uploaders: Vec<Uploader> = staff.map(Uploader::Staff).into_iter().collect();
    uploaders.extend(tablet.map(|t| Uploader::Station(t.id)));
    let secret = headers.get(DEVICE_SECRET_HEADER).map(|value| {
        value
            .to_str()
            .ok()
            .filter(|s| valid_device_secret(s))
            .ok_or_else(|| {
                AppError::client(
                    ErrorCode::BadRequest,
                    format!("{DEVICE_SECRET_HEADER}: 16 to 128 visible ASCII characters"),
                )
            })
    });
    match secret.transpose()? {
        Some(secret) => uploaders.push(Uploader::device(secret)),
        None if uploaders.is_empty() => {
            return Err(AppError::client(
                ErrorCode::BadRequest,
                format!(
                    "name the uploading device with {DEVICE_SECRET_HEADER}: the device_secret \
                     the complaint is filed with (only that device may attach the upload)"
                ),
            ));
        }
        None => {}
    }
    Ok(uploaders)
}
