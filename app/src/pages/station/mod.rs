//! Community stations (便民服务驿站): a shared tablet at the counter files complaints
//! on behalf of walk-in residents (帮办代办), mostly the elderly.
//!
//! The station app (`/station/`). The tablet is enrolled once to its station with an
//! admin's one-time code; from then on every program of the origin opens straight
//! into station mode ([`leave_if_enrolled`]). A station staff member signs in (signed out after
//! `staff_idle_minutes` without use); each resident is a separate session
//! ([`session::ResidentSession`]) that ends on "finish" or after
//! `resident_idle_seconds` without a touch, and ending it clears everything of that
//! resident from the page and the device (`offline::station::end_session`).

pub mod session;

use gridline_core::api::station::StationFilingsResponse;
use gridline_core::{ErrorCode, Role};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::components::ticket::{format_time, status_key};
use crate::i18n::{Key, Locale, use_i18n};
use crate::offline::station::{self, Enrollment, StationOutbox};
use crate::offline::sync::{SyncProblem, online};
use crate::pages::resident::reference::{provide_reference, use_reference};
use crate::pages::staff::{LoginForm, use_session};

/// What every part of the station page shares.
#[derive(Clone, Copy)]
struct Station {
    enrollment: RwSignal<Option<Enrollment>>,
    revoked: RwSignal<bool>,
    outbox: StationOutbox,
}

impl Station {
    /// Sends the queued filings (`force`: past any back-off).
    fn send(self, force: bool) {
        let Some(enrollment) = self.enrollment.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            if let Ok(database) = crate::offline::database().await {
                station::send(&database, &enrollment.token, self.outbox, force).await;
            }
        });
    }
}

fn is_revoked(error: &ApiError) -> bool {
    matches!(error, ApiError::Server(body) if body.error.code == ErrorCode::DeviceRevoked)
}

/// On a tablet enrolled to a station, the other programs lead to station mode: the
/// resident app would keep a walk-in's draft in the clear, and the field app is not
/// the counter's.
pub fn leave_if_enrolled() {
    crate::later::spawn_after_render(async move {
        if let Ok(database) = crate::offline::database().await
            && station::is_enrolled(&database).await
            && let Some(window) = web_sys::window()
        {
            let _ = window.location().replace("/station/");
        }
    });
}

#[component]
pub fn StationPage() -> impl IntoView {
    let i18n = use_i18n();
    provide_reference();
    let station = Station {
        enrollment: RwSignal::new(None),
        revoked: RwSignal::new(false),
        outbox: StationOutbox::new(),
    };
    let loaded = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        if let Ok(database) = crate::offline::database().await {
            station::refresh(&database, station.outbox).await;
            if let Ok(Some(enrollment)) = station::enrollment(&database).await {
                api::set_station_device(Some(enrollment.token.clone()));
                station.enrollment.set(Some(enrollment.clone()));
                if online() {
                    match station::refresh_enrollment(&database, &enrollment).await {
                        Ok(fresh) => station.enrollment.set(Some(fresh)),
                        Err(e) if is_revoked(&e) => station.revoked.set(true),
                        Err(_) => {}
                    }
                }
                station.send(true);
            }
        }
        loaded.set(true);
    });
    crate::offline::sync::keep_running(move |force| station.send(force));
    Effect::new(move |_| {
        if station.outbox.problem.get() == Some(SyncProblem::Revoked) {
            station.revoked.set(true);
        }
    });
    on_cleanup(|| api::set_station_device(None));
    view! {
        <section class="page station" data-testid="station">
            <h1>{move || i18n.t(Key::StationTitle)}</h1>
            {move || {
                if !loaded.get() {
                    view! { <p>{move || i18n.t(Key::Loading)}</p> }.into_any()
                } else if station.revoked.get() {
                    view! { <Revoked station /> }.into_any()
                } else if station.enrollment.with(Option::is_none) {
                    view! { <EnrollForm station /> }.into_any()
                } else {
                    view! { <Gate station /> }.into_any()
                }
            }}
        </section>
    }
}

/// A tablet an admin revoked (or the server does not know): said plainly, with the way
/// back. Queued filings stay: a new enrollment sends them.
#[component]
fn Revoked(station: Station) -> impl IntoView {
    let i18n = use_i18n();
    let enroll_again = move |_| {
        leptos::task::spawn_local(async move {
            if let Ok(database) = crate::offline::database().await {
                let _ = station::forget_enrollment(&database).await;
            }
            api::set_station_device(None);
            station.enrollment.set(None);
            station.revoked.set(false);
        });
    };
    view! {
        <div class="notice error-box" role="alert" data-testid="device-revoked">
            <p><strong>{move || i18n.t(Key::ErrDeviceRevoked)}</strong></p>
            {move || (station.outbox.waiting() > 0).then(|| view! {
                <p>{move || format!("{} {}", station.outbox.waiting(), i18n.t(Key::StationQueued))}</p>
            })}
            <button type="button" class="button large" on:click=enroll_again>
                {move || i18n.t(Key::ReEnroll)}
            </button>
        </div>
    }
}

#[component]
fn EnrollForm(station: Station) -> impl IntoView {
    let i18n = use_i18n();
    let code = RwSignal::new(String::new());
    let label = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        leptos::task::spawn_local(async move {
            let enrolled = match crate::offline::database().await {
                Ok(database) => {
                    station::enroll(&database, &code.get_untracked(), &label.get_untracked()).await
                }
                Err(_) => Err(ApiError::Network),
            };
            match enrolled {
                Ok(enrollment) => {
                    api::set_station_device(Some(enrollment.token.clone()));
                    station.enrollment.set(Some(enrollment));
                    station.send(true);
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <h2>{move || i18n.t(Key::StationEnrollTitle)}</h2>
        <p class="lead">{move || i18n.t(Key::StationEnrollIntro)}</p>
        <form class="form" on:submit=submit data-testid="enroll-form">
            <label>
                <span>{move || i18n.t(Key::EnrollCode)}</span>
                <input type="text" name="code" autocomplete="off" autocapitalize="characters"
                    required maxlength="40" bind:value=code />
            </label>
            <label>
                <span>{move || i18n.t(Key::DeviceLabel)}</span>
                <input type="text" name="label" maxlength="60" bind:value=label />
            </label>
            {move || error.get().map(|error| view! { <ErrorNotice error /> })}
            <button class="button primary large" type="submit" disabled=move || busy.get()>
                {move || i18n.t(Key::Enroll)}
            </button>
        </form>
    }
}

/// The station's staff member signs in before serving anyone.
#[component]
fn Gate(station: Station) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    move || {
        if session.has_any(&[Role::Station]) {
            view! { <Desk station /> }.into_any()
        } else if session.user.with(Option::is_some) {
            // Another kind of account: say so, and let the station's staff sign in.
            let sign_out = move |_| {
                leptos::task::spawn_local(async move {
                    let _ = api::logout().await;
                    session.set(None);
                });
            };
            view! {
                <p class="notice" data-testid="not-station">{move || i18n.t(Key::ErrForbidden)}</p>
                <button type="button" class="button large" on:click=sign_out>
                    {move || i18n.t(Key::SignOut)}
                </button>
            }
            .into_any()
        } else {
            view! {
                <p class="lead">{move || i18n.t(Key::StationSignIn)}</p>
                <LoginForm />
            }
            .into_any()
        }
    }
}

/// Milliseconds since the epoch.
fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// The counter: serving one resident at a time, today's filings between them. Watches
/// for idleness: a resident's session ends after the station's resident timeout, the
/// staff member is signed out after the (longer) staff timeout.
#[component]
fn Desk(station: Station) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let Some(enrollment) = station.enrollment.get_untracked() else {
        return ().into_any();
    };
    let info = enrollment.device.station.clone();
    // Some(n) while the n-th resident of this page is served.
    let serving = RwSignal::new(None::<u32>);
    let served = StoredValue::new(0u32);
    let cleared = RwSignal::new(false);
    let last_touch = StoredValue::new(now_ms());

    // Ends the resident's session: the form leaves the page first, then the device
    // forgets what was theirs, and the next resident starts in Chinese.
    let end_session = move || {
        // Only a session that is on: setting it again would redraw the start screen.
        if serving.try_get_untracked().flatten().is_some() {
            serving.set(None);
        }
        i18n.set_locale(Locale::ZhCn);
        leptos::task::spawn_local(async move {
            if let Ok(database) = crate::offline::database().await {
                let _ = station::end_session(&database).await;
            }
            // The desk may be gone meanwhile (signed out).
            cleared.try_set(true);
        });
    };
    let start = move |_| {
        served.update_value(|n| *n += 1);
        cleared.set(false);
        last_touch.set_value(now_ms());
        serving.set(Some(served.get_value()));
    };
    let sign_out = move || {
        end_session();
        leptos::task::spawn_local(async move {
            let _ = api::logout().await;
            session.set(None);
        });
    };

    for event in ["pointerdown", "keydown", "input", "touchstart"] {
        let handle = window_event_listener_untyped(event, move |_| {
            last_touch.try_update_value(|t| *t = now_ms());
        });
        on_cleanup(move || handle.remove());
    }
    let resident_ms = f64::from(info.resident_idle_seconds) * 1000.0;
    let staff_ms = f64::from(info.staff_idle_minutes) * 60_000.0;
    if let Ok(interval) = set_interval_with_handle(
        move || {
            let Some(touched) = last_touch.try_get_value() else {
                return;
            };
            let idle = now_ms() - touched;
            if idle >= staff_ms {
                sign_out();
            } else if idle >= resident_ms && serving.try_get_untracked().flatten().is_some() {
                end_session();
            }
        },
        std::time::Duration::from_millis(500),
    ) {
        on_cleanup(move || interval.clear());
    }

    let name = move || i18n.pick(&info.name_zh, &info.name_en).to_owned();
    view! {
        <p class="station-bar">
            <strong data-testid="station-name">{name}</strong>
            <span>{move || session.user.get().map(|u| u.display_name).unwrap_or_default()}</span>
            <button type="button" class="button small" on:click=move |_| sign_out()>
                {move || i18n.t(Key::SignOut)}
            </button>
        </p>
        {move || match serving.get() {
            // A new number is a new session: a new form.
            Some(_) => view! {
                <session::ResidentSession
                    enrollment=enrollment.clone()
                    outbox=station.outbox
                    on_finish=Callback::new(move |()| end_session())
                    on_send=Callback::new(move |()| station.send(true)) />
            }
            .into_any(),
            None => view! {
                <Show when=move || cleared.get()>
                    <p class="notice" role="status" data-testid="session-cleared">
                        {move || i18n.t(Key::StationSessionEnded)}
                    </p>
                </Show>
                <button type="button" class="button primary huge" data-testid="next-resident" on:click=start>
                    {move || i18n.t(Key::NextResident)}
                </button>
                <Today station />
            }
            .into_any(),
        }}
    }
    .into_any()
}

/// Today's filings of this station, masked, for residents who come back to ask; and
/// how many wait on this tablet to be sent.
#[component]
fn Today(station: Station) -> impl IntoView {
    let i18n = use_i18n();
    let reference = use_reference();
    let today = RwSignal::new(None::<Result<StationFilingsResponse, ApiError>>);
    let load = move || {
        let Some(enrollment) = station.enrollment.get_untracked() else {
            return;
        };
        if !online() {
            today.try_set(Some(Err(ApiError::Network)));
            return;
        }
        leptos::task::spawn_local(async move {
            let answer = api::station_filings(&enrollment.token).await;
            if let Err(e) = &answer
                && is_revoked(e)
            {
                station.revoked.set(true);
            }
            // The list may be gone meanwhile (a session started, or signed out).
            today.try_set(Some(answer));
        });
    };
    // Read now, after each run of the outbox (a filing may have been sent), when the
    // network returns, and every 30 seconds (statuses change on the server).
    Effect::new(move |_| {
        if !station.outbox.running.get() {
            load();
        }
    });
    let online = window_event_listener(leptos::ev::online, move |_| load());
    let interval = set_interval_with_handle(load, std::time::Duration::from_secs(30)).ok();
    on_cleanup(move || {
        online.remove();
        if let Some(interval) = interval {
            interval.clear();
        }
    });
    let matter = move |code: &str| {
        reference.with(|r| {
            r.matter(code)
                .map(|m| i18n.pick(&m.name_zh, &m.name_en).to_owned())
                .unwrap_or_else(|| code.to_owned())
        })
    };
    view! {
        <h2>{move || i18n.t(Key::StationToday)}</h2>
        {move || (station.outbox.waiting() > 0).then(|| view! {
            <p class="notice" data-testid="station-waiting">
                {move || format!("{} {}", station.outbox.waiting(), i18n.t(Key::StationQueued))}
            </p>
        })}
        {move || match today.get() {
            None => view! { <p>{move || i18n.t(Key::Loading)}</p> }.into_any(),
            Some(Err(ApiError::Network)) => {
                view! { <p class="hint">{move || i18n.t(Key::StationTodayOffline)}</p> }.into_any()
            }
            Some(Err(error)) => view! { <ErrorNotice error /> }.into_any(),
            Some(Ok(list)) if list.filings.is_empty() => {
                view! { <p class="hint">{move || i18n.t(Key::StationTodayEmpty)}</p> }.into_any()
            }
            Some(Ok(list)) => view! {
                <ul class="station-today" data-testid="station-today">
                    {list.filings.into_iter().map(|f| {
                        let status = status_key(f.status);
                        let code = f.matter_code.clone();
                        view! {
                            <li>
                                <span class="tracking-code">{f.tracking_code}</span>
                                <span>{move || matter(&code)}</span>
                                <span>{f.contact_name} " " {f.contact_phone}</span>
                                <span class="badge">{move || i18n.t(status)}</span>
                                <time>{format_time(f.filed_at)}</time>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
            .into_any(),
        }}
    }
}
