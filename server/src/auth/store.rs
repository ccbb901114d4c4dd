//! Auth as stored: the records and the `StaffStore` trait. Its queries are in `sql.rs`,
//! written once for both backends and included by each (`store/sqlite.rs`, `store/postgres.rs`).

use async_trait::async_trait;
use gridline_core::Role;
use gridline_core::api::auth::StaffProfile;
use time::OffsetDateTime;

use crate::store::shared::{StoreError, StoreResult};

/// A staff account as stored, with its password hash (never leaves the server).
#[derive(Debug, Clone)]
pub struct StaffRecord {
    pub profile: StaffProfile,
    pub password_hash: String,
    pub disabled: bool,
}

#[derive(Debug, Clone)]
pub struct NewStaff {
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub roles: Vec<Role>,
}

/// Roles are stored as a comma-separated list of their stable names.
pub(crate) fn roles_to_text(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

pub(crate) fn roles_from_text(text: &str) -> StoreResult<Vec<Role>> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(|s| Role::parse(s).ok_or_else(|| StoreError::Corrupt(format!("unknown role {s:?}"))))
        .collect()
}

/// Staff accounts, their units and grids, and their sessions.
#[async_trait]
pub trait StaffStore: Send + Sync {
    async fn create_staff(&self, staff: &NewStaff) -> StoreResult<i64>;

    async fn find_staff_by_username(&self, username: &str) -> StoreResult<Option<StaffRecord>>;

    /// Sessions are kept by the SHA-256 of their token: a leaked table opens nothing.
    async fn create_session(
        &self,
        token_hash: &[u8],
        staff_id: i64,
        expires_at: OffsetDateTime,
    ) -> StoreResult<()>;

    /// The staff member of a live session (not expired, signed in after `born_after`);
    /// slides its expiry to `new_expiry`.
    async fn touch_session(
        &self,
        token_hash: &[u8],
        now: OffsetDateTime,
        new_expiry: OffsetDateTime,
        born_after: OffsetDateTime,
    ) -> StoreResult<Option<StaffProfile>>;

    async fn delete_session(&self, token_hash: &[u8]) -> StoreResult<()>;

    /// Deletes the sessions that expired by `now` or were signed in at `born_after`
    /// or before; returns how many.
    async fn purge_sessions(
        &self,
        now: OffsetDateTime,
        born_after: OffsetDateTime,
    ) -> StoreResult<u64>;

    async fn staff_units(&self, staff_id: i64) -> StoreResult<Vec<String>>;

    async fn staff_grids(&self, staff_id: i64) -> StoreResult<Vec<String>>;

    async fn add_staff_grid(&self, staff_id: i64, region_code: &str) -> StoreResult<()>;

    /// Every account, by username.
    async fn list_staff(&self) -> StoreResult<Vec<StaffRecord>>;

    /// Sets the roles of an account (replacing them).
    async fn set_staff_roles(&self, staff_id: i64, roles: &[Role]) -> StoreResult<()>;

    /// Disables (or enables) an account; disabling also ends all its sessions.
    async fn set_staff_disabled(&self, staff_id: i64, disabled: bool) -> StoreResult<()>;

    async fn add_staff_unit(&self, staff_id: i64, unit_code: &str) -> StoreResult<()>;
}
