//! PostgreSQL, for a city's volume and for several server processes on one database.

use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};

use super::shared::StoreResult;

/// The queries, written once for both backends: what they share, then each feature's.
mod sql {
    type Pool = sqlx::postgres::PgPool;
    type Db = sqlx::Postgres;
    type This = crate::store::postgres::PostgresStore;
    const BACKEND: crate::store::shared::Backend = crate::store::shared::Backend::Postgres;
    include!("shared_sql.rs");

    pub(crate) mod catalogue {
        use crate::store::postgres::sql::{Pool, This};
        include!("../catalogue/sql.rs");
    }

    pub(crate) mod auth {
        use crate::store::postgres::sql::{Pool, This};
        include!("../auth/sql.rs");
    }

    pub(crate) mod tickets {
        use crate::store::postgres::sql::{Db, Pool, This};
        include!("../tickets/sql.rs");
    }

    pub(crate) mod field {
        use crate::store::postgres::sql::{Pool, This};
        include!("../field/sql.rs");
    }

    pub(crate) mod media {
        use crate::store::postgres::sql::{Pool, This};
        include!("../media/sql.rs");
    }

    pub(crate) mod station {
        use crate::store::postgres::sql::{Pool, This};
        include!("../station/sql.rs");
    }

    pub(crate) mod outbox {
        use crate::store::postgres::sql::{Db, Pool, This};
        include!("../outbox/sql.rs");
    }

    pub(crate) mod open311 {
        use crate::store::postgres::sql::{Pool, This};
        include!("../open311/sql.rs");
    }

    pub(crate) mod push {
        use crate::store::postgres::sql::{Pool, This};
        include!("../push/sql.rs");
    }

    pub(crate) mod stats {
        use crate::store::postgres::sql::{Pool, This};
        include!("../stats/sql.rs");
    }

    pub(crate) mod repeats {
        use crate::store::postgres::sql::{Pool, This};
        include!("../repeats/sql.rs");
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
    fn windows(&self) -> Option<std::sync::Arc<dyn super::limits::SharedWindows>> {
        Some(super::limits::PgWindows::shared(self.pool.clone()))
    }

    async fn hear(&self, hear: &(dyn Fn(super::live::Heard) + Send + Sync)) -> StoreResult<()> {
        super::live::hear_postgres(&self.pool, hear).await
    }
}
