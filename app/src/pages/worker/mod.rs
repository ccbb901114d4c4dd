//! Grid workers (网格员): patrols and findings, offline first.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::{Key, use_i18n};

#[component]
pub fn WorkerPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="page">
            <h1>{move || i18n.t(Key::WorkerTitle)}</h1>
            <p class="lead">{move || i18n.t(Key::WorkerIntro)}</p>
            <A href="/staff/" attr:class="button">{move || i18n.t(Key::SignIn)}</A>
        </section>
    }
}
