// Consultations (会商): opening one with its invited units, the units' views, the
// decision, and reading them with their ticket. Written once for both backends like
// every feature's `sql.rs` (the including module defines `Pool`); included by
// store/sqlite.rs and store/postgres.rs, not a module of its own.
// Queries keep their SQL and binds in one function, however long (see store/mod.rs).

use std::collections::HashMap;

use gridline_core::api::consult::{Consultation, ConsultedUnit};
use sqlx::Row as _;

use crate::store::rows::RowExt as _;
use crate::store::shared::{StoreResult, stored_time};
use crate::tickets::store::NewEvent;

pub(crate) async fn open_consultation(
    pool: &Pool,
    ticket_id: i64,
    units: &[String],
    note: &str,
    staff_id: i64,
    event: &NewEvent,
) -> StoreResult<Option<i64>> {
    let mut tx = pool.begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO consultations (ticket_id, opened_at, opened_by, note)
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(ticket_id)
    .bind(stored_time(event.at))
    .bind(staff_id)
    .bind(note)
    .fetch_one(&mut *tx)
    .await;
    let id: i64 = match inserted {
        Ok(row) => row.try_get("id")?,
        Err(sqlx::Error::Database(db)) if db.is_unique_violation() => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    for unit in units {
        sqlx::query("INSERT INTO consultation_units (consultation_id, unit_code) VALUES ($1, $2)")
            .bind(id)
            .bind(unit)
            .execute(&mut *tx)
            .await?;
    }
    super::tickets::insert_change(
        &mut tx,
        ticket_id,
        std::slice::from_ref(event),
        &[],
        event.at,
    )
    .await?;
    tx.commit().await?;
    Ok(Some(id))
}

const COLUMNS: &str = "c.id, t.tracking_code, t.matter_code, t.lead_unit_code, t.return_pending,
     t.handling_due, c.opened_at, c.note, c.decided_at, c.decided_unit, c.decision_note";

/// The consultations `condition` selects, in `order`, with their units.
async fn read(
    pool: &Pool,
    condition: &str,
    order: &str,
    values: &[String],
    ticket_id: Option<i64>,
) -> StoreResult<Vec<Consultation>> {
    // Built only from this file's constants; values are bound.
    let sql = format!(
        "SELECT {COLUMNS} FROM consultations c JOIN tickets t ON t.id = c.ticket_id
         WHERE {condition} ORDER BY {order}"
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    if let Some(id) = ticket_id {
        query = query.bind(id);
    }
    for v in values {
        query = query.bind(v.clone());
    }
    let rows = query.fetch_all(pool).await?;
    let mut found = Vec::new();
    for row in &rows {
        found.push(Consultation {
            id: row.try_get("id")?,
            tracking_code: row.text("tracking_code")?,
            matter_code: row.text("matter_code")?,
            lead_unit_code: row.opt_text("lead_unit_code")?,
            return_pending: row.flag("return_pending")?,
            handling_due: row.opt_time("handling_due")?,
            opened_at: row.time("opened_at")?,
            note: row.text("note")?,
            decided_at: row.opt_time("decided_at")?,
            decided_unit_code: row.opt_text("decided_unit")?,
            decision_note: row.opt_text("decision_note")?,
            units: Vec::new(),
        });
    }
    if found.is_empty() {
        return Ok(found);
    }
    let ids: Vec<String> = found.iter().map(|c| c.id.to_string()).collect();
    // Ids are the numbers just read, not input.
    let units = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT consultation_id, unit_code, view, stated_at FROM consultation_units
         WHERE consultation_id IN ({}) ORDER BY consultation_id, unit_code",
        ids.join(", ")
    )))
    .fetch_all(pool)
    .await?;
    let mut by_id: HashMap<i64, Vec<ConsultedUnit>> = HashMap::new();
    for row in &units {
        by_id
            .entry(row.try_get("consultation_id")?)
            .or_default()
            .push(ConsultedUnit {
                unit_code: row.text("unit_code")?,
                view: row.opt_text("view")?,
                stated_at: row.opt_time("stated_at")?,
            });
    }
    for c in &mut found {
        c.units = by_id.remove(&c.id).unwrap_or_default();
    }
    Ok(found)
}

pub(crate) async fn consultations_of(
    pool: &Pool,
    ticket_id: i64,
) -> StoreResult<Vec<Consultation>> {
    read(pool, "c.ticket_id = $1", "c.id DESC", &[], Some(ticket_id)).await
}

pub(crate) async fn open_consultations(
    pool: &Pool,
    units: Option<&[String]>,
) -> StoreResult<Vec<Consultation>> {
    match units {
        None => read(pool, "c.decided_at IS NULL", "c.opened_at, c.id", &[], None).await,
        Some([]) => Ok(Vec::new()),
        Some(units) => {
            let placeholders: Vec<String> = (1..=units.len()).map(|i| format!("${i}")).collect();
            let condition = format!(
                "c.decided_at IS NULL AND c.id IN (SELECT consultation_id FROM consultation_units
                 WHERE unit_code IN ({}))",
                placeholders.join(", ")
            );
            read(pool, &condition, "c.opened_at, c.id", units, None).await
        }
    }
}

pub(crate) async fn state_view(
    pool: &Pool,
    id: i64,
    ticket_id: i64,
    unit: &str,
    event: &NewEvent,
) -> StoreResult<bool> {
    let mut tx = pool.begin().await?;
    let updated = sqlx::query(
        "UPDATE consultation_units SET view = $1, stated_at = $2
         WHERE consultation_id = $3 AND unit_code = $4
         AND EXISTS (SELECT 1 FROM consultations WHERE id = $3 AND decided_at IS NULL)",
    )
    .bind(&event.note)
    .bind(stored_time(event.at))
    .bind(id)
    .bind(unit)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated != 1 {
        return Ok(false);
    }
    super::tickets::insert_change(
        &mut tx,
        ticket_id,
        std::slice::from_ref(event),
        &[],
        event.at,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

pub(crate) async fn decide_consultation(
    pool: &Pool,
    id: i64,
    ticket_id: i64,
    unit: &str,
    staff_id: i64,
    event: &NewEvent,
) -> StoreResult<bool> {
    let mut tx = pool.begin().await?;
    let updated = sqlx::query(
        "UPDATE consultations SET decided_at = $1, decided_by = $2, decided_unit = $3,
             decision_note = $4
         WHERE id = $5 AND decided_at IS NULL",
    )
    .bind(stored_time(event.at))
    .bind(staff_id)
    .bind(unit)
    .bind(&event.note)
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated != 1 {
        return Ok(false);
    }
    super::tickets::insert_change(
        &mut tx,
        ticket_id,
        std::slice::from_ref(event),
        &[],
        event.at,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

#[async_trait::async_trait]
impl crate::consult::store::ConsultStore for This {
    async fn open_consultation(
        &self,
        ticket_id: i64,
        units: &[String],
        note: &str,
        staff_id: i64,
        event: &NewEvent,
    ) -> StoreResult<Option<i64>> {
        self.wrote(open_consultation(&self.pool, ticket_id, units, note, staff_id, event).await)
    }

    async fn consultations_of(&self, ticket_id: i64) -> StoreResult<Vec<Consultation>> {
        consultations_of(&self.pool, ticket_id).await
    }

    async fn open_consultations(&self, units: Option<&[String]>) -> StoreResult<Vec<Consultation>> {
        open_consultations(&self.pool, units).await
    }

    async fn state_view(
        &self,
        id: i64,
        ticket_id: i64,
        unit: &str,
        event: &NewEvent,
    ) -> StoreResult<bool> {
        self.wrote(state_view(&self.pool, id, ticket_id, unit, event).await)
    }

    async fn decide_consultation(
        &self,
        id: i64,
        ticket_id: i64,
        unit: &str,
        staff_id: i64,
        event: &NewEvent,
    ) -> StoreResult<bool> {
        self.wrote(decide_consultation(&self.pool, id, ticket_id, unit, staff_id, event).await)
    }
}
