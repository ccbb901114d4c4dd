//! The outbox: every record is written here first, then synced. An entry stays until
//! the server has confirmed its revision with the same media hashes; then its media
//! blobs are deleted and the entry is kept as a small note (`Synced`) so the list can
//! still show it.

use gridline_core::api::field::SyncRecord;
use indexed_db_futures::database::Database;
use serde::{Deserialize, Serialize};

use super::db::{self, OUTBOX_STORE, OfflineError, StoredMedia};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryState {
    /// Waiting for the network (or for its next try).
    Pending,
    /// The server refused it; kept, with why.
    Rejected,
    /// Confirmed by the server; its media are gone from the device.
    Synced,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub record: SyncRecord,
    pub state: EntryState,
    /// Failed tries since the last success (for the back-off).
    pub attempts: u32,
    /// Not before this time (ms since the epoch) is it tried again.
    pub next_attempt_ms: f64,
    pub message: Option<String>,
    pub ticket_code: Option<String>,
    /// When it was first written (ms since the epoch): the list's order.
    pub created_ms: f64,
}

impl OutboxEntry {
    pub fn new(record: SyncRecord) -> OutboxEntry {
        OutboxEntry {
            record,
            state: EntryState::Pending,
            attempts: 0,
            next_attempt_ms: 0.0,
            message: None,
            ticket_code: None,
            created_ms: js_sys::Date::now(),
        }
    }

    pub fn id(&self) -> &str {
        self.record.record_id()
    }

    pub fn media(&self) -> &[String] {
        match &self.record {
            SyncRecord::Finding(f) => &f.media,
            SyncRecord::Patrol(_) => &[],
        }
    }
}

pub async fn put(db: &Database, entry: &OutboxEntry) -> Result<(), OfflineError> {
    let json = serde_json::to_string(entry)
        .map_err(|e| OfflineError::Corrupt(format!("outbox entry: {e}")))?;
    db::put_json(db, OUTBOX_STORE, entry.id(), &json).await
}

pub async fn get(db: &Database, id: &str) -> Result<Option<OutboxEntry>, OfflineError> {
    db::get_json(db, OUTBOX_STORE, id)
        .await?
        .map(|json| {
            serde_json::from_str(&json)
                .map_err(|e| OfflineError::Corrupt(format!("outbox entry {id}: {e}")))
        })
        .transpose()
}

/// Every entry, oldest first.
pub async fn all(db: &Database) -> Result<Vec<OutboxEntry>, OfflineError> {
    let mut entries = db::all_json(db, OUTBOX_STORE)
        .await?
        .iter()
        .map(|json| {
            serde_json::from_str::<OutboxEntry>(json)
                .map_err(|e| OfflineError::Corrupt(format!("outbox entry: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    entries.sort_by(|a, b| a.created_ms.total_cmp(&b.created_ms));
    Ok(entries)
}

/// Keeps a new record with its media: the media first, so an entry never names
/// media the device does not have.
pub async fn add(
    db: &Database,
    record: SyncRecord,
    media: &[StoredMedia],
) -> Result<OutboxEntry, OfflineError> {
    for m in media {
        db::put_media(db, m).await?;
    }
    let entry = OutboxEntry::new(record);
    put(db, &entry).await?;
    Ok(entry)
}
