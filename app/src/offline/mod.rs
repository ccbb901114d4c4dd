//! Offline storage in IndexedDB.
//!
//! The schema is versioned (`db::SchemaVersion`): opening the database runs every
//! upgrade step between the version on the device and the current one, in order, so
//! a phone that skipped releases still ends up with the current schema and keeps its
//! data. The outbox and the sync loop (resident and grid-worker issues) build on this.

pub mod db;
