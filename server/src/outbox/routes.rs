//! The outbox for admins: what was given up after its last attempt, and putting it
//! back in line.

pub mod progress;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use gridline_core::api::outbox::{DeadItem, DeadItemsResponse};
use gridline_core::{ErrorCode, Role};
use time::OffsetDateTime;

use crate::auth::CurrentStaff;
use crate::error::{ApiJson, AppError, AppResult};
use crate::http::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/outbox/dead", get(dead))
        .route("/outbox/{id}/requeue", post(requeue))
}

#[utoipa::path(get, path = "/api/v1/outbox/dead", tag = "outbox",
    responses(
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
        (status = 200, body = DeadItemsResponse, description = "items given up after their last attempt, oldest first"),
        (status = 403, body = gridline_core::ErrorResponse, description = "admins only"),
    ))]
pub async fn dead(
    State(state): State<AppState>,
    staff: CurrentStaff,
) -> AppResult<ApiJson<DeadItemsResponse>> {
    staff.require_any(&[Role::Admin])?;
    let targets = state.store.forward_targets().await?;
    let mut items = Vec::new();
    for row in state.store.dead_outbox().await? {
        let tracking_code = match row.item.ticket_id {
            Some(id) => state.store.ticket_by_id(id).await?.map(|t| t.tracking_code),
            None => None,
        };
        items.push(DeadItem {
            id: row.item.id,
            kind: row.item.kind,
            tracking_code,
            target: row
                .item
                .target_id
                .and_then(|id| targets.iter().find(|t| t.id == id))
                .map(|t| t.name.clone()),
            attempts: row.item.attempts,
            last_error: row.last_error,
            dead_at: row.dead_at,
        });
    }
    Ok(ApiJson(DeadItemsResponse { items }))
}

#[utoipa::path(post, path = "/api/v1/outbox/{id}/requeue", tag = "outbox",
    params(("id" = i64, Path, description = "the dead item's id")),
    responses(
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
        (status = 204, description = "back in line, attempts from zero"),
        (status = 403, body = gridline_core::ErrorResponse, description = "admins only"),
        (status = 404, body = gridline_core::ErrorResponse, description = "no such dead item"),
    ))]
pub async fn requeue(
    State(state): State<AppState>,
    staff: CurrentStaff,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    staff.require_any(&[Role::Admin])?;
    if state
        .store
        .requeue_outbox(id, OffsetDateTime::now_utc())
        .await?
    {
        tracing::info!(
            staff_id = staff.0.id,
            outbox_id = id,
            "outbox item requeued"
        );
        state.notifier.wake.notify_one();
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::client(ErrorCode::NotFound, "no such dead item"))
    }
}
