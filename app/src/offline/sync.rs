//! The sync loop: sends the outbox when there is a network, by itself and on demand.
//! Media go before the records that name them; each medium's hash as the server
//! reports it must equal the device's before anything is deleted. Failures back off
//! (exponentially, with jitter, at most 5 minutes); a refused session stops the loop
//! with a clear message and deletes nothing.

use std::cell::Cell;

use gridline_core::ErrorCode;
use gridline_core::api::field::{SyncRequest, SyncStatus};
use indexed_db_futures::database::Database;
use leptos::prelude::*;

use super::db::{self, META_STORE, OfflineError};
use super::outbox::{self, EntryState, OutboxEntry};
use crate::api::{self, ApiError};

/// Records one request carries (a batch stays well under the server's body limit).
const BATCH: usize = 20;
/// Photo uploads in flight at once.
const PARALLEL_UPLOADS: usize = 3;
const MAX_BACKOFF_MS: f64 = 5.0 * 60.0 * 1000.0;

/// Why the loop stopped.
#[derive(Debug, Clone, PartialEq)]
pub enum SyncProblem {
    /// No network; it goes on when there is one.
    Offline,
    /// The session ended: sign in again; nothing on the device was deleted.
    SignIn,
    /// The server or the device failed; it tries again later.
    Failed(String),
    /// This station tablet's enrollment was revoked: it may not send any more.
    Revoked,
}

/// What the pages show of one outbox (the grid worker's records, a resident's
/// complaints, a station's sealed filings): its entries, whether a run is sending, and
/// why the last run stopped.
pub struct SyncState<T: Send + Sync + 'static> {
    pub entries: RwSignal<Vec<T>>,
    pub running: RwSignal<bool>,
    pub problem: RwSignal<Option<SyncProblem>>,
}

impl<T: Send + Sync + 'static> Clone for SyncState<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for SyncState<T> {}

impl<T: Send + Sync + 'static> SyncState<T> {
    pub fn new() -> SyncState<T> {
        SyncState {
            entries: RwSignal::new(Vec::new()),
            running: RwSignal::new(false),
            problem: RwSignal::new(None),
        }
    }

    /// How many entries `waits` says are still to send.
    pub fn count(&self, waits: impl Fn(&T) -> bool) -> usize {
        self.entries.with(|e| e.iter().filter(|e| waits(e)).count())
    }

    /// Runs `send` unless a run of this outbox is going already (`guard`, one per
    /// outbox), showing it as running, then keeps its outcome and reloads the list.
    pub async fn run_alone(
        self,
        guard: &'static std::thread::LocalKey<Cell<bool>>,
        send: impl Future<Output = Result<(), SyncProblem>>,
        reload: impl Future<Output = ()>,
    ) {
        if guard.with(|r| r.replace(true)) {
            return;
        }
        self.running.set(true);
        let outcome = send.await;
        self.problem.set(outcome.err());
        reload.await;
        self.running.set(false);
        guard.with(|r| r.set(false));
    }
}

impl<T: Send + Sync + 'static> Default for SyncState<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// The grid worker's outbox of field records.
pub type FieldSync = SyncState<OutboxEntry>;

impl FieldSync {
    pub fn waiting(&self) -> usize {
        self.count(|e| e.state == EntryState::Pending)
    }
}

thread_local! {
    static RUNNING: Cell<bool> = const { Cell::new(false) };
}

/// This browser profile's device id, made once and kept.
pub async fn device_id(database: &Database) -> Result<String, OfflineError> {
    if let Some(id) = db::get_json(database, META_STORE, "device_id").await? {
        return Ok(id);
    }
    let id = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .ok_or_else(|| OfflineError::Storage("no crypto.randomUUID".into()))?;
    db::put_json(database, META_STORE, "device_id", &id).await?;
    Ok(id)
}

/// Reloads the list the pages show.
pub async fn refresh(database: &Database, state: FieldSync) {
    if let Ok(entries) = outbox::all(database).await {
        state.entries.set(entries);
    }
}

pub fn online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// Sends what is due. One run at a time; a second call while one runs does nothing.
pub async fn run(database: &Database, state: FieldSync, force: bool) {
    state
        .run_alone(
            &RUNNING,
            run_once(database, state, force),
            refresh(database, state),
        )
        .await;
}

pub fn problem(e: ApiError) -> SyncProblem {
    match e {
        ApiError::Network => SyncProblem::Offline,
        ApiError::Server(body)
            if matches!(
                body.error.code,
                ErrorCode::Unauthenticated | ErrorCode::CsrfRejected
            ) =>
        {
            SyncProblem::SignIn
        }
        ApiError::Server(body) if body.error.code == ErrorCode::DeviceRevoked => {
            SyncProblem::Revoked
        }
        ApiError::Server(body) => SyncProblem::Failed(body.error.message),
    }
}

pub fn storage(e: OfflineError) -> SyncProblem {
    SyncProblem::Failed(format!("{e:?}"))
}

async fn run_once(database: &Database, state: FieldSync, force: bool) -> Result<(), SyncProblem> {
    if !online() {
        return Err(SyncProblem::Offline);
    }
    let device = device_id(database).await.map_err(storage)?;
    let now = js_sys::Date::now();
    let due: Vec<OutboxEntry> = outbox::all(database)
        .await
        .map_err(storage)?
        .into_iter()
        .filter(|e| e.state == EntryState::Pending && (force || e.next_attempt_ms <= now))
        .collect();
    // Leftovers of a run cut short after its confirmations.
    super::drop_unneeded_media(database)
        .await
        .map_err(storage)?;
    for chunk in due.chunks(BATCH) {
        if let Err(p) = send_chunk(database, &device, chunk).await {
            if p != SyncProblem::SignIn {
                back_off(database, chunk, &p).await;
            }
            refresh(database, state).await;
            return Err(p);
        }
        // Confirmed records' photos go before the list says they are synced.
        super::drop_unneeded_media(database)
            .await
            .map_err(storage)?;
        refresh(database, state).await;
    }
    Ok(())
}

async fn send_chunk(
    database: &Database,
    device: &str,
    chunk: &[OutboxEntry],
) -> Result<(), SyncProblem> {
    // Uploads and records are writes of a signed-in session: its CSRF token first.
    api::ensure_csrf().await.map_err(problem)?;
    upload_media(database, chunk.iter().flat_map(|e| e.media()), None).await?;
    let request = SyncRequest {
        device_id: device.to_owned(),
        records: chunk.iter().map(|e| e.record.clone()).collect(),
    };
    let response = api::field_sync(&request).await.map_err(problem)?;
    for result in response.results {
        let Some(mut entry) = outbox::get(database, &result.record_id)
            .await
            .map_err(storage)?
        else {
            continue;
        };
        // An edit made while this was in flight is a newer revision: it stays pending.
        if entry.record.revision() != result.revision {
            continue;
        }
        match result.status {
            SyncStatus::Stored | SyncStatus::AlreadyStored if result.media == entry.media() => {
                entry.state = EntryState::Synced;
                entry.message = None;
                entry.ticket_code = result.ticket_code;
            }
            SyncStatus::Stored | SyncStatus::AlreadyStored => {
                // Kept, and tried again: nothing is deleted on a mismatch.
                entry.message = Some("the server's media differ from this device's".into());
            }
            SyncStatus::Rejected => {
                entry.state = EntryState::Rejected;
                entry.message = result.message;
            }
        }
        entry.attempts = 0;
        outbox::put(database, &entry).await.map_err(storage)?;
    }
    Ok(())
}

/// Uploads the media among `ids` the server has not confirmed yet, from the resident's
/// device named by `device_secret` (staff and tablets are named by their session or
/// token). Each upload's id is the hash of what the server stored, and must be the
/// device's. A few at a time, so a slow link's round trips overlap instead of idling
/// between photos.
pub async fn upload_media<'a>(
    database: &Database,
    ids: impl IntoIterator<Item = &'a String>,
    device_secret: Option<&str>,
) -> Result<(), SyncProblem> {
    let mut waiting = Vec::new();
    for id in ids {
        // Gone means confirmed and dropped before: the server has it.
        if let Some(media) = db::get_media(database, id).await.map_err(storage)?
            && !media.uploaded
            && !waiting.iter().any(|m: &db::StoredMedia| &m.id == id)
        {
            waiting.push(media);
        }
    }
    for group in waiting.chunks(PARALLEL_UPLOADS) {
        let uploads = group
            .iter()
            .map(|m| api::upload_media(&m.blob, device_secret));
        let results = futures_util::future::join_all(uploads).await;
        for (media, result) in group.iter().zip(results) {
            let stored = result.map_err(problem)?;
            if stored.id != media.id {
                return Err(SyncProblem::Failed(format!(
                    "the server stored other bytes for {} ({})",
                    media.id, stored.id
                )));
            }
            let mut media = media.clone();
            media.uploaded = true;
            db::put_media(database, &media).await.map_err(storage)?;
        }
    }
    Ok(())
}

/// When to try again after `attempts` failures (ms since the epoch): exponentially
/// later, with jitter, at most 5 minutes.
pub fn next_attempt_ms(attempts: u32) -> f64 {
    let base = 1000.0 * 2f64.powi(attempts.min(20) as i32);
    let jitter = 0.5 + js_sys::Math::random();
    js_sys::Date::now() + (base * jitter).min(MAX_BACKOFF_MS)
}

async fn back_off(database: &Database, chunk: &[OutboxEntry], p: &SyncProblem) {
    for entry in chunk {
        let mut entry = entry.clone();
        entry.attempts += 1;
        entry.next_attempt_ms = next_attempt_ms(entry.attempts);
        if let SyncProblem::Failed(message) = p {
            entry.message = Some(message.clone());
        }
        let _ = outbox::put(database, &entry).await;
    }
}

/// Runs `run` once the page has rendered (in a task after this one), whenever the
/// network returns (forced: past any back-off), and every 30 seconds (for what has
/// waited out its back-off), while the calling component lives.
pub fn keep_running(run: impl Fn(bool) + Clone + 'static) {
    let first = run.clone();
    crate::later::spawn_after_render(async move { first(false) });
    let on_online = run.clone();
    let handle = window_event_listener(leptos::ev::online, move |_| on_online(true));
    let interval =
        set_interval_with_handle(move || run(false), std::time::Duration::from_secs(30)).ok();
    on_cleanup(move || {
        handle.remove();
        if let Some(interval) = interval {
            interval.clear();
        }
    });
}
