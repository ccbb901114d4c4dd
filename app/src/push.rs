//! Web Push from the app's side: ask the browser for permission (only when the person
//! taps "notify me", after filing or on a ticket's page, never on load), subscribe
//! through the service worker with the server's VAPID key, and hand the subscription to
//! the server, which pushes each step of the ticket (or, for staff, of their queues).
//! The service worker (public/sw.js) shows the notification; a tap opens the ticket.

use gridline_core::api::push::Subscription;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Notification, NotificationPermission, PushManager, ServiceWorkerRegistration};

use crate::api::{self, ApiError, Proof};
use crate::i18n::{Key, use_i18n};

/// Why notifications could not be turned on.
#[derive(Debug, Clone, PartialEq)]
pub enum PushError {
    /// The person (or the browser's settings) said no.
    Denied,
    /// The browser could not subscribe (no push service reachable, say).
    Browser,
    Api(ApiError),
}

/// Whether this browser can take push notifications at all (a secure context with a
/// service worker, the Push API and notifications).
pub fn supported() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let has = |name: &str| js_sys::Reflect::has(&window, &name.into()).unwrap_or(false);
    crate::sw::container().is_some() && has("PushManager") && has("Notification")
}

pub fn permission() -> NotificationPermission {
    Notification::permission()
}

async fn manager() -> Result<PushManager, PushError> {
    let container = crate::sw::container().ok_or(PushError::Browser)?;
    let ready = container.ready().map_err(|_| PushError::Browser)?;
    let registration: ServiceWorkerRegistration = JsFuture::from(ready)
        .await
        .map_err(|_| PushError::Browser)?
        .unchecked_into();
    registration.push_manager().map_err(|_| PushError::Browser)
}

/// This browser's subscription: asks for permission if it has not been given, and
/// subscribes with the server's key unless subscribed already.
pub async fn subscribe() -> Result<Subscription, PushError> {
    if permission() != NotificationPermission::Granted {
        let asked = Notification::request_permission().map_err(|_| PushError::Browser)?;
        let answer = JsFuture::from(asked).await.map_err(|_| PushError::Denied)?;
        if answer.as_string().as_deref() != Some("granted") {
            return Err(PushError::Denied);
        }
    }
    let manager = manager().await?;
    let existing = JsFuture::from(manager.get_subscription().map_err(|_| PushError::Browser)?)
        .await
        .map_err(|_| PushError::Browser)?;
    let subscription = if existing.is_null() || existing.is_undefined() {
        let key = api::push_key().await.map_err(PushError::Api)?;
        let key = crate::offline::seal::from_base64url(key.public_key.trim_end_matches('='))
            .ok_or(PushError::Browser)?;
        let options = web_sys::PushSubscriptionOptionsInit::new();
        options.set_user_visible_only(true);
        options.set_application_server_key(&js_sys::Uint8Array::from(key.as_slice()).into());
        let promise = manager
            .subscribe_with_options(&options)
            .map_err(|_| PushError::Browser)?;
        JsFuture::from(promise)
            .await
            .map_err(|_| PushError::Browser)?
    } else {
        existing
    };
    // `PushSubscription.toJSON()`: the endpoint and the keys, base64url.
    let json = js_sys::JSON::stringify(&subscription).map_err(|_| PushError::Browser)?;
    serde_json::from_str(&String::from(json)).map_err(|_| PushError::Browser)
}

/// Where a notify button stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Off,
    Working,
    On,
    Denied,
    Failed,
}

impl State {
    /// Off, unless the browser blocks notifications for this site already.
    fn initial() -> State {
        match permission() {
            NotificationPermission::Denied => State::Denied,
            _ => State::Off,
        }
    }

    fn after(result: Result<(), PushError>) -> State {
        match result {
            Ok(()) => State::On,
            Err(PushError::Denied) => State::Denied,
            Err(_) => State::Failed,
        }
    }
}

/// "Notify me of progress" for one ticket. Where permission was given before (an
/// earlier ticket), it follows this one at once, without asking again.
#[component]
pub fn NotifyButton(code: String, proof: Proof) -> impl IntoView {
    let i18n = use_i18n();
    if !supported() {
        return ().into_any();
    }
    let state = RwSignal::new(State::initial());
    let turn_on = move || {
        let (code, proof) = (code.clone(), proof.clone());
        state.set(State::Working);
        leptos::task::spawn_local(async move {
            let result = async {
                let subscription = subscribe().await?;
                api::follow_push(&subscription, &code, &proof, i18n.locale().tag())
                    .await
                    .map_err(PushError::Api)
            };
            state.set(State::after(result.await));
        });
    };
    if permission() == NotificationPermission::Granted {
        turn_on();
    }
    view! { <Notify state turn_on=Callback::new(move |()| turn_on()) label=Key::NotifyOn on=Key::NotifyEnabled /> }
        .into_any()
}

/// "Notify me of my queue" for the signed-in staff member. The server keeps it for
/// this session only (it ends at sign-out), so where permission was given before it
/// subscribes again at once for the new session.
#[component]
pub fn StaffNotifyButton() -> impl IntoView {
    let i18n = use_i18n();
    if !supported() {
        return ().into_any();
    }
    let state = RwSignal::new(State::initial());
    let turn_on = move || {
        state.set(State::Working);
        leptos::task::spawn_local(async move {
            let result = async {
                let subscription = subscribe().await?;
                // Opened with the console, this may run before the page has asked who
                // is signed in: without the token first, the write is refused once.
                api::ensure_csrf().await.map_err(PushError::Api)?;
                api::subscribe_staff_push(&subscription, i18n.locale().tag())
                    .await
                    .map_err(PushError::Api)
            };
            state.set(State::after(result.await));
        });
    };
    if permission() == NotificationPermission::Granted {
        turn_on();
    }
    view! { <Notify state turn_on=Callback::new(move |()| turn_on()) label=Key::StaffNotifyOn on=Key::StaffNotifyEnabled /> }
        .into_any()
}

#[component]
fn Notify(state: RwSignal<State>, turn_on: Callback<()>, label: Key, on: Key) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="notify" data-testid="notify">
            {move || match state.get() {
                State::Off | State::Failed => view! {
                    <button type="button" class="button" on:click=move |_| turn_on.run(())>
                        {move || i18n.t(label)}
                    </button>
                    {(state.get() == State::Failed).then(|| view! {
                        <p class="error" role="alert">{move || i18n.t(Key::NotifyFailed)}</p>
                    })}
                }.into_any(),
                State::Working => view! {
                    <p class="hint" role="status">{move || i18n.t(Key::NotifyWorking)}</p>
                }.into_any(),
                State::On => view! {
                    <p class="notice" role="status" data-testid="notify-on">{move || i18n.t(on)}</p>
                }.into_any(),
                State::Denied => view! {
                    <p class="hint" role="status">{move || i18n.t(Key::NotifyDenied)}</p>
                }.into_any(),
            }}
        </div>
    }
}
