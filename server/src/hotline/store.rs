//! The hotline as stored: the calls put through to operators' seats, and a caller's
//! tickets found by their number. Its queries are in `sql.rs`, written once for both
//! backends.

use async_trait::async_trait;
use gridline_core::api::hotline::{CallView, CallerTicket};
use time::OffsetDateTime;

use crate::store::shared::StoreResult;

/// A call the telephone system announced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRecord {
    pub call_id: String,
    pub caller: String,
    pub operator_id: i64,
    pub rang_at: OffsetDateTime,
}

#[async_trait]
pub trait HotlineStore: Send + Sync {
    /// Records a call and rings its operator's seat (every process's live streams hear
    /// it once committed). False, and nothing rung, when the call id was recorded before.
    async fn ring_call(&self, call: &CallRecord) -> StoreResult<bool>;

    /// The call recorded under `call_id`, with whether it was settled.
    async fn call(&self, call_id: &str) -> StoreResult<Option<CallView>>;

    /// The calls put through to `operator_id` since `since`, newest first, each with
    /// whether a ticket or an enquiry settled it.
    async fn operator_calls(
        &self,
        operator_id: i64,
        since: OffsetDateTime,
    ) -> StoreResult<Vec<CallView>>;

    /// The newest `limit` tickets whose contact phone is `phone_key` (core's
    /// `phone_key`), newest first.
    async fn caller_tickets(&self, phone_key: &str, limit: i64) -> StoreResult<Vec<CallerTicket>>;
}
