//! Staff sign-in. Residents have no accounts.

use serde::{Deserialize, Serialize};

use super::error::{FieldError, Validator};
use crate::Role;

pub const USERNAME_MAX: usize = 64;
pub const PASSWORD_MAX: usize = 256;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

impl LoginRequest {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validator::new();
        v.text("username", &self.username, 1, USERNAME_MAX);
        // Passwords are not trimmed: a space is a character like any other.
        if self.password.is_empty() {
            v.add(
                "password",
                super::error::FieldIssue::Required,
                "password is required",
            );
        } else {
            v.text("password", &self.password, 0, PASSWORD_MAX);
        }
        v.finish()
    }
}

/// The signed-in staff member, as the app needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffProfile {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionResponse {
    pub user: StaffProfile,
    /// Send it as the `x-csrf-token` header with every write (POST) made with the
    /// session cookie. It belongs to this session.
    pub csrf_token: String,
}

/// The header that carries the session's CSRF token on writes.
pub const CSRF_HEADER: &str = "x-csrf-token";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_request_reports_every_bad_field() {
        let req = LoginRequest {
            username: " ".into(),
            password: String::new(),
        };
        let errors = req.validate().unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["username", "password"]);

        let ok = LoginRequest {
            username: "worker1".into(),
            password: " pass word ".into(),
        };
        assert!(ok.validate().is_ok());
    }
}
