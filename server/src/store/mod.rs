//! The store: one trait, two backends.
//!
//! SQLite (the embedded default, WAL mode) serves a laptop, a demo or a small district;
//! PostgreSQL serves a city. Each backend has its own migrations
//! (`migrations/sqlite`, `migrations/postgres`, run at connect) and its own connection
//! settings; the queries are written once in `common_sql.rs`, which both include with
//! their own pool type. Where a later query must differ (`FOR UPDATE SKIP LOCKED`), it
//! goes into the backend's file. The same test suite runs against both (`tests/`).

/// The `Store` implementation, the same for both backends: each backend module has a
/// `pool` field and a `common` module (its pool type plus `common_sql.rs`), and this
/// forwards every method to the shared queries.
macro_rules! impl_store_with_common_sql {
    ($store:ty, $backend:expr) => {
        #[::async_trait::async_trait]
        impl $crate::store::Store for $store {
            fn backend(&self) -> $crate::store::Backend {
                $backend
            }

            async fn ping(&self) -> $crate::store::StoreResult<()> {
                common::ping(&self.pool).await
            }

            async fn is_empty(&self) -> $crate::store::StoreResult<bool> {
                common::is_empty(&self.pool).await
            }

            async fn upsert_reference_data(
                &self,
                data: &$crate::store::ReferenceData,
            ) -> $crate::store::StoreResult<()> {
                common::upsert_reference_data(&self.pool, data).await
            }

            async fn reference_revision(&self) -> $crate::store::StoreResult<i64> {
                common::reference_revision(&self.pool).await
            }

            async fn list_matter_types(
                &self,
            ) -> $crate::store::StoreResult<Vec<::gridline_core::api::reference::MatterType>> {
                common::list_matter_types(&self.pool).await
            }

            async fn list_regions(
                &self,
            ) -> $crate::store::StoreResult<Vec<::gridline_core::api::reference::Region>> {
                common::list_regions(&self.pool).await
            }

            async fn list_shapes(
                &self,
            ) -> $crate::store::StoreResult<Vec<(String, Vec<::gridline_core::geo::Polygon>)>> {
                common::list_shapes(&self.pool).await
            }

            async fn list_units(
                &self,
            ) -> $crate::store::StoreResult<Vec<::gridline_core::api::reference::HandlingUnit>>
            {
                common::list_units(&self.pool).await
            }

            async fn load_calendar(
                &self,
            ) -> $crate::store::StoreResult<::gridline_core::calendar::WorkCalendar> {
                common::load_calendar(&self.pool).await
            }

            async fn save_calendar_years(
                &self,
                calendar: &::gridline_core::calendar::WorkCalendar,
            ) -> $crate::store::StoreResult<()> {
                common::save_calendar_years(&self.pool, calendar).await
            }

            async fn create_staff(
                &self,
                staff: &$crate::store::NewStaff,
            ) -> $crate::store::StoreResult<i64> {
                common::create_staff(&self.pool, staff).await
            }

            async fn find_staff_by_username(
                &self,
                username: &str,
            ) -> $crate::store::StoreResult<Option<$crate::store::StaffRecord>> {
                common::find_staff_by_username(&self.pool, username).await
            }

            async fn create_session(
                &self,
                token_hash: &[u8],
                staff_id: i64,
                expires_at: ::time::OffsetDateTime,
            ) -> $crate::store::StoreResult<()> {
                common::create_session(&self.pool, token_hash, staff_id, expires_at).await
            }

            async fn touch_session(
                &self,
                token_hash: &[u8],
                now: ::time::OffsetDateTime,
                new_expiry: ::time::OffsetDateTime,
                born_after: ::time::OffsetDateTime,
            ) -> $crate::store::StoreResult<Option<::gridline_core::api::auth::StaffProfile>> {
                common::touch_session(&self.pool, token_hash, now, new_expiry, born_after).await
            }

            async fn delete_session(&self, token_hash: &[u8]) -> $crate::store::StoreResult<()> {
                common::delete_session(&self.pool, token_hash).await
            }

            async fn purge_sessions(
                &self,
                now: ::time::OffsetDateTime,
                born_after: ::time::OffsetDateTime,
            ) -> $crate::store::StoreResult<u64> {
                common::purge_sessions(&self.pool, now, born_after).await
            }

            async fn create_ticket(
                &self,
                ticket: &$crate::store::TicketRecord,
                events: &[$crate::store::NewEvent],
                outbox: &[$crate::store::NewOutboxItem],
            ) -> $crate::store::StoreResult<$crate::store::Created> {
                self.wrote(common::create_ticket(&self.pool, ticket, events, outbox).await)
            }

            async fn ticket_by_code(
                &self,
                tracking_code: &str,
            ) -> $crate::store::StoreResult<Option<$crate::store::TicketRecord>> {
                common::ticket_by_code(&self.pool, tracking_code).await
            }

            async fn ticket_timeline(
                &self,
                ticket_id: i64,
            ) -> $crate::store::StoreResult<Vec<::gridline_core::api::ticket::TimelineEntry>> {
                common::ticket_timeline(&self.pool, ticket_id).await
            }

            async fn save_ticket(
                &self,
                ticket: &$crate::store::TicketRecord,
                expected: &$crate::store::TicketVersion,
                event: &$crate::store::NewEvent,
                outbox: &[$crate::store::NewOutboxItem],
            ) -> $crate::store::StoreResult<bool> {
                self.wrote(common::save_ticket(&self.pool, ticket, expected, event, outbox).await)
            }

            async fn list_tickets(
                &self,
                filter: &$crate::store::TicketFilter,
                page: $crate::store::Page,
            ) -> $crate::store::StoreResult<Vec<$crate::store::TicketRecord>> {
                common::list_tickets(&self.pool, filter, page).await
            }

            async fn save_field_revision(
                &self,
                revision: &$crate::store::FieldRevision,
            ) -> $crate::store::StoreResult<$crate::store::FieldSaved> {
                common::save_field_revision(&self.pool, revision).await
            }

            async fn append_field_event(
                &self,
                device_id: &str,
                record_id: &str,
                ticket_id: i64,
                event: &$crate::store::NewEvent,
            ) -> $crate::store::StoreResult<bool> {
                self.wrote(
                    common::append_field_event(&self.pool, device_id, record_id, ticket_id, event)
                        .await,
                )
            }

            async fn link_field_ticket(
                &self,
                device_id: &str,
                record_id: &str,
                ticket_id: i64,
            ) -> $crate::store::StoreResult<()> {
                common::link_field_ticket(&self.pool, device_id, record_id, ticket_id).await
            }

            async fn field_records(
                &self,
                staff_id: i64,
            ) -> $crate::store::StoreResult<Vec<$crate::store::FieldRecordRow>> {
                common::field_records(&self.pool, staff_id).await
            }

            async fn delete_orphan_media(
                &self,
                before: ::time::OffsetDateTime,
                limit: u32,
            ) -> $crate::store::StoreResult<Vec<String>> {
                common::delete_orphan_media(&self.pool, before, limit).await
            }

            async fn insert_media(
                &self,
                media: &$crate::store::MediaRecord,
                uploaders: &[String],
            ) -> $crate::store::StoreResult<()> {
                common::insert_media(&self.pool, media, uploaders).await
            }

            async fn find_media(
                &self,
                ids: &[String],
                uploaders: &[String],
            ) -> $crate::store::StoreResult<Vec<$crate::store::MediaRecord>> {
                common::find_media(&self.pool, ids, uploaders).await
            }

            async fn ticket_media(
                &self,
                ticket_id: i64,
                media_id: &str,
            ) -> $crate::store::StoreResult<Option<($crate::store::MediaRecord, bool)>> {
                common::ticket_media(&self.pool, ticket_id, media_id).await
            }

            async fn due_notices(
                &self,
                notice: $crate::store::Notice,
                now: ::time::OffsetDateTime,
            ) -> $crate::store::StoreResult<Vec<i64>> {
                common::due_notices(&self.pool, notice, now).await
            }

            async fn record_notice(
                &self,
                ticket_id: i64,
                notice: $crate::store::Notice,
                events: &[$crate::store::NewEvent],
                outbox: &[$crate::store::NewOutboxItem],
            ) -> $crate::store::StoreResult<bool> {
                self.wrote(
                    common::record_notice(&self.pool, ticket_id, notice, events, outbox).await,
                )
            }

            async fn add_co_unit(
                &self,
                ticket_id: i64,
                unit_code: &str,
                event: &$crate::store::NewEvent,
            ) -> $crate::store::StoreResult<bool> {
                self.wrote(common::add_co_unit(&self.pool, ticket_id, unit_code, event).await)
            }

            async fn co_units(&self, ticket_id: i64) -> $crate::store::StoreResult<Vec<String>> {
                common::co_units(&self.pool, ticket_id).await
            }

            async fn most_filed_matters(
                &self,
                since: ::time::OffsetDateTime,
                limit: u32,
            ) -> $crate::store::StoreResult<Vec<String>> {
                common::most_filed_matters(&self.pool, since, limit).await
            }

            async fn staff_units(&self, staff_id: i64) -> $crate::store::StoreResult<Vec<String>> {
                common::staff_units(&self.pool, staff_id).await
            }

            async fn add_staff_unit(
                &self,
                staff_id: i64,
                unit_code: &str,
            ) -> $crate::store::StoreResult<()> {
                common::add_staff_unit(&self.pool, staff_id, unit_code).await
            }

            async fn staff_grids(&self, staff_id: i64) -> $crate::store::StoreResult<Vec<String>> {
                common::staff_grids(&self.pool, staff_id).await
            }

            async fn add_staff_grid(
                &self,
                staff_id: i64,
                region_code: &str,
            ) -> $crate::store::StoreResult<()> {
                common::add_staff_grid(&self.pool, staff_id, region_code).await
            }

            async fn list_staff(
                &self,
            ) -> $crate::store::StoreResult<Vec<$crate::store::StaffRecord>> {
                common::list_staff(&self.pool).await
            }

            async fn set_staff_roles(
                &self,
                staff_id: i64,
                roles: &[gridline_core::Role],
            ) -> $crate::store::StoreResult<()> {
                common::set_staff_roles(&self.pool, staff_id, roles).await
            }

            async fn set_staff_disabled(
                &self,
                staff_id: i64,
                disabled: bool,
            ) -> $crate::store::StoreResult<()> {
                common::set_staff_disabled(&self.pool, staff_id, disabled).await
            }

            async fn upsert_station(
                &self,
                station: &$crate::store::NewStation,
            ) -> $crate::store::StoreResult<i64> {
                common::stations::upsert_station(&self.pool, station).await
            }

            async fn list_stations(
                &self,
            ) -> $crate::store::StoreResult<Vec<$crate::store::StationRecord>> {
                common::stations::list_stations(&self.pool).await
            }

            async fn issue_enrollment(
                &self,
                station_id: i64,
                code_hash: &[u8],
                expires_at: ::time::OffsetDateTime,
            ) -> $crate::store::StoreResult<i64> {
                common::stations::issue_enrollment(&self.pool, station_id, code_hash, expires_at)
                    .await
            }

            async fn enroll_device(
                &self,
                code_hash: &[u8],
                token_hash: &[u8],
                label: &str,
                now: ::time::OffsetDateTime,
            ) -> $crate::store::StoreResult<Option<i64>> {
                common::stations::enroll_device(&self.pool, code_hash, token_hash, label, now).await
            }

            async fn touch_device(
                &self,
                token_hash: &[u8],
                now: ::time::OffsetDateTime,
            ) -> $crate::store::StoreResult<Option<$crate::store::StationDevice>> {
                common::stations::touch_device(&self.pool, token_hash, now).await
            }

            async fn list_station_devices(
                &self,
            ) -> $crate::store::StoreResult<Vec<$crate::store::StationDevice>> {
                common::stations::list_station_devices(&self.pool).await
            }

            async fn revoke_device(
                &self,
                device_id: i64,
                now: ::time::OffsetDateTime,
            ) -> $crate::store::StoreResult<bool> {
                common::stations::revoke_device(&self.pool, device_id, now).await
            }

            async fn station_tickets(
                &self,
                station_id: i64,
                since: ::time::OffsetDateTime,
            ) -> $crate::store::StoreResult<Vec<$crate::store::TicketRecord>> {
                common::stations::station_tickets(&self.pool, station_id, since).await
            }

            async fn server_key(
                &self,
                name: &str,
                candidate: &[u8],
            ) -> $crate::store::StoreResult<Vec<u8>> {
                common::stations::server_key(&self.pool, name, candidate).await
            }

            async fn claim_outbox(
                &self,
                now: ::time::OffsetDateTime,
                lease_until: ::time::OffsetDateTime,
            ) -> $crate::store::StoreResult<Option<$crate::store::OutboxItem>> {
                common::outbox::claim(&self.pool, now, lease_until).await
            }

            async fn outbox_delivered(
                &self,
                id: i64,
                now: ::time::OffsetDateTime,
            ) -> $crate::store::StoreResult<()> {
                common::outbox::delivered(&self.pool, id, now).await
            }

            async fn outbox_failed(
                &self,
                id: i64,
                error: &str,
                retry_at: Option<::time::OffsetDateTime>,
                now: ::time::OffsetDateTime,
            ) -> $crate::store::StoreResult<()> {
                common::outbox::failed(&self.pool, id, error, retry_at, now).await
            }

            async fn record_inbound(
                &self,
                target_id: i64,
                key: &str,
                now: ::time::OffsetDateTime,
            ) -> $crate::store::StoreResult<bool> {
                common::outbox::record_inbound(&self.pool, target_id, key, now).await
            }

            async fn forget_inbound(
                &self,
                target_id: i64,
                key: &str,
            ) -> $crate::store::StoreResult<()> {
                common::outbox::forget_inbound(&self.pool, target_id, key).await
            }

            async fn dead_outbox(
                &self,
            ) -> $crate::store::StoreResult<Vec<$crate::store::OutboxRow>> {
                common::outbox::dead(&self.pool).await
            }

            async fn requeue_outbox(
                &self,
                id: i64,
                now: ::time::OffsetDateTime,
            ) -> $crate::store::StoreResult<bool> {
                common::outbox::requeue(&self.pool, id, now).await
            }

            async fn add_forward_target(
                &self,
                target: &$crate::store::NewForwardTarget,
            ) -> $crate::store::StoreResult<i64> {
                common::outbox::add_target(&self.pool, target).await
            }

            async fn forward_targets(
                &self,
            ) -> $crate::store::StoreResult<Vec<$crate::store::ForwardTarget>> {
                common::outbox::targets(&self.pool).await
            }

            async fn set_forward_target_disabled(
                &self,
                name: &str,
                disabled: bool,
            ) -> $crate::store::StoreResult<bool> {
                common::outbox::set_target_disabled(&self.pool, name, disabled).await
            }

            async fn last_event_id(
                &self,
                tracking_code: &str,
            ) -> $crate::store::StoreResult<Option<i64>> {
                common::last_event_id(&self.pool, tracking_code).await
            }

            async fn ticket_by_id(
                &self,
                id: i64,
            ) -> $crate::store::StoreResult<Option<$crate::store::TicketRecord>> {
                common::outbox::ticket_by_id(&self.pool, id).await
            }

            async fn outbox_items(
                &self,
                ticket_id: i64,
            ) -> $crate::store::StoreResult<Vec<$crate::store::OutboxRow>> {
                common::outbox::of_ticket(&self.pool, ticket_id).await
            }

            async fn add_open311_key(
                &self,
                name: &str,
                key_hash: &[u8],
            ) -> $crate::store::StoreResult<i64> {
                common::open311::add_key(&self.pool, name, key_hash).await
            }

            async fn open311_key(
                &self,
                key_hash: &[u8],
            ) -> $crate::store::StoreResult<Option<String>> {
                common::open311::key_name(&self.pool, key_hash).await
            }

            async fn open311_keys(
                &self,
            ) -> $crate::store::StoreResult<Vec<$crate::store::Open311Key>> {
                common::open311::keys(&self.pool).await
            }

            async fn revoke_open311_key(&self, name: &str) -> $crate::store::StoreResult<bool> {
                common::open311::revoke_key(&self.pool, name).await
            }

            async fn open311_requests(
                &self,
                query: &$crate::store::RequestQuery,
            ) -> $crate::store::StoreResult<Vec<$crate::store::TicketRecord>> {
                common::open311::requests(&self.pool, query).await
            }

            async fn save_push_subscription(
                &self,
                subscription: &$crate::store::NewPushSubscription,
            ) -> $crate::store::StoreResult<i64> {
                common::push::save(&self.pool, subscription).await
            }

            async fn follow_ticket(
                &self,
                subscription_id: i64,
                ticket_id: i64,
                cap: usize,
            ) -> $crate::store::StoreResult<bool> {
                common::push::follow(&self.pool, subscription_id, ticket_id, cap).await
            }

            async fn push_subscription(
                &self,
                id: i64,
            ) -> $crate::store::StoreResult<Option<$crate::store::PushSubscription>> {
                common::push::by_id(&self.pool, id).await
            }

            async fn delete_push_subscription(&self, id: i64) -> $crate::store::StoreResult<()> {
                common::push::delete(&self.pool, id).await
            }

            async fn ticket_followers(
                &self,
                ticket_id: i64,
            ) -> $crate::store::StoreResult<Vec<$crate::store::PushSubscription>> {
                common::push::followers(&self.pool, ticket_id).await
            }

            async fn staff_subscriptions(
                &self,
                now: ::time::OffsetDateTime,
            ) -> $crate::store::StoreResult<Vec<$crate::store::StaffSubscription>> {
                common::push::of_staff(&self.pool, now).await
            }

            async fn forward_link(
                &self,
                target_id: i64,
                ticket_id: i64,
            ) -> $crate::store::StoreResult<Option<$crate::store::ForwardLink>> {
                common::outbox::link_of(&self.pool, target_id, ticket_id).await
            }

            async fn add_forward_link(
                &self,
                link: &$crate::store::ForwardLink,
            ) -> $crate::store::StoreResult<bool> {
                common::outbox::add_link(&self.pool, link).await
            }

            async fn open_forward_links(
                &self,
                target_id: i64,
            ) -> $crate::store::StoreResult<Vec<$crate::store::ForwardLink>> {
                common::outbox::open_links(&self.pool, target_id).await
            }

            async fn update_forward_link(
                &self,
                before: &$crate::store::ForwardLink,
                after: &$crate::store::ForwardLink,
            ) -> $crate::store::StoreResult<bool> {
                common::outbox::update_link(&self.pool, before, after).await
            }

            async fn rate_counts(
                &self,
                bounds: &[::time::OffsetDateTime],
                now: ::time::OffsetDateTime,
                grouping: $crate::store::RateGrouping,
            ) -> $crate::store::StoreResult<Vec<$crate::store::RateRow>> {
                common::stats::rate_counts(&self.pool, bounds, now, grouping).await
            }

            async fn rated_tickets(
                &self,
                from: ::time::OffsetDateTime,
                to: ::time::OffsetDateTime,
                now: ::time::OffsetDateTime,
                scope: &$crate::store::RateScope,
                measure: ::gridline_core::stats::Measure,
                limit: u32,
            ) -> $crate::store::StoreResult<(u64, Vec<$crate::store::RatedTicketRow>)> {
                common::stats::rated_tickets(&self.pool, from, to, now, scope, measure, limit).await
            }

            async fn intake_counts(
                &self,
                bounds: &[::time::OffsetDateTime],
            ) -> $crate::store::StoreResult<Vec<$crate::store::IntakeRow>> {
                common::stats::intake_counts(&self.pool, bounds).await
            }

            async fn nearby_tickets(
                &self,
                matter_code: &str,
                from: ::time::OffsetDateTime,
                to: ::time::OffsetDateTime,
                bounds: (f64, f64, f64, f64),
            ) -> $crate::store::StoreResult<Vec<$crate::store::NearbyRow>> {
                common::repeats::nearby_tickets(&self.pool, matter_code, from, to, bounds).await
            }

            async fn merge_ticket(
                &self,
                dup: &$crate::store::TicketRecord,
                expected: &$crate::store::TicketVersion,
                lead_id: i64,
                events: &[$crate::store::NewEvent],
                outbox: &[$crate::store::NewOutboxItem],
            ) -> $crate::store::StoreResult<bool> {
                self.wrote(
                    common::repeats::merge_ticket(
                        &self.pool, dup, expected, lead_id, events, outbox,
                    )
                    .await,
                )
            }

            async fn merged_ids(&self, lead_id: i64) -> $crate::store::StoreResult<Vec<i64>> {
                common::repeats::merged_ids(&self.pool, lead_id).await
            }

            async fn append_events(
                &self,
                ticket_id: i64,
                events: &[$crate::store::NewEvent],
                outbox: &[$crate::store::NewOutboxItem],
            ) -> $crate::store::StoreResult<()> {
                self.wrote(
                    common::repeats::append_events(&self.pool, ticket_id, events, outbox).await,
                )
            }

            async fn hear_changes(
                &self,
                hear: &(dyn Fn($crate::store::Heard) + Send + Sync),
            ) -> $crate::store::StoreResult<()> {
                self.hear(hear).await
            }

            fn shared_windows(&self) -> Option<::std::sync::Arc<dyn $crate::store::SharedWindows>> {
                self.windows()
            }

            async fn close(&self) {
                self.pool.close().await;
            }
        }
    };
}

mod limits;
mod live;
mod postgres;
mod rows;
mod sqlite;

use std::sync::Arc;

use async_trait::async_trait;
use gridline_core::Role;
use gridline_core::api::auth::StaffProfile;
use gridline_core::api::reference::{HandlingUnit, MatterType, Region, RegionWithShape};
use gridline_core::api::station::Consent;
use gridline_core::api::ticket::{Channel, TimelineEntry};
use gridline_core::calendar::WorkCalendar;
use gridline_core::deadline::Tier;
use gridline_core::geo::Polygon;
use gridline_core::ticket::{Satisfaction, TicketState};
use time::OffsetDateTime;

pub use limits::{Entry as LimitEntry, SharedWindows};
pub use live::{Change, Heard};
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unsupported database URL (expected sqlite://… or postgres://…)")]
    UnsupportedUrl,
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Conflict(String),
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// Unique-constraint violations are the caller's conflict, not the server's failure.
    pub(crate) fn from_write(err: sqlx::Error, what: &str) -> StoreError {
        match &err {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict(format!("{what} already exists"))
            }
            _ => StoreError::Database(err),
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Times go to the database as whole seconds in UTC: SQLite keeps them as RFC 3339
/// text, and fixed-width text compares in time order.
pub fn stored_time(t: OffsetDateTime) -> OffsetDateTime {
    t.replace_nanosecond(0)
        .expect("0 is a valid nanosecond")
        .to_offset(time::UtcOffset::UTC)
}

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
    pub tier: Tier,
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
}

/// What a ticket was when it was read: a change is saved only if it still is (someone
/// else may have acted meanwhile).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TicketVersion {
    pub state: TicketState,
    pub rated: bool,
    pub reopen_count: u32,
}

impl TicketVersion {
    pub fn of(ticket: &TicketRecord) -> TicketVersion {
        TicketVersion {
            state: ticket.state,
            rated: ticket.satisfaction.is_some(),
            reopen_count: ticket.reopen_count,
        }
    }
}

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

impl StationDevice {
    /// Where the tablet stands at `now`.
    pub fn state(&self, now: OffsetDateTime) -> gridline_core::api::station::DeviceState {
        use gridline_core::api::station::DeviceState;
        if self.revoked_at.is_some() {
            DeviceState::Revoked
        } else if self.enrolled_at.is_some() {
            DeviceState::Enrolled
        } else if self.code_expires_at.is_some_and(|t| t > now) {
            DeviceState::Waiting
        } else {
            DeviceState::Expired
        }
    }
}

/// A dispatch system tickets are forwarded to, by the unit they are dispatched to or
/// by their matter type (one of the two).
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
}

impl TargetKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::Webhook => "webhook",
            TargetKind::Open311 => "open311",
        }
    }

    pub fn parse(s: &str) -> Option<TargetKind> {
        [TargetKind::Webhook, TargetKind::Open311]
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
    /// Whether `ticket` goes to this target.
    pub fn takes(&self, ticket: &TicketRecord) -> bool {
        !self.disabled
            && (self.matter_code.as_deref() == Some(ticket.matter_code.as_str())
                || (self.unit_code.is_some() && self.unit_code == ticket.lead_unit_code))
    }
}

/// A community station (便民服务驿站) to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStation {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub community_code: String,
}

/// A community station.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StationRecord {
    pub id: i64,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub community_code: String,
}

/// A station's tablet: waiting for enrollment (a code issued), enrolled, or revoked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StationDevice {
    pub id: i64,
    pub station: StationRecord,
    pub label: String,
    pub created_at: OffsetDateTime,
    pub code_expires_at: Option<OffsetDateTime>,
    pub enrolled_at: Option<OffsetDateTime>,
    pub last_seen_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
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

/// A stored photo or voice note (the bytes are in the object store under `id`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaRecord {
    /// SHA-256 (hex) of the stored bytes.
    pub id: String,
    pub kind: gridline_core::api::media::MediaKind,
    pub content_type: String,
    pub size_bytes: i64,
    pub created_at: OffsetDateTime,
}

impl MediaRecord {
    pub(crate) fn kind_text(&self) -> &'static str {
        match self.kind {
            gridline_core::api::media::MediaKind::Image => "image",
            gridline_core::api::media::MediaKind::Audio => "audio",
        }
    }

    pub fn as_ref(&self) -> gridline_core::api::media::MediaRef {
        gridline_core::api::media::MediaRef {
            id: self.id.clone(),
            kind: self.kind,
            content_type: self.content_type.clone(),
        }
    }
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
}

impl Notice {
    pub const ALL: [Notice; 3] = [Notice::Warning, Notice::ResponseOverdue, Notice::Overdue];

    pub fn kind(self) -> &'static str {
        match self {
            Notice::Warning => "deadline_warning",
            Notice::ResponseOverdue => "response_overdue",
            Notice::Overdue => "overdue",
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

/// Which tickets the Open311 server lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestQuery {
    /// These tracking codes (a partner's `service_request_id`s) and these ticket ids
    /// (the public ones), whatever their dates.
    Named { codes: Vec<String>, ids: Vec<i64> },
    /// The ticket filed under this client id (an Open311 token).
    ClientId(String),
    /// Filed in `[from, to]`, of any of `matters` (all when empty), open or closed
    /// (done counts as closed) or either, at most `limit`.
    Window {
        matters: Vec<String>,
        from: OffsetDateTime,
        to: OffsetDateTime,
        closed: Option<bool>,
        limit: u32,
    },
}

/// A key of a system that files through the Open311 server (the key itself is never
/// stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Open311Key {
    pub name: String,
    pub created_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
}

/// A browser's Web Push subscription, as `PushSubscription.toJSON()` gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPushSubscription {
    pub endpoint: String,
    /// The browser's P-256 key, base64url.
    pub p256dh: String,
    /// The browser's 16-byte authentication secret, base64url.
    pub auth: String,
    /// `zh` or `en`: the language notifications are written in.
    pub lang: String,
    /// The staff member it belongs to, for their queues.
    pub staff_id: Option<i64>,
    /// The hash of the session that subscribed it for the staff member: the queue
    /// notifications end with that session.
    pub session_hash: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushSubscription {
    pub id: i64,
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
    pub lang: String,
    pub staff_id: Option<i64>,
}

/// A staff member's subscription, with what decides which queues they hear of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffSubscription {
    pub subscription: PushSubscription,
    pub roles: Vec<Role>,
    pub units: Vec<String>,
}

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

/// Tickets received in one period per grid and matter type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeRow {
    pub period: usize,
    pub region_code: Option<String>,
    pub matter_code: String,
    pub tickets: u64,
}

/// A staff account as stored, with its password hash (never leaves the server).
#[derive(Debug, Clone)]
pub struct StaffRecord {
    pub profile: StaffProfile,
    pub password_hash: String,
    pub disabled: bool,
}

#[derive(Debug, Clone)]
pub struct NewStaff {
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub roles: Vec<Role>,
}

/// Reference data written in one transaction (demo data, the importers). Rows are
/// inserted or updated by code, never deleted (tickets refer to them); a unit's
/// responsibilities are replaced by those given for it.
#[derive(Debug, Clone, Default)]
pub struct ReferenceData {
    /// Parents before children.
    pub matter_types: Vec<MatterType>,
    /// Parents before children.
    pub regions: Vec<RegionWithShape>,
    pub units: Vec<HandlingUnit>,
}

/// One row of `unit_responsibilities`.
pub(crate) struct ResponsibilityRow {
    pub unit_code: String,
    pub matter_code: String,
    pub region_code: String,
}

/// Groups responsibility rows under their units (rows sorted by unit, then matter and
/// region, as the queries return them).
pub(crate) fn attach_responsibilities(
    mut units: Vec<HandlingUnit>,
    rows: Vec<ResponsibilityRow>,
) -> Vec<HandlingUnit> {
    for unit in &mut units {
        for row in rows.iter().filter(|r| r.unit_code == unit.code) {
            if !unit.matters.contains(&row.matter_code) {
                unit.matters.push(row.matter_code.clone());
            }
            if !unit.areas.contains(&row.region_code) {
                unit.areas.push(row.region_code.clone());
            }
        }
    }
    units
}

pub(crate) fn keywords_to_text(keywords: &[String]) -> String {
    keywords.join("|")
}

pub(crate) fn shape_to_text(shape: &Option<Vec<Polygon>>) -> Option<String> {
    shape
        .as_ref()
        .map(|s| serde_json::to_string(s).expect("polygons serialize"))
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    fn backend(&self) -> Backend;

    /// Answers when the database does (for `/healthz`).
    async fn ping(&self) -> StoreResult<()>;

    /// True when nothing has been loaded yet (no regions, no matter types, no staff).
    async fn is_empty(&self) -> StoreResult<bool>;

    /// Writes all of it or nothing, and bumps the reference revision.
    async fn upsert_reference_data(&self, data: &ReferenceData) -> StoreResult<()>;
    /// Changes whenever reference data does (in any process).
    async fn reference_revision(&self) -> StoreResult<i64>;
    async fn list_matter_types(&self) -> StoreResult<Vec<MatterType>>;
    async fn list_regions(&self) -> StoreResult<Vec<Region>>;
    /// Every region that has a shape, with it (for locating points).
    async fn list_shapes(&self) -> StoreResult<Vec<(String, Vec<Polygon>)>>;
    /// Units with their matters and areas.
    async fn list_units(&self) -> StoreResult<Vec<HandlingUnit>>;

    /// The working-day calendar: every stored year.
    async fn load_calendar(&self) -> StoreResult<WorkCalendar>;
    /// Stores each year `calendar` holds, replacing those years; bumps the reference
    /// revision.
    async fn save_calendar_years(&self, calendar: &WorkCalendar) -> StoreResult<()>;

    async fn create_staff(&self, staff: &NewStaff) -> StoreResult<i64>;
    async fn find_staff_by_username(&self, username: &str) -> StoreResult<Option<StaffRecord>>;

    /// Sessions are kept by the SHA-256 of their token: a leaked table opens nothing.
    async fn create_session(
        &self,
        token_hash: &[u8],
        staff_id: i64,
        expires_at: OffsetDateTime,
    ) -> StoreResult<()>;
    /// The staff member of a live session (not expired, signed in after `born_after`);
    /// slides its expiry to `new_expiry`.
    async fn touch_session(
        &self,
        token_hash: &[u8],
        now: OffsetDateTime,
        new_expiry: OffsetDateTime,
        born_after: OffsetDateTime,
    ) -> StoreResult<Option<StaffProfile>>;
    async fn delete_session(&self, token_hash: &[u8]) -> StoreResult<()>;
    /// Deletes the sessions that expired by `now` or were signed in at `born_after`
    /// or before; returns how many.
    async fn purge_sessions(
        &self,
        now: OffsetDateTime,
        born_after: OffsetDateTime,
    ) -> StoreResult<u64>;

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
    /// One page of the tickets `filter` selects, in its order (nearest deadline first;
    /// the dispatchers' oldest first).
    async fn list_tickets(
        &self,
        filter: &TicketFilter,
        page: Page,
    ) -> StoreResult<Vec<TicketRecord>>;
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
    /// Records a stored medium (known already: uploaded again now) and who uploaded it
    /// (`crate::media::Uploader::key`), in one transaction.
    async fn insert_media(&self, media: &MediaRecord, uploaders: &[String]) -> StoreResult<()>;
    /// Deletes up to `limit` media rows nothing names, last uploaded before `before`,
    /// and returns their ids (their bytes are the caller's to delete).
    async fn delete_orphan_media(
        &self,
        before: OffsetDateTime,
        limit: u32,
    ) -> StoreResult<Vec<String>>;
    /// The media among `ids` that are stored and were uploaded by one of `uploaders`,
    /// in the order of `ids`.
    async fn find_media(
        &self,
        ids: &[String],
        uploaders: &[String],
    ) -> StoreResult<Vec<MediaRecord>>;
    /// A medium on `ticket`'s timeline, and whether any public entry shows it.
    async fn ticket_media(
        &self,
        ticket_id: i64,
        media_id: &str,
    ) -> StoreResult<Option<(MediaRecord, bool)>>;
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
    async fn staff_units(&self, staff_id: i64) -> StoreResult<Vec<String>>;
    async fn staff_grids(&self, staff_id: i64) -> StoreResult<Vec<String>>;
    async fn add_staff_grid(&self, staff_id: i64, region_code: &str) -> StoreResult<()>;
    /// Every account, by username.
    async fn list_staff(&self) -> StoreResult<Vec<StaffRecord>>;
    /// Sets the roles of an account (replacing them).
    async fn set_staff_roles(&self, staff_id: i64, roles: &[Role]) -> StoreResult<()>;
    /// Disables (or enables) an account; disabling also ends all its sessions.
    async fn set_staff_disabled(&self, staff_id: i64, disabled: bool) -> StoreResult<()>;
    async fn add_staff_unit(&self, staff_id: i64, unit_code: &str) -> StoreResult<()>;

    /// Adds a station, or renames it and moves it to another community.
    async fn upsert_station(&self, station: &NewStation) -> StoreResult<i64>;
    async fn list_stations(&self) -> StoreResult<Vec<StationRecord>>;
    /// Makes a device row waiting for a tablet with the one-time code (its SHA-256).
    async fn issue_enrollment(
        &self,
        station_id: i64,
        code_hash: &[u8],
        expires_at: OffsetDateTime,
    ) -> StoreResult<i64>;
    /// Uses up a live enrollment code: the device gets its token (SHA-256). `None` when
    /// the code is unknown, used, expired or revoked.
    async fn enroll_device(
        &self,
        code_hash: &[u8],
        token_hash: &[u8],
        label: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Option<i64>>;
    /// The device holding this token (revoked ones too, so they can be told so); notes
    /// that it was seen.
    async fn touch_device(
        &self,
        token_hash: &[u8],
        now: OffsetDateTime,
    ) -> StoreResult<Option<StationDevice>>;
    async fn list_station_devices(&self) -> StoreResult<Vec<StationDevice>>;
    /// Revokes a device (and any unused code); `false` if there is no such live device.
    async fn revoke_device(&self, device_id: i64, now: OffsetDateTime) -> StoreResult<bool>;
    /// The tickets a station filed since `since`, newest first.
    async fn station_tickets(
        &self,
        station_id: i64,
        since: OffsetDateTime,
    ) -> StoreResult<Vec<TicketRecord>>;
    /// The server's secret named `name`: `candidate` if none was kept yet (the first
    /// process wins a race), else the kept one.
    async fn server_key(&self, name: &str, candidate: &[u8]) -> StoreResult<Vec<u8>>;

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

    /// Adds a key a system files Open311 service requests with (its SHA-256).
    async fn add_open311_key(&self, name: &str, key_hash: &[u8]) -> StoreResult<i64>;
    /// The name of the key with this hash, unless it is revoked.
    async fn open311_key(&self, key_hash: &[u8]) -> StoreResult<Option<String>>;
    async fn open311_keys(&self) -> StoreResult<Vec<Open311Key>>;
    /// `false` when there is no such key, or it is revoked already.
    async fn revoke_open311_key(&self, name: &str) -> StoreResult<bool>;
    /// Tickets as the Open311 server lists them, newest first.
    async fn open311_requests(&self, query: &RequestQuery) -> StoreResult<Vec<TicketRecord>>;

    /// Keeps a browser's push subscription (one row per endpoint); returns its id.
    async fn save_push_subscription(&self, subscription: &NewPushSubscription) -> StoreResult<i64>;
    /// The subscription hears of every public change of the ticket from now on.
    /// Lets a subscription hear of a ticket, unless the ticket has `cap` followers
    /// already; `true` when it follows the ticket now (also when it did before).
    async fn follow_ticket(
        &self,
        subscription_id: i64,
        ticket_id: i64,
        cap: usize,
    ) -> StoreResult<bool>;
    async fn push_subscription(&self, id: i64) -> StoreResult<Option<PushSubscription>>;
    /// Forgets a subscription the push service no longer knows (404/410).
    async fn delete_push_subscription(&self, id: i64) -> StoreResult<()>;
    /// The subscriptions following a ticket.
    async fn ticket_followers(&self, ticket_id: i64) -> StoreResult<Vec<PushSubscription>>;
    /// Every enabled staff member's subscriptions whose session is live at `now`, with
    /// their roles and units. (A session past its absolute lifetime is purged within
    /// the hour.)
    async fn staff_subscriptions(&self, now: OffsetDateTime)
    -> StoreResult<Vec<StaffSubscription>>;

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

    /// The counts behind the evaluation rates of the dispatched tickets whose handling
    /// deadline is in one of the periods between consecutive `bounds` (ascending; the
    /// last is exclusive), read at `now`, per period and `grouping`. One query.
    async fn rate_counts(
        &self,
        bounds: &[OffsetDateTime],
        now: OffsetDateTime,
        grouping: RateGrouping,
    ) -> StoreResult<Vec<RateRow>>;

    /// How many tickets of `scope` due in `[from, to)` are behind `measure` read at
    /// `now`, and the first `limit` of them, nearest handling deadline first: exactly
    /// the tickets [`Store::rate_counts`] counts for it.
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
    async fn intake_counts(&self, bounds: &[OffsetDateTime]) -> StoreResult<Vec<IntakeRow>>;

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

    /// Adds timeline entries and their outbox items to a ticket without changing it.
    async fn append_events(
        &self,
        ticket_id: i64,
        events: &[NewEvent],
        outbox: &[NewOutboxItem],
    ) -> StoreResult<()>;

    /// Hears every timeline entry committed from now on, by any process on this
    /// database, in commit order (see `store/live.rs`), until an error it cannot
    /// recover from. Run once per process (`crate::live`).
    async fn hear_changes(&self, hear: &(dyn Fn(Heard) + Send + Sync)) -> StoreResult<()>;

    /// Where limits are counted for every process (PostgreSQL); `None` where one process
    /// owns the database and counts in memory (SQLite).
    fn shared_windows(&self) -> Option<Arc<dyn SharedWindows>>;

    /// Closes the pool (tests drop their database afterwards).
    async fn close(&self);
}

/// Opens the database named by `url`, creating it (SQLite), running migrations and
/// loading default data a new database needs (the shipped working-day calendar).
pub async fn connect(url: &str) -> StoreResult<Arc<dyn Store>> {
    let store: Arc<dyn Store> = if url.starts_with("sqlite:") {
        Arc::new(SqliteStore::connect(url).await?)
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Arc::new(PostgresStore::connect(url).await?)
    } else {
        return Err(StoreError::UnsupportedUrl);
    };
    if store.load_calendar().await?.years().next().is_none() {
        store
            .save_calendar_years(&WorkCalendar::china_default())
            .await?;
    }
    Ok(store)
}

/// Parses stored calendar years back into one calendar.
pub(crate) fn calendar_from_years(rows: Vec<(i32, String)>) -> StoreResult<WorkCalendar> {
    let mut calendar = WorkCalendar::default();
    for (year, csv) in rows {
        let parsed = WorkCalendar::parse_csv(&csv).map_err(|errors| {
            StoreError::Corrupt(format!("stored calendar {year}: {}", errors[0]))
        })?;
        calendar.merge(parsed);
    }
    Ok(calendar)
}

/// Roles are stored as a comma-separated list of their stable names.
pub(crate) fn roles_to_text(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

pub(crate) fn roles_from_text(text: &str) -> StoreResult<Vec<Role>> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(|s| Role::parse(s).ok_or_else(|| StoreError::Corrupt(format!("unknown role {s:?}"))))
        .collect()
}

pub(crate) fn level_from_text(
    text: &str,
) -> StoreResult<gridline_core::api::reference::RegionLevel> {
    gridline_core::api::reference::RegionLevel::parse(text)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown region level {text:?}")))
}
