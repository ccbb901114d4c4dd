// What every feature's queries share, and the store's own methods: the including
// module (store/sqlite.rs, store/postgres.rs) defines `Pool`, `Db`, `This` (its store)
// and `BACKEND`, then includes each feature's `sql.rs` in a module of its own.
// Times are stored as whole-second UTC (`stored_time`), so SQLite's RFC 3339 text
// compares in time order. Not a module of its own.

use sqlx::Row as _;
use time::OffsetDateTime;

use crate::store::limits::SharedWindows;
use crate::store::live::Heard;
use crate::store::shared::{Backend, StoreResult, stored_time};

pub(crate) async fn ping(pool: &Pool) -> StoreResult<()> {
    sqlx::query("SELECT 1").execute(pool).await?;
    Ok(())
}

pub(crate) async fn is_empty(pool: &Pool) -> StoreResult<bool> {
    let row = sqlx::query(
        "SELECT NOT (EXISTS (SELECT 1 FROM regions) OR EXISTS (SELECT 1 FROM matter_types)
                  OR EXISTS (SELECT 1 FROM staff)) AS empty",
    )
    .fetch_one(pool)
    .await?;
    Ok(row.try_get("empty")?)
}

macro_rules! ticket_columns {
    () => {
        "id, tracking_code, client_id, channel, matter_code, region_code, lon, lat, address, \
         description, contact_name, contact_phone, device_secret_hash, status, return_pending, \
         lead_unit_code, \
         tier_days, urgent, created_at, dispatched_at, response_due, warn_at, handling_due, \
         deadline_estimated, responded_at, resolved_at, closed_at, warned_at, \
         response_overdue_at, overdue_at, satisfaction, reopen_count, review_pending, station_id, \
         consent, merged_into, sms_consent, complexity, checks_done, next_check_at, stalled_at, \
         call_id, kind, enterprise_name, credit_code, police_target_id"
    };
}

const OPEN: &str = "('dispatched', 'accepted', 'in_progress')";

fn opt_time(t: Option<OffsetDateTime>) -> Option<OffsetDateTime> {
    t.map(stored_time)
}

/// `$first, $first+1, …` for `n` values bound in order.
fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) async fn server_key(pool: &Pool, name: &str, candidate: &[u8]) -> StoreResult<Vec<u8>> {
    // The first process to start keeps its key; every later one reads that one.
    sqlx::query(
        "INSERT INTO server_keys (name, secret, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .bind(candidate)
    .bind(stored_time(OffsetDateTime::now_utc()))
    .execute(pool)
    .await?;
    let row = sqlx::query("SELECT secret FROM server_keys WHERE name = $1")
        .bind(name)
        .fetch_one(pool)
        .await?;
    Ok(row.try_get("secret")?)
}

#[async_trait::async_trait]
impl crate::store::Store for This {
    fn backend(&self) -> Backend {
        BACKEND
    }

    async fn ping(&self) -> StoreResult<()> {
        ping(&self.pool).await
    }

    async fn is_empty(&self) -> StoreResult<bool> {
        is_empty(&self.pool).await
    }

    async fn server_key(&self, name: &str, candidate: &[u8]) -> StoreResult<Vec<u8>> {
        server_key(&self.pool, name, candidate).await
    }

    async fn hear_changes(&self, hear: &(dyn Fn(Heard) + Send + Sync)) -> StoreResult<()> {
        self.hear(hear).await
    }

    fn shared_windows(&self) -> Option<::std::sync::Arc<dyn SharedWindows>> {
        self.windows()
    }

    async fn close(&self) {
        self.pool.close().await;
    }
}
