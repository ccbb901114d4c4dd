// Monthly topics (每月一题): a topic with its units, its measures, closing it, and the
// tickets of its class. Written once for both backends like every feature's `sql.rs`
// (the including module defines `Pool`); included by store/sqlite.rs and
// store/postgres.rs, not a module of its own.
// Queries keep their SQL and binds in one function, however long (see store/mod.rs).

use gridline_core::api::topic::TopicMeasure;
use gridline_core::ticket::Status;
use sqlx::Row as _;
use time::OffsetDateTime;

use crate::store::rows::RowExt as _;
use crate::store::shared::{StoreError, StoreResult, stored_time};
use crate::topics::store::{ClassTicket, NewMeasure, TopicRecord};

pub(crate) async fn create_topic(pool: &Pool, t: &TopicRecord) -> StoreResult<i64> {
    let mut tx = pool.begin().await?;
    let row = sqlx::query(
        "INSERT INTO topics (month, title, matter_code, region_code, lead_unit_code, opened_at,
             opened_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(&t.month)
    .bind(&t.title)
    .bind(&t.matter_code)
    .bind(&t.region_code)
    .bind(&t.lead_unit_code)
    .bind(stored_time(t.opened_at))
    .bind(t.opened_by)
    .fetch_one(&mut *tx)
    .await?;
    let id: i64 = row.try_get("id")?;
    for unit in &t.unit_codes {
        sqlx::query("INSERT INTO topic_units (topic_id, unit_code) VALUES ($1, $2)")
            .bind(id)
            .bind(unit)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(id)
}

async fn read_topics(pool: &Pool, id: Option<i64>) -> StoreResult<Vec<TopicRecord>> {
    let condition = if id.is_some() { "WHERE id = $1" } else { "" };
    // Built only from this file's constants; values are bound.
    let mut query = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT id, month, title, matter_code, region_code, lead_unit_code, opened_at, opened_by,
             closed_at, close_note
         FROM topics {condition} ORDER BY month DESC, id DESC"
    )));
    if let Some(id) = id {
        query = query.bind(id);
    }
    let rows = query.fetch_all(pool).await?;
    let units = sqlx::query("SELECT topic_id, unit_code FROM topic_units ORDER BY unit_code")
        .fetch_all(pool)
        .await?;
    let mut topics = Vec::new();
    for row in &rows {
        let id: i64 = row.try_get("id")?;
        let unit_codes = units
            .iter()
            .filter(|u| u.try_get::<i64, _>("topic_id").ok() == Some(id))
            .map(|u| u.text("unit_code"))
            .collect::<StoreResult<Vec<_>>>()?;
        topics.push(TopicRecord {
            id,
            month: row.text("month")?,
            title: row.text("title")?,
            matter_code: row.text("matter_code")?,
            region_code: row.opt_text("region_code")?,
            lead_unit_code: row.text("lead_unit_code")?,
            unit_codes,
            opened_at: row.time("opened_at")?,
            opened_by: row.opt_int64("opened_by")?,
            closed_at: row.opt_time("closed_at")?,
            close_note: row.opt_text("close_note")?,
        });
    }
    Ok(topics)
}

pub(crate) async fn add_topic_measure(
    pool: &Pool,
    topic_id: i64,
    m: &NewMeasure,
) -> StoreResult<bool> {
    let inserted = sqlx::query(
        "INSERT INTO topic_measures (topic_id, at, staff_id, unit_code, note, households)
         SELECT id, $2, $3, $4, $5, $6 FROM topics WHERE id = $1 AND closed_at IS NULL",
    )
    .bind(topic_id)
    .bind(stored_time(m.at))
    .bind(m.staff_id)
    .bind(&m.unit_code)
    .bind(&m.note)
    .bind(m.households.map(i64::from))
    .execute(pool)
    .await?
    .rows_affected();
    Ok(inserted == 1)
}

pub(crate) async fn topic_measures(pool: &Pool, topic_id: i64) -> StoreResult<Vec<TopicMeasure>> {
    let rows = sqlx::query(
        "SELECT at, unit_code, note, households FROM topic_measures WHERE topic_id = $1
         ORDER BY id",
    )
    .bind(topic_id)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(TopicMeasure {
                at: row.time("at")?,
                unit_code: row.opt_text("unit_code")?,
                note: row.text("note")?,
                households: row
                    .opt_int64("households")?
                    .map(|h| u32::try_from(h).unwrap_or_default()),
            })
        })
        .collect()
}

pub(crate) async fn close_topic(
    pool: &Pool,
    id: i64,
    at: OffsetDateTime,
    note: &str,
) -> StoreResult<bool> {
    let updated = sqlx::query(
        "UPDATE topics SET closed_at = $1, close_note = $2 WHERE id = $3 AND closed_at IS NULL",
    )
    .bind(stored_time(at))
    .bind(note)
    .bind(id)
    .execute(pool)
    .await?
    .rows_affected();
    Ok(updated == 1)
}

pub(crate) async fn class_tickets(
    pool: &Pool,
    matters: &[String],
    grids: Option<&[String]>,
) -> StoreResult<Vec<ClassTicket>> {
    if matters.is_empty() || grids.is_some_and(<[String]>::is_empty) {
        return Ok(Vec::new());
    }
    let list = |from: usize, n: usize| {
        (from..from + n)
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut condition = format!("matter_code IN ({})", list(1, matters.len()));
    if let Some(grids) = grids {
        condition.push_str(&format!(
            " AND region_code IN ({})",
            list(matters.len() + 1, grids.len())
        ));
    }
    // Placeholders only; values are bound.
    let mut query = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT tracking_code, matter_code, region_code, status, created_at,
             CASE WHEN resolved_at IS NOT NULL OR status = 'closed' THEN 1 ELSE 0 END AS resolved
         FROM tickets WHERE {condition} ORDER BY created_at DESC, id DESC"
    )));
    for m in matters {
        query = query.bind(m.clone());
    }
    for g in grids.unwrap_or_default() {
        query = query.bind(g.clone());
    }
    let rows = query.fetch_all(pool).await?;
    rows.iter()
        .map(|row| {
            let status = row.text("status")?;
            Ok(ClassTicket {
                tracking_code: row.text("tracking_code")?,
                matter_code: row.text("matter_code")?,
                region_code: row.opt_text("region_code")?,
                status: Status::parse(&status)
                    .ok_or_else(|| StoreError::Corrupt(format!("status {status}")))?,
                created_at: row.time("created_at")?,
                resolved: row.int32("resolved")? == 1,
            })
        })
        .collect()
}

#[async_trait::async_trait]
impl crate::topics::store::TopicStore for This {
    async fn create_topic(&self, topic: &TopicRecord) -> StoreResult<i64> {
        create_topic(&self.pool, topic).await
    }

    async fn topics(&self) -> StoreResult<Vec<TopicRecord>> {
        read_topics(&self.pool, None).await
    }

    async fn topic(&self, id: i64) -> StoreResult<Option<TopicRecord>> {
        Ok(read_topics(&self.pool, Some(id)).await?.into_iter().next())
    }

    async fn add_topic_measure(&self, topic_id: i64, measure: &NewMeasure) -> StoreResult<bool> {
        add_topic_measure(&self.pool, topic_id, measure).await
    }

    async fn topic_measures(&self, topic_id: i64) -> StoreResult<Vec<TopicMeasure>> {
        topic_measures(&self.pool, topic_id).await
    }

    async fn close_topic(&self, id: i64, at: OffsetDateTime, note: &str) -> StoreResult<bool> {
        close_topic(&self.pool, id, at, note).await
    }

    async fn class_tickets(
        &self,
        matters: &[String],
        grids: Option<&[String]>,
    ) -> StoreResult<Vec<ClassTicket>> {
        class_tickets(&self.pool, matters, grids).await
    }
}
