//! Consultations as stored: the `ConsultStore` trait. Its queries are in `sql.rs`,
//! written once for both backends and included by each (`store/sqlite.rs`,
//! `store/postgres.rs`). The records are the API's (`gridline_core::api::consult`).

use crate::store::shared::StoreResult;
use crate::tickets::store::NewEvent;
use async_trait::async_trait;
use gridline_core::api::consult::Consultation;

/// Consultations on disputed tickets.
#[async_trait]
pub trait ConsultStore: Send + Sync {
    /// Opens one on the ticket inviting `units`, with its timeline entry; `None` when
    /// the ticket has one open already.
    async fn open_consultation(
        &self,
        ticket_id: i64,
        units: &[String],
        note: &str,
        staff_id: i64,
        event: &NewEvent,
    ) -> StoreResult<Option<i64>>;

    /// The ticket's consultations, newest first.
    async fn consultations_of(&self, ticket_id: i64) -> StoreResult<Vec<Consultation>>;

    /// Every open consultation, oldest first; only those inviting one of `units` when
    /// given.
    async fn open_consultations(&self, units: Option<&[String]>) -> StoreResult<Vec<Consultation>>;

    /// Records `unit`'s view on the open consultation `id` (a later view replaces an
    /// earlier one), with its timeline entry; false when it is not open or the unit is
    /// not invited.
    async fn state_view(
        &self,
        id: i64,
        ticket_id: i64,
        unit: &str,
        event: &NewEvent,
    ) -> StoreResult<bool>;

    /// Decides the open consultation `id` for `unit`, with its timeline entry; false
    /// when it was decided meanwhile.
    async fn decide_consultation(
        &self,
        id: i64,
        ticket_id: i64,
        unit: &str,
        staff_id: i64,
        event: &NewEvent,
    ) -> StoreResult<bool>;
}
