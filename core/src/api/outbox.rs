//! What the server has given up delivering (text messages, webhooks), for admins.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// One outbox item given up on after its last attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeadItem {
    pub id: i64,
    /// `sms` or `webhook`.
    pub kind: String,
    /// The ticket it concerns.
    pub tracking_code: Option<String>,
    /// The forwarding target of a webhook.
    pub target: Option<String>,
    pub attempts: u32,
    pub last_error: Option<String>,
    #[serde(with = "super::timestamp::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub dead_at: Option<OffsetDateTime>,
}

/// `GET /api/v1/outbox/dead`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeadItemsResponse {
    pub items: Vec<DeadItem>,
}
