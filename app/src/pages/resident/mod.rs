//! Residents (群众): the start page, filing, the device's own complaints, following
//! and rating a complaint.

pub mod file;
pub mod lazy;
pub mod mine;
pub mod rating;
pub mod reference;
pub mod suggest;
pub mod track;

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::{Key, use_i18n};
use crate::offline::complaints::{self, Outbox};

/// The complaints outbox for every resident page, sent now, when the network
/// returns and every 30 seconds.
pub fn provide_outbox() {
    let outbox = Outbox::new();
    provide_context(outbox);
    crate::offline::sync::keep_running(move |force| send(outbox, force));
}

pub fn use_outbox() -> Outbox {
    use_context().expect("provide_outbox in ResidentApp")
}

/// Sends what is due (`force`: past any back-off).
pub fn send(outbox: Outbox, force: bool) {
    leptos::task::spawn_local(async move {
        if let Ok(database) = crate::offline::database().await {
            complaints::send(&database, outbox, force).await;
        }
    });
}

/// The resident app's start page: file, the device's complaints, following one, the
/// most filed kinds as shortcuts into filing, and the way into the staff app.
#[component]
pub fn ResidentHome() -> impl IntoView {
    let i18n = use_i18n();
    let reference = reference::use_reference();
    let common = move || {
        reference.with(|r| {
            r.common
                .iter()
                .filter_map(|code| r.matter(code))
                .map(|m| {
                    let (zh, en) = (m.name_zh.clone(), m.name_en.clone());
                    view! {
                        <li>
                            <A href=format!("/file?matter={}", m.code) attr:class="chip">
                                {move || i18n.pick(&zh, &en).to_owned()}
                            </A>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <section class="page">
            <h1>{move || i18n.t(Key::ResidentTitle)}</h1>
            <p class="lead">{move || i18n.t(Key::ResidentIntro)}</p>
            <A href="/file" attr:class="area-card primary">
                <strong>{move || i18n.t(Key::NavFile)}</strong>
                <span>{move || i18n.t(Key::FileIntro)}</span>
            </A>
            <A href="/mine" attr:class="area-card">
                <strong>{move || i18n.t(Key::NavMine)}</strong>
            </A>
            <A href="/track" attr:class="area-card">
                <strong>{move || i18n.t(Key::TrackTitle)}</strong>
                <span>{move || i18n.t(Key::TrackIntro)}</span>
            </A>
            <h2>{move || i18n.t(Key::ResidentCategories)}</h2>
            <ul class="chips" data-testid="categories">{common}</ul>
            // A plain link: the staff app is another program, loaded by the browser.
            <p class="staff-entry">
                <a href="/staff/" rel="external" data-testid="staff-entry">{move || i18n.t(Key::StaffEntry)}</a>
            </p>
        </section>
    }
}
