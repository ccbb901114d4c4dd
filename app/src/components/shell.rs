//! The frame around every page: header with the language and text size switches, the
//! update banner, the page, and the bottom navigation (thumb-reachable on a phone).

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
            <div class="top-actions">
                <TextSizeSwitch />
                <LanguageSwitch />
            </div>
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

const LARGE_TEXT_KEY: &str = "gridline.large-text";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Large text on or off for the whole page (`<html data-text="large">`; the CSS scales
/// every size from the root's font size, so the phone's own text size works the same
/// way).
fn apply_large_text(on: bool) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = if on {
            root.set_attribute("data-text", "large")
        } else {
            root.remove_attribute("data-text")
        };
    }
}

/// The "大字" switch: larger text on this device, remembered across visits.
#[component]
pub fn TextSizeSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let stored = storage()
        .and_then(|s| s.get_item(LARGE_TEXT_KEY).ok().flatten())
        .is_some_and(|v| v == "1");
    let large = RwSignal::new(stored);
    apply_large_text(stored);
    let toggle = move |_| {
        let on = !large.get_untracked();
        large.set(on);
        apply_large_text(on);
        if let Some(storage) = storage() {
            // Private mode may refuse storage; the switch still works for this visit.
            let _ = storage.set_item(LARGE_TEXT_KEY, if on { "1" } else { "0" });
        }
    };
    view! {
        <button
            class="text-size"
            data-testid="text-size"
            aria-pressed=move || large.get().to_string()
            on:click=toggle
        >
            {move || i18n.t(Key::LargeText)}
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
