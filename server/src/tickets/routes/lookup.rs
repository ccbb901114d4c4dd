//! Finding the ticket a request names, and who is looking: a resident with a proof, a
//! staff member with rights on it, or nobody (a 404 that does not say whether the code
//! exists); and the answers to a filing.

use axum::http::StatusCode;
use gridline_core::ErrorCode;
use gridline_core::api::auth::StaffProfile;
use gridline_core::api::ticket::{
    DEVICE_SECRET_HEADER, TicketCreatedResponse, TicketProof, TicketView,
};
use gridline_core::tracking::TrackingCode;
use time::OffsetDateTime;

use crate::error::{ApiJson, AppError, AppResult};
use crate::http::state::AppState;
use crate::tickets;
use crate::tickets::store::TicketRecord;

/// Who is looking at a ticket.
pub(crate) enum Viewer {
    /// Someone who proved they may see it (masked personal data, public entries).
    Public,
    /// A signed-in staff member: the whole ticket and their actions if they handle it,
    /// masked like the public otherwise.
    Staff(tickets::access::Rights),
}

/// The view of `ticket` with its co-units and timeline, as `viewer` may see it.
pub(crate) async fn load_view(
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
pub(crate) async fn staff_view(
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
