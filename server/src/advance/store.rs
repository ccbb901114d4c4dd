//! Preventive measures and the previous system's tickets as stored: the `AdvanceStore`
//! trait. Its queries are in `sql.rs`, written once for both backends and included by
//! each (`store/sqlite.rs`, `store/postgres.rs`).

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::advance::history::PastTicket;
use crate::store::shared::StoreResult;

/// A preventive measure, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureRecord {
    pub matter_code: String,
    pub street_code: String,
    /// The notice's Monday, `YYYY-MM-DD`.
    pub week_from: String,
    pub unit_code: Option<String>,
    pub staff_id: Option<i64>,
    pub at: OffsetDateTime,
    pub note: String,
}

#[async_trait]
pub trait AdvanceStore: Send + Sync {
    async fn add_preventive_measure(&self, measure: &MeasureRecord) -> StoreResult<()>;

    /// The measures of the weeks from `from` up to `to` (Mondays, `YYYY-MM-DD`, `to`
    /// excluded), oldest first.
    async fn preventive_measures(&self, from: &str, to: &str) -> StoreResult<Vec<MeasureRecord>>;

    /// Adds the previous system's tickets whose `source_id` is not stored yet, all or
    /// none; how many were added.
    async fn add_past_tickets(&self, tickets: &[PastTicket]) -> StoreResult<u64>;

    /// The previous system's tickets received from `from` up to `to`, oldest first.
    async fn past_tickets(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
    ) -> StoreResult<Vec<PastTicket>>;
}
