//! Residents (群众): the start page and following a complaint.

pub mod track;

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::components::error_notice::ErrorNotice;
use crate::i18n::{Key, Locale, use_i18n};

/// The resident app's start page: what can be filed, following a complaint, and the
/// way into the staff app.
#[component]
pub fn ResidentHome() -> impl IntoView {
    let i18n = use_i18n();
    let catalogue = LocalResource::new(api::catalogue);
    view! {
        <section class="page">
            <h1>{move || i18n.t(Key::ResidentTitle)}</h1>
            <p class="lead">{move || i18n.t(Key::ResidentIntro)}</p>
            <A href="/track" attr:class="area-card">
                <strong>{move || i18n.t(Key::TrackTitle)}</strong>
                <span>{move || i18n.t(Key::TrackIntro)}</span>
            </A>
            <h2>{move || i18n.t(Key::ResidentCategories)}</h2>
            <Suspense fallback=move || view! { <p>{move || i18n.t(Key::Loading)}</p> }>
                {move || catalogue.get().map(|result| match result {
                    Ok(catalogue) => {
                        let top = catalogue
                            .matter_types
                            .into_iter()
                            .filter(|m| m.parent_code.is_none())
                            .map(|m| view! {
                                <li class="chip">
                                    {move || if i18n.locale() == Locale::ZhCn { m.name_zh.clone() } else { m.name_en.clone() }}
                                </li>
                            })
                            .collect_view();
                        view! { <ul class="chips" data-testid="categories">{top}</ul> }.into_any()
                    }
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                })}
            </Suspense>
            // A plain link: the staff app is another program, loaded by the browser.
            <p class="staff-entry">
                <a href="/staff/" rel="external" data-testid="staff-entry">{move || i18n.t(Key::StaffEntry)}</a>
            </p>
        </section>
    }
}
