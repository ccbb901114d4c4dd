// CatalogueStore: the queries, written once for both backends (the including module
// defines `Pool`, `Db` and `This`, the backend's store).
// Included by store/sqlite.rs and store/postgres.rs; not a module of its own.
// Queries keep their SQL and binds in one function, however long (see store/mod.rs).

use gridline_core::api::reference::{HandlingUnit, MatterType, Region, RegionWithShape};
use gridline_core::calendar::WorkCalendar;
use gridline_core::geo::Polygon;
use sqlx::Row as _;

use crate::catalogue::store::{
    ReferenceData, attach_responsibilities, calendar_from_years, keywords_to_text, shape_to_text,
};
use crate::store::rows::{self as read};
use crate::store::shared::{StoreError, StoreResult};

pub(crate) async fn upsert_reference_data(pool: &Pool, data: &ReferenceData) -> StoreResult<()> {
    let mut tx = pool.begin().await?;
    for m in &data.matter_types {
        sqlx::query(
            "INSERT INTO matter_types
                 (code, parent_code, name_zh, name_en, tier_days, urgent, keywords, unit_kind,
                  patrol, complexity, police)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             ON CONFLICT (code) DO UPDATE SET parent_code = excluded.parent_code,
                 name_zh = excluded.name_zh, name_en = excluded.name_en,
                 tier_days = excluded.tier_days, urgent = excluded.urgent,
                 keywords = excluded.keywords, unit_kind = excluded.unit_kind,
                 patrol = excluded.patrol, complexity = excluded.complexity,
                 police = excluded.police",
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
        .bind(i32::from(m.complexity))
        .bind(m.police)
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
        "SELECT code, parent_code, name_zh, name_en, tier_days, urgent, keywords, unit_kind, patrol,
         complexity, police FROM matter_types ORDER BY code",
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

pub(crate) async fn load_deadline_rules(pool: &Pool) -> StoreResult<Option<String>> {
    let row = sqlx::query("SELECT csv FROM deadline_rules WHERE id = 1")
        .fetch_optional(pool)
        .await?;
    Ok(row.map(|row| row.try_get::<String, _>("csv")).transpose()?)
}

pub(crate) async fn save_deadline_rules(pool: &Pool, csv: &str) -> StoreResult<()> {
    let mut tx = pool.begin().await?;
    sqlx::query(
        "INSERT INTO deadline_rules (id, csv) VALUES (1, $1)
         ON CONFLICT (id) DO UPDATE SET csv = excluded.csv",
    )
    .bind(csv)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE reference_revision SET revision = revision + 1 WHERE id = 1")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

#[async_trait::async_trait]
impl crate::catalogue::store::CatalogueStore for This {
    async fn upsert_reference_data(&self, data: &ReferenceData) -> StoreResult<()> {
        upsert_reference_data(&self.pool, data).await
    }

    async fn reference_revision(&self) -> StoreResult<i64> {
        reference_revision(&self.pool).await
    }

    async fn list_matter_types(
        &self,
    ) -> StoreResult<Vec<::gridline_core::api::reference::MatterType>> {
        list_matter_types(&self.pool).await
    }

    async fn list_regions(&self) -> StoreResult<Vec<::gridline_core::api::reference::Region>> {
        list_regions(&self.pool).await
    }

    async fn list_shapes(&self) -> StoreResult<Vec<(String, Vec<::gridline_core::geo::Polygon>)>> {
        list_shapes(&self.pool).await
    }

    async fn list_units(&self) -> StoreResult<Vec<::gridline_core::api::reference::HandlingUnit>> {
        list_units(&self.pool).await
    }

    async fn load_calendar(&self) -> StoreResult<::gridline_core::calendar::WorkCalendar> {
        load_calendar(&self.pool).await
    }

    async fn save_calendar_years(
        &self,
        calendar: &::gridline_core::calendar::WorkCalendar,
    ) -> StoreResult<()> {
        save_calendar_years(&self.pool, calendar).await
    }

    async fn load_deadline_rules(&self) -> StoreResult<Option<String>> {
        load_deadline_rules(&self.pool).await
    }

    async fn save_deadline_rules(&self, csv: &str) -> StoreResult<()> {
        save_deadline_rules(&self.pool, csv).await
    }
}
