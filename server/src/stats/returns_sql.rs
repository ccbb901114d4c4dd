// The return requests (退单) in the evaluation figures: counted for the unit that asked,
// in the period they were decided, apart from the tickets counted by their handling
// deadline; and the tickets behind those counts. Included by stats/sql.rs (module
// `returns`), so written once for both backends like it.

use gridline_core::stats::{Measure, RateCounts};
use time::OffsetDateTime;

use super::{RATED_TICKET_COLUMNS, count, periods, rate_row, rated_ticket, scope_condition};
use crate::stats::store::{RateRow, RateScope, RatedTicketRow};
use crate::store::shared::{StoreResult, stored_time};

/// Every decided return request (退单): its ticket, when it was decided, approved or
/// rejected, and the unit that asked (the latest request on the ticket before the
/// decision; a ticket has one pending request at most). A subquery for `FROM (...)`.
const RETURN_DECISIONS: &str = "SELECT d.ticket_id, d.at, \
     CASE WHEN d.kind = 'approve_return' THEN 1 ELSE 0 END AS approved, \
     CASE WHEN d.kind = 'reject_return' THEN 1 ELSE 0 END AS rejected, \
     (SELECT q.unit_code FROM ticket_events q WHERE q.ticket_id = d.ticket_id \
      AND q.kind = 'request_return' AND q.id < d.id ORDER BY q.id DESC LIMIT 1) AS asking_unit \
     FROM ticket_events d WHERE d.kind IN ('approve_return', 'reject_return')";

/// The return requests decided in each period, per unit that asked (and the ticket's
/// grid and matter type when `detail`): rows that count nothing else.
/// `of_kind`: a condition on the tickets (`t`) of one kind of request, or nothing.
pub(super) async fn return_counts(
    pool: &Pool,
    bounds: &[OffsetDateTime],
    detail: bool,
    of_kind: &str,
) -> StoreResult<Vec<RateRow>> {
    let (period, within) = periods("r.at", bounds.len());
    let keys = if detail {
        "r.asking_unit, t.region_code, t.matter_code"
    } else {
        "r.asking_unit"
    };
    let sql = format!(
        "SELECT {keys}, {period} AS period, \
         CAST(SUM(r.approved) AS BIGINT) AS returns_approved, \
         CAST(SUM(r.rejected) AS BIGINT) AS returns_rejected \
         FROM ({RETURN_DECISIONS}) r JOIN tickets t ON t.id = r.ticket_id \
         WHERE r.asking_unit IS NOT NULL AND {within}{of_kind} \
         GROUP BY {keys}, period ORDER BY {keys}, period"
    );
    // Built only from this file's constants; values are bound.
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for bound in bounds {
        query = query.bind(stored_time(*bound));
    }
    let rows = query.fetch_all(pool).await?;
    rows.iter()
        .map(|row| rate_row(row, "asking_unit", detail, returns_of(row)?))
        .collect()
}

/// The tickets behind a return measure: those with a return request of the scope
/// (for a unit: the unit that asked) decided in `[from, to)` as the measure says, each
/// with its decisions in the scope and period; the latest decided first.
pub(super) async fn returned_tickets(
    pool: &Pool,
    (from, to): (OffsetDateTime, OffsetDateTime),
    scope: &RateScope,
    measure: Measure,
    limit: u32,
) -> StoreResult<(u64, Vec<RatedTicketRow>)> {
    let (scope_sql, scope_params) = scope_condition(scope, "r.asking_unit", 3);
    let wanted = if measure == Measure::ReturnsApproved {
        "rr.returns_approved > 0"
    } else {
        "rr.returns_rejected > 0"
    };
    let filter = format!(
        "FROM (SELECT r.ticket_id, MAX(r.at) AS decided_at, \
         CAST(SUM(r.approved) AS BIGINT) AS returns_approved, \
         CAST(SUM(r.rejected) AS BIGINT) AS returns_rejected \
         FROM ({RETURN_DECISIONS}) r JOIN tickets t ON t.id = r.ticket_id \
         WHERE r.asking_unit IS NOT NULL AND r.at >= $1 AND r.at < $2 AND ({scope_sql}) \
         GROUP BY r.ticket_id) rr JOIN tickets t ON t.id = rr.ticket_id WHERE {wanted}"
    );
    let count_sql = format!("SELECT CAST(COUNT(*) AS BIGINT) AS n {filter}");
    let list_sql = format!(
        "SELECT {RATED_TICKET_COLUMNS}, rr.returns_approved, rr.returns_rejected \
         {filter} ORDER BY rr.decided_at DESC, t.id LIMIT {limit}"
    );
    // Built only from this file's constants; values are bound.
    let bind = |sql: String| {
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(stored_time(from))
            .bind(stored_time(to));
        for p in &scope_params {
            query = query.bind(p.clone());
        }
        query
    };
    let rows = bind(list_sql).fetch_all(pool).await?;
    let tickets = rows
        .iter()
        .map(|row| rated_ticket(row, returns_of(row)?))
        .collect::<StoreResult<Vec<_>>>()?;
    let total = if tickets.len() < limit as usize {
        tickets.len() as u64
    } else {
        count(&bind(count_sql).fetch_one(pool).await?, "n")?
    };
    Ok((total, tickets))
}

fn returns_of(row: &impl crate::store::rows::RowExt) -> StoreResult<RateCounts> {
    Ok(RateCounts {
        returns_approved: count(row, "returns_approved")?,
        returns_rejected: count(row, "returns_rejected")?,
        ..RateCounts::default()
    })
}
