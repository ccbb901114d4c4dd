//! Stats as stored: the records and the `StatsStore` trait. Its queries are in `sql.rs`,
//! written once for both backends and included by each (`store/sqlite.rs`, `store/postgres.rs`).

use async_trait::async_trait;
use gridline_core::api::ticket::RequestKind;
use gridline_core::ticket::Satisfaction;
use time::OffsetDateTime;

use crate::store::shared::StoreResult;

/// What evaluation counts are grouped by (besides the period).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateGrouping {
    /// Lead unit, grid and matter type: any grouping can be added up from these.
    Detail,
    /// Lead unit only.
    Unit,
}

/// The evaluation counts of one period (its index among the bounds asked for) and lead
/// unit, with the grid and matter type for [`RateGrouping::Detail`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateRow {
    pub period: usize,
    pub unit_code: String,
    pub region_code: Option<String>,
    pub matter_code: Option<String>,
    pub counts: gridline_core::stats::RateCounts,
}

/// Which tickets a drill-down lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RateScope {
    All,
    Unit(String),
    Matter(String),
    /// Tickets in any of these grids.
    Grids(Vec<String>),
    /// Tickets without a grid.
    NoGrid,
}

/// A ticket as the evaluation counts it.
#[derive(Debug, Clone, PartialEq)]
pub struct RatedTicketRow {
    pub tracking_code: String,
    pub matter_code: String,
    pub lead_unit_code: String,
    pub region_code: Option<String>,
    pub response_due: Option<OffsetDateTime>,
    pub responded_at: Option<OffsetDateTime>,
    pub handling_due: Option<OffsetDateTime>,
    pub resolved_at: Option<OffsetDateTime>,
    pub satisfaction: Option<Satisfaction>,
    pub counts: gridline_core::stats::RateCounts,
}

/// Tickets received in one period per grid and matter type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeRow {
    pub period: usize,
    pub region_code: Option<String>,
    pub matter_code: String,
    pub tickets: u64,
}

/// A ticket received in a report's period, as the repeat lists need it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceivedRow {
    pub tracking_code: String,
    pub matter_code: String,
    pub region_code: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub address: String,
    pub contact_phone: Option<String>,
    /// Answered (resolved, or closed).
    pub resolved: bool,
    pub lead_unit_code: Option<String>,
    pub created_at: OffsetDateTime,
}

/// The evaluation figures, counted in the database.
#[async_trait]
pub trait StatsStore: Send + Sync {
    /// The counts behind the evaluation rates of the dispatched tickets whose handling
    /// deadline is in one of the periods between consecutive `bounds` (ascending; the
    /// last is exclusive), read at `now`, per period and `grouping`, of one `kind` of
    /// request or all. One query.
    async fn rate_counts(
        &self,
        bounds: &[OffsetDateTime],
        now: OffsetDateTime,
        grouping: RateGrouping,
        kind: Option<RequestKind>,
    ) -> StoreResult<Vec<RateRow>>;

    /// How many tickets of `scope` due in `[from, to)` are behind `measure` read at
    /// `now`, and the first `limit` of them, nearest handling deadline first: exactly
    /// the tickets [`StatsStore::rate_counts`] counts for it.
    async fn rated_tickets(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
        now: OffsetDateTime,
        scope: &RateScope,
        measure: gridline_core::stats::Measure,
        limit: u32,
    ) -> StoreResult<(u64, Vec<RatedTicketRow>)>;

    /// Tickets received (by the time they were filed) in each period between
    /// consecutive `bounds`, per grid and matter type. One query.
    async fn intake_counts(
        &self,
        bounds: &[OffsetDateTime],
        kind: Option<RequestKind>,
    ) -> StoreResult<Vec<IntakeRow>>;

    /// The tickets received in `[from, to)` (merged ones too: a repeat is what they
    /// are), oldest first.
    async fn received_tickets(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
        kind: Option<RequestKind>,
    ) -> StoreResult<Vec<ReceivedRow>>;
}
