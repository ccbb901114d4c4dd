// The deadline job's writes: a deadline notice once, and the supervision checkpoints
// (督办节点) of open tickets: which are due, whether the unit made progress since the
// last, and recording one once. Included by
// tickets/sql.rs (module `checks`), so written once for both backends like it.
// Queries keep their SQL and binds in one function, however long (see store/mod.rs).

use time::OffsetDateTime;

use super::{OPEN, UNIT_PROGRESS, insert_change, opt_time};
use crate::store::shared::{StoreResult, stored_time};
use crate::tickets::store::{NewEvent, Notice};

pub(crate) async fn due_checkpoints(pool: &Pool, now: OffsetDateTime) -> StoreResult<Vec<i64>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT id FROM tickets WHERE next_check_at <= $1 AND status IN {OPEN} ORDER BY id"
    )))
    .bind(stored_time(now))
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| Ok(sqlx::Row::try_get::<i64, _>(r, "id")?))
        .collect()
}

/// Entries are numbered in commit order, so "after the last checkpoint" is by id.
pub(crate) async fn progressed_since_check(
    pool: &Pool,
    ticket_id: i64,
    dispatched_at: OffsetDateTime,
) -> StoreResult<bool> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM ticket_events
         WHERE ticket_id = $1 AND at >= $2 AND kind IN ($3, $4, $5)
         AND id > COALESCE((SELECT MAX(id) FROM ticket_events WHERE ticket_id = $1
             AND at >= $2 AND kind IN ('checkpoint', 'checkpoint_stalled')), 0)",
    )
    .bind(ticket_id)
    .bind(stored_time(dispatched_at))
    .bind(UNIT_PROGRESS[0])
    .bind(UNIT_PROGRESS[1])
    .bind(UNIT_PROGRESS[2])
    .fetch_one(pool)
    .await?;
    Ok(sqlx::Row::try_get::<i64, _>(&row, "n")? > 0)
}

/// Records checkpoint `done + 1` of the ticket's current dispatch, if no process did.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn record_checkpoint(
    pool: &Pool,
    ticket_id: i64,
    dispatched_at: OffsetDateTime,
    done: u8,
    next: Option<OffsetDateTime>,
    stalled_at: Option<OffsetDateTime>,
    events: &[NewEvent],
    outbox: &[crate::outbox::store::NewOutboxItem],
) -> StoreResult<bool> {
    let at = events
        .first()
        .map(|e| e.at)
        .unwrap_or_else(OffsetDateTime::now_utc);
    let mut tx = pool.begin().await?;
    let updated = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE tickets SET checks_done = $1, next_check_at = $2, stalled_at = $3
         WHERE id = $4 AND checks_done = $5 AND dispatched_at = $6 AND status IN {OPEN}"
    )))
    .bind(i32::from(done) + 1)
    .bind(opt_time(next))
    .bind(opt_time(stalled_at))
    .bind(ticket_id)
    .bind(i32::from(done))
    .bind(stored_time(dispatched_at))
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated != 1 {
        return Ok(false);
    }
    // Due now, whatever time the job was run for.
    insert_change(
        &mut tx,
        ticket_id,
        events,
        outbox,
        OffsetDateTime::now_utc().min(at),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

fn notice_column(notice: Notice) -> &'static str {
    match notice {
        Notice::Warning => "warned_at",
        Notice::ResponseOverdue => "response_overdue_at",
        Notice::Overdue => "overdue_at",
        Notice::RatingRequest => "rating_asked_at",
    }
}

pub(crate) async fn record_notice(
    pool: &Pool,
    ticket_id: i64,
    notice: Notice,
    events: &[NewEvent],
    outbox: &[crate::outbox::store::NewOutboxItem],
) -> StoreResult<bool> {
    let at = events
        .first()
        .map(|e| e.at)
        .unwrap_or_else(OffsetDateTime::now_utc);
    let column = notice_column(notice);
    let mut tx = pool.begin().await?;
    let updated = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE tickets SET {column} = $1 WHERE id = $2 AND {column} IS NULL"
    )))
    .bind(stored_time(at))
    .bind(ticket_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated != 1 {
        return Ok(false);
    }
    // Due now, whatever time the job was run for.
    let due = OffsetDateTime::now_utc().min(at);
    insert_change(&mut tx, ticket_id, events, outbox, due).await?;
    tx.commit().await?;
    Ok(true)
}
