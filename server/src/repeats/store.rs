//! Repeats as stored: the records and the `RepeatStore` trait. Its queries are in `sql.rs`,
//! written once for both backends and included by each (`store/sqlite.rs`, `store/postgres.rs`).

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::outbox::store::NewOutboxItem;
use crate::store::shared::StoreResult;
use crate::tickets::store::{NewEvent, TicketRecord, TicketVersion};

/// A ticket filed near a place: what the similar-reports list shows.
#[derive(Debug, Clone, PartialEq)]
pub struct NearbyRow {
    pub id: i64,
    pub tracking_code: String,
    pub status: String,
    pub lon: f64,
    pub lat: f64,
    pub created_at: OffsetDateTime,
    pub address: String,
    /// The tracking code of the ticket it was merged into.
    pub merged_into: Option<String>,
}

/// Similar reports near each other, and merging them.
#[async_trait]
pub trait RepeatStore: Send + Sync {
    /// Tickets of `matter_code` filed in `[from, to]` (both included) with a position
    /// inside `(west, south, east, north)`, oldest first, at most 1000.
    async fn nearby_tickets(
        &self,
        matter_code: &str,
        from: OffsetDateTime,
        to: OffsetDateTime,
        bounds: (f64, f64, f64, f64),
    ) -> StoreResult<Vec<NearbyRow>>;

    /// Saves `dup` (closed) as merged into `lead_id` with its timeline entries and outbox
    /// items, unless it changed meanwhile, was merged already, leads merged tickets
    /// itself, or the lead is merged into another: then false.
    async fn merge_ticket(
        &self,
        dup: &TicketRecord,
        expected: &TicketVersion,
        lead_id: i64,
        events: &[NewEvent],
        outbox: &[NewOutboxItem],
    ) -> StoreResult<bool>;

    /// The tickets merged into `lead_id`.
    async fn merged_ids(&self, lead_id: i64) -> StoreResult<Vec<i64>>;
}
