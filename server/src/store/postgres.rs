//! PostgreSQL, for a city's volume and for several server processes on one database.

use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};

use super::{Backend, StoreResult};

/// The SQL shared with the other backend.
mod common {
    type Pool = sqlx::postgres::PgPool;
    type Db = sqlx::Postgres;
    include!("common_sql.rs");

    /// Stations, their tablets and the server's keys (inside `common` for its macros).
    pub(crate) mod stations {
        type Pool = super::Pool;
        include!("stations_sql.rs");
    }

    /// What must leave the system, delivered with retries.
    pub(crate) mod outbox {
        type Pool = super::Pool;
        type Db = super::Db;
        include!("outbox_sql.rs");
    }

    /// The Open311 server's keys and ticket queries.
    pub(crate) mod open311 {
        type Pool = super::Pool;
        include!("open311_sql.rs");
    }

    /// Web Push subscriptions.
    pub(crate) mod push {
        type Pool = super::Pool;
        include!("push_sql.rs");
    }

    /// The evaluation figures.
    pub(crate) mod stats {
        type Pool = super::Pool;
        include!("stats_sql.rs");
    }

    /// Similar reports and merging them (重复诉求).
    pub(crate) mod repeats {
        type Pool = super::Pool;
        include!("repeats_sql.rs");
    }
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

    /// Passes a write's result on: the database itself tells of the timeline entries
    /// committed (a trigger, see `live.rs`).
    fn wrote<T>(&self, result: StoreResult<T>) -> StoreResult<T> {
        result
    }

    /// Several processes may share the database: limits are counted in it.
    fn windows(&self) -> Option<std::sync::Arc<dyn super::SharedWindows>> {
        Some(super::limits::PgWindows::shared(self.pool.clone()))
    }

    async fn hear(&self, hear: &(dyn Fn(super::Heard) + Send + Sync)) -> StoreResult<()> {
        super::live::hear_postgres(&self.pool, hear).await
    }
}

impl_store_with_common_sql!(PostgresStore, Backend::Postgres);
