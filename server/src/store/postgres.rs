//! PostgreSQL, for a city's volume and for several server processes on one database.

use std::time::Duration;

use async_trait::async_trait;
use gridline_core::api::auth::StaffProfile;
use gridline_core::api::reference::{MatterType, Region};
use sqlx::Row;
use sqlx::postgres::{PgPool, PgPoolOptions};
use time::OffsetDateTime;

use super::rows as read;
use super::{
    Backend, NewStaff, ReferenceData, StaffRecord, Store, StoreError, StoreResult, roles_to_text,
};

pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(PostgresStore { pool })
    }
}

#[async_trait]
impl Store for PostgresStore {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn is_empty(&self) -> StoreResult<bool> {
        let row = sqlx::query(
            "SELECT NOT (EXISTS (SELECT 1 FROM regions) OR EXISTS (SELECT 1 FROM matter_types)
                      OR EXISTS (SELECT 1 FROM staff)) AS empty",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get("empty")?)
    }

    async fn insert_reference_data(&self, data: &ReferenceData) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        for m in &data.matter_types {
            sqlx::query(
                "INSERT INTO matter_types (code, parent_code, name_zh, name_en, tier_days, urgent)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&m.code)
            .bind(&m.parent_code)
            .bind(&m.name_zh)
            .bind(&m.name_en)
            .bind(i32::from(m.tier_days))
            .bind(m.urgent)
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::from_write(e, &format!("matter type {}", m.code)))?;
        }
        for r in &data.regions {
            sqlx::query(
                "INSERT INTO regions (code, parent_code, level, name_zh, name_en)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&r.code)
            .bind(&r.parent_code)
            .bind(r.level.as_str())
            .bind(&r.name_zh)
            .bind(&r.name_en)
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::from_write(e, &format!("region {}", r.code)))?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn list_matter_types(&self) -> StoreResult<Vec<MatterType>> {
        let rows = sqlx::query(
            "SELECT code, parent_code, name_zh, name_en, tier_days, urgent
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

    async fn create_staff(&self, staff: &NewStaff) -> StoreResult<i64> {
        let row = sqlx::query(
            "INSERT INTO staff (username, display_name, password_hash, roles, created_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
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
             FROM staff WHERE username = $1",
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
             VALUES ($1, $2, now(), $3)",
        )
        .bind(token_hash)
        .bind(staff_id)
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
        // One round trip: slide the expiry of a live session and read its owner.
        let row = sqlx::query(
            "UPDATE sessions x SET expires_at = $3
             FROM staff s
             WHERE s.id = x.staff_id AND x.token_hash = $1 AND x.expires_at > $2
               AND NOT s.disabled
             RETURNING s.id, s.username, s.display_name, s.roles",
        )
        .bind(token_hash)
        .bind(now)
        .bind(new_expiry)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(read::staff_profile).transpose()
    }

    async fn delete_session(&self, token_hash: &[u8]) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn close(&self) {
        self.pool.close().await;
    }
}
