//! PostgreSQL, for a city's volume and for several server processes on one database.

use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};

use super::shared::StoreResult;

queries!(
    postgres,
    sqlx::postgres::PgPool,
    sqlx::Postgres,
    crate::store::postgres::PostgresStore,
    Postgres
);

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
    fn windows(&self) -> Option<std::sync::Arc<dyn super::limits::SharedWindows>> {
        Some(super::limits::PgWindows::shared(self.pool.clone()))
    }

    async fn hear(&self, hear: &(dyn Fn(super::live::Heard) + Send + Sync)) -> StoreResult<()> {
        super::live::hear_postgres(&self.pool, hear).await
    }
}
