//! Offline storage in IndexedDB.
//!
//! The schema is versioned (`db::SchemaVersion`): opening the database runs every
//! upgrade step between the version on the device and the current one, in order, so
//! a phone that skipped releases still ends up with the current schema and keeps its
//! data. The outbox and the sync loop (resident and grid-worker issues) build on this.

pub mod db;
pub mod outbox;
pub mod photo;
pub mod sync;

use std::cell::RefCell;

use indexed_db_futures::database::Database;

thread_local! {
    static DATABASE: RefCell<Option<Database>> = const { RefCell::new(None) };
}

/// The app's database, opened (and upgraded) once per page.
pub async fn database() -> Result<Database, db::OfflineError> {
    if let Some(database) = DATABASE.with(|d| d.borrow().clone()) {
        return Ok(database);
    }
    let database = db::open(db::DB_NAME).await?;
    DATABASE.with(|d| *d.borrow_mut() = Some(database.clone()));
    Ok(database)
}
