//! What every feature's store code shares: the error, the backend's name and how times
//! are stored.

use time::OffsetDateTime;

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

/// Times go to the database as whole seconds in UTC: SQLite keeps them as RFC 3339
/// text, and fixed-width text compares in time order.
pub fn stored_time(t: OffsetDateTime) -> OffsetDateTime {
    t.replace_nanosecond(0)
        .expect("0 is a valid nanosecond")
        .to_offset(time::UtcOffset::UTC)
}

/// A window's bound compared with stored times (`>= from`, `< to`): the next whole
/// second at or after `t`. A time stored in the second of `t` (cut to that second) is
/// before `t`, so a window that ends now holds what was stored a moment ago in the
/// same second; cut like a stored time, the bound would leave it out.
pub fn bound_time(t: OffsetDateTime) -> OffsetDateTime {
    let cut = stored_time(t);
    if cut == t {
        cut
    } else {
        cut + time::Duration::SECOND
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use crate::store::shared::{bound_time, stored_time};

    #[test]
    fn a_bound_holds_what_was_stored_earlier_in_its_second() {
        let filed = datetime!(2026-12-07 22:23:46.2 UTC);
        let now = datetime!(2026-12-07 22:23:46.9 UTC);
        // Stored as 46 s: before a window that ends at 46.9 s, not before one cut to 46 s.
        assert!(stored_time(filed) < bound_time(now));
        assert!(stored_time(filed) >= stored_time(now));
        let whole = datetime!(2026-12-07 22:23:46 UTC);
        assert_eq!(bound_time(whole), whole);
        assert_eq!(bound_time(now), datetime!(2026-12-07 22:23:47 UTC));
    }
}
