// Similar reports (重复诉求) and merging duplicates into the ticket that leads the
// problem (issue 8). Written once for both backends like every feature's `sql.rs` (the including
// module defines `Pool`). Included by sqlite.rs and postgres.rs; not a module of its own.

use time::OffsetDateTime;

use crate::outbox::store::NewOutboxItem;
use crate::repeats::store::NearbyRow;
use crate::store::rows::RowExt as _;
use crate::store::shared::{StoreResult, stored_time};
use crate::tickets::store::{NewEvent, TicketRecord, TicketVersion};

pub(crate) async fn nearby_tickets(
    pool: &Pool,
    matter_code: &str,
    from: OffsetDateTime,
    to: OffsetDateTime,
    (west, south, east, north): (f64, f64, f64, f64),
) -> StoreResult<Vec<NearbyRow>> {
    let rows = sqlx::query(
        "SELECT t.id, t.tracking_code, t.status, t.lon, t.lat, t.created_at, t.address, \
         m.tracking_code AS merged_code FROM tickets t \
         LEFT JOIN tickets m ON m.id = t.merged_into \
         WHERE t.matter_code = $1 AND t.created_at >= $2 AND t.created_at <= $3 \
         AND t.lon >= $4 AND t.lon <= $5 AND t.lat >= $6 AND t.lat <= $7 \
         ORDER BY t.created_at LIMIT 1000",
    )
    .bind(matter_code)
    .bind(stored_time(from))
    .bind(stored_time(to))
    .bind(west)
    .bind(east)
    .bind(south)
    .bind(north)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(NearbyRow {
                id: row.int64("id")?,
                tracking_code: row.text("tracking_code")?,
                status: row.text("status")?,
                lon: row.opt_f64("lon")?.unwrap_or_default(),
                lat: row.opt_f64("lat")?.unwrap_or_default(),
                created_at: row.time("created_at")?,
                address: row.text("address")?,
                merged_into: row.opt_text("merged_code")?,
            })
        })
        .collect()
}

/// Closes `dup` as merged into `lead_id`, with its timeline entries and outbox items, if it
/// is still as `expected`, is not merged yet, leads no merged ticket itself, and the
/// lead is not merged into another.
pub(crate) async fn merge_ticket(
    pool: &Pool,
    dup: &TicketRecord,
    expected: &TicketVersion,
    lead_id: i64,
    events: &[NewEvent],
    outbox: &[NewOutboxItem],
) -> StoreResult<bool> {
    let mut tx = pool.begin().await?;
    let updated = sqlx::query(
        "UPDATE tickets SET status = $1, return_pending = $2, closed_at = $3, merged_into = $4 \
         WHERE id = $5 AND status = $6 AND return_pending = $7 AND merged_into IS NULL \
         AND NOT EXISTS (SELECT 1 FROM tickets c WHERE c.merged_into = $5) \
         AND NOT EXISTS (SELECT 1 FROM tickets l WHERE l.id = $4 AND l.merged_into IS NOT NULL)",
    )
    .bind(dup.state.status.as_str())
    .bind(dup.state.return_pending)
    .bind(dup.closed_at.map(stored_time))
    .bind(lead_id)
    .bind(dup.id)
    .bind(expected.state.status.as_str())
    .bind(expected.state.return_pending)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated != 1 {
        return Ok(false);
    }
    let at = events
        .first()
        .map_or_else(OffsetDateTime::now_utc, |e| e.at);
    super::tickets::insert_change(&mut tx, dup.id, events, outbox, at).await?;
    tx.commit().await?;
    Ok(true)
}

/// The tickets merged into `lead_id`, oldest first.
pub(crate) async fn merged_ids(pool: &Pool, lead_id: i64) -> StoreResult<Vec<i64>> {
    let rows = sqlx::query("SELECT id FROM tickets WHERE merged_into = $1 ORDER BY id")
        .bind(lead_id)
        .fetch_all(pool)
        .await?;
    rows.iter().map(|row| row.int64("id")).collect()
}

#[async_trait::async_trait]
impl crate::repeats::store::RepeatStore for This {
    async fn nearby_tickets(
        &self,
        matter_code: &str,
        from: ::time::OffsetDateTime,
        to: ::time::OffsetDateTime,
        bounds: (f64, f64, f64, f64),
    ) -> StoreResult<Vec<NearbyRow>> {
        nearby_tickets(&self.pool, matter_code, from, to, bounds).await
    }

    async fn merge_ticket(
        &self,
        dup: &TicketRecord,
        expected: &TicketVersion,
        lead_id: i64,
        events: &[NewEvent],
        outbox: &[NewOutboxItem],
    ) -> StoreResult<bool> {
        self.wrote(merge_ticket(&self.pool, dup, expected, lead_id, events, outbox).await)
    }

    async fn merged_ids(&self, lead_id: i64) -> StoreResult<Vec<i64>> {
        merged_ids(&self.pool, lead_id).await
    }
}
