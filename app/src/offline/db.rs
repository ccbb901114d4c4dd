//! The IndexedDB database and its versioned schema.
//!
//! v1: `media`: photos and voice clips kept on the device until the server has
//!     confirmed them; keyed by a client-made id, holding the `Blob` itself.
//! v2: `outbox`: records waiting to be synced (and, once synced, a note of them),
//!     keyed by record id, the entry as JSON; `meta`: small values by key (the device
//!     id, reference data cached for offline use). Media gain `uploaded`.
//! v3: `complaints`: a resident's complaints, waiting to be sent and then kept as the
//!     device's "my complaints", keyed by the device-made client id, as JSON.

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use wasm_bindgen::{JsCast, JsValue};

/// The database's name in production (tests use their own names).
pub const DB_NAME: &str = "gridline";
pub const MEDIA_STORE: &str = "media";
pub const OUTBOX_STORE: &str = "outbox";
pub const META_STORE: &str = "meta";
pub const COMPLAINTS_STORE: &str = "complaints";
/// Station tablets' sealed filings (schema v4).
pub const STATION_STORE: &str = "station_filings";

/// Every schema version, oldest first. Add a variant and its step in `upgrade_to`;
/// never change a released step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SchemaVersion {
    V1 = 1,
    V2 = 2,
    V3 = 3,
    V4 = 4,
}

impl SchemaVersion {
    pub const CURRENT: SchemaVersion = SchemaVersion::V4;
    const ALL: [SchemaVersion; 4] = [
        SchemaVersion::V1,
        SchemaVersion::V2,
        SchemaVersion::V3,
        SchemaVersion::V4,
    ];
}

#[derive(Debug, Clone, PartialEq)]
pub enum OfflineError {
    /// IndexedDB refused (private mode, quota, blocked upgrade, …).
    Storage(String),
    /// A stored record is not what this version of the app expects.
    Corrupt(String),
}

impl From<indexed_db_futures::error::Error> for OfflineError {
    fn from(e: indexed_db_futures::error::Error) -> Self {
        OfflineError::Storage(e.to_string())
    }
}

impl From<indexed_db_futures::error::OpenDbError> for OfflineError {
    fn from(e: indexed_db_futures::error::OpenDbError) -> Self {
        OfflineError::Storage(e.to_string())
    }
}

fn upgrade_to(version: SchemaVersion, db: &Database) -> indexed_db_futures::Result<()> {
    match version {
        SchemaVersion::V1 => {
            db.create_object_store(MEDIA_STORE)
                .with_key_path("id".into())
                .build()?;
        }
        SchemaVersion::V2 => {
            db.create_object_store(OUTBOX_STORE)
                .with_key_path("id".into())
                .build()?;
            db.create_object_store(META_STORE)
                .with_key_path("id".into())
                .build()?;
            // v1 media records have no `uploaded`: read as not uploaded (a re-upload of
            // the same bytes is harmless, the server keys them by hash).
        }
        SchemaVersion::V3 => {
            db.create_object_store(COMPLAINTS_STORE)
                .with_key_path("id".into())
                .build()?;
        }
        SchemaVersion::V4 => {
            db.create_object_store(STATION_STORE)
                .with_key_path("id".into())
                .build()?;
        }
    }
    Ok(())
}

/// Opens (and if needed creates or upgrades) the database called `name`.
pub async fn open(name: &str) -> Result<Database, OfflineError> {
    open_at(name, SchemaVersion::CURRENT).await
}

/// Opens the database at `version` (tests open an older one to test the upgrade).
pub async fn open_at(name: &str, version: SchemaVersion) -> Result<Database, OfflineError> {
    let db = Database::open(name)
        .with_version(version as u32)
        .with_on_upgrade_needed(move |event, db| {
            let from = event.old_version() as u32;
            for step in SchemaVersion::ALL {
                if step as u32 > from && step <= version {
                    upgrade_to(step, &db)?;
                }
            }
            Ok(())
        })
        .await?;
    Ok(db)
}

/// A media file kept on the device.
#[derive(Debug, Clone)]
pub struct StoredMedia {
    /// The SHA-256 (hex) of the blob's bytes: what the server will call it too.
    pub id: String,
    pub mime: String,
    pub blob: web_sys::Blob,
    /// The server has confirmed it holds these bytes.
    pub uploaded: bool,
    /// When it was written to the device (ms since the epoch; 0 for media kept before
    /// releases recorded it).
    pub stored_ms: f64,
}

impl StoredMedia {
    /// A medium just made on this device, not on the server yet.
    pub fn new(id: String, mime: String, blob: web_sys::Blob) -> StoredMedia {
        StoredMedia {
            id,
            mime,
            blob,
            uploaded: false,
            stored_ms: js_sys::Date::now(),
        }
    }

    fn to_js(&self) -> Result<JsValue, OfflineError> {
        let object = js_sys::Object::new();
        let set = |key: &str, value: &JsValue| {
            js_sys::Reflect::set(&object, &key.into(), value)
                .map_err(|_| OfflineError::Storage("cannot build the record".into()))
        };
        set("id", &self.id.clone().into())?;
        set("mime", &self.mime.clone().into())?;
        set("blob", &self.blob)?;
        set("uploaded", &self.uploaded.into())?;
        set("stored", &self.stored_ms.into())?;
        Ok(object.into())
    }

    /// Reads a record back, checking every field (records may come from older versions).
    fn from_js(value: &JsValue) -> Result<Self, OfflineError> {
        let get = |key: &str| js_sys::Reflect::get(value, &key.into()).ok();
        let text = |key: &str| {
            get(key)
                .and_then(|v| v.as_string())
                .ok_or_else(|| OfflineError::Corrupt(format!("media record without {key}")))
        };
        let blob = get("blob")
            .and_then(|v| v.dyn_into::<web_sys::Blob>().ok())
            .ok_or_else(|| OfflineError::Corrupt("media record without a blob".into()))?;
        Ok(StoredMedia {
            id: text("id")?,
            mime: text("mime")?,
            blob,
            uploaded: get("uploaded").and_then(|v| v.as_bool()).unwrap_or(false),
            stored_ms: get("stored").and_then(|v| v.as_f64()).unwrap_or(0.0),
        })
    }
}

pub async fn put_media(db: &Database, media: &StoredMedia) -> Result<(), OfflineError> {
    let tx = db
        .transaction(MEDIA_STORE)
        .with_mode(TransactionMode::Readwrite)
        .build()?;
    let store = tx.object_store(MEDIA_STORE)?;
    store.put(media.to_js()?).primitive()?.await?;
    // Transactions roll back unless committed (indexed_db_futures' design).
    tx.commit().await?;
    Ok(())
}

pub async fn get_media(db: &Database, id: &str) -> Result<Option<StoredMedia>, OfflineError> {
    let tx = db.transaction(MEDIA_STORE).build()?;
    let store = tx.object_store(MEDIA_STORE)?;
    let value: Option<JsValue> = store.get(id).primitive()?.await?;
    value.as_ref().map(StoredMedia::from_js).transpose()
}

pub async fn delete_media(db: &Database, id: &str) -> Result<(), OfflineError> {
    delete(db, MEDIA_STORE, id).await
}

/// The ids of every medium on the device.
pub async fn media_ids(db: &Database) -> Result<Vec<String>, OfflineError> {
    let tx = db.transaction(MEDIA_STORE).build()?;
    let store = tx.object_store(MEDIA_STORE)?;
    let keys: Vec<String> = store
        .get_all_keys::<String>()
        .primitive()?
        .await?
        .collect::<Result<_, _>>()?;
    Ok(keys)
}

async fn delete(db: &Database, store_name: &str, key: &str) -> Result<(), OfflineError> {
    let tx = db
        .transaction(store_name)
        .with_mode(TransactionMode::Readwrite)
        .build()?;
    let store = tx.object_store(store_name)?;
    store.delete(key).primitive()?.await?;
    tx.commit().await?;
    Ok(())
}

/// Writes `json` under `id` in `store_name` (the outbox and meta stores hold JSON).
pub async fn put_json(
    db: &Database,
    store_name: &str,
    id: &str,
    json: &str,
) -> Result<(), OfflineError> {
    let object = js_sys::Object::new();
    for (key, value) in [("id", id), ("json", json)] {
        js_sys::Reflect::set(&object, &key.into(), &value.into())
            .map_err(|_| OfflineError::Storage("cannot build the record".into()))?;
    }
    let tx = db
        .transaction(store_name)
        .with_mode(TransactionMode::Readwrite)
        .build()?;
    let store = tx.object_store(store_name)?;
    store.put(JsValue::from(object)).primitive()?.await?;
    tx.commit().await?;
    Ok(())
}

fn json_of(value: &JsValue) -> Result<String, OfflineError> {
    js_sys::Reflect::get(value, &"json".into())
        .ok()
        .and_then(|v| v.as_string())
        .ok_or_else(|| OfflineError::Corrupt("a record without json".into()))
}

pub async fn get_json(
    db: &Database,
    store_name: &str,
    id: &str,
) -> Result<Option<String>, OfflineError> {
    let tx = db.transaction(store_name).build()?;
    let store = tx.object_store(store_name)?;
    let value: Option<JsValue> = store.get(id).primitive()?.await?;
    value.as_ref().map(json_of).transpose()
}

/// Every record of `store_name`, in key order.
pub async fn all_json(db: &Database, store_name: &str) -> Result<Vec<String>, OfflineError> {
    let tx = db.transaction(store_name).build()?;
    let store = tx.object_store(store_name)?;
    let values: Vec<JsValue> = store
        .get_all::<JsValue>()
        .primitive()?
        .await?
        .collect::<Result<_, _>>()?;
    values.iter().map(json_of).collect()
}

pub async fn delete_json(db: &Database, store_name: &str, id: &str) -> Result<(), OfflineError> {
    delete(db, store_name, id).await
}
