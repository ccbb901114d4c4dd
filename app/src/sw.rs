//! The service worker (public/sw.js) from the app's side: register it, notice when a
//! new release has been installed in the background, and switch to it on request.
//!
//! The worker caches the app shell so the app opens offline. A new release installs
//! next to the old one and waits; the page shows a banner, and "update now" tells the
//! waiting worker to take over, then reloads once it controls the page.

use std::cell::RefCell;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ServiceWorkerContainer, ServiceWorkerRegistration, ServiceWorkerState};

/// Whether a new release is waiting.
#[derive(Debug, Clone, Copy)]
pub struct UpdateState {
    pub ready: RwSignal<bool>,
}

impl UpdateState {
    pub fn new() -> Self {
        UpdateState {
            ready: RwSignal::new(false),
        }
    }
}

impl Default for UpdateState {
    fn default() -> Self {
        Self::new()
    }
}

thread_local! {
    static REGISTRATION: RefCell<Option<ServiceWorkerRegistration>> = const { RefCell::new(None) };
}

/// The page's service worker container; `None` outside secure contexts.
pub(crate) fn container() -> Option<ServiceWorkerContainer> {
    let navigator = web_sys::window()?.navigator();
    // Absent outside secure contexts (plain http on a LAN address).
    let present = js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false);
    present.then(|| navigator.service_worker())
}

/// Registers the app's worker, `{base}sw.js`, whose scope is `base` (each app has its
/// own worker and cache); a failure leaves the app working online only.
pub fn register(state: UpdateState, base: &'static str) {
    let Some(container) = container() else { return };
    // After the first render: installing the worker is not what the page waits for.
    crate::later::spawn_after_render(async move {
        let script = format!("{base}sw.js");
        let registration = match JsFuture::from(container.register(&script)).await {
            Ok(r) => r.unchecked_into::<ServiceWorkerRegistration>(),
            Err(err) => {
                leptos::logging::warn!("service worker not registered: {err:?}");
                return;
            }
        };
        // A release installed on an earlier visit may already be waiting.
        if registration.waiting().is_some() && container.controller().is_some() {
            state.ready.set(true);
        }
        let reg = registration.clone();
        let on_update_found = Closure::<dyn FnMut()>::new(move || {
            let Some(installing) = reg.installing() else {
                return;
            };
            let worker = installing.clone();
            let on_state = Closure::<dyn FnMut()>::new(move || {
                let controlled = self::container().and_then(|c| c.controller()).is_some();
                // Without a controller this is the first install, not an update.
                if worker.state() == ServiceWorkerState::Installed && controlled {
                    state.ready.set(true);
                }
            });
            installing.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
            on_state.forget();
        });
        registration.set_onupdatefound(Some(on_update_found.as_ref().unchecked_ref()));
        on_update_found.forget();
        REGISTRATION.with(|r| *r.borrow_mut() = Some(registration));
    });
}

/// Activates the waiting release and reloads into it.
pub fn apply_update() {
    let waiting = REGISTRATION.with(|r| r.borrow().as_ref().and_then(|r| r.waiting()));
    let (Some(waiting), Some(container)) = (waiting, container()) else {
        // Nothing waiting (another tab took it already): a reload gets the new release.
        reload();
        return;
    };
    let on_change = Closure::<dyn FnMut()>::new(reload);
    container.set_oncontrollerchange(Some(on_change.as_ref().unchecked_ref()));
    on_change.forget();
    let _ = waiting.post_message(&"skip-waiting".into());
}

fn reload() {
    if let Some(window) = web_sys::window() {
        let _ = window.location().reload();
    }
}
