//! The IndexedDB database and its versioned schema.
//!
//! v1: `media`: photos and voice clips kept on the device until the server has
//!     confirmed them; keyed by a client-made id, holding the `Blob` itself.

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use wasm_bindgen::{JsCast, JsValue};

/// The database's name in production (tests use their own names).
pub const DB_NAME: &str = "gridline";
pub const MEDIA_STORE: &str = "media";

/// Every schema version, oldest first. Add a variant and its step in `upgrade_to`;
/// never change a released step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SchemaVersion {
    V1 = 1,
}

impl SchemaVersion {
    pub const CURRENT: SchemaVersion = SchemaVersion::V1;
    const ALL: [SchemaVersion; 1] = [SchemaVersion::V1];
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
    }
    Ok(())
}

/// Opens (and if needed creates or upgrades) the database called `name`.
pub async fn open(name: &str) -> Result<Database, OfflineError> {
    let db = Database::open(name)
        .with_version(SchemaVersion::CURRENT as u32)
        .with_on_upgrade_needed(|event, db| {
            let from = event.old_version() as u32;
            for version in SchemaVersion::ALL {
                if version as u32 > from {
                    upgrade_to(version, &db)?;
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
    pub id: String,
    pub mime: String,
    pub blob: web_sys::Blob,
}

impl StoredMedia {
    fn to_js(&self) -> Result<JsValue, OfflineError> {
        let object = js_sys::Object::new();
        let set = |key: &str, value: &JsValue| {
            js_sys::Reflect::set(&object, &key.into(), value)
                .map_err(|_| OfflineError::Storage("cannot build the record".into()))
        };
        set("id", &self.id.clone().into())?;
        set("mime", &self.mime.clone().into())?;
        set("blob", &self.blob)?;
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
