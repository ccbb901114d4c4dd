//! The frame around every page: header with the language switch, the update banner,
//! the page, and the bottom navigation (thumb-reachable on a phone).

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::{Key, use_i18n};
use crate::sw::UpdateState;

/// One entry of the bottom navigation.
#[derive(Debug, Clone, Copy)]
pub struct NavItem {
    /// The link, including the app's base path.
    pub href: &'static str,
    pub label: Key,
    /// Active only on exactly this path (for the start page).
    pub exact: bool,
}

impl NavItem {
    pub const fn new(href: &'static str, label: Key, exact: bool) -> NavItem {
        NavItem { href, label, exact }
    }
}

/// The app frame. `children` is the routed page.
#[component]
pub fn Shell(
    /// The bottom navigation's entries.
    nav: &'static [NavItem],
    /// The page to show between the header and the navigation.
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| {
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            doc.set_title(i18n.t(Key::AppName));
        }
    });
    view! {
        <header class="top-bar">
            <div class="brand">
                <span class="brand-name">{move || i18n.t(Key::AppName)}</span>
                <span class="brand-tagline">{move || i18n.t(Key::Tagline)}</span>
            </div>
            <LanguageSwitch />
        </header>
        <UpdateBanner />
        <main class="content">{children()}</main>
        <nav class="bottom-nav" aria-label=move || i18n.t(Key::NavHome)>
            {nav
                .iter()
                .map(|item| {
                    view! {
                        <A href=item.href exact=item.exact>
                            {move || i18n.t(item.label)}
                        </A>
                    }
                })
                .collect_view()}
        </nav>
    }
}

/// A button that offers the other language, named in that language.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button
            class="lang-switch"
            data-testid="lang-switch"
            title=move || i18n.t(Key::SwitchLanguage)
            on:click=move |_| i18n.set_locale(i18n.locale().other())
        >
            {move || i18n.locale().other().own_name()}
        </button>
    }
}

/// Shown when a new release has been installed in the background.
#[component]
fn UpdateBanner() -> impl IntoView {
    let i18n = use_i18n();
    let update = use_context::<UpdateState>().expect("UpdateState is provided by App");
    view! {
        <Show when=move || update.ready.get()>
            <div class="update-banner" role="status" data-testid="update-banner">
                <span>{move || i18n.t(Key::UpdateReady)}</span>
                <button on:click=move |_| crate::sw::apply_update()>
                    {move || i18n.t(Key::UpdateNow)}
                </button>
            </div>
        </Show>
    }
}
