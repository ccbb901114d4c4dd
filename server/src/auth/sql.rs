// StaffStore: the queries, written once for both backends (the including module
// defines `Pool`, `Db` and `This`, the backend's store).
// Included by store/sqlite.rs and store/postgres.rs; not a module of its own.

use gridline_core::api::auth::StaffProfile;
use sqlx::Row as _;
use time::OffsetDateTime;

use crate::auth::store::{NewStaff, StaffRecord, roles_to_text};
use crate::store::rows::{self as read};
use crate::store::shared::{StoreError, StoreResult, stored_time};

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
    super::push::end_staff_sessions(pool).await?;
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
    super::push::end_staff_sessions(pool).await?;
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
        super::push::end_staff_sessions(pool).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl crate::auth::store::StaffStore for This {
    async fn create_staff(&self, staff: &NewStaff) -> StoreResult<i64> {
        create_staff(&self.pool, staff).await
    }

    async fn find_staff_by_username(&self, username: &str) -> StoreResult<Option<StaffRecord>> {
        find_staff_by_username(&self.pool, username).await
    }

    async fn create_session(
        &self,
        token_hash: &[u8],
        staff_id: i64,
        expires_at: ::time::OffsetDateTime,
    ) -> StoreResult<()> {
        create_session(&self.pool, token_hash, staff_id, expires_at).await
    }

    async fn touch_session(
        &self,
        token_hash: &[u8],
        now: ::time::OffsetDateTime,
        new_expiry: ::time::OffsetDateTime,
        born_after: ::time::OffsetDateTime,
    ) -> StoreResult<Option<::gridline_core::api::auth::StaffProfile>> {
        touch_session(&self.pool, token_hash, now, new_expiry, born_after).await
    }

    async fn delete_session(&self, token_hash: &[u8]) -> StoreResult<()> {
        delete_session(&self.pool, token_hash).await
    }

    async fn purge_sessions(
        &self,
        now: ::time::OffsetDateTime,
        born_after: ::time::OffsetDateTime,
    ) -> StoreResult<u64> {
        purge_sessions(&self.pool, now, born_after).await
    }

    async fn staff_units(&self, staff_id: i64) -> StoreResult<Vec<String>> {
        staff_units(&self.pool, staff_id).await
    }

    async fn staff_grids(&self, staff_id: i64) -> StoreResult<Vec<String>> {
        staff_grids(&self.pool, staff_id).await
    }

    async fn add_staff_grid(&self, staff_id: i64, region_code: &str) -> StoreResult<()> {
        add_staff_grid(&self.pool, staff_id, region_code).await
    }

    async fn list_staff(&self) -> StoreResult<Vec<StaffRecord>> {
        list_staff(&self.pool).await
    }

    async fn set_staff_roles(
        &self,
        staff_id: i64,
        roles: &[gridline_core::Role],
    ) -> StoreResult<()> {
        set_staff_roles(&self.pool, staff_id, roles).await
    }

    async fn set_staff_disabled(&self, staff_id: i64, disabled: bool) -> StoreResult<()> {
        set_staff_disabled(&self.pool, staff_id, disabled).await
    }

    async fn add_staff_unit(&self, staff_id: i64, unit_code: &str) -> StoreResult<()> {
        add_staff_unit(&self.pool, staff_id, unit_code).await
    }
}
