//! Progress reported back by dispatch systems: signed like the webhooks they receive,
//! within a 5-minute window, once per `Idempotency-Key`.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::post;
use gridline_core::ErrorCode;
use gridline_core::api::ticket::{ProgressReport, TicketCreatedResponse};
use gridline_core::tracking::TrackingCode;
use time::OffsetDateTime;

use crate::error::{ApiJson, AppError, AppResult};
use crate::http::state::AppState;
use crate::tickets;

pub fn router() -> Router<AppState> {
    Router::new().route("/forwarding/{target}/progress", post(progress))
}

#[utoipa::path(post, path = "/api/v1/forwarding/{target}/progress", tag = "forwarding",
    request_body = ProgressReport,
    params(("target" = String, Path, description = "the forwarding target's name"),
           ("x-gridline-timestamp" = i64, Header, description = "Unix seconds"),
           ("x-gridline-signature" = String, Header, description = "v1=<hex HMAC-SHA256(secret, \"<timestamp>.<body>\")>"),
           ("idempotency-key" = String, Header, description = "the same on every retry of one report")),
    responses(
        (status = 200, body = TicketCreatedResponse, description = "applied (or applied before, for the same key): the ticket's code and status"),
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: bad signature, or a timestamp more than 5 minutes off"),
        (status = 404, body = gridline_core::ErrorResponse, description = "no such target, or a ticket it does not take"),
        (status = 409, body = gridline_core::ErrorResponse, description = "not possible in the ticket's state"),
        (status = 422, body = gridline_core::ErrorResponse, description = "an action a unit may not report, or a missing note"),
    ))]
pub async fn progress(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: String,
) -> AppResult<ApiJson<TicketCreatedResponse>> {
    let not_found = || AppError::client(ErrorCode::NotFound, "no such target or ticket");
    let target = state
        .store
        .forward_targets()
        .await?
        .into_iter()
        .find(|t| t.name == name && !t.disabled)
        .ok_or_else(not_found)?;
    let now = OffsetDateTime::now_utc();
    crate::outbox::webhook::check_signed(Some(&target.secret), &headers, &body, now)?;
    let key = crate::outbox::webhook::idempotency_key(&headers)?;
    let report: ProgressReport = serde_json::from_str(&body)
        .map_err(|e| AppError::client(ErrorCode::BadRequest, format!("unreadable report: {e}")))?;
    let code = TrackingCode::parse(&report.tracking_code).map_err(|_| not_found())?;
    let ticket = state
        .store
        .ticket_by_code(code.as_str())
        .await?
        .filter(|t| target.takes(&t.matter_code, t.lead_unit_code.as_deref()))
        .ok_or_else(not_found)?;
    let request = report.into_action().map_err(AppError::Validation)?;
    if !state.store.record_inbound(target.id, &key, now).await? {
        // Applied before: the same answer, nothing done twice.
        return Ok(ApiJson(crate::tickets::routes::lookup::filed(&ticket)));
    }
    let snapshot = state.reference.get(state.store.as_ref()).await?;
    match tickets::actions::act_for_lead_unit(state.store.as_ref(), &snapshot, ticket, request, now)
        .await
    {
        Ok(ticket) => {
            tracing::info!(target = %target.name, "progress reported by a dispatch system");
            state.notifier.wake.notify_one();
            Ok(ApiJson(crate::tickets::routes::lookup::filed(&ticket)))
        }
        Err(e) => {
            // Not applied: a retry of this key is tried again.
            state.store.forget_inbound(target.id, &key).await?;
            Err(e)
        }
    }
}
