//! The embedded default: SQLite in WAL mode, one file in the data folder.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use gridline_core::api::auth::StaffProfile;
use gridline_core::api::reference::{HandlingUnit, MatterType, Region, RegionWithShape};
use gridline_core::calendar::WorkCalendar;
use gridline_core::geo::Polygon;
use sqlx::Row;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use time::OffsetDateTime;

use super::rows as read;

/// The ticket queries shared with the other backend.
mod tickets {
    type Pool = sqlx::sqlite::SqlitePool;
    type Db = sqlx::Sqlite;
    include!("tickets_sql.rs");
}
use gridline_core::api::ticket::TimelineEntry;
use gridline_core::ticket::TicketState;

use super::{
    Backend, Created, NewEvent, NewStaff, Notice, ReferenceData, StaffRecord, Store, StoreError,
    StoreResult, TicketFilter, TicketRecord, attach_responsibilities, calendar_from_years,
    keywords_to_text, roles_to_text, shape_to_text,
};

pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // With WAL, NORMAL loses no committed transaction on a process crash; FULL
            // also survives power loss at the cost of an fsync per commit. Acknowledged
            // writes must survive, so FULL.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(SqliteStore { pool })
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn is_empty(&self) -> StoreResult<bool> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM regions) + (SELECT COUNT(*) FROM matter_types)
                  + (SELECT COUNT(*) FROM staff) AS n",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get::<i64, _>("n")? == 0)
    }

    async fn upsert_reference_data(&self, data: &ReferenceData) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        for m in &data.matter_types {
            sqlx::query(
                "INSERT INTO matter_types
                     (code, parent_code, name_zh, name_en, tier_days, urgent, keywords, unit_kind)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                 ON CONFLICT (code) DO UPDATE SET parent_code = excluded.parent_code,
                     name_zh = excluded.name_zh, name_en = excluded.name_en,
                     tier_days = excluded.tier_days, urgent = excluded.urgent,
                     keywords = excluded.keywords, unit_kind = excluded.unit_kind",
            )
            .bind(&m.code)
            .bind(&m.parent_code)
            .bind(&m.name_zh)
            .bind(&m.name_en)
            .bind(i32::from(m.tier_days))
            .bind(m.urgent)
            .bind(keywords_to_text(&m.keywords))
            .bind(m.unit_kind.map(|k| k.as_str()))
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::from_write(e, &format!("matter type {}", m.code)))?;
        }
        for RegionWithShape { region: r, shape } in &data.regions {
            sqlx::query(
                "INSERT INTO regions (code, parent_code, level, name_zh, name_en, shape)
                 VALUES (?, ?, ?, ?, ?, ?)
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
                 VALUES (?, ?, ?, ?, ?)
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
            sqlx::query("DELETE FROM unit_responsibilities WHERE unit_code = ?")
                .bind(&u.code)
                .execute(&mut *tx)
                .await?;
        }
        for u in &data.units {
            for matter in &u.matters {
                for area in &u.areas {
                    sqlx::query(
                        "INSERT INTO unit_responsibilities (matter_code, region_code, unit_code)
                         VALUES (?, ?, ?)",
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

    async fn reference_revision(&self) -> StoreResult<i64> {
        let row = sqlx::query("SELECT revision FROM reference_revision WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("revision")?)
    }

    async fn list_matter_types(&self) -> StoreResult<Vec<MatterType>> {
        let rows = sqlx::query(
            "SELECT code, parent_code, name_zh, name_en, tier_days, urgent, keywords, unit_kind
             FROM matter_types ORDER BY code",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(read::matter_type).collect()
    }

    async fn list_regions(&self) -> StoreResult<Vec<Region>> {
        let rows = sqlx::query(
            "SELECT code, parent_code, level, name_zh, name_en FROM regions ORDER BY code",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(read::region).collect()
    }

    async fn list_shapes(&self) -> StoreResult<Vec<(String, Vec<Polygon>)>> {
        let rows =
            sqlx::query("SELECT code, shape FROM regions WHERE shape IS NOT NULL ORDER BY code")
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(read::shape).collect()
    }

    async fn list_units(&self) -> StoreResult<Vec<HandlingUnit>> {
        let units = sqlx::query(
            "SELECT code, name_zh, name_en, kind, region_code FROM handling_units ORDER BY code",
        )
        .fetch_all(&self.pool)
        .await?;
        let units = units
            .iter()
            .map(read::unit)
            .collect::<StoreResult<Vec<_>>>()?;
        let rows = sqlx::query(
            "SELECT unit_code, matter_code, region_code FROM unit_responsibilities
             ORDER BY unit_code, matter_code, region_code",
        )
        .fetch_all(&self.pool)
        .await?;
        let rows = rows
            .iter()
            .map(read::responsibility)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(attach_responsibilities(units, rows))
    }

    async fn load_calendar(&self) -> StoreResult<WorkCalendar> {
        let rows = sqlx::query("SELECT year, csv FROM calendar_years ORDER BY year")
            .fetch_all(&self.pool)
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

    async fn save_calendar_years(&self, calendar: &WorkCalendar) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        for year in calendar.years() {
            sqlx::query(
                "INSERT INTO calendar_years (year, csv) VALUES (?, ?)
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

    async fn create_staff(&self, staff: &NewStaff) -> StoreResult<i64> {
        let row = sqlx::query(
            "INSERT INTO staff (username, display_name, password_hash, roles, created_at)
             VALUES (?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(&staff.username)
        .bind(&staff.display_name)
        .bind(&staff.password_hash)
        .bind(roles_to_text(&staff.roles))
        .bind(OffsetDateTime::now_utc())
        .fetch_one(&self.pool)
        .await
        .map_err(|e| StoreError::from_write(e, &format!("user {}", staff.username)))?;
        Ok(row.try_get("id")?)
    }

    async fn find_staff_by_username(&self, username: &str) -> StoreResult<Option<StaffRecord>> {
        let row = sqlx::query(
            "SELECT id, username, display_name, roles, password_hash, disabled
             FROM staff WHERE username = ?",
        )
        .bind(username)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(read::staff_record).transpose()
    }

    async fn create_session(
        &self,
        token_hash: &[u8],
        staff_id: i64,
        expires_at: OffsetDateTime,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, staff_id, created_at, expires_at)
             VALUES (?, ?, ?, ?)",
        )
        .bind(token_hash)
        .bind(staff_id)
        .bind(OffsetDateTime::now_utc())
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn touch_session(
        &self,
        token_hash: &[u8],
        now: OffsetDateTime,
        new_expiry: OffsetDateTime,
    ) -> StoreResult<Option<StaffProfile>> {
        let row = sqlx::query(
            "SELECT s.id, s.username, s.display_name, s.roles
             FROM sessions x JOIN staff s ON s.id = x.staff_id
             WHERE x.token_hash = ? AND x.expires_at > ? AND s.disabled = 0",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        sqlx::query("UPDATE sessions SET expires_at = ? WHERE token_hash = ?")
            .bind(new_expiry)
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        read::staff_profile(&row).map(Some)
    }

    async fn delete_session(&self, token_hash: &[u8]) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn create_ticket(
        &self,
        ticket: &TicketRecord,
        events: &[NewEvent],
    ) -> StoreResult<Created> {
        tickets::create_ticket(&self.pool, ticket, events).await
    }

    async fn ticket_by_code(&self, tracking_code: &str) -> StoreResult<Option<TicketRecord>> {
        tickets::ticket_by_code(&self.pool, tracking_code).await
    }

    async fn ticket_timeline(&self, ticket_id: i64) -> StoreResult<Vec<TimelineEntry>> {
        tickets::ticket_timeline(&self.pool, ticket_id).await
    }

    async fn save_ticket(
        &self,
        ticket: &TicketRecord,
        expected: TicketState,
        event: &NewEvent,
    ) -> StoreResult<bool> {
        tickets::save_ticket(&self.pool, ticket, expected, event).await
    }

    async fn list_tickets(&self, filter: &TicketFilter) -> StoreResult<Vec<TicketRecord>> {
        tickets::list_tickets(&self.pool, filter).await
    }

    async fn due_notices(&self, notice: Notice, now: OffsetDateTime) -> StoreResult<Vec<i64>> {
        tickets::due_notices(&self.pool, notice, now).await
    }

    async fn record_notice(
        &self,
        ticket_id: i64,
        notice: Notice,
        events: &[NewEvent],
    ) -> StoreResult<bool> {
        tickets::record_notice(&self.pool, ticket_id, notice, events).await
    }

    async fn staff_units(&self, staff_id: i64) -> StoreResult<Vec<String>> {
        tickets::staff_units(&self.pool, staff_id).await
    }

    async fn add_staff_unit(&self, staff_id: i64, unit_code: &str) -> StoreResult<()> {
        tickets::add_staff_unit(&self.pool, staff_id, unit_code).await
    }

    async fn close(&self) {
        self.pool.close().await;
    }
}
