//! Gridline's apps: six Leptos (CSR) programs built from this one library, each with
//! its own bundle budget (scripts/bundle-size.sh). Link-time optimisation drops from
//! each bundle the pages the others use.
//!
//! - The **resident app** (`src/main.rs`, served at `/`): file and follow complaints.
//!   Residents are on cheap phones and weak networks, so it carries nothing else.
//! - The **staff app** (`src/bin/gridline-staff.rs`, served at `/staff/`): the office
//!   consoles of unit handlers, dispatchers and supervisors.
//! - The **field app** (`src/bin/gridline-field.rs`, served at `/field/`): grid
//!   workers' patrols, on phones, offline.
//! - The **station app** (`src/bin/gridline-station.rs`, served at `/station/`): a
//!   community station's shared tablet filing for walk-in residents, offline.
//! - The **statistics app** (`src/bin/gridline-stats.rs`, served at `/stats/`): the
//!   units' ranking, the tickets behind each number, reports and hotspots, for
//!   supervisors, dispatchers and admins.
//! - The **hotline console** (`src/bin/gridline-hotline.rs`, served at `/hotline/`): a
//!   12345 operator's seat, where calls pop up and are answered or filed, and the
//!   knowledge base its answers come from, kept by admins and the units.
//!
//! Staff sign in once for every staff program (one session cookie for the origin).
//!
//! Modules:
//! - `i18n`: every string the UI shows, zh-CN first, English second.
//! - `components`: the shell (header, language switch, bottom navigation, update
//!   banner) and small reusable views.
//! - `pages`: one module per area (resident, worker, station, staff).
//! - `api`: typed calls to the server, reading its one error shape.
//! - `offline`: IndexedDB with versioned upgrades, the outboxes (field records,
//!   complaints) and their sending.
//! - `sw`: registers the service worker and tells when a new release is ready.
//! - `later`: start-up work after the first render, in tasks of its own.

pub mod api;
pub mod components;
pub mod i18n;
pub mod later;
pub mod offline;
pub mod pages;
pub mod position;
pub mod push;
pub mod sw;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{Lazy, path};

use crate::components::shell::{NavItem, Shell};
use crate::i18n::{Key, provide_i18n, use_i18n};
use crate::pages::resident::lazy;

/// Where the staff app is served (its router base and service worker scope). Links
/// inside the staff app spell it out (`/staff/tickets`).
pub const STAFF_BASE: &str = "/staff";
/// Where the field app is served.
pub const FIELD_BASE: &str = "/field";
/// Where the station app is served.
pub const STATION_BASE: &str = "/station";
/// Where the statistics app is served.
pub const STATS_BASE: &str = "/stats";
/// Where the hotline console is served.
pub const HOTLINE_BASE: &str = "/hotline";

/// Mounts the resident app on the page.
pub fn start_resident() {
    leptos::mount::mount_to_body(ResidentApp);
}

/// Mounts the staff app on the page.
pub fn start_staff() {
    leptos::mount::mount_to_body(StaffApp);
}

/// Mounts the field app on the page.
pub fn start_field() {
    leptos::mount::mount_to_body(FieldApp);
}

/// Mounts the statistics app on the page.
pub fn start_stats() {
    leptos::mount::mount_to_body(StatsApp);
}

/// Mounts the hotline console on the page.
pub fn start_hotline() {
    leptos::mount::mount_to_body(HotlineApp);
}

/// Mounts the station app on the page.
pub fn start_station() {
    leptos::mount::mount_to_body(StationApp);
}

fn provide_app_context(scope: &'static str) {
    provide_i18n();
    let update = sw::UpdateState::new();
    provide_context(update);
    sw::register(update, scope);
}

const RESIDENT_NAV: &[NavItem] = &[
    NavItem::new("/", Key::NavHome, true),
    NavItem::new("/file", Key::NavFile, false),
    NavItem::new("/mine", Key::NavMine, false),
    NavItem::new("/track", Key::NavTrack, false),
];

/// The resident app: start page, filing, the device's complaints, following one.
#[component]
pub fn ResidentApp() -> impl IntoView {
    provide_app_context("/");
    pages::station::leave_if_enrolled();
    pages::resident::reference::provide_reference();
    pages::resident::provide_outbox();
    view! {
        <Router>
            <Shell nav=RESIDENT_NAV>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=pages::resident::ResidentHome />
                    <Route path=path!("/file") view={Lazy::<lazy::FileRoute>::new()} />
                    <Route path=path!("/mine") view={Lazy::<lazy::MineRoute>::new()} />
                    <Route path=path!("/mine/:id") view={Lazy::<lazy::ComplaintRoute>::new()} />
                    <Route path=path!("/track") view={Lazy::<lazy::TrackRoute>::new()} />
                    <Route path=path!("/track/:code") view={Lazy::<lazy::TrackRoute>::new()} />
                </Routes>
            </Shell>
        </Router>
    }
}

// Links carry the base: the router strips it when matching, but `A` does not add it.
const STAFF_NAV: &[NavItem] = &[
    NavItem::new("/staff/", Key::NavStaff, true),
    NavItem::new("/staff/tickets", Key::NavTickets, false),
];

/// The staff app: sign-in and the ticket consoles.
#[component]
pub fn StaffApp() -> impl IntoView {
    provide_app_context("/staff/");
    pages::staff::provide_session(STAFF_BASE);
    pages::staff::reference::provide_reference();
    view! {
        <Router base=STAFF_BASE>
            <Shell nav=STAFF_NAV>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=pages::staff::StaffPage />
                    <Route path=path!("/tickets") view=pages::staff::console::ConsolePage />
                    <Route path=path!("/tickets/:code") view=pages::staff::ticket::StaffTicketPage />
                </Routes>
            </Shell>
        </Router>
    }
}

const FIELD_NAV: &[NavItem] = &[
    NavItem::new("/field/", Key::NavStaff, true),
    NavItem::new("/field/worker", Key::NavWorker, false),
];

/// The field app: sign-in, grid workers' patrols.
#[component]
pub fn FieldApp() -> impl IntoView {
    provide_app_context("/field/");
    pages::station::leave_if_enrolled();
    pages::staff::provide_session(FIELD_BASE);
    view! {
        <Router base=FIELD_BASE>
            <Shell nav=FIELD_NAV>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=pages::staff::StaffPage />
                    <Route path=path!("/worker") view=pages::worker::WorkerPage />
                </Routes>
            </Shell>
        </Router>
    }
}

const STATS_NAV: &[NavItem] = &[
    NavItem::new("/stats/", Key::NavStaff, true),
    NavItem::new("/stats/ranking", Key::NavStats, false),
    NavItem::new("/stats/figures", Key::FiguresTitle, false),
    NavItem::new("/stats/reports", Key::ReportsTitle, false),
    NavItem::new("/stats/hotspots", Key::HotspotsTitle, false),
    NavItem::new("/stats/topics", Key::TopicsTitle, false),
];

/// The statistics app: sign-in, the ranking with its drill-down, reports, hotspots.
#[component]
pub fn StatsApp() -> impl IntoView {
    provide_app_context("/stats/");
    pages::staff::provide_session(STATS_BASE);
    pages::staff::reference::provide_reference();
    view! {
        <Router base=STATS_BASE>
            <Shell nav=STATS_NAV>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=pages::staff::StaffPage />
                    <Route path=path!("/ranking") view=pages::stats::DashboardPage />
                    <Route path=path!("/figures") view=pages::stats::figures::FiguresPage />
                    <Route path=path!("/reports") view=pages::stats::reports::ReportsPage />
                    <Route path=path!("/hotspots") view=pages::stats::hotspots::HotspotsPage />
                    <Route path=path!("/topics") view=pages::stats::topics::TopicsPage />
                </Routes>
            </Shell>
        </Router>
    }
}

const HOTLINE_NAV: &[NavItem] = &[
    NavItem::new("/hotline/", Key::NavStaff, true),
    NavItem::new("/hotline/calls", Key::NavHotline, false),
    NavItem::new("/hotline/knowledge", Key::NavKnowledge, false),
];

/// The hotline console: sign-in, the operator's seat, the knowledge base.
#[component]
pub fn HotlineApp() -> impl IntoView {
    provide_app_context("/hotline/");
    pages::staff::provide_session(HOTLINE_BASE);
    // The filing form's matter types and grids, as residents choose them.
    pages::resident::reference::provide_reference();
    // The units' names, for the knowledge base's keepers.
    pages::staff::reference::provide_reference();
    view! {
        <Router base=HOTLINE_BASE>
            <Shell nav=HOTLINE_NAV>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=pages::staff::StaffPage />
                    <Route path=path!("/calls") view=pages::hotline::HotlinePage />
                    <Route path=path!("/knowledge") view=pages::hotline::knowledge::KnowledgePage />
                </Routes>
            </Shell>
        </Router>
    }
}

/// The station app: one page, a kiosk for the counter.
#[component]
pub fn StationApp() -> impl IntoView {
    provide_app_context("/station/");
    pages::staff::provide_session(STATION_BASE);
    view! {
        <Router base=STATION_BASE>
            <Shell nav=&[]>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=pages::station::StationPage />
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
