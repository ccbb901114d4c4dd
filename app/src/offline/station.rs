//! A station tablet on the device: its enrollment (the device token and its station),
//! the current resident's session, and the outbox of sealed filings.
//!
//! Shared-device hygiene: nothing of a resident is written down in the clear. The form
//! lives in memory; the only trace of a session on the device is the list of its
//! photo and voice ids (so the outbox's media sweep keeps them), and finished filings
//! are sealed to the server before they are stored ([`super::seal`]). Ending a session
//! ([`end_session`]) forgets that list, deletes the media no sealed filing names, and
//! clears the page's session storage.

use std::cell::Cell;

use gridline_core::api::station::{
    DeviceResponse, EnrollRequest, EnrolledResponse, Sealed, SealedFilingRequest, StationFiling,
};
use gridline_core::ticket::Status;
use gridline_core::{ErrorCode, ErrorResponse};
use indexed_db_futures::database::Database;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::complaints::ComplaintState;
use super::db::{self, META_STORE, OfflineError, STATION_STORE};
use super::sync::{self, SyncProblem};
use crate::api::{self, ApiError};

const DEVICE_KEY: &str = "station_device";
pub(super) const SESSION_KEY: &str = "station_session";

/// This tablet's enrollment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrollment {
    pub token: String,
    pub device: DeviceResponse,
}

fn corrupt(what: &str, e: serde_json::Error) -> OfflineError {
    OfflineError::Corrupt(format!("{what}: {e}"))
}

/// Whether this device is a station's enrolled tablet (without reading the enrollment,
/// so the other programs carry none of its types).
pub async fn is_enrolled(database: &Database) -> bool {
    matches!(
        db::get_json(database, META_STORE, DEVICE_KEY).await,
        Ok(Some(_))
    )
}

pub async fn enrollment(database: &Database) -> Result<Option<Enrollment>, OfflineError> {
    db::get_json(database, META_STORE, DEVICE_KEY)
        .await?
        .map(|json| serde_json::from_str(&json).map_err(|e| corrupt("enrollment", e)))
        .transpose()
}

async fn keep_enrollment(database: &Database, enrollment: &Enrollment) -> Result<(), OfflineError> {
    let json = serde_json::to_string(enrollment).map_err(|e| corrupt("enrollment", e))?;
    db::put_json(database, META_STORE, DEVICE_KEY, &json).await
}

/// Enrolls this tablet with a one-time code and keeps the answer.
pub async fn enroll(database: &Database, code: &str, label: &str) -> Result<Enrollment, ApiError> {
    let answer: EnrolledResponse = api::station_enroll(&EnrollRequest {
        code: code.to_owned(),
        label: label.to_owned(),
    })
    .await?;
    let enrollment = Enrollment {
        token: answer.device_token,
        device: answer.device,
    };
    keep_enrollment(database, &enrollment)
        .await
        .map_err(|e| ApiError::Server(ErrorResponse::new(ErrorCode::Internal, format!("{e:?}"))))?;
    Ok(enrollment)
}

/// Asks the server for the station's current settings (a new key, other timeouts) and
/// keeps them; a revoked tablet hears so here.
pub async fn refresh_enrollment(
    database: &Database,
    enrollment: &Enrollment,
) -> Result<Enrollment, ApiError> {
    let device = api::station_device(&enrollment.token).await?;
    let fresh = Enrollment {
        token: enrollment.token.clone(),
        device,
    };
    if fresh != *enrollment {
        let _ = keep_enrollment(database, &fresh).await;
    }
    Ok(fresh)
}

/// Forgets the enrollment (to enroll again); queued filings stay and are sent by the
/// next enrollment.
pub async fn forget_enrollment(database: &Database) -> Result<(), OfflineError> {
    db::delete_json(database, META_STORE, DEVICE_KEY).await
}

/// The media of the resident being served (ids only), kept while the session lasts.
pub async fn keep_session_media(database: &Database, ids: &[String]) -> Result<(), OfflineError> {
    let json = serde_json::to_string(ids).map_err(|e| corrupt("session", e))?;
    db::put_json(database, META_STORE, SESSION_KEY, &json).await
}

/// Ends a resident's session on the device: forgets its media list, deletes every
/// medium no queued filing needs, and clears the page's session storage and any cache
/// that is not the app's own shell.
pub async fn end_session(database: &Database) -> Result<(), OfflineError> {
    db::delete_json(database, META_STORE, SESSION_KEY).await?;
    super::drop_unneeded_media_now(database).await?;
    if let Some(storage) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
        let _ = storage.clear();
    }
    clear_foreign_caches().await;
    Ok(())
}

/// Deletes the Cache Storage caches that are not the service worker's app shell.
async fn clear_foreign_caches() {
    let Some(caches) = web_sys::window().and_then(|w| w.caches().ok()) else {
        return;
    };
    let Ok(keys) = wasm_bindgen_futures::JsFuture::from(caches.keys()).await else {
        return;
    };
    for key in js_sys::Array::from(&keys).iter() {
        if let Some(name) = key.as_string()
            && !name.starts_with("gridline-shell:")
        {
            let _ = wasm_bindgen_futures::JsFuture::from(caches.delete(&name)).await;
        }
    }
}

/// A filing waiting to be sent (or sent): sealed, so the tablet cannot read it back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueuedFiling {
    /// The filing's client id.
    pub id: String,
    pub sealed: Sealed,
    /// The media it names (ids are hashes: nothing personal).
    pub media: Vec<String>,
    pub state: ComplaintState,
    pub attempts: u32,
    pub next_attempt_ms: f64,
    /// The server's refusal, if it refused.
    pub refusal: Option<ErrorResponse>,
    pub tracking_code: Option<String>,
    pub status: Option<Status>,
    pub created_ms: f64,
}

/// Seals a finished filing and queues it; nothing of it is stored in the clear.
pub async fn queue(
    database: &Database,
    enrollment: &Enrollment,
    filing: &StationFiling,
) -> Result<QueuedFiling, String> {
    let id = filing
        .ticket
        .client_id
        .clone()
        .ok_or("a station filing has a client id")?;
    let json = serde_json::to_vec(filing).map_err(|e| e.to_string())?;
    let sealed = super::seal::seal(&enrollment.device.station.seal_key, &json)
        .await
        .map_err(|e| format!("{e:?}"))?;
    let queued = QueuedFiling {
        id,
        sealed,
        media: filing.ticket.media.clone(),
        state: ComplaintState::Pending,
        attempts: 0,
        next_attempt_ms: 0.0,
        refusal: None,
        tracking_code: None,
        status: None,
        created_ms: js_sys::Date::now(),
    };
    put(database, &queued).await.map_err(|e| format!("{e:?}"))?;
    Ok(queued)
}

pub async fn put(database: &Database, filing: &QueuedFiling) -> Result<(), OfflineError> {
    let json = serde_json::to_string(filing).map_err(|e| corrupt("station filing", e))?;
    db::put_json(database, STATION_STORE, &filing.id, &json).await
}

/// Every queued filing, newest first.
pub async fn all(database: &Database) -> Result<Vec<QueuedFiling>, OfflineError> {
    let mut all = db::all_json(database, STATION_STORE)
        .await?
        .iter()
        .map(|json| {
            serde_json::from_str::<QueuedFiling>(json).map_err(|e| corrupt("station filing", e))
        })
        .collect::<Result<Vec<_>, _>>()?;
    all.sort_by(|a, b| b.created_ms.total_cmp(&a.created_ms));
    Ok(all)
}

/// What the pages show of the station's outbox.
pub type StationOutbox = sync::SyncState<QueuedFiling>;

impl StationOutbox {
    /// Filings not sent yet.
    pub fn waiting(&self) -> usize {
        self.count(|f| f.state == ComplaintState::Pending)
    }
}

thread_local! {
    static SENDING: Cell<bool> = const { Cell::new(false) };
}

pub async fn refresh(database: &Database, outbox: StationOutbox) {
    if let Ok(all) = all(database).await {
        outbox.entries.set(all);
    }
}

/// Sends what is due, oldest first. One run at a time.
pub async fn send(database: &Database, token: &str, outbox: StationOutbox, force: bool) {
    outbox
        .run_alone(
            &SENDING,
            send_due(database, token, outbox, force),
            refresh(database, outbox),
        )
        .await;
}

async fn send_due(
    database: &Database,
    token: &str,
    outbox: StationOutbox,
    force: bool,
) -> Result<(), SyncProblem> {
    if !sync::online() {
        return Err(SyncProblem::Offline);
    }
    let now = js_sys::Date::now();
    let due: Vec<QueuedFiling> = all(database)
        .await
        .map_err(sync::storage)?
        .into_iter()
        .rev()
        .filter(|f| f.state == ComplaintState::Pending && (force || f.next_attempt_ms <= now))
        .collect();
    for mut filing in due {
        let result = send_one(database, token, &mut filing).await;
        match &result {
            Ok(()) => {}
            Err(SyncProblem::Offline | SyncProblem::Revoked) => return result,
            Err(SyncProblem::Failed(_) | SyncProblem::SignIn) => {
                filing.attempts += 1;
                filing.next_attempt_ms = sync::next_attempt_ms(filing.attempts);
            }
        }
        put(database, &filing).await.map_err(sync::storage)?;
        super::drop_unneeded_media(database)
            .await
            .map_err(sync::storage)?;
        refresh(database, outbox).await;
    }
    Ok(())
}

async fn send_one(
    database: &Database,
    token: &str,
    filing: &mut QueuedFiling,
) -> Result<(), SyncProblem> {
    sync::upload_media(database, &filing.media, None).await?;
    let request = SealedFilingRequest {
        client_id: filing.id.clone(),
        sealed: filing.sealed.clone(),
    };
    match api::station_file(token, &request).await {
        Ok(created) => {
            filing.state = ComplaintState::Sent;
            filing.tracking_code = Some(created.tracking_code);
            filing.status = Some(created.status);
            filing.refusal = None;
            filing.attempts = 0;
            Ok(())
        }
        Err(ApiError::Network) => Err(SyncProblem::Offline),
        Err(ApiError::Server(body)) if body.error.code == ErrorCode::DeviceRevoked => {
            Err(SyncProblem::Revoked)
        }
        Err(ApiError::Server(body)) => {
            if super::complaints::names_unknown_media(&body) {
                for id in &filing.media {
                    if let Some(mut media) =
                        db::get_media(database, id).await.map_err(sync::storage)?
                    {
                        media.uploaded = false;
                        db::put_media(database, &media)
                            .await
                            .map_err(sync::storage)?;
                    }
                }
                Err(SyncProblem::Failed(body.error.message))
            } else if super::complaints::passing(body.error.code) {
                Err(SyncProblem::Failed(body.error.message))
            } else {
                filing.state = ComplaintState::Rejected;
                filing.refusal = Some(body);
                Ok(())
            }
        }
    }
}
