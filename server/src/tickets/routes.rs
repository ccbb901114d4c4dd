//! Tickets: filing (any channel), following by tracking code, acting, rating, queues.

use axum::Router;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use gridline_core::api::auth::StaffProfile;
use gridline_core::api::ticket::{
    ActionRequest, Channel, CoUnitRequest, CreateTicketRequest, DEVICE_SECRET_HEADER, NearbyQuery,
    NearbyResponse, QueueQuery, QueueResponse, QueueView, RatingRequest, TicketCreatedResponse,
    TicketProof, TicketView, TierChangeRequest,
};
use gridline_core::tracking::TrackingCode;
use gridline_core::{ErrorCode, FieldIssue, Role};
use time::OffsetDateTime;

use crate::auth::CurrentStaff;
use crate::error::{ApiJson, ApiQuery, AppError, AppResult};
use crate::http::address::ClientAddress;
use crate::http::state::AppState;
use crate::media::Uploader;
use crate::tickets;
use crate::tickets::store::{TicketFilter, TicketRecord};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tickets", post(create))
        .route("/tickets/{code}", get(show))
        .route("/tickets/{code}/actions", post(act))
        .route("/tickets/{code}/rating", post(rate))
        .route("/tickets/{code}/co-units", post(add_co_unit))
        .route("/tickets/{code}/tier", post(change_tier))
        .route("/tickets/{code}/media/{id}", get(ticket_media))
        .route("/tickets/{code}/qr.svg", get(tracking_qr))
        .route("/tickets/{code}/similar", get(similar))
        .route("/tickets/{code}/merge", post(merge))
        .route("/queue", get(queue))
        .route("/nearby", get(nearby))
}

/// Who is looking at a ticket.
enum Viewer {
    /// Someone who proved they may see it (masked personal data, public entries).
    Public,
    /// A signed-in staff member: the whole ticket and their actions if they handle it,
    /// masked like the public otherwise.
    Staff(tickets::access::Rights),
}

/// The view of `ticket` with its co-units and timeline, as `viewer` may see it.
async fn load_view(
    state: &AppState,
    ticket: &TicketRecord,
    viewer: Viewer,
    now: OffsetDateTime,
) -> AppResult<TicketView> {
    let (full, actions) = match viewer {
        Viewer::Staff(rights) => (rights.handles, rights.actions),
        Viewer::Public => (false, Vec::new()),
    };
    let co_units = state.store.co_units(ticket.id).await?;
    let timeline = state.store.ticket_timeline(ticket.id).await?;
    Ok(tickets::view::view(
        ticket, co_units, timeline, full, actions, now,
    ))
}

/// The view of `ticket` for `staff`, with their rights on it.
async fn staff_view(
    state: &AppState,
    ticket: &TicketRecord,
    staff: &StaffProfile,
    now: OffsetDateTime,
) -> AppResult<TicketView> {
    let rights = tickets::access::rights(state.store.as_ref(), staff, ticket).await?;
    load_view(state, ticket, Viewer::Staff(rights), now).await
}

/// The one answer for a missing ticket and for a failed proof alike, so a lookup never
/// reveals whether a code exists.
pub(crate) fn no_such_ticket() -> AppError {
    AppError::client(
        ErrorCode::NotFound,
        "no such ticket (check the code and the proof)",
    )
}

/// The ticket (`None`: no such code) for a public viewer who proves they may see it.
/// Failures are counted per address; past the limit every attempt from there is
/// refused (429) before the proof is looked at, so a right guess of the four digits
/// among wrong ones is not told apart.
pub(crate) async fn proven(
    state: &AppState,
    address: &str,
    ticket: Option<TicketRecord>,
    proof: &TicketProof,
    headers: &axum::http::HeaderMap,
) -> AppResult<TicketRecord> {
    if let Some(wait) = state.proof_limit.blocked_for(address).await? {
        return Err(AppError::rate_limited("wrong codes or proofs", wait));
    }
    let secret = headers
        .get(DEVICE_SECRET_HEADER)
        .and_then(|v| v.to_str().ok());
    match ticket {
        Some(ticket) if tickets::view::proves(&ticket, proof.phone_suffix.as_deref(), secret) => {
            Ok(ticket)
        }
        _ => {
            // Refused requests are not counted: checked above.
            let _refused = state.proof_limit.hit(address).await?;
            Err(no_such_ticket())
        }
    }
}

pub(crate) async fn find(state: &AppState, code: &str) -> AppResult<TicketRecord> {
    let code = TrackingCode::parse(code)
        .map_err(|e| AppError::client(ErrorCode::NotFound, format!("no such ticket: {e}")))?;
    state
        .store
        .ticket_by_code(code.as_str())
        .await?
        .ok_or_else(|| AppError::client(ErrorCode::NotFound, "no such ticket"))
}

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
    let channel = match staff {
        Some(_) => Channel::Staff,
        None => Channel::Resident,
    };
    // The public files at most so many new complaints per address and hour (counted
    // from the start, so filings at once cannot pass it together). A resend of one
    // filed before is answered whatever the count: it files nothing.
    let attempt = match channel {
        Channel::Resident => match state.filing_limit.begin(&address).await? {
            Ok(attempt) => Some(attempt),
            Err(wait) => {
                let filed_before = match &request.client_id {
                    Some(id) => !state
                        .store
                        .open311_requests(&crate::open311::store::RequestQuery::ClientId(
                            id.clone(),
                        ))
                        .await?
                        .is_empty(),
                    None => false,
                };
                if !filed_before {
                    return Err(AppError::rate_limited("complaints from this address", wait));
                }
                None
            }
        },
        _ => None,
    };
    let snapshot = state.reference.get(state.store.as_ref()).await?;
    let now = OffsetDateTime::now_utc();
    let mut filer = tickets::filing::Filer::from(channel);
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

/// The answer to a filing: 201 for a new ticket, 200 for the one a resent `client_id`
/// filed before.
pub(crate) fn created(
    ticket: TicketRecord,
    new: bool,
) -> (StatusCode, ApiJson<TicketCreatedResponse>) {
    let status = if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    (status, ApiJson(filed(&ticket)))
}

/// A ticket's code and status, as the answer to filing or reporting on it.
pub(crate) fn filed(ticket: &TicketRecord) -> TicketCreatedResponse {
    TicketCreatedResponse {
        tracking_code: ticket.tracking_code.clone(),
        status: ticket.state.status,
        merged: ticket.merged_into.is_some(),
    }
}

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
        let mut tickets = state.store.list_tickets(&filter, page).await?;
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
