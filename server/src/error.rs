//! The server's one error type and how it becomes the JSON error shape of
//! `gridline_core::api::error`. Internal details are logged with the request id and
//! never sent; the client gets the stable code and the id to quote.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use gridline_core::{ErrorCode, ErrorResponse, FieldError};
use serde::de::DeserializeOwned;

use crate::store::shared::StoreError;

tokio::task_local! {
    /// The id of the request being handled (set by `serve::request_id_scope`).
    pub static REQUEST_ID: String;
}

fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A client error with a stable code and an English message.
    #[error("{1}")]
    Client(ErrorCode, String),
    /// Refused by a limit (429), with how long until the client may try again (its
    /// `Retry-After`).
    #[error("{0}")]
    Limited(String, std::time::Duration),
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Internal(String),
}

impl AppError {
    pub fn client(code: ErrorCode, message: impl Into<String>) -> Self {
        AppError::Client(code, message.into())
    }

    pub fn not_found() -> Self {
        AppError::client(ErrorCode::NotFound, "no such resource")
    }

    /// Refused by a limit (429): too many `what` (plural); when to try again.
    pub fn rate_limited(what: &str, wait: std::time::Duration) -> Self {
        AppError::Limited(
            format!(
                "too many {what}; try again in {} minutes",
                wait.as_secs().div_ceil(60).max(1)
            ),
            wait,
        )
    }

    pub fn unauthenticated() -> Self {
        AppError::client(ErrorCode::Unauthenticated, "sign in first")
    }

    fn to_body(&self) -> ErrorResponse {
        match self {
            AppError::Client(code, message) => ErrorResponse::new(*code, message.clone()),
            AppError::Limited(message, _) => {
                ErrorResponse::new(ErrorCode::RateLimited, message.clone())
            }
            AppError::Validation(fields) => {
                ErrorResponse::new(ErrorCode::ValidationFailed, "some fields are invalid")
                    .with_fields(fields.clone())
            }
            AppError::Store(StoreError::Conflict(message)) => {
                ErrorResponse::new(ErrorCode::Conflict, message.clone())
            }
            AppError::Store(StoreError::Database(sqlx::Error::PoolTimedOut)) => {
                ErrorResponse::new(ErrorCode::Unavailable, "the database is not answering")
            }
            AppError::Store(_) | AppError::Internal(_) => {
                ErrorResponse::new(ErrorCode::Internal, "internal error")
            }
        }
    }
}

/// Builds an error response in the one shape, stamped with the request id.
pub fn error_response(mut body: ErrorResponse) -> Response {
    body.error.request_id = current_request_id();
    let status = StatusCode::from_u16(body.error.code.http_status())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(body)).into_response()
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let body = self.to_body();
        if body.error.code == ErrorCode::Internal || body.error.code == ErrorCode::Unavailable {
            // The detail goes to the log only; the request id links the two.
            tracing::error!(error = %self, "request failed");
        }
        let mut response = error_response(body);
        if let AppError::Limited(_, wait) = self {
            // Whole seconds, rounded up: a client that waits that long is let through.
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(seconds.max(1)),
            );
        }
        response
    }
}

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::JsonSyntaxError(e) => AppError::client(
                ErrorCode::BadRequest,
                format!("malformed JSON: {}", e.body_text()),
            ),
            JsonRejection::JsonDataError(e) => AppError::client(
                ErrorCode::ValidationFailed,
                format!("unexpected JSON: {}", e.body_text()),
            ),
            JsonRejection::MissingJsonContentType(_) => AppError::client(
                ErrorCode::UnsupportedMediaType,
                "expected Content-Type: application/json",
            ),
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                AppError::client(ErrorCode::PayloadTooLarge, "request body is too large")
            }
            other => AppError::client(ErrorCode::BadRequest, other.body_text()),
        }
    }
}

/// `axum::Json` whose rejections come out in the one error shape.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Json(value) = axum::Json::<T>::from_request(req, state).await?;
        Ok(ApiJson(value))
    }
}

impl<T: serde::Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

impl From<QueryRejection> for AppError {
    fn from(rejection: QueryRejection) -> Self {
        AppError::client(
            ErrorCode::BadRequest,
            format!("bad query: {}", rejection.body_text()),
        )
    }
}

/// `axum::extract::Query` whose rejections come out in the one error shape.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Query(value) =
            axum::extract::Query::<T>::from_request_parts(parts, state).await?;
        Ok(ApiQuery(value))
    }
}

pub type AppResult<T> = Result<T, AppError>;
