// The evaluation figures (issue 8): counts behind the rates, per lead unit, grid and
// matter type, for tickets whose handling deadline is in a period. Written once for
// both backends like common_sql.rs (the including module defines `Pool`).
// Included by sqlite.rs and postgres.rs; not a module of its own.

use gridline_core::stats::RateCounts;
use time::OffsetDateTime;

use crate::store::rows::RowExt as _;
use crate::store::{RateRow, StoreResult, stored_time};

/// One column of counts: a sum cast to BIGINT (PostgreSQL's SUM of BIGINT is NUMERIC).
macro_rules! count_when {
    ($condition:literal, $name:literal) => {
        concat!(
            "CAST(SUM(CASE WHEN ",
            $condition,
            " THEN 1 ELSE 0 END) AS BIGINT) AS ",
            $name
        )
    };
}

pub(crate) async fn rate_counts(
    pool: &Pool,
    from: OffsetDateTime,
    to: OffsetDateTime,
    now: OffsetDateTime,
) -> StoreResult<Vec<RateRow>> {
    let sql = concat!(
        "SELECT t.lead_unit_code, t.region_code, t.matter_code, ",
        "CAST(COUNT(*) AS BIGINT) AS tickets, ",
        count_when!(
            "t.responded_at IS NOT NULL AND t.response_due IS NOT NULL AND t.responded_at <= t.response_due",
            "responded_in_time"
        ),
        ", ",
        count_when!(
            "t.responded_at IS NOT NULL AND NOT (t.response_due IS NOT NULL AND t.responded_at <= t.response_due)",
            "responded_late"
        ),
        ", ",
        count_when!(
            "t.responded_at IS NULL AND t.response_due IS NOT NULL AND t.response_due <= $3",
            "not_responded"
        ),
        ", ",
        count_when!(
            "t.resolved_at IS NOT NULL AND t.resolved_at <= t.handling_due",
            "resolved_on_time"
        ),
        ", ",
        count_when!(
            "t.resolved_at IS NOT NULL AND t.resolved_at > t.handling_due",
            "resolved_late"
        ),
        ", ",
        count_when!(
            "t.resolved_at IS NULL AND t.handling_due <= $3",
            "open_overdue"
        ),
        ", ",
        count_when!("t.satisfaction = 'satisfied'", "satisfied"),
        ", ",
        count_when!("t.satisfaction = 'basically_satisfied'", "basically_satisfied"),
        ", ",
        count_when!("t.satisfaction = 'dissatisfied'", "dissatisfied"),
        ", CAST(SUM(t.reopen_count) AS BIGINT) AS reopens, ",
        "CAST(SUM(COALESCE(r.n, 0)) AS BIGINT) AS return_requests ",
        "FROM tickets t LEFT JOIN (SELECT ticket_id, COUNT(*) AS n FROM ticket_events ",
        "WHERE kind = 'request_return' GROUP BY ticket_id) r ON r.ticket_id = t.id ",
        "WHERE t.lead_unit_code IS NOT NULL AND t.handling_due >= $1 AND t.handling_due < $2 ",
        "GROUP BY t.lead_unit_code, t.region_code, t.matter_code ",
        "ORDER BY t.lead_unit_code, t.region_code, t.matter_code"
    );
    let rows = sqlx::query(sql)
        .bind(stored_time(from))
        .bind(stored_time(to))
        .bind(stored_time(now))
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|row| {
            let n = |column: &str| -> StoreResult<u64> {
                Ok(u64::try_from(row.int64(column)?).unwrap_or_default())
            };
            Ok(RateRow {
                unit_code: row.text("lead_unit_code")?,
                region_code: row.opt_text("region_code")?,
                matter_code: row.text("matter_code")?,
                counts: RateCounts {
                    tickets: n("tickets")?,
                    responded_in_time: n("responded_in_time")?,
                    responded_late: n("responded_late")?,
                    not_responded: n("not_responded")?,
                    resolved_on_time: n("resolved_on_time")?,
                    resolved_late: n("resolved_late")?,
                    open_overdue: n("open_overdue")?,
                    satisfied: n("satisfied")?,
                    basically_satisfied: n("basically_satisfied")?,
                    dissatisfied: n("dissatisfied")?,
                    return_requests: n("return_requests")?,
                    reopens: n("reopens")?,
                },
            })
        })
        .collect()
}
