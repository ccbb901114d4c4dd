//! Tickets as stored: the records and the `TicketStore` trait. Its queries are in `sql.rs`,
//! written once for both backends and included by each (`store/sqlite.rs`, `store/postgres.rs`).

use async_trait::async_trait;
use gridline_core::api::station::Consent;
use gridline_core::api::ticket::{Channel, TimelineEntry};
use gridline_core::ticket::{Satisfaction, TicketState};
use time::OffsetDateTime;

use crate::outbox::store::NewOutboxItem;
use crate::store::shared::StoreResult;

/// A ticket as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketRecord {
    pub id: i64,
    pub tracking_code: String,
    pub client_id: Option<String>,
    pub channel: Channel,
    pub matter_code: String,
    pub region_code: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub address: String,
    pub description: String,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    /// SHA-256 (hex) of the filing device's secret.
    pub device_secret_hash: Option<String>,
    pub state: TicketState,
    pub lead_unit_code: Option<String>,
    /// Handling time in working days: the deadline rules' at the last dispatch, or a
    /// dispatcher's since.
    pub tier_days: u8,
    pub urgent: bool,
    pub created_at: OffsetDateTime,
    pub dispatched_at: Option<OffsetDateTime>,
    pub response_due: Option<OffsetDateTime>,
    /// When to warn the unit (a share of the handling time, see `deadlines`).
    pub warn_at: Option<OffsetDateTime>,
    pub handling_due: Option<OffsetDateTime>,
    pub deadline_estimated: bool,
    pub responded_at: Option<OffsetDateTime>,
    pub resolved_at: Option<OffsetDateTime>,
    pub closed_at: Option<OffsetDateTime>,
    pub warned_at: Option<OffsetDateTime>,
    pub response_overdue_at: Option<OffsetDateTime>,
    pub overdue_at: Option<OffsetDateTime>,
    /// The complainant's rating of the latest resolution (cleared when reopened).
    pub satisfaction: Option<Satisfaction>,
    /// How often it was reopened after being done.
    pub reopen_count: u32,
    /// Rated dissatisfied after a reopening: a supervisor decides (不满意复核).
    pub review_pending: bool,
    /// The community station that filed it on a resident's behalf.
    pub station_id: Option<i64>,
    /// How that resident agreed (station filings only).
    pub consent: Option<Consent>,
    /// The ticket it was merged into (it follows that one's steps).
    pub merged_into: Option<i64>,
    /// The police (110) system it is linked with (a forwarding target of kind
    /// `police`): handed over by it (channel `police`), or transferred to it (a police
    /// matter). That system is told of every change.
    pub police_target: Option<i64>,
    /// The resident agreed, when filing, to be texted when it is done and asked for a
    /// rating.
    pub sms_consent: bool,
    /// The telephone system's id of the call it was filed from (hotline filings).
    pub call_id: Option<String>,
    /// 民生, 发展 or 执法.
    pub kind: gridline_core::api::ticket::RequestKind,
    /// A development request's enterprise and its unified social credit code.
    pub enterprise_name: Option<String>,
    pub credit_code: Option<String>,
    /// Supervision checkpoints (督办节点) it gets, 1 to 4: its matter type's, or the
    /// dispatcher's.
    pub complexity: u8,
    /// Checkpoints passed since the last dispatch.
    pub checks_done: u8,
    /// When the next checkpoint is (none: no more, or not dispatched).
    pub next_check_at: Option<OffsetDateTime>,
    /// Since when a checkpoint found it without progress (cleared when its unit acts).
    pub stalled_at: Option<OffsetDateTime>,
}

/// What a ticket was when it was read: a change is saved only if it still is (someone
/// else may have acted meanwhile).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TicketVersion {
    pub state: TicketState,
    pub rated: bool,
    pub reopen_count: u32,
    /// The dispatch and its checkpoints as read: a change that lays out new ones (a
    /// dispatch) writes them; any other keeps what the checkpoint runner may have
    /// written meanwhile.
    pub schedule: CheckSchedule,
}

/// When a ticket was dispatched, how many checkpoints have passed and when the next is.
pub type CheckSchedule = (Option<OffsetDateTime>, u8, Option<OffsetDateTime>);

impl TicketVersion {
    pub fn of(ticket: &TicketRecord) -> TicketVersion {
        TicketVersion {
            state: ticket.state,
            rated: ticket.satisfaction.is_some(),
            reopen_count: ticket.reopen_count,
            schedule: schedule_of(ticket),
        }
    }
}

pub fn schedule_of(ticket: &TicketRecord) -> CheckSchedule {
    (
        ticket.dispatched_at,
        ticket.checks_done,
        ticket.next_check_at,
    )
}

/// A new entry on a ticket's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    pub at: OffsetDateTime,
    pub kind: String,
    pub staff_id: Option<i64>,
    pub unit_code: Option<String>,
    pub public: bool,
    pub note: String,
    /// Media ids (already stored) this entry shows, in order.
    pub media: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Created {
    New(TicketRecord),
    /// The client id was seen before: the ticket made then.
    Existing(TicketRecord),
}

/// What the deadline job notices, once per ticket each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// A share of the handling time has passed (预警).
    Warning,
    /// Not accepted within the response time.
    ResponseOverdue,
    /// Not resolved by the handling deadline (超期).
    Overdue,
    /// Done a day ago and not rated: the resident who agreed is asked by text (回访).
    RatingRequest,
}

impl Notice {
    pub const ALL: [Notice; 4] = [
        Notice::Warning,
        Notice::ResponseOverdue,
        Notice::Overdue,
        Notice::RatingRequest,
    ];

    /// How long after the resolution a rating is asked for.
    pub const RATING_REQUEST_AFTER: time::Duration = time::Duration::hours(24);

    pub fn kind(self) -> &'static str {
        match self {
            Notice::Warning => "deadline_warning",
            Notice::ResponseOverdue => "response_overdue",
            Notice::Overdue => "overdue",
            Notice::RatingRequest => "rating_requested",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketFilter {
    /// Open tickets led or co-handled by any of these units, nearest deadline first.
    OpenForUnits(Vec<String>),
    /// Waiting for a dispatcher: not routed, or a return request to decide.
    ForDispatchers,
    /// Open and past the handling deadline.
    Overdue,
    /// Open, and a checkpoint found no progress since which the unit has not acted.
    Stalled,
    /// Done and rated dissatisfied after a reopening: for supervisors.
    ReviewPending,
    /// Not closed, in any of these grids (a grid worker's, cached for verification).
    NotClosedInGrids(Vec<String>),
}

/// A page of a list: at most `limit` rows after skipping `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub limit: usize,
    pub offset: usize,
}

impl Page {
    /// The first `limit` rows.
    pub fn first(limit: usize) -> Page {
        Page { limit, offset: 0 }
    }
}

/// Tickets, their timelines and their deadline notices.
#[async_trait]
pub trait TicketStore: Send + Sync {
    /// Stores a new ticket with its first timeline entries; a client id seen before
    /// returns the ticket made then, unchanged.
    async fn create_ticket(
        &self,
        ticket: &TicketRecord,
        events: &[NewEvent],
        outbox: &[NewOutboxItem],
    ) -> StoreResult<Created>;

    async fn ticket_by_code(&self, tracking_code: &str) -> StoreResult<Option<TicketRecord>>;

    async fn ticket_by_id(&self, id: i64) -> StoreResult<Option<TicketRecord>>;

    /// The id of the newest entry on a ticket's timeline (`None`: no such ticket).
    async fn last_event_id(&self, tracking_code: &str) -> StoreResult<Option<i64>>;

    async fn ticket_timeline(&self, ticket_id: i64) -> StoreResult<Vec<TimelineEntry>>;

    /// Writes a ticket's changed state and one timeline entry, if the ticket is still as
    /// `expected` (someone else may have acted meanwhile); false when it was not.
    async fn save_ticket(
        &self,
        ticket: &TicketRecord,
        expected: &TicketVersion,
        event: &NewEvent,
        outbox: &[NewOutboxItem],
    ) -> StoreResult<bool>;

    /// The open tickets whose next supervision checkpoint is due at `now`.
    async fn due_checkpoints(&self, now: OffsetDateTime) -> StoreResult<Vec<i64>>;

    /// Whether the ticket's timeline has a unit's progress (accepted, progress,
    /// resolved) since its last checkpoint, or since it was dispatched at
    /// `dispatched_at` when none has passed.
    async fn progressed_since_check(
        &self,
        ticket_id: i64,
        dispatched_at: OffsetDateTime,
    ) -> StoreResult<bool>;

    /// Records the ticket's next checkpoint once (false: another process did, or the
    /// ticket was dispatched again or closed meanwhile): the count, the next one,
    /// whether it is stalled, with the timeline entries and outbox items.
    async fn record_checkpoint(
        &self,
        ticket: &TicketRecord,
        next: Option<OffsetDateTime>,
        stalled_at: Option<OffsetDateTime>,
        events: &[NewEvent],
        outbox: &[NewOutboxItem],
    ) -> StoreResult<bool>;

    /// One page of the tickets `filter` selects (of one kind, if `kind`), in its order
    /// (nearest deadline first; the dispatchers' oldest first).
    async fn list_tickets(
        &self,
        filter: &TicketFilter,
        kind: Option<gridline_core::api::ticket::RequestKind>,
        page: Page,
    ) -> StoreResult<Vec<TicketRecord>>;

    /// Tickets for which `notice` is due at `now` and not yet recorded.
    async fn due_notices(&self, notice: Notice, now: OffsetDateTime) -> StoreResult<Vec<i64>>;

    /// Records `notice` once: false when it was recorded already (by another process).
    async fn record_notice(
        &self,
        ticket_id: i64,
        notice: Notice,
        events: &[NewEvent],
        outbox: &[NewOutboxItem],
    ) -> StoreResult<bool>;

    /// Adds a co-handling unit with its timeline entry; false when it was one already.
    async fn add_co_unit(
        &self,
        ticket_id: i64,
        unit_code: &str,
        event: &NewEvent,
    ) -> StoreResult<bool>;

    async fn co_units(&self, ticket_id: i64) -> StoreResult<Vec<String>>;

    /// The matter types most filed since `since`, most first.
    async fn most_filed_matters(
        &self,
        since: OffsetDateTime,
        limit: u32,
    ) -> StoreResult<Vec<String>>;

    /// Adds timeline entries and their outbox items to a ticket without changing it.
    async fn append_events(
        &self,
        ticket_id: i64,
        events: &[NewEvent],
        outbox: &[NewOutboxItem],
    ) -> StoreResult<()>;
}
