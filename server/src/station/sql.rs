// Community stations, their tablets, and the server's own keys; written once for both
// backends like every feature's `sql.rs` (the including module defines `Pool`).
// Included by store/sqlite.rs and store/postgres.rs; not a module of its own.

use sqlx::Row as _;
use time::OffsetDateTime;

use crate::station::store::{NewStation, StationDevice, StationRecord};
use crate::store::rows as read;
use crate::store::shared::{StoreResult, stored_time};
use crate::tickets::store::TicketRecord;

macro_rules! station_columns {
    () => {
        "s.id, s.code, s.name_zh, s.name_en, s.community_code"
    };
}

pub(crate) async fn upsert_station(pool: &Pool, station: &NewStation) -> StoreResult<i64> {
    let row = sqlx::query(
        "INSERT INTO stations (code, name_zh, name_en, community_code, created_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh,
             name_en = excluded.name_en, community_code = excluded.community_code
         RETURNING id",
    )
    .bind(&station.code)
    .bind(&station.name_zh)
    .bind(&station.name_en)
    .bind(&station.community_code)
    .bind(stored_time(OffsetDateTime::now_utc()))
    .fetch_one(pool)
    .await?;
    Ok(row.try_get("id")?)
}

pub(crate) async fn list_stations(pool: &Pool) -> StoreResult<Vec<StationRecord>> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        station_columns!(),
        " FROM stations s ORDER BY s.code"
    ))
    .fetch_all(pool)
    .await?;
    rows.iter().map(read::station).collect()
}

pub(crate) async fn issue_enrollment(
    pool: &Pool,
    station_id: i64,
    code_hash: &[u8],
    expires_at: OffsetDateTime,
) -> StoreResult<i64> {
    let row = sqlx::query(
        "INSERT INTO station_devices (station_id, code_hash, code_expires_at, created_at)
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(station_id)
    .bind(code_hash)
    .bind(stored_time(expires_at))
    .bind(stored_time(OffsetDateTime::now_utc()))
    .fetch_one(pool)
    .await?;
    Ok(row.try_get("id")?)
}

pub(crate) async fn enroll_device(
    pool: &Pool,
    code_hash: &[u8],
    token_hash: &[u8],
    label: &str,
    now: OffsetDateTime,
) -> StoreResult<Option<i64>> {
    // One statement: of two tablets racing with the same code, one wins.
    let row = sqlx::query(
        "UPDATE station_devices
         SET token_hash = $2, label = $3, enrolled_at = $4, last_seen_at = $4,
             code_hash = NULL, code_expires_at = NULL
         WHERE code_hash = $1 AND code_expires_at > $4 AND revoked_at IS NULL
         RETURNING id",
    )
    .bind(code_hash)
    .bind(token_hash)
    .bind(label)
    .bind(stored_time(now))
    .fetch_optional(pool)
    .await?;
    row.map(|r| Ok(r.try_get("id")?)).transpose()
}

macro_rules! device_columns {
    () => {
        "d.id AS device_id, d.label, d.created_at, d.enrolled_at, d.last_seen_at, d.revoked_at, \
         d.code_expires_at, s.id, s.code, s.name_zh, s.name_en, s.community_code"
    };
}

pub(crate) async fn touch_device(
    pool: &Pool,
    token_hash: &[u8],
    now: OffsetDateTime,
) -> StoreResult<Option<StationDevice>> {
    sqlx::query(
        "UPDATE station_devices SET last_seen_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL",
    )
    .bind(token_hash)
    .bind(stored_time(now))
    .execute(pool)
    .await?;
    let row = sqlx::query(concat!(
        "SELECT ",
        device_columns!(),
        " FROM station_devices d JOIN stations s ON s.id = d.station_id WHERE d.token_hash = $1"
    ))
    .bind(token_hash)
    .fetch_optional(pool)
    .await?;
    row.as_ref().map(read::station_device).transpose()
}

pub(crate) async fn list_station_devices(pool: &Pool) -> StoreResult<Vec<StationDevice>> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        device_columns!(),
        " FROM station_devices d JOIN stations s ON s.id = d.station_id ORDER BY s.code, d.id"
    ))
    .fetch_all(pool)
    .await?;
    rows.iter().map(read::station_device).collect()
}

pub(crate) async fn revoke_device(
    pool: &Pool,
    device_id: i64,
    now: OffsetDateTime,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE station_devices SET revoked_at = $2, code_hash = NULL, code_expires_at = NULL
         WHERE id = $1 AND revoked_at IS NULL",
    )
    .bind(device_id)
    .bind(stored_time(now))
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub(crate) async fn station_tickets(
    pool: &Pool,
    station_id: i64,
    since: OffsetDateTime,
) -> StoreResult<Vec<TicketRecord>> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        ticket_columns!(),
        " FROM tickets WHERE station_id = $1 AND created_at >= $2 ORDER BY created_at DESC, id DESC"
    ))
    .bind(station_id)
    .bind(stored_time(since))
    .fetch_all(pool)
    .await?;
    rows.iter().map(read::ticket).collect()
}

#[async_trait::async_trait]
impl crate::station::store::StationStore for This {
    async fn upsert_station(&self, station: &NewStation) -> StoreResult<i64> {
        upsert_station(&self.pool, station).await
    }

    async fn list_stations(&self) -> StoreResult<Vec<StationRecord>> {
        list_stations(&self.pool).await
    }

    async fn issue_enrollment(
        &self,
        station_id: i64,
        code_hash: &[u8],
        expires_at: ::time::OffsetDateTime,
    ) -> StoreResult<i64> {
        issue_enrollment(&self.pool, station_id, code_hash, expires_at).await
    }

    async fn enroll_device(
        &self,
        code_hash: &[u8],
        token_hash: &[u8],
        label: &str,
        now: ::time::OffsetDateTime,
    ) -> StoreResult<Option<i64>> {
        enroll_device(&self.pool, code_hash, token_hash, label, now).await
    }

    async fn touch_device(
        &self,
        token_hash: &[u8],
        now: ::time::OffsetDateTime,
    ) -> StoreResult<Option<StationDevice>> {
        touch_device(&self.pool, token_hash, now).await
    }

    async fn list_station_devices(&self) -> StoreResult<Vec<StationDevice>> {
        list_station_devices(&self.pool).await
    }

    async fn revoke_device(
        &self,
        device_id: i64,
        now: ::time::OffsetDateTime,
    ) -> StoreResult<bool> {
        revoke_device(&self.pool, device_id, now).await
    }

    async fn station_tickets(
        &self,
        station_id: i64,
        since: ::time::OffsetDateTime,
    ) -> StoreResult<Vec<TicketRecord>> {
        station_tickets(&self.pool, station_id, since).await
    }
}
