//! Monthly topics as stored: the records and the `TopicStore` trait. Its queries are in
//! `sql.rs`, written once for both backends and included by each (`store/sqlite.rs`,
//! `store/postgres.rs`).

use async_trait::async_trait;
use gridline_core::api::topic::TopicMeasure;
use gridline_core::ticket::Status;
use time::OffsetDateTime;

use crate::store::shared::StoreResult;

/// A topic as stored (its figures are counted when it is read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicRecord {
    pub id: i64,
    pub month: String,
    pub title: String,
    pub matter_code: String,
    pub region_code: Option<String>,
    pub lead_unit_code: String,
    pub unit_codes: Vec<String>,
    pub opened_at: OffsetDateTime,
    pub opened_by: Option<i64>,
    pub closed_at: Option<OffsetDateTime>,
    pub close_note: Option<String>,
}

/// A ticket of a topic's class, as its figures need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassTicket {
    pub tracking_code: String,
    pub matter_code: String,
    pub region_code: Option<String>,
    pub status: Status,
    pub created_at: OffsetDateTime,
    pub resolved: bool,
}

/// A measure to add to a topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMeasure {
    pub at: OffsetDateTime,
    pub staff_id: i64,
    pub unit_code: Option<String>,
    pub note: String,
    pub households: Option<u32>,
}

#[async_trait]
pub trait TopicStore: Send + Sync {
    /// Stores a new topic with its units (`id` and `closed_at` are ignored); its id.
    async fn create_topic(&self, topic: &TopicRecord) -> StoreResult<i64>;

    /// Every topic, the latest month first.
    async fn topics(&self) -> StoreResult<Vec<TopicRecord>>;

    async fn topic(&self, id: i64) -> StoreResult<Option<TopicRecord>>;

    /// Adds a measure to an open topic; false when it is closed (or not there).
    async fn add_topic_measure(&self, topic_id: i64, measure: &NewMeasure) -> StoreResult<bool>;

    /// A topic's measures, oldest first.
    async fn topic_measures(&self, topic_id: i64) -> StoreResult<Vec<TopicMeasure>>;

    /// Closes an open topic; false when it was closed already.
    async fn close_topic(&self, id: i64, at: OffsetDateTime, note: &str) -> StoreResult<bool>;

    /// Every ticket of one of `matters` (in one of `grids`, when given), newest first.
    async fn class_tickets(
        &self,
        matters: &[String],
        grids: Option<&[String]>,
    ) -> StoreResult<Vec<ClassTicket>>;
}
