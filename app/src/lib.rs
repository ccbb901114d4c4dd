//! Gridline's app: one Leptos (CSR) program for residents, grid workers, community
//! stations and staff.
//!
//! - `i18n`: every string the UI shows, zh-CN first, English second.
//! - `components`: the shell (header, language switch, bottom navigation, update
//!   banner) and small reusable views.
//! - `pages`: one module per area (resident, worker, station, staff).
//! - `api`: typed calls to the server, reading its one error shape.
//! - `offline`: IndexedDB with versioned upgrades (later: the outbox and sync).
//! - `sw`: registers the service worker and tells when a new release is ready.

pub mod api;
pub mod components;
pub mod i18n;
pub mod offline;
pub mod pages;
pub mod sw;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::components::shell::Shell;
use crate::i18n::{Key, provide_i18n, use_i18n};

/// Mounts the app on the page.
pub fn start() {
    leptos::mount::mount_to_body(App);
}

/// The whole app: i18n, the shell and the routes of each area.
#[component]
pub fn App() -> impl IntoView {
    provide_i18n();
    let update = sw::UpdateState::new();
    provide_context(update);
    sw::register(update);
    view! {
        <Router>
            <Shell>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=pages::home::HomePage />
                    <Route path=path!("/resident") view=pages::resident::ResidentPage />
                    <Route path=path!("/worker") view=pages::worker::WorkerPage />
                    <Route path=path!("/station") view=pages::station::StationPage />
                    <Route path=path!("/staff") view=pages::staff::StaffPage />
                </Routes>
            </Shell>
        </Router>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! { <section class="page"><h1>{move || i18n.t(Key::NotFoundTitle)}</h1></section> }
}
