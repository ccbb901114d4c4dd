// The hotline's calls and a caller's tickets. Written once for both backends like every
// feature's `sql.rs` (the including module defines `Pool`); included by
// store/sqlite.rs and store/postgres.rs.

use gridline_core::api::hotline::{CallView, CallerTicket};
use gridline_core::ticket::Status;

use crate::hotline::store::CallRecord;
use crate::store::rows::RowExt as _;
use crate::store::shared::{Backend, StoreError, StoreResult, stored_time};

/// How much of a description a caller's ticket shows, in characters.
const DESCRIPTION_CHARS: usize = 100;

pub(crate) async fn ring_call(pool: &Pool, call: &CallRecord) -> StoreResult<bool> {
    let mut tx = pool.begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO calls (call_id, caller, operator_id, rang_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (call_id) DO NOTHING RETURNING id",
    )
    .bind(&call.call_id)
    .bind(call.caller.trim())
    .bind(call.operator_id)
    .bind(stored_time(call.rang_at))
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = inserted else {
        return Ok(false);
    };
    if BACKEND == Backend::Postgres {
        // Told to every process's listener when the insert commits (store/live.rs).
        let ring = serde_json::json!({
            "id": row.int64("id")?,
            "call_id": call.call_id,
            "operator_id": call.operator_id,
        });
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(crate::store::live::CALLS_CHANNEL)
            .bind(ring.to_string())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// A call's columns, with whether a ticket or an enquiry settled it.
const CALL_COLUMNS: &str = "c.call_id, c.caller, c.rang_at,
    (EXISTS (SELECT 1 FROM tickets t WHERE t.call_id = c.call_id)
     OR EXISTS (SELECT 1 FROM enquiries e WHERE e.call_id = c.call_id)) AS handled";

fn call_view(row: &impl crate::store::rows::RowExt) -> StoreResult<CallView> {
    Ok(CallView {
        call_id: row.text("call_id")?,
        caller: row.text("caller")?,
        rang_at: row.time("rang_at")?,
        handled: row.flag("handled")?,
    })
}

pub(crate) async fn call(pool: &Pool, call_id: &str) -> StoreResult<Option<CallView>> {
    let sql = format!("SELECT {CALL_COLUMNS} FROM calls c WHERE c.call_id = $1");
    // Built from this file's constant; the value is bound.
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(call_id)
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(call_view).transpose()
}

pub(crate) async fn operator_calls(
    pool: &Pool,
    operator_id: i64,
    since: ::time::OffsetDateTime,
) -> StoreResult<Vec<CallView>> {
    let sql = format!(
        "SELECT {CALL_COLUMNS} FROM calls c WHERE c.operator_id = $1 AND c.rang_at >= $2
         ORDER BY c.rang_at DESC, c.id DESC LIMIT 50"
    );
    // Built from this file's constant; the values are bound.
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(operator_id)
        .bind(stored_time(since))
        .fetch_all(pool)
        .await?;
    rows.iter().map(call_view).collect()
}

pub(crate) async fn caller_tickets(
    pool: &Pool,
    phone_key: &str,
    limit: i64,
) -> StoreResult<Vec<CallerTicket>> {
    let rows = sqlx::query(
        "SELECT t.tracking_code, t.status, t.matter_code, u.name_zh AS unit_name,
                t.created_at, t.description,
                (SELECT e.note FROM ticket_events e
                 WHERE e.ticket_id = t.id AND e.public AND e.note <> ''
                 ORDER BY e.id DESC LIMIT 1) AS last_note
         FROM tickets t LEFT JOIN handling_units u ON u.code = t.lead_unit_code
         WHERE t.phone_key = $1
         ORDER BY t.created_at DESC, t.id DESC LIMIT $2",
    )
    .bind(phone_key)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            let status = row.text("status")?;
            Ok(CallerTicket {
                tracking_code: row.text("tracking_code")?,
                status: Status::parse(&status)
                    .ok_or_else(|| StoreError::Corrupt(format!("unknown status {status:?}")))?,
                matter_code: row.text("matter_code")?,
                unit_name: row.opt_text("unit_name")?,
                filed_at: row.time("created_at")?,
                description: row
                    .text("description")?
                    .chars()
                    .take(DESCRIPTION_CHARS)
                    .collect(),
                last_note: row.opt_text("last_note")?.unwrap_or_default(),
            })
        })
        .collect()
}

#[async_trait::async_trait]
impl crate::hotline::store::HotlineStore for This {
    async fn ring_call(&self, call: &CallRecord) -> StoreResult<bool> {
        self.wrote(ring_call(&self.pool, call).await)
    }

    async fn call(&self, call_id: &str) -> StoreResult<Option<CallView>> {
        call(&self.pool, call_id).await
    }

    async fn operator_calls(
        &self,
        operator_id: i64,
        since: ::time::OffsetDateTime,
    ) -> StoreResult<Vec<CallView>> {
        operator_calls(&self.pool, operator_id, since).await
    }

    async fn caller_tickets(&self, phone_key: &str, limit: i64) -> StoreResult<Vec<CallerTicket>> {
        caller_tickets(&self.pool, phone_key, limit).await
    }
}
