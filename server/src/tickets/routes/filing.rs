//! Filing (any channel through the API), the tracking code's QR image, and the open
//! reports near a place (so a resident can follow one instead of filing again).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use gridline_core::api::ticket::{
    Channel, CreateTicketRequest, NearbyQuery, NearbyResponse, RequestKind, TicketCreatedResponse,
};
use gridline_core::tracking::TrackingCode;
use gridline_core::{FieldIssue, Role};
use time::OffsetDateTime;

use crate::auth::CurrentStaff;
use crate::error::{ApiJson, ApiQuery, AppError, AppResult};
use crate::http::address::ClientAddress;
use crate::http::state::AppState;
use crate::limits::Attempt;
use crate::media::Uploader;
use crate::tickets;
use crate::tickets::routes::lookup::created;

#[utoipa::path(post, path = "/api/v1/tickets", tag = "tickets", request_body = CreateTicketRequest,
    responses(
        (status = 201, body = TicketCreatedResponse, description = "filed (routed when a unit is responsible)"),
        (status = 200, body = TicketCreatedResponse, description = "this client_id was filed before: the same ticket"),
        (status = 422, body = gridline_core::ErrorResponse),
        (status = 429, body = gridline_core::ErrorResponse, description = "rate_limited: this address filed GRIDLINE_FILINGS_PER_HOUR complaints within the hour"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    method: axum::http::Method,
    headers: axum::http::HeaderMap,
    ApiJson(request): ApiJson<CreateTicketRequest>,
) -> AppResult<(StatusCode, ApiJson<TicketCreatedResponse>)> {
    let staff = CurrentStaff::optional(&state.sessions, &method, &headers).await?;
    let channel = channel_of(staff.as_ref(), &request)?;
    // The public files at most so many new complaints per address and hour (counted
    // from the start, so filings at once cannot pass it together). A resend of one
    // filed before is answered whatever the count: it files nothing.
    let attempt = match channel {
        Channel::Resident => filing_attempt(&state, &address, &request).await?,
        _ => None,
    };
    let snapshot = state.reference.get(state.store.as_ref()).await?;
    let now = OffsetDateTime::now_utc();
    let mut filer = tickets::filing::Filer::from(channel);
    // A caller gets the tracking code by text (the operator reads it out too).
    if channel == Channel::Hotline
        && state.notifier.sms_enabled()
        && request
            .contact_phone
            .as_deref()
            .is_some_and(|p| !p.trim().is_empty())
    {
        filer.outbox.push(crate::outbox::sms::Message::Filed.sms());
    }
    // Media attach when this staff member, or this resident's device, uploaded them.
    filer.uploaders = match (&staff, &request.device_secret) {
        (Some(staff), _) => vec![Uploader::Staff(staff.0.id)],
        (None, Some(secret)) => vec![Uploader::device(secret)],
        (None, None) => Vec::new(),
    };
    if let (Some(reference), Some(lon), Some(lat)) = (&request.follow, request.lon, request.lat)
        && gridline_core::api::ticket::valid_reference(reference)
    {
        filer.follows = crate::repeats::followed(
            state.store.as_ref(),
            &state.repeats(),
            state.reference_key().await?,
            request.matter_code.trim(),
            gridline_core::geo::Point::new(lon, lat),
            reference,
            now,
        )
        .await?;
    }
    let (ticket, new) =
        tickets::filing::create(state.store.as_ref(), &snapshot, request, filer, now).await?;
    if new && let Some(attempt) = attempt {
        attempt.count();
    }
    Ok(created(ticket, new))
}

/// Who file enforcement requests (执法): the streets' and departments' handlers, and
/// the dispatchers and admins who file for them.
const ENFORCEMENT_FILERS: &[Role] = &[Role::UnitHandler, Role::Dispatcher, Role::Admin];

/// The channel a filing comes in by: the public's own (an enterprise's for a
/// development request), staff's, or the hotline's (an operator's, or anyone's from a
/// call). Only staff file from a call, and only units (and dispatchers and admins for
/// them) file enforcement requests.
fn channel_of(staff: Option<&CurrentStaff>, request: &CreateTicketRequest) -> AppResult<Channel> {
    let files_enforcement =
        staff.is_some_and(|s| s.0.roles.iter().any(|r| ENFORCEMENT_FILERS.contains(r)));
    if request.kind == RequestKind::Enforcement && !files_enforcement {
        return Err(tickets::field_error(
            "kind",
            "enforcement requests are filed by streets and departments",
        ));
    }
    Ok(match staff {
        None if request.call_id.is_some() => {
            return Err(tickets::field_error(
                "call_id",
                "only the hotline's staff file from a call",
            ));
        }
        None if request.kind == RequestKind::Development => Channel::Enterprise,
        None => Channel::Resident,
        Some(staff)
            if request.call_id.is_some() || staff.0.roles.contains(&Role::HotlineOperator) =>
        {
            Channel::Hotline
        }
        Some(_) => Channel::Staff,
    })
}

/// A resident's filing counted against their address's limit (the attempt counts once
/// the filing is new). A resend of one filed before is answered whatever the count: it
/// files nothing, so it goes on without an attempt.
async fn filing_attempt<'a>(
    state: &'a AppState,
    address: &str,
    request: &CreateTicketRequest,
) -> AppResult<Option<Attempt<'a>>> {
    Ok(match state.filing_limit.begin(address).await? {
        Ok(attempt) => Some(attempt),
        Err(wait) => {
            let filed_before = match &request.client_id {
                Some(id) => !state
                    .store
                    .open311_requests(&crate::open311::store::RequestQuery::ClientId(id.clone()))
                    .await?
                    .is_empty(),
                None => false,
            };
            if !filed_before {
                return Err(AppError::rate_limited("complaints from this address", wait));
            }
            None
        }
    })
}

#[utoipa::path(get, path = "/api/v1/nearby", tag = "tickets", params(NearbyQuery),
    responses(
        (status = 200, body = NearbyResponse, description = "open reports of this kind near the place, nearest first"),
        (status = 422, body = gridline_core::ErrorResponse),
    ))]
/// What a resident about to file sees: open reports of the same matter type near the
/// place, to follow one instead of filing the same problem again. Anyone may ask; the
/// answer names no ticket, address or exact place.
pub async fn nearby(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<NearbyQuery>,
) -> AppResult<ApiJson<NearbyResponse>> {
    let snapshot = state.reference.get(state.store.as_ref()).await?;
    let mut v = gridline_core::api::error::Validator::new();
    if !snapshot.matters.contains_key(&query.matter_code) {
        v.add("matter_code", FieldIssue::Invalid, "no such matter type");
    }
    v.position(query.lon, query.lat);
    v.finish().map_err(AppError::Validation)?;
    let reports = crate::repeats::nearby(
        state.store.as_ref(),
        &state.repeats(),
        state.reference_key().await?,
        &query.matter_code,
        gridline_core::geo::Point::new(query.lon, query.lat),
        OffsetDateTime::now_utc(),
    )
    .await?;
    Ok(ApiJson(NearbyResponse { reports }))
}

#[utoipa::path(get, path = "/api/v1/tickets/{code}/qr.svg", tag = "tickets",
    params(("code" = String, Path, description = "tracking code")),
    responses((status = 200, description = "SVG: a QR code of the ticket's tracking link",
               content_type = "image/svg+xml"),
              (status = 422, body = gridline_core::ErrorResponse)))]
/// A QR code of the tracking link `/track/CODE`, for a resident to photograph or scan.
/// It is made for any well-formed code and says nothing of whether the ticket exists;
/// the link still asks for the phone digits or the device's secret.
pub async fn tracking_qr(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Path(code): Path<String>,
) -> AppResult<axum::response::Response> {
    use axum::http::header;
    use axum::response::IntoResponse;
    let code =
        TrackingCode::parse(&code).map_err(|e| tickets::field_error("code", e.to_string()))?;
    let base = match &state.config.public_url {
        Some(url) => url.trim_end_matches('/').to_owned(),
        None => {
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .filter(|h| {
                    h.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
                })
                .unwrap_or("localhost");
            format!("http://{host}")
        }
    };
    let link = format!("{base}/track/{}", code.as_str());
    let qr = qrcode::QrCode::with_error_correction_level(link.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| AppError::Internal(format!("QR code: {e}")))?;
    let svg = qr
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        svg,
    )
        .into_response())
}
