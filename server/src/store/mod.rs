//! The store: one database behind one trait per feature, on two backends.
//!
//! SQLite (the embedded default, WAL mode) serves a laptop, a demo or a small district;
//! PostgreSQL serves a city. Each backend has its own migrations
//! (`migrations/sqlite`, `migrations/postgres`, run at connect) and its own connection
//! settings (`sqlite.rs`, `postgres.rs`).
//!
//! Each feature owns its part of the store: its records and its trait in
//! `<feature>/store.rs` (e.g. `tickets::store::TicketStore`), its queries in
//! `<feature>/sql.rs`, written once and included by both backends with their own pool
//! type. Where a query must differ between the backends (`FOR UPDATE SKIP LOCKED`), it
//! branches on the backend there. [`Store`] is all of them together, with what belongs
//! to the database itself (its health, its keys, hearing its changes); the same test
//! suite runs against both backends (`tests/`).
//!
//! Functions with a query keep its SQL text and its binds together, however long that
//! makes them (a few writes of many columns run past 60 lines, e.g. `create_ticket`,
//! `save_field_revision`, `upsert_reference_data`): split, what is bound to `$7` would be
//! read far from the `$7`. Row readers (`rows.rs`) likewise read one column per line.
//!
//! This folder knows the features' traits only to put them together: a feature's code
//! imports `store::shared` (errors, time) and `store::rows` (row readers), never this
//! module's [`Store`].

/// A backend's queries, in a module `sql` of the backend: what they share
/// (`shared_sql.rs`), then each feature's `sql.rs` in a module of its own, over the
/// backend's `Pool`, `Db` (its database) and `This` (its store). Written here once, so
/// the two backends include the same files the same way.
macro_rules! queries {
    ($backend:ident, $pool:ty, $db:ty, $store:ty, $kind:ident) => {
        /// The queries, written once for both backends: what they share, then each
        /// feature's.
        mod sql {
            type Pool = $pool;
            type Db = $db;
            type This = $store;
            const BACKEND: crate::store::shared::Backend = crate::store::shared::Backend::$kind;
            include!("shared_sql.rs");
            queries!(@feature $backend, catalogue, Pool, This);
            queries!(@feature $backend, auth, Pool, This);
            queries!(@feature $backend, tickets, Db, Pool, This);
            queries!(@feature $backend, field, Pool, This);
            queries!(@feature $backend, media, Pool, This);
            queries!(@feature $backend, station, Pool, This);
            queries!(@feature $backend, outbox, Db, Pool, This);
            queries!(@feature $backend, open311, Pool, This);
            queries!(@feature $backend, push, Pool, This);
            queries!(@feature $backend, stats, Pool, This);
            queries!(@feature $backend, repeats, Pool, This);
            queries!(@feature $backend, consult, Pool, This);
            queries!(@feature $backend, topics, Pool, This);
            queries!(@feature $backend, advance, Pool, This);
            queries!(@feature $backend, knowledge, Db, Pool, This);
            queries!(@feature $backend, hotline, Pool, This, BACKEND);
        }
    };
    (@feature $backend:ident, $feature:ident, $($name:ident),*) => {
        pub(crate) mod $feature {
            use crate::store::$backend::sql::{$($name),*};
            include!(concat!("../", stringify!($feature), "/sql.rs"));
        }
    };
}

pub mod limits;
pub mod live;
mod postgres;
pub mod rows;
pub mod shared;
mod sqlite;

use std::sync::Arc;

use async_trait::async_trait;
use gridline_core::calendar::WorkCalendar;
use limits::SharedWindows;
use live::Heard;
use shared::{Backend, StoreError, StoreResult};

use crate::advance::store::AdvanceStore;
use crate::auth::store::StaffStore;
use crate::catalogue::store::CatalogueStore;
use crate::consult::store::ConsultStore;
use crate::field::store::FieldStore;
use crate::hotline::store::HotlineStore;
use crate::knowledge::store::KnowledgeStore;
use crate::media::store::MediaRecords;
use crate::open311::store::Open311Store;
use crate::outbox::store::OutboxStore;
use crate::push::store::PushStore;
use crate::repeats::store::RepeatStore;
use crate::station::store::StationStore;
use crate::stats::store::StatsStore;
use crate::tickets::store::TicketStore;
use crate::topics::store::TopicStore;

pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

/// The whole store: every feature's part, and the database's own.
#[async_trait]
pub trait Store:
    CatalogueStore
    + StaffStore
    + TicketStore
    + FieldStore
    + MediaRecords
    + StationStore
    + OutboxStore
    + Open311Store
    + PushStore
    + StatsStore
    + RepeatStore
    + ConsultStore
    + TopicStore
    + AdvanceStore
    + KnowledgeStore
    + HotlineStore
    + Send
    + Sync
    + 'static
{
    fn backend(&self) -> Backend;

    /// Answers when the database does (for `/healthz`).
    async fn ping(&self) -> StoreResult<()>;

    /// True when nothing has been loaded yet (no regions, no matter types, no staff).
    async fn is_empty(&self) -> StoreResult<bool>;

    /// The server's secret named `name`: `candidate` if none was kept yet (the first
    /// process wins a race), else the kept one.
    async fn server_key(&self, name: &str, candidate: &[u8]) -> StoreResult<Vec<u8>>;

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
