//! Limits shared by every process on one PostgreSQL database: what each key (an address,
//! an account) did within a limit's window, as rows of `rate_entries` (migration 0025).
//! A key's check and its new entry are one transaction under an advisory lock on the
//! key, so two processes cannot both take the last place. On SQLite one process owns
//! the database and counts in memory (`crate::limits::throttle`).

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::Row as _;
use time::OffsetDateTime;

use super::shared::StoreResult;

/// One thing a key did: when, and how much (1 for a request, the size for bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub at: OffsetDateTime,
    pub weight: u64,
}

/// Counted entries kept where every process sees them.
#[async_trait]
pub trait SharedWindows: Send + Sync {
    /// Adds an entry of `weight` for `key` of `scope` if, with what the key did within
    /// `window` before `now`, it stays within `limit`: `Ok(id)` of the entry; else
    /// `Err` with those entries, oldest first (to tell how long to wait).
    async fn take(
        &self,
        scope: &str,
        key: &str,
        weight: u64,
        limit: u64,
        window: Duration,
        now: OffsetDateTime,
    ) -> StoreResult<Result<i64, Vec<Entry>>>;

    /// What `key` of `scope` did within `window` before `now`, oldest first.
    async fn recent(
        &self,
        scope: &str,
        key: &str,
        window: Duration,
        now: OffsetDateTime,
    ) -> StoreResult<Vec<Entry>>;

    /// Takes an entry back (an attempt that did not fail).
    async fn remove(&self, id: i64) -> StoreResult<()>;

    /// Forgets what `key` of `scope` did (a right password clears the account's count).
    async fn clear(&self, scope: &str, key: &str) -> StoreResult<()>;

    /// Deletes the entries whose window has passed; how many.
    async fn sweep(&self, now: OffsetDateTime) -> StoreResult<u64>;
}

pub(crate) struct PgWindows {
    pool: sqlx::PgPool,
}

impl PgWindows {
    pub(crate) fn shared(pool: sqlx::PgPool) -> Arc<dyn SharedWindows> {
        Arc::new(PgWindows { pool })
    }
}

fn since(now: OffsetDateTime, window: Duration) -> OffsetDateTime {
    now - window
}

async fn recent_in<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    scope: &str,
    key: &str,
    window: Duration,
    now: OffsetDateTime,
) -> StoreResult<Vec<Entry>> {
    let rows = sqlx::query(
        "SELECT at, weight FROM rate_entries WHERE scope = $1 AND key = $2 AND at > $3
         ORDER BY at, id",
    )
    .bind(scope)
    .bind(key)
    .bind(since(now, window))
    .fetch_all(executor)
    .await?;
    rows.iter()
        .map(|row| {
            let weight: i64 = row.try_get("weight")?;
            Ok(Entry {
                at: row.try_get("at")?,
                weight: u64::try_from(weight).unwrap_or(0),
            })
        })
        .collect()
}

#[async_trait]
impl SharedWindows for PgWindows {
    async fn take(
        &self,
        scope: &str,
        key: &str,
        weight: u64,
        limit: u64,
        window: Duration,
        now: OffsetDateTime,
    ) -> StoreResult<Result<i64, Vec<Entry>>> {
        let mut tx = self.pool.begin().await?;
        // One key at a time, across processes; released at commit.
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1 || ' ' || $2, 0))")
            .bind(scope)
            .bind(key)
            .execute(&mut *tx)
            .await?;
        let recent = recent_in(&mut *tx, scope, key, window, now).await?;
        let used: u64 = recent.iter().map(|e| e.weight).sum();
        if weight > limit || used + weight > limit {
            tx.commit().await?;
            return Ok(Err(recent));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO rate_entries (scope, key, at, weight, expires_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(scope)
        .bind(key)
        .bind(now)
        .bind(i64::try_from(weight).unwrap_or(i64::MAX))
        .bind(now + window)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Ok(id))
    }

    async fn recent(
        &self,
        scope: &str,
        key: &str,
        window: Duration,
        now: OffsetDateTime,
    ) -> StoreResult<Vec<Entry>> {
        recent_in(&self.pool, scope, key, window, now).await
    }

    async fn remove(&self, id: i64) -> StoreResult<()> {
        sqlx::query("DELETE FROM rate_entries WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn clear(&self, scope: &str, key: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM rate_entries WHERE scope = $1 AND key = $2")
            .bind(scope)
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn sweep(&self, now: OffsetDateTime) -> StoreResult<u64> {
        let done = sqlx::query("DELETE FROM rate_entries WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
