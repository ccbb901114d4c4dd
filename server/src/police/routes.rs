//! The police system hands a ticket over: `POST /api/v1/forwarding/{target}/tickets`.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use gridline_core::ErrorCode;
use gridline_core::api::police::{HandoverResponse, PoliceHandover};
use gridline_core::api::ticket::Channel;
use time::OffsetDateTime;

use crate::error::{ApiJson, AppError, AppResult};
use crate::http::state::AppState;
use crate::outbox::store::TargetKind;
use crate::outbox::webhook::{check_signed, idempotency_key};
use crate::tickets::filing::{self, Filer};

pub fn router() -> Router<AppState> {
    Router::new().route("/forwarding/{target}/tickets", post(hand_over))
}

#[utoipa::path(post, path = "/api/v1/forwarding/{target}/tickets", tag = "forwarding",
    request_body = PoliceHandover,
    params(("target" = String, Path, description = "the police system's name as a forwarding target"),
           ("x-gridline-timestamp" = i64, Header, description = "Unix seconds"),
           ("x-gridline-signature" = String, Header, description = "v1=<hex HMAC-SHA256(secret, \"<timestamp>.<body>\")>"),
           ("idempotency-key" = String, Header, description = "the same on every retry of one hand-over (the police system's incident number, say)")),
    responses(
        (status = 201, body = HandoverResponse, description = "taken over: urgent, its feedback due within the hour"),
        (status = 200, body = HandoverResponse, description = "handed over before with this key: the same ticket"),
        (status = 400, body = gridline_core::ErrorResponse, description = "no Idempotency-Key, or an unreadable body"),
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: bad signature, or a timestamp more than 5 minutes off"),
        (status = 404, body = gridline_core::ErrorResponse, description = "no such police system"),
        (status = 422, body = gridline_core::ErrorResponse, description = "an invalid field (an unknown matter type, no description, …)"),
    ))]
pub async fn hand_over(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: String,
) -> AppResult<(StatusCode, ApiJson<HandoverResponse>)> {
    let target = state
        .store
        .forward_targets()
        .await?
        .into_iter()
        .find(|t| t.name == name && t.kind == TargetKind::Police && !t.disabled)
        .ok_or_else(|| AppError::client(ErrorCode::NotFound, "no such police system"))?;
    let now = OffsetDateTime::now_utc();
    check_signed(Some(&target.secret), &headers, &body, now)?;
    let key = idempotency_key(&headers)?;
    let handover: PoliceHandover = serde_json::from_str(&body).map_err(|e| {
        AppError::client(ErrorCode::BadRequest, format!("unreadable hand-over: {e}"))
    })?;
    let request = handover.into_request(super::client_id(&target.secret, &key));
    let snapshot = state.reference.get(state.store.as_ref()).await?;
    let filer = Filer {
        police: Some(target.id),
        ..Filer::from(Channel::Police)
    };
    let (ticket, new) =
        filing::create(state.store.as_ref(), &snapshot, request, filer, now).await?;
    if ticket.police_target != Some(target.id) {
        // Only this target's secret makes this client id: not expected to happen.
        return Err(AppError::client(
            ErrorCode::Conflict,
            "this key names another ticket",
        ));
    }
    let status = if new {
        tracing::info!(target = %target.name, "a ticket handed over by the police system");
        state.notifier.wake.notify_one();
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        ApiJson(HandoverResponse {
            tracking_code: ticket.tracking_code,
            status: ticket.state.status,
            feedback_due: ticket.response_due,
        }),
    ))
}
