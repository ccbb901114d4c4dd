// The store's SQL, written once for both backends: the including module defines `Pool`
// and `Db` (SqlitePool and Sqlite, or PgPool and Postgres). sqlx binds `$N`
// placeholders on SQLite too, and every type used here (text, integers, floats,
// booleans, bytes, OffsetDateTime) encodes on both. Times are stored as whole-second
// UTC (`stored_time`), so SQLite's RFC 3339 text compares in time order.
// Included by sqlite.rs and postgres.rs; not a module of its own.

use gridline_core::api::auth::StaffProfile;
use gridline_core::api::reference::{HandlingUnit, MatterType, Region, RegionWithShape};
use gridline_core::api::ticket::TimelineEntry;
use gridline_core::calendar::WorkCalendar;
use gridline_core::geo::Polygon;
use gridline_core::ticket::Satisfaction;
use sqlx::Row as _;
use time::OffsetDateTime;

use crate::store::rows::{self as read, RowExt as _};
use crate::store::{
    Created, FieldRecordRow, FieldRevision, FieldSaved, MediaRecord, NewEvent, NewStaff, Notice,
    Page, ReferenceData, StaffRecord, StoreError, StoreResult, TicketFilter, TicketRecord,
    TicketVersion, attach_responsibilities, calendar_from_years, keywords_to_text, roles_to_text,
    shape_to_text, stored_time,
};

pub(crate) async fn ping(pool: &Pool) -> StoreResult<()> {
    sqlx::query("SELECT 1").execute(pool).await?;
    Ok(())
}

pub(crate) async fn is_empty(pool: &Pool) -> StoreResult<bool> {
    let row = sqlx::query(
        "SELECT NOT (EXISTS (SELECT 1 FROM regions) OR EXISTS (SELECT 1 FROM matter_types)
                  OR EXISTS (SELECT 1 FROM staff)) AS empty",
    )
    .fetch_one(pool)
    .await?;
    Ok(row.try_get("empty")?)
}

pub(crate) async fn upsert_reference_data(pool: &Pool, data: &ReferenceData) -> StoreResult<()> {
    let mut tx = pool.begin().await?;
    for m in &data.matter_types {
        sqlx::query(
            "INSERT INTO matter_types
                 (code, parent_code, name_zh, name_en, tier_days, urgent, keywords, unit_kind,
                  patrol)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (code) DO UPDATE SET parent_code = excluded.parent_code,
                 name_zh = excluded.name_zh, name_en = excluded.name_en,
                 tier_days = excluded.tier_days, urgent = excluded.urgent,
                 keywords = excluded.keywords, unit_kind = excluded.unit_kind,
                 patrol = excluded.patrol",
        )
        .bind(&m.code)
        .bind(&m.parent_code)
        .bind(&m.name_zh)
        .bind(&m.name_en)
        .bind(i32::from(m.tier_days))
        .bind(m.urgent)
        .bind(keywords_to_text(&m.keywords))
        .bind(m.unit_kind.map(|k| k.as_str()))
        .bind(m.patrol)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_write(e, &format!("matter type {}", m.code)))?;
    }
    for RegionWithShape { region: r, shape } in &data.regions {
        sqlx::query(
            "INSERT INTO regions (code, parent_code, level, name_zh, name_en, shape)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (code) DO UPDATE SET parent_code = excluded.parent_code,
                 level = excluded.level, name_zh = excluded.name_zh,
                 name_en = excluded.name_en, shape = excluded.shape",
        )
        .bind(&r.code)
        .bind(&r.parent_code)
        .bind(r.level.as_str())
        .bind(&r.name_zh)
        .bind(&r.name_en)
        .bind(shape_to_text(shape))
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_write(e, &format!("region {}", r.code)))?;
    }
    for u in &data.units {
        sqlx::query(
            "INSERT INTO handling_units (code, name_zh, name_en, kind, region_code)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh,
                 name_en = excluded.name_en, kind = excluded.kind,
                 region_code = excluded.region_code",
        )
        .bind(&u.code)
        .bind(&u.name_zh)
        .bind(&u.name_en)
        .bind(u.kind.as_str())
        .bind(&u.region_code)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_write(e, &format!("unit {}", u.code)))?;
        sqlx::query("DELETE FROM unit_responsibilities WHERE unit_code = $1")
            .bind(&u.code)
            .execute(&mut *tx)
            .await?;
    }
    for u in &data.units {
        for matter in &u.matters {
            for area in &u.areas {
                sqlx::query(
                    "INSERT INTO unit_responsibilities (matter_code, region_code, unit_code)
                     VALUES ($1, $2, $3)",
                )
                .bind(matter)
                .bind(area)
                .bind(&u.code)
                .execute(&mut *tx)
                .await
                .map_err(|e| {
                    StoreError::from_write(e, &format!("a unit for matter {matter} in {area}"))
                })?;
            }
        }
    }
    sqlx::query("UPDATE reference_revision SET revision = revision + 1 WHERE id = 1")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn reference_revision(pool: &Pool) -> StoreResult<i64> {
    let row = sqlx::query("SELECT revision FROM reference_revision WHERE id = 1")
        .fetch_one(pool)
        .await?;
    Ok(row.try_get("revision")?)
}

pub(crate) async fn list_matter_types(pool: &Pool) -> StoreResult<Vec<MatterType>> {
    let rows = sqlx::query(
        "SELECT code, parent_code, name_zh, name_en, tier_days, urgent, keywords, unit_kind, patrol
         FROM matter_types ORDER BY code",
    )
    .fetch_all(pool)
    .await?;
    rows.iter().map(read::matter_type).collect()
}

pub(crate) async fn list_regions(pool: &Pool) -> StoreResult<Vec<Region>> {
    let rows =
        sqlx::query("SELECT code, parent_code, level, name_zh, name_en FROM regions ORDER BY code")
            .fetch_all(pool)
            .await?;
    rows.iter().map(read::region).collect()
}

pub(crate) async fn list_shapes(pool: &Pool) -> StoreResult<Vec<(String, Vec<Polygon>)>> {
    let rows = sqlx::query("SELECT code, shape FROM regions WHERE shape IS NOT NULL ORDER BY code")
        .fetch_all(pool)
        .await?;
    rows.iter().map(read::shape).collect()
}

pub(crate) async fn list_units(pool: &Pool) -> StoreResult<Vec<HandlingUnit>> {
    let units = sqlx::query(
        "SELECT code, name_zh, name_en, kind, region_code FROM handling_units ORDER BY code",
    )
    .fetch_all(pool)
    .await?;
    let units = units
        .iter()
        .map(read::unit)
        .collect::<StoreResult<Vec<_>>>()?;
    let rows = sqlx::query(
        "SELECT unit_code, matter_code, region_code FROM unit_responsibilities
         ORDER BY unit_code, matter_code, region_code",
    )
    .fetch_all(pool)
    .await?;
    let rows = rows
        .iter()
        .map(read::responsibility)
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(attach_responsibilities(units, rows))
}

pub(crate) async fn load_calendar(pool: &Pool) -> StoreResult<WorkCalendar> {
    let rows = sqlx::query("SELECT year, csv FROM calendar_years ORDER BY year")
        .fetch_all(pool)
        .await?;
    let rows = rows
        .iter()
        .map(|row| {
            Ok((
                row.try_get::<i32, _>("year")?,
                row.try_get::<String, _>("csv")?,
            ))
        })
        .collect::<StoreResult<Vec<_>>>()?;
    calendar_from_years(rows)
}

pub(crate) async fn save_calendar_years(pool: &Pool, calendar: &WorkCalendar) -> StoreResult<()> {
    let mut tx = pool.begin().await?;
    for year in calendar.years() {
        sqlx::query(
            "INSERT INTO calendar_years (year, csv) VALUES ($1, $2)
             ON CONFLICT (year) DO UPDATE SET csv = excluded.csv",
        )
        .bind(year)
        .bind(calendar.year_csv(year))
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("UPDATE reference_revision SET revision = revision + 1 WHERE id = 1")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn create_staff(pool: &Pool, staff: &NewStaff) -> StoreResult<i64> {
    let row = sqlx::query(
        "INSERT INTO staff (username, display_name, password_hash, roles, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(&staff.username)
    .bind(&staff.display_name)
    .bind(&staff.password_hash)
    .bind(roles_to_text(&staff.roles))
    .bind(stored_time(OffsetDateTime::now_utc()))
    .fetch_one(pool)
    .await
    .map_err(|e| StoreError::from_write(e, &format!("user {}", staff.username)))?;
    Ok(row.try_get("id")?)
}

pub(crate) async fn find_staff_by_username(
    pool: &Pool,
    username: &str,
) -> StoreResult<Option<StaffRecord>> {
    let row = sqlx::query(
        "SELECT id, username, display_name, roles, password_hash, disabled
         FROM staff WHERE username = $1",
    )
    .bind(username)
    .fetch_optional(pool)
    .await?;
    row.as_ref().map(read::staff_record).transpose()
}

pub(crate) async fn create_session(
    pool: &Pool,
    token_hash: &[u8],
    staff_id: i64,
    expires_at: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, staff_id, created_at, expires_at)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(staff_id)
    .bind(stored_time(OffsetDateTime::now_utc()))
    .bind(stored_time(expires_at))
    .execute(pool)
    .await?;
    Ok(())
}

pub(crate) async fn delete_session(pool: &Pool, token_hash: &[u8]) -> StoreResult<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(pool)
        .await?;
    push::end_staff_sessions(pool).await?;
    Ok(())
}

pub(crate) async fn purge_sessions(
    pool: &Pool,
    now: OffsetDateTime,
    born_after: OffsetDateTime,
) -> StoreResult<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR created_at <= $2")
        .bind(stored_time(now))
        .bind(stored_time(born_after))
        .execute(pool)
        .await?;
    push::end_staff_sessions(pool).await?;
    Ok(done.rows_affected())
}

pub(crate) async fn touch_session(
    pool: &Pool,
    token_hash: &[u8],
    now: OffsetDateTime,
    new_expiry: OffsetDateTime,
    born_after: OffsetDateTime,
) -> StoreResult<Option<StaffProfile>> {
    let row = sqlx::query(
        "SELECT s.id, s.username, s.display_name, s.roles
         FROM sessions x JOIN staff s ON s.id = x.staff_id
         WHERE x.token_hash = $1 AND x.expires_at > $2 AND s.disabled = $3
           AND x.created_at > $4",
    )
    .bind(token_hash)
    .bind(stored_time(now))
    .bind(false)
    .bind(stored_time(born_after))
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    sqlx::query("UPDATE sessions SET expires_at = $1 WHERE token_hash = $2")
        .bind(stored_time(new_expiry))
        .bind(token_hash)
        .execute(pool)
        .await?;
    read::staff_profile(&row).map(Some)
}

macro_rules! ticket_columns {
    () => {
        "id, tracking_code, client_id, channel, matter_code, region_code, lon, lat, address, \
         description, contact_name, contact_phone, device_secret_hash, status, return_pending, \
         lead_unit_code, \
         tier_days, urgent, created_at, dispatched_at, response_due, warn_at, handling_due, \
         deadline_estimated, responded_at, resolved_at, closed_at, warned_at, \
         response_overdue_at, overdue_at, satisfaction, reopen_count, review_pending, station_id, \
         consent, merged_into"
    };
}

const OPEN: &str = "('dispatched', 'accepted', 'in_progress')";

fn opt_time(t: Option<OffsetDateTime>) -> Option<OffsetDateTime> {
    t.map(stored_time)
}

/// Writes one timeline entry and links the media it names, in the caller's transaction.
async fn insert_events(
    conn: &mut <Db as sqlx::Database>::Connection,
    ticket_id: i64,
    event: &NewEvent,
) -> StoreResult<()> {
    let row = sqlx::query(
        "INSERT INTO ticket_events (ticket_id, at, kind, staff_id, unit_code, public, note)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         RETURNING id",
    )
    .bind(ticket_id)
    .bind(stored_time(event.at))
    .bind(&event.kind)
    .bind(event.staff_id)
    .bind(&event.unit_code)
    .bind(event.public)
    .bind(&event.note)
    .fetch_one(&mut *conn)
    .await?;
    let event_id: i64 = row.try_get("id")?;
    for (position, media_id) in event.media.iter().enumerate() {
        sqlx::query("INSERT INTO event_media (event_id, media_id, position) VALUES ($1, $2, $3)")
            .bind(event_id)
            .bind(media_id)
            .bind(i32::try_from(position).unwrap_or(i32::MAX))
            .execute(&mut *conn)
            .await
            .map_err(|e| StoreError::from_write(e, "this medium on this entry"))?;
    }
    Ok(())
}

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
        insert_events(&mut tx, ticket_id, event).await?;
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

pub(crate) async fn insert_media(
    pool: &Pool,
    m: &MediaRecord,
    uploaders: &[String],
) -> StoreResult<()> {
    let mut tx = pool.begin().await?;
    // The id is the content's hash: the same bytes uploaded again are the same medium.
    sqlx::query(
        "INSERT INTO media (id, kind, content_type, size_bytes, created_at, last_uploaded_at)
         VALUES ($1, $2, $3, $4, $5, $5)
         ON CONFLICT (id) DO UPDATE SET last_uploaded_at = excluded.last_uploaded_at",
    )
    .bind(&m.id)
    .bind(m.kind_text())
    .bind(&m.content_type)
    .bind(m.size_bytes)
    .bind(stored_time(m.created_at))
    .execute(&mut *tx)
    .await?;
    for uploader in uploaders {
        sqlx::query(
            "INSERT INTO media_uploaders (media_id, uploader) VALUES ($1, $2)
             ON CONFLICT DO NOTHING",
        )
        .bind(&m.id)
        .bind(uploader)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Deletes up to `limit` media that nothing names and that were last uploaded before
/// `before`; returns the ids deleted. Each delete checks again, in one statement, that
/// the medium is still unnamed and not uploaded again meanwhile.
pub(crate) async fn delete_orphan_media(
    pool: &Pool,
    before: OffsetDateTime,
    limit: u32,
) -> StoreResult<Vec<String>> {
    const UNNAMED: &str = "NOT EXISTS (SELECT 1 FROM event_media em WHERE em.media_id = media.id)
         AND NOT EXISTS (SELECT 1 FROM field_revision_media fm WHERE fm.media_id = media.id)";
    let before = stored_time(before);
    let candidates = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT id FROM media WHERE last_uploaded_at < $1 AND {UNNAMED} ORDER BY last_uploaded_at LIMIT $2"
    )))
    .bind(before)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    let mut deleted = Vec::new();
    for row in candidates {
        let id: String = row.try_get("id")?;
        let gone = sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM media WHERE id = $1 AND last_uploaded_at < $2 AND {UNNAMED}"
        )))
        .bind(&id)
        .bind(before)
        .execute(pool)
        .await?
        .rows_affected();
        if gone == 1 {
            deleted.push(id);
        }
    }
    Ok(deleted)
}

pub(crate) async fn find_media(
    pool: &Pool,
    ids: &[String],
    uploaders: &[String],
) -> StoreResult<Vec<MediaRecord>> {
    let mut found = Vec::with_capacity(ids.len());
    for id in ids {
        for uploader in uploaders {
            let row = sqlx::query(
                "SELECT m.id, m.kind, m.content_type, m.size_bytes, m.created_at
                 FROM media m JOIN media_uploaders u ON u.media_id = m.id
                 WHERE m.id = $1 AND u.uploader = $2",
            )
            .bind(id)
            .bind(uploader)
            .fetch_optional(pool)
            .await?;
            if let Some(row) = row {
                found.push(read::media(&row)?);
                break;
            }
        }
    }
    Ok(found)
}

pub(crate) async fn ticket_media(
    pool: &Pool,
    ticket_id: i64,
    media_id: &str,
) -> StoreResult<Option<(MediaRecord, bool)>> {
    let row = sqlx::query(
        "SELECT m.id, m.kind, m.content_type, m.size_bytes, m.created_at,
                MAX(CASE WHEN e.public THEN 1 ELSE 0 END) AS any_public
         FROM event_media em
         JOIN ticket_events e ON e.id = em.event_id
         JOIN media m ON m.id = em.media_id
         WHERE e.ticket_id = $1 AND em.media_id = $2
         GROUP BY m.id, m.kind, m.content_type, m.size_bytes, m.created_at",
    )
    .bind(ticket_id)
    .bind(media_id)
    .fetch_optional(pool)
    .await?;
    row.map(|row| Ok((read::media(&row)?, row.int32("any_public")? == 1)))
        .transpose()
}

pub(crate) async fn create_ticket(
    pool: &Pool,
    t: &TicketRecord,
    events: &[NewEvent],
    outbox: &[crate::store::NewOutboxItem],
) -> StoreResult<Created> {
    let mut tx = pool.begin().await?;
    let row = sqlx::query(
        "INSERT INTO tickets (tracking_code, client_id, channel, matter_code, region_code, lon, lat,
             address, description, contact_name, contact_phone, status, return_pending,
             lead_unit_code, tier_days, urgent, created_at, dispatched_at, response_due, warn_at,
             handling_due, deadline_estimated, device_secret_hash, station_id, consent, closed_at,
             merged_into)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
                 $19, $20, $21, $22, $23, $24, $25, $26, $27)
         ON CONFLICT (client_id) DO NOTHING
         RETURNING id",
    )
    .bind(&t.tracking_code)
    .bind(&t.client_id)
    .bind(t.channel.as_str())
    .bind(&t.matter_code)
    .bind(&t.region_code)
    .bind(t.lon)
    .bind(t.lat)
    .bind(&t.address)
    .bind(&t.description)
    .bind(&t.contact_name)
    .bind(&t.contact_phone)
    .bind(t.state.status.as_str())
    .bind(t.state.return_pending)
    .bind(&t.lead_unit_code)
    .bind(i32::from(t.tier.working_days()))
    .bind(t.urgent)
    .bind(stored_time(t.created_at))
    .bind(opt_time(t.dispatched_at))
    .bind(opt_time(t.response_due))
    .bind(opt_time(t.warn_at))
    .bind(opt_time(t.handling_due))
    .bind(t.deadline_estimated)
    .bind(&t.device_secret_hash)
    .bind(t.station_id)
    .bind(t.consent.map(gridline_core::api::station::Consent::as_str))
    .bind(opt_time(t.closed_at))
    .bind(t.merged_into)
    .fetch_optional(&mut *tx)
    .await
    .map_err(|e| StoreError::from_write(e, "a ticket with this tracking code"))?;
    let Some(row) = row else {
        // The client id was seen before: hand back that ticket.
        drop(tx);
        let existing = sqlx::query(concat!(
            "SELECT ",
            ticket_columns!(),
            " FROM tickets WHERE client_id = $1"
        ))
        .bind(&t.client_id)
        .fetch_one(pool)
        .await?;
        return Ok(Created::Existing(read::ticket(&existing)?));
    };
    let id: i64 = row.try_get("id")?;
    for event in events {
        insert_events(&mut tx, id, event).await?;
    }
    outbox::insert_items(&mut tx, id, outbox, t.created_at).await?;
    tx.commit().await?;
    Ok(Created::New(TicketRecord { id, ..t.clone() }))
}

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

pub(crate) async fn save_ticket(
    pool: &Pool,
    t: &TicketRecord,
    expected: &TicketVersion,
    event: &NewEvent,
    outbox: &[crate::store::NewOutboxItem],
) -> StoreResult<bool> {
    let mut tx = pool.begin().await?;
    let updated = sqlx::query(
        "UPDATE tickets SET status = $1, return_pending = $2, lead_unit_code = $3, tier_days = $4,
             dispatched_at = $5, response_due = $6, warn_at = $7, handling_due = $8,
             deadline_estimated = $9, responded_at = $10, resolved_at = $11, closed_at = $12,
             warned_at = $13, response_overdue_at = $14, overdue_at = $15, satisfaction = $16,
             reopen_count = $17, review_pending = $18
         WHERE id = $19 AND status = $20 AND return_pending = $21
             AND (satisfaction IS NOT NULL) = $22 AND reopen_count = $23",
    )
    .bind(t.state.status.as_str())
    .bind(t.state.return_pending)
    .bind(&t.lead_unit_code)
    .bind(i32::from(t.tier.working_days()))
    .bind(opt_time(t.dispatched_at))
    .bind(opt_time(t.response_due))
    .bind(opt_time(t.warn_at))
    .bind(opt_time(t.handling_due))
    .bind(t.deadline_estimated)
    .bind(opt_time(t.responded_at))
    .bind(opt_time(t.resolved_at))
    .bind(opt_time(t.closed_at))
    .bind(opt_time(t.warned_at))
    .bind(opt_time(t.response_overdue_at))
    .bind(opt_time(t.overdue_at))
    .bind(t.satisfaction.map(Satisfaction::as_str))
    .bind(i64::from(t.reopen_count))
    .bind(t.review_pending)
    .bind(t.id)
    .bind(expected.state.status.as_str())
    .bind(expected.state.return_pending)
    .bind(expected.rated)
    .bind(i64::from(expected.reopen_count))
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated != 1 {
        return Ok(false);
    }
    insert_events(&mut tx, t.id, event).await?;
    outbox::insert_items(&mut tx, t.id, outbox, event.at).await?;
    tx.commit().await?;
    Ok(true)
}

/// `$first, $first+1, …` for `n` values bound in order.
fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) async fn list_tickets(
    pool: &Pool,
    filter: &TicketFilter,
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
    };
    let wants_values = matches!(
        filter,
        TicketFilter::OpenForUnits(_) | TicketFilter::NotClosedInGrids(_)
    );
    if wants_values && values.is_empty() {
        return Ok(Vec::new());
    }
    let n = values.len();
    let sql = format!(
        "SELECT {} FROM tickets WHERE {condition} {order} LIMIT ${} OFFSET ${}",
        ticket_columns!(),
        n + 1,
        n + 2
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for value in values {
        query = query.bind(value);
    }
    let rows = query
        .bind(i64::try_from(page.limit).unwrap_or(i64::MAX))
        .bind(i64::try_from(page.offset).unwrap_or(i64::MAX))
        .fetch_all(pool)
        .await?;
    rows.iter().map(read::ticket).collect()
}

fn notice_column(notice: Notice) -> &'static str {
    match notice {
        Notice::Warning => "warned_at",
        Notice::ResponseOverdue => "response_overdue_at",
        Notice::Overdue => "overdue_at",
    }
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

pub(crate) async fn record_notice(
    pool: &Pool,
    ticket_id: i64,
    notice: Notice,
    events: &[NewEvent],
    outbox: &[crate::store::NewOutboxItem],
) -> StoreResult<bool> {
    let at = events
        .first()
        .map(|e| e.at)
        .unwrap_or_else(OffsetDateTime::now_utc);
    let column = notice_column(notice);
    let mut tx = pool.begin().await?;
    let updated = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE tickets SET {column} = $1 WHERE id = $2 AND {column} IS NULL"
    )))
    .bind(stored_time(at))
    .bind(ticket_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated != 1 {
        return Ok(false);
    }
    for event in events {
        insert_events(&mut tx, ticket_id, event).await?;
    }
    // Due now, whatever time the job was run for.
    outbox::insert_items(
        &mut tx,
        ticket_id,
        outbox,
        OffsetDateTime::now_utc().min(at),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

pub(crate) async fn staff_units(pool: &Pool, staff_id: i64) -> StoreResult<Vec<String>> {
    let rows =
        sqlx::query("SELECT unit_code FROM staff_units WHERE staff_id = $1 ORDER BY unit_code")
            .bind(staff_id)
            .fetch_all(pool)
            .await?;
    rows.iter()
        .map(|r| Ok(r.try_get::<String, _>("unit_code")?))
        .collect()
}

pub(crate) async fn add_staff_unit(pool: &Pool, staff_id: i64, unit_code: &str) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO staff_units (staff_id, unit_code) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(staff_id)
    .bind(unit_code)
    .execute(pool)
    .await
    .map_err(|e| StoreError::from_write(e, "this membership"))?;
    Ok(())
}

pub(crate) async fn add_co_unit(
    pool: &Pool,
    ticket_id: i64,
    unit_code: &str,
    event: &NewEvent,
) -> StoreResult<bool> {
    let mut tx = pool.begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO ticket_co_units (ticket_id, unit_code) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(ticket_id)
    .bind(unit_code)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted != 1 {
        return Ok(false);
    }
    insert_events(&mut tx, ticket_id, event).await?;
    tx.commit().await?;
    Ok(true)
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

pub(crate) async fn staff_grids(pool: &Pool, staff_id: i64) -> StoreResult<Vec<String>> {
    let rows =
        sqlx::query("SELECT region_code FROM staff_grids WHERE staff_id = $1 ORDER BY region_code")
            .bind(staff_id)
            .fetch_all(pool)
            .await?;
    rows.iter()
        .map(|r| Ok(r.try_get::<String, _>("region_code")?))
        .collect()
}

pub(crate) async fn add_staff_grid(
    pool: &Pool,
    staff_id: i64,
    region_code: &str,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO staff_grids (staff_id, region_code) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(staff_id)
    .bind(region_code)
    .execute(pool)
    .await
    .map_err(|e| StoreError::from_write(e, "this grid assignment"))?;
    Ok(())
}

pub(crate) async fn list_staff(pool: &Pool) -> StoreResult<Vec<StaffRecord>> {
    let rows = sqlx::query(
        "SELECT id, username, display_name, roles, password_hash, disabled FROM staff ORDER BY username",
    )
    .fetch_all(pool)
    .await?;
    rows.iter().map(read::staff_record).collect()
}

pub(crate) async fn set_staff_roles(
    pool: &Pool,
    staff_id: i64,
    roles: &[gridline_core::Role],
) -> StoreResult<()> {
    sqlx::query("UPDATE staff SET roles = $1 WHERE id = $2")
        .bind(roles_to_text(roles))
        .bind(staff_id)
        .execute(pool)
        .await?;
    Ok(())
}

pub(crate) async fn set_staff_disabled(
    pool: &Pool,
    staff_id: i64,
    disabled: bool,
) -> StoreResult<()> {
    let mut tx = pool.begin().await?;
    sqlx::query("UPDATE staff SET disabled = $1 WHERE id = $2")
        .bind(disabled)
        .bind(staff_id)
        .execute(&mut *tx)
        .await?;
    if disabled {
        sqlx::query("DELETE FROM sessions WHERE staff_id = $1")
            .bind(staff_id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    if disabled {
        push::end_staff_sessions(pool).await?;
    }
    Ok(())
}
