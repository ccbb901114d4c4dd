//! The server's error shape, shown as a friendly, translated message.

use gridline_core::{ErrorCode, FieldIssue};
use leptos::prelude::*;

use crate::api::ApiError;
use crate::i18n::{Key, use_i18n};

/// The translated headline for an error.
pub fn error_key(error: &ApiError) -> Key {
    let ApiError::Server(body) = error else {
        return Key::ErrNetwork;
    };
    match body.error.code {
        ErrorCode::BadRequest => Key::ErrBadRequest,
        ErrorCode::ValidationFailed => Key::ErrValidation,
        ErrorCode::Unauthenticated | ErrorCode::CsrfRejected => Key::ErrSignIn,
        ErrorCode::InvalidCredentials => Key::ErrCredentials,
        ErrorCode::Forbidden => Key::ErrForbidden,
        ErrorCode::DeviceRevoked => Key::ErrDeviceRevoked,
        ErrorCode::NotFound | ErrorCode::MethodNotAllowed => Key::ErrNotFound,
        ErrorCode::Conflict => Key::ErrConflict,
        ErrorCode::PayloadTooLarge => Key::ErrTooLarge,
        ErrorCode::UnsupportedMediaType => Key::ErrUnsupported,
        ErrorCode::RateLimited => Key::ErrRateLimited,
        ErrorCode::Unavailable => Key::ErrUnavailable,
        ErrorCode::Internal | ErrorCode::Unknown => Key::ErrServer,
    }
}

fn field_key(field: &str) -> Option<Key> {
    match field {
        "username" => Some(Key::Username),
        "password" => Some(Key::Password),
        _ => None,
    }
}

fn issue_key(issue: FieldIssue) -> Key {
    match issue {
        FieldIssue::Required => Key::IssueRequired,
        FieldIssue::TooShort => Key::IssueTooShort,
        FieldIssue::TooLong => Key::IssueTooLong,
        FieldIssue::Invalid | FieldIssue::Unknown => Key::IssueInvalid,
    }
}

/// Shows an error: a headline, the bad fields for validation errors, and the request
/// id for server failures (so a caller to the hotline can quote it).
#[component]
pub fn ErrorNotice(
    /// The error to show.
    error: ApiError,
) -> impl IntoView {
    let i18n = use_i18n();
    let headline = error_key(&error);
    let (fields, reference) = match &error {
        ApiError::Server(body) => (
            body.error.fields.clone(),
            body.error
                .request_id
                .clone()
                .filter(|_| matches!(headline, Key::ErrServer | Key::ErrUnavailable)),
        ),
        ApiError::Network => (Vec::new(), None),
    };
    let field_items = fields
        .into_iter()
        .map(|f| {
            let name = f.field.clone();
            view! {
                <li>
                    {move || field_key(&name).map(|k| i18n.t(k).to_owned()).unwrap_or_else(|| name.clone())}
                    {move || i18n.t(Key::FieldSeparator)}
                    {move || i18n.t(issue_key(f.issue))}
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="error-notice" role="alert" data-testid="error-notice">
            <p>{move || i18n.t(headline)}</p>
            <ul>{field_items}</ul>
            {reference.map(|id| view! { <p class="error-ref">{move || i18n.t(Key::ErrReference)} " " {id.clone()}</p> })}
        </div>
    }
}
