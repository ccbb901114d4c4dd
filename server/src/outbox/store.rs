//! Outbox as stored: the records and the `OutboxStore` trait. Its queries are in `sql.rs`,
//! written once for both backends and included by each (`store/sqlite.rs`, `store/postgres.rs`).

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::store::shared::StoreResult;

/// Something to deliver out of the system once the change that causes it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOutboxItem {
    /// `sms` (a text message to the ticket's contact phone) or `webhook` (to a
    /// forwarding target).
    pub kind: String,
    /// The forwarding target of a webhook.
    pub target_id: Option<i64>,
    /// JSON: what to say (`{"message": "station_filed"}`), never the personal data.
    pub payload: String,
    /// The items of one ticket and one lane go out in the order they were written, each
    /// after the one before is delivered (or given up on); lanes do not wait for each
    /// other. One lane per receiver: `webhook:<target>`, `open311:<target>`, `sms`,
    /// `push:<subscription>`.
    pub lane: String,
}

impl NewOutboxItem {
    /// An item for a forwarding target, in that target's lane.
    pub fn for_target(kind: &str, target_id: i64, payload: String) -> NewOutboxItem {
        NewOutboxItem {
            kind: kind.to_owned(),
            target_id: Some(target_id),
            payload,
            lane: format!("{kind}:{target_id}"),
        }
    }
}

/// An outbox item taken for delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxItem {
    pub id: i64,
    pub kind: String,
    pub ticket_id: Option<i64>,
    pub target_id: Option<i64>,
    pub payload: String,
    /// Attempts so far, this one included.
    pub attempts: u32,
}

/// An outbox item as stored (for admins and tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRow {
    pub item: OutboxItem,
    pub delivered_at: Option<OffsetDateTime>,
    pub dead_at: Option<OffsetDateTime>,
    pub last_error: Option<String>,
}

/// A dispatch system tickets are forwarded to, by the unit they are dispatched to or
/// by their matter type (one of the two); or the police system (neither).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewForwardTarget {
    pub name: String,
    /// A webhook's URL, or an Open311 endpoint's base (…/open311/v2).
    pub url: String,
    /// The HMAC-SHA256 key a webhook is signed with; an Open311 endpoint's api_key.
    pub secret: String,
    pub unit_code: Option<String>,
    pub matter_code: Option<String>,
    pub kind: TargetKind,
    /// Open311: the `jurisdiction_id` sent along, when the endpoint wants one.
    pub jurisdiction_id: Option<String>,
    /// Open311: the endpoint's `service_code` for these tickets (else the matter code).
    pub service_code: Option<String>,
}

/// How tickets reach a forwarding target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TargetKind {
    /// Every change, as a signed webhook.
    #[default]
    Webhook,
    /// The ticket once, as an Open311 service request; its progress is polled back.
    Open311,
    /// The city's police (110) system (110 联动), by neither unit nor matter type: the
    /// tickets of police matter types are transferred to it, it hands tickets over
    /// (`POST /api/v1/forwarding/{target}/tickets`), and it is told of every change of
    /// the tickets linked with it either way, as signed webhooks.
    Police,
}

impl TargetKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::Webhook => "webhook",
            TargetKind::Open311 => "open311",
            TargetKind::Police => "police",
        }
    }

    pub fn parse(s: &str) -> Option<TargetKind> {
        [TargetKind::Webhook, TargetKind::Open311, TargetKind::Police]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardTarget {
    pub id: i64,
    pub name: String,
    pub url: String,
    pub secret: String,
    pub unit_code: Option<String>,
    pub matter_code: Option<String>,
    pub disabled: bool,
    pub kind: TargetKind,
    pub jurisdiction_id: Option<String>,
    pub service_code: Option<String>,
}

/// A ticket sent to an Open311 endpoint: its id there (or the token it is known by
/// until the endpoint gives one), and what was last read of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardLink {
    pub target_id: i64,
    pub ticket_id: i64,
    pub service_request_id: Option<String>,
    pub token: Option<String>,
    /// `open` or `closed`.
    pub status: String,
    pub status_notes: String,
}

impl ForwardTarget {
    /// Whether a ticket of `matter_code`, led by `lead_unit`, goes to this target (a
    /// police system takes only the tickets linked with it: [`ForwardTarget::linked`]).
    pub fn takes(&self, matter_code: &str, lead_unit: Option<&str>) -> bool {
        !self.disabled
            && (self.matter_code.as_deref() == Some(matter_code)
                || (self.unit_code.is_some() && self.unit_code.as_deref() == lead_unit))
    }

    /// Whether this is the police system a ticket is linked with (handed over by it, or
    /// transferred to it: the ticket's `police_target`), still told of its changes.
    pub fn linked(&self, police_target: Option<i64>) -> bool {
        !self.disabled && self.kind == TargetKind::Police && police_target == Some(self.id)
    }
}

/// The outbox, the forwarding targets and what they were sent.
#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Takes the next outbox item due at `now` (oldest first, after every earlier
    /// undelivered item of its ticket) for delivery until `lease_until`, counting the
    /// attempt; another process takes it only once that lease has run out.
    async fn claim_outbox(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
    ) -> StoreResult<Option<OutboxItem>>;

    async fn outbox_delivered(&self, id: i64, now: OffsetDateTime) -> StoreResult<()>;

    /// Records a failed attempt: tried again at `retry_at`, or dead (`None`).
    async fn outbox_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: Option<OffsetDateTime>,
        now: OffsetDateTime,
    ) -> StoreResult<()>;

    /// A ticket's outbox items, oldest first.
    async fn outbox_items(&self, ticket_id: i64) -> StoreResult<Vec<OutboxRow>>;

    /// Notes a report from a dispatch system by its idempotency key: `false` when it
    /// came before.
    async fn record_inbound(
        &self,
        target_id: i64,
        key: &str,
        now: OffsetDateTime,
    ) -> StoreResult<bool>;

    /// Forgets a report that could not be applied (so its retry is applied).
    async fn forget_inbound(&self, target_id: i64, key: &str) -> StoreResult<()>;

    /// The items given up on, oldest first.
    async fn dead_outbox(&self) -> StoreResult<Vec<OutboxRow>>;

    /// Puts a dead item back in line (attempts from zero); `false` if it is not dead.
    async fn requeue_outbox(&self, id: i64, now: OffsetDateTime) -> StoreResult<bool>;

    async fn add_forward_target(&self, target: &NewForwardTarget) -> StoreResult<i64>;

    /// Every forwarding target, by name (secrets included: for the server only).
    async fn forward_targets(&self) -> StoreResult<Vec<ForwardTarget>>;

    /// `false` when there is no such target.
    async fn set_forward_target_disabled(&self, name: &str, disabled: bool) -> StoreResult<bool>;

    /// The ticket's link to an Open311 target, once it was sent there.
    async fn forward_link(
        &self,
        target_id: i64,
        ticket_id: i64,
    ) -> StoreResult<Option<ForwardLink>>;

    /// Records that a ticket was sent; `false` when it was recorded before.
    async fn add_forward_link(&self, link: &ForwardLink) -> StoreResult<bool>;

    /// A target's links that are not closed there (polled for progress).
    async fn open_forward_links(&self, target_id: i64) -> StoreResult<Vec<ForwardLink>>;

    /// Moves a link from `before` to `after` only if it still reads `before` (so of two
    /// processes polling, one applies a change); `false` otherwise.
    async fn update_forward_link(
        &self,
        before: &ForwardLink,
        after: &ForwardLink,
    ) -> StoreResult<bool>;
}
