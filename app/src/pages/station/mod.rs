//! Community stations (驿站): filing on behalf of walk-in residents.

use leptos::prelude::*;

use crate::i18n::{Key, use_i18n};

#[component]
pub fn StationPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="page">
            <h1>{move || i18n.t(Key::StationTitle)}</h1>
            <p class="lead">{move || i18n.t(Key::StationIntro)}</p>
        </section>
    }
}
