//! A resident's complaints on the device: the draft being written, the outbox that
//! sends finished ones (media first, then the complaint with its device-made client id,
//! so a resend, a reload or a double tap is the same ticket), and, once sent, the
//! device's "my complaints" with their tracking codes.

use std::cell::Cell;

use gridline_core::api::ticket::CreateTicketRequest;
use gridline_core::ticket::Status;
use gridline_core::{ErrorCode, ErrorResponse};
use indexed_db_futures::database::Database;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::db::{self, COMPLAINTS_STORE, META_STORE, OfflineError};
use super::sync::{self, SyncProblem};
use crate::api::{self, ApiError, Proof};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintState {
    /// Waiting for the network (or its next try).
    Pending,
    /// The server has it: `tracking_code` is set.
    Sent,
    /// The server refused it, with why (kept so nothing typed is lost).
    Rejected,
}

/// One complaint filed on this device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Complaint {
    /// The request's client id.
    pub id: String,
    pub request: CreateTicketRequest,
    pub state: ComplaintState,
    /// Failed tries since the last success (for the back-off).
    pub attempts: u32,
    /// Not before this time (ms since the epoch) is it tried again.
    pub next_attempt_ms: f64,
    pub message: Option<String>,
    /// Why the server refused it (shown in the resident's language).
    #[serde(default)]
    pub refusal: Option<ErrorResponse>,
    pub tracking_code: Option<String>,
    /// The status last seen on the server.
    pub status: Option<Status>,
    /// Filed merged into a nearby report it follows.
    #[serde(default)]
    pub merged: bool,
    /// When it was filed (ms since the epoch).
    pub created_ms: f64,
}

impl Complaint {
    pub fn new(request: CreateTicketRequest, id: String) -> Complaint {
        Complaint {
            id,
            request,
            state: ComplaintState::Pending,
            attempts: 0,
            next_attempt_ms: 0.0,
            message: None,
            refusal: None,
            tracking_code: None,
            status: None,
            merged: false,
            created_ms: js_sys::Date::now(),
        }
    }

    /// What proves this device may see the ticket: the phone's last four digits when
    /// one was given, else the device's secret.
    pub fn proof(&self) -> Option<Proof> {
        let digits: String = self
            .request
            .contact_phone
            .iter()
            .flat_map(|p| p.chars().filter(char::is_ascii_digit))
            .collect();
        if digits.len() >= 4 {
            Some(Proof::Phone(digits[digits.len() - 4..].to_owned()))
        } else {
            self.request.device_secret.clone().map(Proof::Device)
        }
    }
}

fn corrupt(what: &str, e: serde_json::Error) -> OfflineError {
    OfflineError::Corrupt(format!("{what}: {e}"))
}

pub async fn put(database: &Database, complaint: &Complaint) -> Result<(), OfflineError> {
    let json = serde_json::to_string(complaint).map_err(|e| corrupt("complaint", e))?;
    db::put_json(database, COMPLAINTS_STORE, &complaint.id, &json).await
}

pub async fn get(database: &Database, id: &str) -> Result<Option<Complaint>, OfflineError> {
    db::get_json(database, COMPLAINTS_STORE, id)
        .await?
        .map(|json| serde_json::from_str(&json).map_err(|e| corrupt("complaint", e)))
        .transpose()
}

/// Every complaint, newest first.
pub async fn all(database: &Database) -> Result<Vec<Complaint>, OfflineError> {
    let mut all = db::all_json(database, COMPLAINTS_STORE)
        .await?
        .iter()
        .map(|json| serde_json::from_str::<Complaint>(json).map_err(|e| corrupt("complaint", e)))
        .collect::<Result<Vec<_>, _>>()?;
    all.sort_by(|a, b| b.created_ms.total_cmp(&a.created_ms));
    Ok(all)
}

pub async fn delete(database: &Database, id: &str) -> Result<(), OfflineError> {
    db::delete_json(database, COMPLAINTS_STORE, id).await?;
    super::drop_unneeded_media(database).await
}

/// The complaint being written, saved as the resident types so a closed tab loses
/// nothing. Its photos, voice note and clip are in the media store already.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Draft {
    /// Made when the draft starts: the complaint's client id (so a double tap on
    /// "submit" cannot make two).
    pub id: String,
    pub matter_code: String,
    pub description: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub accuracy_m: Option<f64>,
    pub community_code: String,
    pub grid_code: String,
    pub address: String,
    pub contact_phone: String,
    /// Texts to that phone when done and to ask for a rating, agreed to.
    pub sms_consent: bool,
    pub consent: bool,
    pub photos: Vec<String>,
    pub voice: Option<String>,
    /// A video clip (its id in the media store).
    pub video: Option<String>,
    /// The nearby report chosen to follow (its reference).
    pub follow: Option<String>,
}

impl Draft {
    pub fn media(&self) -> impl Iterator<Item = &String> {
        self.photos
            .iter()
            .chain(self.voice.iter())
            .chain(self.video.iter())
    }
}

pub(super) const DRAFT_KEY: &str = "complaint_draft";

pub async fn load_draft(database: &Database) -> Result<Option<Draft>, OfflineError> {
    db::get_json(database, META_STORE, DRAFT_KEY)
        .await?
        .map(|json| serde_json::from_str(&json).map_err(|e| corrupt("draft", e)))
        .transpose()
}

pub async fn save_draft(database: &Database, draft: &Draft) -> Result<(), OfflineError> {
    let json = serde_json::to_string(draft).map_err(|e| corrupt("draft", e))?;
    db::put_json(database, META_STORE, DRAFT_KEY, &json).await
}

/// Forgets the draft (its media stay while a complaint names them).
pub async fn clear_draft(database: &Database) -> Result<(), OfflineError> {
    db::delete_json(database, META_STORE, DRAFT_KEY).await?;
    super::drop_unneeded_media(database).await
}

/// Keeps a finished complaint and forgets the draft, in that order: the media it names
/// are never unreferenced in between.
pub async fn file(database: &Database, complaint: &Complaint) -> Result<(), OfflineError> {
    put(database, complaint).await?;
    clear_draft(database).await
}

/// This device's secret: with a tracking code, it opens the device's anonymous
/// complaints. Made once and kept.
pub async fn device_secret(database: &Database) -> Result<String, OfflineError> {
    const KEY: &str = "device_secret";
    if let Some(secret) = db::get_json(database, META_STORE, KEY).await? {
        return Ok(secret);
    }
    let secret = new_id().replace('-', "");
    db::put_json(database, META_STORE, KEY, &secret).await?;
    Ok(secret)
}

/// A random id (a UUID from the browser).
pub fn new_id() -> String {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .unwrap_or_else(|| format!("id-{}-{}", js_sys::Date::now(), js_sys::Math::random()))
}

/// What the pages show of the complaints and their sending.
pub type Outbox = sync::SyncState<Complaint>;

thread_local! {
    static SENDING: Cell<bool> = const { Cell::new(false) };
}

pub async fn refresh(database: &Database, outbox: Outbox) {
    if let Ok(all) = all(database).await {
        outbox.entries.set(all);
    }
}

/// Sends what is due, one complaint after the other. One run at a time.
pub async fn send(database: &Database, outbox: Outbox, force: bool) {
    outbox
        .run_alone(
            &SENDING,
            send_due(database, outbox, force),
            refresh(database, outbox),
        )
        .await;
}

async fn send_due(database: &Database, outbox: Outbox, force: bool) -> Result<(), SyncProblem> {
    if !sync::online() {
        return Err(SyncProblem::Offline);
    }
    let now = js_sys::Date::now();
    let due: Vec<Complaint> = all(database)
        .await
        .map_err(sync::storage)?
        .into_iter()
        .rev()
        .filter(|c| c.state == ComplaintState::Pending && (force || c.next_attempt_ms <= now))
        .collect();
    for mut complaint in due {
        let result = send_one(database, &mut complaint).await;
        match &result {
            Ok(()) => {}
            Err(SyncProblem::Offline) => return result,
            Err(SyncProblem::Failed(message)) => {
                complaint.attempts += 1;
                complaint.next_attempt_ms = sync::next_attempt_ms(complaint.attempts);
                complaint.message = Some(message.clone());
            }
            // Residents have no session to lose, nor a tablet's enrollment.
            Err(SyncProblem::SignIn | SyncProblem::Revoked) => {}
        }
        put(database, &complaint).await.map_err(sync::storage)?;
        super::drop_unneeded_media(database)
            .await
            .map_err(sync::storage)?;
        refresh(database, outbox).await;
    }
    Ok(())
}

/// Sends one complaint, updating it with the outcome; only a passing failure (to try
/// again) is returned as an error.
async fn send_one(database: &Database, complaint: &mut Complaint) -> Result<(), SyncProblem> {
    sync::upload_media(
        database,
        &complaint.request.media,
        complaint.request.device_secret.as_deref(),
    )
    .await?;
    match api::file_ticket(&complaint.request).await {
        Ok(created) => {
            complaint.state = ComplaintState::Sent;
            complaint.tracking_code = Some(created.tracking_code);
            complaint.status = Some(created.status);
            complaint.merged = created.merged;
            complaint.message = None;
            complaint.attempts = 0;
            Ok(())
        }
        Err(ApiError::Network) => Err(SyncProblem::Offline),
        Err(ApiError::Server(body)) => {
            if names_unknown_media(&body) {
                // The server has lost media it once confirmed: send them again.
                for id in &complaint.request.media {
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
            } else if passing(body.error.code) {
                Err(SyncProblem::Failed(body.error.message))
            } else {
                complaint.state = ComplaintState::Rejected;
                complaint.message = Some(body.error.message.clone());
                complaint.refusal = Some(body);
                Ok(())
            }
        }
    }
}

/// Whether the server refused a complaint for naming media it does not have (`media`
/// or `media[i]`): they are sent again, not given up.
pub fn names_unknown_media(body: &ErrorResponse) -> bool {
    body.error.code == ErrorCode::ValidationFailed
        && body
            .error
            .fields
            .iter()
            .any(|f| f.field == "media" || f.field.starts_with("media["))
}

/// Errors that go away by themselves: try again later.
pub(super) fn passing(code: ErrorCode) -> bool {
    matches!(
        code,
        ErrorCode::Internal
            | ErrorCode::Unavailable
            | ErrorCode::RateLimited
            | ErrorCode::Conflict
            | ErrorCode::CsrfRejected
            | ErrorCode::Unknown
    )
}

/// Reads the current status of the sent complaints that are not closed.
pub async fn update_statuses(database: &Database, outbox: Outbox) {
    let Ok(all) = all(database).await else { return };
    for mut complaint in all {
        let (Some(code), Some(proof)) = (complaint.tracking_code.clone(), complaint.proof()) else {
            continue;
        };
        if complaint.status == Some(Status::Closed) {
            continue;
        }
        match api::ticket_public(&code, &proof).await {
            Ok(view) if complaint.status != Some(view.status) => {
                complaint.status = Some(view.status);
                complaint.merged = view.merged;
                let _ = put(database, &complaint).await;
            }
            Ok(_) => {}
            Err(ApiError::Network) => break,
            Err(_) => {}
        }
    }
    refresh(database, outbox).await;
}
