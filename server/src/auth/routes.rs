//! Staff sign-in, sign-out and "who am I".
//!
//! Failed sign-ins are throttled per account and per address (`limits`). Not yet
//! here: CSRF tokens; meanwhile the session cookie is SameSite=Strict and writes
//! require a JSON body, which a cross-site form cannot send.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::routing::{get, post};
use gridline_core::ErrorCode;
use gridline_core::api::auth::{LoginRequest, SessionResponse};
use time::OffsetDateTime;

use crate::auth::{self, CurrentStaff};
use crate::error::{ApiJson, AppError, AppResult};
use crate::http::address::ClientAddress;
use crate::http::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/auth/me", get(me))
}

fn cookie_header(value: String) -> AppResult<HeaderMap> {
    let mut headers = HeaderMap::new();
    let value = HeaderValue::from_str(&value)
        .map_err(|e| AppError::Internal(format!("bad cookie header: {e}")))?;
    headers.insert(header::SET_COOKIE, value);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(headers)
}

#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, body = SessionResponse, description = "signed in; sets the session cookie"),
        (status = 401, body = gridline_core::ErrorResponse, description = "invalid_credentials"),
        (status = 422, body = gridline_core::ErrorResponse, description = "validation_failed"),
        (status = 429, body = gridline_core::ErrorResponse, description = "rate_limited: too many failed sign-ins"),
    ))]
pub async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    ApiJson(request): ApiJson<LoginRequest>,
) -> AppResult<(HeaderMap, ApiJson<SessionResponse>)> {
    request.validate().map_err(AppError::Validation)?;
    // Counted from here: attempts at once cannot pass the limit together.
    let attempt = state
        .login_throttle
        .begin(&request.username, &address)
        .await?
        .map_err(|wait| AppError::rate_limited("failed sign-ins", wait))?;
    let record = state
        .store
        .find_staff_by_username(request.username.trim())
        .await?;
    let stored_hash = record
        .as_ref()
        .map(|r| r.password_hash.clone())
        .unwrap_or_else(|| auth::decoy_hash().to_owned());
    let matches = auth::check_password(request.password, stored_hash)
        .await
        .map_err(AppError::Internal)?;
    let record = match record {
        Some(record) if matches && !record.disabled => record,
        _ => {
            attempt.failed();
            return Err(AppError::client(
                ErrorCode::InvalidCredentials,
                "wrong username or password",
            ));
        }
    };
    state.login_throttle.succeeded(attempt).await?;
    let (token, hash) = auth::new_session_token();
    let ttl = state.sessions.ttl;
    state
        .store
        .create_session(&hash, record.profile.id, OffsetDateTime::now_utc() + ttl)
        .await?;
    tracing::info!(staff_id = record.profile.id, "staff signed in");
    let headers = cookie_header(auth::session_cookie(
        Some(&token),
        ttl,
        state.config.secure_cookies(),
    ))?;
    Ok((
        headers,
        ApiJson(SessionResponse {
            user: record.profile,
            csrf_token: auth::csrf_token(&token),
        }),
    ))
}

#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 204, description = "session revoked on the server; cookie cleared")))]
pub async fn logout(
    State(state): State<AppState>,
    method: axum::http::Method,
    request_headers: HeaderMap,
) -> AppResult<(axum::http::StatusCode, HeaderMap)> {
    // A live session is ended only by a request that carries its CSRF token.
    CurrentStaff::optional(&state.sessions, &method, &request_headers).await?;
    if let Some(token) = auth::session_token(&request_headers) {
        state
            .store
            .delete_session(&auth::token_hash(&token))
            .await?;
    }
    let headers = cookie_header(auth::session_cookie(
        None,
        time::Duration::ZERO,
        state.config.secure_cookies(),
    ))?;
    Ok((axum::http::StatusCode::NO_CONTENT, headers))
}

#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth",
    responses(
        (status = 200, body = SessionResponse),
        (status = 401, body = gridline_core::ErrorResponse, description = "unauthenticated"),
    ))]
pub async fn me(CurrentStaff(user): CurrentStaff, headers: HeaderMap) -> ApiJson<SessionResponse> {
    // The extractor found a live session, so the cookie is there.
    let token = auth::session_token(&headers).unwrap_or_default();
    ApiJson(SessionResponse {
        user,
        csrf_token: auth::csrf_token(&token),
    })
}
