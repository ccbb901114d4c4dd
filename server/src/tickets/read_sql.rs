// TicketStore's reads: one ticket by code or id, its timeline, the queues by view, the
// tickets due a deadline notice, and the matter types filed most. Included by
// tickets/sql.rs (module `reads`), so written once for both backends like it.
// Queries keep their SQL and binds in one function, however long (see store/mod.rs).

use gridline_core::api::ticket::TimelineEntry;
use sqlx::Row as _;
use time::OffsetDateTime;

use super::{OPEN, placeholders};
use crate::store::rows::{self as read, RowExt as _};
use crate::store::shared::{StoreResult, stored_time};
use crate::tickets::store::{Notice, Page, TicketFilter, TicketRecord};

pub(crate) async fn ticket_by_code(pool: &Pool, code: &str) -> StoreResult<Option<TicketRecord>> {
    let row = sqlx::query(concat!(
        "SELECT ",
        ticket_columns!(),
        " FROM tickets WHERE tracking_code = $1"
    ))
    .bind(code)
    .fetch_optional(pool)
    .await?;
    row.as_ref().map(read::ticket).transpose()
}

pub(crate) async fn last_event_id(pool: &Pool, tracking_code: &str) -> StoreResult<Option<i64>> {
    let row = sqlx::query(
        "SELECT MAX(e.id) AS last FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
         WHERE t.tracking_code = $1",
    )
    .bind(tracking_code)
    .fetch_one(pool)
    .await?;
    Ok(row.try_get("last")?)
}

pub(crate) async fn ticket_timeline(
    pool: &Pool,
    ticket_id: i64,
) -> StoreResult<Vec<TimelineEntry>> {
    let rows = sqlx::query(
        "SELECT id, at, kind, unit_code, public, note FROM ticket_events WHERE ticket_id = $1
         ORDER BY id",
    )
    .bind(ticket_id)
    .fetch_all(pool)
    .await?;
    let media = sqlx::query(
        "SELECT em.event_id, m.id, m.kind, m.content_type, m.size_bytes, m.created_at
         FROM event_media em
         JOIN ticket_events e ON e.id = em.event_id
         JOIN media m ON m.id = em.media_id
         WHERE e.ticket_id = $1
         ORDER BY em.event_id, em.position",
    )
    .bind(ticket_id)
    .fetch_all(pool)
    .await?;
    let mut media_of = std::collections::HashMap::<i64, Vec<_>>::new();
    for row in &media {
        media_of
            .entry(row.int64("event_id")?)
            .or_default()
            .push(read::media(row)?.as_ref());
    }
    rows.iter()
        .map(|row| {
            let mut entry = read::timeline_entry(row)?;
            entry.media = media_of.remove(&row.int64("id")?).unwrap_or_default();
            Ok(entry)
        })
        .collect()
}

pub(crate) async fn list_tickets(
    pool: &Pool,
    filter: &TicketFilter,
    kind: Option<gridline_core::api::ticket::RequestKind>,
    page: Page,
) -> StoreResult<Vec<TicketRecord>> {
    // Nearest deadline first, tickets without one last; the dispatchers' by age.
    const BY_DEADLINE: &str = "ORDER BY handling_due IS NULL, handling_due, id";
    let (condition, values, order): (String, &[String], &str) = match filter {
        TicketFilter::OpenForUnits(units) => {
            let list = placeholders(1, units.len().max(1));
            (
                format!(
                    "status IN {OPEN} AND (lead_unit_code IN ({list})
                     OR id IN (SELECT ticket_id FROM ticket_co_units WHERE unit_code IN ({list})))"
                ),
                units,
                BY_DEADLINE,
            )
        }
        TicketFilter::ForDispatchers => (
            "status = 'received' OR return_pending = TRUE".to_owned(),
            &[],
            "ORDER BY created_at, id",
        ),
        TicketFilter::NotClosedInGrids(grids) => (
            format!(
                "region_code IN ({}) AND status <> 'closed'",
                placeholders(1, grids.len().max(1))
            ),
            grids,
            BY_DEADLINE,
        ),
        TicketFilter::ReviewPending => (
            "status = 'done' AND review_pending = TRUE".to_owned(),
            &[],
            BY_DEADLINE,
        ),
        TicketFilter::Overdue => (
            format!("overdue_at IS NOT NULL AND status IN {OPEN}"),
            &[],
            BY_DEADLINE,
        ),
        TicketFilter::Stalled => (
            format!("stalled_at IS NOT NULL AND status IN {OPEN}"),
            &[],
            "ORDER BY stalled_at, id",
        ),
    };
    let wants_values = matches!(
        filter,
        TicketFilter::OpenForUnits(_) | TicketFilter::NotClosedInGrids(_)
    );
    if wants_values && values.is_empty() {
        return Ok(Vec::new());
    }
    let mut n = values.len();
    let of_kind = match kind {
        Some(_) => {
            n += 1;
            format!("AND kind = ${n}")
        }
        None => String::new(),
    };
    let sql = format!(
        "SELECT {} FROM tickets WHERE ({condition}) {of_kind} {order} LIMIT ${} OFFSET ${}",
        ticket_columns!(),
        n + 1,
        n + 2
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for value in values {
        query = query.bind(value);
    }
    if let Some(kind) = kind {
        query = query.bind(kind.as_str());
    }
    let rows = query
        .bind(i64::try_from(page.limit).unwrap_or(i64::MAX))
        .bind(i64::try_from(page.offset).unwrap_or(i64::MAX))
        .fetch_all(pool)
        .await?;
    rows.iter().map(read::ticket).collect()
}

pub(crate) async fn due_notices(
    pool: &Pool,
    notice: Notice,
    now: OffsetDateTime,
) -> StoreResult<Vec<i64>> {
    let condition = match notice {
        Notice::Warning => format!("status IN {OPEN} AND warn_at <= $1 AND warned_at IS NULL"),
        Notice::ResponseOverdue => {
            "status = 'dispatched' AND response_due <= $1 AND response_overdue_at IS NULL"
                .to_owned()
        }
        Notice::Overdue => {
            format!("status IN {OPEN} AND handling_due <= $1 AND overdue_at IS NULL")
        }
        // `$1` is then the latest resolution time that is due (see below).
        Notice::RatingRequest => "status = 'done' AND sms_consent = TRUE AND resolved_at <= $1 \
             AND rating_asked_at IS NULL AND contact_phone IS NOT NULL AND merged_into IS NULL"
            .to_owned(),
    };
    let now = match notice {
        Notice::RatingRequest => now - Notice::RATING_REQUEST_AFTER,
        _ => now,
    };
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT id FROM tickets WHERE {condition} ORDER BY id"
    )))
    .bind(stored_time(now))
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| Ok(r.try_get::<i64, _>("id")?))
        .collect()
}

pub(crate) async fn most_filed_matters(
    pool: &Pool,
    since: OffsetDateTime,
    limit: u32,
) -> StoreResult<Vec<String>> {
    let rows = sqlx::query(
        "SELECT matter_code FROM tickets WHERE created_at >= $1
         GROUP BY matter_code ORDER BY COUNT(*) DESC, matter_code LIMIT $2",
    )
    .bind(stored_time(since))
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| Ok(r.try_get::<String, _>("matter_code")?))
        .collect()
}

pub(crate) async fn co_units(pool: &Pool, ticket_id: i64) -> StoreResult<Vec<String>> {
    let rows = sqlx::query(
        "SELECT unit_code FROM ticket_co_units WHERE ticket_id = $1 ORDER BY unit_code",
    )
    .bind(ticket_id)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| Ok(r.try_get::<String, _>("unit_code")?))
        .collect()
}

pub(crate) async fn ticket_by_id(
    pool: &Pool,
    id: i64,
) -> StoreResult<Option<crate::tickets::store::TicketRecord>> {
    let row = sqlx::query(concat!(
        "SELECT ",
        ticket_columns!(),
        " FROM tickets WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(pool)
    .await?;
    row.as_ref().map(crate::store::rows::ticket).transpose()
}
