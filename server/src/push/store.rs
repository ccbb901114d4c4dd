//! Push as stored: the records and the `PushStore` trait. Its queries are in `sql.rs`,
//! written once for both backends and included by each (`store/sqlite.rs`, `store/postgres.rs`).

use async_trait::async_trait;
use gridline_core::Role;
use time::OffsetDateTime;

use crate::store::shared::StoreResult;

/// A browser's Web Push subscription, as `PushSubscription.toJSON()` gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPushSubscription {
    pub endpoint: String,
    /// The browser's P-256 key, base64url.
    pub p256dh: String,
    /// The browser's 16-byte authentication secret, base64url.
    pub auth: String,
    /// `zh` or `en`: the language notifications are written in.
    pub lang: String,
    /// The staff member it belongs to, for their queues.
    pub staff_id: Option<i64>,
    /// The hash of the session that subscribed it for the staff member: the queue
    /// notifications end with that session.
    pub session_hash: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushSubscription {
    pub id: i64,
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
    pub lang: String,
    pub staff_id: Option<i64>,
}

/// A staff member's subscription, with what decides which queues they hear of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffSubscription {
    pub subscription: PushSubscription,
    pub roles: Vec<Role>,
    pub units: Vec<String>,
}

/// Web Push subscriptions and the tickets they follow.
#[async_trait]
pub trait PushStore: Send + Sync {
    /// Keeps a browser's push subscription (one row per endpoint); returns its id.
    async fn save_push_subscription(&self, subscription: &NewPushSubscription) -> StoreResult<i64>;

    /// The subscription hears of every public change of the ticket from now on.
    /// Lets a subscription hear of a ticket, unless the ticket has `cap` followers
    /// already; `true` when it follows the ticket now (also when it did before).
    async fn follow_ticket(
        &self,
        subscription_id: i64,
        ticket_id: i64,
        cap: usize,
    ) -> StoreResult<bool>;

    async fn push_subscription(&self, id: i64) -> StoreResult<Option<PushSubscription>>;

    /// Forgets a subscription the push service no longer knows (404/410).
    async fn delete_push_subscription(&self, id: i64) -> StoreResult<()>;

    /// The subscriptions following a ticket.
    async fn ticket_followers(&self, ticket_id: i64) -> StoreResult<Vec<PushSubscription>>;

    /// Every enabled staff member's subscriptions whose session is live at `now`, with
    /// their roles and units. (A session past its absolute lifetime is purged within
    /// the hour.)
    async fn staff_subscriptions(&self, now: OffsetDateTime)
    -> StoreResult<Vec<StaffSubscription>>;
}
