//! `/api/v1/knowledge` (the standard answers: read by staff, kept by admins and their
//! owner units), `/api/v1/suggest` (matter types and answers for anyone filing) and
//! `/api/v1/enquiries` (enquiries answered on the hotline).

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::routing::{get, post, put};
use gridline_core::api::auth::StaffProfile;
use gridline_core::api::knowledge::{
    EnquiryCreated, EnquiryRequest, KnowledgeEntry, KnowledgeFields, KnowledgeQuery,
    KnowledgeResponse, SUGGEST_TEXT_MAX, SuggestQuery, SuggestResponse,
};
use gridline_core::{ErrorCode, Role};
use time::OffsetDateTime;

use crate::auth::CurrentStaff;
use crate::error::{ApiJson, ApiQuery, AppError, AppResult};
use crate::http::address::ClientAddress;
use crate::http::state::AppState;
use crate::knowledge::csv::reference_problems;
use crate::knowledge::store::EnquiryRecord;
use crate::tickets::field_error;

/// Who records enquiries: those who answer the hotline.
pub(crate) const ANSWERERS: &[Role] = &[Role::HotlineOperator, Role::Dispatcher, Role::Admin];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/knowledge", get(list).post(create))
        .route("/knowledge/{id}", put(update).delete(remove))
        .route("/suggest", get(suggest))
        .route("/enquiries", post(enquiry))
}

fn today() -> String {
    OffsetDateTime::now_utc().date().to_string()
}

#[utoipa::path(get, path = "/api/v1/knowledge", tag = "knowledge", params(KnowledgeQuery),
    responses(
        (status = 200, body = KnowledgeResponse, description = "with `q`: the entries holding today that answer it, best first; without: every entry, by id"),
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    CurrentStaff(_staff): CurrentStaff,
    ApiQuery(query): ApiQuery<KnowledgeQuery>,
) -> AppResult<ApiJson<KnowledgeResponse>> {
    let entries = match query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) => {
            let q: String = q.chars().take(SUGGEST_TEXT_MAX).collect();
            let snapshot = state.reference.get(state.store.as_ref()).await?;
            let suggester = state.suggest.get(state.store.as_ref(), &snapshot).await?;
            suggester
                .search(&q, &today(), 10)
                .into_iter()
                .cloned()
                .collect()
        }
        None => state.store.knowledge_entries().await?,
    };
    Ok(ApiJson(KnowledgeResponse { entries }))
}

/// Checks `fields` for `staff`: admins keep any entry; a unit's handlers keep their
/// units' own (the owner must be one of them).
async fn checked(
    state: &AppState,
    staff: &StaffProfile,
    fields: &KnowledgeFields,
) -> AppResult<()> {
    fields.validate().map_err(AppError::Validation)?;
    may_keep(state, staff, fields.owner_unit_code.as_ref()).await?;
    let problems = reference_problems(
        fields,
        &state.store.list_matter_types().await?,
        &state.store.list_units().await?,
    );
    if problems.is_empty() {
        return Ok(());
    }
    Err(AppError::Validation(
        problems
            .into_iter()
            .map(|(field, message)| gridline_core::FieldError {
                field: field.to_owned(),
                issue: gridline_core::FieldIssue::Invalid,
                message,
            })
            .collect(),
    ))
}

fn not_keeper() -> AppError {
    AppError::client(
        ErrorCode::Forbidden,
        "admins keep the knowledge base; a unit keeps the entries it owns",
    )
}

/// Refuses whoever keeps no entries at all (before saying whether one exists).
fn staff_keeps(staff: &StaffProfile) -> AppResult<()> {
    if staff.roles.contains(&Role::Admin) || staff.roles.contains(&Role::UnitHandler) {
        Ok(())
    } else {
        Err(not_keeper())
    }
}

/// Whether `staff` keeps an entry owned by `owner`: admins any, a unit's handlers
/// their units' own.
async fn may_keep(state: &AppState, staff: &StaffProfile, owner: Option<&String>) -> AppResult<()> {
    staff_keeps(staff)?;
    if staff.roles.contains(&Role::Admin) {
        return Ok(());
    }
    let units = state.store.staff_units(staff.id).await?;
    if owner.is_some_and(|u| units.contains(u)) {
        Ok(())
    } else {
        Err(not_keeper())
    }
}

/// The stored entry `id`, if `staff` may change it.
async fn own_entry(state: &AppState, staff: &StaffProfile, id: i64) -> AppResult<KnowledgeEntry> {
    staff_keeps(staff)?;
    let entry = state
        .store
        .knowledge_entries()
        .await?
        .into_iter()
        .find(|e| e.id == id)
        .ok_or_else(AppError::not_found)?;
    may_keep(state, staff, entry.fields.owner_unit_code.as_ref()).await?;
    Ok(entry)
}

#[utoipa::path(post, path = "/api/v1/knowledge", tag = "knowledge",
    request_body = KnowledgeFields,
    responses(
        (status = 201, body = KnowledgeEntry, description = "added"),
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
        (status = 403, body = gridline_core::ErrorResponse, description = "neither an admin nor a handler of the owner unit"),
        (status = 422, body = gridline_core::ErrorResponse, description = "a field is missing or names nothing known"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    CurrentStaff(staff): CurrentStaff,
    ApiJson(fields): ApiJson<KnowledgeFields>,
) -> AppResult<(StatusCode, ApiJson<KnowledgeEntry>)> {
    checked(&state, &staff, &fields).await?;
    let id = state
        .store
        .add_knowledge_entry(&fields, OffsetDateTime::now_utc())
        .await?;
    Ok((StatusCode::CREATED, ApiJson(KnowledgeEntry { id, fields })))
}

#[utoipa::path(put, path = "/api/v1/knowledge/{id}", tag = "knowledge",
    request_body = KnowledgeFields,
    responses(
        (status = 200, body = KnowledgeEntry, description = "changed"),
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
        (status = 403, body = gridline_core::ErrorResponse, description = "not the caller's to keep"),
        (status = 404, body = gridline_core::ErrorResponse, description = "no such entry"),
    ))]
pub async fn update(
    State(state): State<AppState>,
    CurrentStaff(staff): CurrentStaff,
    Path(id): Path<i64>,
    ApiJson(fields): ApiJson<KnowledgeFields>,
) -> AppResult<ApiJson<KnowledgeEntry>> {
    own_entry(&state, &staff, id).await?;
    checked(&state, &staff, &fields).await?;
    if !state
        .store
        .update_knowledge_entry(id, &fields, OffsetDateTime::now_utc())
        .await?
    {
        return Err(AppError::not_found());
    }
    Ok(ApiJson(KnowledgeEntry { id, fields }))
}

#[utoipa::path(delete, path = "/api/v1/knowledge/{id}", tag = "knowledge",
    responses(
        (status = 204, description = "removed"),
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
        (status = 403, body = gridline_core::ErrorResponse, description = "not the caller's to keep"),
        (status = 404, body = gridline_core::ErrorResponse, description = "no such entry"),
    ))]
pub async fn remove(
    State(state): State<AppState>,
    CurrentStaff(staff): CurrentStaff,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    own_entry(&state, &staff, id).await?;
    if !state.store.delete_knowledge_entry(id).await? {
        return Err(AppError::not_found());
    }
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/suggest", tag = "knowledge", params(SuggestQuery),
    responses(
        (status = 200, body = SuggestResponse, description = "the three likeliest matter types and the standard answers that may settle it (the text is cut at 500 characters)"),
        (status = 429, body = gridline_core::ErrorResponse, description = "more than GRIDLINE_SUGGESTIONS_PER_MINUTE (240) a minute from this address (or staff member)"),
    ))]
pub async fn suggest(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    ClientAddress(address): ClientAddress,
    ApiQuery(query): ApiQuery<SuggestQuery>,
) -> AppResult<ApiJson<SuggestResponse>> {
    // Staff behind one address (a call centre) are counted each on their own.
    let key = match CurrentStaff::optional(&state.sessions, &method, &headers).await? {
        Some(staff) => format!("staff:{}", staff.0.id),
        None => address,
    };
    state
        .suggest_limit
        .hit(&key)
        .await?
        .map_err(|wait| AppError::rate_limited("suggestions", wait))?;
    let text: String = query.text.chars().take(SUGGEST_TEXT_MAX).collect();
    let snapshot = state.reference.get(state.store.as_ref()).await?;
    let suggester = state.suggest.get(state.store.as_ref(), &snapshot).await?;
    Ok(ApiJson(suggester.suggest(&text, &today())))
}

#[utoipa::path(post, path = "/api/v1/enquiries", tag = "knowledge",
    request_body = EnquiryRequest,
    responses(
        (status = 201, body = EnquiryCreated, description = "recorded, closed"),
        (status = 200, body = EnquiryCreated, description = "this call's enquiry was recorded before"),
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated: sign in first"),
        (status = 403, body = gridline_core::ErrorResponse, description = "not an operator, dispatcher or admin"),
        (status = 422, body = gridline_core::ErrorResponse, description = "no text, or an unknown entry or matter type"),
    ))]
pub async fn enquiry(
    State(state): State<AppState>,
    staff: CurrentStaff,
    ApiJson(request): ApiJson<EnquiryRequest>,
) -> AppResult<(StatusCode, ApiJson<EnquiryCreated>)> {
    staff.require_any(ANSWERERS)?;
    request.validate().map_err(AppError::Validation)?;
    if let Some(id) = request.entry_id
        && !state
            .store
            .knowledge_entries()
            .await?
            .iter()
            .any(|e| e.id == id)
    {
        return Err(field_error("entry_id", "no such entry"));
    }
    let snapshot = state.reference.get(state.store.as_ref()).await?;
    if let Some(code) = &request.matter_code
        && !snapshot.matters.contains_key(code)
    {
        return Err(field_error("matter_code", "no such matter type"));
    }
    let (id, new) = state
        .store
        .add_enquiry(&EnquiryRecord {
            at: OffsetDateTime::now_utc(),
            text: request.text,
            entry_id: request.entry_id,
            matter_code: request.matter_code,
            call_id: request.call_id,
            staff_id: Some(staff.0.id),
        })
        .await?;
    let status = if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, ApiJson(EnquiryCreated { id })))
}
