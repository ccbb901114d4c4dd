//! The embedded default: SQLite in WAL mode, one file in the data folder.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use super::shared::StoreResult;

queries!(
    sqlite,
    sqlx::sqlite::SqlitePool,
    sqlx::Sqlite,
    crate::store::sqlite::SqliteStore,
    Sqlite
);

pub struct SqliteStore {
    pool: SqlitePool,
    /// Woken after each commit that added timeline entries (see `live.rs`).
    written: super::live::Written,
}

impl SqliteStore {
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // With WAL, NORMAL loses no committed transaction on a process crash; FULL
            // also survives power loss at the cost of an fsync per commit. Acknowledged
            // writes must survive, so FULL.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(SqliteStore {
            pool,
            written: super::live::Written::default(),
        })
    }

    /// Passes a write's result on, waking the change reader when it committed.
    fn wrote<T>(&self, result: StoreResult<T>) -> StoreResult<T> {
        if result.is_ok() {
            self.written.wake();
        }
        result
    }

    /// One process owns the file: limits are counted in its memory.
    fn windows(&self) -> Option<std::sync::Arc<dyn super::limits::SharedWindows>> {
        None
    }

    async fn hear(&self, hear: &(dyn Fn(super::live::Heard) + Send + Sync)) -> StoreResult<()> {
        super::live::hear_sqlite(&self.pool, &self.written, hear).await
    }
}
