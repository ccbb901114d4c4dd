//! `/api/v1/topics`: the suggestions, the topics with their progress, measures and
//! closing.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use gridline_core::api::auth::StaffProfile;
use gridline_core::api::topic::{
    CloseTopicRequest, NewTopicRequest, Topic, TopicMeasureRequest, TopicSuggestionsResponse,
    TopicsResponse,
};
use gridline_core::{ErrorCode, Role};
use time::OffsetDateTime;

use crate::auth::CurrentStaff;
use crate::catalogue::cache::Snapshot;
use crate::error::{ApiJson, AppError, AppResult};
use crate::http::state::AppState;
use crate::tickets::field_error;
use crate::topics::store::{NewMeasure, TopicRecord};
use crate::topics::{WINDOW, matter_subtree, suggestions, view};

/// Who reads topics whole: as the figures.
const READERS: &[Role] = &[Role::Supervisor, Role::Dispatcher, Role::Admin];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/topics/suggestions", get(suggested))
        .route("/topics", get(list).post(create))
        .route("/topics/{id}", get(show))
        .route("/topics/{id}/measures", post(add_measure))
        .route("/topics/{id}/close", post(close))
}

async fn load(state: &AppState, snapshot: &Snapshot, record: TopicRecord) -> AppResult<Topic> {
    let matters = matter_subtree(snapshot, &record.matter_code);
    let grids = record.region_code.as_deref().map(|r| snapshot.grids_of(r));
    let tickets = state
        .store
        .class_tickets(&matters, grids.as_deref())
        .await?;
    let measures = state.store.topic_measures(record.id).await?;
    Ok(view(
        snapshot,
        record,
        &tickets,
        measures,
        OffsetDateTime::now_utc(),
    ))
}

/// The caller's units that work on `topic` (lead or with it).
async fn own_units(
    state: &AppState,
    staff: &StaffProfile,
    topic: &TopicRecord,
) -> AppResult<Vec<String>> {
    if !staff.roles.contains(&Role::UnitHandler) {
        return Ok(Vec::new());
    }
    Ok(state
        .store
        .staff_units(staff.id)
        .await?
        .into_iter()
        .filter(|u| *u == topic.lead_unit_code || topic.unit_codes.contains(u))
        .collect())
}

async fn readable(state: &AppState, staff: &StaffProfile, id: i64) -> AppResult<TopicRecord> {
    let topic = state
        .store
        .topic(id)
        .await?
        .ok_or_else(|| AppError::client(ErrorCode::NotFound, "no such topic"))?;
    if staff.roles.iter().any(|r| READERS.contains(r))
        || !own_units(state, staff, &topic).await?.is_empty()
    {
        Ok(topic)
    } else {
        Err(AppError::client(
            ErrorCode::Forbidden,
            "your units do not work on this topic",
        ))
    }
}

#[utoipa::path(get, path = "/api/v1/topics/suggestions", tag = "supervision",
    responses(
        (status = 200, body = TopicSuggestionsResponse, description = "matter types per street with the most repeated and unresolved complaints in the last 90 days, and the most risen"),
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
        (status = 403, body = gridline_core::ErrorResponse, description = "not a supervisor, dispatcher or admin"),
    ))]
pub async fn suggested(
    State(state): State<AppState>,
    staff: CurrentStaff,
) -> AppResult<ApiJson<TopicSuggestionsResponse>> {
    staff.require_any(READERS)?;
    let now = OffsetDateTime::now_utc();
    let snapshot = state.reference.get(state.store.as_ref()).await?;
    let recent = state
        .store
        .received_tickets(now - WINDOW, now, None)
        .await?;
    let before = state
        .store
        .received_tickets(now - WINDOW - WINDOW, now - WINDOW, None)
        .await?;
    let (most, rising) = suggestions(&snapshot, &recent, &before, state.repeats().radius_m);
    Ok(ApiJson(TopicSuggestionsResponse { most, rising }))
}

#[utoipa::path(get, path = "/api/v1/topics", tag = "supervision",
    responses(
        (status = 200, body = TopicsResponse, description = "every topic (a unit handler: those its units work on), the latest month first, with its progress"),
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
        (status = 403, body = gridline_core::ErrorResponse, description = "a role with no topics"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    CurrentStaff(staff): CurrentStaff,
) -> AppResult<ApiJson<TopicsResponse>> {
    let reader = staff.roles.iter().any(|r| READERS.contains(r));
    if !reader && !staff.roles.contains(&Role::UnitHandler) {
        return Err(AppError::client(
            ErrorCode::Forbidden,
            "your role has no topics",
        ));
    }
    let snapshot = state.reference.get(state.store.as_ref()).await?;
    let mut topics = Vec::new();
    for record in state.store.topics().await? {
        if reader || !own_units(&state, &staff, &record).await?.is_empty() {
            topics.push(load(&state, &snapshot, record).await?);
        }
    }
    Ok(ApiJson(TopicsResponse { topics }))
}

#[utoipa::path(post, path = "/api/v1/topics", tag = "supervision", request_body = NewTopicRequest,
    responses(
        (status = 201, body = Topic, description = "the topic, with the tickets of its class so far"),
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
        (status = 403, body = gridline_core::ErrorResponse, description = "not a supervisor"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    CurrentStaff(staff): CurrentStaff,
    ApiJson(request): ApiJson<NewTopicRequest>,
) -> AppResult<(StatusCode, ApiJson<Topic>)> {
    if !staff.roles.contains(&Role::Supervisor) {
        return Err(AppError::client(
            ErrorCode::Forbidden,
            "supervisors choose the monthly topic",
        ));
    }
    request.validate().map_err(AppError::Validation)?;
    let snapshot = state.reference.get(state.store.as_ref()).await?;
    let matter = request.matter_code.trim().to_owned();
    if !snapshot.matters.contains_key(&matter) {
        return Err(field_error("matter_code", "no such matter type"));
    }
    let region = request
        .region_code
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned);
    if region
        .as_ref()
        .is_some_and(|r| !snapshot.regions.contains_key(r))
    {
        return Err(field_error("region_code", "no such region"));
    }
    let lead = request.lead_unit_code.trim().to_owned();
    let mut units = Vec::new();
    for unit in std::iter::once(&lead).chain(&request.unit_codes) {
        let unit = unit.trim().to_owned();
        if !snapshot.units.contains_key(&unit) {
            return Err(field_error("unit_codes", format!("no such unit {unit}")));
        }
        if unit != lead && !units.contains(&unit) {
            units.push(unit);
        }
    }
    let record = TopicRecord {
        id: 0,
        month: request.month.clone(),
        title: request.title.trim().to_owned(),
        matter_code: matter,
        region_code: region,
        lead_unit_code: lead,
        unit_codes: units,
        opened_at: crate::store::shared::stored_time(OffsetDateTime::now_utc()),
        opened_by: Some(staff.id),
        closed_at: None,
        close_note: None,
    };
    let id = state.store.create_topic(&record).await?;
    tracing::info!(topic = id, month = %record.month, matter = %record.matter_code, "monthly topic opened");
    let stored = readable(&state, &staff, id).await?;
    Ok((
        StatusCode::CREATED,
        ApiJson(load(&state, &snapshot, stored).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/topics/{id}", tag = "supervision",
    params(("id" = i64, Path, description = "the topic's id")),
    responses(
        (status = 200, body = Topic),
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
        (status = 403, body = gridline_core::ErrorResponse, description = "not a reader, nor a unit working on it"),
        (status = 404, body = gridline_core::ErrorResponse, description = "no such topic"),
    ))]
pub async fn show(
    State(state): State<AppState>,
    CurrentStaff(staff): CurrentStaff,
    Path(id): Path<i64>,
) -> AppResult<ApiJson<Topic>> {
    let record = readable(&state, &staff, id).await?;
    let snapshot = state.reference.get(state.store.as_ref()).await?;
    Ok(ApiJson(load(&state, &snapshot, record).await?))
}

#[utoipa::path(post, path = "/api/v1/topics/{id}/measures", tag = "supervision",
    request_body = TopicMeasureRequest, params(("id" = i64, Path, description = "the topic's id")),
    responses(
        (status = 200, body = Topic, description = "the measure is on the topic's timeline"),
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
        (status = 403, body = gridline_core::ErrorResponse, description = "neither a supervisor nor a unit working on it"),
        (status = 404, body = gridline_core::ErrorResponse, description = "no such topic"),
        (status = 409, body = gridline_core::ErrorResponse, description = "the topic is closed"),
    ))]
pub async fn add_measure(
    State(state): State<AppState>,
    CurrentStaff(staff): CurrentStaff,
    Path(id): Path<i64>,
    ApiJson(request): ApiJson<TopicMeasureRequest>,
) -> AppResult<ApiJson<Topic>> {
    let record = state
        .store
        .topic(id)
        .await?
        .ok_or_else(|| AppError::client(ErrorCode::NotFound, "no such topic"))?;
    let units = own_units(&state, &staff, &record).await?;
    if units.is_empty() && !staff.roles.contains(&Role::Supervisor) {
        return Err(AppError::client(
            ErrorCode::Forbidden,
            "supervisors and the units working on the topic log its measures",
        ));
    }
    request.validate().map_err(AppError::Validation)?;
    let measure = NewMeasure {
        at: OffsetDateTime::now_utc(),
        staff_id: staff.id,
        unit_code: units.into_iter().next(),
        note: request.note.trim().to_owned(),
        households: request.households,
    };
    if !state.store.add_topic_measure(id, &measure).await? {
        return Err(AppError::client(ErrorCode::Conflict, "the topic is closed"));
    }
    let snapshot = state.reference.get(state.store.as_ref()).await?;
    Ok(ApiJson(load(&state, &snapshot, record).await?))
}

#[utoipa::path(post, path = "/api/v1/topics/{id}/close", tag = "supervision",
    request_body = CloseTopicRequest, params(("id" = i64, Path, description = "the topic's id")),
    responses(
        (status = 200, body = Topic, description = "closed; its look back counts the class's complaints in the 90 days after against the 90 days before it opened"),
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
        (status = 403, body = gridline_core::ErrorResponse, description = "not a supervisor"),
        (status = 404, body = gridline_core::ErrorResponse, description = "no such topic"),
        (status = 409, body = gridline_core::ErrorResponse, description = "closed already"),
    ))]
pub async fn close(
    State(state): State<AppState>,
    CurrentStaff(staff): CurrentStaff,
    Path(id): Path<i64>,
    ApiJson(request): ApiJson<CloseTopicRequest>,
) -> AppResult<ApiJson<Topic>> {
    if !staff.roles.contains(&Role::Supervisor) {
        return Err(AppError::client(
            ErrorCode::Forbidden,
            "supervisors close topics",
        ));
    }
    let note = request.note.trim();
    if note.is_empty() || note.chars().count() > gridline_core::api::ticket::NOTE_MAX {
        return Err(field_error("note", "say how the class was solved"));
    }
    state
        .store
        .topic(id)
        .await?
        .ok_or_else(|| AppError::client(ErrorCode::NotFound, "no such topic"))?;
    if !state
        .store
        .close_topic(id, OffsetDateTime::now_utc(), note)
        .await?
    {
        return Err(AppError::client(
            ErrorCode::Conflict,
            "the topic is closed already",
        ));
    }
    let record = readable(&state, &staff, id).await?;
    let snapshot = state.reference.get(state.store.as_ref()).await?;
    Ok(ApiJson(load(&state, &snapshot, record).await?))
}
