//! The start page: who are you?

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::{Key, use_i18n};

#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let card = move |href: &'static str, title: Key, intro: Key| {
        view! {
            <A href=href attr:class="area-card">
                <strong>{move || i18n.t(title)}</strong>
                <span>{move || i18n.t(intro)}</span>
            </A>
        }
    };
    view! {
        <section class="page home">
            <h1>{move || i18n.t(Key::AppName)}</h1>
            <p class="lead">{move || i18n.t(Key::HomeIntro)}</p>
            <div class="area-cards">
                {card("/resident", Key::ResidentTitle, Key::ResidentIntro)}
                {card("/worker", Key::WorkerTitle, Key::WorkerIntro)}
                {card("/station", Key::StationTitle, Key::StationIntro)}
                {card("/staff", Key::StaffTitle, Key::StaffIntro)}
            </div>
        </section>
    }
}
