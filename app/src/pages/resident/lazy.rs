//! The resident app's pages other than the start page, each built into a wasm module
//! of its own and fetched when first opened: a first visit from a QR code or a texted
//! link loads the start page and what it needs, nothing more. Leptos' `#[lazy]` marks
//! the split points; the release build splits the module there (`wasm-split-cli`,
//! called by `scripts/tools/wasm-bindgen` between Cargo and wasm-bindgen) and the
//! service worker keeps every part, so the pages open offline as before.
//!
//! Only with the feature `lazy-pages` (app/index.html asks for it): a split point is
//! an exported function, which every program built from this library would otherwise
//! carry, and a module with split points must be split before it runs (the browser
//! tests' runner does not). Without it the same routes render their page at once.

use leptos::prelude::*;
use leptos_router::LazyRoute;

use super::{file, mine, track};

/// `/file`: filing, with photos, voice, clips, the map and the suggestions.
pub struct FileRoute;

impl LazyRoute for FileRoute {
    fn data() -> Self {
        FileRoute
    }

    async fn view(_: Self) -> AnyView {
        file_page().await
    }
}

#[cfg_attr(feature = "lazy-pages", lazy)]
async fn file_page() -> AnyView {
    view! { <file::FilePage /> }.into_any()
}

/// `/mine`: the complaints filed on this device.
pub struct MineRoute;

impl LazyRoute for MineRoute {
    fn data() -> Self {
        MineRoute
    }

    async fn view(_: Self) -> AnyView {
        mine_page().await
    }
}

#[cfg_attr(feature = "lazy-pages", lazy)]
async fn mine_page() -> AnyView {
    view! { <mine::MinePage /> }.into_any()
}

/// `/mine/:id`: one of them, with its timeline.
pub struct ComplaintRoute;

impl LazyRoute for ComplaintRoute {
    fn data() -> Self {
        ComplaintRoute
    }

    async fn view(_: Self) -> AnyView {
        complaint_page().await
    }
}

#[cfg_attr(feature = "lazy-pages", lazy)]
async fn complaint_page() -> AnyView {
    view! { <mine::ComplaintPage /> }.into_any()
}

/// `/track` and `/track/:code`: following a complaint by its code.
pub struct TrackRoute;

impl LazyRoute for TrackRoute {
    fn data() -> Self {
        TrackRoute
    }

    async fn view(_: Self) -> AnyView {
        track_page().await
    }
}

#[cfg_attr(feature = "lazy-pages", lazy)]
async fn track_page() -> AnyView {
    view! { <track::TrackPage /> }.into_any()
}
