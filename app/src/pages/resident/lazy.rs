//! The resident app's pages other than the start page, each built into a wasm module
//! of its own and fetched when first opened: a first visit from a QR code loads the
//! start page and what it needs, nothing more (a page opened at its own address, as a
//! texted link is, fetches its part once the main module runs). Leptos' `#[lazy]` marks
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

use super::file::FilePage;
use super::mine::{ComplaintPage, MinePage};
use super::track::TrackPage;

/// A route (`$route`, for `Lazy::<$route>`) whose page is the split point `$load`.
macro_rules! lazy_page {
    ($(#[$doc:meta])* $route:ident, $load:ident, $page:ident) => {
        $(#[$doc])*
        pub struct $route;

        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            async fn view(_: Self) -> AnyView {
                $load().await
            }
        }

        #[cfg_attr(feature = "lazy-pages", lazy)]
        async fn $load() -> AnyView {
            view! { <$page /> }.into_any()
        }
    };
}

lazy_page!(
    /// `/file`: filing, with photos, voice, clips, the map and the suggestions.
    FileRoute, file_page, FilePage
);
lazy_page!(
    /// `/mine`: the complaints filed on this device.
    MineRoute, mine_page, MinePage
);
lazy_page!(
    /// `/mine/:id`: one of them, with its timeline.
    ComplaintRoute, complaint_page, ComplaintPage
);
lazy_page!(
    /// `/track` and `/track/:code`: following a complaint by its code.
    TrackRoute, track_page, TrackPage
);
