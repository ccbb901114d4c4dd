// The evaluation figures (issue 8): counts behind the rates, per lead unit, grid and
// matter type, for tickets whose handling deadline is in a period, with the return
// requests decided in the period per unit that asked; the tickets behind any of those
// counts; tickets received per grid and matter type. Written once for
// both backends like every feature's `sql.rs` (the including module defines `Pool`).
// Included by store/sqlite.rs and store/postgres.rs; not a module of its own.
//
// The aggregate and the drill-down list are built from the same conditions, so the
// tickets listed behind a number are exactly the ones it counts.
// Queries keep their SQL and binds in one function, however long (see store/mod.rs).

use gridline_core::api::ticket::RequestKind;
use gridline_core::stats::{Measure, RateCounts};
use gridline_core::ticket::Satisfaction;
use time::OffsetDateTime;

use crate::stats::store::{
    IntakeRow, RateGrouping, RateRow, RateScope, RatedTicketRow, ReceivedRow,
};
use crate::store::rows::RowExt as _;
use crate::store::shared::{StoreResult, bound_time, stored_time};

/// `$NOW` stands for the parameter holding the time the figures are read at.
const CONDITIONS: [(&str, &str); 9] = [
    (
        "responded_in_time",
        "t.responded_at IS NOT NULL AND t.response_due IS NOT NULL AND t.responded_at <= t.response_due",
    ),
    (
        "responded_late",
        "t.responded_at IS NOT NULL AND NOT (t.response_due IS NOT NULL AND t.responded_at <= t.response_due)",
    ),
    (
        "not_responded",
        "t.responded_at IS NULL AND t.response_due IS NOT NULL AND t.response_due <= $NOW",
    ),
    (
        "resolved_on_time",
        "t.resolved_at IS NOT NULL AND t.resolved_at <= t.handling_due",
    ),
    (
        "resolved_late",
        "t.resolved_at IS NOT NULL AND t.resolved_at > t.handling_due",
    ),
    (
        "open_overdue",
        "t.resolved_at IS NULL AND t.handling_due <= $NOW",
    ),
    ("satisfied", "t.satisfaction = 'satisfied'"),
    (
        "basically_satisfied",
        "t.satisfaction = 'basically_satisfied'",
    ),
    ("dissatisfied", "t.satisfaction = 'dissatisfied'"),
];

fn condition(name: &str) -> &'static str {
    CONDITIONS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, c)| *c)
        .expect("a known condition")
}

/// The tickets behind a number, as a condition (the rate's denominator); the return
/// measures are listed from the return decisions instead (`returns_sql.rs`).
fn measure_condition(measure: Measure) -> String {
    let any = |names: &[&str]| {
        names
            .iter()
            .map(|n| format!("({})", condition(n)))
            .collect::<Vec<_>>()
            .join(" OR ")
    };
    match measure {
        Measure::Tickets => "1 = 1".to_owned(),
        Measure::Response => any(&["responded_in_time", "responded_late", "not_responded"]),
        Measure::OnTime | Measure::Resolution => {
            any(&["resolved_on_time", "resolved_late", "open_overdue"])
        }
        Measure::Satisfaction => any(&["satisfied", "basically_satisfied", "dissatisfied"]),
        Measure::Reopens => "t.reopen_count > 0".to_owned(),
        Measure::ReturnsApproved | Measure::ReturnsRejected => "1 = 0".to_owned(),
    }
}

/// `CASE` numbering the period of `column` among `bounds` (parameters `$1`..), and the
/// condition keeping it inside them.
fn periods(column: &str, bounds: usize) -> (String, String) {
    let mut case = String::from("CAST(CASE");
    for i in 1..bounds {
        case.push_str(&format!(" WHEN {column} < ${} THEN {}", i + 1, i - 1));
    }
    case.push_str(" END AS BIGINT)");
    let within = format!("{column} >= $1 AND {column} < ${bounds}");
    (case, within)
}

fn count(row: &impl crate::store::rows::RowExt, column: &str) -> StoreResult<u64> {
    Ok(u64::try_from(row.int64(column)?).unwrap_or_default())
}

fn counts_of(row: &impl crate::store::rows::RowExt, flags: bool) -> StoreResult<RateCounts> {
    let (tickets, reopens) = if flags {
        ("one", "reopen_count")
    } else {
        ("tickets", "reopens")
    };
    let n = |column: &str| count(row, column);
    Ok(RateCounts {
        tickets: n(tickets)?,
        responded_in_time: n("responded_in_time")?,
        responded_late: n("responded_late")?,
        not_responded: n("not_responded")?,
        resolved_on_time: n("resolved_on_time")?,
        resolved_late: n("resolved_late")?,
        open_overdue: n("open_overdue")?,
        satisfied: n("satisfied")?,
        basically_satisfied: n("basically_satisfied")?,
        dissatisfied: n("dissatisfied")?,
        reopens: n(reopens)?,
        returns_approved: 0,
        returns_rejected: 0,
    })
}

/// Each condition as a 0/1 column (`sum`: added up over the group).
fn flag_columns(now: &str, sum: bool) -> String {
    CONDITIONS
        .iter()
        .map(|(name, c)| {
            let flag = format!("CASE WHEN {} THEN 1 ELSE 0 END", c.replace("$NOW", now));
            if sum {
                format!("CAST(SUM({flag}) AS BIGINT) AS {name}")
            } else {
                format!("CAST({flag} AS BIGINT) AS {name}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// ` AND <column> = '<kind>'` for one kind of request, nothing for all. The kind is
/// one of three constants, never text from a request.
fn of_kind(column: &str, kind: Option<RequestKind>) -> String {
    kind.map(|k| format!(" AND {column} = '{}'", k.as_str()))
        .unwrap_or_default()
}

pub(crate) async fn rate_counts(
    pool: &Pool,
    bounds: &[OffsetDateTime],
    now: OffsetDateTime,
    grouping: RateGrouping,
    kind: Option<RequestKind>,
) -> StoreResult<Vec<RateRow>> {
    assert!(bounds.len() >= 2, "a period has a start and an end");
    let now_param = format!("${}", bounds.len() + 1);
    let (period, within) = periods("t.handling_due", bounds.len());
    let keys = match grouping {
        RateGrouping::Detail => "t.lead_unit_code, t.region_code, t.matter_code",
        RateGrouping::Unit => "t.lead_unit_code",
    };
    let sql = format!(
        "SELECT {keys}, {period} AS period, CAST(COUNT(*) AS BIGINT) AS tickets, {flags}, \
         CAST(SUM(t.reopen_count) AS BIGINT) AS reopens \
         FROM tickets t \
         WHERE t.lead_unit_code IS NOT NULL AND t.merged_into IS NULL AND {within}{kind} \
         GROUP BY {keys}, period ORDER BY {keys}, period",
        flags = flag_columns(&now_param, true),
        kind = of_kind("t.kind", kind),
    );
    // Built only from this file's constants; values are bound.
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for bound in bounds {
        query = query.bind(stored_time(*bound));
    }
    let rows = query.bind(stored_time(now)).fetch_all(pool).await?;
    let detail = matches!(grouping, RateGrouping::Detail);
    let mut counted = rows
        .iter()
        .map(|row| rate_row(row, "lead_unit_code", detail, counts_of(row, false)?))
        .collect::<StoreResult<Vec<_>>>()?;
    counted.extend(returns::return_counts(pool, bounds, detail, &of_kind("t.kind", kind)).await?);
    Ok(counted)
}

fn rate_row(
    row: &impl crate::store::rows::RowExt,
    unit_column: &str,
    detail: bool,
    counts: RateCounts,
) -> StoreResult<RateRow> {
    Ok(RateRow {
        period: usize::try_from(row.int64("period")?).unwrap_or_default(),
        unit_code: row.text(unit_column)?,
        region_code: if detail {
            row.opt_text("region_code")?
        } else {
            None
        },
        matter_code: if detail {
            Some(row.text("matter_code")?)
        } else {
            None
        },
        counts,
    })
}

/// The scope's condition and its parameters (numbered from `first`); a unit is matched
/// in `unit_column`.
fn scope_condition(scope: &RateScope, unit_column: &str, first: usize) -> (String, Vec<String>) {
    match scope {
        RateScope::All => ("1 = 1".to_owned(), Vec::new()),
        RateScope::Unit(code) => (format!("{unit_column} = ${first}"), vec![code.clone()]),
        RateScope::Matter(code) => (format!("t.matter_code = ${first}"), vec![code.clone()]),
        RateScope::NoGrid => ("t.region_code IS NULL".to_owned(), Vec::new()),
        RateScope::Grids(grids) if grids.is_empty() => ("1 = 0".to_owned(), Vec::new()),
        RateScope::Grids(grids) => {
            let params: Vec<String> = (0..grids.len())
                .map(|i| format!("${}", first + i))
                .collect();
            (
                format!("t.region_code IN ({})", params.join(", ")),
                grids.clone(),
            )
        }
    }
}

pub(crate) async fn rated_tickets(
    pool: &Pool,
    from: OffsetDateTime,
    to: OffsetDateTime,
    now: OffsetDateTime,
    scope: &RateScope,
    measure: Measure,
    limit: u32,
) -> StoreResult<(u64, Vec<RatedTicketRow>)> {
    if measure.is_return() {
        return returns::returned_tickets(pool, (from, to), scope, measure, limit).await;
    }
    let (scope_sql, scope_params) = scope_condition(scope, "t.lead_unit_code", 4);
    let filter = format!(
        "FROM tickets t WHERE t.lead_unit_code IS NOT NULL \
         AND t.merged_into IS NULL \
         AND t.handling_due >= $1 AND t.handling_due < $2 AND ({scope_sql}) AND ({})",
        measure_condition(measure).replace("$NOW", "$3")
    );
    let count_sql = format!("SELECT CAST(COUNT(*) AS BIGINT) AS n {filter}");
    let list_sql = format!(
        "SELECT {RATED_TICKET_COLUMNS}, CAST(1 AS BIGINT) AS one, CAST(t.reopen_count AS BIGINT) AS reopen_count, {flags} \
         {filter} ORDER BY t.handling_due, t.id LIMIT {limit}",
        flags = flag_columns("$3", false),
    );
    // Built only from this file's constants; values are bound.
    let bind = |sql: String| {
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(stored_time(from))
            .bind(stored_time(to))
            .bind(stored_time(now));
        for p in &scope_params {
            query = query.bind(p.clone());
        }
        query
    };
    let rows = bind(list_sql).fetch_all(pool).await?;
    let tickets = rows
        .iter()
        .map(|row| rated_ticket(row, counts_of(row, true)?))
        .collect::<StoreResult<Vec<_>>>()?;
    let total = if tickets.len() < limit as usize {
        tickets.len() as u64
    } else {
        count(&bind(count_sql).fetch_one(pool).await?, "n")?
    };
    Ok((total, tickets))
}

const RATED_TICKET_COLUMNS: &str = "t.tracking_code, t.matter_code, \
     COALESCE(t.lead_unit_code, '') AS lead_unit_code, t.region_code, t.response_due, \
     t.responded_at, t.handling_due, t.resolved_at, t.satisfaction";

fn rated_ticket(
    row: &impl crate::store::rows::RowExt,
    counts: RateCounts,
) -> StoreResult<RatedTicketRow> {
    Ok(RatedTicketRow {
        tracking_code: row.text("tracking_code")?,
        matter_code: row.text("matter_code")?,
        lead_unit_code: row.text("lead_unit_code")?,
        region_code: row.opt_text("region_code")?,
        response_due: row.opt_time("response_due")?,
        responded_at: row.opt_time("responded_at")?,
        handling_due: row.opt_time("handling_due")?,
        resolved_at: row.opt_time("resolved_at")?,
        satisfaction: row
            .opt_text("satisfaction")?
            .and_then(|s| Satisfaction::parse(&s)),
        counts,
    })
}

pub(crate) async fn intake_counts(
    pool: &Pool,
    bounds: &[OffsetDateTime],
    kind: Option<RequestKind>,
) -> StoreResult<Vec<IntakeRow>> {
    assert!(bounds.len() >= 2, "a period has a start and an end");
    let (period, within) = periods("t.created_at", bounds.len());
    let sql = format!(
        "SELECT t.region_code, t.matter_code, {period} AS period, \
         CAST(COUNT(*) AS BIGINT) AS tickets FROM tickets t WHERE {within}{kind} \
         GROUP BY t.region_code, t.matter_code, period",
        kind = of_kind("t.kind", kind),
    );
    // Built only from this file's constants; values are bound.
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for bound in bounds {
        query = query.bind(stored_time(*bound));
    }
    let rows = query.fetch_all(pool).await?;
    rows.iter()
        .map(|row| {
            Ok(IntakeRow {
                period: usize::try_from(row.int64("period")?).unwrap_or_default(),
                region_code: row.opt_text("region_code")?,
                matter_code: row.text("matter_code")?,
                tickets: count(row, "tickets")?,
            })
        })
        .collect()
}

pub(crate) async fn received_tickets(
    pool: &Pool,
    from: OffsetDateTime,
    to: OffsetDateTime,
    kind: Option<RequestKind>,
) -> StoreResult<Vec<ReceivedRow>> {
    let sql = format!(
        "SELECT tracking_code, matter_code, region_code, lon, lat, address, contact_phone,
             lead_unit_code, created_at,
             CASE WHEN resolved_at IS NOT NULL OR status = 'closed' THEN 1 ELSE 0 END AS resolved
         FROM tickets WHERE created_at >= $1 AND created_at < $2{} ORDER BY created_at, id",
        of_kind("kind", kind)
    );
    // Built only from constants; values are bound.
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(bound_time(from))
        .bind(bound_time(to))
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|row| {
            Ok(ReceivedRow {
                tracking_code: row.text("tracking_code")?,
                matter_code: row.text("matter_code")?,
                region_code: row.opt_text("region_code")?,
                lon: row.opt_f64("lon")?,
                lat: row.opt_f64("lat")?,
                address: row.text("address")?,
                contact_phone: row.opt_text("contact_phone")?,
                resolved: row.int32("resolved")? == 1,
                lead_unit_code: row.opt_text("lead_unit_code")?,
                created_at: row.time("created_at")?,
            })
        })
        .collect()
}

#[async_trait::async_trait]
impl crate::stats::store::StatsStore for This {
    async fn rate_counts(
        &self,
        bounds: &[::time::OffsetDateTime],
        now: ::time::OffsetDateTime,
        grouping: RateGrouping,
        kind: Option<RequestKind>,
    ) -> StoreResult<Vec<RateRow>> {
        rate_counts(&self.pool, bounds, now, grouping, kind).await
    }

    async fn rated_tickets(
        &self,
        from: ::time::OffsetDateTime,
        to: ::time::OffsetDateTime,
        now: ::time::OffsetDateTime,
        scope: &RateScope,
        measure: ::gridline_core::stats::Measure,
        limit: u32,
    ) -> StoreResult<(u64, Vec<RatedTicketRow>)> {
        rated_tickets(&self.pool, from, to, now, scope, measure, limit).await
    }

    async fn intake_counts(
        &self,
        bounds: &[::time::OffsetDateTime],
        kind: Option<RequestKind>,
    ) -> StoreResult<Vec<IntakeRow>> {
        intake_counts(&self.pool, bounds, kind).await
    }

    async fn received_tickets(
        &self,
        from: ::time::OffsetDateTime,
        to: ::time::OffsetDateTime,
        kind: Option<RequestKind>,
    ) -> StoreResult<Vec<ReceivedRow>> {
        received_tickets(&self.pool, from, to, kind).await
    }
}

mod returns {
    use super::Pool;
    include!("returns_sql.rs");
}
