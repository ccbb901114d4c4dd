//! Web Push: the server's public key, and a browser's subscription to follow a ticket
//! (residents) or a staff member's queues.

use serde::{Deserialize, Serialize};

use super::error::{FieldError, FieldIssue, Validator};

/// `GET /api/v1/push/key`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushKeyResponse {
    /// The VAPID public key, base64url (`applicationServerKey`).
    pub public_key: String,
}

/// The keys of a subscription, as `PushSubscription.toJSON()` gives them (base64url).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubscriptionKeys {
    pub p256dh: String,
    pub auth: String,
}

/// A browser's push subscription, as `PushSubscription.toJSON()` gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Subscription {
    pub endpoint: String,
    pub keys: SubscriptionKeys,
}

/// `POST /api/v1/push/subscriptions`: this device follows a ticket. Proved like the
/// ticket's view: the phone's last four digits, or the filing device's secret header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowRequest {
    pub subscription: Subscription,
    pub tracking_code: String,
    #[serde(default)]
    pub phone_suffix: Option<String>,
    /// `zh` (the default) or `en`: the language of the notifications.
    #[serde(default)]
    pub lang: Option<String>,
}

/// `POST /api/v1/push/staff`: the signed-in staff member hears of their queues here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffSubscribeRequest {
    pub subscription: Subscription,
    #[serde(default)]
    pub lang: Option<String>,
}

/// The answer to a subscription: the ticket followed (none for staff).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushSubscribed {
    pub following: Option<String>,
}

/// The longest endpoint URL taken (push services' are a few hundred characters).
pub const ENDPOINT_MAX: usize = 1000;

impl Subscription {
    /// Checks the shape; the server checks the key itself and where the endpoint
    /// points.
    pub fn validate(&self, v: &mut Validator) {
        v.text("subscription.endpoint", &self.endpoint, 1, ENDPOINT_MAX);
        v.text("subscription.keys.p256dh", &self.keys.p256dh, 80, 100);
        v.text("subscription.keys.auth", &self.keys.auth, 16, 32);
    }
}

/// `zh` unless `en` is asked for; anything else is refused.
pub fn lang(requested: Option<&str>) -> Result<&'static str, FieldError> {
    match requested.map(str::trim) {
        None | Some("") | Some("zh") | Some("zh-CN") => Ok("zh"),
        Some("en") => Ok("en"),
        Some(_) => Err(FieldError {
            field: "lang".into(),
            issue: FieldIssue::Invalid,
            message: "zh or en".into(),
        }),
    }
}
