//! The one JSON error shape. Every error from the server, whatever the endpoint and
//! whatever failed (routing, body parsing, validation, the store), reaches the client as
//!
//! ```json
//! {"error": {"code": "validation_failed", "message": "…",
//!            "fields": [{"field": "username", "issue": "required", "message": "…"}],
//!            "request_id": "…"}}
//! ```
//!
//! `code` is stable and is what clients branch on (the app maps it to a translated
//! message); `message` is English for logs and API users; `fields` lists per-field
//! problems for validation errors; `request_id` matches the server's logs.

use serde::{Deserialize, Serialize};

/// Stable, machine-readable error codes. Unknown codes from a newer server read as
/// [`ErrorCode::Unknown`] so an older app keeps working.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request could not be read (malformed JSON, bad query string).
    BadRequest,
    /// The request was read but some fields are invalid; see `fields`.
    ValidationFailed,
    /// No valid session.
    Unauthenticated,
    /// Username or password wrong, or account disabled (deliberately not told apart).
    InvalidCredentials,
    /// Signed in, but not allowed to do this.
    Forbidden,
    /// A write with the session cookie lacked the session's CSRF token (header
    /// `x-csrf-token`, from the sign-in or `GET /auth/me` answer): fetch it and retry.
    CsrfRejected,
    /// The station tablet's enrollment was revoked by an admin (or never existed): it
    /// may not file any more until it is enrolled again.
    DeviceRevoked,
    NotFound,
    MethodNotAllowed,
    /// The request conflicts with what is stored (e.g. a duplicate).
    Conflict,
    /// The body is over the size limit.
    PayloadTooLarge,
    /// The body's content type (or detected content) is not accepted.
    UnsupportedMediaType,
    /// Too many attempts; try later.
    RateLimited,
    /// The server failed; details are in its logs under `request_id`.
    Internal,
    /// A dependency (the database) is unavailable.
    Unavailable,
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// The HTTP status this code is sent with.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::BadRequest => 400,
            ErrorCode::ValidationFailed => 422,
            ErrorCode::Unauthenticated | ErrorCode::InvalidCredentials => 401,
            ErrorCode::Forbidden | ErrorCode::CsrfRejected | ErrorCode::DeviceRevoked => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::Conflict => 409,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::RateLimited => 429,
            ErrorCode::Internal | ErrorCode::Unknown => 500,
            ErrorCode::Unavailable => 503,
        }
    }
}

/// What is wrong with one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FieldIssue {
    Required,
    TooShort,
    TooLong,
    Invalid,
    #[serde(other)]
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The field's name as in the request body (`photos[2]` for list items).
    pub field: String,
    pub issue: FieldIssue,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// The JSON body of every error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorResponse {
    pub error: ErrorBody,
}

impl ErrorResponse {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ErrorResponse {
            error: ErrorBody {
                code,
                message: message.into(),
                fields: Vec::new(),
                request_id: None,
            },
        }
    }

    pub fn with_fields(mut self, fields: Vec<FieldError>) -> Self {
        self.error.fields = fields;
        self
    }
}

/// Collects field problems while a request is checked, so a client learns of all of
/// them at once instead of one per round trip.
#[derive(Debug, Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: &str, issue: FieldIssue, message: impl Into<String>) {
        self.errors.push(FieldError {
            field: field.to_owned(),
            issue,
            message: message.into(),
        });
    }

    /// Checks a WGS 84 position: `lon` within [-180, 180], `lat` within [-90, 90].
    pub fn position(&mut self, lon: f64, lat: f64) {
        if !(lon.is_finite() && (-180.0..=180.0).contains(&lon)) {
            self.add("lon", FieldIssue::Invalid, "lon must be within [-180, 180]");
        }
        if !(lat.is_finite() && (-90.0..=90.0).contains(&lat)) {
            self.add("lat", FieldIssue::Invalid, "lat must be within [-90, 90]");
        }
    }

    /// Checks a required text field's length in characters (not bytes: Chinese text).
    pub fn text(&mut self, field: &str, value: &str, min: usize, max: usize) {
        let len = value.trim().chars().count();
        if len == 0 && min > 0 {
            self.add(field, FieldIssue::Required, format!("{field} is required"));
        } else if len < min {
            self.add(
                field,
                FieldIssue::TooShort,
                format!("{field} must have at least {min} characters"),
            );
        } else if value.chars().count() > max {
            self.add(
                field,
                FieldIssue::TooLong,
                format!("{field} must have at most {max} characters"),
            );
        }
    }

    /// `Ok` when nothing was added; otherwise the whole list.
    pub fn finish(self) -> Result<(), Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_is_stable() {
        let body =
            ErrorResponse::new(ErrorCode::ValidationFailed, "bad").with_fields(vec![FieldError {
                field: "username".into(),
                issue: FieldIssue::Required,
                message: "username is required".into(),
            }]);
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"error": {"code": "validation_failed", "message": "bad",
                "fields": [{"field": "username", "issue": "required",
                            "message": "username is required"}]}})
        );
    }

    #[test]
    fn unknown_codes_from_a_newer_server_still_parse() {
        let parsed: ErrorResponse = serde_json::from_str(
            r#"{"error":{"code":"brand_new","message":"x","fields":[{"field":"a","issue":"odd","message":"m"}]}}"#,
        )
        .unwrap();
        assert_eq!(parsed.error.code, ErrorCode::Unknown);
        assert_eq!(parsed.error.fields[0].issue, FieldIssue::Unknown);
    }

    #[test]
    fn validator_counts_characters_not_bytes() {
        let mut v = Validator::new();
        v.text("name", "网格员", 1, 3);
        assert!(v.finish().is_ok());

        let mut v = Validator::new();
        v.text("name", "   ", 1, 3);
        v.text("other", "网格员好", 1, 3);
        let errors = v.finish().unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].issue, FieldIssue::Required);
        assert_eq!(errors[1].issue, FieldIssue::TooLong);
    }

    #[test]
    fn every_code_maps_to_an_error_status() {
        for code in [
            ErrorCode::BadRequest,
            ErrorCode::ValidationFailed,
            ErrorCode::Unauthenticated,
            ErrorCode::NotFound,
            ErrorCode::PayloadTooLarge,
            ErrorCode::Internal,
        ] {
            assert!((400..600).contains(&code.http_status()));
        }
    }
}
