// FieldStore: the queries, written once for both backends (the including module
// defines `Pool`, `Db` and `This`, the backend's store).
// Included by store/sqlite.rs and store/postgres.rs; not a module of its own.
// Queries keep their SQL and binds in one function, however long (see store/mod.rs).

use sqlx::Row as _;

use crate::field::store::{FieldRecordRow, FieldRevision, FieldSaved};
use crate::store::rows::RowExt as _;
use crate::store::shared::{StoreError, StoreResult, stored_time};
use crate::tickets::store::NewEvent;

pub(crate) async fn save_field_revision(pool: &Pool, r: &FieldRevision) -> StoreResult<FieldSaved> {
    let revision = i32::try_from(r.revision)
        .map_err(|_| StoreError::Conflict("revision numbers stop at 2^31".into()))?;
    let at = stored_time(r.received_at);
    let mut tx = pool.begin().await?;
    // Write first: on SQLite the transaction then holds the write lock from its first
    // statement, so two syncs of one batch queue up instead of failing to upgrade.
    let inserted = sqlx::query(
        "INSERT INTO field_revisions (device_id, record_id, revision, kind, staff_id, grid_code,
             body, received_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (device_id, record_id, revision) DO NOTHING",
    )
    .bind(&r.device_id)
    .bind(&r.record_id)
    .bind(revision)
    .bind(r.kind)
    .bind(r.staff_id)
    .bind(&r.grid_code)
    .bind(&r.body)
    .bind(at)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    // A record id is its first owner's; anyone else's revision is not kept (the
    // transaction is dropped, undoing the insert).
    let owners = sqlx::query(
        "SELECT DISTINCT staff_id FROM field_revisions WHERE device_id = $1 AND record_id = $2",
    )
    .bind(&r.device_id)
    .bind(&r.record_id)
    .fetch_all(&mut *tx)
    .await?;
    for owner in &owners {
        if owner.int64("staff_id")? != r.staff_id {
            return Ok(FieldSaved::OtherOwner);
        }
    }
    if inserted {
        for (position, media_id) in r.media.iter().enumerate() {
            sqlx::query(
                "INSERT INTO field_revision_media (device_id, record_id, revision, media_id, position)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&r.device_id)
            .bind(&r.record_id)
            .bind(revision)
            .bind(media_id)
            .bind(i32::try_from(position).unwrap_or(i32::MAX))
            .execute(&mut *tx)
            .await?;
        }
        // The newest revision wins, whatever order revisions arrive in.
        sqlx::query(
            "INSERT INTO field_records (device_id, record_id, kind, revision, staff_id, grid_code,
                 body, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (device_id, record_id) DO UPDATE SET
                 revision = excluded.revision, grid_code = excluded.grid_code,
                 body = excluded.body, updated_at = excluded.updated_at
             WHERE excluded.revision > field_records.revision",
        )
        .bind(&r.device_id)
        .bind(&r.record_id)
        .bind(r.kind)
        .bind(revision)
        .bind(r.staff_id)
        .bind(&r.grid_code)
        .bind(&r.body)
        .bind(at)
        .execute(&mut *tx)
        .await?;
    }
    let current = sqlx::query(
        "SELECT f.revision, f.ticket_id, t.tracking_code
         FROM field_records f LEFT JOIN tickets t ON t.id = f.ticket_id
         WHERE f.device_id = $1 AND f.record_id = $2",
    )
    .bind(&r.device_id)
    .bind(&r.record_id)
    .fetch_one(&mut *tx)
    .await?;
    let current_revision = u32::try_from(current.int32("revision")?)
        .map_err(|_| StoreError::Corrupt("field record revision".into()))?;
    let ticket_id: Option<i64> = current.try_get("ticket_id")?;
    let ticket = ticket_id.zip(current.opt_text("tracking_code")?);
    tx.commit().await?;
    Ok(FieldSaved::Saved {
        new: inserted,
        current_revision,
        ticket,
    })
}

pub(crate) async fn append_field_event(
    pool: &Pool,
    device_id: &str,
    record_id: &str,
    ticket_id: i64,
    event: &NewEvent,
) -> StoreResult<bool> {
    let mut tx = pool.begin().await?;
    // Of two syncs at once, one links the record (the other waits for its row, then
    // finds it linked) and only that one writes the entry.
    let linked = sqlx::query(
        "UPDATE field_records SET ticket_id = $1
         WHERE device_id = $2 AND record_id = $3 AND ticket_id IS NULL",
    )
    .bind(ticket_id)
    .bind(device_id)
    .bind(record_id)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if linked {
        super::tickets::insert_events(&mut tx, ticket_id, event).await?;
    }
    tx.commit().await?;
    Ok(linked)
}

pub(crate) async fn link_field_ticket(
    pool: &Pool,
    device_id: &str,
    record_id: &str,
    ticket_id: i64,
) -> StoreResult<()> {
    sqlx::query("UPDATE field_records SET ticket_id = $1 WHERE device_id = $2 AND record_id = $3")
        .bind(ticket_id)
        .bind(device_id)
        .bind(record_id)
        .execute(pool)
        .await?;
    Ok(())
}

pub(crate) async fn field_records(pool: &Pool, staff_id: i64) -> StoreResult<Vec<FieldRecordRow>> {
    let rows = sqlx::query(
        "SELECT f.device_id, f.record_id, f.kind, f.revision, f.grid_code, f.body,
                t.tracking_code
         FROM field_records f LEFT JOIN tickets t ON t.id = f.ticket_id
         WHERE f.staff_id = $1
         ORDER BY f.updated_at, f.record_id",
    )
    .bind(staff_id)
    .fetch_all(pool)
    .await?;
    let mut records = Vec::with_capacity(rows.len());
    for row in &rows {
        let device_id = row.text("device_id")?;
        let record_id = row.text("record_id")?;
        let revision = row.int32("revision")?;
        let media = sqlx::query(
            "SELECT media_id FROM field_revision_media
             WHERE device_id = $1 AND record_id = $2 AND revision = $3 ORDER BY position",
        )
        .bind(&device_id)
        .bind(&record_id)
        .bind(revision)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| r.text("media_id"))
        .collect::<StoreResult<Vec<_>>>()?;
        records.push(FieldRecordRow {
            device_id,
            record_id,
            kind: row.text("kind")?,
            revision: u32::try_from(revision)
                .map_err(|_| StoreError::Corrupt("field record revision".into()))?,
            grid_code: row.text("grid_code")?,
            body: row.text("body")?,
            ticket_code: row.opt_text("tracking_code")?,
            media,
        });
    }
    Ok(records)
}

#[async_trait::async_trait]
impl crate::field::store::FieldStore for This {
    async fn save_field_revision(&self, revision: &FieldRevision) -> StoreResult<FieldSaved> {
        save_field_revision(&self.pool, revision).await
    }

    async fn append_field_event(
        &self,
        device_id: &str,
        record_id: &str,
        ticket_id: i64,
        event: &NewEvent,
    ) -> StoreResult<bool> {
        self.wrote(append_field_event(&self.pool, device_id, record_id, ticket_id, event).await)
    }

    async fn link_field_ticket(
        &self,
        device_id: &str,
        record_id: &str,
        ticket_id: i64,
    ) -> StoreResult<()> {
        link_field_ticket(&self.pool, device_id, record_id, ticket_id).await
    }

    async fn field_records(&self, staff_id: i64) -> StoreResult<Vec<FieldRecordRow>> {
        field_records(&self.pool, staff_id).await
    }
}
