// Preventive measures (未诉先办): logging one and reading a span of weeks' measures.
// Written once for both backends like every feature's `sql.rs` (the including module
// defines `Pool`); included by store/sqlite.rs and store/postgres.rs.
// Queries keep their SQL and binds in one function, however long (see store/mod.rs).

use crate::advance::history::PastTicket;
use crate::advance::store::MeasureRecord;
use crate::store::rows::RowExt as _;
use crate::store::shared::{StoreResult, stored_time};

pub(crate) async fn add_preventive_measure(pool: &Pool, m: &MeasureRecord) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO preventive_measures
             (matter_code, street_code, week_from, unit_code, staff_id, at, note)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&m.matter_code)
    .bind(&m.street_code)
    .bind(&m.week_from)
    .bind(&m.unit_code)
    .bind(m.staff_id)
    .bind(stored_time(m.at))
    .bind(&m.note)
    .execute(pool)
    .await?;
    Ok(())
}

pub(crate) async fn preventive_measures(
    pool: &Pool,
    from: &str,
    to: &str,
) -> StoreResult<Vec<MeasureRecord>> {
    let rows = sqlx::query(
        "SELECT matter_code, street_code, week_from, unit_code, staff_id, at, note
         FROM preventive_measures WHERE week_from >= $1 AND week_from < $2 ORDER BY id",
    )
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(MeasureRecord {
                matter_code: row.text("matter_code")?,
                street_code: row.text("street_code")?,
                week_from: row.text("week_from")?,
                unit_code: row.opt_text("unit_code")?,
                staff_id: row.opt_int64("staff_id")?,
                at: row.time("at")?,
                note: row.text("note")?,
            })
        })
        .collect()
}

/// Adds the tickets whose `source_id` is new, in one transaction; how many were new.
pub(crate) async fn add_past_tickets(pool: &Pool, tickets: &[PastTicket]) -> StoreResult<u64> {
    let mut tx = pool.begin().await?;
    let mut added = 0;
    for t in tickets {
        added += sqlx::query(
            "INSERT INTO past_tickets
                 (source_id, received_at, matter_code, region_code, unit_code, description)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (source_id) DO NOTHING",
        )
        .bind(&t.source_id)
        .bind(stored_time(t.received_at))
        .bind(&t.matter_code)
        .bind(&t.region_code)
        .bind(&t.unit_code)
        .bind(&t.description)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    }
    tx.commit().await?;
    Ok(added)
}

pub(crate) async fn past_tickets(
    pool: &Pool,
    from: ::time::OffsetDateTime,
    to: ::time::OffsetDateTime,
) -> StoreResult<Vec<PastTicket>> {
    let rows = sqlx::query(
        "SELECT source_id, received_at, matter_code, region_code, unit_code, description
         FROM past_tickets WHERE received_at >= $1 AND received_at < $2
         ORDER BY received_at, id",
    )
    .bind(stored_time(from))
    .bind(stored_time(to))
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(PastTicket {
                source_id: row.text("source_id")?,
                received_at: row.time("received_at")?,
                matter_code: row.text("matter_code")?,
                region_code: row.opt_text("region_code")?,
                unit_code: row.opt_text("unit_code")?,
                description: row.opt_text("description")?,
            })
        })
        .collect()
}

#[async_trait::async_trait]
impl crate::advance::store::AdvanceStore for This {
    async fn add_preventive_measure(&self, measure: &MeasureRecord) -> StoreResult<()> {
        add_preventive_measure(&self.pool, measure).await
    }

    async fn preventive_measures(&self, from: &str, to: &str) -> StoreResult<Vec<MeasureRecord>> {
        preventive_measures(&self.pool, from, to).await
    }

    async fn add_past_tickets(&self, tickets: &[PastTicket]) -> StoreResult<u64> {
        add_past_tickets(&self.pool, tickets).await
    }

    async fn past_tickets(
        &self,
        from: ::time::OffsetDateTime,
        to: ::time::OffsetDateTime,
    ) -> StoreResult<Vec<PastTicket>> {
        past_tickets(&self.pool, from, to).await
    }
}
