//! PostgreSQL, for a city's volume and for several server processes on one database.

use std::time::Duration;

use async_trait::async_trait;
use gridline_core::api::auth::StaffProfile;
use gridline_core::api::reference::{HandlingUnit, MatterType, Region};
use gridline_core::api::ticket::TimelineEntry;
use gridline_core::calendar::WorkCalendar;
use gridline_core::geo::Polygon;
use gridline_core::ticket::TicketState;
use sqlx::postgres::{PgPool, PgPoolOptions};
use time::OffsetDateTime;

use super::{
    Backend, Created, NewEvent, NewStaff, Notice, ReferenceData, StaffRecord, Store, StoreResult,
    TicketFilter, TicketRecord,
};

/// The SQL shared with the other backend.
mod common {
    type Pool = sqlx::postgres::PgPool;
    type Db = sqlx::Postgres;
    include!("common_sql.rs");
}

pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(PostgresStore { pool })
    }
}

#[async_trait]
impl Store for PostgresStore {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    async fn ping(&self) -> StoreResult<()> {
        common::ping(&self.pool).await
    }

    async fn is_empty(&self) -> StoreResult<bool> {
        common::is_empty(&self.pool).await
    }

    async fn upsert_reference_data(&self, data: &ReferenceData) -> StoreResult<()> {
        common::upsert_reference_data(&self.pool, data).await
    }

    async fn reference_revision(&self) -> StoreResult<i64> {
        common::reference_revision(&self.pool).await
    }

    async fn list_matter_types(&self) -> StoreResult<Vec<MatterType>> {
        common::list_matter_types(&self.pool).await
    }

    async fn list_regions(&self) -> StoreResult<Vec<Region>> {
        common::list_regions(&self.pool).await
    }

    async fn list_shapes(&self) -> StoreResult<Vec<(String, Vec<Polygon>)>> {
        common::list_shapes(&self.pool).await
    }

    async fn list_units(&self) -> StoreResult<Vec<HandlingUnit>> {
        common::list_units(&self.pool).await
    }

    async fn load_calendar(&self) -> StoreResult<WorkCalendar> {
        common::load_calendar(&self.pool).await
    }

    async fn save_calendar_years(&self, calendar: &WorkCalendar) -> StoreResult<()> {
        common::save_calendar_years(&self.pool, calendar).await
    }

    async fn create_staff(&self, staff: &NewStaff) -> StoreResult<i64> {
        common::create_staff(&self.pool, staff).await
    }

    async fn find_staff_by_username(&self, username: &str) -> StoreResult<Option<StaffRecord>> {
        common::find_staff_by_username(&self.pool, username).await
    }

    async fn create_session(
        &self,
        token_hash: &[u8],
        staff_id: i64,
        expires_at: OffsetDateTime,
    ) -> StoreResult<()> {
        common::create_session(&self.pool, token_hash, staff_id, expires_at).await
    }

    async fn touch_session(
        &self,
        token_hash: &[u8],
        now: OffsetDateTime,
        new_expiry: OffsetDateTime,
    ) -> StoreResult<Option<StaffProfile>> {
        common::touch_session(&self.pool, token_hash, now, new_expiry).await
    }

    async fn delete_session(&self, token_hash: &[u8]) -> StoreResult<()> {
        common::delete_session(&self.pool, token_hash).await
    }

    async fn create_ticket(
        &self,
        ticket: &TicketRecord,
        events: &[NewEvent],
    ) -> StoreResult<Created> {
        common::create_ticket(&self.pool, ticket, events).await
    }

    async fn ticket_by_code(&self, tracking_code: &str) -> StoreResult<Option<TicketRecord>> {
        common::ticket_by_code(&self.pool, tracking_code).await
    }

    async fn ticket_timeline(&self, ticket_id: i64) -> StoreResult<Vec<TimelineEntry>> {
        common::ticket_timeline(&self.pool, ticket_id).await
    }

    async fn save_ticket(
        &self,
        ticket: &TicketRecord,
        expected: TicketState,
        event: &NewEvent,
    ) -> StoreResult<bool> {
        common::save_ticket(&self.pool, ticket, expected, event).await
    }

    async fn list_tickets(&self, filter: &TicketFilter) -> StoreResult<Vec<TicketRecord>> {
        common::list_tickets(&self.pool, filter).await
    }

    async fn due_notices(&self, notice: Notice, now: OffsetDateTime) -> StoreResult<Vec<i64>> {
        common::due_notices(&self.pool, notice, now).await
    }

    async fn record_notice(
        &self,
        ticket_id: i64,
        notice: Notice,
        events: &[NewEvent],
    ) -> StoreResult<bool> {
        common::record_notice(&self.pool, ticket_id, notice, events).await
    }

    async fn add_co_unit(
        &self,
        ticket_id: i64,
        unit_code: &str,
        event: &NewEvent,
    ) -> StoreResult<bool> {
        common::add_co_unit(&self.pool, ticket_id, unit_code, event).await
    }

    async fn co_units(&self, ticket_id: i64) -> StoreResult<Vec<String>> {
        common::co_units(&self.pool, ticket_id).await
    }

    async fn staff_units(&self, staff_id: i64) -> StoreResult<Vec<String>> {
        common::staff_units(&self.pool, staff_id).await
    }

    async fn add_staff_unit(&self, staff_id: i64, unit_code: &str) -> StoreResult<()> {
        common::add_staff_unit(&self.pool, staff_id, unit_code).await
    }

    async fn staff_grids(&self, staff_id: i64) -> StoreResult<Vec<String>> {
        common::staff_grids(&self.pool, staff_id).await
    }

    async fn add_staff_grid(&self, staff_id: i64, region_code: &str) -> StoreResult<()> {
        common::add_staff_grid(&self.pool, staff_id, region_code).await
    }

    async fn list_staff(&self) -> StoreResult<Vec<StaffRecord>> {
        common::list_staff(&self.pool).await
    }

    async fn set_staff_roles(
        &self,
        staff_id: i64,
        roles: &[gridline_core::Role],
    ) -> StoreResult<()> {
        common::set_staff_roles(&self.pool, staff_id, roles).await
    }

    async fn set_staff_disabled(&self, staff_id: i64, disabled: bool) -> StoreResult<()> {
        common::set_staff_disabled(&self.pool, staff_id, disabled).await
    }

    async fn close(&self) {
        self.pool.close().await;
    }
}
