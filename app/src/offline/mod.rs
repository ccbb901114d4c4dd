//! Offline storage in IndexedDB.
//!
//! The schema is versioned (`db::SchemaVersion`): opening the database runs every
//! upgrade step between the version on the device and the current one, in order, so
//! a phone that skipped releases still ends up with the current schema and keeps its
//! data.
//!
//! One origin, one database: the resident app's complaints and the staff app's field
//! records share the media store, so media are deleted only when neither needs them.

pub mod complaints;
pub mod db;
pub mod outbox;
pub mod photo;
pub mod seal;
pub mod station;
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
    release_on_upgrade(&database);
    DATABASE.with(|d| *d.borrow_mut() = Some(database.clone()));
    Ok(database)
}

/// When a newer release (the other app, or this one in another tab) upgrades the
/// schema, this page lets go of the database so the upgrade is not blocked; it opens
/// it again on its next use (and the new release's worker offers the reload).
fn release_on_upgrade(database: &Database) {
    use indexed_db_futures::internals::SystemRepr;
    use wasm_bindgen::JsCast;
    let sys: web_sys::IdbDatabase = database.as_sys().clone().unchecked_into();
    let handle = sys.clone();
    let on_change = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
        handle.close();
        DATABASE.with(|d| *d.borrow_mut() = None);
    });
    sys.set_onversionchange(Some(on_change.as_ref().unchecked_ref()));
    on_change.forget();
}

/// The media named by what is waiting to be sent: unsynced field records, unsent
/// complaints and station filings, the complaint draft, and the station's current
/// resident session. Read through small views of the stored JSON,
/// so neither app carries the other's record types.
async fn media_in_use(database: &Database) -> Result<Vec<String>, db::OfflineError> {
    #[derive(serde::Deserialize)]
    struct Named {
        #[serde(default)]
        media: Vec<String>,
    }
    #[derive(serde::Deserialize)]
    struct Field {
        state: outbox::EntryState,
        record: Named,
    }
    #[derive(serde::Deserialize)]
    struct Complaint {
        state: complaints::ComplaintState,
        request: Named,
    }
    #[derive(serde::Deserialize, Default)]
    #[serde(default)]
    struct Draft {
        photos: Vec<String>,
        voice: Option<String>,
        video: Option<String>,
    }
    fn read<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, db::OfflineError> {
        serde_json::from_str(json).map_err(|e| db::OfflineError::Corrupt(e.to_string()))
    }
    let mut ids = Vec::new();
    for json in db::all_json(database, db::OUTBOX_STORE).await? {
        let entry: Field = read(&json)?;
        if entry.state != outbox::EntryState::Synced {
            ids.extend(entry.record.media);
        }
    }
    for json in db::all_json(database, db::COMPLAINTS_STORE).await? {
        let complaint: Complaint = read(&json)?;
        if complaint.state != complaints::ComplaintState::Sent {
            ids.extend(complaint.request.media);
        }
    }
    #[derive(serde::Deserialize)]
    struct Filing {
        state: complaints::ComplaintState,
        media: Vec<String>,
    }
    for json in db::all_json(database, db::STATION_STORE).await? {
        let filing: Filing = read(&json)?;
        if filing.state != complaints::ComplaintState::Sent {
            ids.extend(filing.media);
        }
    }
    // The resident at a station's counter: their photos and voice note so far.
    if let Some(json) = db::get_json(database, db::META_STORE, station::SESSION_KEY).await? {
        ids.extend(read::<Vec<String>>(&json)?);
    }
    if let Some(json) = db::get_json(database, db::META_STORE, complaints::DRAFT_KEY).await? {
        let draft: Draft = read(&json)?;
        ids.extend(
            draft
                .photos
                .into_iter()
                .chain(draft.voice)
                .chain(draft.video),
        );
    }
    Ok(ids)
}

/// How long a medium that nothing names yet, and that the server does not hold, is
/// kept all the same. A medium is written to the device before the draft, record or
/// session that names it is; cleaning up in between (another complaint's sending, in
/// this page or another tab) would delete it, and the complaint would name a medium
/// that is gone.
pub const UNNAMED_MEDIA_GRACE_MS: f64 = 5.0 * 60.0 * 1000.0;

/// Deletes the media that nothing waiting to be sent names any more, except those
/// written in the last [`UNNAMED_MEDIA_GRACE_MS`] and not uploaded (about to be named).
pub async fn drop_unneeded_media(database: &Database) -> Result<(), db::OfflineError> {
    drop_media(database, js_sys::Date::now() - UNNAMED_MEDIA_GRACE_MS).await
}

/// Deletes every medium nothing names, however new: a station's session that ends
/// takes what the resident left with it at once.
pub async fn drop_unneeded_media_now(database: &Database) -> Result<(), db::OfflineError> {
    drop_media(database, f64::INFINITY).await
}

/// Deletes the media nothing names, keeping those not uploaded and written after
/// `fresh_after` (ms since the epoch).
async fn drop_media(database: &Database, fresh_after: f64) -> Result<(), db::OfflineError> {
    let needed = media_in_use(database).await?;
    for id in db::media_ids(database).await? {
        if needed.contains(&id) {
            continue;
        }
        if let Some(media) = db::get_media(database, &id).await?
            && !media.uploaded
            && media.stored_ms > fresh_after
        {
            continue;
        }
        db::delete_media(database, &id).await?;
    }
    Ok(())
}
