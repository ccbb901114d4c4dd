//! Field as stored: the records and the `FieldStore` trait. Its queries are in `sql.rs`,
//! written once for both backends and included by each (`store/sqlite.rs`, `store/postgres.rs`).

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::store::shared::StoreResult;
use crate::tickets::store::NewEvent;

/// One revision of a grid worker's patrol or finding, as it arrived.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldRevision {
    pub device_id: String,
    pub record_id: String,
    pub revision: u32,
    /// `patrol` or `finding`.
    pub kind: &'static str,
    pub staff_id: i64,
    pub grid_code: String,
    /// The record as JSON.
    pub body: String,
    pub media: Vec<String>,
    pub received_at: OffsetDateTime,
}

/// What storing a field revision did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldSaved {
    /// Stored now (`true`) or stored before (`false`), with the newest revision the
    /// server holds of the record and the ticket it is linked to.
    Saved {
        new: bool,
        current_revision: u32,
        /// The ticket the record is linked to: its id and tracking code.
        ticket: Option<(i64, String)>,
    },
    /// The record id belongs to another account's record.
    OtherOwner,
}

/// The newest revision of a field record.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldRecordRow {
    pub device_id: String,
    pub record_id: String,
    pub kind: String,
    pub revision: u32,
    pub grid_code: String,
    pub body: String,
    pub ticket_code: Option<String>,
    pub media: Vec<String>,
}

/// Grid workers' field records, revised from devices.
#[async_trait]
pub trait FieldStore: Send + Sync {
    /// Stores a revision of a field record once; the record's newest revision moves only
    /// forward.
    async fn save_field_revision(&self, revision: &FieldRevision) -> StoreResult<FieldSaved>;

    /// Links a field record to a ticket and adds its entry (a verification visit) to
    /// the ticket's timeline, in one transaction and once: `false` when the record was
    /// linked already (the same revision synced twice at once).
    async fn append_field_event(
        &self,
        device_id: &str,
        record_id: &str,
        ticket_id: i64,
        event: &NewEvent,
    ) -> StoreResult<bool>;

    /// Links a field record to a ticket (a finding reported upward, a verification).
    async fn link_field_ticket(
        &self,
        device_id: &str,
        record_id: &str,
        ticket_id: i64,
    ) -> StoreResult<()>;

    /// The newest revision of each field record of `staff_id`, oldest first.
    async fn field_records(&self, staff_id: i64) -> StoreResult<Vec<FieldRecordRow>>;
}
