//! Grid workers (网格员): patrols and findings, offline first. Everything is written to
//! IndexedDB (the outbox) before anything is sent; the sync loop sends it when there
//! is a network. The grids, the matter list and the grids' open tickets are kept on
//! the device, so a whole shift works without a network once signed in.

use gridline_core::Role;
use gridline_core::api::field::{Finding, Outcome, Patrol, SyncRecord, TrackPoint};
use gridline_core::api::reference::{Region, RegionMapResponse};
use gridline_core::api::ticket::TicketView;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::staff::RequireRole;
use crate::api;
use crate::components::ticket::StatusBadge;
use crate::components::voice::VoiceNote;
use crate::i18n::{Key, Locale, use_i18n};
use crate::offline::db::{self, META_STORE, StoredMedia};
use crate::offline::outbox::{self, EntryState, OutboxEntry};
use crate::offline::photo;
use crate::offline::sync::{self, FieldSync, SyncProblem};

#[component]
pub fn WorkerPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="page worker">
            <h1>{move || i18n.t(Key::WorkerTitle)}</h1>
            <p class="lead">{move || i18n.t(Key::WorkerIntro)}</p>
            <RequireRole roles=&[Role::GridWorker]>
                <Patrolling />
            </RequireRole>
        </section>
    }
}

/// A matter type as the worker's list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Matter {
    code: String,
    name_zh: String,
    name_en: String,
}

/// What the worker needs on the device for a shift, refreshed whenever online.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct FieldCache {
    grids: Vec<Region>,
    matters: Vec<Matter>,
    tickets: Vec<TicketView>,
    /// The grids' maps, so a place is tapped on them offline too (kept since issue 19;
    /// a cache kept before has none until the next refresh).
    #[serde(default)]
    maps: Vec<RegionMapResponse>,
}

const CACHE_KEY: &str = "field_cache";
const PATROL_KEY: &str = "patrol_current";
/// How often a position is taken while a patrol is open and the app is showing.
const TRACK_EVERY_MS: i32 = 60_000;

fn name(locale: Locale, zh: &str, en: &str) -> String {
    match locale {
        Locale::ZhCn => zh.to_owned(),
        Locale::En => en.to_owned(),
    }
}

async fn load_cache() -> FieldCache {
    let Ok(database) = crate::offline::database().await else {
        return FieldCache::default();
    };
    let cached: FieldCache = db::get_json(&database, META_STORE, CACHE_KEY)
        .await
        .ok()
        .flatten()
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default();
    // Online: refresh from the server and keep it; offline: what was kept.
    // Three small requests when the page opens, one after the other.
    let grids = api::field_grids().await;
    let catalogue = api::catalogue().await;
    let tickets = api::field_tickets().await;
    let (Ok(grids), Ok(catalogue), Ok(tickets)) = (grids, catalogue, tickets) else {
        return cached;
    };
    // Each grid's map, one request each (a worker patrols a few grids); one that cannot
    // be had keeps the map kept before, if any.
    let mut maps = Vec::new();
    for grid in &grids.regions {
        match api::region_map(&grid.code).await {
            Ok(map) => maps.push(map),
            Err(_) => maps.extend(cached.maps.iter().find(|m| m.code == grid.code).cloned()),
        }
    }
    let parents: Vec<String> = catalogue
        .matter_types
        .iter()
        .filter_map(|m| m.parent_code.clone())
        .collect();
    let fresh = FieldCache {
        grids: grids.regions,
        // The grid workers' list (巡查事项); a catalogue without one offers every leaf.
        matters: {
            let flagged = catalogue.matter_types.iter().any(|m| m.patrol);
            catalogue
                .matter_types
                .into_iter()
                .filter(|m| !parents.contains(&m.code) && (m.patrol || !flagged))
                .map(|m| Matter {
                    code: m.code,
                    name_zh: m.name_zh,
                    name_en: m.name_en,
                })
                .collect()
        },
        tickets: tickets.tickets,
        maps,
    };
    if let Ok(json) = serde_json::to_string(&fresh) {
        let _ = db::put_json(&database, META_STORE, CACHE_KEY, &json).await;
    }
    fresh
}

fn now() -> OffsetDateTime {
    let ms = js_sys::Date::now();
    OffsetDateTime::from_unix_timestamp_nanos((ms * 1_000_000.0) as i128)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn new_id() -> String {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .unwrap_or_else(|| format!("id-{}", js_sys::Date::now()))
}

fn start_sync(state: FieldSync) {
    sync::keep_running(move |force| {
        leptos::task::spawn_local(async move {
            if let Ok(database) = crate::offline::database().await {
                sync::run(&database, state, force).await;
            }
        });
    });
}

/// Asks the browser to keep the data (not evict it under storage pressure) and reads
/// how much is used.
async fn persist_storage(persisted: RwSignal<Option<bool>>, used: RwSignal<Option<f64>>) {
    let Some(storage) = web_sys::window().map(|w| w.navigator().storage()) else {
        return;
    };
    if let Ok(promise) = storage.persist()
        && let Ok(value) = wasm_bindgen_futures::JsFuture::from(promise).await
    {
        persisted.set(value.as_bool());
    }
    if let Ok(promise) = storage.estimate()
        && let Ok(value) = wasm_bindgen_futures::JsFuture::from(promise).await
    {
        let estimate: web_sys::StorageEstimate = value.into();
        used.set(estimate.get_usage());
    }
}

#[component]
fn Patrolling() -> impl IntoView {
    let i18n = use_i18n();
    let state = FieldSync::new();
    provide_context(state);
    let cache = RwSignal::new(FieldCache::default());
    let patrol = RwSignal::new(None::<Patrol>);
    let persisted = RwSignal::new(None::<bool>);
    let used = RwSignal::new(None::<f64>);
    let verifying = RwSignal::new(None::<TicketView>);
    leptos::task::spawn_local(async move {
        cache.set(load_cache().await);
        if let Ok(database) = crate::offline::database().await {
            let current = db::get_json(&database, META_STORE, PATROL_KEY)
                .await
                .ok()
                .flatten()
                .and_then(|json| serde_json::from_str::<Patrol>(&json).ok());
            patrol.set(current);
            sync::refresh(&database, state).await;
        }
        persist_storage(persisted, used).await;
    });
    start_sync(state);
    // While a patrol is open and the page shows, a position now and then.
    let tracker = set_interval_with_handle(
        move || {
            if patrol.with_untracked(Option::is_some) {
                leptos::task::spawn_local(add_track_point(patrol));
            }
        },
        std::time::Duration::from_millis(TRACK_EVERY_MS as u64),
    )
    .ok();
    on_cleanup(move || {
        if let Some(t) = tracker {
            t.clear();
        }
    });
    view! {
        <SyncBar />
        <PatrolPanel cache patrol />
        <FindingForm cache patrol verifying />
        <OpenTickets cache verifying />
        <Outbox cache />
        <p class="storage" data-testid="storage">
            {move || used.get().map(|bytes| format!("{} {:.1} MB", i18n.t(Key::StorageUsed), bytes / 1_048_576.0))}
            " "
            {move || match persisted.get() {
                Some(true) => i18n.t(Key::StoragePersisted),
                Some(false) => i18n.t(Key::StorageNotPersisted),
                None => "",
            }}
        </p>
    }
}

async fn add_track_point(patrol: RwSignal<Option<Patrol>>) {
    let Some(fix) = crate::position::current(10_000).await else {
        return;
    };
    let Some(mut current) = patrol.get_untracked() else {
        return;
    };
    current.track.push(TrackPoint {
        at: now(),
        lon: fix.lon,
        lat: fix.lat,
        accuracy_m: Some(fix.accuracy),
    });
    save_patrol_locally(&current).await;
    patrol.set(Some(current));
}

async fn save_patrol_locally(current: &Patrol) {
    if let (Ok(database), Ok(json)) = (
        crate::offline::database().await,
        serde_json::to_string(current),
    ) {
        let _ = db::put_json(&database, META_STORE, PATROL_KEY, &json).await;
    }
}

/// Writes a record to the outbox (with its media) and asks the loop to send it.
async fn keep(state: FieldSync, record: SyncRecord, media: Vec<StoredMedia>) -> Result<(), String> {
    let database = crate::offline::database()
        .await
        .map_err(|e| format!("{e:?}"))?;
    match outbox::get(&database, record.record_id()).await {
        // A new revision of a kept record replaces it and is sent again.
        Ok(Some(mut entry)) => {
            entry.record = record;
            entry.state = EntryState::Pending;
            entry.attempts = 0;
            entry.next_attempt_ms = 0.0;
            outbox::put(&database, &entry)
                .await
                .map_err(|e| format!("{e:?}"))?;
        }
        _ => {
            outbox::add(&database, record, &media)
                .await
                .map_err(|e| format!("{e:?}"))?;
        }
    }
    sync::refresh(&database, state).await;
    leptos::task::spawn_local(async move {
        sync::run(&database, state, true).await;
    });
    Ok(())
}

#[component]
fn SyncBar() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_context::<FieldSync>().expect("provided by Patrolling");
    let session = super::staff::use_session();
    // The server ended the session: sign in again (the records stay on the device, and
    // the loop goes on once signed in).
    Effect::new(move |_| {
        if state.problem.get() == Some(SyncProblem::SignIn) {
            session.expire();
        }
    });
    let sync_now = move |_| {
        leptos::task::spawn_local(async move {
            if let Ok(database) = crate::offline::database().await {
                sync::run(&database, state, true).await;
            }
        });
    };
    view! {
        <div class="sync-bar" data-testid="sync-bar">
            <span data-testid="waiting">
                {move || format!("{} {}", i18n.t(Key::WaitingToSync), state.waiting())}
            </span>
            {move || state.problem.get().map(|p| {
                let key = match p {
                    SyncProblem::Offline => Key::SyncOffline,
                    SyncProblem::SignIn => Key::SyncSignIn,
                    SyncProblem::Failed(_) => Key::SyncFailed,
                    SyncProblem::Revoked => Key::ErrDeviceRevoked,
                };
                view! { <span class="notice" data-testid="sync-problem">{move || i18n.t(key)}</span> }
            })}
            <button class="button small" on:click=sync_now disabled=move || state.running.get()>
                {move || if state.running.get() { i18n.t(Key::Syncing) } else { i18n.t(Key::SyncNow) }}
            </button>
        </div>
    }
}

#[component]
fn GridSelect(cache: RwSignal<FieldCache>, value: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label>
            <span>{move || i18n.t(Key::Grid)}</span>
            <select name="grid" bind:value=value>
                <option value="">{move || i18n.t(Key::ChooseGrid)}</option>
                {move || cache.with(|c| c.grids.iter().map(|g| {
                    let label = name(i18n.locale(), &g.name_zh, &g.name_en);
                    view! { <option value=g.code.clone()>{label}</option> }
                }).collect_view())}
            </select>
        </label>
    }
}

#[component]
fn PatrolPanel(cache: RwSignal<FieldCache>, patrol: RwSignal<Option<Patrol>>) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_context::<FieldSync>().expect("provided by Patrolling");
    let grid = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let start = move |_| {
        let grid_code = grid.get_untracked();
        if grid_code.is_empty() {
            error.set(Some(i18n.t(Key::ChooseGrid).to_owned()));
            return;
        }
        leptos::task::spawn_local(async move {
            let mut record = Patrol {
                record_id: new_id(),
                revision: 1,
                grid_code,
                started_at: now(),
                ended_at: None,
                track: Vec::new(),
            };
            if let Some(fix) = crate::position::current(10_000).await {
                record.track.push(TrackPoint {
                    at: now(),
                    lon: fix.lon,
                    lat: fix.lat,
                    accuracy_m: Some(fix.accuracy),
                });
            }
            save_patrol_locally(&record).await;
            let result = keep(state, SyncRecord::Patrol(record.clone()), Vec::new()).await;
            error.set(result.err());
            patrol.set(Some(record));
        });
    };
    let end = move |_| {
        let Some(mut record) = patrol.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            record.revision += 1;
            record.ended_at = Some(now());
            let result = keep(state, SyncRecord::Patrol(record), Vec::new()).await;
            error.set(result.err());
            if let Ok(database) = crate::offline::database().await {
                let _ = db::delete_json(&database, META_STORE, PATROL_KEY).await;
            }
            patrol.set(None);
        });
    };
    view! {
        <div class="patrol" data-testid="patrol">
            <h2>{move || i18n.t(Key::PatrolTitle)}</h2>
            {move || match patrol.get() {
                Some(p) => {
                    let grid_name = cache.with(|c| c.grids.iter().find(|g| g.code == p.grid_code)
                        .map(|g| name(i18n.locale(), &g.name_zh, &g.name_en))
                        .unwrap_or_else(|| p.grid_code.clone()));
                    view! {
                        <p data-testid="patrol-open">
                            {move || i18n.t(Key::PatrolOpen)} " " {grid_name} " · "
                            {p.track.len()} " " {move || i18n.t(Key::Positions)}
                        </p>
                        <button class="button" on:click=end>{move || i18n.t(Key::EndPatrol)}</button>
                    }.into_any()
                }
                None => view! {
                    <div class="form inline">
                        <GridSelect cache value=grid />
                        <button class="button primary" on:click=start>{move || i18n.t(Key::StartPatrol)}</button>
                    </div>
                }.into_any(),
            }}
            {move || error.get().map(|e| view! { <p class="notice">{e}</p> })}
        </div>
    }
}

#[component]
fn FindingForm(
    cache: RwSignal<FieldCache>,
    patrol: RwSignal<Option<Patrol>>,
    verifying: RwSignal<Option<TicketView>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_context::<FieldSync>().expect("provided by Patrolling");
    let grid = RwSignal::new(String::new());
    let matter = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let outcome = RwSignal::new(String::from("solved_on_spot"));
    let photos = NodeRef::<leptos::html::Input>::new();
    let clip = RwSignal::new(None::<web_sys::Blob>);
    let saving = RwSignal::new(false);
    let message = RwSignal::new(None::<Key>);
    // A place tapped on the grid's map; else the phone's position when saved. Another
    // grid forgets it.
    let picked = RwSignal::new(None::<crate::position::Fix>);
    Effect::new(move |_| {
        grid.track();
        picked.set(None);
    });
    // The patrol's grid, or the verified ticket's, unless the worker chose another.
    Effect::new(move |_| {
        if let Some(t) = verifying.get() {
            grid.set(t.region_code.clone().unwrap_or_default());
            matter.set(t.matter_code.clone());
            outcome.set("verification".into());
        } else if let Some(p) = patrol.get()
            && grid.get_untracked().is_empty()
        {
            grid.set(p.grid_code);
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if grid.get_untracked().is_empty() || matter.get_untracked().is_empty() {
            message.set(Some(Key::FindingIncomplete));
            return;
        }
        let files = photos.get_untracked().and_then(|i| i.files());
        saving.set(true);
        leptos::task::spawn_local(async move {
            let draft = Draft {
                grid_code: grid.get_untracked(),
                matter_code: matter.get_untracked(),
                note: note.get_untracked(),
                outcome: outcome.get_untracked(),
                ticket_code: verifying.get_untracked().map(|t| t.tracking_code),
                patrol_id: patrol.get_untracked().map(|p| p.record_id),
                picked: picked.get_untracked(),
            };
            let result = save_finding(state, draft, files, clip.get_untracked()).await;
            saving.set(false);
            match result {
                Ok(()) => {
                    message.set(Some(Key::FindingSaved));
                    note.set(String::new());
                    clip.set(None);
                    verifying.set(None);
                    picked.set(None);
                    outcome.set("solved_on_spot".into());
                    if let Some(input) = photos.get_untracked() {
                        input.set_value("");
                    }
                }
                Err(key) => message.set(Some(key)),
            }
        });
    };
    view! {
        <form class="form finding" on:submit=save novalidate data-testid="finding-form">
            <h2>{move || i18n.t(Key::NewFinding)}</h2>
            {move || verifying.get().map(|t| view! {
                <p class="notice" data-testid="verifying">{move || i18n.t(Key::Verifying)} " " {t.tracking_code.clone()}</p>
            })}
            <GridSelect cache value=grid />
            <crate::components::grid_map::GridMap grid=grid point=picked
                on_pick=Callback::new(move |fix| picked.set(Some(fix)))
                kept=Callback::new(move |code: String| {
                    cache.with_untracked(|c| c.maps.iter().find(|m| m.code == code).cloned())
                }) />
            <label>
                <span>{move || i18n.t(Key::Matter)}</span>
                <select name="matter" bind:value=matter>
                    <option value="">{move || i18n.t(Key::ChooseMatter)}</option>
                    {move || cache.with(|c| c.matters.iter().map(|m| {
                        let label = format!("{} {}", m.code, name(i18n.locale(), &m.name_zh, &m.name_en));
                        view! { <option value=m.code.clone()>{label}</option> }
                    }).collect_view())}
                </select>
            </label>
            <label>
                <span>{move || i18n.t(Key::Note)}</span>
                <textarea name="note" rows="3" maxlength="4000" bind:value=note></textarea>
            </label>
            <label>
                <span>{move || i18n.t(Key::Photos)}</span>
                <input type="file" name="photos" accept="image/*" multiple node_ref=photos />
            </label>
            <VoiceNote clip />
            <fieldset class="outcome" disabled=move || verifying.with(Option::is_some)>
                <label class="check">
                    <input type="radio" name="outcome" value="solved_on_spot" bind:group=outcome />
                    <span>{move || i18n.t(Key::SolvedOnSpot)}</span>
                </label>
                <label class="check">
                    <input type="radio" name="outcome" value="report_upward" bind:group=outcome />
                    <span>{move || i18n.t(Key::ReportUpward)}</span>
                </label>
            </fieldset>
            {move || message.get().map(|key| view! { <p class="notice" data-testid="finding-message">{move || i18n.t(key)}</p> })}
            <button class="button primary" type="submit" disabled=move || saving.get()>
                {move || if saving.get() { i18n.t(Key::Saving) } else { i18n.t(Key::SaveFinding) }}
            </button>
        </form>
    }
}

/// What the finding form holds when saved.
struct Draft {
    grid_code: String,
    matter_code: String,
    note: String,
    outcome: String,
    ticket_code: Option<String>,
    patrol_id: Option<String>,
    /// A place tapped on the grid's map.
    picked: Option<crate::position::Fix>,
}

async fn save_finding(
    state: FieldSync,
    draft: Draft,
    files: Option<web_sys::FileList>,
    clip: Option<web_sys::Blob>,
) -> Result<(), Key> {
    let Draft {
        grid_code,
        matter_code,
        note,
        outcome,
        ticket_code,
        patrol_id,
        picked,
    } = draft;
    let mut media = Vec::new();
    if let Some(files) = files {
        for i in 0..files
            .length()
            .min(gridline_core::api::media::MAX_PHOTOS as u32)
        {
            let Some(file) = files.get(i) else { continue };
            let blob = photo::prepare(&file)
                .await
                .map_err(|_| Key::PhotoUnreadable)?;
            let id = photo::sha256_hex(&blob)
                .await
                .map_err(|_| Key::PhotoUnreadable)?;
            if media.iter().any(|m: &StoredMedia| m.id == id) {
                continue;
            }
            media.push(StoredMedia::new(id, "image/jpeg".into(), blob));
        }
    }
    if let Some(blob) = clip {
        let id = photo::sha256_hex(&blob)
            .await
            .map_err(|_| Key::SaveFailed)?;
        media.push(StoredMedia::new(id, blob.type_(), blob));
    }
    let fix = match picked {
        Some(fix) => Some(fix),
        None => crate::position::current(5_000).await,
    };
    let outcome = match outcome.as_str() {
        "report_upward" => Outcome::ReportUpward,
        "verification" => Outcome::Verification,
        _ => Outcome::SolvedOnSpot,
    };
    let record = Finding {
        record_id: new_id(),
        revision: 1,
        patrol_id,
        grid_code,
        matter_code,
        note: note.trim().to_owned(),
        lon: fix.as_ref().map(|f| f.lon),
        lat: fix.as_ref().map(|f| f.lat),
        accuracy_m: fix.as_ref().map(|f| f.accuracy),
        observed_at: now(),
        outcome,
        ticket_code: if outcome == Outcome::Verification {
            ticket_code
        } else {
            None
        },
        media: media.iter().map(|m| m.id.clone()).collect(),
    };
    keep(state, SyncRecord::Finding(record), media)
        .await
        .map_err(|_| Key::SaveFailed)
}

#[component]
fn OpenTickets(
    cache: RwSignal<FieldCache>,
    verifying: RwSignal<Option<TicketView>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="field-tickets">
            <h2>{move || i18n.t(Key::OpenTicketsInGrids)}</h2>
            {move || {
                let tickets = cache.with(|c| c.tickets.clone());
                if tickets.is_empty() {
                    return view! { <p class="empty">{move || i18n.t(Key::QueueEmpty)}</p> }.into_any();
                }
                view! {
                    <ul class="queue">
                        {tickets.into_iter().map(|t| {
                            let chosen = t.clone();
                            view! {
                                <li class="queue-row" data-code=t.tracking_code.clone()>
                                    <div>
                                        <span class="code">{t.tracking_code.clone()}</span>
                                        <StatusBadge status=t.status overdue=t.overdue />
                                        <span class="address">{t.description.clone()}</span>
                                        <button class="button small" on:click=move |_| verifying.set(Some(chosen.clone()))>
                                            {move || i18n.t(Key::Verify)}
                                        </button>
                                    </div>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </div>
    }
}

fn state_key(entry: &OutboxEntry, online: bool) -> Key {
    match entry.state {
        EntryState::Synced => Key::StateSynced,
        EntryState::Rejected => Key::StateRejected,
        EntryState::Pending if online => Key::StateSending,
        EntryState::Pending => Key::StateWaiting,
    }
}

#[component]
fn Outbox(cache: RwSignal<FieldCache>) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_context::<FieldSync>().expect("provided by Patrolling");
    // Keyed rows: a row is rebuilt only when its entry changes, so an edit form open in
    // one row survives the loop's refreshes.
    let rows = move || {
        let online = state.problem.get() != Some(SyncProblem::Offline);
        state
            .entries
            .get()
            .into_iter()
            .rev()
            .map(|entry| (state_key(&entry, online), entry))
            .collect::<Vec<_>>()
    };
    view! {
        <div class="outbox">
            <h2>{move || i18n.t(Key::MyRecords)}</h2>
            <ul class="records" data-testid="outbox">
                <For
                    each=rows
                    key=|(key, entry)| (*key, serde_json::to_string(entry).unwrap_or_default())
                    children=move |(key, entry)| view! { <OutboxRow key entry cache /> }
                />
            </ul>
        </div>
    }
}

#[component]
fn OutboxRow(key: Key, entry: OutboxEntry, cache: RwSignal<FieldCache>) -> impl IntoView {
    let i18n = use_i18n();
    let (label, photos) = match &entry.record {
        SyncRecord::Finding(f) => {
            let code = f.matter_code.clone();
            let note = f.note.clone();
            let label = move || {
                let matter = cache.with(|c| {
                    c.matters
                        .iter()
                        .find(|m| m.code == code)
                        .map(|m| name(i18n.locale(), &m.name_zh, &m.name_en))
                        .unwrap_or_else(|| code.clone())
                });
                format!("{matter} {note}")
            };
            (label.into_any(), f.media.len())
        }
        SyncRecord::Patrol(p) => {
            let grid = p.grid_code.clone();
            (
                (move || format!("{} {grid}", i18n.t(Key::PatrolTitle))).into_any(),
                0,
            )
        }
    };
    let editable = match &entry.record {
        SyncRecord::Finding(f) => Some(f.clone()),
        SyncRecord::Patrol(_) => None,
    };
    view! {
        <li data-state=format!("{:?}", entry.state).to_lowercase() data-kind=entry.record.kind()
            data-revision=entry.record.revision()>
            <span class="badge">{move || i18n.t(key)}</span>
            <span>{label}</span>
            {(photos > 0).then(|| view! { <span class="unit">{format!("📷 {photos}")}</span> })}
            {entry.ticket_code.clone().map(|c| view! { <span class="code">{c}</span> })}
            {entry.message.clone().map(|m| view! { <p class="notice">{m}</p> })}
            {editable.map(|finding| view! { <EditFinding finding /> })}
        </li>
    }
}

/// Changes a kept finding's note or outcome: a new revision of the same record, sent
/// like any other (the server keeps both and the newer one counts).
#[component]
fn EditFinding(finding: Finding) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_context::<FieldSync>().expect("provided by Patrolling");
    let open = RwSignal::new(false);
    let note = RwSignal::new(finding.note.clone());
    let outcome = RwSignal::new(
        match finding.outcome {
            Outcome::ReportUpward => "report_upward",
            Outcome::Verification => "verification",
            Outcome::SolvedOnSpot => "solved_on_spot",
        }
        .to_owned(),
    );
    let verification = finding.outcome == Outcome::Verification;
    let finding = StoredValue::new(finding);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut edited = finding.get_value();
        edited.revision += 1;
        edited.note = note.get_untracked().trim().to_owned();
        if !verification {
            edited.outcome = if outcome.get_untracked() == "report_upward" {
                Outcome::ReportUpward
            } else {
                Outcome::SolvedOnSpot
            };
        }
        leptos::task::spawn_local(async move {
            if keep(state, SyncRecord::Finding(edited), Vec::new())
                .await
                .is_ok()
            {
                open.set(false);
            }
        });
    };
    view! {
        <button type="button" class="button small" on:click=move |_| open.update(|o| *o = !*o)>
            {move || i18n.t(Key::Edit)}
        </button>
        <Show when=move || open.get()>
            <form class="form" on:submit=save novalidate data-testid="edit-finding">
                <label>
                    <span>{move || i18n.t(Key::Note)}</span>
                    <textarea name="note" rows="2" maxlength="4000" bind:value=note></textarea>
                </label>
                <fieldset class="outcome" disabled=verification>
                    <label class="check">
                        <input type="radio" value="solved_on_spot" bind:group=outcome />
                        <span>{move || i18n.t(Key::SolvedOnSpot)}</span>
                    </label>
                    <label class="check">
                        <input type="radio" value="report_upward" bind:group=outcome />
                        <span>{move || i18n.t(Key::ReportUpward)}</span>
                    </label>
                </fieldset>
                <button class="button primary" type="submit">{move || i18n.t(Key::SaveChanges)}</button>
            </form>
        </Show>
    }
}
