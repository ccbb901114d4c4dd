//! `GET /healthz`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HealthResponse {
    /// `ok` when the server and its database answer.
    pub status: String,
    /// `sqlite` or `postgres`.
    pub database: String,
    pub version: String,
}
