//! The store: one trait, two backends.
//!
//! SQLite (the embedded default, WAL mode) serves a laptop, a demo or a small district;
//! PostgreSQL serves a city. Each backend has its own migrations
//! (`migrations/sqlite`, `migrations/postgres`), run at connect, and its own SQL where
//! the dialects differ. The same test suite runs against both (`tests/`).

mod postgres;
mod rows;
mod sqlite;

use std::sync::Arc;

use async_trait::async_trait;
use gridline_core::Role;
use gridline_core::api::auth::StaffProfile;
use gridline_core::api::reference::{MatterType, Region};
use time::OffsetDateTime;

pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unsupported database URL (expected sqlite://… or postgres://…)")]
    UnsupportedUrl,
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Conflict(String),
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// Unique-constraint violations are the caller's conflict, not the server's failure.
    pub(crate) fn from_write(err: sqlx::Error, what: &str) -> StoreError {
        match &err {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict(format!("{what} already exists"))
            }
            _ => StoreError::Database(err),
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

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

/// Reference data written in one transaction (demo data, later the importers).
#[derive(Debug, Clone, Default)]
pub struct ReferenceData {
    pub matter_types: Vec<MatterType>,
    pub regions: Vec<Region>,
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    fn backend(&self) -> Backend;

    /// Answers when the database does (for `/healthz`).
    async fn ping(&self) -> StoreResult<()>;

    /// True when nothing has been loaded yet (no regions, no matter types, no staff).
    async fn is_empty(&self) -> StoreResult<bool>;

    /// Writes all of it or nothing.
    async fn insert_reference_data(&self, data: &ReferenceData) -> StoreResult<()>;
    async fn list_matter_types(&self) -> StoreResult<Vec<MatterType>>;
    async fn list_regions(&self) -> StoreResult<Vec<Region>>;

    async fn create_staff(&self, staff: &NewStaff) -> StoreResult<i64>;
    async fn find_staff_by_username(&self, username: &str) -> StoreResult<Option<StaffRecord>>;

    /// Sessions are kept by the SHA-256 of their token: a leaked table opens nothing.
    async fn create_session(
        &self,
        token_hash: &[u8],
        staff_id: i64,
        expires_at: OffsetDateTime,
    ) -> StoreResult<()>;
    /// The staff member of a live session; slides its expiry to `new_expiry`.
    async fn touch_session(
        &self,
        token_hash: &[u8],
        now: OffsetDateTime,
        new_expiry: OffsetDateTime,
    ) -> StoreResult<Option<StaffProfile>>;
    async fn delete_session(&self, token_hash: &[u8]) -> StoreResult<()>;

    /// Closes the pool (tests drop their database afterwards).
    async fn close(&self);
}

/// Opens the database named by `url`, creating it (SQLite) and running migrations.
pub async fn connect(url: &str) -> StoreResult<Arc<dyn Store>> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::connect(url).await?))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Ok(Arc::new(PostgresStore::connect(url).await?))
    } else {
        Err(StoreError::UnsupportedUrl)
    }
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

pub(crate) fn level_from_text(
    text: &str,
) -> StoreResult<gridline_core::api::reference::RegionLevel> {
    gridline_core::api::reference::RegionLevel::parse(text)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown region level {text:?}")))
}
