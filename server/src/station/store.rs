//! Station as stored: the records and the `StationStore` trait. Its queries are in `sql.rs`,
//! written once for both backends and included by each (`store/sqlite.rs`, `store/postgres.rs`).

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::store::shared::StoreResult;
use crate::tickets::store::TicketRecord;

impl StationDevice {
    /// Where the tablet stands at `now`.
    pub fn state(&self, now: OffsetDateTime) -> gridline_core::api::station::DeviceState {
        use gridline_core::api::station::DeviceState;
        if self.revoked_at.is_some() {
            DeviceState::Revoked
        } else if self.enrolled_at.is_some() {
            DeviceState::Enrolled
        } else if self.code_expires_at.is_some_and(|t| t > now) {
            DeviceState::Waiting
        } else {
            DeviceState::Expired
        }
    }
}

/// A community station (便民服务驿站) to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStation {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub community_code: String,
}

/// A community station.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StationRecord {
    pub id: i64,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub community_code: String,
}

/// A station's tablet: waiting for enrollment (a code issued), enrolled, or revoked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StationDevice {
    pub id: i64,
    pub station: StationRecord,
    pub label: String,
    pub created_at: OffsetDateTime,
    pub code_expires_at: Option<OffsetDateTime>,
    pub enrolled_at: Option<OffsetDateTime>,
    pub last_seen_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
}

/// Community stations and their tablets.
#[async_trait]
pub trait StationStore: Send + Sync {
    /// Adds a station, or renames it and moves it to another community.
    async fn upsert_station(&self, station: &NewStation) -> StoreResult<i64>;

    async fn list_stations(&self) -> StoreResult<Vec<StationRecord>>;

    /// Makes a device row waiting for a tablet with the one-time code (its SHA-256).
    async fn issue_enrollment(
        &self,
        station_id: i64,
        code_hash: &[u8],
        expires_at: OffsetDateTime,
    ) -> StoreResult<i64>;

    /// Uses up a live enrollment code: the device gets its token (SHA-256). `None` when
    /// the code is unknown, used, expired or revoked.
    async fn enroll_device(
        &self,
        code_hash: &[u8],
        token_hash: &[u8],
        label: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Option<i64>>;

    /// The device holding this token (revoked ones too, so they can be told so); notes
    /// that it was seen.
    async fn touch_device(
        &self,
        token_hash: &[u8],
        now: OffsetDateTime,
    ) -> StoreResult<Option<StationDevice>>;

    async fn list_station_devices(&self) -> StoreResult<Vec<StationDevice>>;

    /// Revokes a device (and any unused code); `false` if there is no such live device.
    async fn revoke_device(&self, device_id: i64, now: OffsetDateTime) -> StoreResult<bool>;

    /// The tickets a station filed since `since`, newest first.
    async fn station_tickets(
        &self,
        station_id: i64,
        since: OffsetDateTime,
    ) -> StoreResult<Vec<TicketRecord>>;
}
