//! Hearing what changed, without asking again and again: every timeline entry committed
//! to a ticket, and every call put through to a hotline operator's seat, as soon as it is
//! committed, by any process on the database.
//!
//! - **PostgreSQL**: a trigger deferred to commit (migration 0025) sends each entry with
//!   `pg_notify` on [`CHANNEL`], and a call's insert sends it on [`CALLS_CHANNEL`]; one
//!   `LISTEN`ing connection per process hears them, in commit order, whichever process
//!   wrote them.
//! - **SQLite**: one process owns the file, so the store itself knows when it wrote: each
//!   method that adds timeline entries or calls wakes a reader after its commit, which
//!   reads the calls and the entries past the last it read (SQLite commits one writer at
//!   a time, so ids arrive in commit order).
//!
//! Either way the database work is two small queries per write on SQLite and none at all
//! on PostgreSQL, whatever the number of listeners in the process (see `crate::live`).

use std::sync::Arc;

use sqlx::Row as _;
use tokio::sync::Notify;

use super::shared::StoreResult;

/// The PostgreSQL channel the trigger notifies on.
pub const CHANNEL: &str = "gridline_changes";
/// The PostgreSQL channel a call put through to an operator is told on (by the insert,
/// delivered at its commit; `hotline/sql.rs`).
pub const CALLS_CHANNEL: &str = "gridline_calls";

/// A timeline entry just committed: which ticket, and the units it concerns (its lead
/// and co-handling units after the change, and every unit that acted on it or had it
/// before: a ticket sent away leaves that unit's queue), for deciding who is told
/// without asking the database.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Change {
    pub event_id: i64,
    pub code: String,
    #[serde(default)]
    pub units: Vec<String>,
}

/// A call the telephone system put through to an operator's seat (the console pops up).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Ring {
    /// The row's id (SQLite reads the calls after the last it read).
    pub id: i64,
    pub call_id: String,
    pub operator_id: i64,
}

/// What a listener hears.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Heard {
    Change(Arc<Change>),
    Call(Arc<Ring>),
    /// Some changes may have gone unheard (the connection to the database was lost and
    /// made again): whoever listens should look again for themselves.
    Missed,
}

/// Wakes the SQLite reader after a commit that added timeline entries.
#[derive(Default)]
pub(crate) struct Written(Notify);

impl Written {
    /// Called after the commit: the reader reads once more (wakes coalesce).
    pub(crate) fn wake(&self) {
        self.0.notify_one();
    }
}

/// The entries after `after` (SQLite), oldest first, at most `limit`.
async fn sqlite_changes_after(
    pool: &sqlx::SqlitePool,
    after: i64,
    limit: i64,
) -> StoreResult<Vec<Change>> {
    let rows = sqlx::query(
        "SELECT e.id, t.tracking_code, t.lead_unit_code,
                (SELECT group_concat(u, ',') FROM (
                     SELECT unit_code AS u FROM ticket_co_units WHERE ticket_id = t.id
                     UNION SELECT unit_code FROM ticket_events
                     WHERE ticket_id = t.id AND unit_code IS NOT NULL)) AS units
         FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
         WHERE e.id > ?1 ORDER BY e.id LIMIT ?2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            let mut units: Vec<String> = Vec::new();
            let lead: Option<String> = row.try_get("lead_unit_code")?;
            let others: Option<String> = row.try_get("units")?;
            let others = others.unwrap_or_default();
            for unit in lead.into_iter().chain(
                others
                    .split(',')
                    .filter(|u| !u.is_empty())
                    .map(str::to_owned),
            ) {
                if !units.contains(&unit) {
                    units.push(unit);
                }
            }
            Ok(Change {
                event_id: row.try_get("id")?,
                code: row.try_get("tracking_code")?,
                units,
            })
        })
        .collect()
}

/// The calls after `after` (SQLite), oldest first.
async fn sqlite_calls_after(pool: &sqlx::SqlitePool, after: i64) -> StoreResult<Vec<Ring>> {
    let rows = sqlx::query(
        "SELECT id, call_id, operator_id FROM calls WHERE id > ?1 ORDER BY id LIMIT 500",
    )
    .bind(after)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Ring {
                id: row.try_get("id")?,
                call_id: row.try_get("call_id")?,
                operator_id: row.try_get("operator_id")?,
            })
        })
        .collect()
}

/// Hears the SQLite store's own writes until an error: reads the entries and calls
/// that came after the last read each time a write wakes it.
pub(crate) async fn hear_sqlite(
    pool: &sqlx::SqlitePool,
    written: &Written,
    hear: &(dyn Fn(Heard) + Send + Sync),
) -> StoreResult<()> {
    const BATCH: i64 = 500;
    let mut last: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM ticket_events")
        .fetch_one(pool)
        .await?;
    let mut last_call: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM calls")
        .fetch_one(pool)
        .await?;
    loop {
        written.0.notified().await;
        for ring in sqlite_calls_after(pool, last_call).await? {
            last_call = ring.id;
            hear(Heard::Call(Arc::new(ring)));
        }
        loop {
            let changes = sqlite_changes_after(pool, last, BATCH).await?;
            let full = changes.len() as i64 == BATCH;
            for change in changes {
                last = change.event_id;
                hear(Heard::Change(Arc::new(change)));
            }
            if !full {
                break;
            }
        }
    }
}

/// Hears every process's commits on PostgreSQL until an error it cannot recover from;
/// a lost connection is made again and told as [`Heard::Missed`].
pub(crate) async fn hear_postgres(
    pool: &sqlx::PgPool,
    hear: &(dyn Fn(Heard) + Send + Sync),
) -> StoreResult<()> {
    let mut listener = sqlx::postgres::PgListener::connect_with(pool).await?;
    listener.listen_all([CHANNEL, CALLS_CHANNEL]).await?;
    loop {
        match listener.try_recv().await? {
            Some(notification) => match notification.channel() {
                CALLS_CHANNEL => match serde_json::from_str::<Ring>(notification.payload()) {
                    Ok(ring) => hear(Heard::Call(Arc::new(ring))),
                    Err(e) => {
                        tracing::warn!(error = %e, "a call notification could not be read");
                        hear(Heard::Missed);
                    }
                },
                _ => match serde_json::from_str::<Change>(notification.payload()) {
                    Ok(change) => hear(Heard::Change(Arc::new(change))),
                    Err(e) => {
                        tracing::warn!(error = %e, "a change notification could not be read");
                        hear(Heard::Missed);
                    }
                },
            },
            // The connection was lost; the next call connects and listens again.
            None => hear(Heard::Missed),
        }
    }
}
